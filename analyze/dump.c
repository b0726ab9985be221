// SPDX-License-Identifier: GPL-2.0-only
/*
 * analyze/dump.c - sysrec dump: a trace event by event, as text or NDJSON.
 *
 * Known types are printed by hand-picked fields (text) or by the schema
 * (JSON); types this build does not know are printed from the schema the
 * file carries.  Every string goes through the escapers of util.c, so a
 * hostile path or comm never breaks a line or a JSON document.  Output is
 * written into a large stdio buffer with no allocation per event: dump's
 * throughput is benchmarked.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/builtin.h"
#include "sysrec/event.h"
#include "sysrec/format.h"
#include "sysrec/util.h"

#define NS_PER_SEC	1000000000LL
#define OUT_BUF		(1 << 20)

const char sr_usage_dump[] =
	"usage: sysrec dump [options] FILE...\n"
	"\n"
	"Print the events of one trace, or of a rotated set in the order given,\n"
	"one line per event.\n"
	"\n"
	"Options:\n"
	"  -j, --json          one JSON object per line (NDJSON) instead of text\n"
	"  -p, --pid PID[,PID] only these processes (pid or tid); repeatable\n"
	"  -c, --comm NAME     only tasks with this comm; repeatable\n"
	"  -t, --type T[,T]    only these record types (exec, fork, exit, open, rw,\n"
	"                      close, dup, mmap, munmap, brk, syscall, lost, proc,\n"
	"                      fd, cgroup, or a number) or syscalls (openat, ...)\n"
	"  -s, --since TIME    only events at or after TIME from the start of the\n"
	"                      recording (seconds, or with ns/us/ms/s/m/h: 1.5, 200ms)\n"
	"  -u, --until TIME    only events before TIME from the start\n"
	"  -T, --time abs|rel  text times as local wall clock (abs, the default) or\n"
	"                      seconds since the start (rel)\n"
	"  -h, --help          show this help\n"
	"\n"
	"Exit status: 0 when every file was read (a cut file included), 1 when a\n"
	"file could not be read or had damaged chunks, 2 for bad usage.\n";

#define SYS_NR_OFF	(sizeof(struct sr_event) + __builtin_offsetof(struct sr_sys, nr))

struct dump_filter {
	uint32_t *pids;
	size_t npids;
	const char **comms;
	size_t ncomms;
	int by_type;
	uint8_t types[65536 / 8];	/* record types asked for */
	uint8_t nrs[65536 / 8];		/* syscall numbers asked for */
	int has_since, has_until;
	uint64_t since, until;		/* ns from the start of the recording */
};

/* Output lines are built here and written a megabyte at a time. */
struct obuf {
	FILE *f;
	char *buf;
	size_t len, cap;
};

/* The wall-clock text of the last second printed: one localtime per second, not per event. */
struct wall_cache {
	int valid;
	int64_t sec;
	size_t len;
	char s[48];
};

struct dump {
	struct obuf ob;
	struct obuf *out;		/* &ob */
	int json;
	int rel;			/* --time rel */
	struct dump_filter flt;
	int have_base;
	uint64_t base;			/* start of the recording (monotonic ns) */
	/* the file being printed */
	struct sr_reader *r;
	int have_offset;
	int64_t clock_offset;		/* wall ns = ts + clock_offset */
	struct wall_cache wc;
};

static inline void bit_set(uint8_t *map, unsigned int i)
{
	map[i >> 3] |= 1u << (i & 7);
}

static inline int bit_test(const uint8_t *map, unsigned int i)
{
	return map[i >> 3] >> (i & 7) & 1;
}

/* --- output --- */

static void ob_flush(struct obuf *o)
{
	if (o->len)
		fwrite(o->buf, 1, o->len, o->f);
	o->len = 0;
}

/* Room for @n more bytes; grows only for a line longer than the buffer. */
static char *ob_slow(struct obuf *o, size_t n)
{
	char *p;

	ob_flush(o);
	if (n > o->cap) {
		p = realloc(o->buf, n);
		if (!p) {
			sr_err("dump: %s", strerror(ENOMEM));
			exit(SR_EXIT_FAIL);
		}
		o->buf = p;
		o->cap = n;
	}
	return o->buf;
}

static inline char *ob_need(struct obuf *o, size_t n)
{
	if (o->cap - o->len < n)
		return ob_slow(o, n);
	return o->buf + o->len;
}

static inline void put_mem(struct obuf *f, const void *p, size_t n)
{
	memcpy(ob_need(f, n), p, n);
	f->len += n;
}

static inline void put_s(struct obuf *f, const char *s)
{
	put_mem(f, s, strlen(s));
}

static inline void put_c(struct obuf *f, char c)
{
	*ob_need(f, 1) = c;
	f->len++;
}

