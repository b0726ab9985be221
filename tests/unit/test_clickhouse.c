// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_clickhouse.c - the pure parts of the ClickHouse sink
 * (analyze/clickhouse.c): RowBinary's little-endian integers and
 * LEB128-length strings, byte for byte, and the parser of the answers in
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
	test_answers();
	return tap_done();
}
