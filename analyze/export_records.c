// SPDX-License-Identifier: GPL-2.0-only
/*
 * export_records.c - what each record is on the timeline: a syscall a
 * slice on its thread with its arguments (the descriptor's path from the
 * records before it), exec/fork/exit instants and what they change, the
 * bytes of reads and writes and the mapped bytes, lost ranges; the switch
 * and wakeup records go to export_model.c's thread states.
 *
 * Records are hostile (the reader checked only their sizes): strings go
 * through sr_event__str, descriptors and CPUs are bounded before they
 * index anything.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "export_model.h"

/* --- syscalls --- */

struct args {
	struct sr_exp_arg a[SR_EXP_ARGS_MAX];
	int n;
};

static void arg_int(struct args *g, const char *key, int64_t v)
{
	if (g->n < SR_EXP_ARGS_MAX)
		g->a[g->n++] = (struct sr_exp_arg){ .key = key, .i = v };
}

static void arg_str(struct args *g, const char *key, const char *s, size_t len)
{
	if (g->n < SR_EXP_ARGS_MAX && s)
		g->a[g->n++] = (struct sr_exp_arg){ .key = key, .s = s, .len = len };
}

static void arg_ref(struct args *g, const char *key, const struct sr_event *ev, struct sr_str ref)
{
	const char *s;
	size_t len;

	if (!sr_event__str(ev, ref, &s, &len) && len)
		arg_str(g, key, s, len);
}

/* The path behind @fd of the record's process, as far as the records told. */
static void arg_fd(struct args *g, const struct exp_rec *r, const struct sr_event *ev, int64_t fd)
{
	const char *s;
	size_t len;

	arg_int(g, "fd", fd);
	if (pr_fdpath__get(r->fds, ev->pid, fd, &s, &len))
		arg_str(g, "path", s, len);
}

static int failed(int64_t ret)
{
	return ret < 0 && ret >= -4095;
}

/* The arguments of syscall record @ev: what each type says, then the result. */
static void sys_args(struct sr_exp *x, struct exp_rec *r, const struct sr_event *ev,
		     int cpu_class, struct args *g)
{
	const struct sr_sys *sy = (const void *)(ev + 1);
	struct exp_split *sp;

	switch (ev->type) {
	case SR_EV_OPEN: {
		const struct sr_ev_open *e = (const void *)ev;

		arg_ref(g, "path", ev, e->path.len ? e->path : e->name);
		arg_int(g, "flags", e->flags);
		break;
	}
	case SR_EV_RW: {
		const struct sr_ev_rw *e = (const void *)ev;

		arg_fd(g, r, ev, e->fd);
		if (!failed(sy->ret))
			arg_int(g, "bytes", sy->ret);
		arg_int(g, "count", sr_clamp_u64(e->count, INT64_MAX));
		break;
	}
	case SR_EV_CLOSE:
		arg_fd(g, r, ev, ((const struct sr_ev_close *)ev)->fd);
		break;
	case SR_EV_DUP:
		arg_fd(g, r, ev, ((const struct sr_ev_dup *)ev)->fd);
		break;
	case SR_EV_MMAP: {
		const struct sr_ev_mmap *e = (const void *)ev;

		arg_int(g, "len", sr_clamp_u64(e->len, INT64_MAX));
		arg_int(g, "prot", e->prot);
		if (e->fd >= 0)
			arg_fd(g, r, ev, e->fd);
		break;
	}
	case SR_EV_MUNMAP:
		arg_int(g, "len", sr_clamp_u64(((const struct sr_ev_munmap *)ev)->len, INT64_MAX));
		break;
	case SR_EV_BRK:
		arg_int(g, "req", sr_clamp_u64(((const struct sr_ev_brk *)ev)->req, INT64_MAX));
		break;
	case SR_EV_EXEC: {
		const struct sr_ev_exec *e = (const void *)ev;

		arg_ref(g, "path", ev, e->path.len ? e->path : e->filename);
		break;
	}
	case SR_EV_FORK: {
		const struct sr_ev_fork *e = (const void *)ev;

		if (!failed(sy->ret))
			arg_int(g, "child_pid", e->child_pid);
		break;
	}
	}
	(void)x;
	if (failed(sy->ret)) {
		const char *n = sr_errno_name((int)sy->ret);

		if (n)
			arg_str(g, "errno", n, strlen(n));
		else
			arg_int(g, "errno", -sy->ret);
	} else {
		arg_int(g, "ret", sy->ret);
	}
	/* where its time went: its SYSCPU record's split, or all on CPU (as dump says) */
	sp = &r->split[ev->tid % EXP_SPLIT_SLOTS];
	if (sp->valid && sp->tid == ev->tid && sp->ts == ev->ts) {
		sp->valid = 0;
		arg_int(g, "on_cpu_ns", (int64_t)(sy->dur_ns - sp->off_cpu_ns - sp->runq_ns));
		arg_int(g, "off_cpu_ns", sr_clamp_u64(sp->off_cpu_ns, INT64_MAX));
		arg_int(g, "runq_ns", sr_clamp_u64(sp->runq_ns, INT64_MAX));
	} else if (cpu_class) {
		arg_int(g, "on_cpu_ns", sr_clamp_u64(sy->dur_ns, INT64_MAX));
		arg_int(g, "off_cpu_ns", 0);
		arg_int(g, "runq_ns", 0);
	}
}

