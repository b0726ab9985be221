// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_util.c - escaping, the JSON writer, sizes, durations, times, pid
 * lists and cgroup paths (format/util.c, json.c).
 */
#define TAP_PREFIX "util"
#include "unit/tap.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sysrec/builtin.h"
#include "sysrec/format.h"
#include "sysrec/util.h"

/* A memory stream the escapers and the JSON writer print into. */
static char *mem_buf;
static size_t mem_len;

static FILE *mem_open(void)
{
	free(mem_buf);
	mem_buf = NULL;
	mem_len = 0;
	return open_memstream(&mem_buf, &mem_len);
}

static const char *mem_close(FILE *f)
{
	fclose(f);
	return mem_buf;
}

typedef void (*put_fn)(FILE *f, const char *s, size_t len);

static const char *esc(put_fn fn, const char *s, size_t len)
{
	FILE *f = mem_open();

	fn(f, s, len);
	return mem_close(f);
}

#define S(lit) lit, sizeof(lit) - 1

/* Prints one line whatever the strings hold: on failure both are shown escaped. */
static void check_str(const char *name, const char *got, const char *want)
{
	if (got && !strcmp(got, want)) {
		ok(1, "%s", name);
		return;
	}
	tap_start(0, "%s", name);
	printf(": got [");
	if (got)
		sr_fput_text(stdout, got, strlen(got));
	printf("], want [");
	sr_fput_text(stdout, want, strlen(want));
	printf("]\n");
}

/* An escaper's input (a literal, NULs and all) and what it must print. */
struct esc_case {
	const char *name, *in;
	size_t len;
	const char *want;
};

#define ESC(name, lit, want) { name, lit, sizeof(lit) - 1, want }

static void check_esc(put_fn fn, const struct esc_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++)
		check_str(cases[i].name, esc(fn, cases[i].in, cases[i].len), cases[i].want);
}

