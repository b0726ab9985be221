// SPDX-License-Identifier: GPL-2.0-only
/*
 * export_chrome.c - the timeline in the Trace Event Format (Chrome's JSON,
 * "JSON Array Format"): one event object a line, for the tools that read
 * only that (chrome://tracing, speedscope, older Perfetto UIs).
 *
 * Syscalls are complete events ("X") on their thread, exec/fork/exit
 * instants ("i") with a flow ("s" -> "f") from a fork to the child's start,
 * counters "C" events of their process, names "M" metadata.  The format has
 * no tracks but threads, and slices on one thread must nest, which a
 * thread's states do not with its syscalls: they go on a thread of their
 * own (tid | 0x40000000, named "<name> state"); CPUs and lost ranges on
 * pseudo processes, one thread a CPU.  Times are microseconds with three
 * decimals, so every nanosecond is kept.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/util.h"
#include "export.h"

#define STATE_TID	0x40000000u	/* the state thread of tid T: T | STATE_TID */
#define CPU_PID		0x7fff0000u	/* + recording: the CPUs' pseudo process */
#define LOST_PID	0x7ffe0000u	/* + recording: lost ranges, one thread a CPU */

/*
 * Events are built in memory and written 64 KiB at a time.  An event is a
 * handful of fixed keys, numbers and a few strings: it is written here
 * piece by piece (the keys as literals, numbers by a digit table, strings
 * escaped by sr_esc_json as format/json.c's writer does) rather than a
 * writer call a key and a value, which cost as much again as the rest of
 * the export.
 */
#define SPILL	(256u << 10)

#define KEY_BITS	6
#define KEY_SLOTS	(1 << KEY_BITS)

/* An argument's key, quoted, with its colon. */
struct quoted {
	const char *k;
	char q[24];
	uint8_t n;
};

#define IDS_BITS	8

/* A thread's ,"pid":P,"tid":T. */
struct ids {
	uint32_t pid, tid;
	uint8_t n;		/* 0: empty */
	char s[40];
};

struct cj {
	struct quoted keys[KEY_SLOTS];
	struct ids ids[1 << IDS_BITS];
	char *buf;			/* what is built and not yet written */
	size_t len, cap;
	int any;			/* an event was written: the next follows a comma */
	struct sr_exp_bits states;		/* by thread index */
	struct sr_exp_bits pseudo;		/* PSEUDO() */
};

/* The CPUs' (@what 0) or lost ranges' (1) pseudo process of @rec (@cpu -1) or its thread @cpu. */
#define PSEUDO(what, rec, cpu)	(((uint64_t)(rec) * 2 + (what)) * 65537 + (uint64_t)((cpu) + 1))

/* Room for @n more bytes: NULL on ENOMEM (said in s->err, the event dropped). */
static char *room(struct sr_exp_sink *s, size_t n)
{
	struct cj *c = s->priv;
	size_t cap = c->cap ? c->cap : 2 * SPILL;
	char *b;

	if (c->cap - c->len >= n)
		return c->buf + c->len;
	while (cap - c->len < n)
		cap *= 2;
	b = realloc(c->buf, cap);
	if (!b) {
		if (!s->err)
			s->err = -ENOMEM;
		return NULL;
	}
	c->buf = b;
	c->cap = cap;
	return b + c->len;
}

/* Room for the fixed part of an event (keys, numbers): its strings ask for their own. */
#define EV_FIXED	512

#define LIT(d, lit)	(memcpy((d), (lit), sizeof(lit) - 1), (d) + sizeof(lit) - 1)

/* @v in decimal at @d, two digits a step from the last, in place: the end. */
static char *dec(char *d, uint64_t v)
{
	static const char pairs[201] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	static const uint64_t p10[20] = {
		1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
		100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
		1000000000000ull, 10000000000000ull, 100000000000000ull,
		1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
		1000000000000000000ull, 10000000000000000000ull,
	};
	/* the digits: log10 from the bit length (1233 / 4096 ~ log10(2)), one compare to settle it */
	unsigned int t = (unsigned int)(64 - __builtin_clzll(v | 1)) * 1233 >> 12;
	size_t n = t + (v >= p10[t]) + !v;
	char *p;

	uint32_t w;

	p = d + n;
	while (v > UINT32_MAX) {
		p -= 2;
		memcpy(p, &pairs[2 * (v % 100)], 2);
		v /= 100;
	}
	/* most numbers (times in us, pids, sizes) fit 32 bits, whose divisions are cheaper */
	for (w = (uint32_t)v; w >= 100; w /= 100) {
		p -= 2;
		memcpy(p, &pairs[2 * (w % 100)], 2);
	}
	if (w >= 10)
		memcpy(p - 2, &pairs[2 * w], 2);
	else
		p[-1] = (char)('0' + w);
	return d + n;
}

