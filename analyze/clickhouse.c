// SPDX-License-Identifier: GPL-2.0-only
/*
 * clickhouse.c - what the ClickHouse sink's parts share: a growing buffer,
 * the RowBinary encoding of the values exported, the blocks of the Native
 * format the events go in, and the parser of the answers
 * (TabSeparatedWithNamesAndTypes) the reports read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/util.h"
#include "clickhouse.h"

char *sr_chbuf__room(struct sr_chbuf *b, size_t n)
{
	if (b->err)
		return NULL;
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *q;

		while (cap < b->n + n)
			cap *= 2;
		q = realloc(b->p, cap);
		if (!q) {
			b->err = -ENOMEM;
			return NULL;
		}
		b->p = q;
		b->cap = cap;
	}
	return b->p + b->n;
}

void sr_chbuf__add(struct sr_chbuf *b, const void *p, size_t n)
{
	char *at = sr_chbuf__room(b, n);

	if (!at)
		return;
	if (n)
		memcpy(at, p, n);
	b->n += n;
}

void sr_chbuf__puts(struct sr_chbuf *b, const char *s)
{
	sr_chbuf__add(b, s, strlen(s));
}

const char *sr_chbuf__cstr(struct sr_chbuf *b)
{
	sr_chbuf__add(b, "", 1);
	if (b->err)
		return NULL;
	b->n--;
	return b->p;
}

void sr_chbuf__free(struct sr_chbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void sr_chbuf__u64(struct sr_chbuf *b, uint64_t v)
{
	unsigned char le[8];

	for (int k = 0; k < 8; k++)
		le[k] = (unsigned char)(v >> (8 * k));
	sr_chbuf__add(b, le, 8);
}

void sr_chbuf__i64(struct sr_chbuf *b, int64_t v)
{
	sr_chbuf__u64(b, (uint64_t)v);
}

void sr_chbuf__u8(struct sr_chbuf *b, uint8_t v)
{
	sr_chbuf__add(b, &v, 1);
}

/* @v as LEB128 (at most 10 bytes) at @p: its length */
static size_t leb128(unsigned char *p, uint64_t v)
{
	size_t k = 0;

	do {
		p[k] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			p[k] |= 0x80;
		k++;
	} while (v);
	return k;
}

void sr_chbuf__str(struct sr_chbuf *b, const char *s, size_t n)
{
	unsigned char len[10];

	sr_chbuf__add(b, len, leb128(len, n));
	sr_chbuf__add(b, s, n);
}

void sr_chbuf__quoted(struct sr_chbuf *b, const char *s)
{
	sr_chbuf__puts(b, "'");
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			sr_chbuf__add(b, "\\", 1);
		sr_chbuf__add(b, s, 1);
	}
	sr_chbuf__puts(b, "'");
}

const char *sr_ch__type(char c)
{
	switch (c) {
	case 'R': return "UInt64";
	case 'I': return "Int64";
	case 'N': return "Nullable(Int64)";
	case 'S': return "String";
	case 'Z': return "Nullable(String)";
	default: return NULL;
	}
}

/* --- Native blocks --- */

int sr_chblock__init(struct sr_chblock *b, const char *cols, size_t cap)
{
	const char *p = cols;
	size_t n = 0;

	memset(b, 0, sizeof(*b));
	for (const char *q = cols; *q; q++)
		n += *q == ' ';
	n = (n + 1) / 2;
	b->cols = calloc(n, sizeof(*b->cols));
	b->name_end = calloc(n, sizeof(*b->name_end));
	b->cap = cap ? cap : 1;
	if (!b->cols || !b->name_end)
		goto nomem;
	while (*p) {
		const char *sp = strchr(p, ' ');
		struct sr_chcol *c = &b->cols[b->ncols];
		const char *type;

		if (!sp || b->ncols == n)
			goto inval;
		c->code = sp[1];
		type = sr_ch__type(c->code);
		switch (c->code) {
		case 'N':
			c->nul = malloc(b->cap);
			if (!c->nul)
				goto nomem;
			/* fall through */
		case 'R':
		case 'I':
			c->v = malloc(b->cap * sizeof(*c->v));
			if (!c->v)
				goto nomem;
			break;
		case 'Z':
			c->nul = malloc(b->cap);
			if (!c->nul)
				goto nomem;
			break;
		case 'S':
			break;
		default:
			goto inval;
		}
		sr_chbuf__str(&b->names, p, (size_t)(sp - p));
		sr_chbuf__str(&b->names, type, strlen(type));
		b->name_end[b->ncols++] = b->names.n;
		p = sp + 2;
		while (*p == ' ')
			p++;
	}
	if (!b->names.err)
		return 0;
nomem:
	sr_chblock__free(b);
	return -ENOMEM;
inval:
	sr_chblock__free(b);
	return -EINVAL;
}

void sr_chblock__free(struct sr_chblock *b)
{
	for (size_t k = 0; b->cols && k < b->ncols; k++) {
		free(b->cols[k].v);
		free(b->cols[k].nul);
		sr_chbuf__free(&b->cols[k].s);
	}
	free(b->cols);
	free(b->name_end);
	sr_chbuf__free(&b->names);
	memset(b, 0, sizeof(*b));
}

void sr_chblock__clear(struct sr_chblock *b)
{
	b->n = 0;
	for (size_t k = 0; k < b->ncols; k++)
		b->cols[k].s.n = 0;
}

