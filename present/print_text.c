// SPDX-License-Identifier: GPL-2.0-only
/*
 * present/print_text.c - one line of text per record: hand-picked fields
 * for the types this build knows, the file's schema for the others.
 */
#include <stdint.h>
#include <string.h>

#include "printer.h"

/* " key=" */
static inline void put_key(struct obuf *f, const char *key)
{
	put_c(f, ' ');
	put_s(f, key);
	put_c(f, '=');
}

static void kv_u64(struct obuf *f, const char *key, uint64_t v)
{
	put_key(f, key);
	put_u64(f, v);
}

static void kv_s64(struct obuf *f, const char *key, int64_t v)
{
	put_key(f, key);
	put_s64(f, v);
}

static void kv_hex(struct obuf *f, const char *key, uint64_t v)
{
	put_key(f, key);
	put_hex(f, v);
}


/* "1.2us": short, for the eye (rounded to a tenth); JSON has dur_ns exact. */
static void put_dur(struct obuf *f, uint64_t ns)
{
	static const struct {
		uint64_t div;
		const char *unit;
	} u[] = { { 1000, "us" }, { 1000000, "ms" } };
	uint64_t tenths;
	size_t i;

	if (ns < 1000) {
		put_u64(f, ns);
		put_s(f, "ns");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(u); i++) {
		tenths = ns / (u[i].div / 10) + (ns % (u[i].div / 10) >= u[i].div / 20);
		if (tenths < 10000) {
			put_u64(f, tenths / 10);
			put_c(f, '.');
			put_c(f, (char)('0' + tenths % 10));
			put_s(f, u[i].unit);
			return;
		}
	}
	/* seconds, rounded to the millisecond */
	tenths = ns / 1000000 + (ns % 1000000 >= 500000);
	put_u64(f, tenths / 1000);
	put_c(f, '.');
	put_frac(f, tenths % 1000, 3);
	put_c(f, 's');
}

/* The kernel's internal encoding: major << 20 | minor. */
static void kv_devino(struct obuf *f, uint64_t dev, uint64_t ino)
{
	if (!dev && !ino)
		return;
	put_key(f, "dev");
	put_u64(f, dev >> 20);
	put_c(f, ':');
	put_u64(f, dev & 0xfffff);
	kv_u64(f, "ino", ino);
}

/* ret=-2 (ENOENT) */
static void kv_ret(struct obuf *f, int64_t ret)
{
	const char *name;

	kv_s64(f, "ret", ret);
	if (ret < 0 && ret >= -4095 && (name = sr_errno_name((int)-ret))) {
		put_s(f, " (");
		put_s(f, name);
		put_c(f, ')');
	}
}

/* Addresses: hex on success, -errno otherwise. */
static void kv_ret_addr(struct obuf *f, int64_t ret)
{
	if (ret < 0 && ret >= -4095)
		kv_ret(f, ret);
	else
		kv_hex(f, "ret", (uint64_t)ret);
}

static void kv_sys_tail(struct obuf *f, const struct sr_sys *s, int addr)
{
	if (addr)
		kv_ret_addr(f, s->ret);
	else
		kv_ret(f, s->ret);
	put_key(f, "dur");
	put_dur(f, s->dur_ns);
}

/* A string of the record, quoted and escaped, "(cut)" right after it when cut. */
static void kv_str(struct obuf *f, const struct sr_event *ev, const char *key,
		   struct sr_str ref, int cut)
{
	const char *s;
	size_t len;

	put_key(f, key);
	if (sr_event__str(ev, ref, &s, &len)) {
		put_s(f, "(bad)");
		return;
	}
	put_quoted(f, s, len);
	if (cut)
		put_s(f, "(cut)");
}

/* argv=["ls","-l"]: NUL-separated in the record, one trailing NUL optional. */
static void kv_argv(struct obuf *f, const struct sr_event *ev, struct sr_str ref, int cut)
{
	const char *s;
	size_t len;

	put_key(f, "argv");
	if (sr_event__str(ev, ref, &s, &len)) {
		put_s(f, "(bad)");
		return;
	}
	pr_put_argv(f, s, len);
	if (cut)
		put_s(f, "(cut)");
}

