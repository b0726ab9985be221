/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * event.h - the records of a sysrec trace, shared by the BPF programs,
 * the recorder, the trace format and the analyser.
 *
 * Every record starts with struct sr_event.  Records are 8-byte aligned and
 * their size is a multiple of 8.  Kernel events are filled in by bpf/sysrec.bpf.c
 * and written to the trace byte for byte; user-space records (SR_EV_LOST,
 * SR_EV_PROC, SR_EV_FD, SR_EV_CGROUP, SR_EV_FILE) use the same header.
 *
 * Only __u8..__u64 with explicit padding: the layout is the same for clang's
 * BPF target and for the host compiler, and it is the on-disk layout (little
 * endian, as the file header says).  Fields may only be appended to a type;
 * docs/FORMAT.md states the compatibility rules.
 *
 * Strings live in the record's tail and are referenced by struct sr_str
 * (offset from the start of the record and length without the NUL).  A string
 * that had to be cut sets the matching SR_F_*_CUT flag in the header.
 */
#ifndef SYSREC_EVENT_H
#define SYSREC_EVENT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define SR_COMM_LEN		16
#define SR_PATH_MAX		4096	/* PATH_MAX: paths are kept whole up to it */
#define SR_ARGV_DEFAULT		4096	/* argv bytes kept by default */
#define SR_ARGV_MAX		16384	/* the most record -A can ask for */
#define SR_IOV_MAX		16	/* iovecs summed for the requested size */
#define SR_NR_MAX		512	/* syscall numbers below this are traceable */

/*
 * Every record type, declared once.  Each consumer (the schema, the
 * database's type names, dump's printers, info, the importer) builds its
 * table from this list with a macro that names a function or struct per
 * type, so a type without its handler fails to build.
 *
 *   X(NAME, name, nr, has_sys, origin)
 *   NAME     enum sr_event_type is SR_EV_NAME
 *   name     struct sr_ev_<name> is its layout; also its name in the
 *            schema, in dump and in the database ("rw")
 *   nr       its number on disk: never reused, never renumbered, dense
 *   has_sys  1 when struct sr_sys follows the header
 *   origin   KERNEL (built by bpf/) or USER (built by the recorder)
 */
#define SR_EVENT_TYPES(X)						\
	X(EXEC,		exec,	 1, 1, KERNEL) /* execve/execveat: success (sched_process_exec) or failure */ \
	X(FORK,		fork,	 2, 1, KERNEL) /* fork/vfork/clone/clone3: a new process or thread */ \
	X(EXIT,		exit,	 3, 0, KERNEL) /* a thread exited; SR_F_GROUP_DEAD when the process did */ \
	X(OPEN,		open,	 4, 1, KERNEL) /* open/openat/openat2/creat */ \
	X(RW,		rw,	 5, 1, KERNEL) /* read/write family */ \
	X(CLOSE,	close,	 6, 1, KERNEL) /* close */ \
	X(DUP,		dup,	 7, 1, KERNEL) /* dup/dup2/dup3/fcntl */ \
	X(MMAP,		mmap,	 8, 1, KERNEL) /* mmap */ \
	X(MUNMAP,	munmap,	 9, 1, KERNEL) /* munmap */ \
	X(BRK,		brk,	10, 1, KERNEL) /* brk */ \
	X(SYSCALL,	syscall, 11, 1, KERNEL) /* any other syscall asked for by name */ \
	X(LOST,		lost,	12, 0, USER) /* samples the kernel dropped on one CPU */ \
	X(PROC,		proc,	13, 0, USER) /* a process alive when the file began */ \
	X(FD,		fd,	14, 0, USER) /* a descriptor open when the file began */ \
	X(CGROUP,	cgroup,	15, 0, USER) /* the path of a cgroup v2 id */ \
	X(SWITCH,	switch,	16, 0, KERNEL) /* a context switch of a recorded thread */ \
	X(WAKEUP,	wakeup,	17, 0, KERNEL) /* a recorded thread made runnable */ \
	X(SYSCPU,	syscpu,	18, 0, KERNEL) /* where a syscall's time went, when it left the CPU */ \
	X(CPUTIME,	cputime, 19, 0, KERNEL) /* a thread's scheduler counters (also from /proc) */ \
	X(NET,		net,	20, 1, KERNEL) /* socket syscalls: socket ... recvmmsg (class net) */ \
	X(SOCK,		sock,	21, 0, KERNEL) /* a socket as the kernel holds it: family, addresses */ \
	X(PIPE,		pipe,	22, 1, KERNEL) /* pipe/pipe2: both ends, one inode */ \
	X(XFER,		xfer,	23, 1, KERNEL) /* sendfile/splice/tee/vmsplice/copy_file_range */

