// SPDX-License-Identifier: GPL-2.0-only
/*
 * sysrec.bpf.c - capture process, memory and file syscalls.
 *
 * Hooks are the raw syscall tracepoints (tp_btf/sys_enter, sys_exit) and the
 * scheduler's process tracepoints: they exist on every kernel with BTF, need
 * neither kprobes nor a mounted tracefs, and see every syscall whatever the
 * libc wrapper.  sys_enter saves the arguments in task storage; sys_exit
 * pairs them with the result and emits one record holding both, so nothing
 * is read from argument registers after they are gone.
 *
 * Strings are read at exit, when the kernel has already faulted the pages
 * in; paths of opened files are rebuilt from the kernel's struct file, so
 * they are absolute however the file was named.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "sysrec/event.h"
#include "sched.bpf.h"
#include "net.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* --- syscall entry: filter, then remember the arguments --- */

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	struct task_struct *task;
	struct pending *p;
	struct slot *sl;
	__u32 tgid, zero = 0;
	bool mine, compat;
	__u8 type;

	if (attach_only)
		return 0;
	if (id < 0 || id >= SR_NR_MAX)
		return 0;
	type = sys_type[id];
	if (!type && !compat_nr[id])
		return 0;
	task = bpf_get_current_task_btf();
	tgid = task->tgid;
	if (tgid == self_tgid)
		return 0;
	compat = task->thread_info.status & TS_COMPAT;
	if (compat) {
		id = compat_nr[id & (SR_NR_MAX - 1)];
		if (!id)
			return 0;
		type = sys_type[id & (SR_NR_MAX - 1)];
	}
	if (!type)
		return 0;
	sl = bpf_map_lookup_elem(&slots, &zero);
	if (!sl)
		return 0;
	mine = sl->owner == (__u64)task;
	/*
	 * A task found in 'tracked' stays followed (its tgid leaves the map
	 * only when the process dies), so 'tracked' is asked when a task
	 * takes this CPU's slot, not per syscall.
	 */
	if (filter_pids && !(mine && sl->p.followed) && !tgid_tracked(tgid))
		return 0;
	/*
	 * An exec changes the comm: it is matched at sched_process_exec, on
	 * the comm it gives (a failed one at sys_exit, on the caller's).
	 */
	if (filter_comm_on && type != SR_EV_EXEC && !comm_matches())
		return 0;
	if (filter_cgroup && bpf_current_task_under_cgroup(&cgroup_filter, 0) != 1)
		return 0;
	p = &sl->p;
	/* Taken early: the clock read waits for the loads before it. */
	p->ts = bpf_ktime_get_ns();
	if (!mine)
		slot_take(sl, task);
	p->followed = 1;
	p->nr = id;
	p->compat = compat;
	if (compat) {
		p->args[0] = (__u32)regs->bx;
		p->args[1] = (__u32)regs->cx;
		p->args[2] = (__u32)regs->dx;
		p->args[3] = (__u32)regs->si;
		p->args[4] = (__u32)regs->di;
		p->args[5] = (__u32)regs->bp;
	} else {
		p->args[0] = regs->di;
		p->args[1] = regs->si;
		p->args[2] = regs->dx;
		p->args[3] = regs->r10;
		p->args[4] = regs->r8;
		p->args[5] = regs->r9;
	}
	p->forked = 0;
	p->no_file = 0;
	if (cpu_on)
		p->left = 0;
	if (type == SR_EV_CLOSE) {
		struct file *f = fd_file(task, (int)p->args[SR_FD_ARG_close]);

		file_id(f, &p->dev, &p->ino);
		p->no_file = !f;
	}
	p->active = 1;
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task;
	struct pending *p;
	__u64 now;
	__u8 type;
	long id;

	if (attach_only)
		return 0;
	id = regs->orig_ax;
	/* rt_sigreturn restores the interrupted registers, orig_ax -1 with them */
	if (id == -1 && sys_type[SR_NR_rt_sigreturn])
		id = SR_NR_rt_sigreturn;
	if (id < 0 || id >= SR_NR_MAX || (!sys_type[id] && !compat_nr[id]))
		return 0;
	task = bpf_get_current_task_btf();
	if (task->thread_info.status & TS_COMPAT) {
		id = compat_nr[id & (SR_NR_MAX - 1)];
		if (!id)
			return 0;
	}
	if (!sys_type[id & (SR_NR_MAX - 1)])
		return 0;
	p = pending_of(task);
	if (!p)
		return 0;
	p->active = 0;
	if (p->nr != id)
		return 0;
	/*
	 * The record's time, read first: the clock read waits for the loads
	 * before it, and nothing else adds to this CPU's records until this
	 * one is out, so they still leave in time order.
	 */
	now = bpf_ktime_get_ns();
	type = sys_type[id & (SR_NR_MAX - 1)];
	/* a fork's record was written at the fork, a successful exec's at the exec */
	if (type == SR_EV_FORK && p->forked)
		return 0;
	if (type == SR_EV_EXEC && !(ret < 0 && (!filter_comm_on || comm_matches())))
		return 0;
	/* where its time went, right before its record */
	emit_syscpu(ctx, task, p, now);
	switch (type) {
	case SR_EV_EXEC:
		return emit_exec_failed(ctx, task, p, ret, now);
	/* the net class's records read sockets and fds: subprograms of their own */
	case SR_EV_NET:
		return emit_net(ctx, task, p, ret, now);
	case SR_EV_PIPE:
		return emit_pipe(ctx, task, p, ret, now);
	case SR_EV_XFER:
		return emit_xfer(ctx, task, p, ret, now);
	}
	return emit_sys(ctx, type, task, p, ret, now);
}

