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

char LICENSE[] SEC("license") = "GPL";

/*
 * A kernel pointer read as a number becomes a typed, read-only pointer:
 * its fields are then plain loads the JIT guards, far cheaper than a
 * bpf_probe_read_kernel() call per field.
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;
#define KPTR(type, p)	((type *)bpf_rdonly_cast((p), bpf_core_type_id_kernel(type)))

#define AT_FDCWD	-100
#define ENAMETOOLONG	36
#define MAP_ANONYMOUS	0x20
#define F_DUPFD		0
#define CLONE_VFORK	0x00004000
#define CLONE_VM	0x00000100
#define SIGCHLD		17
#define TS_COMPAT	0x0002	/* x86 thread_info.status: in a 32-bit syscall */
#define NR_RT_SIGRETURN	15
#define NR_EXIT		60
#define NR_EXIT_GROUP	231

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

/*
 * 32-bit (ia32) syscalls have numbers and argument registers of their own.
 * Only those that make processes are recorded, under their x86-64 twin's
 * number with SR_F_COMPAT, so that no process of a 32-bit program is an
 * orphan: fork, vfork, clone, clone3, execve, execveat.  0: not recorded.
 */
static const __u16 compat_nr[SR_NR_MAX] = {
	[2] = 57, [190] = 58, [120] = 56, [435] = 435, [11] = 59, [358] = 322,
};

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

/* Whether the current task passes the filters; applied in the kernel. */
static __always_inline bool wanted(__u32 tgid)
{
	if (tgid == self_tgid)
		return false;
	if (filter_pids && !bpf_map_lookup_elem(&tracked, &tgid))
		return false;
	if (filter_comm_on && !comm_matches())
		return false;
	if (filter_cgroup && bpf_current_task_under_cgroup(&cgroup_filter, 0) != 1)
		return false;
	return true;
}

static __always_inline struct evbuf *evbuf(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&evbufs, &zero);
}

/*
 * The header, from the current task's own fields: plain loads where the
 * helpers (pid_tgid, uid_gid, cgroup id) would each cost a call, and a
 * call costs a return thunk on this kind of CPU.  The values are the
 * helpers': tgid and pid as the initial namespace sees them, the
 * subjective credentials' uid and gid, the cgroup v2 id.
 */
static __always_inline void hdr_fill(struct sr_event *h, __u16 type, struct task_struct *t,
				     __u64 now)
{
	const struct cred *cred = t->cred;
	__u64 *c = (__u64 *)h->comm;

	h->type = type;
	h->size = 0;
	h->cpu = bpf_get_smp_processor_id();
	h->flags = 0;
	h->pid = t->tgid;
	h->tid = t->pid;
	h->uid = cred->uid.val;
	h->gid = cred->gid.val;
	h->cgroup_id = t->cgroups->dfl_cgrp->kn->id;
	c[0] = *(__u64 *)&t->comm[0];
	c[1] = *(__u64 *)&t->comm[8];
	h->ts = now;
}

/*
 * The header of a syscall's record and the syscall part that follows it
 * (struct sr_sys, right after the header in every such record type).
 */
static __always_inline void sys_hdr_fill(struct sr_event *h, __u16 type, struct task_struct *t,
					 struct pending *p, long ret, __u64 now)
{
	struct sr_sys *s = (void *)(h + 1);

	hdr_fill(h, type, t, now);
	if (p->compat)
		h->flags |= SR_F_COMPAT;
	s->dur_ns = now - p->ts;
	s->ret = ret;
	s->nr = p->nr;
	s->_pad[0] = s->_pad[1] = s->_pad[2] = 0;
}

/*
 * The scratch record of this CPU with its header and syscall part filled
 * in, or NULL; *ebp is the buffer to hand to emit().
 */
static __always_inline void *sys_begin(struct evbuf **ebp, __u16 type, struct task_struct *task,
				       struct pending *p, long ret, __u64 now)
{
	struct evbuf *eb = evbuf();
	struct sr_event *h;

	*ebp = eb;
	if (!eb)
		return NULL;
	h = (void *)eb->b;
	sys_hdr_fill(h, type, task, p, ret, now);
	return h;
}

static __always_inline void count_drops(__u64 n)
{
	__u32 zero = 0;
	__u64 *d = bpf_map_lookup_elem(&drops, &zero);

	if (d)
		*d += n;
}

