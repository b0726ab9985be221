// SPDX-License-Identifier: GPL-2.0-only
/*
 * export_model.c - the timeline's state (export.h, export_model.h): the
 * processes and threads with their names and parents, told to the sinks
 * before their first event; the I/O counters summed per interval; each
 * thread's state and each CPU's thread from the switch and wakeup records;
 * what is still open when the records end.  What each record means is
 * export_records.c's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "export_model.h"

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
	memset(x->tcache, 0xff, sizeof(x->tcache));	/* NIL */
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

int sr_exp_bit_claim(struct sr_exp_bits *b, uint64_t i)
{
	if (i / 8 >= b->n) {
		size_t n = b->n ? b->n : 256;
		uint8_t *v;

		while (i / 8 >= n)
			n *= 2;
		v = realloc(b->v, n);
		if (!v)
			return -ENOMEM;
		memset(v + b->n, 0, n - b->n);
		b->v = v;
		b->n = n;
	}
	if (b->v[i / 8] >> (i % 8) & 1)
		return 0;
	b->v[i / 8] |= (uint8_t)(1u << (i % 8));
	return 1;
}

int exp_wanted(const struct sr_exp *x, uint32_t pid)
{
	if (!x->npids)
		return 1;
	for (size_t i = 0; i < x->npids; i++)
		if (x->pids[i] == pid)
			return 1;
	return 0;
}

struct exp_rec *exp_rec_of(struct sr_exp *x, const struct sr_exp_src *src)
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

void exp_set_name(char *dst, const uint8_t *comm)
{
	size_t n = strnlen((const char *)comm, SR_COMM_LEN);

	memcpy(dst, comm, n);
	memset(dst + n, 0, SR_COMM_LEN + 1 - n);	/* zero to the end: compared whole */
}

/* The process (rec, pid) alive now, made when missing or when the last one died. */
struct sr_exp_proc *exp_get_proc(struct sr_exp *x, unsigned int rec, uint32_t pid,
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
		exp_set_name(p->name, comm);
	return p;
}

/* The thread (rec, tid) of process pid alive now, made when missing. */
struct sr_exp_thread *exp_get_thread(struct sr_exp *x, unsigned int rec, uint32_t tid,
					uint32_t pid, const uint8_t *comm)
{
	uint32_t *c = &x->tcache[(tid * 0x9e3779b1u) >> (32 - EXP_TCACHE_BITS)];
	uint32_t i = *c;
	struct sr_exp_thread *t;
	struct sr_exp_proc *p;

	/* the map's answer, kept for the thread's next record, or asked for */
	if (i >= x->nthreads || x->threads[i].tid != tid || x->threads[i].rec != rec)
		*c = i = sr_map__get(&x->tmap, rec, tid, 1);
	if (i != NIL && !x->threads[i].dead) {
		t = &x->threads[i];
		if (x->procs[t->proc].pid == pid && (!x->procs[t->proc].dead || t->exiting))
			return t;
	}
	p = exp_get_proc(x, rec, pid, comm);
	if (!p || x->nthreads >= NIL - 1 ||
	    sr_grow(&x->threads, &x->capthreads, x->nthreads + 1, sizeof(*x->threads)) ||
	    sr_map__set(&x->tmap, rec, tid, 1, (uint32_t)x->nthreads))
		return NULL;
	*c = (uint32_t)x->nthreads;
	t = &x->threads[x->nthreads];
	memset(t, 0, sizeof(*t));
	t->uuid = x->nthreads++;
	t->rec = rec;
	t->tid = tid;
	t->proc = (uint32_t)p->uuid;
	if (comm)
		exp_set_name(t->name, comm);
	return t;
}