/* --- flag names (x86-64 values: traces come from x86-64) --- */

struct flag_name {
	uint64_t mask;		/* all of these bits ... */
	const char *name;
};

static const struct flag_name open_flags[] = {
	{ 04010000, "O_SYNC" },		/* __O_SYNC | O_DSYNC */
	{ 020200000, "O_TMPFILE" },	/* __O_TMPFILE | O_DIRECTORY */
	{ 0100, "O_CREAT" },
	{ 0200, "O_EXCL" },
	{ 0400, "O_NOCTTY" },
	{ 01000, "O_TRUNC" },
	{ 02000, "O_APPEND" },
	{ 04000, "O_NONBLOCK" },
	{ 010000, "O_DSYNC" },
	{ 020000, "O_ASYNC" },
	{ 040000, "O_DIRECT" },
	{ 0100000, "O_LARGEFILE" },
	{ 0200000, "O_DIRECTORY" },
	{ 0400000, "O_NOFOLLOW" },
	{ 01000000, "O_NOATIME" },
	{ 02000000, "O_CLOEXEC" },
	{ 010000000, "O_PATH" },
};

static const struct flag_name prot_flags[] = {
	{ 0x1, "PROT_READ" },
	{ 0x2, "PROT_WRITE" },
	{ 0x4, "PROT_EXEC" },
	{ 0x01000000, "PROT_GROWSDOWN" },
	{ 0x02000000, "PROT_GROWSUP" },
};

static const struct flag_name map_flags[] = {
	{ 0x03, "MAP_SHARED_VALIDATE" },
	{ 0x01, "MAP_SHARED" },
	{ 0x02, "MAP_PRIVATE" },
	{ 0x10, "MAP_FIXED" },
	{ 0x20, "MAP_ANONYMOUS" },
	{ 0x40, "MAP_32BIT" },
	{ 0x100, "MAP_GROWSDOWN" },
	{ 0x800, "MAP_DENYWRITE" },
	{ 0x1000, "MAP_EXECUTABLE" },
	{ 0x2000, "MAP_LOCKED" },
	{ 0x4000, "MAP_NORESERVE" },
	{ 0x8000, "MAP_POPULATE" },
	{ 0x10000, "MAP_NONBLOCK" },
	{ 0x20000, "MAP_STACK" },
	{ 0x40000, "MAP_HUGETLB" },
	{ 0x80000, "MAP_SYNC" },
	{ 0x100000, "MAP_FIXED_NOREPLACE" },
};

/* NAME|NAME|0x40000000: every bit shown, the unnamed ones in hex. */
static void put_flags(struct obuf *f, uint64_t v, const struct flag_name *t, size_t n, const char *zero)
{
	int any = 0;
	size_t i;

	if (!v) {
		put_s(f, zero);
		return;
	}
	for (i = 0; i < n; i++) {
		if ((v & t[i].mask) != t[i].mask)
			continue;
		if (any)
			put_c(f, '|');
		put_s(f, t[i].name);
		v &= ~t[i].mask;
		any = 1;
	}
	if (v) {
		if (any)
			put_c(f, '|');
		put_hex(f, v);
	}
}

static void kv_open_flags(struct obuf *f, const char *key, uint32_t flags)
{
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };

	put_key(f, key);
	put_s(f, acc[flags & 3]);
	if (flags & ~3u) {
		put_c(f, '|');
		put_flags(f, flags & ~3u, open_flags, ARRAY_SIZE(open_flags), "0");
	}
}

static void kv_fd(struct obuf *f, const char *key, int32_t fd)
{
	put_key(f, key);
	if (fd == -100)
		put_s(f, "AT_FDCWD");
	else
		put_s64(f, fd);
}


/* --- text --- */

/* fd=3</etc/passwd>: the descriptor and, when known, the path behind it */
static void kv_fd_path(struct sr_printer *p, const struct sr_event *ev, int32_t fd)
{
	struct obuf *f = &p->out;
	const char *s;
	size_t len;

	kv_s64(f, "fd", fd);
	if (p->fds && pr_fdpath__get(p->fds, ev->pid, fd, &s, &len)) {
		put_c(f, '<');
		put_text(f, s, len);
		put_c(f, '>');
	}
}

