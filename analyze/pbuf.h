/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pbuf.h - a protobuf encoder over the wire format alone (varints, fixed64,
 * length-delimited fields), for the Perfetto export (export_perfetto.c).
 *
 * No generated code and no library: the export writes a few messages whose
 * field numbers are constants in export_perfetto.c, taken from perfetto's
 * protos/perfetto/trace/ (docs/sysrec-export.md says why).  A message is
 * built in one growing buffer; a nested message is opened with
 * sr_pb__begin(), which leaves room for its length, and closed with
 * sr_pb__end(), which writes the length in front of it.
 */
#ifndef SYSREC_ANALYZE_PBUF_H
#define SYSREC_ANALYZE_PBUF_H

#include <stddef.h>
#include <stdint.h>

#define SR_PB_DEPTH	8	/* nested messages open at once */

struct sr_pb {
	uint8_t *buf;
	size_t len, cap;
	size_t open[SR_PB_DEPTH];	/* where each open message's body starts */
	int depth;
	int err;			/* -ENOMEM, or -EINVAL for a nesting error: sticky */
};

/* Wire types (protobuf encoding documentation). */
#define SR_PB_VARINT	0
#define SR_PB_I64	1
#define SR_PB_LEN	2

/* The bytes of varint @v into @out (10 bytes of room): its length. */
static inline size_t sr_pb_varint_enc(uint8_t *out, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		out[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (uint8_t)v;
	return n;
}

/* Room for @n more bytes (grown when short): NULL and p->err on ENOMEM. */
uint8_t *sr_pb__grow(struct sr_pb *p, size_t n);
static inline uint8_t *sr_pb__need(struct sr_pb *p, size_t n)
{
	if (__builtin_expect(p->cap - p->len < n, 0))
		return sr_pb__grow(p, n);
	return p->buf + p->len;
}

/*
 * A varint field: tag and value in one reservation, in line, since a
 * packet is mostly these.
 */
static inline void sr_pb__varint(struct sr_pb *p, uint32_t field, uint64_t v)
{
	uint8_t *d = sr_pb__need(p, 20);

	if (!d)
		return;
	d += sr_pb_varint_enc(d, (uint64_t)field << 3 | SR_PB_VARINT);
	d += sr_pb_varint_enc(d, v);
	p->len = (size_t)(d - p->buf);
}
/* An int32/int64 field: negative values as ten-byte two's complement, as protobuf does. */
static inline void sr_pb__int(struct sr_pb *p, uint32_t field, int64_t v)
{
	sr_pb__varint(p, field, (uint64_t)v);
}
void sr_pb__fixed64(struct sr_pb *p, uint32_t field, uint64_t v);
void sr_pb__bytes(struct sr_pb *p, uint32_t field, const void *s, size_t len);
void sr_pb__str(struct sr_pb *p, uint32_t field, const char *s);
void sr_pb__begin_slow(struct sr_pb *p, uint32_t field);
void sr_pb__end_slow(struct sr_pb *p);

/*
 * Open a nested message (or a packet of a top-level repeated field).  In
 * line for the export's (fields below 16, room at hand), since a packet
 * opens two or three and each argument one.
 */
static inline void sr_pb__begin(struct sr_pb *p, uint32_t field)
{
	if (__builtin_expect(field >= 16 || p->depth >= SR_PB_DEPTH || p->cap - p->len < 2, 0)) {
		sr_pb__begin_slow(p, field);
		return;
	}
	p->buf[p->len] = (uint8_t)(field << 3 | SR_PB_LEN);
	p->len += 2;	/* a byte left for a length below 128, most bodies' */
	p->open[p->depth++] = p->len;
}

/* Close the innermost open message. */
static inline void sr_pb__end(struct sr_pb *p)
{
	size_t start;

	if (__builtin_expect(p->depth > 0, 1)) {
		start = p->open[p->depth - 1];
		if (p->len - start < 0x80) {
			p->buf[start - 1] = (uint8_t)(p->len - start);
			p->depth--;
			return;
		}
	}
	sr_pb__end_slow(p);
}
/* Forget what is built (after writing it out); the error stays. */
static inline void sr_pb__reset(struct sr_pb *p)
{
	p->len = 0;
	p->depth = 0;
}
void sr_pb__free(struct sr_pb *p);


#endif /* SYSREC_ANALYZE_PBUF_H */
