/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sched.bpf.h - the cpu class: why a thread left its CPU, where the time
 * of a syscall went (off CPU, on a run queue), the filters for a task
 * that is not the current one, and the emitters of the switch, wakeup,
 * syscpu and cputime records.
 */
#ifndef SYSREC_SCHED_BPF_H
#define SYSREC_SCHED_BPF_H

#include "emit.bpf.h"

/* The kernel's task state bits (include/linux/sched.h), as sched_switch gives them. */
#define TASK_INTERRUPTIBLE	0x00000001
#define TASK_UNINTERRUPTIBLE	0x00000002
#define __TASK_STOPPED		0x00000004
#define __TASK_TRACED		0x00000008
#define EXIT_DEAD		0x00000010
#define EXIT_ZOMBIE		0x00000020
#define TASK_DEAD		0x00000080
#define TASK_NOLOAD		0x00000400

#define SR_CGROUP_DEPTH		32	/* ancestors --cgroup looks through */

/*
 * Why prev left its CPU.  The kernel counts a switch as voluntary (nvcsw)
 * when it was not a preemption and the state was not TASK_RUNNING; every
 * other switch (nivcsw) leaves the task runnable, on a run queue.
 */
static __always_inline __u32 task_state_of(bool preempt, unsigned int state)
{
	if (preempt || !state)
		return SR_TS_RUNNING;
	if (state & (EXIT_DEAD | EXIT_ZOMBIE | TASK_DEAD))
		return SR_TS_DEAD;
	if (state & (__TASK_STOPPED | __TASK_TRACED))
		return SR_TS_STOPPED;
	if ((state & (TASK_UNINTERRUPTIBLE | TASK_NOLOAD)) == (TASK_UNINTERRUPTIBLE | TASK_NOLOAD))
		return SR_TS_IDLE;
	if (state & TASK_UNINTERRUPTIBLE)
		return SR_TS_BLOCKED;
	if (state & TASK_INTERRUPTIBLE)
		return SR_TS_SLEEPING;
	return SR_TS_OTHER;
}

/* --- the filters, for any task (wanted() is for the current one) --- */

static __always_inline bool task_comm_matches(struct task_struct *t)
{
	for (int i = 0; i < SR_COMM_LEN; i++) {
		char c = t->comm[i];

		if (c != filter_comm[i])
			return false;
		if (!c)
			break;
	}
	return true;
}

/*
 * Whether t's cgroup v2 is --cgroup's or below it, by ids up its
 * ancestors: bpf_current_task_under_cgroup() answers for the current
 * task only.
 */
static __always_inline bool task_in_cgroup(struct task_struct *t)
{
	struct cgroup *cg = t->cgroups->dfl_cgrp;

	for (int i = 0; i < SR_CGROUP_DEPTH && cg; i++) {
		if (cg->kn->id == filter_cgroup_id)
			return true;
		if (!cg->self.parent)
			break;
		cg = KPTR(struct cgroup, cg->self.parent);	/* a cgroup starts with 'self' */
	}
	return false;
}

/*
 * Whether t's process is followed (-p, the command and their descendants,
 * or every process): a thread of another one never had a syscall recorded,
 * so it has none pending either.
 */
static __always_inline bool task_followed(struct task_struct *t)
{
	return !filter_pids || tgid_tracked(t->tgid);
}

/* The filters but task_followed(): never the idle task, never sysrec itself. */
static __always_inline bool task_passes(struct task_struct *t)
{
	if (!t->pid || (__u32)t->tgid == self_tgid)
		return false;
	if (filter_comm_on && !task_comm_matches(t))
		return false;
	if (filter_cgroup && !task_in_cgroup(t))
		return false;
	return true;
}

/* Whether the BPF filters record t. */
static __always_inline bool task_wanted(struct task_struct *t)
{
	return task_followed(t) && task_passes(t);
}

/* The time, read once by a program and only if it needs it: *now is 0 until then. */
static __always_inline __u64 clock_once(__u64 *now)
{
	if (!*now)
		*now = bpf_ktime_get_ns();
	return *now;
}

/*
 * The pending syscall t left in task storage, if any.  Most tasks never
 * had task storage (they never left a CPU in the middle of a recorded
 * syscall): for them a plain load answers, where the lookup would cost a
 * helper call on every switch and wakeup.
 */
static __always_inline struct pending *pending_stored(struct task_struct *t)
{
	struct pending *sp;

	if (bpf_core_field_exists(t->bpf_storage) && !t->bpf_storage)
		return NULL;
	sp = bpf_task_storage_get(&pending, t, 0, 0);
	return sp && sp->active ? sp : NULL;
}

/* --- the split of a pending syscall's time --- */