/* --- process events from the scheduler --- */

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	struct task_struct *task;
	struct sr_ev_fork *e;
	struct pending *p;
	struct out o;
	__u8 one = 1;
	__u64 now;

	if (attach_only)
		return 0;
	/* Follow descendants whether or not fork records are asked for. */
	if (filter_pids && ptgid != ctgid && ptgid != self_tgid && tgid_tracked(ptgid)) {
		bpf_map_update_elem(&tracked, &ctgid, &one, BPF_ANY);
		tracked_changed();
	}

	task = bpf_get_current_task_btf();
	p = pending_of(task);
	if (!p || sys_type[p->nr & (SR_NR_MAX - 1)] != SR_EV_FORK)
		return 0;
	now = bpf_ktime_get_ns();
	emit_syscpu(ctx, task, p, now);	/* before this record is begun */
	e = sys_begin_out(&o, SR_EV_FORK, task, p, child->pid, now);
	if (!e)
		return 0;
	e->child_pid = ctgid;
	e->child_tid = child->pid;
	_Static_assert(SR_NSYS_FORK == 4, "sched_process_fork: fork, vfork, clone3, clone");
	switch (p->nr) {
	case SR_NR_fork:
		e->clone_flags = SIGCHLD;
		break;
	case SR_NR_vfork:
		e->clone_flags = CLONE_VFORK | CLONE_VM | SIGCHLD;
		break;
	case SR_NR_clone3:	/* clone3(struct clone_args *, size): flags come first */
		e->clone_flags = 0;
		bpf_probe_read_user(&e->clone_flags, sizeof(e->clone_flags), (void *)p->args[0]);
		break;
	default:	/* clone(flags, ...) */
		e->clone_flags = p->args[0];
		break;
	}
	if (ctgid == ptgid)
		e->h.flags |= SR_F_THREAD;
	p->forked = 1;
	out_end(ctx, &o, sizeof(*e));
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sched_process_exec, struct task_struct *t, pid_t old_pid, struct linux_binprm *bprm)
{
	struct task_struct *task = bpf_get_current_task_btf();
	unsigned long arg_start, arg_end;
	__u32 off, len, limit = argv_max;
	struct sr_ev_exec *e;
	struct pending *p;
	struct evbuf *eb;
	struct file *f;
	__u64 now;

	if (attach_only)
		return 0;
	p = pending_of(task);
	if (!p || sys_type[p->nr & (SR_NR_MAX - 1)] != SR_EV_EXEC)
		return 0;
	p->active = 0;
	if (filter_comm_on && !comm_matches())
		return 0;
	now = bpf_ktime_get_ns();
	emit_syscpu(ctx, task, p, now);	/* before the scratch buffer is taken */
	e = sys_begin(&eb, SR_EV_EXEC, task, p, 0, now);
	if (!e)
		return 0;
	e->old_tid = old_pid;
	e->argc = BPF_CORE_READ(bprm, argc);
	e->_pad = 0;
	f = BPF_CORE_READ(bprm, file);
	file_id(f, &e->dev, &e->ino);
	off = put_kernel_str(eb->b, sizeof(*e), BPF_CORE_READ(bprm, filename), &e->filename);
	off = put_file_path(eb->b, off, f, &e->path, &e->h.flags);

	/* The new image's argv, as the kernel just copied it onto its stack. */
	arg_start = BPF_CORE_READ(task, mm, arg_start);
	arg_end = BPF_CORE_READ(task, mm, arg_end);
	len = arg_end - arg_start;
	if (limit > SR_ARGV_MAX)
		limit = SR_ARGV_MAX;
	if (len > limit) {
		len = limit;
		e->h.flags |= SR_F_ARGV_CUT;
	}
	if (len > SR_ARGV_MAX)		/* never: for the verifier */
		len = SR_ARGV_MAX;
	e->argv.off = off;
	e->argv.len = 0;
	if (off <= EV_FIXED_MAX + 2 * SR_PATH_MAX && len > 0) {
		if (!bpf_probe_read_user(&eb->b[off], len, (void *)arg_start)) {
			e->argv.len = len;
			off += len;
		}
	}
	emit(ctx, eb, off);
	return 0;
}

