// SPDX-License-Identifier: GPL-2.0-only
/*
 * import_procs.c - the process table of a recording: pid -> the live process,
 * its name, executable, argv.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

uint32_t proc_new(struct an_imp *im, uint32_t pid, const struct sr_event *h, int origin)
{
	struct an_proc *p;
	uint32_t i = (uint32_t)im->nprocs, old;

	if (im->nprocs + 1 >= NONE ||
	    sr_grow_mem(&im->mem, &im->procs, &im->capprocs, im->nprocs + 1, sizeof(*im->procs)))
		return NONE;
	old = sr_map__get(&im->alive, pid, 0, 0);
	if (sr_map__set(&im->alive, pid, 0, 0, i))
		return NONE;
	if (old < DEAD)
		sr_fdtrack__end(&im->fdt, old, (int64_t)h->ts);	/* its pid was taken */
	p = &im->procs[i];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->parent = NONE;
	memcpy(p->comm, h->comm, SR_COMM_LEN);
	p->comm[comm_len(h->comm)] = 0;
	p->uid = h->uid;
	p->gid = h->gid;
	p->cgroup_id = h->cgroup_id;
	p->origin = (uint8_t)origin;
	p->first_ts = (int64_t)h->ts;
	im->nprocs++;
	return i;
}

uint32_t proc_of(struct an_imp *im, const struct sr_event *h)
{
	uint32_t i = sr_map__get(&im->alive, h->pid, 0, 0);
	struct an_proc *p;

	if (i >= DEAD)
		return proc_new(im, h->pid, h, ORIGIN_SEEN);
	p = &im->procs[i];
	if (h->cgroup_id)
		p->cgroup_id = h->cgroup_id;
	/* the group leader's name is the process's name (prctl PR_SET_NAME) */
	if (h->tid == h->pid && memcmp(p->comm, h->comm, comm_len(h->comm) + (comm_len(h->comm) < SR_COMM_LEN))) {
		memcpy(p->comm, h->comm, SR_COMM_LEN);
		p->comm[comm_len(h->comm)] = 0;
	}
	return i;
}

/*
 * What a string of @len bytes is counted as: its bytes, its NUL and what
 * malloc keeps beside it.
 */
static uint64_t str_bytes(size_t len)
{
	return (uint64_t)len + 1 + 16;
}

char *imp_memdup0(struct an_imp *im, const char *s, size_t len)
{
	char *d;

	if (sr_mem__take(&im->mem, str_bytes(len)))
		return NULL;
	d = sr_memdup0(s, len);
	if (!d)
		sr_mem__give(&im->mem, str_bytes(len));
	return d;
}

void imp_free_str(struct an_imp *im, char *s, size_t len)
{
	if (!s)
		return;
	sr_mem__give(&im->mem, str_bytes(len));
	free(s);
}

void set_str(struct an_imp *im, char **dst, const char *s, size_t len)
{
	if (!s)
		return;
	if (*dst)
		imp_free_str(im, *dst, strlen(*dst));
	/* read as a C string: what follows a NUL would be counted, never freed */
	*dst = imp_memdup0(im, s, strnlen(s, len));
}

void set_argv(struct an_imp *im, struct an_proc *p, const char *s, size_t len)
{
	if (!s)
		return;
	while (len && !s[len - 1])
		len--;
	imp_free_str(im, p->argv, p->argv_len);
	if (p->cmdline)
		imp_free_str(im, p->cmdline, strlen(p->cmdline));
	p->argv = imp_memdup0(im, s, len);
	p->argv_len = p->argv ? len : 0;
	p->cmdline = imp_memdup0(im, s, len);
	if (p->cmdline)
		for (size_t i = 0; i < len; i++)
			if (!p->cmdline[i])
				p->cmdline[i] = ' ';
}
