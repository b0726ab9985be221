/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * clickhouse.h - sysrec's ClickHouse sink: a fleet's recordings exported
 * into a ClickHouse server (sysrec export --clickhouse URL) and the
 * reports of analyze run there as ClickHouse SQL (analyze --clickhouse).
 *
 *   clickhouse_cmd.c      export --clickhouse: its options, for export.c
 *   clickhouse_http.c     the HTTP client (libcurl; a stub without it)
 *   clickhouse.c          buffers, RowBinary encoding, the result parser
 *   clickhouse_export.c   the tables and the export (docs/SCHEMA.md)
 *   clickhouse_report*.c  the reports
 */
#ifndef SYSREC_CLICKHOUSE_H
#define SYSREC_CLICKHOUSE_H

#include <stddef.h>
#include <stdint.h>

#include "analyze.h"

/* A growing byte buffer (RowBinary batches, answers). */
struct sr_chbuf {
	char *p;
	size_t n, cap;
	int err;		/* -ENOMEM once an append failed */
};

void sr_chbuf__add(struct sr_chbuf *b, const void *p, size_t n);
void sr_chbuf__free(struct sr_chbuf *b);
void sr_chbuf__puts(struct sr_chbuf *b, const char *s);
/* The buffer as a C string (a NUL after its bytes), NULL after an error. */
const char *sr_chbuf__cstr(struct sr_chbuf *b);
/*
 * Room for @n more bytes at the end of @b, for a caller that writes a
 * whole row in place then adds its length to b->n: NULL after an error.
 */
char *sr_chbuf__room(struct sr_chbuf *b, size_t n);
/* RowBinary values: little-endian integers, LEB128-length strings. */
void sr_chbuf__i64(struct sr_chbuf *b, int64_t v);
void sr_chbuf__u64(struct sr_chbuf *b, uint64_t v);
void sr_chbuf__u8(struct sr_chbuf *b, uint8_t v);
void sr_chbuf__str(struct sr_chbuf *b, const char *s, size_t n);

/* A ClickHouse server, reached over its HTTP interface. */
struct sr_ch;

/* 1 when this build can reach ClickHouse (it has libcurl). */
int sr_ch_supported(void);
/*
 * Connect to @url (http://host:port/, optionally ?database=NAME): 0, or
 * -errno with one line printed (-ENOTSUP: the build has no support).
 */
int sr_ch__new(struct sr_ch **ch, const char *url);
void sr_ch__free(struct sr_ch *ch);
/*
 * Run @sql; its answer (may be NULL when none is wanted) appended to @out.
 * 0, or -EIO with the server's message (or why it could not be reached)
 * printed in one line.
 */
int sr_ch__query(struct sr_ch *ch, const char *sql, struct sr_chbuf *out);
/* INSERT @len bytes of @data in @format into @table: 0 or -EIO (printed). */
int sr_ch__insert(struct sr_ch *ch, const char *table, const char *format,
		  const void *data, size_t len);

/*
 * An answer in TabSeparatedWithNamesAndTypes, parsed: its cells with the
 * escapes undone, NULL for \N; types as the server names them.
 */
struct sr_chres {
	size_t ncols, nrows;
	char **names, **types;
	char **cells;		/* nrows * ncols */
	size_t *lens;		/* of each cell */
	char *mem;		/* what the strings point into */
};
int sr_chres__parse(struct sr_chres *r, struct sr_chbuf *b);
void sr_chres__free(struct sr_chres *r);
static inline const char *sr_chres__at(const struct sr_chres *r, size_t row, size_t col)
{
	return r->cells[row * r->ncols + col];
}
int64_t sr_chres__int(const struct sr_chres *r, size_t row, size_t col);

/* sysrec export TRACE... --clickhouse URL */
struct sr_ch_export_opts {
	const char *url;
	int progress;
	int no_progress;	/* --no-progress (progress: on a terminal without it) */
	uint64_t mem_limit;	/* of the import that feeds it (0: the default) */
	size_t batch_bytes;	/* RowBinary bytes per INSERT */
};
int sr_ch_export(char **files, int n, const struct sr_ch_export_opts *o);

/*
 * The report of @o from the server at @url, over the recordings of host
 * @host and recording @rec (NULL: all): 0 or -errno (printed).
 */
int sr_ch_report(const char *url, const char *host, const char *rec,
		 const struct sr_an_opts *o);

/*
 * The options of the ClickHouse sink, for export.c's getopt_long table:
 * entries of struct option, their values SR_CH_OPT_*, which
 * sr_ch_export_option() takes.
 */
enum {
	SR_CH_OPT_CLICKHOUSE = 0x4300, SR_CH_OPT_BATCH, SR_CH_OPT_MEM_LIMIT,
	SR_CH_OPT_NO_PROGRESS,
};
#define SR_CH_EXPORT_OPTIONS						\
	{ "clickhouse",	required_argument,	NULL, SR_CH_OPT_CLICKHOUSE },	\
	{ "batch",	required_argument,	NULL, SR_CH_OPT_BATCH },	\
	{ "mem-limit",	required_argument,	NULL, SR_CH_OPT_MEM_LIMIT },	\
	{ "no-progress", no_argument,		NULL, SR_CH_OPT_NO_PROGRESS }
/*
 * One option of the sink (@c as getopt_long returned it, @arg its value)
 * into @o: 0 taken, -EINVAL a bad value (said in one line), -ENOENT not one
 * of the sink's.
 */
int sr_ch_export_option(int c, const char *arg, struct sr_ch_export_opts *o);
/*
 * The sink's options against the rest of the command line: @nsinks other
 * outputs, @filters whether a filter or --interval was given.  0, or
 * -EINVAL (said): the sink writes whole recordings and goes alone.
 */
int sr_ch_export_check(const struct sr_ch_export_opts *o, int nsinks, int filters);
/* sysrec export TRACE... --clickhouse URL, after the options: its exit status. */
int sr_ch_export_cmd(char **files, int n, const struct sr_ch_export_opts *o);

#endif /* SYSREC_CLICKHOUSE_H */