static const struct esc_case text_cases[] = {
	ESC("text plain", "/tmp/x y", "/tmp/x y"),
	ESC("text empty", "", ""),
	ESC("text newline tab cr", "a\nb\tc\rd", "a\\nb\\tc\\rd"),
	ESC("text quote backslash", "say \"hi\" \\o/", "say \\\"hi\\\" \\\\o/"),
	ESC("text control", "\x01\x1b[31m\x7f", "\\x01\\x1b[31m\\x7f"),
	ESC("text nul", "a\0b", "a\\x00b"),
	ESC("text utf8 passes", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
	ESC("text invalid ff", "a\xff" "b", "a\\xffb"),
	ESC("text stray continuation", "\x80x", "\\x80x"),
	ESC("text overlong", "\xc0\xaf", "\\xc0\\xaf"),
	ESC("text overlong 3", "\xe0\x80\xaf", "\\xe0\\x80\\xaf"),
	ESC("text surrogate", "\xed\xa0\x80", "\\xed\\xa0\\x80"),
	ESC("text above 10ffff", "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"),
	ESC("text cut sequence at end", "ok\xe2\x82", "ok\\xe2\\x82"),
	ESC("text cut sequence before ascii", "\xe2\x82Z", "\\xe2\\x82Z"),
	ESC("text C1 control", "a\xc2\x9b" "b", "a\\xc2\\x9bb"),
	{ "text len not strlen", "abcdef", 3, "abc" },
};

static const struct esc_case csv_cases[] = {
	ESC("csv plain", "/tmp/x", "/tmp/x"),
	ESC("csv empty", "", ""),
	ESC("csv comma quoted", "a,b", "\"a,b\""),
	ESC("csv quote doubled", "say \"hi\"", "\"say \"\"hi\"\"\""),
	ESC("csv newline escaped", "a\nb\r", "a\\x0ab\\x0d"),
	ESC("csv backslash", "a\\x41", "a\\\\x41"),
	ESC("csv invalid", "\xff\xfe,", "\"\\xff\\xfe,\""),
	ESC("csv utf8 passes", "\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9"),
	ESC("csv tab and nul", "\t\0", "\\x09\\x00"),
};

static const struct esc_case json_str_cases[] = {
	ESC("json plain", "/tmp/x", "\"/tmp/x\""),
	ESC("json empty", "", "\"\""),
	ESC("json escapes", "\"\\\n\t\r\b\f", "\"\\\"\\\\\\n\\t\\r\\b\\f\""),
	ESC("json control", "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\""),
	ESC("json nul", "a\0", "\"a\\u0000\""),
	ESC("json invalid bytes", "\xff\xc3", "\"\\u00ff\\u00c3\""),
	ESC("json utf8 passes", "\xe2\x82\xac\xf0\x9f\x98\x80", "\"\xe2\x82\xac\xf0\x9f\x98\x80\""),
	ESC("json slash not escaped", "a/b", "\"a/b\""),
};

static void test_text(void)
{
	check_esc(sr_fput_text, text_cases, ARRAY_SIZE(text_cases));
}

static void test_csv(void)
{
	check_esc(sr_fput_csv, csv_cases, ARRAY_SIZE(csv_cases));
}

static void test_json_str(void)
{
	check_esc(sr_fput_json, json_str_cases, ARRAY_SIZE(json_str_cases));
}

/* The memory forms give what the FILE forms give, and long strings are not split badly. */
static void test_esc_mem(void)
{
	static char in[5000], want[5000 * 6 + 2], got[SR_ESC_MAX(5000)];
	const char *file_out;
	size_t i, n;

	n = sr_esc_text(got, S("a\nb\"\xff\xc2\x9b\xe2\x82\xac"));
	got[n] = 0;
	check_str("esc_text", got, "a\\nb\\\"\\xff\\xc2\\x9b\xe2\x82\xac");
	n = sr_esc_json(got, S("a\nb\"\xff\x01\xe2\x82\xac"));
	got[n] = 0;
	check_str("esc_json", got, "\"a\\nb\\\"\\u00ff\\u0001\xe2\x82\xac\"");
	ok_eq(sr_esc_json(got, "", 0), 2, "esc_json empty is two quotes");
	ok_eq(sr_esc_text(got, "", 0), 0, "esc_text empty is nothing");
	/* worst case fills SR_ESC_MAX exactly */
	memset(in, 1, 100);
	ok_eq(sr_esc_json(got, in, 100), SR_ESC_MAX(100), "esc_json worst case");

	/* a euro sign across the 1024-byte pieces of the FILE forms */
	memset(in, 'a', 1023);
	memcpy(in + 1023, "\xe2\x82\xac" "b", 4);
	in[1027] = 0;
	check_str("fput_text keeps a character across pieces", esc(sr_fput_text, in, 1027), in);
	/* a whole 4-byte character ending a piece, then a stray continuation byte */
	memset(in, 'a', 1020);
	memcpy(in + 1020, "\xf0\x9f\x98\x80\x80" "b", 6);
	n = sr_esc_json(want, in, 1026);
	want[n] = 0;
	check_str("fput_json keeps a character before a stray byte across pieces",
		  esc(sr_fput_json, in, 1026), want);
	n = sr_esc_text(want, in, 1026);
	want[n] = 0;
	check_str("fput_text keeps a character before a stray byte across pieces",
		  esc(sr_fput_text, in, 1026), want);
	/* and an invalid byte stream of every value, long: FILE and memory forms agree */
	for (i = 0; i < sizeof(in); i++)
		in[i] = (char)(i * 7 + (i >> 8));
	n = sr_esc_text(want, in, sizeof(in));
	want[n] = 0;
	file_out = esc(sr_fput_text, in, sizeof(in));
	ok(file_out && strlen(file_out) == n && !memcmp(file_out, want, n),
	   "fput_text of 5000 mixed bytes equals esc_text");
	n = sr_esc_json(want, in, sizeof(in));
	want[n] = 0;
	file_out = esc(sr_fput_json, in, sizeof(in));
	ok(file_out && strlen(file_out) == n && !memcmp(file_out, want, n),
	   "fput_json of 5000 mixed bytes equals esc_json");
}

static void json_build(struct sr_json *j, int which)
{
	if (which == 0) {
		sr_json__obj_start(j);
		sr_json__key(j, "a");
		sr_json__u64(j, 18446744073709551615ULL);
		sr_json__key(j, "b");
		sr_json__s64(j, -9223372036854775807LL - 1);
		sr_json__key(j, "list");
		sr_json__arr_start(j);
		sr_json__str(j, "x\"y");
		sr_json__bool(j, 1);
		sr_json__bool(j, 0);
		sr_json__null(j);
		sr_json__arr_start(j);
		sr_json__arr_end(j);
		sr_json__obj_start(j);
		sr_json__obj_end(j);
		sr_json__arr_end(j);
		sr_json__key(j, "o");
		sr_json__obj_start(j);
		sr_json__key(j, "k\n");
		sr_json__strn(j, "ab\xff", 3);
		sr_json__obj_end(j);
		sr_json__key(j, "s");
		sr_json__str(j, NULL);
		sr_json__obj_end(j);
	} else {
		/* two top-level documents: one per line */
		sr_json__obj_start(j);
		sr_json__key(j, "n");
		sr_json__u64(j, 1);
		sr_json__obj_end(j);
		sr_json__obj_start(j);
		sr_json__key(j, "n");
		sr_json__u64(j, 2);
		sr_json__obj_end(j);
	}
}

static const char *json_doc(int pretty, int which)
{
	FILE *f = mem_open();
	struct sr_json *j = sr_json__new(f, pretty);

	json_build(j, which);
	sr_json__free(j);
	return mem_close(f);
}

static const char *json_dbl(double v)
{
	FILE *f = mem_open();
	struct sr_json *j = sr_json__new(f, 0);

	sr_json__arr_start(j);
	sr_json__dbl(j, v);
	sr_json__arr_end(j);
	sr_json__free(j);
	return mem_close(f);
}

static void test_json_writer(void)
{
	double vals[] = { 0.1, 1.0 / 3, 2.5e-300, 1.7976931348623157e308, 123456789.123456789 };
	char want[64];
	size_t i;

	check_str("json compact",
		  json_doc(0, 0),
		  "{\"a\":18446744073709551615,\"b\":-9223372036854775808,"
		  "\"list\":[\"x\\\"y\",true,false,null,[],{}],"
		  "\"o\":{\"k\\n\":\"ab\\u00ff\"},\"s\":null}\n");
	check_str("json pretty",
		  json_doc(1, 0),
		  "{\n"
		  "  \"a\": 18446744073709551615,\n"
		  "  \"b\": -9223372036854775808,\n"
		  "  \"list\": [\n"
		  "    \"x\\\"y\",\n"
		  "    true,\n"
		  "    false,\n"
		  "    null,\n"
		  "    [],\n"
		  "    {}\n"
		  "  ],\n"
		  "  \"o\": {\n"
		  "    \"k\\n\": \"ab\\u00ff\"\n"
		  "  },\n"
		  "  \"s\": null\n"
		  "}\n");
	check_str("json ndjson", json_doc(0, 1), "{\"n\":1}\n{\"n\":2}\n");
	check_str("json pretty two docs", json_doc(1, 1), "{\n  \"n\": 1\n}\n{\n  \"n\": 2\n}\n");

	check_str("json dbl 0.1", json_dbl(0.1), "[0.1]\n");
	check_str("json dbl 1.5", json_dbl(1.5), "[1.5]\n");
	check_str("json dbl 2", json_dbl(2.0), "[2]\n");
	check_str("json dbl -0.25", json_dbl(-0.25), "[-0.25]\n");
	check_str("json dbl 1e300", json_dbl(1e300), "[1e+300]\n");
	check_str("json dbl nan", json_dbl(NAN), "[null]\n");
	check_str("json dbl inf", json_dbl(INFINITY), "[null]\n");
	check_str("json dbl -inf", json_dbl(-INFINITY), "[null]\n");
	check_str("json dbl 1/3", json_dbl(1.0 / 3), "[0.33333333333333331]\n");
	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		const char *got = json_dbl(vals[i]);

		ok(got && got[0] == '[' && strtod(got + 1, NULL) == vals[i],
		   "json dbl round trip %.17g", vals[i]);
	}
	snprintf(want, sizeof(want), "%s", json_dbl(0.1));
	check_str("json dbl stable", want, "[0.1]\n");
}

