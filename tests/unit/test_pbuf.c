// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_pbuf.c - the protobuf wire format of analyze/pbuf.c against bytes
 * worked out by hand from the encoding's documentation: varints of every
 * length (negative int64 in ten bytes), fixed64 little-endian, strings, and
 * nested messages whose lengths take one byte, two (a body of 128 bytes or
 * more, moved up by one) and three, nested inside each other.
 */
#define TAP_PREFIX "pbuf"
#include "unit/tap.h"

#include <errno.h>
#include <string.h>

#include "../../analyze/pbuf.h"

static int same(const struct sr_pb *p, const void *want, size_t n)
{
	return p->len == n && !memcmp(p->buf, want, n);
}

static void test_scalars(void)
{
	struct sr_pb p = { 0 };
	static const uint8_t v[] = {
		0x08, 0x00,				/* 1: 0 */
		0x10, 0x96, 0x01,			/* 2: 150 */
		0xf8, 0x07, 0x7f,			/* 127: 127 */
		0x80, 0x08, 0x80, 0x01,			/* 128: 128 */
		0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, /* 1: -1 */
		0x09, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, /* 1: fixed64 */
		0x1a, 0x03, 'a', 'b', 'c',		/* 3: "abc" */
		0x22, 0x00,				/* 4: "" */
	};

	sr_pb__varint(&p, 1, 0);
	sr_pb__varint(&p, 2, 150);
	sr_pb__varint(&p, 127, 127);
	sr_pb__varint(&p, 128, 128);
	sr_pb__int(&p, 1, -1);
	sr_pb__fixed64(&p, 1, 0x0102030405060708ull);
	sr_pb__str(&p, 3, "abc");
	sr_pb__bytes(&p, 4, "", 0);
	ok(same(&p, v, sizeof(v)) && !p.err, "varints, negative int64, fixed64, strings");
	sr_pb__free(&p);
}

/* A message holding a string of @n bytes: tag 1, its length, tag 2, @n, the bytes. */
static void test_nested(size_t n, const uint8_t *len1, size_t nlen1,
			const uint8_t *len2, size_t nlen2)
{
	struct sr_pb p = { 0 };
	uint8_t want[100000], body[70000];
	size_t w = 0;

	memset(body, 'x', n);
	sr_pb__begin(&p, 1);
	sr_pb__bytes(&p, 2, body, n);
	sr_pb__end(&p);
	want[w++] = 0x0a;
	memcpy(want + w, len1, nlen1);
	w += nlen1;
	want[w++] = 0x12;
	memcpy(want + w, len2, nlen2);
	w += nlen2;
	memcpy(want + w, body, n);
	w += n;
	ok(same(&p, want, w) && !p.err && p.depth == 0, "a message holding %zu bytes", n);
	sr_pb__free(&p);
}

static void test_deep(void)
{
	struct sr_pb p = { 0 };
	uint8_t body[200];
	uint8_t want[300];
	size_t w = 0;

	/* 1 { 2 { 3: 200 bytes } 4: 7 }: the inner body 203 bytes, the outer 208 */
	memset(body, 'y', sizeof(body));
	sr_pb__begin(&p, 1);
	sr_pb__begin(&p, 2);
	sr_pb__bytes(&p, 3, body, sizeof(body));
	sr_pb__end(&p);
	sr_pb__varint(&p, 4, 7);
	sr_pb__end(&p);
	want[w++] = 0x0a;
	want[w++] = 0xd0;	/* 208 */
	want[w++] = 0x01;
	want[w++] = 0x12;
	want[w++] = 0xcb;	/* 203 */
	want[w++] = 0x01;
	want[w++] = 0x1a;
	want[w++] = 0xc8;	/* 200 */
	want[w++] = 0x01;
	memcpy(want + w, body, sizeof(body));
	w += sizeof(body);
	want[w++] = 0x20;
	want[w++] = 0x07;
	ok(same(&p, want, w), "nested messages longer than 127 bytes, inside each other");
	sr_pb__end(&p);
	ok(p.err == -EINVAL, "an end without a begin is an error");
	sr_pb__free(&p);
}

int main(void)
{
	test_scalars();
	test_nested(5, (const uint8_t[]){ 7 }, 1, (const uint8_t[]){ 5 }, 1);
	test_nested(125, (const uint8_t[]){ 127 }, 1, (const uint8_t[]){ 125 }, 1);
	test_nested(126, (const uint8_t[]){ 0x80, 0x01 }, 2, (const uint8_t[]){ 126 }, 1);
	test_nested(300, (const uint8_t[]){ 0xaf, 0x02 }, 2, (const uint8_t[]){ 0xac, 0x02 }, 2);
	test_nested(65536, (const uint8_t[]){ 0x84, 0x80, 0x04 }, 3,
		    (const uint8_t[]){ 0x80, 0x80, 0x04 }, 3);
	test_deep();
	return tap_done();
}