static void put_text(struct obuf *f, const char *s, size_t len)
{
	char *d = ob_need(f, SR_ESC_MAX(len));

	f->len += sr_esc_text(d, s, len);
}

static void put_json(struct obuf *f, const char *s, size_t len)
{
	char *d = ob_need(f, SR_ESC_MAX(len));

	f->len += sr_esc_json(d, s, len);
}

static void put_u64(struct obuf *f, uint64_t v)
{
	char b[24], *p = b + sizeof(b);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put_mem(f, p, b + sizeof(b) - p);
}

static void put_s64(struct obuf *f, int64_t v)
{
	if (v < 0) {
		put_c(f, '-');
		put_u64(f, -(uint64_t)v);
	} else {
		put_u64(f, (uint64_t)v);
	}
}

static void put_hex(struct obuf *f, uint64_t v)
{
	static const char dig[] = "0123456789abcdef";
	char b[20], *p = b + sizeof(b);

	do {
		*--p = dig[v & 15];
		v >>= 4;
	} while (v);
	*--p = 'x';
	*--p = '0';
	put_mem(f, p, b + sizeof(b) - p);
}

/* 0644 */
static void put_oct(struct obuf *f, uint32_t v)
{
	char b[16], *p = b + sizeof(b);

	do {
		*--p = (char)('0' + (v & 7));
		v >>= 3;
	} while (v);
	*--p = '0';
	put_mem(f, p, b + sizeof(b) - p);
}

/* Exactly @digits decimal digits, zero padded. */
static void put_frac(struct obuf *f, uint64_t v, int digits)
{
	char b[20];
	int i;

	for (i = digits - 1; i >= 0; i--) {
		b[i] = (char)('0' + v % 10);
		v /= 10;
	}
	put_mem(f, b, digits);
}

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