static char *sdec(char *d, int64_t v)
{
	if (v < 0) {
		*d++ = '-';
		return dec(d, -(uint64_t)v);
	}
	return dec(d, (uint64_t)v);
}

/* Microseconds with three decimals, every nanosecond kept: "12.345" for 12345 ns. */
static char *usec(char *d, uint64_t ns)
{
	unsigned int f = (unsigned int)(ns % 1000);

	d = dec(d, ns / 1000);
	d[0] = '.';
	d[1] = (char)('0' + f / 100);
	d[2] = (char)('0' + f / 10 % 10);
	d[3] = (char)('0' + f % 10);
	return d + 4;
}

#define ONES	0x0101010101010101ull
#define HIGHS	0x8080808080808080ull

/* Whether no byte of @w needs an escape (a control byte, DEL, not ASCII, '"', '\\'); some false "no"s. */
static inline int plain8(uint64_t w)
{
	uint64_t q = w ^ ('"' * ONES), b = w ^ ('\\' * ONES);

	return !((((w - 0x20 * ONES) | w | (w + ONES)) |
		  ((q - ONES) & ~q) | ((b - ONES) & ~b)) & HIGHS);
}

/* Whether @len (8 or more) bytes at @v need no escape: eight at a time, the last eight overlapping. */
static int plain(const char *v, size_t len)
{
	uint64_t w;
	size_t i;

	for (i = 0; i + 8 < len; i += 8) {
		memcpy(&w, v + i, 8);
		if (!plain8(w))
			return 0;
	}
	memcpy(&w, v + len - 8, 8);
	return plain8(w);
}

/* @len bytes: up to 64 (names, keys, most paths) by two overlapping fixed copies, in line. */
static inline void copy(char *d, const char *v, size_t len)
{
	if (len > 64) {
		memcpy(d, v, len);
	} else if (len >= 32) {
		memcpy(d, v, 32);
		memcpy(d + len - 32, v + len - 32, 32);
	} else if (len >= 16) {
		memcpy(d, v, 16);
		memcpy(d + len - 16, v + len - 16, 16);
	} else if (len >= 8) {
		memcpy(d, v, 8);
		memcpy(d + len - 8, v + len - 8, 8);
	} else if (len >= 4) {
		memcpy(d, v, 4);
		memcpy(d + len - 4, v + len - 4, 4);
	} else {
		for (size_t i = 0; i < len; i++)
			d[i] = v[i];
	}
}

