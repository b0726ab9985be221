// SPDX-License-Identifier: GPL-2.0-only
/*
 * export_model.c - records -> a timeline (export.h): processes and threads,
 * a slice for every syscall, instants for exec, fork and exit, I/O and
 * memory counters per process, thread states and CPUs from the switch and
 * wakeup records, lost ranges; each handed to every sink as it is known.
 *
 * Records are hostile (the reader checked only their sizes): strings go
 * through sr_event__str, descriptors and CPUs are bounded before they
 * index anything.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/format.h"
#include "sysrec/print.h"
#include "sysrec/util.h"
#include "export.h"

#define EXP_CPUS	1024		/* CPUs followed per recording; records of others are not */
#define NIL		UINT32_MAX

const char *const sr_exp_state_names[] = {
	[SR_EXP_NONE] = "Unknown",
	[SR_EXP_RUNNING] = "Running",
	[SR_EXP_RUNNABLE] = "Runnable",
	[SR_EXP_SLEEPING] = "Sleeping",
	[SR_EXP_UNINTERRUPTIBLE] = "Uninterruptible",
	[SR_EXP_STOPPED] = "Stopped",
	[SR_EXP_IDLE] = "Idle",
	[SR_EXP_OTHER] = "Unknown",
};

const char *const sr_exp_counter_names[] = {
	[SR_EXP_C_READ] = "bytes read",
	[SR_EXP_C_WRITTEN] = "bytes written",
	[SR_EXP_C_MAPPED] = "mapped bytes",
};

/* A CPU of a recording: who runs there since when; its last record, for lost ranges. */
struct exp_cpu {
	uint32_t cur;			/* thread index, or NIL (idle, or not known) */
	uint64_t since;
	uint64_t last;			/* ts of its last record */
	int has_last;
};

/* What the model keeps of each recording. */
struct exp_rec {
	struct pr_fdpath *fds;		/* descriptors' paths, by pid */
	struct exp_cpu *cpus;		/* EXP_CPUS */
	uint8_t *dir;			/* by syscall nr: 1 + enum sr_dir, 0 not looked up */
	uint64_t lo, hi;		/* its window */
};

struct sr_exp {
	struct sr_exp_sink **sinks;
	int nsinks;
	const uint32_t *pids;
	size_t npids;
	uint64_t iv;			/* counter interval, ns */

	struct sr_map pmap, tmap;	/* (rec, pid, 0) -> process; (rec, tid, 1) -> thread */
	struct sr_exp_proc *procs;
	size_t nprocs, capprocs;
	struct sr_exp_thread *threads;
	size_t nthreads, capthreads;
	struct exp_rec *recs;
	size_t nrecs;

	uint32_t *dirty;		/* processes whose I/O counters are not 0 yet */
	size_t ndirty, capdirty;
	uint64_t cur_iv;		/* the interval being summed */
	int have_iv;

	uint64_t ts_last;
	uint64_t flows;
	struct sr_exp_counts n;
	char scratch[4096];		/* an exec's argv as one line */
};

/* Every sink, one call. */
#define EACH(x, fn, ...)							\
	do {									\
		for (int i_ = 0; i_ < (x)->nsinks; i_++)			\
			(x)->sinks[i_]->ops->fn((x)->sinks[i_], __VA_ARGS__);	\
	} while (0)

struct sr_exp *sr_exp__new(struct sr_exp_sink **sinks, int nsinks, const uint32_t *pids,
			   size_t npids, uint64_t interval_ns)
{
	struct sr_exp *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->sinks = sinks;
	x->nsinks = nsinks;
	x->pids = pids;
	x->npids = npids;
	x->iv = interval_ns ? interval_ns : 1;
	return x;
}

void sr_exp__free(struct sr_exp *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->nprocs; i++)
		free(x->procs[i].cmdline);
	free(x->procs);
	free(x->threads);
	for (size_t i = 0; i < x->nrecs; i++) {
		pr_fdpath__free(x->recs[i].fds);
		free(x->recs[i].cpus);
		free(x->recs[i].dir);
	}
	free(x->recs);
	free(x->dirty);
	sr_map__clear(&x->pmap);
	sr_map__clear(&x->tmap);
	free(x);
}

