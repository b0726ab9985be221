/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report.h - the reports of sysrec analyze: their table, and what the
 * report files share (private to analyze/report*.c and analyze.c).
 *
 *   report.c           the table, the dispatcher, query helpers
 *   report_filter.c    --pid/--comm, --cgroup and --since/--until as temp tables
 *   report_events.c    event scans, and the I/O source of a time window
 *   report_header.c    the coverage header every report starts with
 *   report_recs.c      telling recordings apart: their labels, --by recording
 *   report_<name>.c    one report each (report_cpu.c: --cpu)
 *
 * Adding a report: a line in SR_REPORTS, its columns in report.c, a file
 * report_<name>.c with its run function (and a needs_rows function when it
 * reads event rows).
 */
#ifndef SYSREC_REPORT_H
#define SYSREC_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "sysrec/util.h"
#include "analyze.h"

/*
 * The reports, once: X(ID, option, arg, help, run, needs_rows, cols, limit)
 *   ID          SR_REP_<ID> in enum sr_report_id
 *   option      the option that asks for it ("top-io": --top-io); NULL: the
 *               report when none is asked for
 *   arg         1 when the option takes a value (--sql QUERY)
 *   help        its lines in --help, as printed (--sql's include --timeout)
 *   run         prints it: int run(struct rctx *)
 *   needs_rows  1 when it reads rows of events or ev_* for these options:
 *               int needs_rows(sqlite3 *, const struct sr_an_opts *), or
 *               NULL: never (sr_an_needs_event_rows)
 *   cols        its columns in order (struct sr_report_col[]), NULL: the query's
 *   limit       the rows shown when --limit is not given, 0: all
 * analyze.c builds its options and --help from it, report.c struct sr_report.
 */
#define SR_REPORTS(X)								\
	X(OVERVIEW, NULL, 0, "",						\
	  report_overview, io_needs_rows, overview_cols, 5)			\
	X(TOP_IO, "top-io", 0,							\
	  "  --top-io [--by process|file|cgroup|recording]  ranked by bytes read plus\n" \
	  "                      written\n",					\
	  report_top_io, io_needs_rows, top_io_cols, 20)			\
	X(SYSCALLS, "syscalls", 0,						\
	  "  --syscalls [--hist | --by host|recording]  calls, errors, total/mean/p50/\n" \
	  "                      p99/max, on/off-CPU time; --hist: a latency histogram\n" \
	  "                      per syscall (log2 buckets); --by host|recording: per\n" \
	  "                      host or recording and syscall\n",		\
	  report_syscalls, syscalls_needs_rows, syscalls_cols, 0)		\
	X(SLOW, "slow", 0,							\
	  "  --slow              the slowest calls (20): where their time went, path or fd\n", \
	  report_slow, slow_needs_rows, slow_cols, 20)				\
	X(ERRORS, "errors", 0,							\
	  "  --errors            failed calls (20) by syscall, errno and file\n",	\
	  report_errors, errors_needs_rows, errors_cols, 20)			\
	X(PROCS, "procs", 0,							\
	  "  --procs             the process tree: forks, execs, lifetimes, exit codes\n", \
	  report_procs, NULL, procs_cols, 0)					\
	X(CPU, "cpu", 0,							\
	  "  --cpu [--by process|thread|host|recording]  on-CPU, run-queue and\n" \
	  "                      off-CPU time, switches\n",			\
	  report_cpu, NULL, cpu_cols, 0)					\
	X(MEM, "mem", 0,							\
	  "  --mem               mmap/munmap/brk per process: mapped, unmapped, peak\n", \
	  report_mem, NULL, mem_cols, 0)					\
	X(NET, "net", 0,							\
	  "  --net [--by process]  per remote endpoint: connects, accepts, bytes sent and\n" \
	  "                      received, errors by errno, connect latency p50/p99/max\n", \
	  report_net, NULL, net_cols, 20)					\
	X(FILES, "files", 0,							\
	  "  --files             per file: opens, readers, writers, bytes\n",	\
	  report_files, io_needs_rows, files_cols, 20)				\
	X(TIMELINE, "timeline", 0,						\
	  "  --timeline [--interval S]  events and bytes per time bucket (about 100)\n", \
	  report_timeline, timeline_needs_rows, timeline_cols, 0)		\
	X(SQL, "sql", 1,							\
	  "  --sql QUERY         any query on the database (docs/SCHEMA.md)\n"	\
	  "  --timeout D         end the --sql query if it runs longer (1.5, 500ms)\n", \
	  report_sql, sql_needs_rows, NULL, 0)