/* What the records of @ev's process moved, for its counters; 0 or -ENOMEM. */
static int count_io(struct sr_exp *x, const struct sr_exp_src *src, struct exp_rec *r,
		    struct sr_exp_proc *p, const struct sr_event *ev)
{
	const struct sr_sys *sy = (const void *)(ev + 1);
	int64_t n = sr_io_bytes(sy->ret);
	int dir;

	if (n <= 0)
		return 0;
	if (!r->dir[sy->nr]) {
		const char *name = src->sys_name(src->ctx, sy->nr);

		r->dir[sy->nr] = (uint8_t)(1 + (name ? sr_syscall_dir(name) : SR_DIR_NONE));
	}
	dir = r->dir[sy->nr] - 1;
	if (dir == SR_DIR_READ)
		p->rd += (uint64_t)n;
	else if (dir == SR_DIR_WRITE)
		p->wr += (uint64_t)n;
	else
		return 0;
	return exp_mark_dirty(x, p);
}

static void count_mem(struct sr_exp *x, struct sr_exp_proc *p, const struct sr_event *ev,
		      uint64_t ts)
{
	const struct sr_sys *sy = (const void *)(ev + 1);
	int64_t len;

	if (failed(sy->ret))
		return;
	if (ev->type == SR_EV_MMAP)
		len = sr_clamp_u64(((const struct sr_ev_mmap *)ev)->len, SR_LEN_MAX);
	else
		len = -sr_clamp_u64(((const struct sr_ev_munmap *)ev)->len, SR_LEN_MAX);
	p->mapped = sr_sum(p->mapped, len);
	EACH(x, counter, p, SR_EXP_C_MAPPED, ts, p->mapped);
	x->n.counters++;
}

static void instant(struct sr_exp *x, struct sr_exp_thread *t, uint64_t ts, const char *name,
		    const struct args *g, uint64_t out, uint64_t in)
{
	exp_announce(x, t, ts);
	EACH(x, instant, t, exp_proc_of(x, t), ts, name, g->a, g->n, out, in);
	x->n.instants++;
}

/* exec succeeded: the process has a new name and command line. */
static int on_exec(struct sr_exp *x, struct sr_exp_thread *t, const struct sr_event *ev,
		   uint64_t ts, int show)
{
	const struct sr_ev_exec *e = (const void *)ev;
	struct sr_exp_proc *p = exp_proc_of(x, t);
	struct args g = { .n = 0 };
	const char *s;
	size_t len;

	if (!sr_event__str(ev, e->argv, &s, &len)) {
		char *c = sr_memdup0(s, len);

		if (!c)
			return -ENOMEM;
		free(p->cmdline);
		p->cmdline = c;
		p->cmdline_len = len;
	}
	exp_set_name(p->name, ev->comm);
	if (p->announced)
		EACH(x, process, p, ts);
	exp_rename_thread(x, t, ev->comm, ts);
	if (!show)
		return 0;
	arg_ref(&g, "path", ev, e->path.len ? e->path : e->filename);
	if (p->cmdline) {
		size_t n = p->cmdline_len < sizeof(x->scratch) ? p->cmdline_len :
			   sizeof(x->scratch) - 1;

		memcpy(x->scratch, p->cmdline, n);
		while (n && !x->scratch[n - 1])
			n--;
		for (size_t i = 0; i < n; i++)
			if (!x->scratch[i])
				x->scratch[i] = ' ';
		arg_str(&g, "argv", x->scratch, n);
	}
	instant(x, t, ts, "exec", &g, 0, 0);
	return 0;
}