static void text_exec(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_exec *e = (const void *)ev;
	struct obuf *f = &p->out;

	kv_str(f, ev, "filename", e->filename, ev->flags & SR_F_NAME_CUT);
	kv_u64(f, "argc", e->argc);
	kv_argv(f, ev, e->argv, ev->flags & SR_F_ARGV_CUT);
	if (e->old_tid != ev->tid)
		kv_u64(f, "old_tid", e->old_tid);
	kv_sys_tail(f, &e->s, 0);
	kv_devino(f, e->dev, e->ino);
	if (e->path.len || (ev->flags & SR_F_PATH_CUT))
		kv_str(f, ev, "path", e->path, ev->flags & SR_F_PATH_CUT);
}

static void text_fork(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_fork *e = (const void *)ev;
	struct obuf *f = &p->out;

	kv_hex(f, "clone_flags", e->clone_flags);
	kv_u64(f, "child_pid", e->child_pid);
	kv_u64(f, "child_tid", e->child_tid);
	if (ev->flags & SR_F_THREAD)
		put_s(f, " thread");
	kv_sys_tail(f, &e->s, 0);
}

static void text_exit(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_exit *e = (const void *)ev;
	struct obuf *f = &p->out;
	int sig = e->exit_code & 0x7f;
	const char *name;

	kv_s64(f, "exit_code", e->exit_code);
	if (!sig) {
		kv_u64(f, "status", (uint32_t)e->exit_code >> 8 & 0xff);
	} else {
		kv_u64(f, "signal", (uint64_t)sig);
		if ((name = sigabbrev_np(sig))) {
			put_s(f, " (SIG");
			put_s(f, name);
			put_c(f, ')');
		}
		if (e->exit_code & 0x80)
			put_s(f, " core");
	}
	if (ev->flags & SR_F_GROUP_DEAD)
		put_s(f, " group_dead");
}

static void text_open(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_open *e = (const void *)ev;
	struct obuf *f = &p->out;

	kv_fd(f, "dirfd", e->dirfd);
	kv_str(f, ev, "name", e->name, ev->flags & SR_F_NAME_CUT);
	kv_open_flags(f, "flags", e->flags);
	if (e->flags & (0100 | 020000000) || e->mode) {
		put_key(f, "mode");
		put_oct(f, e->mode);
	}
	if (e->resolve)
		kv_hex(f, "resolve", e->resolve);
	kv_sys_tail(f, &e->s, 0);
	kv_devino(f, e->dev, e->ino);
	if (e->path.len || (ev->flags & SR_F_PATH_CUT))
		kv_str(f, ev, "path", e->path, ev->flags & SR_F_PATH_CUT);
}

static void text_rw(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_rw *e = (const void *)ev;
	struct obuf *f = &p->out;

	kv_fd_path(p, ev, e->fd);
	kv_u64(f, "count", e->count);
	if (ev->flags & SR_F_IOV_CUT)
		put_s(f, "(cut)");
	if (e->iovcnt)
		kv_u64(f, "iovcnt", e->iovcnt);
	if (e->offset != -1)
		kv_s64(f, "offset", e->offset);
	kv_sys_tail(f, &e->s, 0);
	kv_devino(f, e->dev, e->ino);
}

static void text_close(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_close *e = (const void *)ev;
	struct obuf *f = &p->out;

	kv_fd_path(p, ev, e->fd);
	kv_sys_tail(f, &e->s, 0);
	kv_devino(f, e->dev, e->ino);
}

static void text_dup(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_dup *e = (const void *)ev;
	struct obuf *f = &p->out;

	kv_fd_path(p, ev, e->fd);
	if (e->newfd != -1)
		kv_s64(f, "newfd", e->newfd);
	if (e->cmd)
		kv_u64(f, "cmd", e->cmd);
	if (e->flags)
		kv_open_flags(f, "flags", e->flags);
	if (e->arg)
		kv_hex(f, "arg", e->arg);
	kv_sys_tail(f, &e->s, 0);
	kv_devino(f, e->dev, e->ino);
}