/* analyze's rows: what analyze/resultset.c's print_json() writes for the same values. */
static const char *json_rows(int nrows)
{
	FILE *f = mem_open();
	struct sr_json *j = sr_json__new(f, SR_JSON_ROWS);
	char num[40];

	sr_json__arr_start(j);
	for (int r = 0; r < nrows; r++) {
		sr_json__obj_start(j);
		sr_json__key(j, "comm");
		sr_json__str(j, "a\"b");
		sr_json__key(j, "bytes");
		sr_json__s64(j, -5 + r);
		sr_json__key(j, "t");
		snprintf(num, sizeof(num), "%.6f", 1.5);
		sr_json__raw(j, num, strlen(num));
		sr_json__key(j, "x");
		sr_json__null(j);
		sr_json__obj_end(j);
	}
	sr_json__arr_end(j);
	sr_json__free(j);
	return mem_close(f);
}

/* The same documents through a FILE and through memory. */
static void check_mem_same(const char *name, int style, const char *s, size_t len)
{
	FILE *f = mem_open();
	struct sr_json *jf = sr_json__new(f, style);
	struct sr_json *jm = sr_json__new_mem(style);
	const char *got;
	size_t n;

	for (int which = 0; which < 2; which++) {
		json_build(jf, which);
		json_build(jm, which);
	}
	sr_json__strn(jf, s, len);
	sr_json__strn(jm, s, len);
	mem_close(f);
	got = sr_json__mem(jm, &n);
	ok(got && mem_buf && n == mem_len && !memcmp(got, mem_buf, n),
	   "json memory writer writes what the FILE writer does: %s", name);
	sr_json__mem_clear(jm);
	sr_json__null(jm);
	got = sr_json__mem(jm, &n);
	ok(got && n == 5 && !memcmp(got, "null\n", 5), "json memory writer cleared: %s", name);
	sr_json__free(jf);
	sr_json__free(jm);
}