/* A JSON string, escaped; the end, or NULL when there is no room. */
static char *str(struct sr_exp_sink *s, char *d, const char *v, size_t len)
{
	struct cj *c = s->priv;
	size_t i;

	/* keys, names and most paths need no escape: copied as they are */
	if (len <= 256 && (size_t)(c->buf + c->cap - d) >= len + 2 + EV_FIXED) {
		if (len >= 8) {
			i = plain(v, len) ? len : 0;
		} else if (len >= 4) {
			uint32_t lo, hi;

			memcpy(&lo, v, 4);
			memcpy(&hi, v + len - 4, 4);
			i = plain8(lo | (uint64_t)hi << 32) ? len : 0;
		} else {
			for (i = 0; i < len; i++) {
				unsigned char ch = (unsigned char)v[i];

				if (ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\')
					break;
			}
		}
		if (i == len) {
			*d++ = '"';
			copy(d, v, len);
			d[len] = '"';
			return d + len + 1;
		}
	}
	c->len = (size_t)(d - c->buf);
	d = room(s, SR_ESC_MAX(len) + EV_FIXED);
	return d ? d + sr_esc_json(d, v, len) : NULL;
}

/*
 * ,"pid":P,"tid":T: the same few threads make most events, so their two
 * numbers are kept written out, in a cache by thread.
 */
static char *ids(struct cj *c, char *d, uint32_t pid, uint32_t tid)
{
	struct ids *e = &c->ids[(tid * 0x9e3779b1u) >> (32 - IDS_BITS)];
	char *start = d;

	if (e->n && e->pid == pid && e->tid == tid) {
		memcpy(d, e->s, sizeof(e->s));
		return d + e->n;
	}
	d = LIT(d, ",\"pid\":");
	d = dec(d, pid);
	d = LIT(d, ",\"tid\":");
	d = dec(d, tid);
	_Static_assert(sizeof(e->s) >= 2 * 10 + 13, "room for both ids");
	memcpy(e->s, start, (size_t)(d - start));
	e->n = (uint8_t)(d - start);
	e->pid = pid;
	e->tid = tid;
	return d;
}

/*
 * The start of an event, {"ph":"X","name":...,"pid":P,"tid":T: where the
 * rest goes (EV_FIXED bytes of room), or NULL.
 */
static char *head(struct sr_exp_sink *s, const char *ph, const char *name, size_t len,
		  uint32_t pid, uint32_t tid)
{
	struct cj *c = s->priv;
	char *d = room(s, EV_FIXED);

	if (!d)
		return NULL;
	*d++ = c->any ? ',' : '\n';		/* "[\n{...},\n{...}\n]": one event a line */
	if (c->any)
		*d++ = '\n';
	c->any = 1;
	d = LIT(d, "{\"ph\":\"");
	*d++ = *ph;
	d = LIT(d, "\",\"name\":");
	d = str(s, d, name, len);
	if (!d)
		return NULL;
	return ids(c, d, pid, tid);
}

/* The event ends at @d: kept, and written out when SPILL bytes are built. */
static void end(struct sr_exp_sink *s, char *d)
{
	struct cj *c = s->priv;

	if (!d)
		return;
	c->len = (size_t)(d - c->buf);
	if (c->len < SPILL)
		return;
	if (!s->err && fwrite(c->buf, 1, c->len, s->f) != c->len)
		s->err = -(errno ? errno : EIO);
	c->len = 0;
}

/*
 * "KEY": for an argument's key, a string literal (export.h): quoted once
 * and then found by its address.
 */
static char *key(struct sr_exp_sink *s, char *d, const char *k)
{
	struct cj *c = s->priv;
	struct quoted *q = &c->keys[sr_exp_addr_slot(k, KEY_BITS)];
	size_t off, n;

	if (q->k == k && (size_t)(c->buf + c->cap - d) >= sizeof(q->q) + EV_FIXED) {
		memcpy(d, q->q, sizeof(q->q));
		return d + q->n;
	}
	off = (size_t)(d - c->buf);
	d = str(s, d, k, strlen(k));
	if (!d)
		return NULL;
	*d++ = ':';
	n = (size_t)(d - c->buf) - off;	/* str() may have moved the buffer */
	if (n <= sizeof(q->q)) {
		memcpy(q->q, c->buf + off, n);
		q->n = (uint8_t)n;
		q->k = k;
	}
	return d;
}

/* ,"args":{...} */
static char *args(struct sr_exp_sink *s, char *d, const struct sr_exp_arg *a, int na)
{
	d = LIT(d, ",\"args\":{");
	for (int i = 0; d && i < na; i++) {
		if (i)
			*d++ = ',';
		d = key(s, d, a[i].key);
		if (!d)
			return NULL;
		d = a[i].s ? str(s, d, a[i].s, a[i].len) : sdec(d, a[i].i);
	}
	if (d)
		*d++ = '}';
	return d;
}

/* {"ph":"M","name":"process_name"|"thread_name",...,"args":{"name":...}} */
static void meta(struct sr_exp_sink *s, const char *what, uint32_t pid, uint32_t tid,
		 const char *name, int64_t ppid)
{
	char *d = head(s, "M", what, strlen(what), pid, tid);

	if (!d)
		return;
	d = LIT(d, ",\"args\":{\"name\":");
	d = str(s, d, name, strlen(name));
	if (d && ppid >= 0) {
		d = LIT(d, ",\"ppid\":");
		d = sdec(d, ppid);
	}
	if (d)
		d = LIT(d, "}}");
	end(s, d);
}

/* A complete event; @cat_q is ,"cat":"CAT" (CAT() of a literal), @cat_len its length. */
#define CAT(lit)	",\"cat\":\"" lit "\"", sizeof(",\"cat\":\"" lit "\"") - 1

static void complete(struct sr_exp_sink *s, const char *cat_q, size_t cat_len, const char *name,
		     uint32_t pid, uint32_t tid, uint64_t start, uint64_t end_ns,
		     const struct sr_exp_arg *a, int na)
{
	char *d = head(s, "X", name, strlen(name), pid, tid);

	if (!d)
		return;
	copy(d, cat_q, cat_len);
	d += cat_len;
	d = LIT(d, ",\"ts\":");
	d = usec(d, start);
	d = LIT(d, ",\"dur\":");
	d = usec(d, end_ns - start);
	d = args(s, d, a, na);
	if (d)
		*d++ = '}';
	end(s, d);
}

static int cj_open(struct sr_exp_sink *s)
{
	struct cj *c = calloc(1, sizeof(*c));
	char *d;

	if (!c)
		return -ENOMEM;
	s->priv = c;
	d = room(s, EV_FIXED);
	if (!d) {
		free(c);
		s->priv = NULL;
		return -ENOMEM;
	}
	*d = '[';
	c->len = 1;
	return 0;
}

static void cj_process(struct sr_exp_sink *s, const struct sr_exp_proc *p, uint64_t ts)
{
	(void)ts;
	meta(s, "process_name", p->pid, 0, p->name, p->ppid ? (int64_t)p->ppid : -1);
}

static void cj_thread(struct sr_exp_sink *s, const struct sr_exp_thread *t,
		      const struct sr_exp_proc *p, uint64_t ts)
{
	(void)ts;
	meta(s, "thread_name", p->pid, t->tid, t->name, -1);
}

static void cj_slice(struct sr_exp_sink *s, const struct sr_exp_thread *t,
		     const struct sr_exp_proc *p, uint64_t start, uint64_t end_ns,
		     const char *name, const struct sr_exp_arg *a, int na)
{
	complete(s, CAT("syscall"), name, p->pid, t->tid, start, end_ns, a, na);
}

static void flow(struct sr_exp_sink *s, const char *ph, uint64_t id, uint32_t pid, uint32_t tid,
		 uint64_t ts)
{
	char *d = head(s, ph, "fork", 4, pid, tid);

	if (!d)
		return;
	d = LIT(d, ",\"cat\":\"process\",\"id\":");
	d = dec(d, id);
	d = LIT(d, ",\"ts\":");
	d = usec(d, ts);
	if (*ph == 'f')
		d = LIT(d, ",\"bp\":\"e\"");
	*d++ = '}';
	end(s, d);
}

static void cj_instant(struct sr_exp_sink *s, const struct sr_exp_thread *t,
		       const struct sr_exp_proc *p, uint64_t ts, const char *name,
		       const struct sr_exp_arg *a, int na, uint64_t flow_out, uint64_t flow_in)
{
	char *d = head(s, "i", name, strlen(name), p->pid, t->tid);

	if (d) {
		d = LIT(d, ",\"cat\":\"process\",\"s\":\"t\",\"ts\":");
		d = usec(d, ts);
		d = args(s, d, a, na);
		if (d)
			*d++ = '}';
		end(s, d);
	}
	if (flow_out)
		flow(s, "s", flow_out, p->pid, t->tid, ts);
	if (flow_in)
		flow(s, "f", flow_in, p->pid, t->tid, ts);
}

static void cj_counter(struct sr_exp_sink *s, const struct sr_exp_proc *p,
		       enum sr_exp_counter c, uint64_t ts, int64_t v)
{
	const char *name = sr_exp_counter_names[c];
	char *d = head(s, "C", name, strlen(name), p->pid, 0);

	if (!d)
		return;
	d = LIT(d, ",\"ts\":");
	d = usec(d, ts);
	d = LIT(d, ",\"args\":{\"value\":");
	d = sdec(d, v);
	d = LIT(d, "}}");
	end(s, d);
}

static void cj_state(struct sr_exp_sink *s, const struct sr_exp_thread *t,
		     const struct sr_exp_proc *p, uint64_t start, uint64_t end_ns,
		     enum sr_exp_state state, int cpu)
{
	struct cj *c = s->priv;
	struct sr_exp_arg a = { .key = "cpu", .i = cpu };
	int rc = sr_exp_bit_claim(&c->states, t->uuid);
	char name[SR_COMM_LEN + 8];

	if (rc < 0) {
		s->err = rc;
		return;
	}
	if (rc) {
		snprintf(name, sizeof(name), "%s state", t->name);
		meta(s, "thread_name", p->pid, t->tid | STATE_TID, name, -1);
	}
	complete(s, CAT("sched"), sr_exp_state_names[state], p->pid, t->tid | STATE_TID, start, end_ns,
		 &a, cpu >= 0);
}

/* The pseudo process @pid (CPUs or lost ranges of recording @rec) and its thread @cpu, named. */
static int pseudo(struct sr_exp_sink *s, uint32_t pid, unsigned int rec, int cpu,
		  const char *what, int key)
{
	struct cj *c = s->priv;
	char name[64];
	int rc = sr_exp_bit_claim(&c->pseudo, PSEUDO(key, rec, -1));

	if (rc > 0) {
		snprintf(name, sizeof(name), rec ? "%s (recording %u)" : "%s", what, rec + 1);
		meta(s, "process_name", pid, 0, name, -1);
	}
	if (rc >= 0)
		rc = sr_exp_bit_claim(&c->pseudo, PSEUDO(key, rec, cpu & 0xffff));
	if (rc > 0) {
		snprintf(name, sizeof(name), "CPU %d", cpu);
		meta(s, "thread_name", pid, (uint32_t)cpu, name, -1);
	}
	if (rc < 0)
		s->err = rc;
	return rc;
}

static void cj_cpu(struct sr_exp_sink *s, unsigned int rec, int cpu, uint64_t start,
		   uint64_t end_ns, const struct sr_exp_thread *t, const struct sr_exp_proc *p)
{
	struct sr_exp_arg a[2] = { { .key = "pid", .i = p->pid }, { .key = "tid", .i = t->tid } };

	if (pseudo(s, CPU_PID + rec, rec, cpu, "CPUs", 0) < 0)
		return;
	complete(s, CAT("sched"), t->name, CPU_PID + rec, (uint32_t)cpu, start, end_ns, a, 2);
}

static void cj_lost(struct sr_exp_sink *s, unsigned int rec, int cpu, uint64_t start,
		    uint64_t end_ns, uint64_t count)
{
	struct sr_exp_arg a = { .key = "count", .i = (int64_t)(count & INT64_MAX) };
	char name[48];

	if (pseudo(s, LOST_PID + rec, rec, cpu, "Lost events", 1) < 0)
		return;
	snprintf(name, sizeof(name), "lost %llu events", (unsigned long long)count);
	complete(s, CAT("lost"), name, LOST_PID + rec, (uint32_t)cpu, start, end_ns, &a, 1);
}

static int cj_close(struct sr_exp_sink *s)
{
	struct cj *c = s->priv;
	char *d;

	if (c) {
		d = room(s, 8);
		if (d) {
			d = c->any ? LIT(d, "\n]\n") : LIT(d, "]\n");
			c->len = (size_t)(d - c->buf);
			if (!s->err && fwrite(c->buf, 1, c->len, s->f) != c->len)
				s->err = -(errno ? errno : EIO);
		}
		free(c->buf);
		free(c->states.v);
		free(c->pseudo.v);
		free(c);
		s->priv = NULL;
	}
	return s->err;
}

const struct sr_exp_sink_ops sr_exp_chrome = {
	.option = "chrome-json",
	.writes_file = 1,
	.open = cj_open,
	.process = cj_process,
	.thread = cj_thread,
	.slice = cj_slice,
	.instant = cj_instant,
	.counter = cj_counter,
	.state = cj_state,
	.cpu = cj_cpu,
	.lost = cj_lost,
	.close = cj_close,
};
