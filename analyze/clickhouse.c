// SPDX-License-Identifier: GPL-2.0-only
/*
 * clickhouse.c - what the ClickHouse sink's parts share: a growing buffer,
 * the RowBinary encoding of the values exported, and the parser of the
 * answers (TabSeparatedWithNamesAndTypes) the reports read.
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

void sr_chbuf__str(struct sr_chbuf *b, const char *s, size_t n)
{
	unsigned char len[10];
	size_t k = 0, v = n;

	do {
		len[k] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			len[k] |= 0x80;
		k++;
	} while (v);
	sr_chbuf__add(b, len, k);
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