#define SR_ORIGIN_KERNEL	1
#define SR_ORIGIN_USER		2

#define SR_EV_ENUM_(N, n, nr, sys, origin)	SR_EV_##N = nr,
enum sr_event_type {
	SR_EV_NONE	= 0,
	SR_EVENT_TYPES(SR_EV_ENUM_)
	SR_EV_TYPE_MAX
};
#undef SR_EV_ENUM_

/* The numbers are dense: 1 .. SR_EV_TYPE_MAX - 1, each once. */
#define SR_EV_COUNT_(N, n, nr, sys, origin)	+ 1
_Static_assert(0 SR_EVENT_TYPES(SR_EV_COUNT_) == SR_EV_TYPE_MAX - 1,
	       "SR_EVENT_TYPES: numbers must be dense from 1");
#undef SR_EV_COUNT_

/* Whether records of @type carry struct sr_sys right after the header. */
static inline int sr_type_has_sys(unsigned int type)
{
	switch (type) {
#define SR_EV_SYS_(N, n, nr, sys, origin)	case SR_EV_##N: return sys;
	SR_EVENT_TYPES(SR_EV_SYS_)
#undef SR_EV_SYS_
	}
	return 0;
}

/* Whether records of @type are built by the BPF programs (not by the recorder). */
static inline int sr_type_from_kernel(unsigned int type)
{
	switch (type) {
#define SR_EV_KERN_(N, n, nr, sys, origin) \
	case SR_EV_##N: return SR_ORIGIN_##origin == SR_ORIGIN_KERNEL;
	SR_EVENT_TYPES(SR_EV_KERN_)
#undef SR_EV_KERN_
	}
	return 0;
}

/* sr_event.flags */
#define SR_F_THREAD	0x0001	/* FORK: the child is a thread; EXIT: not the last thread */
#define SR_F_GROUP_DEAD	0x0002	/* EXIT: the whole process is gone */
#define SR_F_NAME_CUT	0x0004	/* the name string was cut */
#define SR_F_PATH_CUT	0x0008	/* the path string was cut (too long or too deep) */
#define SR_F_ARGV_CUT	0x0010	/* EXEC/PROC: argv was cut */
#define SR_F_IOV_CUT	0x0020	/* RW: more than SR_IOV_MAX iovecs; count is a lower bound */
#define SR_F_NO_FILE	0x0040	/* no struct file behind the descriptor: dev/ino are 0 */
#define SR_F_COMPAT	0x0080	/* FORK/EXEC: made by a 32-bit syscall (nr is its x86-64 twin's) */
#define SR_F_WAKE_NEW	0x0100	/* WAKEUP: sched_wakeup_new, a new task's first wakeup */
#define SR_F_CPU_EXIT	0x0200	/* CPUTIME: read by the kernel as the thread exited */
#define SR_F_CPU_START	0x0400	/* CPUTIME: read from /proc as the file began: a baseline */

/*
 * Why a thread left its CPU (SWITCH prev_state), from the kernel's task
 * state bits: RUNNING means it was preempted and stays runnable.
 */
enum sr_task_state {
	SR_TS_RUNNING	= 0,	/* preempted: runnable, waiting for a CPU */
	SR_TS_SLEEPING	= 1,	/* S: interruptible sleep */
	SR_TS_BLOCKED	= 2,	/* D: uninterruptible sleep */
	SR_TS_STOPPED	= 3,	/* T, t: stopped or traced */
	SR_TS_DEAD	= 4,	/* X, Z: exiting */
	SR_TS_IDLE	= 5,	/* I: TASK_IDLE, a kernel thread waiting for work */
	SR_TS_OTHER	= 6,
};