/* One perf sample of 'nrec' records; those the buffer has no room for are counted. */
static __always_inline void send(void *ctx, void *data, __u32 size, __u64 nrec)
{
	if (bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, data, size))
		count_drops(nrec);
}

/* Send what the batch holds and empty it; the caller holds bt->busy. */
static __always_inline void batch_out(void *ctx, struct batch *bt)
{
	__u32 len = bt->len;

	if (len > sizeof(bt->b))	/* never: see struct batch */
		len = sizeof(bt->b);
	if (len)
		send(ctx, bt->b, len, bt->nrec);
	bt->len = 0;
	bt->nrec = 0;
}

static __always_inline void batch_put(struct batch *bt)
{
	asm volatile("" ::: "memory");
	bt->busy = 0;
}

/*
 * Zero the bytes from 'end' of a record to its 8-aligned size, so that no
 * stale byte of an earlier record leaves with it; 'room' bounds end (and
 * tells the verifier so).
 */
static __always_inline void pad_zero(__u8 *rec, __u32 end, __u32 room)
{
	if ((end & 7) && end <= room - 8)
		*(__u64 *)&rec[end] = 0;
}

/* A record of 'size' bytes was appended to the held batch: send it if full. */
static __always_inline void batch_added(void *ctx, struct batch *bt, __u32 size)
{
	bt->len += size;
	bt->nrec++;
	if (bt->len >= BATCH_SIZE)
		batch_out(ctx, bt);
}

/*
 * Hand a record of 'size' bytes (fixed part plus tail) built in the scratch
 * buffer to user space: into this CPU's batch when it fits and the batch is
 * free, else alone (a record too big for the batch sends the batch first,
 * so that the CPU's records stay in order).
 */
static __always_inline void emit(void *ctx, struct evbuf *eb, __u32 size)
{
	struct sr_event *h = (void *)eb->b;
	struct batch *bt;
	__u32 zero = 0, off;

	pad_zero(eb->b, size, EV_BUF_SIZE);
	size = (size + 7) & ~7U;
	if (size > EV_BUF_SIZE)
		size = EV_BUF_SIZE;
	h->size = size;
	bt = batch_on ? bpf_map_lookup_elem(&batches, &zero) : NULL;
	if (!bt || __sync_val_compare_and_swap(&bt->busy, 0, 1) != 0)
		goto alone;
	if (size > BATCH_ROOM) {
		batch_out(ctx, bt);
		batch_put(bt);
		goto alone;
	}
	off = bt->len & (BATCH_SIZE - 1);	/* bt->len itself: a mask the verifier sees */
	bpf_probe_read_kernel(&bt->b[off], size, eb->b);
	batch_added(ctx, bt, size);
	batch_put(bt);
	return;
alone:
	send(ctx, eb->b, size, 1);
}

/*
 * A record of at most BATCH_ROOM bytes is built where it will leave from:
 * in this CPU's batch when it is free (no copy), else in the scratch
 * buffer.  Every out_begin() that returns a record must be followed by
 * out_end(): the batch stays held in between.
 */
struct out {
	struct batch *bt;	/* held, and the record is at its end */
	struct evbuf *eb;	/* or the record is in the scratch buffer */
	struct sr_event *h;
};

static __always_inline void *out_begin(struct out *o)
{
	__u32 zero = 0, off;
	struct batch *bt = batch_on ? bpf_map_lookup_elem(&batches, &zero) : NULL;

	o->bt = NULL;
	o->eb = NULL;
	o->h = NULL;
	if (bt && __sync_val_compare_and_swap(&bt->busy, 0, 1) == 0) {
		off = bt->len & (BATCH_SIZE - 1);	/* bt->len itself */
		o->bt = bt;
		o->h = (void *)&bt->b[off];
		return o->h;
	}
	o->eb = evbuf();
	if (o->eb)
		o->h = (void *)o->eb->b;
	return o->h;
}

static __always_inline void out_end(void *ctx, struct out *o, __u32 size)
{
	struct batch *bt = o->bt;

	if (!o->h)
		return;
	pad_zero((void *)o->h, size, BATCH_ROOM);
	size = (size + 7) & ~7U;
	o->h->size = size;
	if (bt) {
		batch_added(ctx, bt, size);
		batch_put(bt);
	} else {
		send(ctx, o->h, size, 1);
	}
}

