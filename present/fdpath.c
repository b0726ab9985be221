// SPDX-License-Identifier: GPL-2.0-only
/*
 * present/fdpath.c - which path each descriptor of each process names, as
 * far as the records tell, so that text lines show fd=3</etc/passwd> as
 * strace -y does.  Built from every record read, printed or not: the
 * snapshot's fd records, opens, dups and closes, forks (the child gets a
 * copy), successful execs (close-on-exec descriptors go) and the exit of
 * the whole process.  Keyed by pid (tgid): the threads share it.  A
 * socket is named by its sock records ("tcp 127.0.0.1:5432->..."), which
 * come before the syscall that made, bound, connected or accepted it; a
 * pipe's two ends by its pipe record ("pipe:[INO]", as /proc names it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/event.h"
#include "printer.h"

#define FD_MAX		65536	/* descriptors above are not followed */
#define PROCS_MAX	(1u << 20)	/* nor processes past this many slots */
#define O_CLOEXEC_	02000000
#define F_DUPFD_CLOEXEC_	1030

struct fd_ent {
	char *path;		/* NULL: unknown or closed */
	uint32_t len;
	int cloexec;
};

/* A process: used when fds or pid is set; pid 0 never is (the idle task). */
struct fd_proc {
	uint32_t pid;
	uint32_t nfd;
	struct fd_ent *fds;
};

struct pr_fdpath {
	struct fd_proc *procs;	/* open addressing on pid */
	size_t cap, used;
};

struct pr_fdpath *pr_fdpath__new(void)
{
	return calloc(1, sizeof(struct pr_fdpath));
}

static void proc_clear(struct fd_proc *pp)
{
	for (uint32_t i = 0; i < pp->nfd; i++)
		free(pp->fds[i].path);
	free(pp->fds);
	pp->fds = NULL;
	pp->nfd = 0;
}

void pr_fdpath__free(struct pr_fdpath *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->cap; i++)
		proc_clear(&t->procs[i]);
	free(t->procs);
	free(t);
}

static size_t slot(const struct pr_fdpath *t, uint32_t pid)
{
	size_t i = (pid * 2654435761u) & (t->cap - 1);

	while (t->procs[i].pid && t->procs[i].pid != pid)
		i = (i + 1) & (t->cap - 1);
	return i;
}

static struct fd_proc *find(const struct pr_fdpath *t, uint32_t pid)
{
	struct fd_proc *pp;

	if (!t->cap || !pid)
		return NULL;
	pp = &t->procs[slot(t, pid)];
	return pp->pid ? pp : NULL;
}

/* The process @pid, made when missing (pids stay: a dead one is emptied). */
static struct fd_proc *get(struct pr_fdpath *t, uint32_t pid)
{
	struct fd_proc *pp = find(t, pid);

	if (pp || !pid)
		return pp;
	if ((t->used + 1) * 2 > t->cap) {
		struct pr_fdpath n = { .cap = t->cap ? t->cap * 2 : 64 };

		if (n.cap > PROCS_MAX)
			return NULL;
		n.procs = calloc(n.cap, sizeof(*n.procs));
		if (!n.procs)
			return NULL;
		for (size_t i = 0; i < t->cap; i++)
			if (t->procs[i].pid)
				n.procs[slot(&n, t->procs[i].pid)] = t->procs[i];
		free(t->procs);
		t->procs = n.procs;
		t->cap = n.cap;
	}
	pp = &t->procs[slot(t, pid)];
	pp->pid = pid;
	t->used++;
	return pp;
}

static void set_fd(struct pr_fdpath *t, uint32_t pid, int64_t fd, const char *s, size_t len,
		   int cloexec)
{
	struct fd_proc *pp;
	struct fd_ent *e;

	if (fd < 0 || fd >= FD_MAX || !(pp = get(t, pid)))
		return;
	if ((uint32_t)fd >= pp->nfd) {
		uint32_t n = (uint32_t)fd < 16 ? 16 : (uint32_t)fd * 2;
		struct fd_ent *fds = realloc(pp->fds, n * sizeof(*fds));

		if (!fds)
			return;
		memset(fds + pp->nfd, 0, (n - pp->nfd) * sizeof(*fds));
		pp->fds = fds;
		pp->nfd = n;
	}
	e = &pp->fds[fd];
	free(e->path);
	e->path = NULL;
	e->len = 0;
	if (!s)
		return;
	e->path = malloc(len + 1);
	if (!e->path)
		return;
	memcpy(e->path, s, len);
	e->path[len] = 0;
	e->len = (uint32_t)len;
	e->cloexec = cloexec;
}

int pr_fdpath__get(const struct pr_fdpath *t, uint32_t pid, int64_t fd,
		   const char **s, size_t *len)
{
	const struct fd_proc *pp = find(t, pid);

	if (!pp || fd < 0 || (uint64_t)fd >= pp->nfd || !pp->fds[fd].path)
		return 0;
	*s = pp->fds[fd].path;
	*len = pp->fds[fd].len;
	return 1;
}

/* @ref of @ev as the path of @fd, or forget @fd when it is empty or bad. */
static void set_str(struct pr_fdpath *t, const struct sr_event *ev, int64_t fd,
		    struct sr_str ref, int cloexec)
{
	const char *s;
	size_t len;

	if (sr_event__str(ev, ref, &s, &len) || !len)
		s = NULL, len = 0;
	set_fd(t, ev->pid, fd, s, len, cloexec);
}

