/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * present/printer.h - the inside of struct sr_printer, shared by the files
 * of present/ only (the API is include/sysrec/print.h).
 *
 *   printer.c     the printer: output buffer, names, times, schema fields
 *   print_text.c  one line of text per record
 *   print_json.c  one JSON object per record
 *   fdpath.c      the path behind each descriptor, for the text lines
 *
 * Lines are built in a buffer with no allocation per record: dump's
 * throughput is benchmarked, so the small writers below are inline.
 */
#ifndef SYSREC_PRESENT_PRINTER_H
#define SYSREC_PRESENT_PRINTER_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sysrec/format.h"
#include "sysrec/print.h"
#include "sysrec/util.h"

#define NS_PER_SEC	1000000000LL

/* Output lines are built here and written a buffer at a time. */
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

/*
 * A SYSCPU record, kept until the record of its syscall (same tid, same
 * ts), which follows it: direct-mapped by tid.
 */
#define PR_SYSCPU_SLOTS	64

struct pr_syscpu {
	uint32_t tid;
	uint32_t valid;
	uint64_t ts;
	uint64_t off_cpu_ns;
	uint64_t runq_ns;
};

/* Where a syscall's time went. */
struct pr_split {
	int64_t on_cpu_ns;	/* dur_ns minus the other two: signed, should a record lie */
	uint64_t off_cpu_ns;
	uint64_t runq_ns;
};
struct pr_fdpath;

struct sr_printer {
	struct obuf out;
	struct pr_fdpath *fds;		/* text only: fd -> path per process; NULL: none */
	int json;
	struct sr_json *js;		/* json: each record is built here, then copied to out */
	int rel;			/* --time rel */
	uint64_t base;			/* start of the recording (monotonic ns) */
	const struct sr_reader *r;	/* names and schema of the file, or NULL */
	int have_offset;
	int64_t clock_offset;		/* wall ns = ts + clock_offset */
	struct wall_cache wc;
	int cpu_class;			/* the trace's classes include cpu */
	struct pr_syscpu syscpu[PR_SYSCPU_SLOTS];
};

/* --- output (printer.c) --- */

void pr_ob_flush(struct obuf *o);
/* Room for @n more bytes; grows only for a line longer than the buffer. */
char *pr_ob_slow(struct obuf *o, size_t n);

static inline char *ob_need(struct obuf *o, size_t n)
{
	if (o->cap - o->len < n)
		return pr_ob_slow(o, n);
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

static inline void put_text(struct obuf *f, const char *s, size_t len)
{
	char *d = ob_need(f, SR_ESC_MAX(len));

	f->len += sr_esc_text(d, s, len);
}

static inline void put_u64(struct obuf *f, uint64_t v)
{
	char b[24], *p = b + sizeof(b);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put_mem(f, p, b + sizeof(b) - p);
}

static inline void put_s64(struct obuf *f, int64_t v)
{
	if (v < 0) {
		put_c(f, '-');
		put_u64(f, -(uint64_t)v);
	} else {
		put_u64(f, (uint64_t)v);
	}
}

static inline void put_hex(struct obuf *f, uint64_t v)
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
static inline void put_oct(struct obuf *f, uint32_t v)
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
static inline void put_frac(struct obuf *f, uint64_t v, int digits)
{
	char b[20];
	int i;

	for (i = digits - 1; i >= 0; i--) {
		b[i] = (char)('0' + v % 10);
		v /= 10;
	}
	put_mem(f, b, digits);
}

static inline void put_quoted(struct obuf *f, const char *s, size_t len)
{
	put_c(f, '"');
	put_text(f, s, len);
	put_c(f, '"');
}

static inline void put_hexbytes(struct obuf *f, const unsigned char *p, size_t n)
{
	static const char dig[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		put_c(f, dig[p[i] >> 4]);
		put_c(f, dig[p[i] & 15]);
	}
}

/* ["ls","-l"] from NUL-separated arguments (one trailing NUL optional), as quoted text. */
void pr_put_argv(struct obuf *f, const char *s, size_t len);
/* The comm as text, quoted when empty or holding a space. */
void pr_put_comm(struct obuf *f, const struct sr_event *ev);

/* --- names --- */

/* The file's syscall name for @nr, else this build's, else NULL. */
const char *pr_syscall_name(const struct sr_printer *p, unsigned int nr);
/* The name this build gives a type, else the file's, else NULL. */
const char *pr_type_name(const struct sr_printer *p, unsigned int type);

/* --- time --- */

/* The wall-clock text "YYYY-MM-DD HH:MM:SS.uuuuuu" into @b (PR_WALL_MAX bytes); its length. */
#define PR_WALL_MAX	64
size_t pr_wall_str(struct sr_printer *p, int64_t wall, char *b);
void pr_put_wall(struct sr_printer *p, int64_t wall);
void pr_put_rel(struct sr_printer *p, uint64_t ts);

/* --- generic fields, from a schema (the file's: hostile) --- */

int pr_field_ok(const struct sr_event *ev, const struct sr_field *fl);
/* An integer field of size 1, 2, 4 or 8; -EINVAL for other sizes. */
int pr_field_int(const struct sr_event *ev, const struct sr_field *fl, uint64_t *u, int64_t *s);
/* Which header flag says a string field was cut. */
int pr_str_cut(const struct sr_event *ev, const char *name);

/* --- the cpu class --- */

/* Keep @ev if it is a SYSCPU record, for the syscall record that follows it. */
void pr_syscpu_note(struct sr_printer *p, const struct sr_event *ev);
/*
 * The split of syscall record @ev (nr >= 0): 1 from its SYSCPU record, 0
 * when it had none (all of it on CPU, if the trace recorded the cpu class).
 */
int pr_syscpu_take(struct sr_printer *p, const struct sr_event *ev, struct pr_split *s);
/* --- descriptors' paths: fdpath.c, declared in sysrec/print.h --- */

/* --- the two forms --- */

void pr_print_text(struct sr_printer *p, const struct sr_event *ev);	/* print_text.c */
void pr_print_json(struct sr_printer *p, const struct sr_event *ev);	/* print_json.c */

#endif /* SYSREC_PRESENT_PRINTER_H */