/* out_begin() for a syscall record: header and syscall part filled in. */
static __always_inline void *sys_begin_out(struct out *o, __u16 type, struct task_struct *task,
					   struct pending *p, long ret, __u64 now)
{
	struct sr_event *h = out_begin(o);

	if (!h)
		return NULL;
	sys_hdr_fill(h, type, task, p, ret, now);
	return h;
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
 * State of one path walk, shared with its bpf_loop step.  The walk goes
 * from the file up to the root, so it meets the names leaf first: it
 * writes them in that order, each after a NUL, which no name holds
 * ("\0f\0dir\0home" for /home/dir/f), straight into the record, and the
 * recorder puts them back in root-first order, separated by '/' (record.c,
 * unreverse_path()), before anything reads the record.  So the path is
 * built where it leaves from, with no buffer and no copy.
 */
struct walk {
	__u8 *dst;		/* where the path starts, in the record */
	struct dentry *d;
	struct mount *m;
	__u32 pos;		/* bytes written so far */
	__u16 flags;
	__u8 done;
	__u8 pseudo;		/* the file is the root of a filesystem mounted nowhere */
};

/* Inline dentry names: struct dentry's d_shortname (Linux 6.14 on). */
struct dentry___short {
	union {
		unsigned long words[5];
	} d_shortname;
} __attribute__((preserve_access_index));

#define SHORT_WORDS	5

/*
 * Copy d's name to dst with plain loads when it is held in the dentry
 * itself (names shorter than the inline array, nearly all), and return
 * true; false leaves the copy to the caller.  Whole words are stored: the
 * up to 39 bytes past the name are overwritten by the next name or the
 * final NUL, or lie past the record's end (see PATH_SLACK).
 */
static __always_inline bool put_inline_name(__u8 *dst, __u32 len, struct dentry *d)
{
	struct dentry___short *ds = (void *)d;
	unsigned long inl;

	if (!bpf_core_field_exists(ds->d_shortname) ||
	    bpf_core_field_size(ds->d_shortname) != SHORT_WORDS * 8 ||
	    len >= SHORT_WORDS * 8)
		return false;
	inl = (unsigned long)d + bpf_core_field_offset(ds->d_shortname);
	if ((unsigned long)d->d_name.name != inl)
		return false;
	/* through integers, or clang would split each word into bytes */
	for (int i = 0; i < SHORT_WORDS; i++)
		((__u64 *)dst)[i] = ds->d_shortname.words[i];
	return true;
}

/*
 * One step up the tree: append a NUL and d's name, or cross from a mount's
 * root to its mountpoint in the parent mount.  Returns 1 to stop.
 */
static __always_inline long walk_up(struct walk *w)
{
	struct dentry *d = KPTR(struct dentry, w->d), *parent;
	struct mount *m = KPTR(struct mount, w->m);
	__u8 *dst = w->dst;
	__u32 len, pos;

	parent = d->d_parent;
	if (d == m->mnt.mnt_root) {
		struct mount *mp = m->mnt_parent;

		if (mp == m) {
			w->done = 1;	/* the global root */
			return 1;
		}
		w->d = m->mnt_mountpoint;
		w->m = mp;
		return 0;
	}
	if (d == parent) {		/* the root of a filesystem mounted nowhere */
		w->pseudo = !w->pos;	/* a pipe, socket, memfd... reopened via /proc */
		w->done = 1;
		return 1;
	}
	len = d->d_name.len & SR_NAME_MAX;
	pos = w->pos;
	if (pos + 1 + len > SR_PATH_MAX - 1) {	/* room for the NUL */
		w->flags |= SR_F_PATH_CUT;
		w->done = 1;
		return 1;
	}
	dst += pos & (SR_PATH_MAX - 1);
	dst[0] = 0;
	if (!put_inline_name(dst + 1, len, d))
		bpf_probe_read_kernel(dst + 1, len, d->d_name.name);
	w->pos = pos + 1 + len;
	w->d = parent;
	return 0;
}

static long walk_step(__u32 i, void *data)
{
	return walk_up(data);
}

/*
 * The name of a file no mount reaches (a pipe, a socket, a memfd or an
 * anonymous inode reopened through /proc/PID/fd): "FSTYPE:NAME", or
 * "FSTYPE:[INO]" for a nameless one, written in order (no leading NUL, so
 * the recorder leaves it as is, but for naming pipefs, sockfs and
 * anon_inodefs files as /proc does: pipe:[INO], socket:[INO],
 * anon_inode:NAME).  Returns the length.
 */
static const char pseudo_named[] = "%s:%s";
static const char pseudo_ino[] = "%s:[%lu]";

static __always_inline __u32 put_pseudo_name(__u8 *dst, struct dentry *d, __u16 *flags)
{
	__u64 data[2];
	char c = 0;
	long n;

	data[0] = (__u64)d->d_sb->s_type->name;
	/* d_alloc_anon() names its dentries "/": nameless too */
	if (d->d_name.len == 1)
		bpf_probe_read_kernel(&c, 1, d->d_name.name);
	if (d->d_name.len && c != '/') {
		data[1] = (__u64)d->d_name.name;
		n = bpf_snprintf((char *)dst, SR_NAME_MAX + 1, pseudo_named, data, sizeof(data));
	} else {
		data[1] = d->d_inode ? d->d_inode->i_ino : 0;
		n = bpf_snprintf((char *)dst, SR_NAME_MAX + 1, pseudo_ino, data, sizeof(data));
	}
	if (n <= 0) {
		dst[0] = 0;
		return 0;
	}
	if (n > SR_NAME_MAX + 1) {
		*flags |= SR_F_PATH_CUT;
		n = SR_NAME_MAX + 1;
	}
	return n - 1;
}

/*
 * The first steps of a walk are inlined: a bpf_loop step is a call, and
 * a call costs a return thunk on this kind of CPU.  Most paths take no
 * more (a name per component, a step per mount crossed, and the root).
 */
#define WALK_INLINE	8

/*
 * Append the absolute path of f at byte 'off' of the record 'rec', leaf
 * first (see struct walk); returns the new end.  SR_F_PATH_CUT in *flags
 * when the path was too long or too deep: it then holds the names nearest
 * the file.  off is at most EV_FIXED_MAX + SR_PATH_MAX.
 */
static __always_inline __u32 put_file_path(__u8 *rec, __u32 off, struct file *f,
					   struct sr_str *ref, __u16 *flags)
{
	struct file *kf = KPTR(struct file, f);
	struct walk w = {};
	__u32 len;
	int i;

