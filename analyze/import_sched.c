// SPDX-License-Identifier: GPL-2.0-only
/*
 * import_sched.c - the cpu class's records: context switches and wakeups
 * (rows of ev_sched, and the run-queue waits they show), where each syscall's
 * time went (syscpu, attached to its syscall record) and each thread's
 * scheduler counters (cputime).  None of them is an event.
 *
 * What a switch or wakeup record creates: an ev_sched row and nothing else.
 * Its header may be the idle task (pid 0) or a thread that was not
 * recorded (the kernel side keeps a switch when either thread is), so
 * unlike the other kernel records it makes no process: each side counts
 * (its run-queue waits, its proc_id) only when its pid is a live process
 * the importer knows from the snapshot, a fork or a record of another type.
 * One exception: a sched_wakeup_new (SR_F_WAKE_NEW) by a known process
 * wakes its new child before the fork record that names the child is
 * written (at the parent's return from fork), so the child is made known
 * then, as a process first seen, which the fork record adopts.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

static void set_comm(struct an_thread *t, const uint8_t *comm)
{
	size_t n = comm_len(comm);

	memcpy(t->comm, comm, n);
	t->comm[n] = 0;
}

/* The recording has the class: event rows written before said NULL. */
static void mark_cpu(struct an_imp *im)
{
	if (im->rec_cpu)
		return;
	im->rec_cpu = 1;
	if (im->rec_events)
		im->cpu_rows_late = 1;
}

/* The live process of @pid that the importer knows, or NONE (pid 0: idle). */
static uint32_t live_proc(struct an_imp *im, uint32_t pid)
{
	uint32_t i;

	if (!pid)
		return NONE;
	i = sr_map__get(&im->alive, pid, 0, 0);
	return i < DEAD ? i : NONE;
}

uint32_t thread_get(struct an_imp *im, uint32_t pid, uint32_t tid, uint32_t proc, int make)
{
	uint32_t i = sr_map__get(&im->thread_map, tid, 0, 0);
	struct an_thread *t;

	/* a tid of another process than the one it had: reused, a new thread */
	if (i != NONE && (proc == NONE || im->threads[i].proc == proc))
		return i;
	if (!make || proc == NONE)
		return NONE;
	if (im->nthreads + 1 >= NONE ||
	    sr_grow(&im->threads, &im->capthreads, im->nthreads + 1, sizeof(*im->threads)) ||
	    sr_map__set(&im->thread_map, tid, 0, 0, (uint32_t)im->nthreads))
		return NONE;
	t = &im->threads[im->nthreads];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->pid = pid;
	t->proc = proc;
	t->first_trace = im->trace_id;
	return (uint32_t)im->nthreads++;
}

/* A run-queue wait of thread @i ends at @ts: one sample, when it began in order. */
static int wait_end(struct an_imp *im, uint32_t i, int64_t ts, int64_t *wait)
{
	struct an_thread *t = &im->threads[i];

	*wait = -1;
	t->running = 1;
	if (!t->runnable)
		return 0;
	t->runnable = 0;
	if (ts < t->runnable_ts)
		return 0;	/* the records of two CPUs out of order: no sample */
	*wait = sr_clamp(ts - t->runnable_ts, 0, SR_DUR_MAX);
	if (sr_grow(&t->waits, &t->capwaits, t->nwaits + 1, sizeof(*t->waits)))
		return -ENOMEM;
	t->waits[t->nwaits++] = (uint64_t)*wait;
	return 0;
}

/*
 * A wakeup: the wait begins, unless the thread waits already (woken twice:
 * at the first) or runs (the kernel traces wakeups of a running thread
 * too, and a wakeup written after the switch that let it run, on another
 * CPU's buffer, is one).
 */
static void woken(struct an_thread *t, int64_t ts)
{
	if (t->runnable || t->running)
		return;
	t->runnable = 1;
	t->runnable_ts = ts;
}

/* Off its CPU: preempted, it waits from now; else it sleeps. */
static void switched_out(struct an_thread *t, int64_t ts, uint32_t state)
{
	t->running = 0;
	t->runnable = state == SR_TS_RUNNING;
	t->runnable_ts = ts;
}

