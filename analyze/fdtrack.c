// SPDX-License-Identifier: GPL-2.0-only
/*
 * fdtrack.c - the descriptor tables of the processes of a recording,
 * replayed from its open, dup, close, close_range, fork and exec records,
 * with the lifetime of every descriptor.  Pure (tests/unit/test_fdtrack.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "fdtrack.h"

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE	(1u << 1)	/* linux/close_range.h */
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC	(1u << 2)
#endif

/* The table of @proc; with @create made (empty) when there is none. */
static struct sr_fdtab *tab_of(struct sr_fdtrack *t, uint32_t proc, int create)
{
	if (proc < t->ntabs)
		return &t->tabs[proc];
	if (!create || proc == SR_FD_NONE ||
	    sr_grow_mem(t->mem, &t->tabs, &t->captabs, (size_t)proc + 1, sizeof(*t->tabs)))
		return NULL;
	memset(&t->tabs[t->ntabs], 0, ((size_t)proc + 1 - t->ntabs) * sizeof(*t->tabs));
	t->ntabs = (size_t)proc + 1;
	return &t->tabs[proc];
}

static void file_ref(struct sr_fdtrack *t, uint32_t file, int delta)
{
	if (t->ref)
		t->ref(t->ctx, file, delta);
}

struct sr_fd *sr_fdtrack__find(struct sr_fdtrack *t, uint32_t proc, int32_t fd)
{
	struct sr_fdtab *p = tab_of(t, proc, 0);
	uint32_t pos;

	if (!p)
		return NULL;
	pos = sr_map__get(&t->map, proc, (uint32_t)fd, 0);
	if (pos == SR_FD_NONE || pos >= p->nfds)
		return NULL;
	return &p->fds[pos];
}

static void life_close(struct sr_fdtrack *t, uint32_t life, int64_t ts)
{
	struct sr_fdlife *l = &t->lives[life];

	if (!l->closed) {
		l->closed = 1;
		l->closed_ts = ts;
	}
}

/* Take the entry at pos out of the array: the last one moves into its place. */
static void fd_remove(struct sr_fdtrack *t, uint32_t proc, uint32_t pos)
{
	struct sr_fdtab *p = &t->tabs[proc];
	uint32_t last = p->nfds - 1;

	sr_map__del(&t->map, proc, (uint32_t)p->fds[pos].fd, 0);
	file_ref(t, p->fds[pos].file, -1);
	if (pos != last) {
		p->fds[pos] = p->fds[last];
		/* cannot fail: the key is there, only its value changes */
		sr_map__set(&t->map, proc, (uint32_t)p->fds[pos].fd, 0, pos);
	}
	p->nfds--;
}

void sr_fdtrack__close(struct sr_fdtrack *t, uint32_t proc, int32_t fd, int64_t ts)
{
	struct sr_fd *e = sr_fdtrack__find(t, proc, fd);

	if (!e)
		return;
	life_close(t, e->life, ts);
	fd_remove(t, proc, (uint32_t)(e - t->tabs[proc].fds));
}

int sr_fdtrack__assign(struct sr_fdtrack *t, uint32_t proc, int32_t fd, uint32_t file,
		       int cloexec, enum sr_fd_how how, int64_t ts)
{
	struct sr_fdtab *p;
	struct sr_fdlife *l;
	struct sr_fd *e;
	size_t cap;

	if (fd < 0)
		return 0;
	if (t->nlives + 1 >= SR_FD_NONE ||
	    sr_grow_mem(t->mem, &t->lives, &t->caplives, t->nlives + 1, sizeof(*t->lives)))
		return -ENOMEM;
	p = tab_of(t, proc, 1);
	if (!p)
		return -ENOMEM;
	e = sr_fdtrack__find(t, proc, fd);
	if (e) {
		life_close(t, e->life, ts);
		file_ref(t, e->file, -1);
	} else {
		cap = p->capfds;
		if (p->nfds + 1 >= SR_FD_NONE ||
		    sr_grow_mem(t->mem, &p->fds, &cap, (size_t)p->nfds + 1, sizeof(*p->fds)))
			return -ENOMEM;
		p->capfds = (uint32_t)cap;
		if (sr_map__set(&t->map, proc, (uint32_t)fd, 0, p->nfds))
			return -ENOMEM;
		e = &p->fds[p->nfds++];
	}
	e->fd = fd;
	e->file = file;
	file_ref(t, file, 1);
	e->cloexec = !!cloexec;
	e->life = (uint32_t)t->nlives;
	l = &t->lives[t->nlives++];
	l->proc = proc;
	l->file = file;
	l->fd = fd;
	l->how = (uint8_t)how;
	l->cloexec = !!cloexec;
	l->closed = 0;
	l->opened_ts = ts;
	l->closed_ts = 0;
	return 0;
}

