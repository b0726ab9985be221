/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * maps.bpf.h - the sizes, the settings user space gives (rodata) and the maps.
 */
#ifndef SYSREC_MAPS_BPF_H
#define SYSREC_MAPS_BPF_H

#include "kernel.bpf.h"
#include "sysrec/event.h"

#define SR_PATH_DEPTH	(SR_PATH_MAX / 2 + 64)	/* any path that fits PATH_MAX, and mounts */
#define SR_NAME_MAX	255	/* NAME_MAX: the longest name of one dentry */
#define SR_ARGS_MAX	64	/* argv entries read for a failed exec */
#define SR_CPUS_MAX	4096	/* CPUs whose slots an exiting task leaves */
#define EV_FIXED_MAX	256	/* room for the largest fixed part */
/*
 * One record is built here: fixed part, then strings.  32 KiB, the most a
 * per-CPU map value may be, leaves the verifier room to prove every
 * variable-offset write in bounds.
 */
#define EV_BUF_SIZE	32768
#define SR_ARGV_FAILED	8192	/* argv bytes kept for a failed exec */
/*
 * Records are gathered per CPU and leave in one perf sample once the batch
 * holds BATCH_SIZE bytes: bpf_perf_event_output() costs several times the
 * copy of a small record, so it is paid once per batch.  A record starts
 * below BATCH_SIZE and may run BATCH_ROOM bytes past it: room for the
 * largest open record, which is built in place, and PATH_SLACK for the
 * path walk, which stores whole words past a path's end: the verifier,
 * which cannot see that a name is copied only when it fits, allows for a
 * whole name there.
 */
#define BATCH_SIZE	16384
#define PATH_SLACK	(SR_NAME_MAX + 1)
#define BATCH_ROOM	(EV_FIXED_MAX + 2 * SR_PATH_MAX + PATH_SLACK)

/* Set by user space between open and load. */
const volatile __u32 self_tgid;			/* the recorder never records itself */
const volatile __u8 filter_pids;		/* only tgids in 'tracked' */
const volatile __u8 filter_comm_on;
const volatile __u8 filter_comm[SR_COMM_LEN];
const volatile __u8 filter_cgroup;		/* only tasks under cgroup_filter[0] */
const volatile __u8 proc_on;			/* emit exit records */
const volatile __u8 attach_only;		/* benchmark floor: hooks run, emit nothing */
const volatile __u32 argv_max = SR_ARGV_DEFAULT;
const volatile __u8 sys_type[SR_NR_MAX];	/* record type per syscall nr, 0 = off */
const volatile __u8 sys_on;			/* some syscall is recorded (sys_type not all 0) */
const volatile __u8 cpu_on;			/* the cpu class: syscall splits, thread totals */
const volatile __u8 switches_on;		/* --sched-switches all: switch, wakeup records */
const volatile __u64 filter_cgroup_id;		/* --cgroup's id, for tasks other than current */

/*
 * 32-bit (ia32) syscalls have numbers and argument registers of their own.
 * Only those that make processes are recorded, under their x86-64 twin's
 * number with SR_F_COMPAT, so that no process of a 32-bit program is an
 * orphan: fork, vfork, clone, clone3, execve, execveat (the table's ia32
 * numbers, format/syscalls.c).  0: not recorded.
 */
static const __u16 compat_nr[SR_NR_MAX] = SR_NR_OF_IA32;

/*
 * Set by user space once it has run the flush program on a CPU: without a
 * flush records could wait in a batch indefinitely, so until then (or on a
 * kernel that cannot run it) every record is sent alone.
 */
volatile __u8 batch_on;

/* Per-thread state between sys_enter and sys_exit. */
struct pending {
	__u64 ts;
	__u64 args[6];
	__u64 dev;		/* close: the file behind the fd, read before it goes */
	__u64 ino;
	__u32 nr;
	__u8 active;
	__u8 forked;		/* fork record already emitted at sched_process_fork */
	__u8 no_file;
	__u8 followed;		/* the task's tgid was found in 'tracked' */
	__u8 compat;		/* a 32-bit syscall: nr is its x86-64 twin's */
	/*
	 * The cpu class: where the call's time went, once it left its CPU
	 * ('left'; the counters below are valid only then).  sched_switch
	 * adds each time off CPU when the task comes back, sched_wakeup
	 * marks when a sleep ended.
	 */
	__u8 left;
	__u8 out_state;		/* enum sr_task_state at the last switch-out */
	__u8 _pad[5];
	__u64 out_ts;		/* the last switch-out; 0 while on a CPU */
	__u64 wake_ts;		/* its wakeup, 0 before one */
	__u64 off_cpu_ns;
	__u64 blocked_ns;
	__u64 runq_ns;
	__u32 vol;
	__u32 invol;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pending);
} pending SEC(".maps");

/*
 * The pending syscall of the task that last entered one on this CPU.  A
 * task stays on its CPU from sys_enter to sys_exit unless it is switched
 * out, and sched_switch then moves the slot into the task's storage: so
 * sys_enter and sys_exit touch this CPU's slot, not task storage, for
 * every syscall that does not block or get preempted.  'owner' is the task
 * pointer; sched_process_exit clears it on every CPU before the task's
 * memory can be reused.
 */
struct slot {
	__u64 owner;
	struct pending p;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct slot);
} slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} tracked SEC(".maps");

/*
 * What 'tracked' answered for a tgid lately, per CPU: a hash lookup costs
 * a call and a hash on every switch and wakeup, where this is a load.  An
 * entry is one word, (gen << 33) | (tracked << 32) | tgid, so that a
 * program that interrupts another on this CPU never reads half of one;
 * it holds while tracked_gen is still its gen.  Whoever changes 'tracked'
 * (fork, exit, user space adding the command or -p's pids) bumps
 * tracked_gen after the change, and a lookup reads it before the hash:
 * an answer stored across a change is stored with the gen before it.
 * (31 bits of gen: an entry would have to sit unread through 2^31 changes
 * to be taken for a fresh one.)
 */
#define TGID_SEEN	64			/* entries per CPU, direct-mapped by tgid */
#define TGID_GEN_BITS	31

struct tgid_seen {
	__u64 e[TGID_SEEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tgid_seen);
} tgids_seen SEC(".maps");

volatile __u64 tracked_gen;

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cgroup_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

/*
 * Records the perf buffer had no room for, per CPU.  The kernel's own
 * PERF_RECORD_LOST is written only when a later record fits, so a drop at
 * the end of a burst could go unreported; this count never does.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

/*
 * One batch per CPU.  'busy' is taken with a compare-and-swap by whoever
 * appends or flushes: an emitter, or the flush program that user space runs
 * on the CPU (an interrupt, so it may land inside an emitter).  Whoever
 * finds it taken sends its record alone instead; user space sorts by time,
 * so nothing depends on the batch order.  Whenever the batch is free, len
 * is below BATCH_SIZE: an append that reaches it sends the batch.
 */
struct batch {
	__u32 len;		/* bytes held in b */
	__u32 nrec;		/* records held: what is lost if the output fails */
	__u32 busy;
	__u32 _pad;
	__u8 b[BATCH_SIZE + BATCH_ROOM];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct batch);
} batches SEC(".maps");

struct evbuf {
	__u8 b[EV_BUF_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct evbuf);
} evbufs SEC(".maps");

#endif /* SYSREC_MAPS_BPF_H */