#define SR_REPORT_ID(id, ...)	SR_REP_##id,
enum sr_report_id { SR_REPORTS(SR_REPORT_ID) SR_REP_COUNT };
#undef SR_REPORT_ID

/* --top-io --by cgroup: shown only for these --by values (a bit each) */
#define SR_REPORT_BY(by)	(1 << (by))
/* a flag of sr_report_col: the host column, in tables only when there are several */
#define SR_REPORT_COL_HOST	0x100
/* a flag of sr_report_col: a column only when the data has the cpu class (has_cpu()) */
#define SR_REPORT_COL_CPU	0x200
/* a flag of sr_report_col: in tables only when the data has not (room for the cpu columns) */
#define SR_REPORT_COL_NOCPU_TABLE	0x400
/*
 * A flag of sr_report_col: the recording's label (or id) on a row that is
 * one recording's, only when recordings need telling apart (rec_split())
 */
#define SR_REPORT_COL_REC	0x800

struct sr_report_col {
	const char *name;
	int kind;		/* enum sr_col_kind */
	int flags;		/* SR_COL_F_*, SR_REPORT_COL_HOST */
	int by;			/* SR_REPORT_BY() of the --by values it is for; 0: all */
};

struct rctx;

/* One line of SR_REPORTS. */
struct sr_report {
	const char *option;
	int arg;
	const char *help;
	int (*run)(struct rctx *c);
	int (*needs_rows)(sqlite3 *db, const struct sr_an_opts *o);
	const struct sr_report_col *cols;	/* up to one without a name */
	int64_t limit;
};

/* Indexed by enum sr_report_id. */
extern const struct sr_report sr_reports[SR_REP_COUNT];

/* --- what the report files share --- */

/* A recording, as the time filters need it. */
struct rrec {
	int64_t rec_id, start, first, last;
	int sorted;
	int64_t ts_lo, ts_hi;	/* the window, in the recording's ts */
	int64_t scan_lo, scan_hi;	/* the window cut to the filtered processes' lives */
};

struct rctx {
	struct rrec *recs;
	size_t nrecs;
	int8_t *rw;		/* sys_id -> 1 read, 2 write, 0 */
	size_t nrw;
	sqlite3 *db;
	const struct sr_an_opts *o;
	const struct sr_report *rep;	/* the report being printed */
	int fproc, fcg, ftime;
	int event_rows;		/* meta event_rows: events holds a row per event */
	const char *src;	/* "agg" or "temp.src" */
	FILE *hdr;		/* where the coverage header goes */
	int64_t limit;		/* 0: none */
	int cpu;		/* has_cpu(): -1 until asked */
	int multi;		/* several hosts (the host columns): -1 until asked */
	int runs;		/* runs_of_one_host(): -1 until asked */
};

/* A query built from constant fragments only. */
struct qbuf {
	char s[8192];
	size_t n;
	int overflow;
};

