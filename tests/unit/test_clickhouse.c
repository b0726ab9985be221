// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_clickhouse.c - the pure parts of the ClickHouse sink
 * (analyze/clickhouse.c): RowBinary's little-endian integers and
 * LEB128-length strings and Native blocks, byte for byte, and the parser of the answers in
 * TabSeparatedWithNamesAndTypes (escapes, \N, empty cells, a truncated or
 * hostile answer).
 */
#define TAP_PREFIX "clickhouse"
#include "unit/tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../analyze/clickhouse.h"

static void test_rowbinary(void)
{
	struct sr_chbuf b = { 0 };
	static const unsigned char want[] = {
		0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	/* -2 */
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,	/* 0x0807060504030201 */
		0x01,						/* u8 1 (a NULL flag) */
		0x03, 'a', 'b', 'c',				/* "abc" */
		0x00,						/* "" */
	};
	char big[300];

	sr_chbuf__i64(&b, -2);
	sr_chbuf__u64(&b, 0x0807060504030201ull);
	sr_chbuf__u8(&b, 1);
	sr_chbuf__str(&b, "abc", 3);
	sr_chbuf__str(&b, "", 0);
	ok(!b.err && b.n == sizeof(want) && !memcmp(b.p, want, sizeof(want)),
	   "RowBinary: integers little-endian, strings with their LEB128 length");
	b.n = 0;
	memset(big, 'x', sizeof(big));
	sr_chbuf__str(&b, big, sizeof(big));
	/* 300 = 0b10_0101100: 0xac 0x02 */
	ok(b.n == 2 + sizeof(big) && (unsigned char)b.p[0] == 0xac && b.p[1] == 0x02,
	   "RowBinary: a 300-byte string has a two-byte length (0xac 0x02)");
	ok(sr_chbuf__cstr(&b) && b.p[b.n] == '\0' && b.n == 2 + sizeof(big),
	   "cstr: a NUL after the bytes, not counted");
	sr_chbuf__free(&b);
}

/* The bytes of the block as the server reads them, in one piece. */
static size_t flat(const struct sr_chblock *b, unsigned char *out, size_t max)
{
	struct sr_chseg seg[1 + 3 * 8];
	unsigned char head[20];
	size_t n = 0, k = sr_chblock__segs(b, head, seg);

	for (size_t i = 0; i < k; i++) {
		if (n + seg[i].n > max)
			return 0;
		if (seg[i].n)
			memcpy(out + n, seg[i].p, seg[i].n);
		n += seg[i].n;
	}
	return n;
}

/*
 * A Native block, byte for byte as clickhouse-server 18.16 writes one
 * (SELECT ... FORMAT Native of the same three rows): the column count and
 * row count, then a column at a time its name, its type and its data: the
 * Nullable's null map before its values, the strings with their LEB128
 * lengths.
 */