void sr_exp__counts(const struct sr_exp *x, struct sr_exp_counts *c)
{
	*c = x->n;
}

size_t sr_exp_us(char *buf, uint64_t ns)
{
	return (size_t)sprintf(buf, "%llu.%03u", (unsigned long long)(ns / 1000),
			       (unsigned int)(ns % 1000));
}

static int wanted(const struct sr_exp *x, uint32_t pid)
{
	if (!x->npids)
		return 1;
	for (size_t i = 0; i < x->npids; i++)
		if (x->pids[i] == pid)
			return 1;
	return 0;
}

static struct exp_rec *rec_of(struct sr_exp *x, const struct sr_exp_src *src)
{
	if (src->rec >= x->nrecs) {
		size_t n = src->rec + 1;
		struct exp_rec *r = realloc(x->recs, n * sizeof(*r));

		if (!r)
			return NULL;
		memset(r + x->nrecs, 0, (n - x->nrecs) * sizeof(*r));
		x->recs = r;
		x->nrecs = n;
	}
	if (!x->recs[src->rec].cpus) {
		struct exp_rec *r = &x->recs[src->rec];

		r->cpus = calloc(EXP_CPUS, sizeof(*r->cpus));
		r->dir = calloc(65536, 1);
		r->fds = pr_fdpath__new();
		if (!r->cpus || !r->dir || !r->fds) {
			free(r->cpus);
			free(r->dir);
			pr_fdpath__free(r->fds);
			memset(r, 0, sizeof(*r));
			return NULL;
		}
		for (int c = 0; c < EXP_CPUS; c++)
			r->cpus[c].cur = NIL;
	}
	x->recs[src->rec].lo = src->lo;
	x->recs[src->rec].hi = src->hi;
	return &x->recs[src->rec];
}

static void set_name(char *dst, const uint8_t *comm)
{
	size_t n = strnlen((const char *)comm, SR_COMM_LEN);

	memcpy(dst, comm, n);
	dst[n] = 0;
}

/* The process (rec, pid) alive now, made when missing or when the last one died. */
static struct sr_exp_proc *get_proc(struct sr_exp *x, unsigned int rec, uint32_t pid,
				    const uint8_t *comm)
{
	uint32_t i = sr_map__get(&x->pmap, rec, pid, 0);
	struct sr_exp_proc *p;

	if (i != NIL && !x->procs[i].dead)
		return &x->procs[i];
	if (x->nprocs >= NIL - 1 ||
	    sr_grow(&x->procs, &x->capprocs, x->nprocs + 1, sizeof(*x->procs)) ||
	    sr_map__set(&x->pmap, rec, pid, 0, (uint32_t)x->nprocs))
		return NULL;
	p = &x->procs[x->nprocs];
	memset(p, 0, sizeof(*p));
	p->uuid = x->nprocs++;
	p->pid = pid;
	if (comm)
		set_name(p->name, comm);
	return p;
}

static struct sr_exp_proc *proc_of(struct sr_exp *x, const struct sr_exp_thread *t)
{
	return &x->procs[t->proc];
}

/* The thread (rec, tid) of process pid alive now, made when missing. */
static struct sr_exp_thread *get_thread(struct sr_exp *x, unsigned int rec, uint32_t tid,
					uint32_t pid, const uint8_t *comm)
{
	uint32_t i = sr_map__get(&x->tmap, rec, tid, 1);
	struct sr_exp_thread *t;
	struct sr_exp_proc *p;

	if (i != NIL && !x->threads[i].dead) {
		t = &x->threads[i];
		if (x->procs[t->proc].pid == pid && !x->procs[t->proc].dead)
			return t;
	}
	p = get_proc(x, rec, pid, comm);
	if (!p || x->nthreads >= NIL - 1 ||
	    sr_grow(&x->threads, &x->capthreads, x->nthreads + 1, sizeof(*x->threads)) ||
	    sr_map__set(&x->tmap, rec, tid, 1, (uint32_t)x->nthreads))
		return NULL;
	t = &x->threads[x->nthreads];
	memset(t, 0, sizeof(*t));
	t->uuid = x->nthreads++;
	t->rec = rec;
	t->tid = tid;
	t->proc = (uint32_t)p->uuid;
	if (comm)
		set_name(t->name, comm);
	return t;
}