static void put_quoted(struct obuf *f, const char *s, size_t len)
{
	put_c(f, '"');
	put_text(f, s, len);
	put_c(f, '"');
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
	const char *s, *end, *z;
	size_t len;
	int first = 1;

	put_key(f, "argv");
	if (sr_event__str(ev, ref, &s, &len)) {
		put_s(f, "(bad)");
		return;
	}
	put_c(f, '[');
	end = s + len;
	while (s < end) {
		z = memchr(s, 0, end - s);
		if (!z)
			z = end;
		if (!first)
			put_c(f, ',');
		first = 0;
		put_quoted(f, s, z - s);
		s = z + 1;
	}
	put_c(f, ']');
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

/* --- event names --- */

static const char *syscall_name(const struct dump *d, unsigned int nr)
{
	const struct sr_syscall *sc;
	const char *name = d->r ? sr_reader__syscall_name(d->r, nr) : NULL;

	if (name)
		return name;
	sc = sr_syscall_by_nr(nr);
	return sc ? sc->name : NULL;
}

static uint16_t event_nr(const struct sr_event *ev)
{
	uint16_t nr;

	memcpy(&nr, (const char *)ev + SYS_NR_OFF, sizeof(nr));
	return nr;
}

static int is_sys(const struct sr_event *ev)
{
	return sr_type_has_sys(ev->type) && ev->size >= SYS_NR_OFF + 2;
}

/* The name this build gives a type, else the file's, else NULL. */
static const char *type_name(const struct dump *d, unsigned int type)
{
	const struct sr_type *t = sr_schema_type(type);

	if (t && t->name)
		return t->name;
	t = d->r ? sr_reader__file_type(d->r, type) : NULL;
	return t ? t->name : NULL;
}

/* The schema that describes a record: the file's own (it may have newer fields), else ours. */
static const struct sr_type *record_schema(const struct dump *d, unsigned int type)
{
	const struct sr_type *t = d->r ? sr_reader__file_type(d->r, type) : NULL;

	return t ? t : sr_schema_type(type);
}

/* --- time --- */

static void put_wall(struct dump *d, int64_t wall)
{
	int64_t sec = wall / NS_PER_SEC, rem = wall % NS_PER_SEC;
	struct wall_cache *c = &d->wc;

	if (rem < 0) {
		rem += NS_PER_SEC;
		sec--;
	}
	if (!c->valid || c->sec != sec) {
		sr_fmt_wall(sec * NS_PER_SEC, c->s, sizeof(c->s));
		c->len = strlen(c->s);
		/* keep "YYYY-MM-DD HH:MM:SS" and add the microseconds ourselves */
		if (c->len >= 7)
			c->len -= 7;
		c->sec = sec;
		c->valid = 1;
	}
	put_mem(d->out, c->s, c->len);
	put_c(d->out, '.');
	put_frac(d->out, (uint64_t)rem / 1000, 6);
}

static void put_rel(struct dump *d, uint64_t ts)
{
	int64_t rel = (int64_t)(ts - d->base);
	uint64_t a = rel < 0 ? -(uint64_t)rel : (uint64_t)rel;

	if (rel < 0)
		put_c(d->out, '-');
	put_u64(d->out, a / NS_PER_SEC);
	put_c(d->out, '.');
	put_frac(d->out, a % NS_PER_SEC, 9);
}

/* --- text --- */

static void text_exec(struct dump *d, const struct sr_event *ev)
{
	const struct sr_ev_exec *e = (const void *)ev;
	struct obuf *f = d->out;

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

static void text_fork(struct dump *d, const struct sr_event *ev)
{
	const struct sr_ev_fork *e = (const void *)ev;
	struct obuf *f = d->out;

	kv_hex(f, "clone_flags", e->clone_flags);
	kv_u64(f, "child_pid", e->child_pid);
	kv_u64(f, "child_tid", e->child_tid);
	if (ev->flags & SR_F_THREAD)
		put_s(f, " thread");
	kv_sys_tail(f, &e->s, 0);
}

static void text_exit(struct dump *d, const struct sr_event *ev)
{
	const struct sr_ev_exit *e = (const void *)ev;
	struct obuf *f = d->out;
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

static void text_open(struct dump *d, const struct sr_event *ev)
{
	const struct sr_ev_open *e = (const void *)ev;
	struct obuf *f = d->out;

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

static void text_rw(struct dump *d, const struct sr_event *ev)
{
	const struct sr_ev_rw *e = (const void *)ev;
	struct obuf *f = d->out;

	kv_s64(f, "fd", e->fd);
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

static void text_close(struct dump *d, const struct sr_event *ev)
{
	const struct sr_ev_close *e = (const void *)ev;
	struct obuf *f = d->out;

	kv_s64(f, "fd", e->fd);
	kv_sys_tail(f, &e->s, 0);
	kv_devino(f, e->dev, e->ino);
}

static void text_dup(struct dump *d, const struct sr_event *ev)
{
	const struct sr_ev_dup *e = (const void *)ev;
	struct obuf *f = d->out;

	kv_s64(f, "fd", e->fd);
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

static void text_mmap(struct dump *d, const struct sr_event *ev)
{
	const struct sr_ev_mmap *e = (const void *)ev;
	struct obuf *f = d->out;

	kv_hex(f, "addr", e->addr);
	kv_u64(f, "len", e->len);
	put_key(f, "prot");
	put_flags(f, e->prot, prot_flags, ARRAY_SIZE(prot_flags), "PROT_NONE");
	put_key(f, "flags");
	put_flags(f, e->flags, map_flags, ARRAY_SIZE(map_flags), "0");
	kv_s64(f, "fd", e->fd);
	kv_hex(f, "off", e->off);
	kv_sys_tail(f, &e->s, 1);
	kv_devino(f, e->dev, e->ino);
}

static void text_munmap(struct dump *d, const struct sr_event *ev)
{
	const struct sr_ev_munmap *e = (const void *)ev;

	kv_hex(d->out, "addr", e->addr);
	kv_u64(d->out, "len", e->len);
	kv_sys_tail(d->out, &e->s, 0);
}

static void text_brk(struct dump *d, const struct sr_event *ev)
{
	const struct sr_ev_brk *e = (const void *)ev;

	kv_hex(d->out, "req", e->req);
	kv_sys_tail(d->out, &e->s, 1);
}

static void text_syscall(struct dump *d, const struct sr_event *ev)
{
	const struct sr_ev_syscall *e = (const void *)ev;
	struct obuf *f = d->out;
	size_t i;

	put_key(f, "args");
	for (i = 0; i < ARRAY_SIZE(e->args); i++) {
		if (i)
			put_c(f, ',');
		put_hex(f, e->args[i]);
	}
	kv_sys_tail(f, &e->s, 0);
}

static void text_lost(struct dump *d, const struct sr_event *ev)
{
	const struct sr_ev_lost *e = (const void *)ev;

	kv_u64(d->out, "count", e->count);
}

static void text_proc(struct dump *d, const struct sr_event *ev)
{
	const struct sr_ev_proc *e = (const void *)ev;
	struct obuf *f = d->out;
	int cut = ev->flags & SR_F_PATH_CUT;

	kv_u64(f, "ppid", e->ppid);
	kv_u64(f, "start_ns", e->start_ns);
	kv_str(f, ev, "exe", e->exe, cut);
	kv_str(f, ev, "cwd", e->cwd, cut);
	kv_argv(f, ev, e->argv, ev->flags & SR_F_ARGV_CUT);
}

static void text_fd(struct dump *d, const struct sr_event *ev)
{
	const struct sr_ev_fd *e = (const void *)ev;
	struct obuf *f = d->out;

	kv_s64(f, "fd", e->fd);
	kv_open_flags(f, "flags", e->flags);
	kv_u64(f, "pos", e->pos);
	kv_devino(f, e->dev, e->ino);
	kv_str(f, ev, "path", e->path, ev->flags & SR_F_PATH_CUT);
}

static void text_cgroup(struct dump *d, const struct sr_event *ev)
{
	const struct sr_ev_cgroup *e = (const void *)ev;

	kv_u64(d->out, "id", e->id);
	kv_str(d->out, ev, "path", e->path, ev->flags & SR_F_PATH_CUT);
}

static const struct {
	void (*fn)(struct dump *d, const struct sr_event *ev);
	uint16_t size;		/* the struct the printer reads */
} text_printers[SR_EV_TYPE_MAX] = {
	[SR_EV_EXEC] = { text_exec, sizeof(struct sr_ev_exec) },
	[SR_EV_FORK] = { text_fork, sizeof(struct sr_ev_fork) },
	[SR_EV_EXIT] = { text_exit, sizeof(struct sr_ev_exit) },
	[SR_EV_OPEN] = { text_open, sizeof(struct sr_ev_open) },
	[SR_EV_RW] = { text_rw, sizeof(struct sr_ev_rw) },
	[SR_EV_CLOSE] = { text_close, sizeof(struct sr_ev_close) },
	[SR_EV_DUP] = { text_dup, sizeof(struct sr_ev_dup) },
	[SR_EV_MMAP] = { text_mmap, sizeof(struct sr_ev_mmap) },
	[SR_EV_MUNMAP] = { text_munmap, sizeof(struct sr_ev_munmap) },
	[SR_EV_BRK] = { text_brk, sizeof(struct sr_ev_brk) },
	[SR_EV_SYSCALL] = { text_syscall, sizeof(struct sr_ev_syscall) },
	[SR_EV_LOST] = { text_lost, sizeof(struct sr_ev_lost) },
	[SR_EV_PROC] = { text_proc, sizeof(struct sr_ev_proc) },
	[SR_EV_FD] = { text_fd, sizeof(struct sr_ev_fd) },
	[SR_EV_CGROUP] = { text_cgroup, sizeof(struct sr_ev_cgroup) },
};

/* --- generic fields, from a schema (the file's: hostile) --- */

static int field_ok(const struct sr_event *ev, const struct sr_field *fl)
{
	return fl->name && fl->name[0] && fl->name[0] != '_' && fl->kind != SR_FK_PAD &&
	       fl->offset >= sizeof(struct sr_event) && fl->size &&
	       (uint32_t)fl->offset + fl->size <= ev->size;
}

/* An integer field of size 1, 2, 4 or 8; -EINVAL for other sizes. */
static int field_int(const struct sr_event *ev, const struct sr_field *fl, uint64_t *u, int64_t *s)
{
	const char *p = (const char *)ev + fl->offset;
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (fl->size) {
	case 1: memcpy(&v8, p, 1); *u = v8; *s = (int8_t)v8; break;
	case 2: memcpy(&v16, p, 2); *u = v16; *s = (int16_t)v16; break;
	case 4: memcpy(&v32, p, 4); *u = v32; *s = (int32_t)v32; break;
	case 8: memcpy(&v64, p, 8); *u = v64; *s = (int64_t)v64; break;
	default: return -EINVAL;
	}
	return 0;
}

/* Which header flag says a string field was cut. */
static int str_cut(const struct sr_event *ev, const char *name)
{
	if (!strcmp(name, "argv"))
		return ev->flags & SR_F_ARGV_CUT;
	if (!strcmp(name, "name") || !strcmp(name, "filename"))
		return ev->flags & SR_F_NAME_CUT;
	return ev->flags & SR_F_PATH_CUT;
}

static void put_hexbytes(struct obuf *f, const unsigned char *p, size_t n)
{
	static const char dig[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		put_c(f, dig[p[i] >> 4]);
		put_c(f, dig[p[i] & 15]);
	}
}

static void text_generic(struct dump *d, const struct sr_event *ev, const struct sr_type *t)
{
	struct obuf *f = d->out;
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

		if (!field_ok(ev, fl))
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
				if (str_cut(ev, fl->name))
					put_s(f, "(cut)");
			}
			break;
		case SR_FK_COMM:
			put_quoted(f, (const char *)ev + fl->offset,
				   strnlen((const char *)ev + fl->offset, fl->size));
			break;
		case SR_FK_S32:
		case SR_FK_S64:
			if (field_int(ev, fl, &u, &s))
				put_hexbytes(f, (const unsigned char *)ev + fl->offset, fl->size);
			else
				put_s64(f, s);
			break;
		case SR_FK_HEX:
			if (field_int(ev, fl, &u, &s))
				put_hexbytes(f, (const unsigned char *)ev + fl->offset, fl->size);
			else
				put_hex(f, u);
			break;
		default:
			if (field_int(ev, fl, &u, &s))
				put_hexbytes(f, (const unsigned char *)ev + fl->offset, fl->size);
			else
				put_u64(f, u);
			break;
		}
	}
}

static void put_comm(struct obuf *f, const struct sr_event *ev, int json)
{
	size_t n = strnlen((const char *)ev->comm, SR_COMM_LEN);

	if (json) {
		put_json(f, (const char *)ev->comm, n);
	} else if (!n || memchr(ev->comm, ' ', n)) {
		/* quoted so that the columns stay apart */
		put_quoted(f, (const char *)ev->comm, n);
	} else {
		put_text(f, (const char *)ev->comm, n);
	}
}

static void print_text(struct dump *d, const struct sr_event *ev)
{
	struct obuf *f = d->out;
	const char *name = NULL;
	unsigned int t = ev->type;

	if (d->rel || !d->have_offset)
		put_rel(d, ev->ts);
	else
		put_wall(d, (int64_t)(ev->ts + (uint64_t)d->clock_offset));
	put_s(f, " [");
	put_frac(f, ev->cpu, ev->cpu < 1000 ? 3 : 5);
	put_s(f, "] ");
	put_u64(f, ev->pid);
	put_c(f, '/');
	put_u64(f, ev->tid);
	put_c(f, ' ');
	put_comm(f, ev, 0);
	put_c(f, ' ');
	if (is_sys(ev))
		name = syscall_name(d, event_nr(ev));
	if (!name)
		name = type_name(d, t);
	if (name) {
		put_text(f, name, strlen(name));
	} else if (is_sys(ev)) {
		put_s(f, "syscall_");
		put_u64(f, event_nr(ev));
	} else {
		put_s(f, "type");
		put_u64(f, t);
	}
	if (t < SR_EV_TYPE_MAX && text_printers[t].fn && ev->size >= text_printers[t].size)
		text_printers[t].fn(d, ev);
	else
		text_generic(d, ev, d->r ? sr_reader__file_type(d->r, t) : NULL);
	if (ev->flags & SR_F_COMPAT)
		put_s(f, " compat");
	put_c(f, '\n');
}

/* --- JSON --- */

static inline void jkey(struct obuf *f, const char *key)
{
	put_s(f, ",\"");
	put_s(f, key);
	put_s(f, "\":");
}

static void json_argv(struct obuf *f, const char *s, size_t len)
{
	const char *end = s + len, *z;
	int first = 1;

	put_c(f, '[');
	while (s < end) {
		z = memchr(s, 0, end - s);
		if (!z)
			z = end;
		if (!first)
			put_c(f, ',');
		first = 0;
		put_json(f, s, z - s);
		s = z + 1;
	}
	put_c(f, ']');
}

static void json_fields(struct dump *d, const struct sr_event *ev, const struct sr_type *t)
{
	struct obuf *f = d->out;
	uint64_t u;
	int64_t s;
	size_t i;

	if (!t || !t->fields) {
		if (ev->size > sizeof(*ev)) {
			jkey(f, "data");
			put_c(f, '"');
			put_hexbytes(f, (const unsigned char *)(ev + 1), ev->size - sizeof(*ev));
			put_c(f, '"');
		}
		return;
	}
	for (i = 0; i < t->nfields; i++) {
		const struct sr_field *fl = &t->fields[i];
		const char *str;
		struct sr_str ref;
		size_t len;

		if (!field_ok(ev, fl))
			continue;
		put_c(f, ',');
		put_json(f, fl->name, strlen(fl->name));
		put_c(f, ':');
		switch (fl->kind) {
		case SR_FK_STR:
			if (fl->size != sizeof(ref)) {
				put_s(f, "null");
				break;
			}
			memcpy(&ref, (const char *)ev + fl->offset, sizeof(ref));
			if (sr_event__str(ev, ref, &str, &len)) {
				put_s(f, "null");
				break;
			}
			if (!strcmp(fl->name, "argv"))
				json_argv(f, str, len);
			else
				put_json(f, str, len);
			if (str_cut(ev, fl->name)) {
				char key[80];
				int n = snprintf(key, sizeof(key), "%s_cut", fl->name);

				put_c(f, ',');
				put_json(f, key, n < (int)sizeof(key) ? (size_t)n : sizeof(key) - 1);
				put_s(f, ":true");
			}
			break;
		case SR_FK_COMM:
			put_json(f, (const char *)ev + fl->offset,
				     strnlen((const char *)ev + fl->offset, fl->size));
			break;
		case SR_FK_S32:
		case SR_FK_S64:
			if (field_int(ev, fl, &u, &s))
				put_s(f, "null");
			else
				put_s64(f, s);
			break;
		default:
			if (field_int(ev, fl, &u, &s))
				put_s(f, "null");
			else
				put_u64(f, u);
			break;
		}
	}
}

static void print_json(struct dump *d, const struct sr_event *ev)
{
	struct obuf *f = d->out;
	const char *name;
	const struct sr_type *t = record_schema(d, ev->type);

	put_s(f, "{\"ts_ns\":");
	put_u64(f, ev->ts);
	jkey(f, "time");
	if (d->have_offset) {
		put_c(f, '"');
		put_wall(d, (int64_t)(ev->ts + (uint64_t)d->clock_offset));
		put_c(f, '"');
	} else {
		put_s(f, "null");
	}
	jkey(f, "cpu");
	put_u64(f, ev->cpu);
	jkey(f, "pid");
	put_u64(f, ev->pid);
	jkey(f, "tid");
	put_u64(f, ev->tid);
	jkey(f, "type");
	name = type_name(d, ev->type);
	if (name) {
		put_json(f, name, strlen(name));
	} else {
		put_s(f, "\"type");
		put_u64(f, ev->type);
		put_c(f, '"');
	}
	jkey(f, "comm");
	put_comm(f, ev, 1);
	jkey(f, "uid");
	put_u64(f, ev->uid);
	jkey(f, "gid");
	put_u64(f, ev->gid);
	jkey(f, "cgroup_id");
	put_u64(f, ev->cgroup_id);
	if (is_sys(ev)) {
		jkey(f, "syscall");
		name = syscall_name(d, event_nr(ev));
		if (name) {
			put_json(f, name, strlen(name));
		} else {
			put_s(f, "\"syscall_");
			put_u64(f, event_nr(ev));
			put_c(f, '"');
		}
	}
	if (ev->flags & SR_F_THREAD)
		put_s(f, ",\"thread\":true");
	if (ev->flags & SR_F_GROUP_DEAD)
		put_s(f, ",\"group_dead\":true");
	if (ev->flags & SR_F_NO_FILE)
		put_s(f, ",\"no_file\":true");
	if (ev->flags & SR_F_IOV_CUT)
		put_s(f, ",\"count_cut\":true");
	if (ev->flags & SR_F_COMPAT)
		put_s(f, ",\"compat\":true");
	json_fields(d, ev, t);
	if (is_sys(ev) && ev->size >= sizeof(struct sr_event) + sizeof(struct sr_sys)) {
		const struct sr_sys *sys = (const void *)(ev + 1);

		if (sys->ret < 0 && sys->ret >= -4095 && (name = sr_errno_name((int)-sys->ret))) {
			jkey(f, "errno");
			put_c(f, '"');
			put_s(f, name);
			put_c(f, '"');
		}
	}
	put_s(f, "}\n");
}

/* --- filters --- */

static int match(const struct dump *d, const struct sr_event *ev)
{
	const struct dump_filter *flt = &d->flt;
	size_t i;

	if (flt->npids) {
		for (i = 0; i < flt->npids; i++)
			if (ev->pid == flt->pids[i] || ev->tid == flt->pids[i])
				break;
		if (i == flt->npids)
			return 0;
	}
	if (flt->ncomms) {
		size_t n = strnlen((const char *)ev->comm, SR_COMM_LEN);

		for (i = 0; i < flt->ncomms; i++) {
			size_t want = strlen(flt->comms[i]);

			if (!memcmp(flt->comms[i], ev->comm, n < want ? n : want) &&
			    (want == n || (want > n && n >= SR_COMM_LEN - 1)))
				break;
		}
		if (i == flt->ncomms)
			return 0;
	}
	if (flt->by_type && !bit_test(flt->types, ev->type) &&
	    !(is_sys(ev) && bit_test(flt->nrs, event_nr(ev))))
		return 0;
	if (flt->has_since || flt->has_until) {
		int64_t rel = (int64_t)(ev->ts - d->base);

		if (flt->has_since && (rel < 0 || (uint64_t)rel < flt->since))
			return 0;
		if (flt->has_until && rel >= 0 && (uint64_t)rel >= flt->until)
			return 0;
	}
	return 1;
}

/* --- files --- */

/* Everything printed so far, out: before a message on stderr, so the two stay in order. */
static void out_flush(void *arg)
{
	struct dump *d = arg;

	ob_flush(d->out);
	fflush(d->out->f);
}

static int dump_file(struct dump *d, const char *path)
{
	struct sr_damage_log log = { .before = out_flush, .before_arg = d };
	struct sr_reader_stats st;
	const struct sr_event *ev;
	uint64_t printed = 0;
	int64_t v;
	int rc, status = SR_EXIT_OK;

	if (sr_trace_open(&d->r, path, &log))
		return SR_EXIT_FAIL;
	d->have_offset = !sr_meta_s64(d->r, "clock_offset_ns", &v);
	d->clock_offset = d->have_offset ? v : 0;
	d->wc.valid = 0;
	if (!d->have_base && !sr_meta_s64(d->r, "start_ns", &v) && v >= 0) {
		d->base = (uint64_t)v;
		d->have_base = 1;
	}
	/* chunks wholly before --since are passed over without decompressing them */
	if (d->flt.has_since && d->have_base && d->base + d->flt.since >= d->base) {
		rc = sr_reader__seek(d->r, d->base + d->flt.since);
		if (rc < 0) {
			sr_err("cannot read %s: %s", path, strerror(-rc));
			sr_reader__free(d->r);
			d->r = NULL;
			return SR_EXIT_FAIL;
		}
	}
	while ((rc = sr_reader__next(d->r, &ev)) == 1) {
		if (!d->have_base) {
			d->base = ev->ts;
			d->have_base = 1;
		}
		if (!match(d, ev))
			continue;
		if (d->json)
			print_json(d, ev);
		else
			print_text(d, ev);
		/* output that cannot be written (a full disk): stop reading */
		if (!(++printed & 4095) && ferror(d->out->f))
			break;
	}
	if (rc < 0) {
		out_flush(d);
		sr_err("cannot read %s: %s", path, strerror(-rc));
		status = SR_EXIT_FAIL;
	}
	sr_reader__stats(d->r, &st);
	/* a damaged header or metadata block loses records too: any damage fails */
	if (st.damaged) {
		unsigned long long nc = st.bad_chunks, np = st.damaged;

		out_flush(d);
		if (nc && np > nc)
			sr_err("%s: %llu damaged chunk%s skipped, %llu problems in all", path,
			       nc, nc == 1 ? "" : "s", np);
		else if (nc)
			sr_err("%s: %llu damaged chunk%s skipped", path, nc, nc == 1 ? "" : "s");
		else
			sr_err("%s: damaged: %llu problem%s", path, np, np == 1 ? "" : "s");
		status = SR_EXIT_FAIL;
	}
	/* the reader normally says so itself; never let a cut go unmentioned */
	if ((st.cut || !st.ended) && !log.count) {
		out_flush(d);
		sr_err("%s: cut short (no end block): printed what was there", path);
	}
	sr_reader__free(d->r);
	d->r = NULL;
	return status;
}

/* --- options --- */

static int add_pids(struct dump_filter *flt, char *arg)
{
	char *tok, *save = NULL;
	uint32_t *p;
	uint64_t v;

	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (sr_parse_u64(tok, 0, UINT32_MAX, &v)) {
			sr_err("dump: invalid pid '%s'. See 'sysrec dump --help'.", tok);
			return -EINVAL;
		}
		p = realloc(flt->pids, (flt->npids + 1) * sizeof(*p));
		if (!p)
			return -ENOMEM;
		flt->pids = p;
		flt->pids[flt->npids++] = (uint32_t)v;
	}
	if (!flt->npids) {
		sr_err("dump: --pid needs a pid. See 'sysrec dump --help'.");
		return -EINVAL;
	}
	return 0;
}

static int add_comm(struct dump_filter *flt, const char *arg)
{
	const char **p = realloc(flt->comms, (flt->ncomms + 1) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	flt->comms = p;
	flt->comms[flt->ncomms++] = arg;
	return 0;
}

static int add_types(struct dump_filter *flt, char *arg)
{
	const struct sr_syscall *sc;
	const struct sr_type *t;
	char *tok, *save = NULL;
	uint64_t v;
	unsigned int i;
	int found;

	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		found = 0;
		for (i = 1; i < SR_EV_TYPE_MAX; i++) {
			t = sr_schema_type(i);
			if (t && t->name && !strcmp(t->name, tok)) {
				bit_set(flt->types, i);
				found = 1;
			}
		}
		if (!found && (sc = sr_syscall_by_name(tok))) {
			bit_set(flt->nrs, sc->nr);
			found = 1;
		}
		if (!found && (!sr_parse_u64(tok, 0, UINT16_MAX, &v) ||
			       (!strncmp(tok, "type", 4) &&
				!sr_parse_u64(tok + 4, 0, UINT16_MAX, &v)))) {
			bit_set(flt->types, (unsigned int)v);
			found = 1;
		}
		if (!found) {
			sr_err("dump: unknown event type or syscall '%s'. See 'sysrec dump --help'.",
			       tok);
			return -EINVAL;
		}
		flt->by_type = 1;
	}
	if (!flt->by_type) {
		sr_err("dump: --type needs a type. See 'sysrec dump --help'.");
		return -EINVAL;
	}
	return 0;
}

static int parse_time(const char *opt, const char *arg, uint64_t *ns)
{
	if (sr_parse_duration(arg, ns)) {
		sr_err("dump: invalid %s '%s': a duration such as 1.5 or 200ms. See 'sysrec dump --help'.",
		       opt, arg);
		return -EINVAL;
	}
	return 0;
}

#define DUMP_OPTS	":jp:c:t:s:u:T:h"	/* leading ':': a missing value returns ':' */

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "pid", required_argument, NULL, 'p' },
	{ "comm", required_argument, NULL, 'c' },
	{ "type", required_argument, NULL, 't' },
	{ "since", required_argument, NULL, 's' },
	{ "until", required_argument, NULL, 'u' },
	{ "time", required_argument, NULL, 'T' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_dump(int argc, char **argv)
{
	struct dump *d;
	int c, i, status = SR_EXIT_OK;

	d = calloc(1, sizeof(*d));
	if (d)
		d->ob.buf = malloc(OUT_BUF);
	if (!d || !d->ob.buf) {
		sr_err("dump: %s", strerror(ENOMEM));
		free(d);
		return SR_EXIT_FAIL;
	}
	d->ob.f = stdout;
	d->ob.cap = OUT_BUF;
	d->out = &d->ob;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, DUMP_OPTS, long_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			d->json = 1;
			break;
		case 'p':
			if (add_pids(&d->flt, optarg))
				goto usage;
			break;
		case 'c':
			if (add_comm(&d->flt, optarg))
				goto usage;
			break;
		case 't':
			if (add_types(&d->flt, optarg))
				goto usage;
			break;
		case 's':
			if (parse_time("--since", optarg, &d->flt.since))
				goto usage;
			d->flt.has_since = 1;
			break;
		case 'u':
			if (parse_time("--until", optarg, &d->flt.until))
				goto usage;
			d->flt.has_until = 1;
			break;
		case 'T':
			if (!strcmp(optarg, "abs")) {
				d->rel = 0;
			} else if (!strcmp(optarg, "rel")) {
				d->rel = 1;
			} else {
				sr_err("dump: --time must be abs or rel, not '%s'. See 'sysrec dump --help'.",
				       optarg);
				goto usage;
			}
			break;
		case 'h':
			fputs(sr_usage_dump, stdout);
			goto out;
		default:
			sr_opt_err("dump", DUMP_OPTS, argv, c);
			goto usage;
		}
	}
	if (optind >= argc) {
		sr_err("dump: no trace file given. See 'sysrec dump --help'.");
		goto usage;
	}

	for (i = optind; i < argc && !ferror(stdout); i++) {
		if (dump_file(d, argv[i]) != SR_EXIT_OK)
			status = SR_EXIT_FAIL;
	}
	ob_flush(d->out);
	if (fflush(stdout) || ferror(stdout)) {
		sr_err("dump: cannot write the output: %s", strerror(errno ? errno : EIO));
		status = SR_EXIT_FAIL;
	}
	goto out;
usage:
	status = SR_EXIT_USAGE;
out:
	free(d->ob.buf);
	free(d->flt.pids);
	free(d->flt.comms);
	free(d);
	return status;
}

/* --- single records, for record --print --- */

struct sr_printer {
	struct dump d;
};

struct sr_printer *sr_printer__new(FILE *f, int json, int rel, uint64_t base_ns,
				   int64_t clock_offset)
{
	struct sr_printer *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->d.ob.f = f;
	p->d.ob.cap = 1 << 16;
	p->d.ob.buf = malloc(p->d.ob.cap);
	if (!p->d.ob.buf) {
		free(p);
		return NULL;
	}
	p->d.out = &p->d.ob;
	p->d.json = json;
	p->d.rel = rel;
	p->d.have_base = 1;
	p->d.base = base_ns;
	p->d.have_offset = 1;
	p->d.clock_offset = clock_offset;
	return p;
}

void sr_printer__event(struct sr_printer *p, const struct sr_event *ev)
{
	if (p->d.json)
		print_json(&p->d, ev);
	else
		print_text(&p->d, ev);
}

void sr_printer__flush(struct sr_printer *p)
{
	ob_flush(&p->d.ob);
	fflush(p->d.ob.f);
}

void sr_printer__free(struct sr_printer *p)
{
	if (!p)
		return;
	sr_printer__flush(p);
	free(p->d.ob.buf);
	free(p);
}