/* The task of p left its CPU in the middle of the call, at now. */
static __always_inline void syscall_out(struct pending *p, bool preempt, unsigned int state,
					__u64 now)
{
	if (!p->left) {
		p->left = 1;
		p->off_cpu_ns = 0;
		p->blocked_ns = 0;
		p->runq_ns = 0;
		p->vol = 0;
		p->invol = 0;
	}
	p->out_state = task_state_of(preempt, state);
	p->out_ts = now;
	p->wake_ts = 0;
	if (p->out_state == SR_TS_RUNNING)
		p->invol++;
	else
		p->vol++;
}

/*
 * ... and is back on a CPU at now: preempted, it waited on a run queue
 * all along; asleep, it was off CPU until its wakeup, then on a run
 * queue.  A sleep whose wakeup was not seen counts as off CPU whole.
 */
static __always_inline void syscall_in(struct pending *p, __u64 now)
{
	__u64 out = p->out_ts, w = p->wake_ts;

	if (!out || now < out)
		return;
	if (p->out_state == SR_TS_RUNNING) {
		p->runq_ns += now - out;
	} else {
		if (w < out || w > now)
			w = now;
		p->off_cpu_ns += w - out;
		if (p->out_state == SR_TS_BLOCKED)
			p->blocked_ns += w - out;
		p->runq_ns += now - w;
	}
	p->out_ts = 0;
	p->wake_ts = 0;
}

/* --- records --- */

/*
 * Where the time of the syscall of p went, right before its record (same
 * ts): with the cpu class, for a call that left its CPU.  Every syscall
 * record is preceded by a call to this, which decides.
 */
static __always_inline void emit_syscpu(void *ctx, struct task_struct *task, struct pending *p,
					__u64 now)
{
	struct out o;
	struct sr_ev_syscpu *e;

	if (!cpu_on || !p->left)
		return;
	/*
	 * Still away: the kernel brought it back without a sched_switch
	 * naming it (perf sees the same gap), so the absence ends now.
	 */
	if (p->out_ts)
		syscall_in(p, now);
	e = hdr_begin_out(&o, SR_EV_SYSCPU, task, now);
	if (!e)
		return;
	e->nr = p->nr;
	e->_pad[0] = e->_pad[1] = e->_pad[2] = 0;
	e->off_cpu_ns = p->off_cpu_ns;
	e->blocked_ns = p->blocked_ns;
	e->runq_ns = p->runq_ns;
	e->vol_switches = p->vol;
	e->invol_switches = p->invol;
	out_end(ctx, &o, sizeof(*e));
}

static __always_inline void emit_switch(void *ctx, struct task_struct *prev,
					struct task_struct *next, bool preempt,
					unsigned int state, __u64 now)
{
	struct out o;
	struct sr_ev_switch *e = hdr_begin_out(&o, SR_EV_SWITCH, prev, now);
	__u64 *c;

	if (!e)
		return;
	e->next_pid = next->tgid;
	e->next_tid = next->pid;
	c = (__u64 *)e->next_comm;
	c[0] = *(__u64 *)&next->comm[0];
	c[1] = *(__u64 *)&next->comm[8];
	e->prev_state = task_state_of(preempt, state);
	e->prev_state_raw = state;
	out_end(ctx, &o, sizeof(*e));
}

/* The current task (or the idle task, for an interrupt) made p runnable. */
static __always_inline void emit_wakeup(void *ctx, struct task_struct *p, __u16 flags, __u64 now)
{
	struct out o;
	struct sr_ev_wakeup *e = hdr_begin_out(&o, SR_EV_WAKEUP, bpf_get_current_task_btf(), now);

	if (!e)
		return;
	e->h.flags |= flags;
	e->wakee_pid = p->tgid;
	e->wakee_tid = p->pid;
	e->target_cpu = p->thread_info.cpu;	/* task_cpu(): enqueued there already */
	e->_pad = 0;
	out_end(ctx, &o, sizeof(*e));
}

/*
 * A thread's own scheduler counters, the fields /proc/PID/task/TID/schedstat
 * and status print (schedstat's first adds the time since the last update
 * for a task running: up to a tick less here).
 */
static __always_inline void emit_cputime(void *ctx, struct task_struct *t, __u16 flags, __u64 now)
{
	struct out o;
	struct sr_ev_cputime *e = hdr_begin_out(&o, SR_EV_CPUTIME, t, now);

	if (!e)
		return;
	e->h.flags |= flags;
	e->on_cpu_ns = BPF_CORE_READ(t, se.sum_exec_runtime);
	e->runq_ns = BPF_CORE_READ(t, sched_info.run_delay);
	e->timeslices = BPF_CORE_READ(t, sched_info.pcount);
	e->vol_switches = BPF_CORE_READ(t, nvcsw);
	e->invol_switches = BPF_CORE_READ(t, nivcsw);
	out_end(ctx, &o, sizeof(*e));
}

#endif /* SYSREC_SCHED_BPF_H */
