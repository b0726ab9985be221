// SPDX-License-Identifier: GPL-2.0-only
/*
 * import_records.c - the handler of each kernel record type and the dispatcher,
 * whose tables are built from SR_EVENT_TYPES.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <limits.h>

#include "import.h"

static int64_t event_id_now(struct an_imp *im)
{
	return im->next_event;
}

static int import_exec(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		       const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_exec *e = (const void *)ev;
	struct ev_row x = { .fd = -1, .file = NONE };
	const char *fn, *path, *argv;
	size_t fnl, pl, al;
	struct an_proc *p;
	sqlite3_stmt *st = im->ins_exec;
	int64_t id = event_id_now(im);

	fn = ev_str(ev, e->filename, &fnl);
	path = ev_str(ev, e->path, &pl);
	argv = ev_str(ev, e->argv, &al);
	if (e->dev || e->ino || path)
		x.file = file_get(im, e->dev, e->ino, path, pl);
	if (!is_err(s->ret)) {
		p = &im->procs[proc];
		/*
		 * A process first seen at its exec, with neither a fork nor a
		 * snapshot: the recorded command, forked by the recorder (not
		 * recorded).  It began being the command when its exec began.
		 */
		if (!p->has_start && p->origin == ORIGIN_SEEN && !p->execs &&
		    p->first_ts == (int64_t)ev->ts) {
			p->start_ts = sr_sum((int64_t)ev->ts, -sr_clamp_u64(s->dur_ns, SR_DUR_MAX));
			p->has_start = 1;
		}
		p->execs++;
		p->threaded = 0;	/* exec leaves the process one thread */
		memcpy(p->comm, ev->comm, SR_COMM_LEN);
		p->comm[comm_len(ev->comm)] = 0;
		set_str(im, &p->exe, path ? path : fn, path ? pl : fnl);
		set_argv(im, p, argv, al);
		sr_fdtrack__exec(&im->fdt, proc, (int64_t)ev->ts);
	}
	if (im->event_rows) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, im->proc_base + proc);
		sqlite3_bind_int64(st, 3, e->old_tid);
		sqlite3_bind_int64(st, 4, e->argc);
		sqlite3_bind_int64(st, 5, (int64_t)e->dev);
		sqlite3_bind_int64(st, 6, (int64_t)e->ino);
		if (x.file != NONE)
			sqlite3_bind_int64(st, 7, im->file_base + x.file);
		else
			sqlite3_bind_null(st, 7);
		bind_text_or_null(st, 8, fn, fnl);
		bind_text_or_null(st, 9, path, pl);
		if (argv && !is_err(s->ret) && im->procs[proc].cmdline)
			sqlite3_bind_text(st, 10, im->procs[proc].cmdline, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(st, 10);
		if (argv)
			sqlite3_bind_blob(st, 11, argv, (int)al, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 11);
		if (step_reset(im, st))
			return -EIO;
	}
	return insert_event(im, ev, proc, s, sys, &x);
}

static int import_fork(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		       const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_fork *e = (const void *)ev;
	struct ev_row x = { .fd = -1, .file = NONE };
	sqlite3_stmt *st = im->ins_fork;
	int64_t id = event_id_now(im);
	uint32_t child = NONE;

	if (s->ret >= 0 && (ev->flags & SR_F_THREAD)) {
		im->procs[proc].threads++;
		im->procs[proc].threaded = 1;
	} else if (s->ret >= 0 && e->child_pid && e->child_pid != ev->pid) {
		struct an_proc *p, *c;

		child = sr_map__get(&im->alive, e->child_pid, 0, 0);
		/*
		 * The child may have run before the parent's record was taken:
		 * the process made up for its events is this one.
		 */
		if (child >= DEAD || im->procs[child].origin != ORIGIN_SEEN ||
		    im->procs[child].has_start) {
			child = proc_new(im, e->child_pid, ev, ORIGIN_FORK);
			if (child == NONE)
				return -ENOMEM;
		}
		p = &im->procs[proc];
		c = &im->procs[child];
		c->origin = ORIGIN_FORK;
		c->ppid = ev->pid;
		c->parent = proc;
		c->start_ts = (int64_t)ev->ts;
		c->has_start = 1;
		if (!c->exe && p->exe)
			c->exe = imp_memdup0(im, p->exe, strlen(p->exe));
		if (!c->argv && p->argv)
			set_argv(im, c, p->argv, p->argv_len);
		if (!c->cwd && p->cwd)
			c->cwd = imp_memdup0(im, p->cwd, strlen(p->cwd));
		/* the child starts with a copy of the parent's table */
		if (sr_fdtrack__fork(&im->fdt, proc, child, (int64_t)ev->ts))
			return -ENOMEM;
	}
	if (im->event_rows) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, e->child_pid);
		sqlite3_bind_int64(st, 3, e->child_tid);
		sqlite3_bind_int64(st, 4, (int64_t)e->clone_flags);
		if (child != NONE)
			sqlite3_bind_int64(st, 5, im->proc_base + child);
		else
			sqlite3_bind_null(st, 5);
		if (step_reset(im, st))
			return -EIO;
	}
	return insert_event(im, ev, proc, s, sys, &x);
}