static void test_json_styles(void)
{
	char big[5000];

	check_str("json rows", json_rows(2),
		  "[\n"
		  "{\"comm\": \"a\\\"b\", \"bytes\": -5, \"t\": 1.500000, \"x\": null},\n"
		  "{\"comm\": \"a\\\"b\", \"bytes\": -4, \"t\": 1.500000, \"x\": null}\n"
		  "]\n");
	check_str("json rows one", json_rows(1),
		  "[\n{\"comm\": \"a\\\"b\", \"bytes\": -5, \"t\": 1.500000, \"x\": null}\n]\n");
	check_str("json rows none", json_rows(0), "[]\n");

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 % 251 < 32 ? 'a' : (i * 7 % 251));
	check_mem_same("compact", SR_JSON_COMPACT, S("x\"y\n\xff\xc3\xa9"));
	check_mem_same("pretty", SR_JSON_PRETTY, S("x\"y\n\xff\xc3\xa9"));
	check_mem_same("rows", SR_JSON_ROWS, S("\x1b[31m"));
	check_mem_same("5000 bytes", SR_JSON_COMPACT, big, sizeof(big));
}

static void test_human(void)
{
	static const struct {
		uint64_t v;
		const char *want;
	} t[] = {
		{ 0, "0 B" },
		{ 512, "512 B" },
		{ 1023, "1023 B" },
		{ 1024, "1.0 KiB" },
		{ 1536, "1.5 KiB" },
		{ 1048575, "1.0 MiB" },		/* rounds up across the unit */
		{ 1572864, "1.5 MiB" },
		{ 10737418240ULL, "10.0 GiB" },
		{ 1099511627776ULL, "1.0 TiB" },
		{ 1125899906842624ULL, "1.0 PiB" },
		{ 18446744073709551615ULL, "16.0 EiB" },
	};
	char buf[32], small[6], name[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		snprintf(name, sizeof(name), "human bytes %llu", (unsigned long long)t[i].v);
		check_str(name, sr_human_bytes(t[i].v, buf, sizeof(buf)), t[i].want);
	}
	check_str("human bytes small buffer", sr_human_bytes(1572864, small, sizeof(small)), "1.5 M");
}

struct parse_case {
	const char *s;
	uint64_t want;
};

/* Each good string parses to its value; each bad one is -EINVAL and leaves the value alone. */
static void check_parser(const char *name, int (*parse)(const char *, uint64_t *),
			 const struct parse_case *good, size_t ngood,
			 const char *const *bad, size_t nbad)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < ngood; i++) {
		v = 12345;
		ok(parse(good[i].s, &v) == 0 && v == good[i].want,
		   "%s '%s' = %llu (got %llu)", name, good[i].s,
		   (unsigned long long)good[i].want, (unsigned long long)v);
	}
	for (i = 0; i < nbad; i++) {
		v = 12345;
		ok(parse(bad[i], &v) == -EINVAL && v == 12345, "%s rejects '%s'", name, bad[i]);
	}
}

static void test_parse_size(void)
{
	static const struct parse_case good[] = {
		{ "0", 0 }, { "10", 10 }, { "10B", 10 }, { "1K", 1024 }, { "1k", 1024 },
		{ "1KB", 1024 }, { "1KiB", 1024 }, { "64M", 67108864 }, { "64MiB", 67108864 },
		{ "2G", 2147483648ULL }, { "2g", 2147483648ULL }, { "1T", 1099511627776ULL },
		{ "007", 7 }, { "15E", 17293822569102704640ULL },
		{ "18446744073709551615", 18446744073709551615ULL },
	};
	static const char *const bad[] = {
		"", "-1", "+1", " 1", "1 ", "1 K", "K", "1X", "1KK", "1Ki", "1iB", "1.5M",
		"0x10", "1e3", "18446744073709551616", "16E", "17179869184G", "99999999999999999999",
		"1Kb", "1KiBx", "10bytes",
	};
	uint64_t v;

	check_parser("parse_size", sr_parse_size, good, ARRAY_SIZE(good), bad, ARRAY_SIZE(bad));
	ok_eq(sr_parse_size(NULL, &v), -EINVAL, "parse_size NULL");
}

