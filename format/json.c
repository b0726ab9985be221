// SPDX-License-Identifier: GPL-2.0-only
/*
 * json.c - a streaming JSON writer (see sysrec/util.h).
 *
 * It only tracks where commas and newlines go; the caller is trusted to
 * balance starts and ends and to give a key before each member of an object.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/util.h"

/* Far deeper than anything sysrec prints; past it the commas of the deepest levels are shared. */
#define SR_JSON_DEPTH	64

struct sr_json {
	FILE *f;
	int pretty;
	unsigned int depth;
	int after_key;			/* a key was written: the value needs no separator */
	unsigned char has_items[SR_JSON_DEPTH];	/* the open container already holds a value */
};

struct sr_json *sr_json__new(FILE *f, int pretty)
{
	struct sr_json *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->f = f;
	j->pretty = pretty;
	return j;
}

void sr_json__free(struct sr_json *j)
{
	free(j);
}

static void indent(struct sr_json *j)
{
	unsigned int i;

	fputc('\n', j->f);
	for (i = 0; i < j->depth && i < SR_JSON_DEPTH; i++)
		fputs("  ", j->f);
}

static unsigned char *items(struct sr_json *j)
{
	unsigned int d = j->depth < SR_JSON_DEPTH ? j->depth : SR_JSON_DEPTH - 1;

	return &j->has_items[d];
}

/* Before any value or key: the comma and the line break it needs. */
static void sep(struct sr_json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth == 0)
		return;
	if (*items(j))
		fputc(',', j->f);
	*items(j) = 1;
	if (j->pretty)
		indent(j);
}

/* After a value: a top-level value ends its line (one document per line when compact). */
static void done(struct sr_json *j)
{
	if (j->depth == 0)
		fputc('\n', j->f);
}

static void open_container(struct sr_json *j, char c)
{
	sep(j);
	fputc(c, j->f);
	j->depth++;
	*items(j) = 0;
}

static void close_container(struct sr_json *j, char c)
{
	int had = *items(j);

	if (j->depth == 0)
		return;
	j->depth--;
	if (j->pretty && had)
		indent(j);
	fputc(c, j->f);
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
	sr_fput_json(j->f, key, strlen(key));
	fputs(j->pretty ? ": " : ":", j->f);
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
	sr_fput_json(j->f, s, len);
	done(j);
}

void sr_json__u64(struct sr_json *j, uint64_t v)
{
	sep(j);
	fprintf(j->f, "%llu", (unsigned long long)v);
	done(j);
}

void sr_json__s64(struct sr_json *j, int64_t v)
{
	sep(j);
	fprintf(j->f, "%lld", (long long)v);
	done(j);
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
	sep(j);
	fputs(buf, j->f);
	done(j);
}

void sr_json__bool(struct sr_json *j, int v)
{
	sep(j);
	fputs(v ? "true" : "false", j->f);
	done(j);
}

void sr_json__null(struct sr_json *j)
{
	sep(j);
	fputs("null", j->f);
	done(j);
}