static void dup_fd(struct pr_fdpath *t, uint32_t pid, int64_t from, int64_t to, int cloexec)
{
	const char *s = NULL;
	size_t len = 0;
	char *copy = NULL;

	/* the source may be the very entry set_fd frees */
	if (pr_fdpath__get(t, pid, from, &s, &len)) {
		copy = malloc(len + 1);
		if (!copy)
			return;
		memcpy(copy, s, len + 1);
	}
	set_fd(t, pid, to, copy, len, cloexec);
	free(copy);
}

static void fork_proc(struct pr_fdpath *t, uint32_t parent, uint32_t child)
{
	struct fd_proc *pp = find(t, parent);

	if (!pp || !get(t, child))
		return;
	pp = find(t, parent);	/* get() may have moved it */
	proc_clear(find(t, child));
	for (uint32_t i = 0; i < pp->nfd; i++)
		if (pp->fds[i].path)
			set_fd(t, child, i, pp->fds[i].path, pp->fds[i].len,
			       pp->fds[i].cloexec);
}

static void exec_proc(struct pr_fdpath *t, uint32_t pid)
{
	struct fd_proc *pp = find(t, pid);

	for (uint32_t i = 0; pp && i < pp->nfd; i++) {
		if (pp->fds[i].cloexec) {
			free(pp->fds[i].path);
			pp->fds[i].path = NULL;
		}
	}
}

/* The cloexec mark of a descriptor named by a sock record before its syscall's. */
static void mark_cloexec(struct pr_fdpath *t, uint32_t pid, int64_t fd)
{
	struct fd_proc *pp = find(t, pid);

	if (pp && fd >= 0 && (uint64_t)fd < pp->nfd && pp->fds[fd].path)
		pp->fds[fd].cloexec = 1;
}

void pr_fdpath__track(struct pr_fdpath *t, const struct sr_event *ev)
{
	switch (ev->type) {
	case SR_EV_SOCK: {
		const struct sr_ev_sock *e = (const void *)ev;
		const char *old;
		char name[320];
		size_t n, olen;
		int cloexec = 0;

		if (ev->size < sizeof(*e))
			break;
		n = sr_sock_name(e, name, sizeof(name));
		/* a socket named again (bound, connected) keeps its descriptor's mark */
		if (pr_fdpath__get(t, ev->pid, e->fd, &old, &olen))
			cloexec = find(t, ev->pid)->fds[e->fd].cloexec;
		set_fd(t, ev->pid, e->fd, name, n, cloexec);
		break;
	}
	case SR_EV_NET: {
		const struct sr_ev_net *e = (const void *)ev;

		/* socket, socketpair, accept4: SOCK_CLOEXEC is O_CLOEXEC */
		if (ev->size >= sizeof(*e) && e->s.ret >= 0 && (e->flags & O_CLOEXEC_)) {
			mark_cloexec(t, ev->pid, e->fd);
			mark_cloexec(t, ev->pid, e->fd2);
		}
		break;
	}
	case SR_EV_PIPE: {
		const struct sr_ev_pipe *e = (const void *)ev;
		char name[48];
		int n;

		if (ev->size < sizeof(*e) || e->s.ret)
			break;
		n = snprintf(name, sizeof(name), "pipe:[%llu]", (unsigned long long)e->ino);
		for (int i = 0; i < 2; i++)
			set_fd(t, ev->pid, e->fds[i], name, (size_t)n, !!(e->flags & O_CLOEXEC_));
		break;
	}
	case SR_EV_FD: {
		const struct sr_ev_fd *e = (const void *)ev;

		if (ev->size >= sizeof(*e))
			set_str(t, ev, e->fd, e->path, !!(e->flags & O_CLOEXEC_));
		break;
	}
	case SR_EV_OPEN: {
		const struct sr_ev_open *e = (const void *)ev;

		if (ev->size < sizeof(*e) || e->s.ret < 0)
			break;
		set_str(t, ev, e->s.ret, e->path.len ? e->path : e->name,
			!!(e->flags & O_CLOEXEC_));
		break;
	}
	case SR_EV_DUP: {
		const struct sr_ev_dup *e = (const void *)ev;

		/* dup, dup2, dup3 and fcntl's F_DUPFD (cmd 0) and F_DUPFD_CLOEXEC */
		if (ev->size < sizeof(*e) || e->s.ret < 0 || e->s.ret == e->fd ||
		    (e->cmd && e->cmd != F_DUPFD_CLOEXEC_))
			break;
		dup_fd(t, ev->pid, e->fd, e->s.ret,
		       e->cmd == F_DUPFD_CLOEXEC_ || (e->flags & O_CLOEXEC_));
		break;
	}
	case SR_EV_CLOSE: {
		const struct sr_ev_close *e = (const void *)ev;

		/* a failed close of a real descriptor closes it too, but EBADF names none */
		if (ev->size >= sizeof(*e))
			set_fd(t, ev->pid, e->fd, NULL, 0, 0);
		break;
	}
	case SR_EV_FORK: {
		const struct sr_ev_fork *e = (const void *)ev;

		if (ev->size >= sizeof(*e) && e->s.ret > 0 && e->child_pid != ev->pid)
			fork_proc(t, ev->pid, e->child_pid);
		break;
	}
	case SR_EV_EXEC: {
		const struct sr_ev_exec *e = (const void *)ev;

		if (ev->size >= sizeof(*e) && e->s.ret == 0)
			exec_proc(t, ev->pid);
		break;
	}
	case SR_EV_EXIT: {
		struct fd_proc *pp = find(t, ev->pid);

		if (pp && (ev->flags & SR_F_GROUP_DEAD))
			proc_clear(pp);
		break;
	}
	}
}
