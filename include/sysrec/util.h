/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * util.h - small helpers shared by every subcommand: errors, output escaping,
 * a streaming JSON writer, number and time formatting, pid lists, cgroup
 * paths.  Implemented in
 * format/util.c and format/json.c; no BPF, no root.
 */
#ifndef SYSREC_UTIL_H
#define SYSREC_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SYSREC_VERSION "0.1.0"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit statuses: main alone turns -errno into one of these. */
#define SR_EXIT_OK	0
#define SR_EXIT_FAIL	1	/* runtime failure */
#define SR_EXIT_USAGE	2	/* bad usage */

extern int sr_verbose;	/* -v: debug output */
extern int sr_json_errors;	/* under --json, errors are printed as JSON on stdout too */

/*
 * "sysrec: <message>\n" on stderr, one line whatever the message holds
 * (control and invalid bytes are printed as \xNN); under sr_json_errors also
 * {"error":"<message>"} as one line on stdout.
 */
void sr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Debug output on stderr, only with -v. */
void sr_dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Escaping for the three output forms.  None of them lets a newline, a
 * quote, a control character or a byte that is not valid UTF-8 break a line,
 * a field or a document.
 *  - text: C-like escapes (\n, \t, \r, \\, \", \xNN for other control
 *    bytes, C1 controls and invalid bytes); no quotes are added
 *  - csv: RFC 4180 field, quoted when it holds a comma or a quote; control,
 *    C1 and invalid bytes as \xNN and a backslash as \\ (so never a raw line
 *    break inside a field)
 *  - json: a complete JSON string with its quotes; invalid bytes as \u00NN
 * Valid UTF-8 passes through unchanged.
 */
void sr_fput_text(FILE *f, const char *s, size_t len);
void sr_fput_csv(FILE *f, const char *s, size_t len);
void sr_fput_json(FILE *f, const char *s, size_t len);
/*
 * The text and JSON escapes into memory, for output built a line at a time:
 * @dst must hold SR_ESC_MAX(len) bytes; returns the bytes written (no NUL).
 * sr_esc_json writes the quotes too.
 */
#define SR_ESC_MAX(len)	(6 * (size_t)(len) + 2)
size_t sr_esc_text(char *dst, const char *s, size_t len);
size_t sr_esc_json(char *dst, const char *s, size_t len);

/*
 * Streaming JSON writer (bpftool's json_writer, smaller).  Owns nothing but
 * itself and its buffer.  Inside an object, call sr_json__key() before each
 * value.  Each complete top-level value ends with a newline, so compact mode
 * writes NDJSON and the other styles end their document with a newline.
 * Strings are escaped as sr_fput_json/sr_esc_json do; integers are printed
 * as integers; doubles so that they read back the same; NaN and infinities
 * become null.
 */
#define SR_JSON_COMPACT	0	/* {"a":1,"b":[1,2]}: no spaces (dump --json) */
#define SR_JSON_PRETTY	1	/* two-space indents, one member a line (info --json) */
#define SR_JSON_ROWS	2	/* each member of the top-level container on a line of
				 * its own, inside it ", " and ": " (analyze --format json):
				 * [\n{"a": 1, "b": "x"},\n{...}\n]\n, or []\n */
struct sr_json;
/* A writer to @f in one of the styles above. */
struct sr_json *sr_json__new(FILE *f, int style);
/*
 * A writer into memory, for output built a record at a time: take the bytes
 * with sr_json__mem(), then sr_json__mem_clear() before the next record.
 */
struct sr_json *sr_json__new_mem(int style);
/* What a memory writer holds (not NUL-terminated); NULL when it ran out of memory. */
const char *sr_json__mem(const struct sr_json *j, size_t *len);
/* Empties a memory writer and forgets an allocation failure; the nesting stays. */
void sr_json__mem_clear(struct sr_json *j);
void sr_json__free(struct sr_json *j);
void sr_json__obj_start(struct sr_json *j);
void sr_json__obj_end(struct sr_json *j);
void sr_json__arr_start(struct sr_json *j);
void sr_json__arr_end(struct sr_json *j);
void sr_json__keyn(struct sr_json *j, const char *key, size_t len);
/* In line, so that the length of a literal key is known when compiling. */
static inline void sr_json__key(struct sr_json *j, const char *key)
{
	sr_json__keyn(j, key, strlen(key));
}
/*
 * A key given with its quotes, which it writes as it is: for the literal
 * keys of dump's millions of records, which are never scanned for escapes.
 */
void sr_json__key_quoted(struct sr_json *j, const char *quoted, size_t len);
#define SR_JSON_KEY(j, lit)	sr_json__key_quoted(j, "\"" lit "\"", sizeof(lit) + 1)
void sr_json__str(struct sr_json *j, const char *s);
void sr_json__strn(struct sr_json *j, const char *s, size_t len);
void sr_json__u64(struct sr_json *j, uint64_t v);
void sr_json__s64(struct sr_json *j, int64_t v);
void sr_json__dbl(struct sr_json *j, double v);
void sr_json__bool(struct sr_json *j, int v);
void sr_json__null(struct sr_json *j);
/*
 * A value written as it is given, with the separators it needs: a number
 * the caller formatted itself (analyze's "%.6f" times and "%.17g" doubles).
 */
void sr_json__raw(struct sr_json *j, const char *s, size_t len);

/* "ENOENT" for ENOENT or -ENOENT; NULL for 0 and numbers with no name. */
const char *sr_errno_name(int err);