static void text_mmap(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_mmap *e = (const void *)ev;
	struct obuf *f = &p->out;

	kv_hex(f, "addr", e->addr);
	kv_u64(f, "len", e->len);
	put_key(f, "prot");
	put_flags(f, e->prot, prot_flags, ARRAY_SIZE(prot_flags), "PROT_NONE");
	put_key(f, "flags");
	put_flags(f, e->flags, map_flags, ARRAY_SIZE(map_flags), "0");
	kv_fd_path(p, ev, e->fd);
	kv_hex(f, "off", e->off);
	kv_sys_tail(f, &e->s, 1);
	kv_devino(f, e->dev, e->ino);
}

static void text_munmap(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_munmap *e = (const void *)ev;

	kv_hex(&p->out, "addr", e->addr);
	kv_u64(&p->out, "len", e->len);
	kv_sys_tail(&p->out, &e->s, 0);
}

static void text_brk(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_brk *e = (const void *)ev;

	kv_hex(&p->out, "req", e->req);
	kv_sys_tail(&p->out, &e->s, 1);
}

static void text_syscall(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_syscall *e = (const void *)ev;
	struct obuf *f = &p->out;
	size_t i;

	put_key(f, "args");
	for (i = 0; i < ARRAY_SIZE(e->args); i++) {
		if (i)
			put_c(f, ',');
		put_hex(f, e->args[i]);
	}
	kv_sys_tail(f, &e->s, 0);
}

static void text_lost(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_lost *e = (const void *)ev;

	kv_u64(&p->out, "count", e->count);
}

static void text_proc(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_proc *e = (const void *)ev;
	struct obuf *f = &p->out;
	int cut = ev->flags & SR_F_PATH_CUT;

	kv_u64(f, "ppid", e->ppid);
	kv_u64(f, "start_ns", e->start_ns);
	kv_str(f, ev, "exe", e->exe, cut);
	kv_str(f, ev, "cwd", e->cwd, cut);
	kv_argv(f, ev, e->argv, ev->flags & SR_F_ARGV_CUT);
}

static void text_fd(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_fd *e = (const void *)ev;
	struct obuf *f = &p->out;

	kv_s64(f, "fd", e->fd);
	kv_open_flags(f, "flags", e->flags);
	kv_u64(f, "pos", e->pos);
	kv_devino(f, e->dev, e->ino);
	kv_str(f, ev, "path", e->path, ev->flags & SR_F_PATH_CUT);
}

static void text_cgroup(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_cgroup *e = (const void *)ev;

	kv_u64(&p->out, "id", e->id);
	kv_str(&p->out, ev, "path", e->path, ev->flags & SR_F_PATH_CUT);
}

/* The letter ps(1) and /proc give a state of enum sr_task_state. */
static char task_state_letter(uint32_t st)
{
	static const char letters[] = "RSDTXI";

	return st < sizeof(letters) - 1 ? letters[st] : '?';
}

static void kv_dur(struct obuf *f, const char *key, uint64_t ns)
{
	put_key(f, key);
	put_dur(f, ns);
}

static void text_switch(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_switch *e = (const void *)ev;
	struct obuf *f = &p->out;

	put_key(f, "prev_state");
	put_c(f, task_state_letter(e->prev_state));
	kv_u64(f, "next_pid", e->next_pid);
	kv_u64(f, "next_tid", e->next_tid);
	put_key(f, "next_comm");
	put_quoted(f, (const char *)e->next_comm, strnlen((const char *)e->next_comm, SR_COMM_LEN));
}

static void text_wakeup(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_wakeup *e = (const void *)ev;
	struct obuf *f = &p->out;

	kv_u64(f, "wakee_pid", e->wakee_pid);
	kv_u64(f, "wakee_tid", e->wakee_tid);
	kv_u64(f, "target_cpu", e->target_cpu);
	if (ev->flags & SR_F_WAKE_NEW)
		put_s(f, " new");
}

static void text_syscpu(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_syscpu *e = (const void *)ev;
	struct obuf *f = &p->out;

	kv_u64(f, "nr", e->nr);
	kv_dur(f, "off_cpu", e->off_cpu_ns);
	kv_dur(f, "blocked", e->blocked_ns);
	kv_dur(f, "runq", e->runq_ns);
	kv_u64(f, "vol_switches", e->vol_switches);
	kv_u64(f, "invol_switches", e->invol_switches);
}