/* The ev_sched row of a switch or wakeup (only with event rows). */
static int sched_row(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		     uint32_t next_pid, uint32_t next_tid, const uint8_t *next_comm,
		     uint32_t next_proc, const struct sr_ev_switch *sw, int64_t target_cpu,
		     int64_t wait)
{
	sqlite3_stmt *st = im->ins_sched;

	if (!im->event_rows)
		return 0;
	sqlite3_bind_int64(st, 1, im->rec_id);
	sqlite3_bind_int64(st, 2, im->trace_id);
	sqlite3_bind_int64(st, 3, (int64_t)ev->ts);
	sqlite3_bind_int(st, 4, ev->type);
	sqlite3_bind_int(st, 5, ev->cpu);
	sqlite3_bind_int(st, 6, ev->flags);
	sqlite3_bind_int64(st, 7, ev->pid);
	sqlite3_bind_int64(st, 8, ev->tid);
	sqlite3_bind_text(st, 9, (const char *)ev->comm, (int)comm_len(ev->comm), SQLITE_STATIC);
	bind_id_or_null(st, 10, im->proc_base, proc);
	sqlite3_bind_int64(st, 11, next_pid);
	sqlite3_bind_int64(st, 12, next_tid);
	if (next_comm)
		sqlite3_bind_text(st, 13, (const char *)next_comm, (int)comm_len(next_comm),
				  SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 13);
	bind_id_or_null(st, 14, im->proc_base, next_proc);
	if (sw) {
		sqlite3_bind_int64(st, 15, sw->prev_state);
		sqlite3_bind_int64(st, 16, sw->prev_state_raw);
	} else {
		sqlite3_bind_null(st, 15);
		sqlite3_bind_null(st, 16);
	}
	if (target_cpu >= 0)
		sqlite3_bind_int64(st, 17, target_cpu);
	else
		sqlite3_bind_null(st, 17);
	if (wait >= 0)
		sqlite3_bind_int64(st, 18, wait);
	else
		sqlite3_bind_null(st, 18);
	return step_reset(im, st);
}

/*
 * A switch: prev leaves the CPU (preempted: runnable from now; else
 * asleep), next takes it (the end of its run-queue wait, if one began).
 */
int import_switch(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		  const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_switch *e = (const void *)ev;
	uint32_t np = live_proc(im, e->next_pid), pt = NONE, nt = NONE;
	int64_t ts = (int64_t)ev->ts, wait = -1;

	(void)s;
	(void)sys;
	proc = live_proc(im, ev->pid);
	mark_cpu(im);
	im->rec_switches = 1;
	if (proc != NONE) {
		pt = thread_get(im, ev->pid, ev->tid, proc, 1);
		if (pt == NONE)
			return -ENOMEM;
		set_comm(&im->threads[pt], ev->comm);
		switched_out(&im->threads[pt], ts, e->prev_state);
	}
	if (np != NONE) {
		nt = thread_get(im, e->next_pid, e->next_tid, np, 1);
		if (nt == NONE || wait_end(im, nt, ts, &wait))
			return -ENOMEM;
		set_comm(&im->threads[nt], e->next_comm);
	}
	return sched_row(im, ev, proc, e->next_pid, e->next_tid, e->next_comm, np, e, -1, wait);
}

/* A wakeup: the wakee waits for a CPU from now. */
int import_wakeup(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		  const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_wakeup *e = (const void *)ev;
	uint32_t kp = live_proc(im, e->wakee_pid), kt;

	(void)s;
	(void)sys;
	proc = live_proc(im, ev->pid);
	mark_cpu(im);
	if (kp == NONE && (ev->flags & SR_F_WAKE_NEW) && proc != NONE && e->wakee_pid &&
	    e->wakee_pid != ev->pid) {
		/* the child of a known process, before its fork record: see above */
		kp = proc_new(im, e->wakee_pid, ev, ORIGIN_SEEN);
		if (kp == NONE)
			return -ENOMEM;
	}
	if (kp != NONE) {
		kt = thread_get(im, e->wakee_pid, e->wakee_tid, kp, 1);
		if (kt == NONE)
			return -ENOMEM;
		woken(&im->threads[kt], (int64_t)ev->ts);
	}
	return sched_row(im, ev, proc, e->wakee_pid, e->wakee_tid, NULL, kp, NULL,
			 e->target_cpu, -1);
}

/* The thread of a syscpu or cputime record's header (a recorded one), or NULL: no memory. */
static struct an_thread *header_thread(struct an_imp *im, const struct sr_event *ev, uint32_t proc)
{
	uint32_t i;

	mark_cpu(im);
	i = thread_get(im, ev->pid, ev->tid, proc, 1);
	if (i == NONE)
		return NULL;
	set_comm(&im->threads[i], ev->comm);
	return &im->threads[i];
}