	ref->off = off;
	ref->len = 0;
	if (!f || off > EV_FIXED_MAX + SR_PATH_MAX)
		return off;
	w.dst = rec + off;
	w.d = kf->f_path.dentry;
	w.m = (void *)((char *)kf->f_path.mnt - bpf_core_field_offset(struct mount, mnt));
	for (i = 0; i < WALK_INLINE; i++)
		if (walk_up(&w))
			break;
	if (i == WALK_INLINE)
		bpf_loop(SR_PATH_DEPTH - WALK_INLINE, walk_step, &w, 0);
	if (!w.done)
		w.flags |= SR_F_PATH_CUT;
	if (w.pseudo)
		w.pos = put_pseudo_name(rec + off, KPTR(struct dentry, kf->f_path.dentry), &w.flags);
	*flags |= w.flags;
	len = w.pos & (SR_PATH_MAX - 1);
	if (!len)
		rec[off + len++] = '/';		/* the root itself */
	rec[off + len] = 0;
	ref->len = len;
	return off + len + 1;
}

/* Append a user string at 'off' (at most EV_FIXED_MAX); returns the new end. */
static __always_inline __u32 put_user_str(__u8 *rec, __u32 off, const void *src,
					  struct sr_str *ref)
{
	long n;

	ref->off = off;
	ref->len = 0;
	if (off > EV_FIXED_MAX)
		return off;
	n = bpf_probe_read_user_str(&rec[off], SR_PATH_MAX, src);
	if (n <= 0) {
		rec[off] = 0;
		return off + 1;
	}
	ref->len = n - 1;
	return off + n;
}

/* Append a kernel string at 'off' (at most EV_FIXED_MAX). */
static __always_inline __u32 put_kernel_str(__u8 *rec, __u32 off, const void *src,
					    struct sr_str *ref)
{
	long n;