/* A new process or thread: its parent known, a flow from the fork to its start. */
static int on_fork(struct sr_exp *x, const struct sr_exp_src *src, struct exp_rec *r,
		   struct sr_exp_thread *t, const struct sr_event *ev, uint64_t ts, int show)
{
	const struct sr_ev_fork *e = (const void *)ev;
	struct sr_exp_proc *p = exp_proc_of(x, t), *cp;
	struct sr_exp_thread *ct;
	struct args g = { .n = 0 }, gc = { .n = 0 };
	uint64_t flow = 0;
	int thread = !!(ev->flags & SR_F_THREAD);
	uint32_t ppid = p->pid;
	size_t ti;

	if (failed(e->s.ret) || !e->child_tid)
		return 0;
	if (!thread) {
		/* a child pid still "alive" here exited unseen: this is a new process */
		uint32_t i = sr_map__get(&x->pmap, src->rec, e->child_pid, 0);

		if (i != NIL && e->child_pid != ev->pid)
			x->procs[i].dead = 1;
	}
	ti = (size_t)(t - x->threads);
	ct = exp_get_thread(x, src->rec, e->child_tid, thread ? ev->pid : e->child_pid, ev->comm);
	if (!ct)
		return -ENOMEM;
	t = &x->threads[ti];		/* get_thread may have moved the tables */
	p = exp_proc_of(x, t);
	cp = exp_proc_of(x, ct);
	cp->recorded = 1;
	if (!thread && cp != p) {
		cp->ppid = ppid;
		if (p->cmdline && !cp->cmdline) {
			cp->cmdline = sr_memdup0(p->cmdline, p->cmdline_len);
			cp->cmdline_len = cp->cmdline ? p->cmdline_len : 0;
		}
	}
	if (!show && !(exp_in_win(r, ts) && exp_wanted(x, cp->pid)))
		return 0;
	if (show && exp_in_win(r, ts) && exp_wanted(x, cp->pid))
		flow = ++x->flows;
	arg_int(&g, "child_pid", e->child_pid);
	arg_int(&g, "child_tid", e->child_tid);
	if (show)
		instant(x, t, ts, thread ? "thread" : "fork", &g, flow, 0);
	if (exp_in_win(r, ts) && exp_wanted(x, cp->pid)) {
		arg_int(&gc, "parent_pid", ev->pid);
		arg_int(&gc, "parent_tid", ev->tid);
		instant(x, ct, ts, "start", &gc, 0, flow);
	}
	return 0;
}

static void on_exit_rec(struct sr_exp *x, struct exp_rec *r, struct sr_exp_thread *t,
			const struct sr_event *ev, uint64_t ts, int show)
{
	const struct sr_ev_exit *e = (const void *)ev;
	struct sr_exp_proc *p = exp_proc_of(x, t);
	struct args g = { .n = 0 };
	int sig = e->exit_code & 0x7f;
	char name[24];		/* the argument points at it until the sinks have it */

	if (show) {
		if (sig) {
			const char *n = sigabbrev_np(sig);

			snprintf(name, sizeof(name), "SIG%s", n ? n : "?");
			if (n)
				arg_str(&g, "signal", name, strlen(name));
			else
				arg_int(&g, "signal", sig);
		} else {
			arg_int(&g, "code", (uint32_t)e->exit_code >> 8 & 0xff);
		}
		instant(x, t, ts, "exit", &g, 0, 0);
	}
	/*
	 * A thread with states runs on to its last switch (prev_state dead),
	 * which ends it; one without has nothing to wait for.
	 */
	(void)r;
	if (t->state == SR_EXP_NONE)
		t->dead = 1;
	else
		t->exiting = 1;
	if (ev->flags & SR_F_GROUP_DEAD) {
		if (show && p->mapped) {
			p->mapped = 0;
			EACH(x, counter, p, SR_EXP_C_MAPPED, ts, 0);
			x->n.counters++;
		}
		p->dead = 1;
		free(p->cmdline);
		p->cmdline = NULL;
	}
}

static void on_lost(struct sr_exp *x, unsigned int rec, struct exp_rec *r,
		    const struct sr_event *ev, uint64_t ts)
{
	const struct sr_ev_lost *e = (const void *)ev;
	uint64_t start = ts;

	if (ev->cpu < EXP_CPUS && r->cpus[ev->cpu].has_last)
		start = r->cpus[ev->cpu].last;
	if (!exp_in_win(r, ts))
		return;
	EACH(x, lost, rec, ev->cpu, start, ts, e->count);
	x->n.lost++;
}

