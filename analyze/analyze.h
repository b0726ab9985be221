/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * analyze.h - the parts of "sysrec analyze" (private to analyze/).
 *
 *   cgroup.c, stats.c, text.c, hashmap.c
 *                pure helpers: cgroup paths, percentiles, text, hash map
 *   an_db.c      the SQLite database: open/create, schema, temp dir
 *   readahead.c  the records of a trace, read ahead on a second thread
 *   import*.c    traces -> database (import.h lists its files)
 *   resultset.c  result sets and their table/CSV/JSON printers
 *   report*.c    the reports, filters and the coverage header (report.h)
 *   analyze.c    options and the order of things
 *   export*.c    sysrec export: the same traces as a timeline (export.h)
 *
 * docs/SCHEMA.md describes the database; docs/sysrec-analyze.md the command.
 */
#ifndef SYSREC_ANALYZE_H
#define SYSREC_ANALYZE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

/* Bumped whenever a table changes; a database of another version is refused. */
#define SR_AN_SCHEMA_VERSION	4
/* PRAGMA application_id of a sysrec database: "sysr". */
#define SR_AN_APP_ID		0x73797372

#define SR_NS_PER_SEC		1000000000LL
#define SR_TL_NS		10000000LL	/* the bucket of table tl: 10 ms */

/*
 * Sane ranges.  A trace is hostile: values past these are clamped at import
 * (and by the reports reading events) so that no sum or difference can
 * overflow.  Real values never come near them.
 */
#define SR_TS_MAX	(1LL << 61)		/* 73 years of ns */
#define SR_DUR_MAX	(1LL << 48)		/* 3.2 days in one syscall */
#define SR_RW_MAX	0x7ffff000LL		/* the kernel's MAX_RW_COUNT */
#define SR_LEN_MAX	(1LL << 47)		/* the user address space */
#define SR_LOST_MAX	(1LL << 40)

static inline int64_t sr_clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* a + b for sums of clamped values, stopping at +/- 2^62 rather than overflowing */
static inline int64_t sr_sum(int64_t a, int64_t b)
{
	return sr_clamp(a + b, -(1LL << 62), 1LL << 62);
}

/* Bytes a read or write moved, as the reports count them. */
static inline int64_t sr_io_bytes(int64_t ret)
{
	return sr_clamp(ret, 0, SR_RW_MAX);
}

/* A u64 field of a record, as a clamped int64. */
static inline int64_t sr_clamp_u64(uint64_t v, int64_t hi)
{
	return v > (uint64_t)hi ? hi : (int64_t)v;
}

/* --- cgroup.c, stats.c, text.c, hashmap.c --- */

/*
 * A wall-clock time as dump prints it ("2026-11-26 21:00:15.123456", local
 * time; 'T' for the space and up to nine decimals accepted) into ns since
 * the epoch: 0, or -EINVAL (text.c).
 */
int sr_parse_wall(const char *s, int64_t *wall_ns);

/*
 * What a cgroup v2 path says about who runs in it: the container runtime and
 * id (docker-<id>.scope, /docker/<id>, cri-containerd-<id>.scope,
 * crio-<id>.scope, libpod-<id>.scope) and the innermost systemd unit
 * (*.service, *.scope).  Strings point into the caller's buffers.
 */
struct sr_cg_info {
	char runtime[16];	/* "docker", "containerd", "crio", "podman" or "" */
	char id[80];		/* the container id, or "" */
	char unit[256];		/* the innermost *.service / *.scope name, or "" */
};
void sr_cg_parse(const char *path, size_t len, struct sr_cg_info *ci);

/*
 * 1 when cgroup @path is @filter or below it (prefix on a '/' boundary).
 * @filter may also be given as a full path under @mount (the cgroup2 mount
 * point, may be NULL or empty): "/sys/fs/cgroup/x" with mount "/sys/fs/cgroup"
 * means "/x".  A trailing '/' of filter is ignored; "/" matches everything.
 */
int sr_cg_under(const char *path, const char *mount, const char *filter);

/*
 * Nearest-rank percentile of @n sorted values: the value at rank
 * ceil(p / 100 * n) (1-based).  0 when n is 0.  p in (0, 100].
 */
uint64_t sr_percentile(const uint64_t *sorted, size_t n, double p);
void sr_sort_u64(uint64_t *v, size_t n);