static void text_cputime(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_cputime *e = (const void *)ev;
	struct obuf *f = &p->out;

	kv_dur(f, "on_cpu", e->on_cpu_ns);
	kv_dur(f, "runq", e->runq_ns);
	kv_u64(f, "timeslices", e->timeslices);
	kv_u64(f, "vol_switches", e->vol_switches);
	kv_u64(f, "invol_switches", e->invol_switches);
	if (ev->flags & SR_F_CPU_EXIT)
		put_s(f, " at_exit");
	else if (ev->flags & SR_F_CPU_START)
		put_s(f, " baseline");
}

/* A syscall that left its CPU: where its time went, from its SYSCPU record. */
static void text_split(struct sr_printer *p, const struct sr_event *ev)
{
	struct pr_split sp;

	if (!pr_syscpu_take(p, ev, &sp))
		return;
	put_key(&p->out, "on_cpu");
	if (sp.on_cpu_ns < 0) {
		put_c(&p->out, '-');
		put_dur(&p->out, -(uint64_t)sp.on_cpu_ns);
	} else {
		put_dur(&p->out, (uint64_t)sp.on_cpu_ns);
	}
	kv_dur(&p->out, "off_cpu", sp.off_cpu_ns);
	kv_dur(&p->out, "runq", sp.runq_ns);
}

/* --- the net class, pipes, fd-to-fd moves --- */

static void kv_addr(struct obuf *f, const char *key, const struct sr_addr *a)
{
	char buf[64];
	size_t n = sr_addr_str(a, buf, sizeof(buf));

	if (!n)
		return;
	put_key(f, key);
	put_text(f, buf, n);
}

static void text_net(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_net *e = (const void *)ev;
	struct obuf *f = &p->out;

	kv_fd_path(p, ev, e->fd);
	if (e->fd2 != -1) {
		put_s(f, " fd2");
		kv_fd_path(p, ev, e->fd2);
	}
	if (e->count)
		kv_u64(f, "count", e->count);
	if (e->bytes)
		kv_u64(f, "bytes", e->bytes);
	if (e->flags)
		kv_hex(f, "flags", e->flags);
	if (e->arg)
		kv_u64(f, "arg", e->arg);
	kv_addr(f, "addr", &e->addr);
	kv_sys_tail(f, &e->s, 0);
	kv_devino(f, e->dev, e->ino);
}

static void text_sock(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_sock *e = (const void *)ev;
	struct obuf *f = &p->out;
	char name[320];
	size_t n = sr_sock_name(e, name, sizeof(name));

	(void)p;
	kv_s64(f, "fd", e->fd);
	put_c(f, '<');
	put_text(f, name, n);
	put_c(f, '>');
	kv_u64(f, "sock_type", e->type);
	kv_u64(f, "protocol", e->protocol);
	if (e->peer_ino)
		kv_u64(f, "peer_ino", e->peer_ino);
	kv_devino(f, e->dev, e->ino);
}

static void text_pipe(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_pipe *e = (const void *)ev;
	struct obuf *f = &p->out;

	(void)p;
	kv_s64(f, "rfd", e->fds[0]);
	kv_s64(f, "wfd", e->fds[1]);
	if (e->flags)
		kv_open_flags(f, "flags", e->flags);
	kv_sys_tail(f, &e->s, 0);
	kv_devino(f, e->dev, e->ino);
}

static void text_xfer(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_xfer *e = (const void *)ev;
	struct obuf *f = &p->out;

	put_s(f, " in");
	kv_fd_path(p, ev, e->in_fd);
	put_s(f, " out");
	kv_fd_path(p, ev, e->out_fd);
	kv_u64(f, "count", e->count);
	if (e->flags)
		kv_hex(f, "flags", e->flags);
	kv_sys_tail(f, &e->s, 0);
}