static void test_parse_duration(void)
{
	static const struct parse_case good[] = {
		{ "0", 0 }, { "1", 1000000000ULL }, { "1.5", 1500000000ULL },
		{ "0.000000001", 1 }, { "0.0000000019", 1 }, { "2s", 2000000000ULL },
		{ "500ms", 500000000ULL }, { "200ms", 200000000ULL }, { "1.25ms", 1250000 },
		{ "7us", 7000 }, { "42ns", 42 }, { "3m", 180000000000ULL },
		{ "2min", 120000000000ULL }, { "1h", 3600000000000ULL },
		{ "1.5h", 5400000000000ULL }, { "0.5ns", 0 },
		{ "18446744073.709551615", 18446744073709551615ULL },
		{ "1.00000000000000000000000001", 1000000000ULL },
	};
	static const char *const bad[] = {
		"", "-1", "+1", " 1", "1 ", "1 s", "s", ".5", "1.", "1.s", "1x", "1sec", "1e3",
		"1S", "inf", "nan", "0x10", "1..2", "18446744074", "18446744073.709551616",
		"5124096h", "99999999999999999999ns", "1,5",
	};

	check_parser("parse_duration", sr_parse_duration, good, ARRAY_SIZE(good), bad,
		     ARRAY_SIZE(bad));
}

static void test_parse_u64(void)
{
	uint64_t v = 0;

	ok(sr_parse_u64("42", 0, 100, &v) == 0 && v == 42, "parse_u64 42");
	ok(sr_parse_u64("0", 0, 100, &v) == 0 && v == 0, "parse_u64 0");
	ok(sr_parse_u64("100", 0, 100, &v) == 0 && v == 100, "parse_u64 at max");
	ok(sr_parse_u64("18446744073709551615", 0, UINT64_MAX, &v) == 0 && v == UINT64_MAX,
	   "parse_u64 u64 max");
	v = 7;
	ok_eq(sr_parse_u64("101", 0, 100, &v), -EINVAL, "parse_u64 above max");
	ok_eq(sr_parse_u64("4", 5, 100, &v), -EINVAL, "parse_u64 below min");
	ok_eq(sr_parse_u64("-1", 0, UINT64_MAX, &v), -EINVAL, "parse_u64 negative");
	ok_eq(sr_parse_u64("+1", 0, 100, &v), -EINVAL, "parse_u64 plus");
	ok_eq(sr_parse_u64("", 0, 100, &v), -EINVAL, "parse_u64 empty");
	ok_eq(sr_parse_u64(" 1", 0, 100, &v), -EINVAL, "parse_u64 space");
	ok_eq(sr_parse_u64("1a", 0, 100, &v), -EINVAL, "parse_u64 junk");
	ok_eq(sr_parse_u64("0x10", 0, 100, &v), -EINVAL, "parse_u64 hex");
	ok_eq(sr_parse_u64("18446744073709551616", 0, UINT64_MAX, &v), -EINVAL,
	      "parse_u64 overflow");
	ok_eq(v, 7, "parse_u64 leaves out alone on error");
}

/* sr_parse_pids: "want" is the list after, or the item and reason of the error. */
static void check_pids(const char *s, uint32_t min, uint32_t max, size_t cap, int want_err,
		       const char *want)
{
	uint32_t out[8] = { 7 };
	size_t n = 1;
	struct sr_list_err e = { 0 };
	char got[128];
	int err = sr_parse_pids(s, min, max, out, cap, &n, &e);
	int len = 0;

	if (err) {
		snprintf(got, sizeof(got), "'%.*s' %s", (int)e.len, e.item, e.why);
		ok(err == want_err && e.err == err && n == 1 && out[0] == 7,
		   "parse_pids '%s': error %d, list left alone", s, err);
	} else {
		for (size_t i = 0; i < n; i++)
			len += snprintf(got + len, sizeof(got) - len, "%s%u", i ? "," : "", out[i]);
		ok(!want_err, "parse_pids '%s': succeeds", s);
	}
	check_str(s, got, want);
}