static int import_exit(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		       const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_exit *e = (const void *)ev;
	struct ev_row x = { .fd = -1, .file = NONE };
	sqlite3_stmt *st = im->ins_exit;
	int64_t id = event_id_now(im);

	if (ev->flags & SR_F_GROUP_DEAD) {
		struct an_proc *p = &im->procs[proc];

		p->exited = 1;
		p->exit_ts = (int64_t)ev->ts;
		p->exit_code = e->exit_code;
		sr_fdtrack__end(&im->fdt, proc, (int64_t)ev->ts);
	}
	if (im->event_rows) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, e->exit_code);
		if (step_reset(im, st))
			return -EIO;
	}
	(void)s;	/* none: exit has no syscall part */
	(void)sys;
	if (insert_event(im, ev, proc, NULL, NONE, &x))
		return -EIO;
	/* a pid seen after this is a new process */
	if (ev->flags & SR_F_GROUP_DEAD)
		sr_map__set(&im->alive, ev->pid, 0, 0, DEAD);
	return 0;
}

static int import_open(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		       const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_open *e = (const void *)ev;
	struct ev_row x = { .fd = -1, .file = NONE };
	sqlite3_stmt *st = im->ins_open;
	int64_t id = event_id_now(im);
	const char *name, *path;
	size_t nl, pl;

	name = ev_str(ev, e->name, &nl);
	path = ev_str(ev, e->path, &pl);
	if (s->ret >= 0 && s->ret <= INT32_MAX) {
		x.fd = (int32_t)s->ret;
		x.file = path ? file_of_open(im, e->dev, e->ino, path, pl)
			      : file_get(im, e->dev, e->ino, name, nl);
		if (sr_fdtrack__assign(&im->fdt, proc, x.fd, x.file, e->flags & O_CLOEXEC, SR_FD_OPEN,
				       (int64_t)ev->ts))
			return -ENOMEM;
	}
	if (im->event_rows) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, e->dirfd);
		sqlite3_bind_int64(st, 3, e->flags);
		sqlite3_bind_int64(st, 4, e->mode);
		sqlite3_bind_int64(st, 5, (int64_t)e->resolve);
		bind_text_or_null(st, 6, name, nl);
		bind_text_or_null(st, 7, path, pl);
		if (step_reset(im, st))
			return -EIO;
	}
	return insert_event(im, ev, proc, s, sys, &x);
}

static int import_rw(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		     const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_rw *e = (const void *)ev;
	struct ev_row x = { .fd = e->fd, .has_len = 1, .len = e->count };

	x.file = file_of_fd(im, proc, e->fd, e->dev, e->ino);
	if (x.file != NONE && im->files[x.file].sock &&
	    net_io(im, ev, proc, x.file, sys != NONE ? im->sys[sys].rw : RW_NONE, s->ret,
		   s->ret > 0 ? (uint64_t)s->ret : 0, NULL))
		return -ENOMEM;
	if (e->offset != -1) {
		x.has_off = 1;
		x.off = e->offset;
	}
	if (e->iovcnt) {
		x.has_arg = 1;
		x.arg = e->iovcnt;
	}
	return insert_event(im, ev, proc, s, sys, &x);
}