/* The sinks learn of @t and its process before its first event, and again when renamed. */
static void announce(struct sr_exp *x, struct sr_exp_thread *t, uint64_t ts)
{
	struct sr_exp_proc *p = proc_of(x, t);

	if (!p->announced) {
		EACH(x, process, p, ts);
		p->announced = 1;
	}
	if (!t->announced) {
		EACH(x, thread, t, p, ts);
		t->announced = 1;
	}
}

/* A record's comm differs from the name known (prctl, exec): tell the sinks. */
static void rename_thread(struct sr_exp *x, struct sr_exp_thread *t, const uint8_t *comm,
			  uint64_t ts)
{
	char name[SR_COMM_LEN + 1];
	struct sr_exp_proc *p = proc_of(x, t);

	set_name(name, comm);
	if (!strcmp(name, t->name))
		return;
	memcpy(t->name, name, sizeof(name));
	if (t->tid == p->pid && strcmp(p->name, name)) {
		memcpy(p->name, name, sizeof(name));
		if (p->announced)
			EACH(x, process, p, ts);
	}
	if (t->announced)
		EACH(x, thread, t, p, ts);
}

/* --- counters --- */

static int mark_dirty(struct sr_exp *x, struct sr_exp_proc *p)
{
	if (p->dirty)
		return 0;
	if (sr_grow(&x->dirty, &x->capdirty, x->ndirty + 1, sizeof(*x->dirty)))
		return -ENOMEM;
	x->dirty[x->ndirty++] = (uint32_t)p->uuid;
	p->dirty = 1;
	return 0;
}

/*
 * The bytes of interval @k as a counter value at its start, for every
 * process that moved some in it or in the one before (whose counter goes
 * back to 0 now); a process with neither leaves the list.
 */
static void flush_interval(struct sr_exp *x, uint64_t k)
{
	uint64_t ts = k * x->iv;
	size_t keep = 0;

	for (size_t i = 0; i < x->ndirty; i++) {
		struct sr_exp_proc *p = &x->procs[x->dirty[i]];

		if (p->rd || p->rd_shown) {
			EACH(x, counter, p, SR_EXP_C_READ, ts, (int64_t)p->rd);
			x->n.counters++;
		}
		if (p->wr || p->wr_shown) {
			EACH(x, counter, p, SR_EXP_C_WRITTEN, ts, (int64_t)p->wr);
			x->n.counters++;
		}
		p->rd_shown = p->rd != 0;
		p->wr_shown = p->wr != 0;
		p->rd = p->wr = 0;
		if (p->rd_shown || p->wr_shown)
			x->dirty[keep++] = x->dirty[i];
		else
			p->dirty = 0;
	}
	x->ndirty = keep;
}

/* Time moved to @ts: the intervals before its own are over. */
static void advance(struct sr_exp *x, uint64_t ts)
{
	uint64_t k = ts / x->iv;

	if (!x->have_iv) {
		x->cur_iv = k;
		x->have_iv = 1;
		return;
	}
	while (x->cur_iv < k && x->ndirty)
		flush_interval(x, x->cur_iv++);
	if (x->cur_iv < k)
		x->cur_iv = k;
}

/* --- thread states and CPUs --- */

static int in_win(const struct exp_rec *r, uint64_t ts)
{
	return ts >= r->lo && ts < r->hi;
}

/* [start, end) within the window of @r; 0 when nothing is left of it. */
static int clip(const struct exp_rec *r, uint64_t *start, uint64_t *end)
{
	if (*start < r->lo)
		*start = r->lo;
	if (*end > r->hi)
		*end = r->hi;
	return *end > *start;
}

static void set_state(struct sr_exp *x, struct exp_rec *r, struct sr_exp_thread *t,
		      uint64_t ts, int state, int cpu)
{
	struct sr_exp_proc *p = proc_of(x, t);
	uint64_t s = t->since, e = ts;

	if (t->state != SR_EXP_NONE && wanted(x, p->pid) && clip(r, &s, &e)) {
		announce(x, t, s);
		EACH(x, state, t, p, s, e, t->state, t->cpu);
		x->n.states++;
	}
	t->state = state;
	t->since = ts;
	t->cpu = cpu;
}