/*
 * Fit @s (len bytes) into @width display columns by cutting the middle and
 * putting "..." there.  Writes at most width bytes and a NUL into out
 * (size >= width + 1); returns the length written.  Counts bytes, but never
 * cuts inside a UTF-8 sequence.
 */
size_t sr_shorten_middle(const char *s, size_t len, size_t width, char *out);
/*
 * The same for a path, keeping its end, which tells paths apart: "..." and
 * the last width - 3 code points, from a '/' when one is there and more
 * than the file name follows it (".../dir/file.c").
 */
size_t sr_shorten_path(const char *s, size_t len, size_t width, char *out);

/* "7.3K", "512", "1.5G": a short human form for tables. */
const char *sr_human_short(uint64_t v, char *buf, size_t n);
/* "1.234ms", "15us", "2.5s": a short duration for tables. */
const char *sr_human_dur(uint64_t ns, char *buf, size_t n);

/*
 * Bytes held by tables that grow with what an input claims (the importer's),
 * against a limit: every growth takes its bytes first and is refused past
 * the limit, so that a hostile file meets a clear error and not the OOM
 * killer.  A growth that moves an array takes the new size while the old
 * one is still held, as realloc may.
 */
struct sr_mem {
	uint64_t used;		/* bytes taken and not given back */
	uint64_t peak;		/* the most used was */
	uint64_t limit;		/* 0: no limit */
	int over;		/* a growth was refused for the limit */
};
/* Take @n bytes: 0, or -ENOMEM (and over set) past the limit.  @m may be NULL. */
int sr_mem__take(struct sr_mem *m, uint64_t n);
/* Give back @n bytes taken before.  @m may be NULL. */
void sr_mem__give(struct sr_mem *m, uint64_t n);

/* Open-addressing hash map from a 3 x u64 key to a u32 value. */
struct sr_map {
	uint64_t *keys;		/* 3 per slot */
	uint32_t *vals;		/* UINT32_MAX: empty slot */
	size_t cap;		/* power of two */
	size_t n;
	struct sr_mem *mem;	/* its slots are counted here (NULL: not counted) */
};
/* The value of key (a, b, c), or UINT32_MAX. */
uint32_t sr_map__get(const struct sr_map *m, uint64_t a, uint64_t b, uint64_t c);

/*
 * Room for @need elements of @elsz bytes in the array *pp whose capacity is
 * *cap (doubled, from 16): 0, or -ENOMEM with the array as it was.
 */
int sr_grow(void *pp, size_t *cap, size_t need, size_t elsz);
/* sr_grow() with the bytes counted in @m (may be NULL): -ENOMEM past its limit too. */
int sr_grow_mem(struct sr_mem *m, void *pp, size_t *cap, size_t need, size_t elsz);
/* Set key (a, b, c) to v (v != UINT32_MAX).  0 or -ENOMEM. */
int sr_map__set(struct sr_map *m, uint64_t a, uint64_t b, uint64_t c, uint32_t v);
/* Remove key (a, b, c): 1 when it was there, else 0. */
int sr_map__del(struct sr_map *m, uint64_t a, uint64_t b, uint64_t c);
/* Frees (giving back its bytes); the map may be used again, counted as before. */
void sr_map__clear(struct sr_map *m);

uint64_t sr_hash_bytes(const void *p, size_t len);

/* --- an_db.c --- */

struct sr_an_db {
	sqlite3 *db;
	char *path;		/* the database file */
	char *tmpdir;		/* the private directory of a temporary database, or NULL */
	int created;		/* the schema was created by this run */
	int discard;		/* the import into it failed: sr_an_db__free removes it */
};

/*
 * Open @path (NULL: a temporary database in a private directory, removed by
 * sr_an_db__free).  An existing file must be a sysrec database of this
 * schema version (or empty).  Errors are printed.
 */
int sr_an_db__open(struct sr_an_db **d, const char *path);
void sr_an_db__free(struct sr_an_db *d);
/* Run SQL without results; prints SQLite's message on failure. */
int sr_an_exec(sqlite3 *db, const char *sql);
/* Prepare, printing SQLite's message on failure. */
int sr_an_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st);
/* The single integer a query returns, or @def. */
int64_t sr_an_query_int(sqlite3 *db, const char *sql, int64_t def);
/* Register the SQL functions the reports use (cg_under). */
int sr_an_db_functions(sqlite3 *db);

/* --- readahead.c --- */

struct sr_reader;
struct sr_reader_stats;
struct sr_event;

