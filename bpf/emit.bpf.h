/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * emit.bpf.h - record builders: headers, strings, and one emitter per record
 * type of a syscall, called at its exit.
 */
#ifndef SYSREC_EMIT_BPF_H
#define SYSREC_EMIT_BPF_H

#include "pathwalk.bpf.h"

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
 * in, or NULL; *ebp is the buffer to hand to emit().  For records that may
 * not fit BATCH_ROOM (an exec's argv).
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

/* out_begin() with the header filled in, for task t. */
static __always_inline void *hdr_begin_out(struct out *o, __u16 type, struct task_struct *t,
					   __u64 now)
{
	struct sr_event *h = out_begin(o);

	if (h)
		hdr_fill(h, type, t, now);
	return h;
}

/* out_begin() for a syscall record: header and syscall part filled in. */
static __always_inline void *sys_begin_out(struct out *o, __u16 type, struct task_struct *task,
					   struct pending *p, long ret, __u64 now)
{
	struct sr_event *h = out_begin(o);

	if (h)
		sys_hdr_fill(h, type, task, p, ret, now);
	return h;
}

/*
 * Append a string of user (or kernel) memory at 'off' (at most
 * EV_FIXED_MAX); returns the new end.
 */
static __always_inline __u32 put_str(__u8 *rec, __u32 off, const void *src, struct sr_str *ref,
				     bool user)
{
	long n;

	ref->off = off;
	ref->len = 0;
	if (off > EV_FIXED_MAX)
		return off;
	if (user)
		n = bpf_probe_read_user_str(&rec[off], SR_PATH_MAX, src);
	else
		n = bpf_probe_read_kernel_str(&rec[off], SR_PATH_MAX, src);
	if (n <= 0) {
		rec[off] = 0;
		return off + 1;
	}
	ref->len = n - 1;
	return off + n;
}

static __always_inline __u32 put_user_str(__u8 *rec, __u32 off, const void *src,
					  struct sr_str *ref)
{
	return put_str(rec, off, src, ref, true);
}

static __always_inline __u32 put_kernel_str(__u8 *rec, __u32 off, const void *src,
					    struct sr_str *ref)
{
	return put_str(rec, off, src, ref, false);
}

/*
 * --- one filler per syscall record type ---
 *
 * emit_sys() reserves the record and fills its header and syscall part;
 * a filler writes the rest at 'rec' and returns the record's size.
 */

/*
 * Built in place (out_begin()): the name and the path are at most
 * SR_PATH_MAX bytes each, so the record fits BATCH_ROOM.
 */
static __always_inline __u32 fill_open(void *rec, struct task_struct *task, struct pending *p,
				       long ret)
{
	struct sr_ev_open *e = rec;
	const void *name;
	__u32 off;

	e->dirfd = AT_FDCWD;
	e->mode = 0;
	e->resolve = 0;
	e->_pad = 0;
	_Static_assert(SR_NSYS_OPEN == 4, "fill_open: open, creat, openat2, openat");
	switch (p->nr) {
	case SR_NR_open:	/* open(name, flags, mode) */
		name = (void *)p->args[0];
		e->flags = p->args[1];
		e->mode = p->args[2];
		break;
	case SR_NR_creat:	/* creat(name, mode) */
		name = (void *)p->args[0];
		e->flags = 0100 | 01 | 01000;	/* O_CREAT|O_WRONLY|O_TRUNC */
		e->mode = p->args[1];
		break;
	case SR_NR_openat2: {	/* openat2(dirfd, name, struct open_how *, size) */
		struct open_how how = {};

		name = (void *)p->args[1];
		e->dirfd = p->args[SR_FD_ARG_openat2];
		bpf_probe_read_user(&how, sizeof(how), (void *)p->args[2]);
		e->flags = how.flags;
		e->mode = how.mode;
		e->resolve = how.resolve;
		break;
	}
	default:	/* openat(dirfd, name, flags, mode) */
		name = (void *)p->args[1];
		e->dirfd = p->args[SR_FD_ARG_openat];
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
	return off;
}

/*
 * The rw syscalls in the layouts fill_rw() reads: a buffer or an iovec
 * array, with an offset or without, their arguments in the same places.
 * The table (format/syscalls.c) says where each one's are, and the build
 * checks here that they are where fill_rw() looks.
 */
#define RW_FD_ARG	SR_FD_ARG_read
#define RW_BUF_ARG	SR_BUF_ARG_read
#define RW_COUNT_ARG	SR_COUNT_ARG_read
#define RW_OFF_ARG	SR_OFF_ARG_pread64
#define RW_LIKE(n, buf, off)								\
	_Static_assert(SR_FD_ARG_##n == RW_FD_ARG && SR_BUF_##n == (buf) &&		\
		       SR_BUF_ARG_##n == RW_BUF_ARG && SR_COUNT_ARG_##n == RW_COUNT_ARG &&	\
		       SR_OFF_ARG_##n == (off), "fill_rw: " #n " is not where it looks")
RW_LIKE(read, SR_BUF_PLAIN, -1);
RW_LIKE(write, SR_BUF_PLAIN, -1);
RW_LIKE(pread64, SR_BUF_PLAIN, RW_OFF_ARG);
RW_LIKE(pwrite64, SR_BUF_PLAIN, RW_OFF_ARG);
RW_LIKE(readv, SR_BUF_IOV, -1);
RW_LIKE(writev, SR_BUF_IOV, -1);
RW_LIKE(preadv, SR_BUF_IOV, RW_OFF_ARG);
RW_LIKE(pwritev, SR_BUF_IOV, RW_OFF_ARG);
RW_LIKE(preadv2, SR_BUF_IOV, RW_OFF_ARG);
RW_LIKE(pwritev2, SR_BUF_IOV, RW_OFF_ARG);
_Static_assert(SR_NSYS_RW == 10 && RW_OFF_ARG >= 0, "fill_rw: the ten above");

static __always_inline __u32 fill_rw(void *rec, struct task_struct *task, struct pending *p)
{
	struct sr_ev_rw *e = rec;
	struct file *f;

	e->fd = p->args[RW_FD_ARG];
	e->offset = -1;
	e->iovcnt = 0;
	switch (p->nr) {
	case SR_NR_pread64: case SR_NR_pwrite64:
		e->offset = p->args[RW_OFF_ARG];
		/* fallthrough */
	case SR_NR_read: case SR_NR_write:
		e->count = p->args[RW_COUNT_ARG];
		break;
	default: {			/* readv, writev, preadv(2), pwritev(2) */
		const struct iovec *uiov = (void *)p->args[RW_BUF_ARG];
		__u32 cnt = p->args[RW_COUNT_ARG];
		__u64 sum = 0;

		if (p->nr != SR_NR_readv && p->nr != SR_NR_writev)
			e->offset = p->args[RW_OFF_ARG];
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
	return sizeof(*e);
}

static __always_inline __u32 fill_close(void *rec, struct pending *p)
{
	struct sr_ev_close *e = rec;

	e->fd = p->args[SR_FD_ARG_close];
	e->_pad = 0;
	e->dev = p->dev;
	e->ino = p->ino;
	if (p->no_file)
		e->h.flags |= SR_F_NO_FILE;
	return sizeof(*e);
}

static __always_inline __u32 fill_dup(void *rec, struct task_struct *task, struct pending *p)
{
	struct sr_ev_dup *e = rec;
	struct file *f;

	_Static_assert(SR_NSYS_DUP == 4 && SR_FD_ARG_dup == 0 && SR_FD_ARG_dup2 == 0 &&
		       SR_FD_ARG_dup3 == 0 && SR_FD_ARG_fcntl == 0,
		       "fill_dup: dup, dup2, dup3, fcntl, their fd first");
	e->fd = p->args[SR_FD_ARG_dup];
	e->newfd = -1;
	e->cmd = 0;
	e->flags = 0;
	e->arg = 0;
	if (p->nr == SR_NR_dup2 || p->nr == SR_NR_dup3) {
		e->newfd = p->args[1];
		if (p->nr == SR_NR_dup3)
			e->flags = p->args[2];
	} else if (p->nr == SR_NR_fcntl) {
		e->cmd = p->args[1];
		e->arg = p->args[2];
	}
	f = fd_file(task, e->fd);
	file_id(f, &e->dev, &e->ino);
	if (!f)
		e->h.flags |= SR_F_NO_FILE;
	return sizeof(*e);
}

static __always_inline __u32 fill_mmap(void *rec, struct task_struct *task, struct pending *p)
{
	struct sr_ev_mmap *e = rec;

	e->addr = p->args[0];
	e->len = p->args[1];
	e->prot = p->args[2];
	e->flags = p->args[3];
	e->fd = p->args[SR_FD_ARG_mmap];
	e->_pad = 0;
	e->off = p->args[5];
	e->dev = e->ino = 0;
	if (!(e->flags & MAP_ANONYMOUS) && e->fd >= 0)
		file_id(fd_file(task, e->fd), &e->dev, &e->ino);
	return sizeof(*e);
}

/*
 * munmap, brk and any other syscall: the record is the first n arguments
 * as they came, right after the syscall part.
 */
#define ARGS_RECORD(t, n)								\
	_Static_assert(sizeof(struct t) == sizeof(struct sr_event) + sizeof(struct sr_sys) +	\
		       (n) * sizeof(__u64), #t " is not " #n " arguments")
ARGS_RECORD(sr_ev_munmap, 2);
ARGS_RECORD(sr_ev_brk, 1);
ARGS_RECORD(sr_ev_syscall, 6);

static __always_inline __u32 fill_args(void *rec, struct pending *p, int n)
{
	__u64 *args = rec + sizeof(struct sr_event) + sizeof(struct sr_sys);

	for (int i = 0; i < n; i++)
		args[i] = p->args[i];
	return sizeof(struct sr_event) + sizeof(struct sr_sys) + n * sizeof(__u64);
}

/* A failed fork-family call: the successful ones were emitted at the fork. */
static __always_inline __u32 fill_fork_failed(void *rec, struct pending *p)
{
	struct sr_ev_fork *e = rec;

	e->child_pid = e->child_tid = 0;
	e->clone_flags = p->nr == SR_NR_clone ? p->args[0] : 0;
	return sizeof(*e);
}

/*
 * The record types emit_sys() builds, each with the filler that writes what
 * follows its syscall part and gives its size.  An exec's is not here: it
 * may be larger than BATCH_ROOM (emit_exec_failed()).
 */
#define SYS_RECORDS(X)						\
	X(OPEN,		fill_open(rec, task, p, ret))		\
	X(RW,		fill_rw(rec, task, p))			\
	X(CLOSE,	fill_close(rec, p))			\
	X(DUP,		fill_dup(rec, task, p))			\
	X(MMAP,		fill_mmap(rec, task, p))		\
	X(MUNMAP,	fill_args(rec, p, 2))			\
	X(BRK,		fill_args(rec, p, 1))			\
	X(FORK,		fill_fork_failed(rec, p))

/*
 * The record of a syscall of 'type' that returned 'ret' at 'now': reserved
 * and its header filled here once, its own part by its filler.  Each case
 * ends the record with its own size, a constant for a fixed record.
 */
static __always_inline int emit_sys(void *ctx, __u8 type, struct task_struct *task,
				    struct pending *p, long ret, __u64 now)
{
	struct out o;
	void *rec = sys_begin_out(&o, type, task, p, ret, now);

	if (!rec)
		return 0;
	switch (type) {
#define SYS_RECORD_CASE(T, fill)	case SR_EV_##T: out_end(ctx, &o, fill); break;
	SYS_RECORDS(SYS_RECORD_CASE)
#undef SYS_RECORD_CASE
	default:			/* SR_EV_SYSCALL */
		out_end(ctx, &o, fill_args(rec, p, 6));
		break;
	}
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
	_Static_assert(SR_NSYS_EXEC == 2, "emit_exec_failed: execveat, execve");
	if (p->nr == SR_NR_execveat) {	/* execveat(dirfd, name, argv, envp, flags) */
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

#endif /* SYSREC_EMIT_BPF_H */
