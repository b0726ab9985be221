// SPDX-License-Identifier: GPL-2.0-only
/*
 * json.c - a streaming JSON writer (see sysrec/util.h).
 *
 * It only tracks where commas and newlines go; the caller is trusted to
 * balance starts and ends and to give a key before each member of an object.
 * It writes to a FILE (strings escaped by sr_fput_json) or into a buffer of
 * its own (escaped by sr_esc_json), for output built a record at a time.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/util.h"

/* Far deeper than anything sysrec prints; past it the commas of the deepest levels are shared. */
#define SR_JSON_DEPTH	64

struct sr_json {
	FILE *f;			/* NULL: into buf */
	int style;			/* SR_JSON_* */
	unsigned int depth;
	int after_key;			/* a key was written: the value needs no separator */
	unsigned char has_items[SR_JSON_DEPTH];	/* the open container already holds a value */
	char *buf;			/* memory writer: what was written since the last clear */
	size_t len, cap;
	int err;			/* -ENOMEM once the buffer could not grow */
};

static struct sr_json *json_new(FILE *f, int style)
{
	struct sr_json *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->f = f;
	j->style = style;
	return j;
}

struct sr_json *sr_json__new(FILE *f, int style)
{
	return json_new(f, style);
}

struct sr_json *sr_json__new_mem(int style)
{
	return json_new(NULL, style);
}

void sr_json__free(struct sr_json *j)
{
	if (j)
		free(j->buf);
	free(j);
}

const char *sr_json__mem(const struct sr_json *j, size_t *len)
{
	*len = j->err ? 0 : j->len;
	return j->err ? NULL : j->buf ? j->buf : "";
}

void sr_json__mem_clear(struct sr_json *j)
{
	j->len = 0;
	j->err = 0;
}

/* Room for @n more bytes in the buffer, or NULL (remembered in j->err). */
static char *room_slow(struct sr_json *j, size_t n)
{
	size_t cap = j->cap ? j->cap : 4096;
	char *p;

	if (j->err)
		return NULL;
	while (cap - j->len < n)
		cap *= 2;
	p = realloc(j->buf, cap);
	if (!p) {
		j->err = -ENOMEM;
		return NULL;
	}
	j->buf = p;
	j->cap = cap;
	return j->buf + j->len;
}

static inline char *room(struct sr_json *j, size_t n)
{
	if (n <= j->cap - j->len)
		return j->buf + j->len;
	return room_slow(j, n);
}

/* Memory writers build records of many short pieces: copied in line. */
static inline void put(struct sr_json *j, const char *s, size_t n)
{
	char *d;

	if (j->f) {
		fwrite(s, 1, n, j->f);
		return;
	}
	d = room(j, n);
	if (!d)
		return;
	/* a key or a name: two overlapping fixed copies, done in line */
	if (n >= 8 && n <= 16) {
		memcpy(d, s, 8);
		memcpy(d + n - 8, s + n - 8, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(d, s, 4);
		memcpy(d + n - 4, s + n - 4, 4);
	} else {
		memcpy(d, s, n);
	}
	j->len += n;
}

static inline void put_c(struct sr_json *j, char c)
{
	put(j, &c, 1);
}

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

/* The high bit of each byte of @w that is zero (others may follow a true one). */
static inline uint64_t zero_bytes(uint64_t w)
{
	return (w - ONES) & ~w & HIGHS;
}

/* Whether a byte of @w is a control byte, DEL, not ASCII, a quote or a backslash. */
static inline int word_needs_esc(uint64_t w)
{
	return (((w - 0x20 * ONES) | w | (w + ONES)) & HIGHS) ||
	       zero_bytes(w ^ ('"' * ONES)) || zero_bytes(w ^ ('\\' * ONES));
}

/*
 * Copies @s to @d while no byte needs an escape, eight at a time, as dump's
 * keys, names and paths almost never do; 1 when one does.
 */
static int copy_plain(char *d, const char *s, size_t len)
{
	uint64_t w;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		if (word_needs_esc(w))
			return 1;
		memcpy(d + i, &w, 8);
	}
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			return 1;
		d[i] = (char)c;
	}
	return 0;
}

/* A JSON string with its quotes: the same escapes to a FILE and into memory. */
static void put_str(struct sr_json *j, const char *s, size_t len)
{
	char *d;

	if (j->f) {
		sr_fput_json(j->f, s, len);
		return;
	}
	d = room(j, SR_ESC_MAX(len));
	if (!d)
		return;
	/* keys and most values need no escape: copied as they are */
	if (copy_plain(d + 1, s, len)) {
		j->len += sr_esc_json(d, s, len);
		return;
	}
	d[0] = '"';
	d[len + 1] = '"';
	j->len += len + 2;
}

static void indent(struct sr_json *j)
{
	unsigned int i;

	put_c(j, '\n');
	for (i = 0; i < j->depth && i < SR_JSON_DEPTH; i++)
		put(j, "  ", 2);
}