/* A string in a record's tail: off from the start of the record, len without NUL. */
struct sr_str {
	__u16 off;
	__u16 len;
};

/* The header of every record: 56 bytes. */
struct sr_event {
	__u16 type;		/* enum sr_event_type */
	__u16 size;		/* whole record in bytes, tail included, multiple of 8 */
	__u16 cpu;		/* CPU the event happened on */
	__u16 flags;		/* SR_F_* */
	__u64 ts;		/* CLOCK_MONOTONIC ns (bpf_ktime_get_ns) */
	__u32 pid;		/* tgid */
	__u32 tid;		/* thread id */
	__u32 uid;
	__u32 gid;
	__u64 cgroup_id;	/* cgroup v2 id (kernfs inode number) */
	__u8 comm[SR_COMM_LEN];	/* NUL-padded, not always NUL-terminated */
};

/* The syscall part that follows the header of syscall events: 24 bytes. */
struct sr_sys {
	__u64 dur_ns;		/* entry to exit (FORK: entry to the fork point) */
	__s64 ret;		/* return value or -errno */
	__u16 nr;		/* syscall number, named by the trace's syscall table */
	__u16 _pad[3];
};

struct sr_ev_exec {
	struct sr_event h;
	struct sr_sys s;
	__u32 old_tid;		/* thread that called exec (differs when a thread exec'd) */
	__u32 argc;
	__u64 dev;		/* executable's device (kernel encoding, see FORMAT.md) */
	__u64 ino;
	struct sr_str filename;	/* as passed to exec */
	struct sr_str path;	/* absolute path of the executable (success only) */
	struct sr_str argv;	/* NUL-separated arguments */
	__u32 _pad;
};

struct sr_ev_fork {
	struct sr_event h;	/* the parent */
	struct sr_sys s;	/* ret: child tid, or -errno when the call failed */
	__u32 child_pid;	/* child's tgid */
	__u32 child_tid;
	__u64 clone_flags;
};

struct sr_ev_exit {
	struct sr_event h;
	__s32 exit_code;	/* as wait(2) encodes it: status << 8 | signal */
	__u32 _pad;
};

struct sr_ev_open {
	struct sr_event h;
	struct sr_sys s;	/* ret: the new descriptor or -errno */
	__s32 dirfd;		/* AT_FDCWD (-100) for open/creat */
	__u32 flags;		/* O_* (creat: O_CREAT|O_WRONLY|O_TRUNC) */
	__u32 mode;
	__u32 _pad;
	__u64 resolve;		/* openat2 RESOLVE_* */
	__u64 dev;		/* the opened file, on success */
	__u64 ino;
	struct sr_str name;	/* as passed by the caller */
	struct sr_str path;	/* absolute path of the opened file, on success */
};

struct sr_ev_rw {
	struct sr_event h;
	struct sr_sys s;	/* ret: bytes moved or -errno */
	__s32 fd;
	__u32 iovcnt;		/* readv/writev family; 0 otherwise */
	__u64 count;		/* bytes asked for (sum of iov_len for the v calls) */
	__s64 offset;		/* pread/pwrite family; -1 otherwise */
	__u64 dev;		/* the file behind fd */
	__u64 ino;
};

struct sr_ev_close {
	struct sr_event h;
	struct sr_sys s;
	__s32 fd;
	__u32 _pad;
	__u64 dev;		/* the file that was behind fd */
	__u64 ino;
};

struct sr_ev_dup {
	struct sr_event h;
	struct sr_sys s;	/* ret: the new descriptor (fcntl: its result) */
	__s32 fd;		/* oldfd, or fcntl's fd */
	__s32 newfd;		/* dup2/dup3: newfd asked for; -1 otherwise */
	__u32 cmd;		/* fcntl: cmd; 0 otherwise */
	__u32 flags;		/* dup3: flags */
	__u64 arg;		/* fcntl: arg */
	__u64 dev;		/* the file behind fd */
	__u64 ino;
};