/* One printer per type of SR_EVENT_TYPES: a type without its text_<name> fails to build. */
static const struct {
	void (*fn)(struct sr_printer *p, const struct sr_event *ev);
	uint16_t size;		/* the struct the printer reads */
} text_printers[SR_EV_TYPE_MAX] = {
#define TEXT_PRINTER_(N, n, nr, sys, origin) \
	[SR_EV_##N] = { text_##n, sizeof(struct sr_ev_##n) },
	SR_EVENT_TYPES(TEXT_PRINTER_)
#undef TEXT_PRINTER_
};

static void text_generic(struct sr_printer *p, const struct sr_event *ev, const struct sr_type *t)
{
	struct obuf *f = &p->out;
	uint64_t u;
	int64_t s;
	size_t i;

	if (!t || !t->fields) {
		kv_u64(f, "size", ev->size);
		if (ev->size > sizeof(*ev)) {
			put_key(f, "data");
			put_hexbytes(f, (const unsigned char *)(ev + 1), ev->size - sizeof(*ev));
		}
		return;
	}
	for (i = 0; i < t->nfields; i++) {
		const struct sr_field *fl = &t->fields[i];
		struct sr_str ref;

		if (!pr_field_ok(ev, fl))
			continue;
		put_c(f, ' ');
		put_text(f, fl->name, strlen(fl->name));
		put_c(f, '=');
		switch (fl->kind) {
		case SR_FK_STR:
			if (fl->size != sizeof(ref)) {
				put_s(f, "(bad)");
				break;
			}
			memcpy(&ref, (const char *)ev + fl->offset, sizeof(ref));
			{
				const char *str;
				size_t len;

				if (sr_event__str(ev, ref, &str, &len)) {
					put_s(f, "(bad)");
					break;
				}
				put_quoted(f, str, len);
				if (pr_str_cut(ev, fl->name))
					put_s(f, "(cut)");
			}
			break;
		case SR_FK_COMM:
			put_quoted(f, (const char *)ev + fl->offset,
				   strnlen((const char *)ev + fl->offset, fl->size));
			break;
		case SR_FK_S32:
		case SR_FK_S64:
			if (pr_field_int(ev, fl, &u, &s))
				put_hexbytes(f, (const unsigned char *)ev + fl->offset, fl->size);
			else
				put_s64(f, s);
			break;
		case SR_FK_HEX:
			if (pr_field_int(ev, fl, &u, &s))
				put_hexbytes(f, (const unsigned char *)ev + fl->offset, fl->size);
			else
				put_hex(f, u);
			break;
		default:
			if (pr_field_int(ev, fl, &u, &s))
				put_hexbytes(f, (const unsigned char *)ev + fl->offset, fl->size);
			else
				put_u64(f, u);
			break;
		}
	}
}

void pr_print_text(struct sr_printer *p, const struct sr_event *ev)
{
	struct obuf *f = &p->out;
	const char *name = NULL;
	unsigned int t = ev->type;
	int nr = sr_event__sys_nr(ev);
	int64_t wall;

	if (p->rel || !p->have_offset)
		pr_put_rel(p, ev->ts);
	else if (sr_wall_ns(ev->ts, p->clock_offset, &wall))
		put_s(f, SR_WALL_OUT_OF_RANGE);
	else
		pr_put_wall(p, wall);
	put_s(f, " [");
	put_frac(f, ev->cpu, ev->cpu < 1000 ? 3 : 5);
	put_s(f, "] ");
	put_u64(f, ev->pid);
	put_c(f, '/');
	put_u64(f, ev->tid);
	put_c(f, ' ');
	pr_put_comm(f, ev);
	put_c(f, ' ');
	if (nr >= 0)
		name = pr_syscall_name(p, nr);
	if (!name)
		name = pr_type_name(p, t);
	if (name) {
		put_text(f, name, strlen(name));
	} else if (nr >= 0) {
		put_s(f, "syscall_");
		put_u64(f, nr);
	} else {
		put_s(f, "type");
		put_u64(f, t);
	}
	if (t < SR_EV_TYPE_MAX && text_printers[t].fn && ev->size >= text_printers[t].size)
		text_printers[t].fn(p, ev);
	else
		text_generic(p, ev, p->r ? sr_reader__file_type(p->r, t) : NULL);
	if (nr >= 0)
		text_split(p, ev);
	if (ev->flags & SR_F_COMPAT)
		put_s(f, " compat");
	put_c(f, '\n');
}