static unsigned char *items(struct sr_json *j)
{
	unsigned int d = j->depth < SR_JSON_DEPTH ? j->depth : SR_JSON_DEPTH - 1;

	return &j->has_items[d];
}

static void sep_slow(struct sr_json *j)
{
	int had;

	had = *items(j);
	if (had)
		put_c(j, ',');
	*items(j) = 1;
	if (j->style == SR_JSON_PRETTY)
		indent(j);
	else if (j->style == SR_JSON_ROWS && j->depth == 1)
		put_c(j, '\n');
	else if (j->style == SR_JSON_ROWS && had)
		put_c(j, ' ');
}

/* Before any value or key: the comma and the line break or space it needs. */
static inline void sep(struct sr_json *j)
{
	unsigned char *had;

	/* most values follow their key, most keys a value of a compact object: in line */
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth == 0)
		return;
	if (j->style != SR_JSON_COMPACT) {
		sep_slow(j);
		return;
	}
	had = items(j);
	if (*had)
		put_c(j, ',');
	*had = 1;
}

/* After a value: a top-level value ends its line (one document per line when compact). */
static void done(struct sr_json *j)
{
	if (j->depth == 0)
		put_c(j, '\n');
}

static void open_container(struct sr_json *j, char c)
{
	sep(j);
	put_c(j, c);
	j->depth++;
	*items(j) = 0;
}

static void close_container(struct sr_json *j, char c)
{
	int had = *items(j);

	if (j->depth == 0)
		return;
	j->depth--;
	if (had && (j->style == SR_JSON_PRETTY ||
		    (j->style == SR_JSON_ROWS && j->depth == 0)))
		indent(j);
	put_c(j, c);
	done(j);
}

void sr_json__obj_start(struct sr_json *j)
{
	open_container(j, '{');
}

void sr_json__obj_end(struct sr_json *j)
{
	close_container(j, '}');
}

void sr_json__arr_start(struct sr_json *j)
{
	open_container(j, '[');
}

void sr_json__arr_end(struct sr_json *j)
{
	close_container(j, ']');
}

/* After a key: its colon, and the value that follows needs no separator. */
static void key_end(struct sr_json *j)
{
	if (j->style == SR_JSON_COMPACT)
		put_c(j, ':');
	else
		put(j, ": ", 2);
	j->after_key = 1;
}

void sr_json__keyn(struct sr_json *j, const char *key, size_t len)
{
	sep(j);
	put_str(j, key, len);
	key_end(j);
}

void sr_json__key_quoted(struct sr_json *j, const char *quoted, size_t len)
{
	sep(j);
	put(j, quoted, len);
	key_end(j);
}

void sr_json__str(struct sr_json *j, const char *s)
{
	if (!s) {
		sr_json__null(j);
		return;
	}
	sr_json__strn(j, s, strlen(s));
}

void sr_json__strn(struct sr_json *j, const char *s, size_t len)
{
	sep(j);
	put_str(j, s, len);
	done(j);
}

static inline void value(struct sr_json *j, const char *s, size_t len)
{
	sep(j);
	put(j, s, len);
	done(j);
}

void sr_json__raw(struct sr_json *j, const char *s, size_t len)
{
	value(j, s, len);
}

/*
 * Two digits a step, from a table: dump writes millions of 19-digit times.
 * The digits end at b + 24 and a memory writer takes a fixed 24 bytes from
 * where they start, a copy the compiler does in line.
 */
static void put_dec(struct sr_json *j, uint64_t v, int neg)
{
	static const char pairs[201] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	char b[48], *p = b + 24, *d;
	size_t n;

	while (v >= 100) {
		unsigned int r = (unsigned int)(v % 100);

		v /= 100;
		p -= 2;
		memcpy(p, &pairs[2 * r], 2);
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, &pairs[2 * v], 2);
	} else {
		*--p = (char)('0' + v);
	}
	if (neg)
		*--p = '-';
	n = (size_t)(b + 24 - p);
	sep(j);
	if (j->f) {
		fwrite(p, 1, n, j->f);
	} else {
		d = room(j, 24);
		if (!d)
			return;
		memcpy(d, p, 24);
		j->len += n;
	}
	done(j);
}

void sr_json__u64(struct sr_json *j, uint64_t v)
{
	put_dec(j, v, 0);
}

void sr_json__s64(struct sr_json *j, int64_t v)
{
	put_dec(j, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
}

void sr_json__dbl(struct sr_json *j, double v)
{
	char buf[40];

	if (!isfinite(v)) {
		/* JSON has no NaN or infinity */
		sr_json__null(j);
		return;
	}
	/* the shortest of %.15g and %.17g that reads back as the same double */
	snprintf(buf, sizeof(buf), "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, sizeof(buf), "%.17g", v);
	sr_json__raw(j, buf, strlen(buf));
}

void sr_json__bool(struct sr_json *j, int v)
{
	sr_json__raw(j, v ? "true" : "false", v ? 4 : 5);
}

void sr_json__null(struct sr_json *j)
{
	sr_json__raw(j, "null", 4);
}