/* "1.5 MiB", "512 B" (one decimal from KiB up, binary units): into buf, which is returned. */
const char *sr_human_bytes(uint64_t v, char *buf, size_t n);
/*
 * "10", "10K", "64M", "2G" (powers of 1024; K M G T P E in either case, then
 * an optional "B" or "iB": "10KiB", "10kB", "10B") -> bytes; whole numbers
 * only; -EINVAL on junk, signs, spaces or overflow.
 */
int sr_parse_size(const char *s, uint64_t *out);
/*
 * "1.5", "2s", "500ms", "3m" -> ns.  A decimal number of seconds, or with one
 * of the suffixes ns us ms s m min h; digits past a nanosecond are dropped.
 * -EINVAL on junk, signs, spaces, exponents or overflow.
 */
int sr_parse_duration(const char *s, uint64_t *ns);
/* A whole decimal number in [min, max] (no sign, no spaces); -EINVAL otherwise. */
int sr_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* What a list parser found wrong; every member set on error. */
struct sr_list_err {
	int err;		/* the error returned */
	const char *item;	/* the item at fault, inside the string parsed (no NUL) */
	size_t len;		/* its length: 0 for an empty item */
	const char *why;	/* "empty item", "not a number", "out of range", "too many items" */
};
/*
 * A comma-separated list of process ids, each a whole decimal number in
 * [min, max] (record: 1..INT32_MAX; dump and analyze: 0..UINT32_MAX),
 * appended to out[*n .. cap - 1]: a repeated option adds to its list.  *n is
 * the count after; a string holds at most (strlen(s) + 1) / 2 items, for a
 * caller that sizes @out to fit.  Returns 0 or, with @e (may be NULL) naming
 * the item at fault:
 *   -EINVAL  an empty item ("", "1,,2", "1,") or one that is not a number
 *            ("x", "-1", "+1", " 1", "0x10")
 *   -ERANGE  a number outside [min, max], however many digits it has
 *   -E2BIG   more items than fit; every item is checked first, so a bad
 *            item anywhere is reported rather than this
 * On error *n stays as it was (out beyond it may have been written).
 */
int sr_parse_pids(const char *s, uint32_t min, uint32_t max, uint32_t *out, size_t cap,
		  size_t *n, struct sr_list_err *e);

/*
 * Whether cgroup @path (@len bytes) is @prefix (@plen bytes) or below it;
 * both are paths below the cgroup2 mount.  Leading and trailing slashes do
 * not count: "/a", "a" and "/a/" are one cgroup; "" and "/" as a prefix are
 * the root, which holds every cgroup.  "/a/b" is under "/a", "/ab" is not.
 * An empty @path (a cgroup not known) is under nothing.
 */
int sr_cgroup_under(const char *path, size_t len, const char *prefix, size_t plen);
/* Whether the @len bytes at @s end with @suffix. */
int sr_ends_with(const char *s, size_t len, const char *suffix);
/* @a / @b rounded toward minus infinity (C rounds toward zero); @b != 0, not INT64_MIN / -1. */
static inline int64_t sr_floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a % b < 0) != (b < 0));
}
/*
 * "2026-11-26 21:00:15.123456" (local time, microseconds truncated) for a
 * wall-clock ns value; needs 27 bytes.
 */
const char *sr_fmt_wall(int64_t wall_ns, char *buf, size_t n);
/*
 * The wall-clock ns of CLOCK_MONOTONIC @ts in a recording whose metadata
 * says clock_offset_ns = @clock_offset: 0 and *wall, or -ERANGE when the sum
 * does not fit in int64 (a hostile offset).  info and dump both go through
 * it, so they agree on every date, and print SR_WALL_OUT_OF_RANGE (text) or
 * null (JSON) for the others.
 */
int sr_wall_ns(uint64_t ts, int64_t clock_offset, int64_t *wall);
#define SR_WALL_OUT_OF_RANGE	"(time out of range)"

/*
 * After getopt_long() returned '?' or ':' (optstring starting with ':' and
 * opterr = 0, so getopt printed nothing): one line such as
 * "sysrec: dump: unknown option '--x'. See 'sysrec dump --help'." and
 * SR_EXIT_USAGE to return.
 */
int sr_opt_err(const char *cmd, const char *optstring, char **argv, int c);
void sr_usage_err(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Opening a trace for info, dump or analyze, with one-line errors:
 * "cannot open x.trc: No such file or directory", "x: Is a directory",
 * "x.trc: not a sysrec trace".  Damage the reader meets later is printed as
 * "sysrec: run.trc: offset 1234: bad chunk checksum", one line each, on
 * stderr only (never into --json output), and counted in log->count.
 */
struct sr_reader;
struct sr_damage_log {
	const char *path;	/* as the user named it */
	uint64_t count;		/* damage lines printed */
	/* optional: called before each line, so that data printed so far comes first */
	void (*before)(void *arg);
	void *before_arg;
	/* private: a problem met while opening waits for the verdict of the open */
	int opening;
	int held;
	uint64_t held_offset;
	char held_what[256];
};
/* An sr_damage_fn: ctx is a struct sr_damage_log. */
void sr_damage_log__print(void *ctx, uint64_t offset, const char *what);
/* sr_reader__open() with the messages above; 0 or -errno (the message is printed). */
int sr_trace_open(struct sr_reader **r, const char *path, struct sr_damage_log *log);
/* A NUL-terminated copy of the @len bytes at @p (NULs inside kept), or NULL. */
char *sr_memdup0(const void *p, size_t len);
/* A metadata value that must be a whole number: 0, or -EINVAL when absent or junk. */
int sr_meta_s64(const struct sr_reader *r, const char *key, int64_t *v);

#endif /* SYSREC_UTIL_H */