static int on_proc(struct sr_exp *x, const struct sr_exp_src *src, const struct sr_event *ev)
{
	const struct sr_ev_proc *e = (const void *)ev;
	struct sr_exp_proc *p = exp_get_proc(x, src->rec, ev->pid, ev->comm);
	const char *s;
	size_t len;

	if (!p)
		return -ENOMEM;
	p->ppid = e->ppid;
	p->recorded = 1;
	if (!sr_event__str(ev, e->argv, &s, &len) && len) {
		char *c = sr_memdup0(s, len);

		if (!c)
			return -ENOMEM;
		free(p->cmdline);
		p->cmdline = c;
		p->cmdline_len = len;
	}
	return 0;
}

int sr_exp__event(struct sr_exp *x, const struct sr_exp_src *src, const struct sr_event *ev,
		  uint64_t ts)
{
	struct exp_rec *r = exp_rec_of(x, src);
	struct sr_exp_thread *t = NULL;
	int show, err = 0;

	if (!r)
		return -ENOMEM;
	x->n.records++;
	if (ts > x->ts_last)
		x->ts_last = ts;
	exp_advance(x, ts);
	show = exp_in_win(r, ts) && exp_wanted(x, ev->pid);
	switch (ev->type) {
	case SR_EV_PROC:
		err = on_proc(x, src, ev);
		break;
	case SR_EV_SYSCPU: {
		const struct sr_ev_syscpu *e = (const void *)ev;
		struct exp_split *sp = &r->split[ev->tid % EXP_SPLIT_SLOTS];

		*sp = (struct exp_split){ .tid = ev->tid, .valid = 1, .ts = ev->ts,
					  .off_cpu_ns = e->off_cpu_ns, .runq_ns = e->runq_ns };
		break;
	}
	case SR_EV_LOST:
		on_lost(x, src->rec, r, ev, ts);
		break;
	case SR_EV_SWITCH:
		err = exp_on_switch(x, src, r, ev, ts);
		break;
	case SR_EV_WAKEUP:
		err = exp_on_wakeup(x, src, r, ev, ts);
		break;
	case SR_EV_EXIT:
		t = exp_get_thread(x, src->rec, ev->tid, ev->pid, ev->comm);
		if (!t)
			return -ENOMEM;
		exp_proc_of(x, t)->recorded = 1;
		on_exit_rec(x, r, t, ev, ts, show);
		break;
	default:
		break;
	}
	if (!err && sr_event__sys_nr(ev) >= 0) {
		const struct sr_sys *sy = (const void *)(ev + 1);
		uint64_t start = sy->dur_ns < ts ? ts - sy->dur_ns : 0;
		struct sr_exp_proc *p;

		t = exp_get_thread(x, src->rec, ev->tid, ev->pid, ev->comm);
		if (!t)
			return -ENOMEM;
		exp_rename_thread(x, t, ev->comm, ts);
		p = exp_proc_of(x, t);
		p->recorded = 1;
		if (show) {
			const char *name = src->sys_name(src->ctx, sy->nr);
			char num[24];
			struct args g;

			g.n = 0;	/* not the array: zeroing 320 bytes a record showed in profiles */

			if (!name) {
				snprintf(num, sizeof(num), "syscall_%u", sy->nr);
				name = num;
			}
			sys_args(x, r, ev, src->cpu_class, &g);
			exp_announce(x, t, start);
			EACH(x, slice, t, p, start, ts, name, g.a, g.n);
			x->n.slices++;
			if (ev->type == SR_EV_RW)
				err = count_io(x, src, r, p, ev);
			else if (ev->type == SR_EV_MMAP || ev->type == SR_EV_MUNMAP)
				count_mem(x, p, ev, ts);
		}
		if (!err && ev->type == SR_EV_EXEC && !failed(sy->ret))
			err = on_exec(x, t, ev, ts, show);
		else if (!err && ev->type == SR_EV_FORK)
			err = on_fork(x, src, r, t, ev, ts, show);
	}
	/* after the slice, which names the path a close or dup had before it */
	pr_fdpath__track(r->fds, ev);
	if (ev->cpu < EXP_CPUS) {
		r->cpus[ev->cpu].last = ts;
		r->cpus[ev->cpu].has_last = 1;
	}
	return err;
}