static int task_state(uint32_t prev_state)
{
	switch (prev_state) {
	case SR_TS_RUNNING:	return SR_EXP_RUNNABLE;
	case SR_TS_SLEEPING:	return SR_EXP_SLEEPING;
	case SR_TS_BLOCKED:	return SR_EXP_UNINTERRUPTIBLE;
	case SR_TS_STOPPED:	return SR_EXP_STOPPED;
	case SR_TS_DEAD:	return SR_EXP_NONE;		/* gone: nothing follows */
	case SR_TS_IDLE:	return SR_EXP_IDLE;
	default:		return SR_EXP_OTHER;
	}
}

static void cpu_slice(struct sr_exp *x, unsigned int rec, struct exp_rec *r, int cpu,
		      uint64_t ts)
{
	struct exp_cpu *c = &r->cpus[cpu];
	uint64_t s = c->since, e = ts;

	if (c->cur != NIL) {
		struct sr_exp_thread *t = &x->threads[c->cur];
		struct sr_exp_proc *p = proc_of(x, t);

		if (wanted(x, p->pid) && clip(r, &s, &e)) {
			announce(x, t, s);
			EACH(x, cpu, rec, cpu, s, e, t, p);
			x->n.states++;
		}
	}
	c->cur = NIL;
	c->since = ts;
}

static int on_switch(struct sr_exp *x, const struct sr_exp_src *src, struct exp_rec *r,
		     const struct sr_event *ev, uint64_t ts)
{
	const struct sr_ev_switch *e = (const void *)ev;
	struct sr_exp_thread *t;
	int cpu = ev->cpu;

	if (ev->tid) {
		t = get_thread(x, src->rec, ev->tid, ev->pid, ev->comm);
		if (!t)
			return -ENOMEM;
		set_state(x, r, t, ts, task_state(e->prev_state), -1);
	}
	if (cpu < EXP_CPUS)
		cpu_slice(x, src->rec, r, cpu, ts);
	if (e->next_tid) {
		t = get_thread(x, src->rec, e->next_tid, e->next_pid, e->next_comm);
		if (!t)
			return -ENOMEM;
		set_state(x, r, t, ts, SR_EXP_RUNNING, cpu);
		if (cpu < EXP_CPUS)
			r->cpus[cpu].cur = (uint32_t)t->uuid;
	}
	return 0;
}

static int on_wakeup(struct sr_exp *x, const struct sr_exp_src *src, struct exp_rec *r,
		     const struct sr_event *ev, uint64_t ts)
{
	const struct sr_ev_wakeup *e = (const void *)ev;
	struct sr_exp_thread *t;

	if (!e->wakee_tid)
		return 0;
	t = get_thread(x, src->rec, e->wakee_tid, e->wakee_pid, NULL);
	if (!t)
		return -ENOMEM;
	if (t->state != SR_EXP_RUNNING && t->state != SR_EXP_RUNNABLE)
		set_state(x, r, t, ts, SR_EXP_RUNNABLE,
			  e->target_cpu < EXP_CPUS ? (int)e->target_cpu : -1);
	return 0;
}

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
static void sys_args(struct sr_exp *x, const struct exp_rec *r, const struct sr_event *ev,
		     struct args *g)
{
	const struct sr_sys *sy = (const void *)(ev + 1);

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
	return mark_dirty(x, p);
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
	announce(x, t, ts);
	EACH(x, instant, t, proc_of(x, t), ts, name, g->a, g->n, out, in);
	x->n.instants++;
}