static void test_native(void)
{
	static const unsigned char want[] = {
		0x03, 0x03,
		0x01, 'a', 0x05, 'I', 'n', 't', '6', '4',
		0, 0, 0, 0, 0, 0, 0, 0,  1, 0, 0, 0, 0, 0, 0, 0,  2, 0, 0, 0, 0, 0, 0, 0,
		0x01, 'b', 0x0f, 'N', 'u', 'l', 'l', 'a', 'b', 'l', 'e', '(', 'I', 'n', 't',
		'6', '4', ')',
		0x00, 0x01, 0x00,
		7, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0,  0xf9, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff,
		0x01, 's', 0x06, 'S', 't', 'r', 'i', 'n', 'g',
		0x01, '0', 0x01, '1', 0x01, '2',
	};
	struct sr_chblock b;
	unsigned char got[256];
	size_t n;

	ok(sr_chblock__init(&b, "a I b N s S", 3) == 0 && b.ncols == 3 && b.cap == 3,
	   "Native: a block of three columns with room for three rows");
	for (int i = 0; i < 3; i++) {
		char c = (char)('0' + i);

		b.cols[0].v[i] = i;
		b.cols[1].nul[i] = i == 1;
		b.cols[1].v[i] = i == 0 ? 7 : i == 1 ? 0 : -7;
		sr_chbuf__str(&b.cols[2].s, &c, 1);
	}
	b.n = 3;
	n = flat(&b, got, sizeof(got));
	ok(n == sizeof(want) && !memcmp(got, want, sizeof(want)),
	   "Native: Int64, Nullable(Int64) and String columns as the server writes them");
	ok(sr_chblock__bytes(&b) + 2 == sizeof(want), "Native: bytes() counts all but the head");
	b.n = 0;
	b.cols[2].s.n = 0;
	n = flat(&b, got, sizeof(got));
	ok(n == 2 + 8 + 18 + 9 && got[0] == 3 && got[1] == 0, "Native: an empty block has no data");
	sr_chblock__free(&b);
	{
		/* the server writes the value under a NULL too; '' is as good */
		static const unsigned char zwant[] = {
			0x01, 0x03, 0x01, 'z', 0x10, 'N', 'u', 'l', 'l', 'a', 'b', 'l', 'e', '(',
			'S', 't', 'r', 'i', 'n', 'g', ')',
			0x00, 0x01, 0x00,
			0x01, '0', 0x00, 0x01, '2',
		};

		ok(sr_chblock__init(&b, "z Z", 3) == 0 && b.cols[0].nul && !b.cols[0].v,
		   "Native: Z is a null map and strings");
		for (int i = 0; i < 3; i++) {
			char c = (char)('0' + i);

			b.cols[0].nul[i] = i == 1;
			sr_chbuf__str(&b.cols[0].s, &c, i == 1 ? 0 : 1);
		}
		b.n = 3;
		n = flat(&b, got, sizeof(got));
		ok(n == sizeof(zwant) && !memcmp(got, zwant, sizeof(zwant)),
		   "Native: Nullable(String): the null map, then a string a row");
		sr_chblock__free(&b);
	}
	ok(sr_chblock__init(&b, "a I b Q", 4) == -EINVAL && !b.cols,
	   "Native: a type code it does not take refused");
	ok(sr_chblock__init(&b, "a R", 200) == 0 && b.cols[0].v && !b.cols[0].nul &&
	   !strcmp(sr_ch__type(b.cols[0].code), "UInt64"), "Native: R is UInt64, no null map");
	b.n = 200;
	n = flat(&b, got, 0);
	ok(n == 0, "flat: (the test's helper) refuses what does not fit");
	{
		struct sr_chseg seg[4];
		unsigned char head[20];

		ok(sr_chblock__segs(&b, head, seg) == 3 && seg[0].n == 3 && head[0] == 1 &&
		   head[1] == 0xc8 && head[2] == 0x01 && seg[2].n == 1600,
		   "Native: 200 rows: a two-byte LEB128 row count (0xc8 0x01), 1600 bytes of data");
	}
	sr_chblock__free(&b);
}

static int parse(const char *text, struct sr_chres *r)
{
	struct sr_chbuf b = { 0 };
	int err;

	sr_chbuf__add(&b, text, strlen(text));
	err = sr_chres__parse(r, &b);
	sr_chbuf__free(&b);
	return err;
}

static void test_answers(void)
{
	struct sr_chres r;

	ok_eq(parse("a\tb\nInt64\tNullable(String)\n1\tx\\ty\n-5\t\\N\n7\t\n", &r), 0,
	      "parse: a two-column answer");
	ok(r.ncols == 2 && r.nrows == 3, "parse: 2 columns, 3 rows (got %zu, %zu)",
	   r.ncols, r.nrows);
	ok(!strcmp(r.names[1], "b") && !strcmp(r.types[1], "Nullable(String)"),
	   "parse: names and types");
	ok(sr_chres__int(&r, 1, 0) == -5 && !strcmp(sr_chres__at(&r, 0, 1), "x\ty"),
	   "parse: numbers, and \\t undone");
	ok(sr_chres__at(&r, 1, 1) == NULL, "parse: \\N is NULL");
	ok(sr_chres__at(&r, 2, 1) && !*sr_chres__at(&r, 2, 1), "parse: an empty cell is ''");
	sr_chres__free(&r);

	ok_eq(parse("s\nString\na\\\\b\\nc\\0d\n", &r), 0, "parse: escapes");
	ok(r.nrows == 1 && r.lens[0] == 7 && !memcmp(sr_chres__at(&r, 0, 0), "a\\b\nc\0d", 7),
	   "parse: \\\\, \\n and \\0 undone, the length counts the NUL");
	sr_chres__free(&r);

	ok_eq(parse("", &r), 0, "parse: an empty answer");
	ok(r.nrows == 0 && r.ncols == 0, "parse: no rows");
	sr_chres__free(&r);
	ok_eq(parse("a\tb\nInt64\n", &r), -EPROTO, "parse: types that do not match the names");
	ok_eq(parse("a\tb\nInt64\tInt64\n1\n", &r), -EPROTO, "parse: a row cut short");
	ok_eq(parse("a\nInt64\n1\n2", &r), 0, "parse: a last row without its newline");
	ok(r.nrows == 2 && sr_chres__int(&r, 1, 0) == 2, "parse: ... is a row");
	sr_chres__free(&r);
}

int main(void)
{
	test_rowbinary();
	test_native();
	test_answers();
	return tap_done();
}
