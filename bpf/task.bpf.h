/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * task.bpf.h - the current task: the filters, its files, and its pending
 * syscall between sys_enter and sys_exit (this CPU's slot or task storage).
 */
#ifndef SYSREC_TASK_BPF_H
#define SYSREC_TASK_BPF_H

#include "transport.bpf.h"

static __always_inline bool comm_matches(void)
{
	char comm[SR_COMM_LEN];

	bpf_get_current_comm(comm, sizeof(comm));
	for (int i = 0; i < SR_COMM_LEN; i++) {
		if (comm[i] != filter_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

/* Whether tgid is in 'tracked' (filter_pids), from this CPU's tgids_seen when it can. */
static __always_inline bool tgid_tracked(__u32 tgid)
{
	__u64 gen = tracked_gen & ((1ULL << TGID_GEN_BITS) - 1), w, key = gen << 33 | tgid;
	struct tgid_seen *seen;
	__u32 zero = 0;
	bool in;

	seen = bpf_map_lookup_elem(&tgids_seen, &zero);
	if (seen) {
		w = seen->e[tgid & (TGID_SEEN - 1)];
		if ((w & ~(1ULL << 32)) == key)
			return w >> 32 & 1;
	}
	in = bpf_map_lookup_elem(&tracked, &tgid) != NULL;
	if (seen)
		seen->e[tgid & (TGID_SEEN - 1)] = key | (__u64)in << 32;
	return in;
}

/* 'tracked' changed: every CPU's tgids_seen is stale. */
static __always_inline void tracked_changed(void)
{
	__sync_fetch_and_add(&tracked_gen, 1);
}

/* Whether the current task passes the filters; applied in the kernel. */
static __always_inline bool wanted(__u32 tgid)
{
	if (tgid == self_tgid)
		return false;
	if (filter_pids && !tgid_tracked(tgid))
		return false;
	if (filter_comm_on && !comm_matches())
		return false;
	if (filter_cgroup && bpf_current_task_under_cgroup(&cgroup_filter, 0) != 1)
		return false;
	return true;
}

/* The struct file behind fd in the current task, or NULL. */
static __always_inline struct file *fd_file(struct task_struct *task, long fd)
{
	struct files_struct *files = task->files;
	struct fdtable *fdt;

	if (fd < 0 || !files)
		return NULL;
	fdt = files->fdt;
	if ((unsigned long)fd >= fdt->max_fds)
		return NULL;
	/*
	 * fdt->fd[fd] is a pointer in an array of pointers, which BTF cannot
	 * type: it is read as the first field of a struct that starts with one.
	 */
	return KPTR(struct kiocb, (void *)((unsigned long)fdt->fd + fd * sizeof(void *)))->ki_filp;
}

static __always_inline void file_id(struct file *f, __u64 *dev, __u64 *ino)
{
	struct inode *inode;

	if (!f) {
		*dev = *ino = 0;
		return;
	}
	inode = KPTR(struct file, f)->f_inode;
	*dev = inode->i_sb->s_dev;
	*ino = inode->i_ino;
}

/*
 * This CPU's slot passes to 'task'.  A syscall still pending there is
 * lost: never, since a switch moves it out first, but counted if it is.
 */
static __always_inline void slot_take(struct slot *sl, struct task_struct *task)
{
	if (sl->p.active)
		count_drops(1);
	sl->owner = (__u64)task;
}

/*
 * The pending syscall of 'task' (the current task): in this CPU's slot, or
 * in task storage if the task was switched out since it entered.  NULL if
 * it has none.  A syscall found in storage is moved back into the slot.
 */
static __always_inline struct pending *pending_of(struct task_struct *task)
{
	struct slot *sl;
	struct pending *sp;
	__u32 zero = 0;

	if (!sys_on)
		return NULL;	/* no syscall hooks (-e cpu) */
	sl = bpf_map_lookup_elem(&slots, &zero);
	if (!sl)
		return NULL;
	if (sl->owner == (__u64)task && sl->p.active)
		return &sl->p;
	sp = bpf_task_storage_get(&pending, task, 0, 0);
	if (!sp || !sp->active)
		return NULL;
	slot_take(sl, task);
	sl->p = *sp;
	sp->active = 0;
	return &sl->p;
}

#endif /* SYSREC_TASK_BPF_H */