/* exec succeeded: the process has a new name and command line. */
static int on_exec(struct sr_exp *x, struct sr_exp_thread *t, const struct sr_event *ev,
		   uint64_t ts, int show)
{
	const struct sr_ev_exec *e = (const void *)ev;
	struct sr_exp_proc *p = proc_of(x, t);
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
	set_name(p->name, ev->comm);
	if (p->announced)
		EACH(x, process, p, ts);
	rename_thread(x, t, ev->comm, ts);
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
	struct sr_exp_proc *p = proc_of(x, t), *cp;
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
	ct = get_thread(x, src->rec, e->child_tid, thread ? ev->pid : e->child_pid, ev->comm);
	if (!ct)
		return -ENOMEM;
	t = &x->threads[ti];		/* get_thread may have moved the tables */
	p = proc_of(x, t);
	cp = proc_of(x, ct);
	if (!thread && cp != p) {
		cp->ppid = ppid;
		if (p->cmdline && !cp->cmdline) {
			cp->cmdline = sr_memdup0(p->cmdline, p->cmdline_len);
			cp->cmdline_len = cp->cmdline ? p->cmdline_len : 0;
		}
	}
	if (!show && !(in_win(r, ts) && wanted(x, cp->pid)))
		return 0;
	if (show && in_win(r, ts) && wanted(x, cp->pid))
		flow = ++x->flows;
	arg_int(&g, "child_pid", e->child_pid);
	arg_int(&g, "child_tid", e->child_tid);
	if (show)
		instant(x, t, ts, thread ? "thread" : "fork", &g, flow, 0);
	if (in_win(r, ts) && wanted(x, cp->pid)) {
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
	struct sr_exp_proc *p = proc_of(x, t);
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
	set_state(x, r, t, ts, SR_EXP_NONE, -1);
	t->dead = 1;
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
	if (!in_win(r, ts))
		return;
	EACH(x, lost, rec, ev->cpu, start, ts, e->count);
	x->n.lost++;
}

static int on_proc(struct sr_exp *x, const struct sr_exp_src *src, const struct sr_event *ev)
{
	const struct sr_ev_proc *e = (const void *)ev;
	struct sr_exp_proc *p = get_proc(x, src->rec, ev->pid, ev->comm);
	const char *s;
	size_t len;

	if (!p)
		return -ENOMEM;
	p->ppid = e->ppid;
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
	struct exp_rec *r = rec_of(x, src);
	struct sr_exp_thread *t = NULL;
	int show, err = 0;

	if (!r)
		return -ENOMEM;
	x->n.records++;
	if (ts > x->ts_last)
		x->ts_last = ts;
	advance(x, ts);
	show = in_win(r, ts) && wanted(x, ev->pid);
	switch (ev->type) {
	case SR_EV_PROC:
		err = on_proc(x, src, ev);
		break;
	case SR_EV_LOST:
		on_lost(x, src->rec, r, ev, ts);
		break;
	case SR_EV_SWITCH:
		err = on_switch(x, src, r, ev, ts);
		break;
	case SR_EV_WAKEUP:
		err = on_wakeup(x, src, r, ev, ts);
		break;
	case SR_EV_EXIT:
		t = get_thread(x, src->rec, ev->tid, ev->pid, ev->comm);
		if (!t)
			return -ENOMEM;
		on_exit_rec(x, r, t, ev, ts, show);
		break;
	default:
		break;
	}
	if (!err && sr_event__sys_nr(ev) >= 0) {
		const struct sr_sys *sy = (const void *)(ev + 1);
		uint64_t start = sy->dur_ns < ts ? ts - sy->dur_ns : 0;
		struct sr_exp_proc *p;

		t = get_thread(x, src->rec, ev->tid, ev->pid, ev->comm);
		if (!t)
			return -ENOMEM;
		rename_thread(x, t, ev->comm, ts);
		p = proc_of(x, t);
		if (show) {
			const char *name = src->sys_name(src->ctx, sy->nr);
			char num[24];
			struct args g = { .n = 0 };

			if (!name) {
				snprintf(num, sizeof(num), "syscall_%u", sy->nr);
				name = num;
			}
			sys_args(x, r, ev, &g);
			announce(x, t, start);
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

void sr_exp__finish(struct sr_exp *x)
{
	if (x->have_iv) {
		while (x->ndirty)
			flush_interval(x, x->cur_iv++);
	}
	for (size_t i = 0; i < x->nthreads; i++) {
		struct sr_exp_thread *t = &x->threads[i];

		if (!t->dead && t->state != SR_EXP_NONE)
			set_state(x, &x->recs[t->rec], t, x->ts_last, SR_EXP_NONE, -1);
	}
	for (size_t k = 0; k < x->nrecs; k++)
		for (int c = 0; x->recs[k].cpus && c < EXP_CPUS; c++)
			if (x->recs[k].cpus[c].cur != NIL)
				cpu_slice(x, (unsigned int)k, &x->recs[k], c, x->ts_last);
}