struct sr_ev_mmap {
	struct sr_event h;
	struct sr_sys s;	/* ret: the mapped address or -errno */
	__u64 addr;
	__u64 len;
	__u32 prot;
	__u32 flags;
	__s32 fd;
	__u32 _pad;
	__u64 off;
	__u64 dev;		/* file-backed mappings */
	__u64 ino;
};

struct sr_ev_munmap {
	struct sr_event h;
	struct sr_sys s;
	__u64 addr;
	__u64 len;
};

struct sr_ev_brk {
	struct sr_event h;
	struct sr_sys s;	/* ret: the new break */
	__u64 req;		/* break asked for (0 queries it) */
};

struct sr_ev_syscall {
	struct sr_event h;
	struct sr_sys s;
	__u64 args[6];
};

struct sr_ev_lost {
	struct sr_event h;	/* cpu: the CPU whose buffer overflowed; pid/tid 0 */
	__u64 count;
};

struct sr_ev_proc {
	struct sr_event h;	/* pid, uid, gid, cgroup_id, comm of the process */
	__u32 ppid;
	__u32 _pad;
	__u64 start_ns;		/* CLOCK_MONOTONIC start time, from /proc/PID/stat */
	struct sr_str exe;	/* absolute path of the executable */
	struct sr_str argv;	/* NUL-separated */
	struct sr_str cwd;
	__u32 _pad2;
};

struct sr_ev_fd {
	struct sr_event h;	/* pid of the owner */
	__s32 fd;
	__u32 flags;		/* O_* from fdinfo, O_CLOEXEC included */
	__u64 dev;
	__u64 ino;
	__u64 pos;
	struct sr_str path;
	__u32 _pad;
};

struct sr_ev_cgroup {
	struct sr_event h;
	__u64 id;		/* cgroup v2 id */
	struct sr_str path;	/* below the cgroup2 mount, "/" for the root */
	__u32 _pad;
};

/*
 * A context switch on h.cpu.  The header is the thread that left the CPU
 * (prev); pid 0 is the idle task.  Recorded when either thread is.
 */
struct sr_ev_switch {
	struct sr_event h;	/* prev: pid, tid, comm */
	__u32 next_pid;		/* the thread that took the CPU */
	__u32 next_tid;
	__u8 next_comm[SR_COMM_LEN];
	__u32 prev_state;	/* enum sr_task_state */
	__u32 prev_state_raw;	/* the tracepoint's prev_state bits, as the kernel gave them */
};

/*
 * A thread made runnable (sched_wakeup, SR_F_WAKE_NEW for sched_wakeup_new).
 * The header is the waker: the thread current on h.cpu (pid 0: the idle
 * task, or an interrupt that came while it ran).
 */
struct sr_ev_wakeup {
	struct sr_event h;
	__u32 wakee_pid;	/* the woken thread */
	__u32 wakee_tid;
	__u32 target_cpu;	/* the CPU whose run queue it joined */
	__u32 _pad;
};

/*
 * Where the time of one syscall went, for a call during which the thread
 * left its CPU at least once: it comes right before that syscall's record
 * (same tid, same ts).  The call's duration is on-CPU time plus off_cpu_ns
 * plus runq_ns, exactly; a syscall without this record never left its CPU
 * (all of dur_ns was on-CPU).
 */
struct sr_ev_syscpu {
	struct sr_event h;	/* the thread; ts that of its syscall record */
	__u64 off_cpu_ns;	/* not runnable: sleeping or blocked */
	__u64 blocked_ns;	/* of off_cpu_ns, in uninterruptible sleep (D) */
	__u64 runq_ns;		/* runnable, waiting for a CPU */
	__u32 vol_switches;	/* times it left the CPU to sleep or block */
	__u32 invol_switches;	/* times it was preempted */
	__u16 nr;		/* the syscall's number */
	__u16 _pad[3];
};