/* Where the next syscall's time went: kept until its record comes. */
int import_syscpu(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		  const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_syscpu *e = (const void *)ev;
	struct an_thread *t = header_thread(im, ev, proc);

	(void)s;
	(void)sys;
	if (!t)
		return -ENOMEM;
	t->off_cpu = (uint64_t)sr_sum((int64_t)t->off_cpu, sr_clamp_u64(e->off_cpu_ns, SR_DUR_MAX));
	t->blocked = (uint64_t)sr_sum((int64_t)t->blocked,
				      sr_clamp_u64(e->blocked_ns < e->off_cpu_ns ?
						   e->blocked_ns : e->off_cpu_ns, SR_DUR_MAX));
	if (!t->pending)
		im->npending++;
	t->pending = 1;
	t->pend_ts = (int64_t)ev->ts;
	t->pend.off_cpu = sr_clamp_u64(e->off_cpu_ns, SR_DUR_MAX);
	t->pend.blocked = sr_clamp_u64(e->blocked_ns, SR_DUR_MAX);
	t->pend.runq = sr_clamp_u64(e->runq_ns, SR_DUR_MAX);
	t->pend.vol = e->vol_switches;
	t->pend.invol = e->invol_switches;
	return 0;
}

/*
 * A thread's counters: its first record, when it is a baseline read as
 * the file that made the thread known began, is what it had done before
 * the recording; the last is what it had done by its exit or the end.
 * A baseline of a later file of a rotated set is no baseline for a thread
 * met in an earlier one: it began during the recording.
 */
int import_cputime(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		   const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_cputime *e = (const void *)ev;
	struct cpu_counters c = {
		.on_cpu = (uint64_t)sr_clamp_u64(e->on_cpu_ns, SR_TS_MAX),
		.runq = (uint64_t)sr_clamp_u64(e->runq_ns, SR_TS_MAX),
		.timeslices = (uint64_t)sr_clamp_u64(e->timeslices, SR_TS_MAX),
		.vol = (uint64_t)sr_clamp_u64(e->vol_switches, SR_TS_MAX),
		.invol = (uint64_t)sr_clamp_u64(e->invol_switches, SR_TS_MAX),
	};
	struct an_thread *t = header_thread(im, ev, proc);

	(void)s;
	(void)sys;
	if (!t)
		return -ENOMEM;
	if (!t->has_last && (ev->flags & SR_F_CPU_START) && t->first_trace == im->trace_id) {
		t->base = c;
		t->has_base = 1;
	}
	t->last = c;
	t->has_last = 1;
	if (ev->flags & SR_F_CPU_EXIT)
		t->ended = 1;
	return 0;
}

int syscall_split(struct an_imp *im, const struct sr_event *h, const struct sr_sys *s,
		  struct cpu_split *sp)
{
	int64_t dur = sr_clamp_u64(s->dur_ns, SR_DUR_MAX);
	struct an_thread *t;
	uint32_t i;

	if (!im->rec_cpu)
		return 0;
	memset(sp, 0, sizeof(*sp));
	sp->on_cpu = dur;
	if (!im->npending)
		return 1;
	i = sr_map__get(&im->thread_map, h->tid, 0, 0);
	if (i == NONE || !im->threads[i].pending)
		return 1;
	t = &im->threads[i];
	if (t->pend_ts > (int64_t)h->ts)
		return 1;	/* a later call's */
	t->pending = 0;
	im->npending--;
	if (t->pend_ts < (int64_t)h->ts)
		return 1;	/* its own call's record was lost */
	/* clamped so that on + off + runq = dur even on a hostile record */
	sp->off_cpu = t->pend.off_cpu < dur ? t->pend.off_cpu : dur;
	sp->runq = t->pend.runq < dur - sp->off_cpu ? t->pend.runq : dur - sp->off_cpu;
	sp->blocked = t->pend.blocked < sp->off_cpu ? t->pend.blocked : sp->off_cpu;
	sp->on_cpu = dur - sp->off_cpu - sp->runq;
	sp->vol = t->pend.vol;
	sp->invol = t->pend.invol;
	return 1;
}

/* The class is named in the `classes` metadata: "proc,mem,file,cpu". */
void sched_begin(struct an_imp *im, const struct sr_reader *first)
{
	const char *cl = sr_reader__meta(first, "classes");

	sched_reset(im);
	for (const char *p = cl; p && *p;) {
		size_t n = strcspn(p, ",");

		if (n == 3 && !memcmp(p, "cpu", 3))
			im->rec_cpu = 1;
		p += n + (p[n] == ',');
	}
	for (size_t i = 0; i < im->nsys; i++)
		im->sys[i].rec_calls = im->sys[i].rec_total = 0;
}

void sched_reset(struct an_imp *im)
{
	for (size_t i = 0; i < im->nthreads; i++)
		free(im->threads[i].waits);
	free(im->threads);
	im->threads = NULL;
	im->nthreads = im->capthreads = 0;
	sr_map__clear(&im->thread_map);
	im->npending = 0;
	im->rec_cpu = im->rec_switches = im->cpu_rows_late = 0;
}