/*
 * The exiting task's pointer leaves every CPU's slot before its memory can
 * be reused by a new task, which would otherwise inherit its 'followed'.
 * Only stale slots hold it (the task is here, in no syscall), and a
 * compare-and-swap leaves alone a slot another task takes meanwhile.
 */
static long disown_cpu(__u32 cpu, void *data)
{
	__u64 task = *(__u64 *)data;
	__u32 zero = 0;
	struct slot *sl = bpf_map_lookup_percpu_elem(&slots, &zero, cpu);

	if (!sl)
		return 1;	/* past the last CPU */
	if (sl->owner == task)
		__sync_val_compare_and_swap(&sl->owner, task, 0);
	return 0;
}

static __always_inline void disown(__u64 task)
{
	bpf_loop(SR_CPUS_MAX, disown_cpu, &task, 0);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_process_exit, struct task_struct *t, bool group_dead)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 tgid = task->tgid;
	struct sr_ev_exit *e;
	struct pending *p;
	struct out o;
	bool want = false;
	__u64 now;

	if (attach_only)
		return 0;
	/*
	 * exit and exit_group never return: their record is written here, as
	 * the thread goes.  Any other pending syscall (none should be) is
	 * dropped with its slot, not counted lost.
	 */
	p = pending_of(task);
	if (p) {
		p->active = 0;
		if (p->nr == SR_NR_exit || p->nr == SR_NR_exit_group) {
			now = bpf_ktime_get_ns();
			emit_syscpu(ctx, task, p, now);
			emit_sys(ctx, SR_EV_SYSCALL, task, p, 0, now);
		}
	}
	if (proc_on || cpu_on)
		want = wanted(tgid);
	/* the thread's totals, as /proc would have given them a moment ago */
	if (cpu_on && want)
		emit_cputime(ctx, task, SR_F_CPU_EXIT, bpf_ktime_get_ns());
	if (proc_on && want) {
		e = hdr_begin_out(&o, SR_EV_EXIT, task, bpf_ktime_get_ns());
		if (e) {
			e->exit_code = BPF_CORE_READ(t, exit_code);
			e->_pad = 0;
			e->h.flags |= group_dead ? SR_F_GROUP_DEAD : SR_F_THREAD;
			out_end(ctx, &o, sizeof(*e));
		}
	}
	if (filter_pids && group_dead) {
		bpf_map_delete_elem(&tracked, &tgid);
		tracked_changed();
	}
	disown((__u64)task);
	return 0;
}

/*
 * A task switched out in the middle of a syscall (it blocked, or was
 * preempted, and may wake on another CPU) takes its pending syscall along
 * in task storage; the slot is free for the next task.
 *
 * With the cpu class, the syscall notes when and why it left; the task
 * coming in, if it has a syscall waiting in storage, adds the time it was
 * away and takes the syscall back into this CPU's slot (so that its next
 * switch-out and its sys_exit find it there, as if it had never left).
 */
SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	struct pending *sp;
	struct slot *sl;
	__u32 zero = 0;
	__u64 now = 0;

	if (attach_only)
		return 0;
	/* without syscall hooks (-e cpu) no syscall is ever pending */
	sl = sys_on ? bpf_map_lookup_elem(&slots, &zero) : NULL;
	if (sl && sl->p.active && sl->owner == (__u64)prev) {
		if (cpu_on)
			syscall_out(&sl->p, preempt, prev_state, clock_once(&now));
		sl->p.active = 0;
		sp = bpf_task_storage_get(&pending, prev, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (sp) {
			*sp = sl->p;
			sp->active = 1;
		} else {
			count_drops(1);		/* its record is lost: say so */
		}
	}
	if (!cpu_on)
		return 0;
	sp = sl ? pending_stored(next) : NULL;
	if (sp) {
		syscall_in(sp, clock_once(&now));
		slot_take(sl, next);
		sl->p = *sp;
		sp->active = 0;
	}
	if (switches_on && (task_wanted(prev) || task_wanted(next)))
		emit_switch(ctx, prev, next, preempt, prev_state, clock_once(&now));
	return 0;
}

/*
 * A thread made runnable: a syscall of it waiting off CPU notes when its
 * sleep ended; with --sched-switches all, a wakeup record (the waker is
 * the current task).  A thread of a process not followed costs a load or
 * two: most wakeups of a busy system are theirs.
 */
SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
	struct pending *sp;
	__u64 now = 0;

	if (attach_only || !task_followed(p))
		return 0;
	sp = sys_on ? pending_stored(p) : NULL;
	if (sp && sp->out_ts && !sp->wake_ts)
		sp->wake_ts = clock_once(&now);
	if (switches_on && task_passes(p))
		emit_wakeup(ctx, p, 0, clock_once(&now));
	return 0;
}

/* A new task's first wakeup: it has no syscall yet.  Loaded with switch records only. */
SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new, struct task_struct *p)
{
	if (attach_only || !task_wanted(p))
		return 0;
	emit_wakeup(ctx, p, SR_F_WAKE_NEW, bpf_ktime_get_ns());
	return 0;
}

/*
 * A cgroup v2 made during the recording: its id, its own name (in 'path')
 * and its parent's id (in the header's cgroup_id).  User space puts the
 * name below the parent's path as its cgroup2 mount shows it (which, in a
 * cgroup namespace, is not the path from the hierarchy's root that the
 * tracepoint gives), so that a group gone before its first record is
 * written still has its name.  Not written to the trace itself.
 */
SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(cgroup_mkdir, struct cgroup *cgrp, const char *path)
{
	struct cgroup *parent;
	struct sr_ev_cgroup *e;
	struct out o;
	__u32 off;

	if (attach_only || cgrp->root->hierarchy_id != 0)	/* 0: the v2 hierarchy */
		return 0;
	if (!cgrp->self.parent)
		return 0;
	/* a cgroup starts with its css, 'self' */
	parent = KPTR(struct cgroup, cgrp->self.parent);
	e = hdr_begin_out(&o, SR_EV_CGROUP, bpf_get_current_task_btf(), bpf_ktime_get_ns());
	if (!e)
		return 0;
	e->h.cgroup_id = parent->kn->id;
	e->id = cgrp->kn->id;
	e->_pad = 0;
	off = put_kernel_str((void *)e, sizeof(*e), cgrp->kn->name, &e->path);
	out_end(ctx, &o, off);
	return 0;
}

/*
 * Run by user space on each CPU (BPF_PROG_TEST_RUN with
 * BPF_F_TEST_RUN_ON_CPU) before it reads the perf buffers, so that no
 * record waits in a batch longer than one poll.  Never attached.
 */
SEC("raw_tp")
int flush(void *ctx)
{
	__u32 zero = 0;
	struct batch *bt = bpf_map_lookup_elem(&batches, &zero);

	if (!bt || __sync_val_compare_and_swap(&bt->busy, 0, 1) != 0)
		return 1;	/* an emitter holds it: the next poll flushes */
	batch_out(ctx, bt);
	batch_put(bt);
	return 0;
}