/*
 * A thread's scheduler counters since it started, as
 * /proc/PID/task/TID/schedstat and .../status give them: at its exit
 * (SR_F_CPU_EXIT, read by the kernel), as a file began (SR_F_CPU_START, a
 * baseline from /proc), and as a file ends or rotates (neither flag, from
 * /proc).  What a thread did within a recording is the last minus the
 * baseline (none: it started during the recording).
 */
struct sr_ev_cputime {
	struct sr_event h;	/* the thread */
	__u64 on_cpu_ns;	/* se.sum_exec_runtime: schedstat's first field */
	__u64 runq_ns;		/* sched_info.run_delay: schedstat's second */
	__u64 timeslices;	/* sched_info.pcount: schedstat's third */
	__u64 vol_switches;	/* nvcsw: voluntary_ctxt_switches */
	__u64 invol_switches;	/* nivcsw: nonvoluntary_ctxt_switches */
};

/*
 * A socket address as the kernel holds it (struct sock), or as a caller
 * gave or got it (connect, bind, sendto, recvfrom, msg_name): 24 bytes.
 * family 0: none.  AF_INET keeps its 4 bytes first in addr, AF_INET6 all
 * 16 (network order, as in memory); port in host order.  AF_UNIX names
 * are strings of the record; AF_NETLINK keeps the port id in scope.
 */
struct sr_addr {
	__u16 family;		/* AF_*; 0: none */
	__u16 port;		/* host order */
	__u32 scope;		/* IPv6 scope id; netlink: port id */
	__u64 addr[2];		/* the address bytes, as in memory */
};

/*
 * A socket syscall (class net).  fd is the socket the call works on: for
 * socket() its result, for socketpair() the first end.  Its identity is
 * in dev/ino (sockfs); what the kernel holds of it is in the sock record
 * emitted before this one when the call changed it.
 */
struct sr_ev_net {
	struct sr_event h;
	struct sr_sys s;	/* ret: bytes, a descriptor, messages (mmsg) or -errno */
	__s32 fd;
	__s32 fd2;		/* accept: the new descriptor; socketpair: the second end; -1 */
	__u64 count;		/* send/recv: bytes asked for; mmsg: vlen; listen: backlog;
				 * shutdown: how; socket(pair): protocol */
	__u64 bytes;		/* bytes moved (mmsg: the sum of msg_len); 0 when none */
	__u32 flags;		/* MSG_*; accept4: SOCK_*; socket(pair): type */
	__u32 arg;		/* socket(pair): domain; getsockopt: level << 16 | optname */
	__u64 dev;		/* the socket's inode */
	__u64 ino;
	struct sr_addr addr;	/* the address given or got: connect, bind, sendto,
				 * recvfrom, msg_name, accept's when asked for */
};

/*
 * A socket, as the kernel holds it at the exit of the syscall that made,
 * bound, connected or accepted it (and at its first send or receive
 * after its addresses changed): read from struct sock, not from the
 * caller's buffers, so an accept without an address and a connected UDP
 * socket still name their peer.  Written right before that syscall's record.
 */
struct sr_ev_sock {
	struct sr_event h;	/* the thread that used it */
	__s32 fd;		/* the descriptor it was read through */
	__u16 type;		/* SOCK_STREAM, SOCK_DGRAM... */
	__u16 protocol;		/* IPPROTO_*; netlink: its family (NETLINK_ROUTE...) */
	__u64 dev;		/* the socket's inode (sockfs) */
	__u64 ino;
	__u64 peer_ino;		/* unix: the inode of the peer socket; 0 */
	struct sr_addr local;	/* family: the socket's, in local alone */
	struct sr_addr peer;	/* family 0: not connected */
	struct sr_str lpath;	/* unix: the socket's name ("@name": abstract) */
	struct sr_str ppath;	/* unix: the peer's name */
};

/* pipe, pipe2: fds[0] reads, fds[1] writes, both the pipe inode dev/ino. */
struct sr_ev_pipe {
	struct sr_event h;
	struct sr_sys s;
	__s32 fds[2];		/* -1 on failure */
	__u32 flags;		/* pipe2: O_* */
	__u32 _pad;
	__u64 dev;
	__u64 ino;
};