/*
 * The records of a reader, read ahead on a thread of the feed's own and
 * handed over in batches (copies).  Until sr_an_feed__free() the caller must
 * not touch the reader: what it needs from it comes through the feed.
 */
struct sr_an_feed;
/* 1 when the importer will look up the syscall name of record @ev's sr_sys.nr. */
typedef int (*sr_an_feed_sys_fn)(const struct sr_event *ev);
/* Start reading @r.  0 or -errno. */
int sr_an_feed__new(struct sr_an_feed **f, struct sr_reader *r, sr_an_feed_sys_fn wants_sys);
/* As sr_reader__next(): 1 with *ev (valid until the next call), 0 at the end, -errno. */
int sr_an_feed__next(struct sr_an_feed *f, const struct sr_event **ev);
/*
 * sr_reader__syscall_name() as it answered when the feed read the first
 * record of @nr that wants_sys chose; only for such records returned so far.
 */
const char *sr_an_feed__syscall_name(const struct sr_an_feed *f, unsigned int nr);
/* The reader's statistics as of the batch being consumed (for progress). */
void sr_an_feed__stats(const struct sr_an_feed *f, struct sr_reader_stats *st);
/* Stop the thread (also midway); then the reader is the caller's again. */
void sr_an_feed__free(struct sr_an_feed *f);
/* What a feed holds, whatever it reads: its ring of batches and its name table. */
#define SR_AN_FEED_BYTES	((32ull << 17) + 65536 * sizeof(char *) + 4096)

/* --- import.c --- */

#include <signal.h>
/* Set by the signal handler of analyze.c; the import stops at the next check. */
extern volatile sig_atomic_t sr_an_stop;
/* The indexes the reports use, built after each import. */
extern const char sr_an_index_sql[];
/* Whether table @name of the schema holds only event rows ("events", "ev_*"). */
int sr_an_is_event_table(const char *name);
/* The budget (--mem-limit) of this run, for the messages that name it. */
extern uint64_t sr_an_mem_limit;
/* @v bytes as --mem-limit takes them ("256M"), in @buf. */
const char *sr_an_mem_str(uint64_t v, char *buf, size_t len);
/* The indexes only queries use (on fds and ev_exec, which no report reads). */
extern const char sr_an_query_index_sql[];

/* A row of table events, as the importer makes it (import_rows.c). */
#define SR_AN_EV_COLS	29	/* its columns, in the table's order */
struct sr_an_evrow {
	int64_t v[SR_AN_EV_COLS];	/* column k (comm, column 13: in comm) */
	uint32_t nulls;		/* bit k: column k is NULL */
	uint8_t comm_len;
	char comm[16];		/* SR_COMM_LEN */
};

struct sr_an_import_opts {
	int progress;		/* draw a progress bar on stderr */
	int event_rows;		/* fill events and ev_*; else only count them */
	int query_indexes;	/* build sr_an_query_index_sql too */
	/*
	 * The memory budget in bytes (0: none): the importer's tables, SQLite's
	 * heap and the read-ahead ring stay within it, and past it the import
	 * stops with one line naming it (docs/RELIABILITY.md).
	 */
	uint64_t mem_limit;
	/*
	 * When set (with event_rows), the rows of events go to this function
	 * instead of the table, which stays empty: up to EV_BATCH rows at a
	 * time, in id order; 0 or -errno, which stops the import.  Rows of a
	 * recording with the cpu class written before its first record of the
	 * class keep NULL cpu columns (which a database import fixes with an
	 * UPDATE): the sink's owner fixes them (clickhouse_export.c).
	 */
	int (*event_sink)(void *ctx, const struct sr_an_evrow *rows, int n);
	void *sink_ctx;
};
/*
 * The smallest budget taken: below it the buffers for one chunk of the
 * recorder's default size (SR_CHUNK_DEFAULT) would not fit beside the rest.
 */
#define SR_AN_MEM_MIN	(32ull << 20)
/* What the budget sets aside for the binary and its libraries, resident (about 5 MiB). */
#define SR_AN_BASE_BYTES	(6ull << 20)
/*
 * The default budget: a quarter of the physical memory, or 1 GiB when that
 * cannot be read.
 */
uint64_t sr_an_default_mem_limit(void);

/*
 * Import @n trace files.  Files with the same recording_id are one
 * recording, imported in rotation_index order.  A file that cannot be read
 * is reported in one line and skipped; *nfailed counts those (and damaged
 * files).  Returns 0, or -errno when the database itself failed.
 */
