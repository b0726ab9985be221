/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * util.h - small helpers shared by every subcommand: errors, output escaping,
 * a streaming JSON writer, number and time formatting.  Implemented in
 * format/util.c and format/json.c; no BPF, no root.
 */
#ifndef SYSREC_UTIL_H
#define SYSREC_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SYSREC_VERSION "0.1.0"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit statuses: main alone turns -errno into one of these. */
#define SR_EXIT_OK	0
#define SR_EXIT_FAIL	1	/* runtime failure */
#define SR_EXIT_USAGE	2	/* bad usage */

extern int sr_verbose;	/* -v: debug output */
extern int sr_json_errors;	/* under --json, errors are printed as JSON on stdout too */

/* "sysrec: <message>\n" on stderr (one line). */
void sr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Debug output on stderr, only with -v. */
void sr_dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Escaping for the three output forms.  None of them lets a newline, a
 * quote, a control character or a byte that is not valid UTF-8 break a line,
 * a field or a document.
 *  - text: C-like escapes (\n, \t, \\, \", \xNN for control and invalid bytes)
 *  - csv: RFC 4180 field, quoted when needed, control and invalid bytes as \xNN
 *  - json: a complete JSON string with its quotes; invalid bytes as \u00NN
 */
void sr_fput_text(FILE *f, const char *s, size_t len);
void sr_fput_csv(FILE *f, const char *s, size_t len);
void sr_fput_json(FILE *f, const char *s, size_t len);

/* Streaming JSON writer (bpftool's json_writer, smaller).  Owns nothing but itself. */
struct sr_json;
struct sr_json *sr_json__new(FILE *f, int pretty);
void sr_json__free(struct sr_json *j);
void sr_json__obj_start(struct sr_json *j);
void sr_json__obj_end(struct sr_json *j);
void sr_json__arr_start(struct sr_json *j);
void sr_json__arr_end(struct sr_json *j);
void sr_json__key(struct sr_json *j, const char *key);
void sr_json__str(struct sr_json *j, const char *s);
void sr_json__strn(struct sr_json *j, const char *s, size_t len);
void sr_json__u64(struct sr_json *j, uint64_t v);
void sr_json__s64(struct sr_json *j, int64_t v);
void sr_json__dbl(struct sr_json *j, double v);
void sr_json__bool(struct sr_json *j, int v);
void sr_json__null(struct sr_json *j);

/* "1.5 MiB", "512 B": into buf, which is returned. */
const char *sr_human_bytes(uint64_t v, char *buf, size_t n);
/* "10", "10K", "64M", "2G" (powers of 1024) -> bytes; -EINVAL on junk or overflow. */
int sr_parse_size(const char *s, uint64_t *out);
/* "1.5", "2s", "500ms", "3m" -> ns; -EINVAL on junk, negatives or overflow. */
int sr_parse_duration(const char *s, uint64_t *ns);
/* A whole number in [min, max]; -EINVAL otherwise. */
int sr_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* "2026-11-26 21:00:15.123456" (local time) for a wall-clock ns value. */
const char *sr_fmt_wall(int64_t wall_ns, char *buf, size_t n);

#endif /* SYSREC_UTIL_H */