/* The sinks learn of @t and its process before its first event, and again when renamed. */
void exp_announce(struct sr_exp *x, struct sr_exp_thread *t, uint64_t ts)
{
	struct sr_exp_proc *p = exp_proc_of(x, t);

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
void exp_rename_thread(struct sr_exp *x, struct sr_exp_thread *t, const uint8_t *comm,
			  uint64_t ts)
{
	char name[SR_COMM_LEN + 1];
	struct sr_exp_proc *p;

	/* every record asks: the same comm, zero-padded as the recorder writes it, is one compare */
	if (!memcmp(comm, t->name, SR_COMM_LEN))
		return;
	exp_set_name(name, comm);
	if (!memcmp(name, t->name, sizeof(name)))
		return;
	p = exp_proc_of(x, t);
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

int exp_mark_dirty(struct sr_exp *x, struct sr_exp_proc *p)
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
static void exp_flush_interval(struct sr_exp *x, uint64_t k)
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
void exp_advance(struct sr_exp *x, uint64_t ts)
{
	uint64_t k = ts / x->iv;

	if (!x->have_iv) {
		x->cur_iv = k;
		x->have_iv = 1;
		return;
	}
	while (x->cur_iv < k && x->ndirty)
		exp_flush_interval(x, x->cur_iv++);
	if (x->cur_iv < k)
		x->cur_iv = k;
}

/* --- thread states and CPUs --- */

/* [start, end) within the window of @r; 0 when nothing is left of it. */
static int clip(const struct exp_rec *r, uint64_t *start, uint64_t *end)
{
	if (*start < r->lo)
		*start = r->lo;
	if (*end > r->hi)
		*end = r->hi;
	return *end > *start;
}

void exp_set_state(struct sr_exp *x, struct exp_rec *r, struct sr_exp_thread *t,
		      uint64_t ts, int state, int cpu)
{
	struct sr_exp_proc *p = exp_proc_of(x, t);
	uint64_t s = t->since, e = ts;

	if (t->state != SR_EXP_NONE && exp_wanted(x, p->pid) && clip(r, &s, &e)) {
		exp_announce(x, t, s);
		EACH(x, state, t, p, s, e, t->state, t->cpu);
		x->n.states++;
	}
	t->state = state;
	t->since = ts;
	t->cpu = cpu;
	if (t->exiting && state == SR_EXP_NONE)
		t->dead = 1;
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

static void exp_cpu_slice(struct sr_exp *x, unsigned int rec, struct exp_rec *r, int cpu,
		      uint64_t ts)
{
	struct exp_cpu *c = &r->cpus[cpu];
	uint64_t s = c->since, e = ts;

	if (c->cur != NIL) {
		struct sr_exp_thread *t = &x->threads[c->cur];
		struct sr_exp_proc *p = exp_proc_of(x, t);

		if (exp_wanted(x, p->pid) && clip(r, &s, &e)) {
			exp_announce(x, t, s);
			EACH(x, cpu, rec, cpu, s, e, t, p);
			x->n.states++;
		}
	}
	c->cur = NIL;
	c->since = ts;
}

/*
 * The thread (rec, tid) when its process is one the recorder followed (its
 * states are whole), else NULL (*err 0), or NULL with *err -ENOMEM.
 */
static struct sr_exp_thread *followed(struct sr_exp *x, unsigned int rec, uint32_t tid,
				      uint32_t pid, const uint8_t *comm, int *err)
{
	uint32_t i = sr_map__get(&x->pmap, rec, pid, 0);
	struct sr_exp_thread *t;

	*err = 0;
	if (i == NIL || !x->procs[i].recorded)
		return NULL;
	t = exp_get_thread(x, rec, tid, pid, comm);
	if (!t)
		*err = -ENOMEM;
	return t;
}

int exp_on_switch(struct sr_exp *x, const struct sr_exp_src *src, struct exp_rec *r,
		  const struct sr_event *ev, uint64_t ts)
{
	const struct sr_ev_switch *e = (const void *)ev;
	struct sr_exp_thread *t;
	int cpu = ev->cpu, err;

	if (ev->tid) {
		t = followed(x, src->rec, ev->tid, ev->pid, ev->comm, &err);
		if (err)
			return err;
		if (t)
			exp_set_state(x, r, t, ts, task_state(e->prev_state), -1);
	}
	if (cpu < EXP_CPUS) {
		uint32_t cur = r->cpus[cpu].cur;

		/*
		 * The CPU's thread is not the one leaving: its switch out was
		 * not recorded (an exiting thread's last, which the recorder no
		 * longer follows, to a thread it does not follow either).  It
		 * left by now; in which state is not known.
		 */
		if (cur != NIL && x->threads[cur].tid != ev->tid &&
		    x->threads[cur].state == SR_EXP_RUNNING && x->threads[cur].cpu == cpu)
			exp_set_state(x, r, &x->threads[cur], ts, SR_EXP_NONE, -1);
		exp_cpu_slice(x, src->rec, r, cpu, ts);
	}
	if (e->next_tid) {
		t = followed(x, src->rec, e->next_tid, e->next_pid, e->next_comm, &err);
		if (err)
			return err;
		if (t) {
			exp_set_state(x, r, t, ts, SR_EXP_RUNNING, cpu);
			if (cpu < EXP_CPUS)
				r->cpus[cpu].cur = (uint32_t)t->uuid;
		}
	}
	return 0;
}

int exp_on_wakeup(struct sr_exp *x, const struct sr_exp_src *src, struct exp_rec *r,
		  const struct sr_event *ev, uint64_t ts)
{
	const struct sr_ev_wakeup *e = (const void *)ev;
	struct sr_exp_thread *t;

	if (!e->wakee_tid)
		return 0;
	t = exp_get_thread(x, src->rec, e->wakee_tid, e->wakee_pid, NULL);
	if (!t)
		return -ENOMEM;
	exp_proc_of(x, t)->recorded = 1;
	if (t->state != SR_EXP_RUNNING && t->state != SR_EXP_RUNNABLE)
		exp_set_state(x, r, t, ts, SR_EXP_RUNNABLE,
			      e->target_cpu < EXP_CPUS ? (int)e->target_cpu : -1);
	return 0;
}

void sr_exp__finish(struct sr_exp *x)
{
	if (x->have_iv) {
		while (x->ndirty)
			exp_flush_interval(x, x->cur_iv++);
	}
	for (size_t i = 0; i < x->nthreads; i++) {
		struct sr_exp_thread *t = &x->threads[i];

		if (!t->dead && t->state != SR_EXP_NONE)
			exp_set_state(x, &x->recs[t->rec], t, x->ts_last, SR_EXP_NONE, -1);
	}
	for (size_t k = 0; k < x->nrecs; k++)
		for (int c = 0; x->recs[k].cpus && c < EXP_CPUS; c++)
			if (x->recs[k].cpus[c].cur != NIL)
				exp_cpu_slice(x, (unsigned int)k, &x->recs[k], c, x->ts_last);
}