	ref->off = off;
	ref->len = 0;
	if (off > EV_FIXED_MAX)
		return off;
	n = bpf_probe_read_kernel_str(&rec[off], SR_PATH_MAX, src);
	if (n <= 0) {
		rec[off] = 0;
		return off + 1;
	}
	ref->len = n - 1;
	return off + n;
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
	 * only when the process dies), so the hash is looked up when a task
	 * takes this CPU's slot, not per syscall.  A miss is not remembered:
	 * the command sysrec starts enters the map itself, after its first
	 * syscalls.
	 */
	if (filter_pids && !(mine && sl->p.followed) && !bpf_map_lookup_elem(&tracked, &tgid))
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
	if (type == SR_EV_CLOSE) {
		struct file *f = fd_file(task, (int)p->args[0]);

		file_id(f, &p->dev, &p->ino);
		p->no_file = !f;
	}
	p->active = 1;
	return 0;
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

/* --- one emitter per record type, called at syscall exit --- */

/*
 * Built in place (out_begin()): the name and the path are at most
 * SR_PATH_MAX bytes each, so the record fits BATCH_ROOM.
 */
static __always_inline int emit_open(void *ctx, struct task_struct *task,
				     struct pending *p, long ret, __u64 now)
{
	struct out o;
	struct sr_ev_open *e = sys_begin_out(&o, SR_EV_OPEN, task, p, ret, now);
	__u8 *rec = (void *)e;
	const void *name;
	__u32 off;

	if (!e)
		return 0;
	e->dirfd = AT_FDCWD;
	e->mode = 0;
	e->resolve = 0;
	e->_pad = 0;
	switch (p->nr) {
	case 2:		/* open(name, flags, mode) */
		name = (void *)p->args[0];
		e->flags = p->args[1];
		e->mode = p->args[2];
		break;
	case 85:	/* creat(name, mode) */
		name = (void *)p->args[0];
		e->flags = 0100 | 01 | 01000;	/* O_CREAT|O_WRONLY|O_TRUNC */
		e->mode = p->args[1];
		break;
	case 437: {	/* openat2(dirfd, name, struct open_how *, size) */
		struct open_how how = {};

		name = (void *)p->args[1];
		e->dirfd = p->args[0];
		bpf_probe_read_user(&how, sizeof(how), (void *)p->args[2]);
		e->flags = how.flags;
		e->mode = how.mode;
		e->resolve = how.resolve;
		break;
	}
	default:	/* openat(dirfd, name, flags, mode) */
		name = (void *)p->args[1];
		e->dirfd = p->args[0];
		e->flags = p->args[2];
		e->mode = p->args[3];
		break;
	}
	off = put_user_str(rec, sizeof(*e), name, &e->name);
	if (e->name.len == SR_PATH_MAX - 1 && ret == -ENAMETOOLONG)
		e->h.flags |= SR_F_NAME_CUT;
	if (ret >= 0) {
		struct file *f = fd_file(task, ret);

		file_id(f, &e->dev, &e->ino);
		off = put_file_path(rec, off, f, &e->path, &e->h.flags);
	} else {
		e->dev = e->ino = 0;
		e->path.off = off;
		e->path.len = 0;
	}
	out_end(ctx, &o, off);
	return 0;
}

static __always_inline int emit_rw(void *ctx, struct task_struct *task,
				   struct pending *p, long ret, __u64 now)
{
	struct out o;
	struct sr_ev_rw *e = sys_begin_out(&o, SR_EV_RW, task, p, ret, now);
	struct file *f;

	if (!e)
		return 0;
	e->fd = p->args[0];
	e->offset = -1;
	e->iovcnt = 0;
	switch (p->nr) {
	case 17: case 18:		/* pread64, pwrite64 */
		e->offset = p->args[3];
		/* fallthrough */
	case 0: case 1:			/* read, write */
		e->count = p->args[2];
		break;
	default: {			/* readv, writev, preadv(2), pwritev(2) */
		const struct iovec *uiov = (void *)p->args[1];
		__u32 cnt = p->args[2];
		__u64 sum = 0;

		if (p->nr != 19 && p->nr != 20)
			e->offset = p->args[3];
		e->iovcnt = cnt;
		if (cnt > SR_IOV_MAX)
			e->h.flags |= SR_F_IOV_CUT;
		for (__u32 i = 0; i < SR_IOV_MAX && i < cnt; i++) {
			struct iovec iov;

			if (bpf_probe_read_user(&iov, sizeof(iov), &uiov[i]))
				break;
			sum += iov.iov_len;
		}
		e->count = sum;
		break;
	}
	}
	f = fd_file(task, e->fd);
	file_id(f, &e->dev, &e->ino);
	if (!f)
		e->h.flags |= SR_F_NO_FILE;
	out_end(ctx, &o, sizeof(*e));
	return 0;
}

static __always_inline int emit_close(void *ctx, struct task_struct *task,
				      struct pending *p, long ret, __u64 now)
{
	struct out o;
	struct sr_ev_close *e = sys_begin_out(&o, SR_EV_CLOSE, task, p, ret, now);