/* report.c */
void q_add(struct qbuf *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Filters on a relation aliased @a with proc_id, rec_id, cgroup_id columns. */
void q_filters(struct rctx *c, struct qbuf *q, const char *a);
/* Filters on procs aliased p: the processes chosen, alive at some time in the window. */
void q_proc_filters(struct rctx *c, struct qbuf *q);
int q_prepare(struct rctx *c, struct qbuf *q, sqlite3_stmt **st);
/* A result set with the columns of report @rep for --by @by (NULL: -ENOMEM). */
struct sr_rs *rep_rs(struct rctx *c, enum sr_report_id rep, int by);
/* setup_src(), then rep_rs(): 0 or -errno. */
int src_rs(struct rctx *c, enum sr_report_id id, int by, struct sr_rs **rs);
/*
 * (Re)make a temporary table by the statements @create and prepare @insert
 * into it: 0, or -errno (printed).
 */
int temp_table(struct rctx *c, const char *create, const char *insert, sqlite3_stmt **ins);
/* Bind @n values to @ins in order and run it once: one row inserted. */
void insert_row(sqlite3_stmt *ins, const int64_t *v, int n);
/*
 * Run @q (its :limit bound to the report's limit) into @rs, print it and
 * free @rs: 0 or -errno.
 */
int run_print(struct rctx *c, struct qbuf *q, struct sr_rs *rs);
/* Append the rows of @q, its :limit bound to the report's limit. */
int run_into(struct rctx *c, struct qbuf *q, struct sr_rs *rs);
/* Print @rs in the format asked for, and a line when --limit left rows out. */
int print_rs(struct rctx *c, struct sr_rs *rs);
/* No filter at all: the per file and per cgroup totals of the import answer. */
int unfiltered(const struct rctx *c);
/*
 * 1 when the data has the cpu class: a recording of the database has it
 * (recordings.cpu: its `classes` metadata names cpu, or it holds a record
 * of the class).  The cpu columns of the reports are shown only then.
 */
int has_cpu(struct rctx *c);

/* report_filter.c */
int load_recs(struct rctx *c);
int setup_proc_filter(struct rctx *c);
int narrow_scans(struct rctx *c);
int setup_cgroup_filter(struct rctx *c);
int setup_time_filter(struct rctx *c);
/* report_unmatched.c: a line on stderr for each filter that matches nothing */
void say_unmatched(struct rctx *c);
int64_t sat_add(int64_t a, int64_t b);
int window_to_rel(struct sr_an_opts *o, int has_clock, int64_t start, int64_t off);
/*
 * The wall-clock date of recording time @ts under clock offset @off in
 * @buf, through sr_wall_ns() as info and dump convert, or NULL when out of
 * range (they print SR_WALL_OUT_OF_RANGE).
 */
const char *fmt_wall_at(int64_t ts, int64_t off, char *buf, size_t n);

/*
 * A --since/--until window in buckets of @unit ns (agg: 1 s, tl: 10 ms):
 * the whole buckets [lo, hi) inside it, and where the events themselves
 * must be read: the partial bucket at its start (head) or end (tail), or
 * all of it when no whole bucket fits (all).  The reports and
 * sr_an_needs_event_rows() both decide by this.
 */
struct win {
	int64_t lo, hi;
	int all, head, tail;
};
void win_split(const struct sr_an_opts *o, int64_t unit, struct win *w);

/* report_events.c */

/* One event as the scanners hand it over. */
struct sev {
	int64_t rec_id, ts, start, proc_id, cgroup_id, sys_id, file_id, ret, dur, len;
	int type;
	int has_split;		/* the cpu class: on_cpu .. invol are its split */
	int64_t on_cpu, off_cpu, blocked, runq, vol, invol;
};

typedef int (*sev_fn)(struct rctx *c, const struct sev *e, void *ctx);

/*
 * Every event of recording @r with ts in [lo, hi) that passes the process
 * and cgroup filters, in id order, handed to @fn.
 */
int scan_events(struct rctx *c, const struct rrec *r, int64_t lo, int64_t hi,
		sev_fn fn, void *ctx);
/* 1 when @e is a read, 2 a write, else 0. */
int sev_rw(struct rctx *c, const struct sev *e);
/* c->src: agg_all, or with a window the temp view src of its seconds and edges. */
int setup_src(struct rctx *c);

/* report_recs.c */
/* 1 when a host has several recordings in the database. */
int runs_of_one_host(struct rctx *c);
/*
 * 1 when rows that are each one recording's say which (the columns of
 * SR_REPORT_COL_REC): --by recording, or a host with several recordings.
 */
int rec_split(struct rctx *c);
/* When rec_split(): temp.rlab(rec_id, label), each recording's label.  0 or -errno. */
int rec_labels(struct rctx *c);
/*
 * The labels of @n recordings (the rule above): recording i has the
 * database's id @ids[i] and its first file's path @paths[i] (NULL: none);
 * its label into @labels[i], allocated (the caller frees each).  0 or
 * -ENOMEM (then none is left allocated).  The ClickHouse path labels its
 * recordings by it too.
 */
int rec_label_list(size_t n, const int64_t *ids, char *const *paths, char **labels);
/* The recording and recording_id columns of the recording whose rec_id is @rec (SQL). */
void q_rec(struct qbuf *q, const char *rec);

/* report_header.c */
void print_header(struct rctx *c);
/* The line that says a report adds several recordings up (none: one, or a host column). */
void print_summed(struct rctx *c);
/* The filters' line of the header ("# filters: --pid 1,2 --since 0.5s"), when there are any. */
void print_filters(FILE *f, const struct sr_an_opts *o);

/* The reports (run and needs_rows of SR_REPORTS), and what they share. */
int report_overview(struct rctx *c);
/*
 * The overview's row @rs printed (in a table as lines, then @top prints the
 * top processes by I/O); frees nothing.
 */
int overview_print(struct rctx *c, struct sr_rs *rs, int (*top)(void *ctx), void *ctx);
int report_top_io(struct rctx *c);
int report_top_io_by(struct rctx *c, int by);
int report_syscalls(struct rctx *c);
/* report_hist.c: --syscalls --hist */
int report_syscalls_hist(struct rctx *c);
#define SR_HIST_BUCKETS	50	/* durations are clamped to SR_DUR_MAX, 2^48 */
/* A syscall's histogram: n[k] calls of duration in [2^k, 2^(k+1)) (k = 0: [0, 2)). */
struct hist {
	int64_t sys_id;
	uint64_t calls, total;
	uint64_t n[SR_HIST_BUCKETS];
};
/* The columns of --hist, into @rs. */
void hist_cols(struct sr_rs *rs);
/* The rows of @h, syscall @name, into @rs; *n counts them against the limit. */
void hist_rows(struct rctx *c, struct sr_rs *rs, const struct hist *h, const char *name,
	       int64_t *n);
int report_procs(struct rctx *c);
/* report_procs.c: a process as the tree of --procs needs it */
/*
 * A recording's key, as the export's `recordings.recording`: rows that tie
 * on a report's sort keys are ordered by host, this and the order within
 * the recording, never by ids that depend on how the traces were imported.
 */
#define SR_REC_KEY(r)							\
	"IFNULL(" r ".recording_id, IFNULL(" r ".host, '') || '@' || IFNULL(" r ".start_ns, 0))"

struct pnode {
	int64_t id, parent, pid, ppid;
	int64_t start, exit_ts, rstart, off;
	int has_start, has_exit, has_off, status, sig, code;
	int64_t threads, execs;
	int has_on_cpu;
	int64_t on_cpu;		/* proc_cpu: on-CPU time within the recording */
	char *comm, *exe, *cmdline, *host;
	char *rec, *rec_id;	/* the recording's label and id, when rec_split() */
	char *rkey;		/* the recording's key (SR_REC_KEY): ties by it, not by ids */
	size_t first_child, next_sibling;	/* indexes + 1, 0 = none */
	int in_tree;
};
/* The tree of the @n processes @v (sorted here) into @rs, printed. */
int procs_print(struct rctx *c, struct sr_rs *rs, struct pnode *v, size_t n);
int report_slow(struct rctx *c);
int report_errors(struct rctx *c);
int report_cpu(struct rctx *c);
int report_mem(struct rctx *c);
int report_files(struct rctx *c);
int report_net(struct rctx *c);
/*
 * report_net.c: column @col of @rs, "errno:count,..." as read, summed per
 * errno, in errno order and named ("EAGAIN:3,ECONNREFUSED:3").
 */
int net_name_errnos(struct sr_rs *rs, size_t col);
int report_timeline(struct rctx *c);
/* report_timeline.c: the bucket of --timeline without --interval over recordings of length @len */
int64_t timeline_interval(const struct sr_an_opts *o, int64_t len);
/*
 * A row of table tl summed, at @rel ns from the timeline's start (its 10 ms
 * bucket's), or a bucket of --interval already summed (@rel its start):
 * its events and bytes, the time of the calls that begin or end in it
 * (@ns) and the change in the calls running from it on (@rate).
 */
struct tl_row {
	int64_t rel, events, rb, wb, ns, rate;
};
/* Where the timeline starts: its first recording's start and clock, the bucket. */
struct tl_start {
	int64_t iv, start, off;
	int has_off;
};
/*
 * Rows of the timeline that are one run of buckets: of every recording
 * summed (@label NULL), or with --by recording of one (its label,
 * recording_id and host, the columns of the rows).
 */
struct tl_part {
	struct tl_start at;
	const struct tl_row *v;
	size_t n;
	const char *label, *rec_id, *host;
};
/*
 * The timeline of the @n parts @p (no window: whole, --since/--until: the
 * rows of the window) into @rs, printed as report_timeline() prints it:
 * each part's buckets in turn, --limit and the rows of gaps counted over all.
 */
int timeline_from_tl(struct rctx *c, struct sr_rs *rs, const struct tl_part *p, size_t n);
int report_sql(struct rctx *c);
int io_needs_rows(sqlite3 *db, const struct sr_an_opts *o);
int syscalls_needs_rows(sqlite3 *db, const struct sr_an_opts *o);
int timeline_needs_rows(sqlite3 *db, const struct sr_an_opts *o);
int sql_needs_rows(sqlite3 *db, const struct sr_an_opts *o);
int slow_needs_rows(sqlite3 *db, const struct sr_an_opts *o);
int errors_needs_rows(sqlite3 *db, const struct sr_an_opts *o);
/* A time column: relative seconds, or with --time abs the wall clock. */
void add_time(struct rctx *c, struct sr_rs *rs, int has, int64_t ts,
	      int64_t start, int has_off, int64_t off);

#endif /* SYSREC_REPORT_H */
