// SPDX-License-Identifier: GPL-2.0-only
/*
 * pbuf.c - the protobuf wire format, written (pbuf.h).
 *
 * A nested message's length comes before its body, and is not known until
 * the body is written.  The body is small (a packet of the export is a few
 * hundred bytes at most but for an exec's argv), so it is written in place
 * and moved up by the length's few bytes when it is closed: simpler than
 * measuring every message twice, and the copy is of bytes already in cache.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pbuf.h"

uint8_t *sr_pb__grow(struct sr_pb *p, size_t n)
{
	size_t cap = p->cap ? p->cap : 4096;
	uint8_t *b;

	while (cap - p->len < n)
		cap *= 2;
	b = realloc(p->buf, cap);
	if (!b) {
		p->err = -ENOMEM;
		return NULL;
	}
	p->buf = b;
	p->cap = cap;
	return p->buf + p->len;
}

static inline void tag(struct sr_pb *p, uint32_t field, int wire)
{
	uint8_t *d = sr_pb__need(p, 10);

	if (d)
		p->len += sr_pb_varint_enc(d, (uint64_t)field << 3 | (uint64_t)wire);
}

void sr_pb__fixed64(struct sr_pb *p, uint32_t field, uint64_t v)
{
	uint8_t *d;

	tag(p, field, SR_PB_I64);
	d = sr_pb__need(p, 8);
	if (!d)
		return;
	for (int i = 0; i < 8; i++)
		d[i] = (uint8_t)(v >> (8 * i));	/* little-endian on the wire, whatever the host */
	p->len += 8;
}

void sr_pb__bytes(struct sr_pb *p, uint32_t field, const void *s, size_t len)
{
	uint8_t *d;

	tag(p, field, SR_PB_LEN);
	d = sr_pb__need(p, 10 + len);
	if (!d)
		return;
	p->len += sr_pb_varint_enc(d, len);
	memcpy(p->buf + p->len, s, len);
	p->len += len;
}

void sr_pb__str(struct sr_pb *p, uint32_t field, const char *s)
{
	sr_pb__bytes(p, field, s, strlen(s));
}

void sr_pb__begin_slow(struct sr_pb *p, uint32_t field)
{
	if (p->depth >= SR_PB_DEPTH) {
		p->err = -EINVAL;
		return;
	}
	tag(p, field, SR_PB_LEN);
	if (!sr_pb__need(p, 1))
		return;
	p->len++;		/* room for a length below 128, most bodies' */
	p->open[p->depth++] = p->len;
}

void sr_pb__end_slow(struct sr_pb *p)
{
	uint8_t lenb[10];
	size_t start, body, n;

	if (p->depth <= 0) {
		p->err = -EINVAL;
		return;
	}
	start = p->open[--p->depth];
	body = p->len - start;
	if (body < 0x80) {
		p->buf[start - 1] = (uint8_t)body;
		return;
	}
	n = sr_pb_varint_enc(lenb, body);
	if (!sr_pb__need(p, n - 1))
		return;
	memmove(p->buf + start + n - 1, p->buf + start, body);
	memcpy(p->buf + start - 1, lenb, n);
	p->len += n - 1;
}

void sr_pb__free(struct sr_pb *p)
{
	free(p->buf);
	memset(p, 0, sizeof(*p));
}