	if (!e)
		return 0;
	e->fd = p->args[0];
	e->_pad = 0;
	e->dev = p->dev;
	e->ino = p->ino;
	if (p->no_file)
		e->h.flags |= SR_F_NO_FILE;
	out_end(ctx, &o, sizeof(*e));
	return 0;
}

static __always_inline int emit_dup(void *ctx, struct task_struct *task,
				    struct pending *p, long ret, __u64 now)
{
	struct out o;
	struct sr_ev_dup *e = sys_begin_out(&o, SR_EV_DUP, task, p, ret, now);
	struct file *f;

	if (!e)
		return 0;
	e->fd = p->args[0];
	e->newfd = -1;
	e->cmd = 0;
	e->flags = 0;
	e->arg = 0;
	if (p->nr == 33 || p->nr == 292) {	/* dup2, dup3 */
		e->newfd = p->args[1];
		if (p->nr == 292)
			e->flags = p->args[2];
	} else if (p->nr == 72) {		/* fcntl */
		e->cmd = p->args[1];
		e->arg = p->args[2];
	}
	f = fd_file(task, e->fd);
	file_id(f, &e->dev, &e->ino);
	if (!f)
		e->h.flags |= SR_F_NO_FILE;
	out_end(ctx, &o, sizeof(*e));
	return 0;
}

static __always_inline int emit_mmap(void *ctx, struct task_struct *task,
				     struct pending *p, long ret, __u64 now)
{
	struct out o;
	struct sr_ev_mmap *e = sys_begin_out(&o, SR_EV_MMAP, task, p, ret, now);

	if (!e)
		return 0;
	e->addr = p->args[0];
	e->len = p->args[1];
	e->prot = p->args[2];
	e->flags = p->args[3];
	e->fd = p->args[4];
	e->_pad = 0;
	e->off = p->args[5];
	e->dev = e->ino = 0;
	if (!(e->flags & MAP_ANONYMOUS) && e->fd >= 0)
		file_id(fd_file(task, e->fd), &e->dev, &e->ino);
	out_end(ctx, &o, sizeof(*e));
	return 0;
}

static __always_inline int emit_munmap(void *ctx, struct task_struct *task,
				       struct pending *p, long ret, __u64 now)
{
	struct out o;
	struct sr_ev_munmap *e = sys_begin_out(&o, SR_EV_MUNMAP, task, p, ret, now);

	if (!e)
		return 0;
	e->addr = p->args[0];
	e->len = p->args[1];
	out_end(ctx, &o, sizeof(*e));
	return 0;
}

static __always_inline int emit_brk(void *ctx, struct task_struct *task,
				    struct pending *p, long ret, __u64 now)
{
	struct out o;
	struct sr_ev_brk *e = sys_begin_out(&o, SR_EV_BRK, task, p, ret, now);

	if (!e)
		return 0;
	e->req = p->args[0];
	out_end(ctx, &o, sizeof(*e));
	return 0;
}

static __always_inline int emit_syscall(void *ctx, struct task_struct *task,
					struct pending *p, long ret, __u64 now)
{
	struct out o;
	struct sr_ev_syscall *e = sys_begin_out(&o, SR_EV_SYSCALL, task, p, ret, now);

	if (!e)
		return 0;
	for (int i = 0; i < 6; i++)
		e->args[i] = p->args[i];
	out_end(ctx, &o, sizeof(*e));
	return 0;
}

/* A failed fork-family call: the successful ones were emitted at the fork. */
static __always_inline int emit_fork_failed(void *ctx, struct task_struct *task,
					    struct pending *p, long ret, __u64 now)
{
	struct out o;
	struct sr_ev_fork *e = sys_begin_out(&o, SR_EV_FORK, task, p, ret, now);