int sr_an_import(struct sr_an_db *d, char **files, int n,
		 const struct sr_an_import_opts *o, int *nfailed);
/*
 * sr_an_import() for a command that reports next: 0, or 1 when every file
 * failed and the database holds no trace (the errors said why: nothing to
 * report on), or -errno ("interrupted" said for -EINTR).
 */
int sr_an_import_to_report(struct sr_an_db *d, char **files, int n,
			   const struct sr_an_import_opts *o, int *nfailed);

/* --- resultset.c --- */

enum sr_col_kind {
	SR_COL_INT,		/* a number */
	SR_COL_BYTES,		/* a number of bytes: human form added in tables */
	SR_COL_DUR,		/* nanoseconds: human form in tables */
	SR_COL_TIME,		/* already formatted time (text or real) */
	SR_COL_TEXT,
	SR_COL_PATH,		/* text shortened in the middle in tables */
	SR_COL_REAL,
	SR_COL_AUTO,		/* --sql: right-aligned when the values are numbers */
};

#define SR_COL_F_NOTABLE	0x1	/* not shown in table format */
#define SR_COL_F_LEFT		0x2	/* left-aligned in tables even if numeric */
#define SR_COL_F_TABLEONLY	0x4	/* only in table format (a tree, a summary) */

struct sr_val {
	int type;		/* SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_NULL */
	int64_t i;
	double d;
	char *s;		/* owned */
	size_t len;
};

struct sr_col {
	char *name;
	int kind;		/* enum sr_col_kind */
	int flags;		/* SR_COL_F_* */
};

/* A result set: column names and kinds, rows of typed values. */
struct sr_rs {
	struct sr_col *cols;
	size_t ncols;
	struct sr_val *vals;	/* nrows * ncols */
	size_t nrows, cap;
	int err;		/* -ENOMEM met while filling */
	int more;		/* rows were left out for --limit */
	int64_t shown;		/* rows sr_rs__stream printed */
};

struct sr_rs *sr_rs__new(void);
void sr_rs__free(struct sr_rs *rs);
int sr_rs__col(struct sr_rs *rs, const char *name, int kind, int flags);
/* Start a row; then one sr_rs__* value per column, in order. */
int sr_rs__row(struct sr_rs *rs);
void sr_rs__int(struct sr_rs *rs, int64_t v);
void sr_rs__real(struct sr_rs *rs, double v);
void sr_rs__text(struct sr_rs *rs, const char *s, size_t len);
void sr_rs__str(struct sr_rs *rs, const char *s);	/* NULL: null */
void sr_rs__null(struct sr_rs *rs);
/* The value at (row, col). */
struct sr_val *sr_rs__at(struct sr_rs *rs, size_t row, size_t col);
/* @v becomes the text @s of @n bytes (a copy): 0 or -ENOMEM. */
int sr_val__set_text(struct sr_val *v, const char *s, size_t n);
/*
 * Append the rows of @st, at most @max (0: all).  After @max rows the
 * statement is stepped once more and no further: rs->more says whether
 * there was another row, and a query without end stops.  Columns are made
 * from the statement's names on the first call, with kinds guessed from
 * their names (*_bytes, *_ns, path).  Returns 0 or a negative errno;
 * SQLite's message is printed.
 */
int sr_rs__from_stmt(struct sr_rs *rs, sqlite3_stmt *st, int64_t max);

enum sr_fmt { SR_FMT_TABLE, SR_FMT_CSV, SR_FMT_JSON };

/*
 * Print in a format.  @width: the table width to fit (sr_out_width()).  Stops after the
 * row that a write failed on: 0, -errno of that write (sr_out_err), or
 * -ENOMEM.
 */
int sr_rs__print(struct sr_rs *rs, FILE *f, int fmt, size_t width);
/*
 * The width tables fit: none with @wide (--wide); a terminal's width on
 * standard output; else COLUMNS when set (20 or more); else, piped or
 * redirected, none (SIZE_MAX), and 80 on a terminal that does not say.
 */
size_t sr_out_width(int wide);
/*
 * The length of a column's title in a table (a prefix of its name): a
 * duration column shows human durations (3.0us), so its title drops the
 * "_ns" that its CSV and JSON name keeps (their values are ns).
 */
size_t sr_col_title_len(const struct sr_col *col);

#define SR_RS_PAGE	1000	/* rows a streamed table sizes its columns on */