static int import_close(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
			const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_close *e = (const void *)ev;
	struct ev_row x = { .fd = e->fd };

	x.file = file_of_fd(im, proc, e->fd, e->dev, e->ino);
	/* the descriptor is gone even when close reports EINTR or EIO */
	if (s->ret != -EBADF)
		sr_fdtrack__close(&im->fdt, proc, e->fd, (int64_t)ev->ts);
	return insert_event(im, ev, proc, s, sys, &x);
}

static int import_dup(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		      const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_dup *e = (const void *)ev;
	struct ev_row x = { .fd = e->fd };
	sqlite3_stmt *st = im->ins_dup;
	int64_t id = event_id_now(im);
	int is_fcntl = sys != NONE && im->sys[sys].fcntl;

	x.file = file_of_fd(im, proc, e->fd, e->dev, e->ino);
	if (sr_fdtrack__dup(&im->fdt, proc, e, s->ret, is_fcntl, x.file, (int64_t)ev->ts))
		return -ENOMEM;
	if (im->event_rows) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, e->newfd);
		sqlite3_bind_int64(st, 3, e->cmd);
		sqlite3_bind_int64(st, 4, e->flags);
		sqlite3_bind_int64(st, 5, (int64_t)e->arg);
		if (step_reset(im, st))
			return -EIO;
	}
	return insert_event(im, ev, proc, s, sys, &x);
}

static int import_mmap(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		       const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_mmap *e = (const void *)ev;
	struct ev_row x = { .fd = e->fd, .has_len = 1, .len = e->len, .has_off = 1,
			    .off = (int64_t)e->off };
	sqlite3_stmt *st = im->ins_mmap;
	int64_t id = event_id_now(im);
	struct an_proc *p;

	if (e->fd < 0)
		x.fd = -1;
	x.file = (e->dev || e->ino || e->fd >= 0) ?
		 file_of_fd(im, proc, e->fd, e->dev, e->ino) : NONE;
	if (!is_err(s->ret)) {
		p = &im->procs[proc];
		p->mmaps++;
		p->mapped = (uint64_t)sr_sum((int64_t)p->mapped, sr_clamp_u64(e->len, SR_LEN_MAX));
		p->cur = sr_sum(p->cur, sr_clamp_u64(e->len, SR_LEN_MAX));
		if (p->cur > p->peak)
			p->peak = p->cur;
	}
	if (im->event_rows) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)e->addr);
		sqlite3_bind_int64(st, 3, e->prot);
		sqlite3_bind_int64(st, 4, e->flags);
		if (step_reset(im, st))
			return -EIO;
	}
	return insert_event(im, ev, proc, s, sys, &x);
}

static int import_munmap(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
			 const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_munmap *e = (const void *)ev;
	struct ev_row x = { .fd = -1, .file = NONE, .has_len = 1, .len = e->len,
			    .has_arg = 1, .arg = (int64_t)e->addr };
	struct an_proc *p = &im->procs[proc];

	if (!is_err(s->ret)) {
		p->munmaps++;
		p->unmapped = (uint64_t)sr_sum((int64_t)p->unmapped, sr_clamp_u64(e->len, SR_LEN_MAX));
		p->cur = sr_sum(p->cur, -sr_clamp_u64(e->len, SR_LEN_MAX));
	}
	return insert_event(im, ev, proc, s, sys, &x);
}

static int import_brk(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		      const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_brk *e = (const void *)ev;
	struct ev_row x = { .fd = -1, .file = NONE, .has_len = 1, .len = e->req };
	struct an_proc *p = &im->procs[proc];

	if (!is_err(s->ret)) {
		if (!p->brks)
			p->brk_first = (uint64_t)s->ret;
		p->brk_last = (uint64_t)s->ret;
		p->brks++;
	}
	return insert_event(im, ev, proc, s, sys, &x);
}

static int import_syscall(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
			  const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_syscall *e = (const void *)ev;
	struct ev_row x = { .fd = -1, .file = NONE };
	sqlite3_stmt *st = im->ins_sys;

	if (sys < im->nsys && im->sys[sys].close_range && s->ret == 0)
		sr_fdtrack__close_range(&im->fdt, proc, e->args[0], e->args[1], e->args[2],
					im->procs[proc].threaded, (int64_t)ev->ts);

	if (im->event_rows) {
		sqlite3_bind_int64(st, 1, event_id_now(im));
		for (int i = 0; i < 6; i++)
			sqlite3_bind_int64(st, 2 + i, (int64_t)e->args[i]);
		if (step_reset(im, st))
			return -EIO;
	}
	return insert_event(im, ev, proc, s, sys, &x);
}