int sr_fdtrack__dup(struct sr_fdtrack *t, uint32_t proc, const struct sr_ev_dup *e,
		    int64_t ret, int is_fcntl, uint32_t file, int64_t ts)
{
	int newfd = -1, cloexec = 0;

	if (ret >= 0 && ret <= INT32_MAX) {
		if (!is_fcntl) {
			newfd = (int)ret;
			cloexec = !!(e->flags & O_CLOEXEC);	/* dup3 */
		} else if (e->cmd == F_DUPFD || e->cmd == F_DUPFD_CLOEXEC) {
			newfd = (int)ret;
			cloexec = e->cmd == F_DUPFD_CLOEXEC;
		} else if (e->cmd == F_SETFD) {
			struct sr_fd *f;

			f = sr_fdtrack__find(t, proc, e->fd);
			if (f) {
				f->cloexec = !!(e->arg & FD_CLOEXEC);
				t->lives[f->life].cloexec = f->cloexec;
			}
		}
	}
	/* dup2(fd, fd) changes nothing */
	if (newfd >= 0 && newfd != e->fd)
		return sr_fdtrack__assign(t, proc, newfd, file, cloexec, SR_FD_DUP, ts);
	return 0;
}

static void fds_close_all(struct sr_fdtrack *t, uint32_t proc, int64_t ts, int only_cloexec)
{
	struct sr_fdtab *p = tab_of(t, proc, 0);

	if (!p)
		return;
	for (uint32_t i = p->nfds; i-- > 0;) {
		if (only_cloexec && !p->fds[i].cloexec)
			continue;
		life_close(t, p->fds[i].life, ts);
		fd_remove(t, proc, i);
	}
}

/*
 * close_range(first, last, flags): the descriptors in [first, last] are
 * closed, or with CLOSE_RANGE_CLOEXEC marked close-on-exec.  With
 * CLOSE_RANGE_UNSHARE the calling thread gets a table of its own first:
 * the process's one table of this model stays right only when no other
 * thread shares it, so in a process that may have one (@threaded)
 * nothing is changed: a descriptor left open here at worst keeps a reused
 * inode under its old file.
 */
void sr_fdtrack__close_range(struct sr_fdtrack *t, uint32_t proc, uint64_t first,
			     uint64_t last, uint64_t flags, int threaded, int64_t ts)
{
	struct sr_fdtab *p = tab_of(t, proc, 0);

	if (!p || ((flags & CLOSE_RANGE_UNSHARE) && threaded))
		return;
	first = (uint32_t)first;
	last = (uint32_t)last;
	for (uint32_t i = p->nfds; i-- > 0;) {
		struct sr_fd *f = &p->fds[i];

		if ((uint64_t)(uint32_t)f->fd < first || (uint64_t)(uint32_t)f->fd > last)
			continue;
		if (flags & CLOSE_RANGE_CLOEXEC) {
			f->cloexec = 1;
			t->lives[f->life].cloexec = 1;
		} else {
			life_close(t, f->life, ts);
			fd_remove(t, proc, i);
		}
	}
}

int sr_fdtrack__fork(struct sr_fdtrack *t, uint32_t parent, uint32_t child, int64_t ts)
{
	/* made first: growing the tables moves the parent's */
	if (!tab_of(t, child, 1))
		return -ENOMEM;
	for (uint32_t i = 0; parent < t->ntabs && i < t->tabs[parent].nfds; i++) {
		struct sr_fd f = t->tabs[parent].fds[i];

		if (sr_fdtrack__find(t, child, f.fd))
			continue;
		if (sr_fdtrack__assign(t, child, f.fd, f.file, f.cloexec, SR_FD_INHERIT, ts))
			return -ENOMEM;
	}
	return 0;
}

void sr_fdtrack__exec(struct sr_fdtrack *t, uint32_t proc, int64_t ts)
{
	fds_close_all(t, proc, ts, 1);
}

void sr_fdtrack__end(struct sr_fdtrack *t, uint32_t proc, int64_t ts)
{
	struct sr_fdtab *p = tab_of(t, proc, 0);

	if (!p)
		return;
	fds_close_all(t, proc, ts, 0);
	sr_mem__give(t->mem, (uint64_t)p->capfds * sizeof(*p->fds));
	free(p->fds);
	p->fds = NULL;
	p->capfds = 0;
}

void sr_fdtrack__clear(struct sr_fdtrack *t)
{
	for (size_t i = 0; i < t->ntabs; i++) {
		sr_mem__give(t->mem, (uint64_t)t->tabs[i].capfds * sizeof(*t->tabs[i].fds));
		free(t->tabs[i].fds);
	}
	sr_mem__give(t->mem, (uint64_t)t->captabs * sizeof(*t->tabs) +
		     (uint64_t)t->caplives * sizeof(*t->lives));
	free(t->tabs);
	free(t->lives);
	sr_map__clear(&t->map);
	t->tabs = NULL;
	t->lives = NULL;
	t->ntabs = t->captabs = t->nlives = t->caplives = 0;
}
