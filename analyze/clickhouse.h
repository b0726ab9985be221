/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * clickhouse.h - sysrec's ClickHouse sink: a fleet's recordings exported
 * into a ClickHouse server (sysrec export --clickhouse URL) and the
 * reports of analyze run there as ClickHouse SQL (analyze --clickhouse).
 *
 *   clickhouse_cmd.c      export --clickhouse: its options, for export.c
 *   clickhouse_http.c     the HTTP client (libcurl; a stub without it)
 *   clickhouse.c          buffers, RowBinary and Native encoding, the result parser
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
/* @s as a string literal of ClickHouse SQL: quoted, quotes and backslashes escaped. */
void sr_chbuf__quoted(struct sr_chbuf *b, const char *s);

/*
 * A block of the Native format filled a row at a time: the columns of a
 * table side by side, each in its own array, as the server keeps them.
 * Its parse is a copy per column where RowBinary's is a call per value
 * (docs/PERFORMANCE.md, "Native blocks of events").  Columns by the type
 * codes of clickhouse_export.c: R UInt64, I Int64, N Nullable(Int64),
 * S String, Z Nullable(String).  The integers are kept as the wire has
 * them: the build is little endian only (format/layout.h).
 */
struct sr_chcol {
	char code;
	int64_t *v;		/* R I N: a value a row (0 where NULL) */
	uint8_t *nul;		/* N Z: 1 where NULL */
	struct sr_chbuf s;	/* S Z: a LEB128 length and the bytes, a row each ('' where NULL) */
};
struct sr_chblock {
	size_t ncols, n, cap;	/* its columns; rows in it; rows it has room for */
	struct sr_chcol *cols;
	struct sr_chbuf names;	/* a column's name and type as Native heads its data */
	size_t *name_end;	/* where column k's head ends in names */
};
/*
 * A block of @cols ("name T ..." as the tables of clickhouse_export.c
 * spell them) with room for @cap rows: 0 or -ENOMEM, -EINVAL for a code
 * it does not take.
 */
int sr_chblock__init(struct sr_chblock *b, const char *cols, size_t cap);
void sr_chblock__free(struct sr_chblock *b);
/* @b without rows, its room kept. */
void sr_chblock__clear(struct sr_chblock *b);
/* The bytes that @b's rows so far take on the wire. */
size_t sr_chblock__bytes(const struct sr_chblock *b);
/* The type of code @c (above) as ClickHouse spells it, NULL for no code. */
const char *sr_ch__type(char c);

/* A piece of a request's body. */
struct sr_chseg {
	const void *p;
	size_t n;
};
/*
 * @b on the wire, in at most 1 + 3 * ncols pieces of @segs: their number.
 * @head (20 bytes) holds the block's first bytes.
 */
size_t sr_chblock__segs(const struct sr_chblock *b, unsigned char *head,
			struct sr_chseg *segs);

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

/* INSERT the rows of @b into @table in one Native block, then empty @b: 0 or -EIO. */
int sr_ch__insert_block(struct sr_ch *ch, const char *table, struct sr_chblock *b);

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
 * sys_durs (docs/SCHEMA.md) of the events of @ev ("table WHERE ..." with
 * sys_id IS NOT NULL) named by the syscalls of @sys ("table WHERE ..."):
 * per recording, syscall name and duration clamped to [0, SR_DUR_MAX] its
 * calls, errors and, with @split SR_CH_SPLIT, the cpu split of the calls
 * that have one (SR_CH_NO_SPLIT: zeros, for recordings without the cpu
 * class, at a fraction of the cost).  What the export writes for its
 * recordings and what --syscalls computes from the events with a filter:
 * exact percentiles then need one row per distinct duration, not one per
 * call.  (The ifNull: countIf of a Nullable is Nullable, which RowBinary
 * would carry.)
 */
#define SR_CH_SPLIT								\
	"  countIf(on_cpu_ns IS NOT NULL) AS cn,"				\
	"  sumIf(ifNull(on_cpu_ns, 0), on_cpu_ns IS NOT NULL) AS son,"		\
	"  sumIf(ifNull(off_cpu_ns, 0), on_cpu_ns IS NOT NULL) AS soff,"	\
	"  sumIf(ifNull(blocked_ns, 0), on_cpu_ns IS NOT NULL) AS sbl,"		\
	"  sumIf(ifNull(runq_ns, 0), on_cpu_ns IS NOT NULL) AS srq,"		\
	"  sumIf(ifNull(vol_switches, 0), on_cpu_ns IS NOT NULL) AS svol,"	\
	"  sumIf(ifNull(invol_switches, 0), on_cpu_ns IS NOT NULL) AS sinv"
#define SR_CH_NO_SPLIT								\
	"  toInt64(0) AS cn, toInt64(0) AS son, toInt64(0) AS soff, toInt64(0) AS sbl,"	\
	"  toInt64(0) AS srq, toInt64(0) AS svol, toInt64(0) AS sinv"
#define SR_CH_DURS(ev, sys, split)						\
	"SELECT rec_id, name, d AS dur_ns, n AS calls, e AS errors, cn AS cpu_calls,"	\
	" son AS on_cpu_ns, soff AS off_cpu_ns, sbl AS blocked_ns, srq AS runq_ns,"	\
	" svol AS vol_switches, sinv AS invol_switches FROM"			\
	" (SELECT rec_id, assumeNotNull(sys_id) AS sys_id,"			\
	"  least(greatest(ifNull(dur_ns, 0), 0), bitShiftLeft(toInt64(1), 48)) AS d,"	\
	"  count() AS n, countIf(ifNull(ret, 0) < 0 AND ifNull(ret, 0) >= -4095) AS e,"	\
	split										\
	"  FROM " ev " GROUP BY rec_id, sys_id, d)"				\
	" ANY INNER JOIN (SELECT rec_id, sys_id, name FROM " sys ")"		\
	" USING (rec_id, sys_id)"
/*
 * err_stats (docs/SCHEMA.md) of the events of @ev ("table WHERE ..."), the
 * other tables read WHERE @rec: per recording, failed syscall, errno and
 * path (the file's name, else the open's path or name) the failures and
 * the processes they came from.  The processes of two recordings are never
 * the same: their counts add up.
 */
#define SR_CH_ERRS(ev, rec)							\
	"SELECT rec_id, syscall, -ret AS errno, coalesce(fname, opath, oname) AS path,"	\
	" count() AS failures, uniqExact(proc_id) AS procs FROM"		\
	" (SELECT * FROM (SELECT * FROM"					\
	"  (SELECT rec_id, id, proc_id, assumeNotNull(sys_id) AS sys, ret,"	\
	"   ifNull(file_id, -1) AS file FROM " ev				\
	"   AND ret < 0 AND ret >= -4095 AND sys_id IS NOT NULL)"		\
	"  ANY LEFT JOIN (SELECT rec_id, sys_id AS sys, name AS syscall FROM syscalls"	\
	"   WHERE " rec ") USING (rec_id, sys))"					\
	" ANY LEFT JOIN (SELECT rec_id, file_id AS file, name AS fname FROM files"	\
	"  WHERE " rec ") USING (rec_id, file))"					\
	" ANY LEFT JOIN (SELECT rec_id, event_id AS id, path AS opath, name AS oname"	\
	"  FROM ev_open WHERE " rec ") USING (rec_id, id)"			\
	" GROUP BY rec_id, syscall, errno, path SETTINGS join_use_nulls = 1"

/* the 2^48 of SR_CH_DURS */
_Static_assert(SR_DUR_MAX == 1LL << 48, "SR_CH_DURS clamps durations to SR_DUR_MAX");

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
