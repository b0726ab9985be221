// SPDX-License-Identifier: GPL-2.0-only
/*
 * present/printer.c - struct sr_printer: records as lines of text or JSON
 * into a buffered stream, for dump and record --print.  Every string goes
 * through the escapers of util.c, so a hostile path or comm never breaks a
 * line or a JSON document.  This file holds what both forms share: the
 * output buffer, names, times and the fields of a schema.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printer.h"

/* --- output --- */

void pr_ob_flush(struct obuf *o)
{
	if (o->len)
		fwrite(o->buf, 1, o->len, o->f);
	o->len = 0;
}

char *pr_ob_slow(struct obuf *o, size_t n)
{
	char *p;

	pr_ob_flush(o);
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

void pr_put_argv(struct obuf *f, const char *s, size_t len)
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
		put_quoted(f, s, z - s);
		s = z + 1;
	}
	put_c(f, ']');
}

/* --- event names --- */

const char *pr_syscall_name(const struct sr_printer *p, unsigned int nr)
{
	const struct sr_syscall *sc;
	const char *name = p->r ? sr_reader__syscall_name(p->r, nr) : NULL;

	if (name)
		return name;
	sc = sr_syscall_by_nr(nr);
	return sc ? sc->name : NULL;
}

/* The name this build gives a type, else the file's, else NULL. */
const char *pr_type_name(const struct sr_printer *p, unsigned int type)
{
	const struct sr_type *t = sr_schema_type(type);

	if (t && t->name)
		return t->name;
	t = p->r ? sr_reader__file_type(p->r, type) : NULL;
	return t ? t->name : NULL;
}

/* --- time --- */

size_t pr_wall_str(struct sr_printer *p, int64_t wall, char *b)
{
	int64_t sec = wall / NS_PER_SEC, rem = wall % NS_PER_SEC;
	struct wall_cache *c = &p->wc;

	if (rem < 0) {
		rem += NS_PER_SEC;
		sec--;
	}
	if (!c->valid || c->sec != sec) {
		/* @wall itself: the start of its second may be below INT64_MIN */
		sr_fmt_wall(wall, c->s, sizeof(c->s));
		c->len = strlen(c->s);
		/* keep "YYYY-MM-DD HH:MM:SS" and add the microseconds ourselves */
		if (c->len >= 7)
			c->len -= 7;
		c->sec = sec;
		c->valid = 1;
	}
	memcpy(b, c->s, c->len);
	b[c->len] = '.';
	rem /= 1000;
	for (int i = 6; i > 0; i--) {
		b[c->len + i] = (char)('0' + rem % 10);
		rem /= 10;
	}
	return c->len + 7;
}

void pr_put_wall(struct sr_printer *p, int64_t wall)
{
	char b[PR_WALL_MAX];

	put_mem(&p->out, b, pr_wall_str(p, wall, b));
}

void pr_put_rel(struct sr_printer *p, uint64_t ts)
{
	int64_t rel = (int64_t)(ts - p->base);
	uint64_t a = rel < 0 ? -(uint64_t)rel : (uint64_t)rel;

	if (rel < 0)
		put_c(&p->out, '-');
	put_u64(&p->out, a / NS_PER_SEC);
	put_c(&p->out, '.');
	put_frac(&p->out, a % NS_PER_SEC, 9);
}

/* --- generic fields, from a schema (the file's: hostile) --- */

int pr_field_ok(const struct sr_event *ev, const struct sr_field *fl)
{
	return fl->name && fl->name[0] && fl->name[0] != '_' && fl->kind != SR_FK_PAD &&
	       fl->offset >= sizeof(struct sr_event) && fl->size &&
	       (uint32_t)fl->offset + fl->size <= ev->size;
}

/* An integer field of size 1, 2, 4 or 8; -EINVAL for other sizes. */
int pr_field_int(const struct sr_event *ev, const struct sr_field *fl, uint64_t *u, int64_t *s)
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
int pr_str_cut(const struct sr_event *ev, const char *name)
{
	if (!strcmp(name, "argv"))
		return ev->flags & SR_F_ARGV_CUT;
	if (!strcmp(name, "name") || !strcmp(name, "filename"))
		return ev->flags & SR_F_NAME_CUT;
	return ev->flags & SR_F_PATH_CUT;
}

void pr_put_comm(struct obuf *f, const struct sr_event *ev)
{
	size_t n = strnlen((const char *)ev->comm, SR_COMM_LEN);

	if (!n || memchr(ev->comm, ' ', n)) {
		/* quoted so that the columns stay apart */
		put_quoted(f, (const char *)ev->comm, n);
	} else {
		put_text(f, (const char *)ev->comm, n);
	}
}