static void test_parse_pids(void)
{
	/* record's range: 1..INT32_MAX; the list starts with a pid already given */
	check_pids("1", 1, INT32_MAX, 8, 0, "7,1");
	check_pids("12,34,2147483647", 1, INT32_MAX, 8, 0, "7,12,34,2147483647");
	check_pids("0", 1, INT32_MAX, 8, -ERANGE, "'0' out of range");
	check_pids("2147483648", 1, INT32_MAX, 8, -ERANGE, "'2147483648' out of range");
	check_pids("1,99999999999999999999999", 1, INT32_MAX, 8, -ERANGE,
		   "'99999999999999999999999' out of range");
	/* dump's and analyze's: 0..UINT32_MAX */
	check_pids("0,4294967295", 0, UINT32_MAX, 8, 0, "7,0,4294967295");
	check_pids("4294967296", 0, UINT32_MAX, 8, -ERANGE, "'4294967296' out of range");
	/* empty items: strtok_r used to skip them */
	check_pids("", 0, UINT32_MAX, 8, -EINVAL, "'' empty item");
	check_pids("1,,2", 0, UINT32_MAX, 8, -EINVAL, "'' empty item");
	check_pids(",1", 0, UINT32_MAX, 8, -EINVAL, "'' empty item");
	check_pids("1,", 0, UINT32_MAX, 8, -EINVAL, "'' empty item");
	check_pids(",", 0, UINT32_MAX, 8, -EINVAL, "'' empty item");
	/* not numbers */
	check_pids("1,x", 0, UINT32_MAX, 8, -EINVAL, "'x' not a number");
	check_pids("-1", 0, UINT32_MAX, 8, -EINVAL, "'-1' not a number");
	check_pids("+1", 0, UINT32_MAX, 8, -EINVAL, "'+1' not a number");
	check_pids(" 1", 0, UINT32_MAX, 8, -EINVAL, "' 1' not a number");
	check_pids("1 ", 0, UINT32_MAX, 8, -EINVAL, "'1 ' not a number");
	check_pids("0x10", 0, UINT32_MAX, 8, -EINVAL, "'0x10' not a number");
	check_pids("12a,3", 0, UINT32_MAX, 8, -EINVAL, "'12a' not a number");
	/* too many: the first item that does not fit; a bad item anywhere first */
	check_pids("1,2,3", 0, UINT32_MAX, 3, -E2BIG, "'3' too many items");
	check_pids("1,2", 0, UINT32_MAX, 3, 0, "7,1,2");
	check_pids("1,2,3,x", 0, UINT32_MAX, 3, -EINVAL, "'x' not a number");
	check_pids("1,2,3,0", 1, INT32_MAX, 3, -ERANGE, "'0' out of range");
}

struct cg_case {
	const char *path, *prefix;
	int want;
};