	if (!e)
		return 0;
	e->child_pid = e->child_tid = 0;
	e->clone_flags = p->nr == 56 ? p->args[0] : 0;
	out_end(ctx, &o, sizeof(*e));
	return 0;
}

/* A failed exec: the old image is intact, so its argv can still be read. */
static __always_inline int emit_exec_failed(void *ctx, struct task_struct *task,
					    struct pending *p, long ret, __u64 now)
{
	struct evbuf *eb;
	struct sr_ev_exec *e = sys_begin(&eb, SR_EV_EXEC, task, p, ret, now);
	const char *const *argv;
	const void *name;
	__u32 off, start, limit = argv_max;
	int i;

	if (!e)
		return 0;
	e->old_tid = e->h.tid;
	e->dev = e->ino = 0;
	e->_pad = 0;
	if (p->nr == 322) {	/* execveat(dirfd, name, argv, envp, flags) */
		name = (void *)p->args[1];
		argv = (void *)p->args[2];
	} else {
		name = (void *)p->args[0];
		argv = (void *)p->args[1];
	}
	off = put_user_str(eb->b, sizeof(*e), name, &e->filename);
	e->path.off = off;
	e->path.len = 0;
	if (limit > SR_ARGV_FAILED)
		limit = SR_ARGV_FAILED;
	start = off;
	if (start > EV_FIXED_MAX + SR_PATH_MAX)
		start = EV_FIXED_MAX + SR_PATH_MAX;
	e->argc = 0;
	for (i = 0; i < SR_ARGS_MAX; i++) {
		const char *arg = NULL;
		__u32 used = off - start, room;
		long n;

		if (p->compat) {	/* an array of 32-bit pointers */
			__u32 a32 = 0;

			if (bpf_probe_read_user(&a32, sizeof(a32), (const __u32 *)argv + i))
				break;
			arg = (const char *)(unsigned long)a32;
		} else if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i])) {
			break;
		}
		if (!arg)
			break;
		if (used >= limit) {
			e->h.flags |= SR_F_ARGV_CUT;
			break;
		}
		used &= SR_ARGV_FAILED - 1;
		room = limit - used;		/* at least 1: used < limit <= SR_ARGV_FAILED */
		if (room > SR_ARGV_FAILED)
			room = SR_ARGV_FAILED;
		n = bpf_probe_read_user_str(&eb->b[start + used], room, arg);
		if (n <= 0)
			break;
		off = start + used + n;
		e->argc++;
		if (n == room) {	/* it filled the room: cut, unless it ended there */
			char last = 0;

			bpf_probe_read_user(&last, 1, arg + n - 1);
			if (last) {
				e->h.flags |= SR_F_ARGV_CUT;
				break;
			}
		}
	}
	if (i == SR_ARGS_MAX)
		e->h.flags |= SR_F_ARGV_CUT;
	e->argv.off = start;
	e->argv.len = off - start;
	emit(ctx, eb, off);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task;
	struct pending *p;
	__u64 now;
	long id;

	if (attach_only)
		return 0;
	id = regs->orig_ax;
	/* rt_sigreturn restores the interrupted registers, orig_ax -1 with them */
	if (id == -1 && sys_type[NR_RT_SIGRETURN])
		id = NR_RT_SIGRETURN;
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

	switch (sys_type[id & (SR_NR_MAX - 1)]) {
	case SR_EV_OPEN:
		return emit_open(ctx, task, p, ret, now);
	case SR_EV_RW:
		return emit_rw(ctx, task, p, ret, now);
	case SR_EV_CLOSE:
		return emit_close(ctx, task, p, ret, now);
	case SR_EV_DUP:
		return emit_dup(ctx, task, p, ret, now);
	case SR_EV_MMAP:
		return emit_mmap(ctx, task, p, ret, now);
	case SR_EV_MUNMAP:
		return emit_munmap(ctx, task, p, ret, now);
	case SR_EV_BRK:
		return emit_brk(ctx, task, p, ret, now);
	case SR_EV_FORK:
		if (!p->forked)
			return emit_fork_failed(ctx, task, p, ret, now);
		return 0;
	case SR_EV_EXEC:
		if (ret < 0 && (!filter_comm_on || comm_matches()))
			return emit_exec_failed(ctx, task, p, ret, now);
		return 0;
	default:
		return emit_syscall(ctx, task, p, ret, now);
	}
}

