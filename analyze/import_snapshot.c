// SPDX-License-Identifier: GPL-2.0-only
/*
 * import_snapshot.c - the records the recorder writes itself: processes and
 * descriptors alive when a file began, cgroup paths, lost samples.
 * They set state or fill their own tables; none is an event.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>

#include "import.h"

int import_proc(struct an_imp *im, const struct sr_event *ev)
{
	const struct sr_ev_proc *e = (const void *)ev;
	const char *exe, *argv, *cwd;
	size_t el, al, cl;
	uint32_t i = sr_map__get(&im->alive, ev->pid, 0, 0);
	struct an_proc *p;

	exe = ev_str(ev, e->exe, &el);
	argv = ev_str(ev, e->argv, &al);
	cwd = ev_str(ev, e->cwd, &cl);
	/*
	 * The same process again in the next file of a rotated set.  /proc
	 * gives start times in clock ticks, so they are compared loosely: only
	 * a start clearly after the one we know is a new process on a reused pid.
	 */
	if (i < DEAD && (!e->start_ns || !im->procs[i].has_start ||
			 sr_clamp_u64(e->start_ns, SR_TS_MAX) <= im->procs[i].start_ts + START_SLACK_NS)) {
		p = &im->procs[i];
		if (!p->exe)
			set_str(im, &p->exe, exe, el);
		if (!p->argv)
			set_argv(im, p, argv, al);
		if (!p->cwd)
			set_str(im, &p->cwd, cwd, cl);
		if (!p->has_start && e->start_ns) {
			p->start_ts = sr_clamp_u64(e->start_ns, SR_TS_MAX);
			p->has_start = 1;
		}
		return 0;
	}
	i = proc_new(im, ev->pid, ev, ORIGIN_SNAPSHOT);
	if (i == NONE)
		return -ENOMEM;
	p = &im->procs[i];
	p->ppid = e->ppid;
	if (e->start_ns) {
		p->start_ts = sr_clamp_u64(e->start_ns, SR_TS_MAX);
		p->has_start = 1;
	}
	set_str(im, &p->exe, exe, el);
	set_argv(im, p, argv, al);
	set_str(im, &p->cwd, cwd, cl);
	return 0;
}

int import_fd(struct an_imp *im, const struct sr_event *ev)
{
	const struct sr_ev_fd *e = (const void *)ev;
	const char *path;
	size_t pl;
	uint32_t proc, file;
	struct sr_fd *f;

	path = ev_str(ev, e->path, &pl);
	proc = proc_of(im, ev);
	if (proc == NONE)
		return -ENOMEM;
	file = file_get(im, e->dev, e->ino, path, pl);
	f = sr_fdtrack__find(&im->fdt, proc, e->fd);
	if (f && f->file == file) {
		f->cloexec = !!(e->flags & O_CLOEXEC);
		return 0;
	}
	return sr_fdtrack__assign(&im->fdt, proc, e->fd, file, e->flags & O_CLOEXEC, SR_FD_SNAPSHOT,
				  (int64_t)ev->ts);
}

int import_cgroup(struct an_imp *im, const struct sr_event *ev)
{
	const struct sr_ev_cgroup *e = (const void *)ev;
	sqlite3_stmt *st = im->ins_cgroup;
	struct sr_cg_info ci;
	const char *path;
	size_t pl;

	path = ev_str(ev, e->path, &pl);
	sr_cg_parse(path, pl, &ci);
	sqlite3_bind_int64(st, 1, im->rec_id);
	sqlite3_bind_int64(st, 2, (int64_t)e->id);
	bind_text_or_null(st, 3, path, pl);
	bind_text_or_null(st, 4, ci.runtime[0] ? ci.runtime : NULL, strlen(ci.runtime));
	bind_text_or_null(st, 5, ci.id[0] ? ci.id : NULL, strlen(ci.id));
	bind_text_or_null(st, 6, ci.unit[0] ? ci.unit : NULL, strlen(ci.unit));
	return step_reset(im, st);
}

int import_lost(struct an_imp *im, const struct sr_event *ev)
{
	const struct sr_ev_lost *e = (const void *)ev;
	sqlite3_stmt *st = im->ins_lost;

	sqlite3_bind_int64(st, 1, im->rec_id);
	sqlite3_bind_int64(st, 2, im->trace_id);
	sqlite3_bind_int64(st, 3, (int64_t)ev->ts);
	sqlite3_bind_int(st, 4, ev->cpu);
	sqlite3_bind_int64(st, 5, sr_clamp_u64(e->count, SR_LOST_MAX));
	im->rec_lost += (uint64_t)sr_clamp_u64(e->count, SR_LOST_MAX);
	im->tr_lost += (uint64_t)sr_clamp_u64(e->count, SR_LOST_MAX);
	return step_reset(im, st);
}