static void test_cgroup_under(void)
{
	static const struct cg_case cases[] = {
		{ "/a", "/a", 1 },
		{ "/a", "/", 1 },
		{ "/a/b", "/a", 1 },
		{ "/a/b/c", "/a/b", 1 },
		{ "/ab", "/a", 0 },
		{ "/a", "/a/b", 0 },
		{ "/b", "/a", 0 },
		{ "/", "/", 1 },
		{ "/", "/a", 0 },
		{ "/a/b", "", 1 },
		/* where record/snapshot.c's under_cgroup() said no */
		{ "/a", "/a/", 1 },
		{ "/a/b", "/a//", 1 },
		{ "/a", "a", 1 },
		{ "/a/b", "a", 1 },
		{ "/a", "//", 1 },
		{ "a/b", "/a", 1 },
		/* where analyze/cgroup.c's sr_cg_under() said yes */
		{ "", "/", 0 },
		{ "", "", 0 },
		/* where both agreed */
		{ "/a/", "/a", 1 },
		{ "/ab/", "/a/", 0 },
		{ "/a.slice/b.scope", "/a.slice", 1 },
		{ "/a.slice2", "/a.slice", 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		ok(sr_cgroup_under(cases[i].path, strlen(cases[i].path), cases[i].prefix,
				   strlen(cases[i].prefix)) == cases[i].want,
		   "cgroup_under '%s' '%s' is %d", cases[i].path, cases[i].prefix, cases[i].want);
	ok(!sr_cgroup_under(NULL, 0, "/", 1), "cgroup_under NULL path");
	ok(sr_cgroup_under("/a/bc", 4, "/a/b", 4), "cgroup_under counts len, not the NUL");
	ok(sr_cgroup_under("/a/b", 4, "/a/bc", 4), "cgroup_under counts plen, not the NUL");
}

static void test_ends_with_floor_div(void)
{
	ok(sr_ends_with("x.scope", 7, ".scope"), "ends_with .scope");
	ok(sr_ends_with(".scope", 6, ".scope"), "ends_with the whole");
	ok(!sr_ends_with("scope", 5, ".scope"), "ends_with shorter");
	ok(!sr_ends_with("x.scope", 6, ".scope"), "ends_with counts len");
	ok(sr_ends_with("x.scopeZZ", 7, ".scope"), "ends_with ignores past len");
	ok(sr_ends_with("abc", 3, ""), "ends_with empty suffix");
	ok(sr_ends_with("", 0, ""), "ends_with empty both");
	ok(!sr_ends_with("total_bytes", 11, "bytesx"), "ends_with no");

	ok_eq(sr_floor_div(7, 2), 3, "floor_div 7/2");
	ok_eq(sr_floor_div(-7, 2), -4, "floor_div -7/2");
	ok_eq(sr_floor_div(7, -2), -4, "floor_div 7/-2");
	ok_eq(sr_floor_div(-7, -2), 3, "floor_div -7/-2");
	ok_eq(sr_floor_div(-8, 2), -4, "floor_div -8/2 exact");
	ok_eq(sr_floor_div(0, 5), 0, "floor_div 0");
	ok_eq(sr_floor_div(-1, 1000), -1, "floor_div -1/1000");
	ok_eq(sr_floor_div(INT64_MIN, 1), INT64_MIN, "floor_div INT64_MIN/1");
	ok_eq(sr_floor_div(INT64_MIN, 10), INT64_MIN / 10 - 1, "floor_div INT64_MIN/10");
	ok_eq(sr_floor_div(INT64_MAX, -1), -INT64_MAX, "floor_div INT64_MAX/-1");
}

static void test_wall(void)
{
	char buf[64], small[12];

	setenv("TZ", "UTC", 1);
	tzset();
	check_str("wall epoch", sr_fmt_wall(0, buf, sizeof(buf)), "1970-01-01 00:00:00.000000");
	check_str("wall micro truncated",
		  sr_fmt_wall(1795381215123456789LL, buf, sizeof(buf)),
		  "2026-11-22 21:00:15.123456");
	check_str("wall before 1970", sr_fmt_wall(-1, buf, sizeof(buf)),
		  "1969-12-31 23:59:59.999999");
	check_str("wall small buffer", sr_fmt_wall(0, small, sizeof(small)), "0.000000");
	setenv("TZ", "CET-1", 1);
	tzset();
	check_str("wall local time", sr_fmt_wall(0, buf, sizeof(buf)), "1970-01-01 01:00:00.000000");
	setenv("TZ", "UTC", 1);
	tzset();
}

static void test_errno_name(void)
{
	check_str("errno ENOENT", sr_errno_name(ENOENT), "ENOENT");
	check_str("errno -EACCES", sr_errno_name(-EACCES), "EACCES");
	ok(sr_errno_name(0) == NULL, "errno 0 has no name");
	check_str("errno -512, kernel-internal", sr_errno_name(-512), "ERESTARTSYS");
	check_str("errno 516, kernel-internal", sr_errno_name(516), "ERESTART_RESTARTBLOCK");
	ok(sr_errno_name(-4000) == NULL, "errno 4000 has no name");
	ok(sr_errno_name(-100000) == NULL, "errno out of range has no name");
}

/* sr_err: one line on stderr whatever the message holds. */
static void test_err(void)
{
	char path[] = "/tmp/sysrec-test-util-XXXXXX";
	char got[256] = "";
	int fd = mkstemp(path), saved = dup(2);
	FILE *f;
	size_t n;

	ok(fd >= 0 && saved >= 0, "err temp file");
	if (fd < 0 || saved < 0)
		return;
	fflush(stderr);
	dup2(fd, 2);
	sr_err("cannot open %s: %s", "a\nb\x1b\xff.trc", "No such file or directory");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fopen(path, "r");
	n = f ? fread(got, 1, sizeof(got) - 1, f) : 0;
	got[n] = 0;
	if (f)
		fclose(f);
	close(fd);
	unlink(path);
	check_str("err one line", got,
		  "sysrec: cannot open a\\x0ab\\x1b\\xff.trc: No such file or directory\n");
}

/*
 * dump and info on a record type only the file's own schema describes (a
 * newer recorder's): mktrace cannot make one, the writer API can.
 */
static const struct sr_field frob_fields[] = {
	{ "type", SR_FK_U16, 0, 2 },		/* header fields: dump prints them itself */
	{ "a", SR_FK_U32, 56, 4 },
	{ "b", SR_FK_S32, 60, 4 },
	{ "addr", SR_FK_HEX, 64, 8 },
	{ "label", SR_FK_STR, 72, 4 },
	{ "x\ny", SR_FK_U8, 76, 1 },		/* a hostile field name */
	{ "_pad", SR_FK_PAD, 77, 3 },
	{ "who", SR_FK_COMM, 80, 16 },
};

static const struct sr_type frob_type = {
	.type = 99, .name = "fr\tob", .fixed_size = 96,	/* a hostile type name */
	.nfields = ARRAY_SIZE(frob_fields), .fields = frob_fields,
};

static int make_frob_trace(const char *path)
{
	struct sr_writer_opts opts = { .force = 1, .owner_uid = (uid_t)-1, .owner_gid = (gid_t)-1 };
	struct sr_writer *w = NULL;
	uint64_t rec[13] = { 0 };	/* 104 bytes, 8-aligned */
	struct sr_event *ev = (struct sr_event *)rec;
	char *p = (char *)rec;
	uint32_t a = 7;
	int32_t b = -3;
	uint64_t addr = 0xdead;
	struct sr_str label = { 96, 3 };
	int err;

	ev->type = 99;
	ev->size = sizeof(rec);
	ev->cpu = 3;
	ev->flags = SR_F_PATH_CUT;
	ev->ts = 1500000000;
	ev->pid = 5;
	ev->tid = 6;
	memcpy(ev->comm, "frobber", 7);
	memcpy(p + 56, &a, 4);
	memcpy(p + 60, &b, 4);
	memcpy(p + 64, &addr, 8);
	memcpy(p + 72, &label, 4);
	p[76] = 1;
	memcpy(p + 80, "sub", 3);
	memcpy(p + 96, "hi\n", 3);

	err = sr_writer__new(&w, path, &opts);
	if (!err)
		err = sr_writer__add_type(w, &frob_type);
	if (!err)
		err = sr_writer__meta(w, "start_ns", "1000000000");
	if (!err)
		err = sr_writer__begin(w);
	if (!err)
		err = sr_writer__append(w, ev);
	if (!err)
		err = sr_writer__finish(w);
	sr_writer__free(w);
	return err;
}

/* Runs a command in a child with stdout into @out; returns its exit status. */
static int run_cmd(int (*fn)(int, char **), char **argv, const char *out)
{
	int argc = 0, st;
	pid_t pid;

	while (argv[argc])
		argc++;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (!freopen(out, "w", stdout))
			_exit(99);
		st = fn(argc, argv);
		fflush(stdout);
		_exit(st);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static char *slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	buf[n] = 0;
	if (f)
		fclose(f);
	return buf;
}

static void test_file_schema(void)
{
	char trc[] = "/tmp/sysrec-test-frob-XXXXXX", out[] = "/tmp/sysrec-test-out-XXXXXX";
	int fd1 = mkstemp(trc), fd2 = mkstemp(out);
	char *dump_text[] = { "dump", "--time", "rel", trc, NULL };
	char *dump_json[] = { "dump", "--json", trc, NULL };
	char *dump_type[] = { "dump", "--type", "99", "--time", "rel", trc, NULL };
	char *info[] = { "info", trc, NULL };
	const char *got;
	char part[64];

	ok(fd1 >= 0 && fd2 >= 0, "file schema: temp files");
	if (fd1 < 0 || fd2 < 0)
		return;
	close(fd1);
	close(fd2);
	ok_eq(make_frob_trace(trc), 0, "file schema: write a trace with type 99");

	ok_eq(run_cmd(cmd_dump, dump_text, out), 0, "file schema: dump exits 0");
	check_str("file schema: dump text", slurp(out),
		  "0.500000000 [003] 5/6 frobber fr\\tob a=7 b=-3 addr=0xdead label=\"hi\\n\"(cut) "
		  "x\\ny=1 who=\"sub\"\n");
	ok_eq(run_cmd(cmd_dump, dump_type, out), 0, "file schema: dump --type 99 exits 0");
	check_str("file schema: dump --type 99", slurp(out),
		  "0.500000000 [003] 5/6 frobber fr\\tob a=7 b=-3 addr=0xdead label=\"hi\\n\"(cut) "
		  "x\\ny=1 who=\"sub\"\n");
	ok_eq(run_cmd(cmd_dump, dump_json, out), 0, "file schema: dump --json exits 0");
	check_str("file schema: dump json", slurp(out),
		  "{\"ts_ns\":1500000000,\"time\":null,\"cpu\":3,\"pid\":5,\"tid\":6,"
		  "\"type\":\"fr\\tob\",\"comm\":\"frobber\",\"uid\":0,\"gid\":0,\"cgroup_id\":0,"
		  "\"a\":7,\"b\":-3,\"addr\":57005,\"label\":\"hi\\n\",\"label_cut\":true,"
		  "\"x\\ny\":1,\"who\":\"sub\"}\n");
	ok_eq(run_cmd(cmd_info, info, out), 0, "file schema: info exits 0");
	/* a type this build does not know is not an event: one of the other records */
	got = strstr(slurp(out), "other_records:");
	snprintf(part, sizeof(part), "%.50s", got ? got : "(none)");
	check_str("file schema: info counts the type by its file name", part,
		  "other_records:      1\n  fr\\tob:           1\nsyscal");
	unlink(trc);
	unlink(out);
}

int main(void)
{
	test_text();
	test_csv();
	test_json_str();
	test_esc_mem();
	test_json_writer();
	test_json_styles();
	test_human();
	test_parse_size();
	test_parse_duration();
	test_parse_u64();
	test_parse_pids();
	test_cgroup_under();
	test_ends_with_floor_div();
	test_wall();
	test_errno_name();
	test_err();
	test_file_schema();
	free(mem_buf);
	return tap_done();
}