/* --- process events from the scheduler --- */

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	struct task_struct *task;
	struct sr_ev_fork *e;
	struct pending *p;
	struct evbuf *eb;
	__u8 one = 1;

	if (attach_only)
		return 0;
	/* Follow descendants whether or not fork records are asked for. */
	if (filter_pids && ptgid != ctgid && ptgid != self_tgid &&
	    bpf_map_lookup_elem(&tracked, &ptgid))
		bpf_map_update_elem(&tracked, &ctgid, &one, BPF_ANY);

	task = bpf_get_current_task_btf();
	p = pending_of(task);
	if (!p || sys_type[p->nr & (SR_NR_MAX - 1)] != SR_EV_FORK)
		return 0;
	eb = evbuf();
	if (!eb)
		return 0;
	e = (void *)eb->b;
	sys_hdr_fill(&e->h, SR_EV_FORK, task, p, child->pid, bpf_ktime_get_ns());
	e->child_pid = ctgid;
	e->child_tid = child->pid;
	switch (p->nr) {
	case 57:	/* fork */
		e->clone_flags = SIGCHLD;
		break;
	case 58:	/* vfork */
		e->clone_flags = CLONE_VFORK | CLONE_VM | SIGCHLD;
		break;
	case 435:	/* clone3(struct clone_args *, size): flags come first */
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
	emit(ctx, eb, sizeof(*e));
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

	if (attach_only)
		return 0;
	p = pending_of(task);
	if (!p || sys_type[p->nr & (SR_NR_MAX - 1)] != SR_EV_EXEC)
		return 0;
	p->active = 0;
	if (filter_comm_on && !comm_matches())
		return 0;
	eb = evbuf();
	if (!eb)
		return 0;
	e = (void *)eb->b;
	sys_hdr_fill(&e->h, SR_EV_EXEC, task, p, 0, bpf_ktime_get_ns());
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
	struct evbuf *eb;

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
		if (p->nr == NR_EXIT || p->nr == NR_EXIT_GROUP)
			emit_syscall(ctx, task, p, 0, bpf_ktime_get_ns());
	}
	if (proc_on && wanted(tgid)) {
		eb = evbuf();
		if (eb) {
			e = (void *)eb->b;
			hdr_fill(&e->h, SR_EV_EXIT, task, bpf_ktime_get_ns());
			e->exit_code = BPF_CORE_READ(t, exit_code);
			e->_pad = 0;
			e->h.flags |= group_dead ? SR_F_GROUP_DEAD : SR_F_THREAD;
			emit(ctx, eb, sizeof(*e));
		}
	}
	if (filter_pids && group_dead)
		bpf_map_delete_elem(&tracked, &tgid);
	disown((__u64)task);
	return 0;
}

/*
 * A task switched out in the middle of a syscall (it blocked, or was
 * preempted, and may wake on another CPU) takes its pending syscall along
 * in task storage; the slot is free for the next task.
 */
SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct pending *sp;
	struct slot *sl;
	__u32 zero = 0;

	if (attach_only)
		return 0;
	sl = bpf_map_lookup_elem(&slots, &zero);
	if (!sl || !sl->p.active || sl->owner != (__u64)prev)
		return 0;
	sl->p.active = 0;
	sp = bpf_task_storage_get(&pending, prev, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (sp) {
		*sp = sl->p;
		sp->active = 1;
	} else {
		count_drops(1);		/* its record is lost: say so */
	}
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
	struct evbuf *eb;
	__u32 off;

	if (attach_only || cgrp->root->hierarchy_id != 0)	/* 0: the v2 hierarchy */
		return 0;
	if (!cgrp->self.parent)
		return 0;
	/* a cgroup starts with its css, 'self' */
	parent = KPTR(struct cgroup, cgrp->self.parent);
	eb = evbuf();
	if (!eb)
		return 0;
	e = (void *)eb->b;
	hdr_fill(&e->h, SR_EV_CGROUP, bpf_get_current_task_btf(), bpf_ktime_get_ns());
	e->h.cgroup_id = parent->kn->id;
	e->id = cgrp->kn->id;
	e->_pad = 0;
	off = put_kernel_str(eb->b, sizeof(*e), cgrp->kn->name, &e->path);
	emit(ctx, eb, off);
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