/* How sr_rs__stream prints. */
struct sr_rs_stream {
	int fmt;		/* enum sr_fmt */
	size_t width;		/* the table width to fit */
	int64_t max;		/* rows at most (0: all), as sr_rs__from_stmt */
	void (*first)(void *ctx);	/* once the query's first step is done */
	void *ctx;
};

/*
 * Print the rows of @st as sqlite3_step yields them, holding none but the
 * one printed: CSV and JSON row by row; a table sizes its columns on the
 * first SR_RS_PAGE rows, then prints each later row in those columns (a
 * later value that is wider is printed whole, not cut, and the row is
 * that much wider).  Stops at the first failed write.  rs->shown counts
 * the rows, rs->more as sr_rs__from_stmt.  Returns 0, -errno of a write
 * (sr_out_err), -ENOMEM, or -EIO when the statement failed (nothing
 * printed about it: sqlite3_errmsg says why).
 */
int sr_rs__stream(struct sr_rs *rs, sqlite3_stmt *st, const struct sr_rs_stream *o, FILE *f);

/*
 * 0 while every write to @f succeeded; else -errno of the first that failed
 * (-EIO when unknown), remembered from the first call that saw the error:
 * call it right after writing, while errno is still the write's.
 */
int sr_out_err(FILE *f);

/* --- report.c --- */

enum sr_by { SR_BY_PROCESS, SR_BY_FILE, SR_BY_CGROUP, SR_BY_THREAD, SR_BY_HOST,
	     SR_BY_RECORDING,
	     SR_BY_ENDPOINT };	/* --net without --by: endpoints alone */

struct sr_an_opts {
	int report;		/* enum sr_report_id (report.h) */
	int by;			/* enum sr_by */
	int fmt;		/* enum sr_fmt */
	int time_abs;		/* --time abs */
	const char *sql;
	const char *comm;
	const char *cgroup;
	uint32_t *pids;
	size_t npids;
	int has_since, has_until;
	int64_t since_ns, until_ns;	/* from the start of each recording */
	int since_wall, until_wall;	/* since_ns/until_ns are wall-clock ns */
	uint64_t interval_ns;	/* --timeline's bucket; 0: scaled to the recording's length */
	int64_t limit;		/* -1: the report's default; 0: no limit */
	uint64_t timeout_ns;	/* --timeout: how long a --sql query may run, 0: no end */
	int hist;		/* --syscalls --hist */
	int wide;		/* --wide: tables never cut */
	/*
	 * sysrec report (analyze/html/): each result set a report would print
	 * goes to sink instead (it prints nothing), and the coverage header
	 * and notes to hdr (NULL: stdout for a table, else stderr).
	 */
	int (*sink)(void *ctx, struct sr_rs *rs);
	void *sink_ctx;
	FILE *hdr;
};

/*
 * The filters' options, parsed as analyze parses them (sysrec export takes
 * the same): --pid's list into o->pids (replacing it), 0 or -EINVAL/-ENOMEM;
 * --since (@until 0) or --until, a duration from the start or a wall-clock
 * time as dump prints it, 0 or -EINVAL (SR_AN_TIME_HELP says what is taken).
 */
int sr_an_parse_pids(const char *s, struct sr_an_opts *o);
int sr_an_parse_time(const char *arg, int until, struct sr_an_opts *o);
/* --mem-limit of command @cmd into *limit: 0, or -EINVAL with the usage error said */
int sr_an_parse_mem_limit(const char *cmd, const char *arg, uint64_t *limit);
#define SR_AN_TIME_HELP	"a duration such as 1.5, 500ms, 2m, or a time as dump prints it" \
			" (2026-11-26 21:00:15.123456)"

/* Print the report @o asks for from the database.  0, or -errno (printed). */
int sr_an_report(sqlite3 *db, const struct sr_an_opts *o);

/*
 * 1 when report @o reads rows of events or ev_* (filters, windows and
 * intervals that the tables computed at import cannot answer, or a --sql
 * query that touches them, prepared on @db, which must have the schema);
 * 0 when it reads only what every import fills.  A report that reads events
 * on a database without their rows fails with "internal error".
 */
int sr_an_needs_event_rows(sqlite3 *db, const struct sr_an_opts *o);

struct sr_event;
/* 1 when import makes @ev a row of events (import_records.c): info counts those as events. */
int sr_an_is_event(const struct sr_event *ev);

#endif /* SYSREC_ANALYZE_H */