size_t sr_chblock__bytes(const struct sr_chblock *b)
{
	size_t n = b->names.n;

	for (size_t k = 0; k < b->ncols; k++) {
		const struct sr_chcol *c = &b->cols[k];

		n += c->v ? b->n * sizeof(*c->v) : c->s.n;
		n += c->nul ? b->n : 0;
	}
	return n;
}

size_t sr_chblock__segs(const struct sr_chblock *b, unsigned char *head,
			struct sr_chseg *segs)
{
	size_t n = 0, k0 = leb128(head, b->ncols);

	/* the block: its columns and rows, then each column's name, type and data */
	segs[n++] = (struct sr_chseg){ head, k0 + leb128(head + k0, b->n) };
	for (size_t k = 0; k < b->ncols; k++) {
		const struct sr_chcol *c = &b->cols[k];
		size_t from = k ? b->name_end[k - 1] : 0;

		segs[n++] = (struct sr_chseg){ b->names.p + from, b->name_end[k] - from };
		if (c->nul)
			segs[n++] = (struct sr_chseg){ c->nul, b->n };
		if (c->v)
			segs[n++] = (struct sr_chseg){ c->v, b->n * sizeof(*c->v) };
		else
			segs[n++] = (struct sr_chseg){ c->s.p, c->s.n };
	}
	return n;
}

/* --- answers --- */

static int grow_ptrs(char ***v, size_t **lens, size_t *cap, size_t n)
{
	if (n < *cap)
		return 0;
	if (sr_grow(v, cap, n + 1, sizeof(**v)))
		return -ENOMEM;
	if (lens) {
		size_t *l = realloc(*lens, *cap * sizeof(**lens));

		if (!l)
			return -ENOMEM;
		*lens = l;
	}
	return 0;
}

/*
 * Undo the escapes of one cell in place (it only shrinks); NULL for \N.
 * The cell ends at the first unescaped tab or newline, whose position goes
 * to *end.
 */
static char *cell(char *p, char *lim, char **end, size_t *len)
{
	char *w = p, *r = p;

	if (r + 1 < lim && r[0] == '\\' && r[1] == 'N' &&
	    (r + 2 == lim || r[2] == '\t' || r[2] == '\n')) {
		*end = r + 2;
		*len = 0;
		return NULL;
	}
	while (r < lim && *r != '\t' && *r != '\n') {
		if (*r == '\\' && r + 1 < lim) {
			char e = r[1];

			switch (e) {
			case 'n': *w++ = '\n'; break;
			case 't': *w++ = '\t'; break;
			case 'r': *w++ = '\r'; break;
			case 'b': *w++ = '\b'; break;
			case 'f': *w++ = '\f'; break;
			case '0': *w++ = '\0'; break;
			default: *w++ = e; break;
			}
			r += 2;
		} else {
			*w++ = *r++;
		}
	}
	*end = r;
	*len = (size_t)(w - p);
	return p;
}

int sr_chres__parse(struct sr_chres *res, struct sr_chbuf *b)
{
	size_t cap = 0, hcap = 0, n = 0, ncols = 0;
	char **hdr = NULL, *p, *lim;
	int err = 0;

	memset(res, 0, sizeof(*res));
	/* room for the NUL after the last cell */
	sr_chbuf__add(b, "", 1);
	if (b->err)
		return b->err;
	b->n--;
	/* the strings stay in the buffer: the result takes it over */
	res->mem = b->p;
	p = b->p;
	lim = b->p + b->n;
	memset(b, 0, sizeof(*b));
	for (int line = 0; p < lim; line++) {
		for (;;) {
			char *end, *s, sep;
			size_t len;

			s = cell(p, lim, &end, &len);
			sep = end < lim ? *end : '\n';
			if (s)
				s[len] = '\0';
			if (line < 2) {
				if (grow_ptrs(&hdr, NULL, &hcap, n)) {
					err = -ENOMEM;
					goto out;
				}
				hdr[n++] = s ? s : (char *)"";
			} else {
				if (grow_ptrs(&res->cells, &res->lens, &cap, n)) {
					err = -ENOMEM;
					goto out;
				}
				res->cells[n] = s;
				res->lens[n++] = len;
			}
			if (sep == '\n') {
				p = end + 1;
				break;
			}
			p = end + 1;
		}
		if (line == 0)
			ncols = n;
		if (line == 1) {
			if (n != 2 * ncols) {
				err = -EPROTO;
				goto out;
			}
			n = 0;
		}
	}
	if (!ncols || n % ncols) {
		err = ncols ? -EPROTO : 0;
		goto out;
	}
	res->ncols = ncols;
	res->nrows = n / ncols;
	res->names = hdr;
	res->types = hdr + ncols;
	return 0;
out:
	free(hdr);
	if (err == -EPROTO)
		sr_err("clickhouse: an answer that is not TabSeparatedWithNamesAndTypes");
	sr_chres__free(res);
	return err;
}

void sr_chres__free(struct sr_chres *r)
{
	free(r->names);
	free(r->cells);
	free(r->lens);
	free(r->mem);
	memset(r, 0, sizeof(*r));
}

int64_t sr_chres__int(const struct sr_chres *r, size_t row, size_t col)
{
	const char *s = sr_chres__at(r, row, col);

	return s ? strtoll(s, NULL, 10) : 0;
}