/*
 * Bytes moved between two descriptors in the kernel: sendfile(out, in),
 * splice(in, out), tee(in, out), copy_file_range(in, out), and vmsplice,
 * whose pipe is out_fd (user memory into the pipe) or in_fd (the pipe
 * into user memory) as the end's mode says, the other -1.
 */
struct sr_ev_xfer {
	struct sr_event h;
	struct sr_sys s;	/* ret: bytes moved or -errno */
	__s32 in_fd;
	__s32 out_fd;
	__u64 count;		/* bytes asked for (vmsplice: sum of iov_len) */
	__u32 flags;		/* SPLICE_F_*; 0 */
	__u32 _pad;
	__u64 in_dev;		/* the file behind in_fd */
	__u64 in_ino;
	__u64 out_dev;		/* the file behind out_fd */
	__u64 out_ino;
};

/* The fixed part of every type; the tail follows it. */
#define SR_EV_FIXED_SIZES_CHECK()						\
	_Static_assert(sizeof(struct sr_event) == 56, "sr_event");		\
	_Static_assert(sizeof(struct sr_sys) == 24, "sr_sys");			\
	_Static_assert(sizeof(struct sr_ev_exec) == 120, "sr_ev_exec");		\
	_Static_assert(sizeof(struct sr_ev_fork) == 96, "sr_ev_fork");		\
	_Static_assert(sizeof(struct sr_ev_exit) == 64, "sr_ev_exit");		\
	_Static_assert(sizeof(struct sr_ev_open) == 128, "sr_ev_open");		\
	_Static_assert(sizeof(struct sr_ev_rw) == 120, "sr_ev_rw");		\
	_Static_assert(sizeof(struct sr_ev_close) == 104, "sr_ev_close");	\
	_Static_assert(sizeof(struct sr_ev_dup) == 120, "sr_ev_dup");		\
	_Static_assert(sizeof(struct sr_ev_mmap) == 136, "sr_ev_mmap");		\
	_Static_assert(sizeof(struct sr_ev_munmap) == 96, "sr_ev_munmap");	\
	_Static_assert(sizeof(struct sr_ev_brk) == 88, "sr_ev_brk");		\
	_Static_assert(sizeof(struct sr_ev_syscall) == 128, "sr_ev_syscall");	\
	_Static_assert(sizeof(struct sr_ev_lost) == 64, "sr_ev_lost");		\
	_Static_assert(sizeof(struct sr_ev_proc) == 88, "sr_ev_proc");		\
	_Static_assert(sizeof(struct sr_ev_fd) == 96, "sr_ev_fd");		\
	_Static_assert(sizeof(struct sr_ev_cgroup) == 72, "sr_ev_cgroup");	\
	_Static_assert(sizeof(struct sr_ev_switch) == 88, "sr_ev_switch");	\
	_Static_assert(sizeof(struct sr_ev_wakeup) == 72, "sr_ev_wakeup");	\
	_Static_assert(sizeof(struct sr_ev_syscpu) == 96, "sr_ev_syscpu");	\
	_Static_assert(sizeof(struct sr_ev_cputime) == 96, "sr_ev_cputime");	\
	_Static_assert(sizeof(struct sr_addr) == 24, "sr_addr");		\
	_Static_assert(sizeof(struct sr_ev_net) == 152, "sr_ev_net");		\
	_Static_assert(sizeof(struct sr_ev_sock) == 144, "sr_ev_sock");		\
	_Static_assert(sizeof(struct sr_ev_pipe) == 112, "sr_ev_pipe");		\
	_Static_assert(sizeof(struct sr_ev_xfer) == 136, "sr_ev_xfer")

SR_EV_FIXED_SIZES_CHECK();

/* Every type of the list has its struct, a whole number of 8-byte words. */
#define SR_EV_ALIGN_(N, n, nr, sys, origin) \
	_Static_assert(sizeof(struct sr_ev_##n) % 8 == 0, "struct sr_ev_" #n);
SR_EVENT_TYPES(SR_EV_ALIGN_)
#undef SR_EV_ALIGN_

#endif /* SYSREC_EVENT_H */
