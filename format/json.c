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
	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
	j->len += n;
}

static inline void put_c(struct sr_json *j, char c)
{
	put(j, &c, 1);
}

static void put_s(struct sr_json *j, const char *s)
{
	put(j, s, strlen(s));
}

/* A JSON string with its quotes: the same escapes to a FILE and into memory. */
static void put_str(struct sr_json *j, const char *s, size_t len)
{
	size_t i;
	char *d;

	if (j->f) {
		sr_fput_json(j->f, s, len);
		return;
	}
	d = room(j, SR_ESC_MAX(len));
	if (!d)
		return;
	/* keys and most values need no escape: copied as they are */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			break;
		d[i + 1] = (char)c;
	}
	if (i < len) {
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

/* Before any value or key: the comma and the line break or space it needs. */
static void sep(struct sr_json *j)
{
	int had;

	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth == 0)
		return;
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

void sr_json__key(struct sr_json *j, const char *key)
{
	sep(j);
	put_str(j, key, strlen(key));
	put_s(j, j->style == SR_JSON_COMPACT ? ":" : ": ");
	j->after_key = 1;
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

void sr_json__raw(struct sr_json *j, const char *s, size_t len)
{
	sep(j);
	put(j, s, len);
	done(j);
}

/* Digits by hand: dump writes millions of them. */
static void put_dec(struct sr_json *j, uint64_t v, int neg)
{
	char b[24], *p = b + sizeof(b);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (neg)
		*--p = '-';
	sr_json__raw(j, p, (size_t)(b + sizeof(b) - p));
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