/* A record of a known type, as big as its type says. */
static int known_record(const struct sr_event *ev)
{
	const struct sr_type *t = ev->type < SR_EV_TYPE_MAX ? sr_schema_type(ev->type) : NULL;

	return t && ev->size >= t->fixed_size;
}

int record_has_sys(const struct sr_event *ev)
{
	return known_record(ev) && sr_type_has_sys(ev->type);
}

/*
 * What do_record() makes a row of events: a known record of what a process
 * did.  The recorder's own records (proc, fd, cgroup, lost) are state, and
 * the cpu class's (import_sched.c) go elsewhere.  sysrec info counts events
 * with this too, so both say the same number.
 */
int sr_an_is_event(const struct sr_event *ev)
{
	switch (ev->type) {
	case SR_EV_SWITCH:
	case SR_EV_WAKEUP:
	case SR_EV_SYSCPU:
	case SR_EV_CPUTIME:
	case SR_EV_SOCK:
		return 0;
	}
	return known_record(ev) && sr_type_from_kernel(ev->type);
}

typedef int (*kernel_fn)(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
	     const struct sr_sys *s, uint32_t sys);
typedef int (*user_fn)(struct an_imp *im, const struct sr_event *ev);

/*
 * The handler of each type of SR_EVENT_TYPES, in the table of its origin:
 * a type added there without its import_<name>() fails to build.  Kernel
 * records are events of a process; the recorder's own records are state
 * (import_snapshot.c).
 */
#define KERNEL_FN_KERNEL(n)	import_##n
#define KERNEL_FN_USER(n)	NULL
#define USER_FN_KERNEL(n)	NULL
#define USER_FN_USER(n)		import_##n
#define KERNEL_FN_(N, n, nr, sys, origin)	[SR_EV_##N] = KERNEL_FN_##origin(n),
#define USER_FN_(N, n, nr, sys, origin)		[SR_EV_##N] = USER_FN_##origin(n),
static const kernel_fn kernel_handlers[SR_EV_TYPE_MAX] = { SR_EVENT_TYPES(KERNEL_FN_) };
static const user_fn user_handlers[SR_EV_TYPE_MAX] = { SR_EVENT_TYPES(USER_FN_) };
#undef KERNEL_FN_
#undef USER_FN_

int do_record(struct an_imp *im, const struct sr_event *ev)
{
	const struct sr_sys *s = NULL;
	uint32_t proc, sys = NONE;

	/* a timestamp past SR_TS_MAX is clamped on a copy: rare, so cheap */
	if (ev->ts > (uint64_t)SR_TS_MAX) {
		uint64_t ts = SR_TS_MAX;

		memcpy(im->tmp, ev, ev->size);
		memcpy(im->tmp + offsetof(struct sr_event, ts), &ts, sizeof(ts));
		ev = (const void *)im->tmp;
	}

	if (!known_record(ev)) {
		im->tr_unknown++;
		return 0;
	}
	if (!im->have_start) {
		im->start = (int64_t)ev->ts;
		im->have_start = 1;
	}
	if ((int64_t)ev->ts > im->rec_stop)
		im->rec_stop = (int64_t)ev->ts;
	if (!sr_type_from_kernel(ev->type)) {
		user_fn fn = user_handlers[ev->type];

		return fn ? fn(im, ev) : 0;
	}
	/*
	 * The header of a switch or wakeup may be the idle task or a thread
	 * not recorded: those make no process (import_sched.c).
	 */
	if (ev->type == SR_EV_SWITCH || ev->type == SR_EV_WAKEUP)
		return kernel_handlers[ev->type](im, ev, NONE, NULL, NONE);
	proc = proc_of(im, ev);
	if (proc == NONE)
		return -ENOMEM;
	if (ev->tid != ev->pid)
		im->procs[proc].threaded = 1;
	if (record_has_sys(ev)) {
		s = (const void *)(ev + 1);
		sys = sys_of(im, s->nr);
	}
	return kernel_handlers[ev->type](im, ev, proc, s, sys);
}