/* --- the printer --- */

/* Output is written a megabyte at a time. */
#define OUT_BUF		(1 << 20)

struct sr_printer *sr_printer__new(FILE *f, int json, int rel, uint64_t base_ns,
				   int64_t clock_offset)
{
	struct sr_printer *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->out.f = f;
	p->out.cap = OUT_BUF;
	p->out.buf = malloc(p->out.cap);
	if (!p->out.buf) {
		free(p);
		return NULL;
	}
	p->json = json;
	/* one JSON writer for info, analyze and dump: the same escapes and separators */
	if (json) {
		p->js = sr_json__new_mem(SR_JSON_COMPACT);
		if (!p->js) {
			free(p->out.buf);
			free(p);
			return NULL;
		}
	}
	/* the text lines name descriptors' paths; without it they do not */
	if (!json)
		p->fds = pr_fdpath__new();
	p->rel = rel;
	p->base = base_ns;
	p->have_offset = 1;
	p->clock_offset = clock_offset;
	return p;
}

void sr_printer__set_base(struct sr_printer *p, uint64_t base_ns)
{
	p->base = base_ns;
}

void sr_printer__set_trace(struct sr_printer *p, const struct sr_reader *r, int have_offset,
			   int64_t clock_offset)
{
	p->r = r;
	p->have_offset = have_offset;
	p->clock_offset = have_offset ? clock_offset : 0;
	p->wc.valid = 0;
	/* each file of a rotated set says what it recorded */
	p->cpu_class = r && (sr_classes_in(sr_reader__meta(r, "classes")) & SR_CLASS_CPU);
	memset(p->syscpu, 0, sizeof(p->syscpu));
}

void sr_printer__set_classes(struct sr_printer *p, uint32_t classes)
{
	p->cpu_class = !!(classes & SR_CLASS_CPU);
}

/* --- the cpu class --- */

void pr_syscpu_note(struct sr_printer *p, const struct sr_event *ev)
{
	const struct sr_ev_syscpu *e = (const void *)ev;
	struct pr_syscpu *k;

	if (ev->type != SR_EV_SYSCPU || ev->size < sizeof(*e))
		return;
	k = &p->syscpu[ev->tid % PR_SYSCPU_SLOTS];
	k->tid = ev->tid;
	k->valid = 1;
	k->ts = ev->ts;
	k->off_cpu_ns = e->off_cpu_ns;
	k->runq_ns = e->runq_ns;
}

int pr_syscpu_take(struct sr_printer *p, const struct sr_event *ev, struct pr_split *s)
{
	struct pr_syscpu *k = &p->syscpu[ev->tid % PR_SYSCPU_SLOTS];
	const struct sr_sys *sys = (const void *)(ev + 1);

	if (!k->valid || k->tid != ev->tid || k->ts != ev->ts ||
	    ev->size < sizeof(*ev) + sizeof(*sys))
		return 0;
	k->valid = 0;
	s->off_cpu_ns = k->off_cpu_ns;
	s->runq_ns = k->runq_ns;
	s->on_cpu_ns = (int64_t)(sys->dur_ns - k->off_cpu_ns - k->runq_ns);
	return 1;
}

/* What @ev opens, dups or closes: the paths of the fds of the lines to come. */
static void fd_track(struct sr_printer *p, const struct sr_event *ev)
{
	if (p->fds)
		pr_fdpath__track(p->fds, ev);
}

void sr_printer__note(struct sr_printer *p, const struct sr_event *ev)
{
	pr_syscpu_note(p, ev);
	fd_track(p, ev);
}

void sr_printer__event(struct sr_printer *p, const struct sr_event *ev)
{
	pr_syscpu_note(p, ev);
	if (p->json) {
		pr_print_json(p, ev);
	} else {
		pr_print_text(p, ev);
		/* after the line: a close shows the path it closed */
		fd_track(p, ev);
	}
}

void sr_printer__skipped(struct sr_printer *p, uint64_t count)
{
	if (p->json) {
		put_s(&p->out, "{\"type\":\"not_printed\",\"count\":");
		put_u64(&p->out, count);
		put_s(&p->out, "}\n");
	} else {
		put_s(&p->out, "# ");
		put_u64(&p->out, count);
		put_s(&p->out, " events not printed here: the output was too slow\n");
	}
}

void sr_printer__flush(struct sr_printer *p)
{
	pr_ob_flush(&p->out);
	fflush(p->out.f);
}

void sr_printer__free(struct sr_printer *p)
{
	if (!p)
		return;
	sr_printer__flush(p);
	pr_fdpath__free(p->fds);
	sr_json__free(p->js);
	free(p->out.buf);
	free(p);
}
