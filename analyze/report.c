// SPDX-License-Identifier: GPL-2.0-only
/*
 * report.c - the table of the reports (SR_REPORTS, report.h), their
 * dispatcher and the query helpers they share.
 *
 * The reports read tables filled at import (docs/SCHEMA.md) rather than the
 * events, which is what keeps them under a second on ten million events:
 *  - agg_all: per recording, process, cgroup and file: events, opens,
 *    reads and writes with their bytes (--top-io, --files, the overview);
 *  - agg: the same per second, for --since/--until.  A window that does not
 *    fall on whole seconds takes the whole seconds from agg and the partial
 *    ones from the events, found by a binary search on events.id (the
 *    events of a recording are stored in time order);
 *  - tl: events and bytes per 10 ms, process and cgroup (--timeline);
 *  - sys_stats: --syscalls with exact percentiles, unfiltered;
 *  - proc_mem and mem_ev: --mem over the whole recording and over a window;
 *  - proc_cpu and thread_cpu: --cpu, and --procs's on-CPU time.
 * --syscalls under a filter reads the events themselves (exact percentiles
 * need every duration), within the window and the lives of the processes.
 *
 * Filters become temporary tables (fproc: process ids, fcg: cgroups, fwin:
 * time windows) so that every query joins the same way and no value from
 * the command line or a trace is ever spliced into SQL.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/util.h"
#include "report.h"

void q_add(struct qbuf *q, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (q->overflow)
		return;
	va_start(ap, fmt);
	r = vsnprintf(q->s + q->n, sizeof(q->s) - q->n, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= sizeof(q->s) - q->n)
		q->overflow = 1;
	else
		q->n += (size_t)r;
}

void q_filters(struct rctx *c, struct qbuf *q, const char *a)
{
	if (c->fproc)
		q_add(q, " AND %s.proc_id IN (SELECT proc_id FROM temp.fproc)", a);
	if (c->fcg)
		q_add(q, " AND (%s.rec_id, %s.cgroup_id) IN (SELECT rec_id, id FROM temp.fcg)", a, a);
}

int q_prepare(struct rctx *c, struct qbuf *q, sqlite3_stmt **st)
{
	if (q->overflow) {
		sr_err("internal error: query too long");
		return -E2BIG;
	}
	return sr_an_prepare(c->db, q->s, st);
}

int run_into(struct rctx *c, struct qbuf *q, struct sr_rs *rs)
{
	sqlite3_stmt *st;
	int err = q_prepare(c, q, &st);

	if (err)
		return err;
	/* one row more than shown, to know whether rows were left out */
	if (c->limit > 0)
		sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":limit"),
				   c->limit < INT64_MAX ? c->limit + 1 : c->limit);
	else
		sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":limit"), -1);
	err = sr_rs__from_stmt(rs, st, c->limit);
	sqlite3_finalize(st);
	return err;
}


/*
 * The table, then, in table format, a line that says when --limit left rows
 * out: with the coverage header, so that the output of --sql stays the
 * query's alone.
 */
int print_rs(struct rctx *c, struct sr_rs *rs)
{
	int err = rs->err;

	if (!err && c->o->sink)
		return c->o->sink(c->o->sink_ctx, rs);
	if (!err)
		err = sr_rs__print(rs, stdout, c->o->fmt, sr_out_width(c->o->wide));
	if (err == -ENOMEM)
		sr_err("%s", strerror(ENOMEM));
	if (err)
		return err;
	if (c->o->fmt == SR_FMT_TABLE && rs->more)
		fprintf(c->hdr, "# first %zu rows (--limit 0 shows all)\n", rs->nrows);
	return sr_out_err(stdout);
}

int unfiltered(const struct rctx *c)
{
	return !c->fproc && !c->fcg && !c->ftime;
}

int has_cpu(struct rctx *c)
{
	if (c->cpu < 0)
		c->cpu = sr_an_query_int(c->db, "SELECT EXISTS (SELECT 1 FROM recordings"
					 " WHERE cpu = 1)", 0) != 0;
	return c->cpu;
}

const char *fmt_wall_at(int64_t ts, int64_t off, char *buf, size_t n)
{
	int64_t wall;

	/* as info and dump convert: a date they call out of range is one here too */
	if (ts < 0 || sr_wall_ns((uint64_t)ts, off, &wall))
		return NULL;
	return sr_fmt_wall(wall, buf, n);
}

void add_time(struct rctx *c, struct sr_rs *rs, int has, int64_t ts,
	      int64_t start, int has_off, int64_t off)
{
	char buf[40];

	if (!has) {
		sr_rs__null(rs);
	} else if (c->o->time_abs && has_off) {
		const char *w = fmt_wall_at(ts, off, buf, sizeof(buf));

		/* null in JSON, as dump --json and info --json */
		if (w)
			sr_rs__str(rs, w);
		else if (c->o->fmt == SR_FMT_JSON)
			sr_rs__null(rs);
		else
			sr_rs__str(rs, SR_WALL_OUT_OF_RANGE);
	} else {
		sr_rs__real(rs, ((double)ts - (double)start) / 1e9);
	}
}

void q_proc_filters(struct rctx *c, struct qbuf *q)
{
	q_filters(c, q, "p");
	if (c->ftime)
		q_add(q, " AND EXISTS (SELECT 1 FROM temp.fwin w WHERE w.rec_id = p.rec_id"
		      " AND (p.start_ts IS NULL OR p.start_ts < w.ts_hi)"
		      " AND (p.exit_ts IS NULL OR p.exit_ts >= w.ts_lo))");
}

int temp_table(struct rctx *c, const char *create, const char *insert, sqlite3_stmt **ins)
{
	int err = sr_an_exec(c->db, create);

	*ins = NULL;
	return err ? err : sr_an_prepare(c->db, insert, ins);
}

void insert_row(sqlite3_stmt *ins, const int64_t *v, int n)
{
	for (int k = 0; k < n; k++)
		sqlite3_bind_int64(ins, k + 1, v[k]);
	sqlite3_step(ins);
	sqlite3_reset(ins);
}

int src_rs(struct rctx *c, enum sr_report_id id, int by, struct sr_rs **rs)
{
	int err = setup_src(c);

	if (err)
		return err;
	*rs = rep_rs(c, id, by);
	return *rs ? 0 : -ENOMEM;
}

int run_print(struct rctx *c, struct qbuf *q, struct sr_rs *rs)
{
	int err = run_into(c, q, rs);

	if (!err)
		err = print_rs(c, rs);
	sr_rs__free(rs);
	return err;
}

static int multi_host(struct rctx *c)
{
	if (c->multi < 0)
		c->multi = sr_an_query_int(c->db, "SELECT COUNT(DISTINCT IFNULL(host, ''))"
					   " FROM recordings", 0) > 1;
	return c->multi;
}

/* --- the table --- */

#define HOST	{ "host", SR_COL_TEXT, SR_REPORT_COL_HOST, 0 }
#define END	{ .name = NULL }
#define BY_RECORDING	SR_REPORT_BY(SR_BY_RECORDING)
/*
 * Which recording a row is of: its label, and in CSV and JSON the
 * recording_id metadata.  For rows that are one recording's (@by: 0, or
 * the --by values whose rows are), when rec_split().
 */
#define REC(by)	{ "recording", SR_COL_TEXT, SR_REPORT_COL_REC, by },		\
		{ "recording_id", SR_COL_TEXT, SR_REPORT_COL_REC | SR_COL_F_NOTABLE, by }
/* the key of rows per recording (--by recording), first as host is with --by host */
#define REC_KEY	{ "recording", SR_COL_TEXT, 0, BY_RECORDING }

static const struct sr_report_col overview_cols[] = {
	{ "duration_ns", SR_COL_DUR, 0, 0 },
	{ "recordings", SR_COL_INT, 0, 0 },
	{ "traces", SR_COL_INT, 0, 0 },
	{ "processes", SR_COL_INT, 0, 0 },
	{ "events", SR_COL_INT, 0, 0 },
	{ "lost_events", SR_COL_INT, 0, 0 },
	{ "read_bytes", SR_COL_BYTES, 0, 0 },
	{ "write_bytes", SR_COL_BYTES, 0, 0 },
	END
};

static const struct sr_report_col top_io_cols[] = {
	{ "pid", SR_COL_INT, 0, SR_REPORT_BY(SR_BY_PROCESS) },
	{ "comm", SR_COL_TEXT, 0, SR_REPORT_BY(SR_BY_PROCESS) },
	{ "path", SR_COL_PATH, 0, SR_REPORT_BY(SR_BY_FILE) },
	{ "cgroup", SR_COL_PATH, 0, SR_REPORT_BY(SR_BY_CGROUP) },
	REC_KEY,
	{ "reads", SR_COL_INT, 0, 0 },
	{ "read_bytes", SR_COL_BYTES, 0, 0 },
	{ "writes", SR_COL_INT, 0, 0 },
	{ "write_bytes", SR_COL_BYTES, 0, 0 },
	{ "runtime", SR_COL_TEXT, SR_COL_F_NOTABLE, SR_REPORT_BY(SR_BY_CGROUP) },
	{ "container_id", SR_COL_TEXT, SR_COL_F_NOTABLE, SR_REPORT_BY(SR_BY_CGROUP) },
	{ "unit", SR_COL_TEXT, SR_COL_F_NOTABLE, SR_REPORT_BY(SR_BY_CGROUP) },
	HOST,
	{ "recording", SR_COL_TEXT, SR_REPORT_COL_REC, SR_REPORT_BY(SR_BY_PROCESS) },
	{ "recording_id", SR_COL_TEXT, SR_REPORT_COL_REC | SR_COL_F_NOTABLE,
	  SR_REPORT_BY(SR_BY_PROCESS) | BY_RECORDING },
	END
};

#define CPU		SR_REPORT_COL_CPU
#define NOCPU_TABLE	SR_REPORT_COL_NOCPU_TABLE
#define NOTABLE		SR_COL_F_NOTABLE

#define BY_HOST		SR_REPORT_BY(SR_BY_HOST)

static const struct sr_report_col syscalls_cols[] = {
	{ "host", SR_COL_TEXT, 0, BY_HOST },
	REC_KEY,
	{ "syscall", SR_COL_TEXT, 0, 0 },
	{ "calls", SR_COL_INT, 0, 0 },
	{ "errors", SR_COL_INT, 0, 0 },
	{ "total_ns", SR_COL_DUR, 0, 0 },
	{ "mean_ns", SR_COL_DUR, NOCPU_TABLE, 0 },
	{ "p50_ns", SR_COL_DUR, NOCPU_TABLE, 0 },
	{ "p99_ns", SR_COL_DUR, NOCPU_TABLE, 0 },
	{ "max_ns", SR_COL_DUR, 0, 0 },
	{ "on_cpu_ns", SR_COL_DUR, CPU, 0 },
	{ "off_cpu_ns", SR_COL_DUR, CPU, 0 },
	{ "blocked_ns", SR_COL_DUR, CPU | NOTABLE, 0 },
	{ "runq_ns", SR_COL_DUR, CPU, 0 },
	{ "vol_switches", SR_COL_INT, CPU | NOTABLE, 0 },
	{ "invol_switches", SR_COL_INT, CPU | NOTABLE, 0 },
	{ "recording_id", SR_COL_TEXT, NOTABLE, BY_RECORDING },
	{ "host", SR_COL_TEXT, SR_REPORT_COL_HOST, BY_RECORDING },
	END
};

static const struct sr_report_col slow_cols[] = {
	{ "time", SR_COL_TIME, NOTABLE, 0 },
	{ "pid", SR_COL_INT, 0, 0 },
	{ "tid", SR_COL_INT, 0, 0 },
	{ "comm", SR_COL_TEXT, 0, 0 },
	{ "syscall", SR_COL_TEXT, 0, 0 },
	{ "dur_ns", SR_COL_DUR, 0, 0 },
	{ "on_cpu_ns", SR_COL_DUR, 0, 0 },
	{ "off_cpu_ns", SR_COL_DUR, 0, 0 },
	{ "blocked_ns", SR_COL_DUR, NOTABLE, 0 },
	{ "runq_ns", SR_COL_DUR, 0, 0 },
	{ "vol_switches", SR_COL_INT, NOTABLE, 0 },
	{ "invol_switches", SR_COL_INT, NOTABLE, 0 },
	{ "ret", SR_COL_INT, NOTABLE, 0 },
	{ "error", SR_COL_TEXT, NOTABLE, 0 },
	{ "result", SR_COL_TEXT, SR_COL_F_TABLEONLY, 0 },
	{ "fd", SR_COL_INT, NOTABLE, 0 },
	{ "path", SR_COL_PATH, NOTABLE, 0 },
	{ "file", SR_COL_PATH, SR_COL_F_TABLEONLY, 0 },
	HOST,
	REC(0),
	END
};

static const struct sr_report_col errors_cols[] = {
	{ "syscall", SR_COL_TEXT, 0, 0 },
	{ "error", SR_COL_TEXT, 0, 0 },
	{ "errno", SR_COL_INT, NOTABLE, 0 },
	{ "path", SR_COL_PATH, 0, 0 },
	{ "failures", SR_COL_INT, 0, 0 },
	{ "processes", SR_COL_INT, 0, 0 },
	HOST,
	REC(BY_RECORDING),
	END
};

#define BY_THREAD	SR_REPORT_BY(SR_BY_THREAD)
#define BY_PROCESS	SR_REPORT_BY(SR_BY_PROCESS)

static const struct sr_report_col cpu_cols[] = {
	{ "host", SR_COL_TEXT, 0, BY_HOST },
	REC_KEY,
	{ "pid", SR_COL_INT, 0, BY_PROCESS | BY_THREAD },
	{ "tid", SR_COL_INT, 0, BY_THREAD },
	{ "comm", SR_COL_TEXT, 0, BY_PROCESS | BY_THREAD },
	{ "processes", SR_COL_INT, 0, BY_HOST | BY_RECORDING },
	{ "on_cpu_ns", SR_COL_DUR, 0, 0 },
	{ "share", SR_COL_TEXT, SR_COL_F_TABLEONLY, 0 },
	{ "runq_ns", SR_COL_DUR, 0, 0 },
	{ "off_cpu_ns", SR_COL_DUR, 0, 0 },
	{ "vol_switches", SR_COL_INT, NOTABLE, 0 },
	{ "invol_switches", SR_COL_INT, NOTABLE, 0 },
	{ "blocked_ns", SR_COL_DUR, 0, 0 },
	/* percentiles of a process's waits: not added up per host */
	{ "runq_p50_ns", SR_COL_DUR, NOTABLE, BY_PROCESS | BY_THREAD },
	{ "runq_p99_ns", SR_COL_DUR, 0, BY_PROCESS | BY_THREAD },
	{ "runq_max_ns", SR_COL_DUR, NOTABLE, 0 },
	{ "cpu_share", SR_COL_REAL, NOTABLE, 0 },
	{ "timeslices", SR_COL_INT, NOTABLE, 0 },
	{ "runq_waits", SR_COL_INT, NOTABLE, 0 },
	{ "threads", SR_COL_INT, NOTABLE, BY_PROCESS | BY_HOST | BY_RECORDING },
	{ "host", SR_COL_TEXT, SR_REPORT_COL_HOST, BY_PROCESS | BY_THREAD | BY_RECORDING },
	{ "recording", SR_COL_TEXT, SR_REPORT_COL_REC, BY_PROCESS | BY_THREAD },
	{ "recording_id", SR_COL_TEXT, SR_REPORT_COL_REC | NOTABLE,
	  BY_PROCESS | BY_THREAD | BY_RECORDING },
	END
};

static const struct sr_report_col procs_cols[] = {
	{ "process", SR_COL_TEXT, SR_COL_F_LEFT | SR_COL_F_TABLEONLY, 0 },
	{ "pid", SR_COL_INT, 0, 0 },
	{ "ppid", SR_COL_INT, 0, 0 },
	{ "comm", SR_COL_TEXT, SR_COL_F_NOTABLE, 0 },
	{ "depth", SR_COL_INT, SR_COL_F_NOTABLE, 0 },
	{ "start", SR_COL_TIME, 0, 0 },
	{ "end", SR_COL_TIME, SR_COL_F_NOTABLE, 0 },
	{ "duration_ns", SR_COL_DUR, 0, 0 },
	{ "on_cpu_ns", SR_COL_DUR, CPU, 0 },
	{ "exit", SR_COL_TEXT, SR_COL_F_TABLEONLY, 0 },
	{ "exit_code", SR_COL_INT, SR_COL_F_NOTABLE, 0 },
	{ "exit_status", SR_COL_INT, SR_COL_F_NOTABLE, 0 },
	{ "exit_signal", SR_COL_INT, SR_COL_F_NOTABLE, 0 },
	{ "threads", SR_COL_INT, SR_COL_F_NOTABLE, 0 },
	{ "execs", SR_COL_INT, SR_COL_F_NOTABLE, 0 },
	{ "exe", SR_COL_PATH, SR_COL_F_NOTABLE, 0 },
	{ "cmdline", SR_COL_TEXT, 0, 0 },	/* cut in the middle: the program stays */
	HOST,
	REC(0),
	END
};

static const struct sr_report_col mem_cols[] = {
	{ "pid", SR_COL_INT, 0, 0 },
	{ "comm", SR_COL_TEXT, 0, 0 },
	{ "mmaps", SR_COL_INT, SR_COL_F_NOTABLE, 0 },
	{ "mapped_bytes", SR_COL_BYTES, 0, 0 },
	{ "munmaps", SR_COL_INT, SR_COL_F_NOTABLE, 0 },
	{ "unmapped_bytes", SR_COL_BYTES, 0, 0 },
	{ "peak_bytes", SR_COL_BYTES, 0, 0 },
	{ "brks", SR_COL_INT, SR_COL_F_NOTABLE, 0 },
	{ "heap_growth_bytes", SR_COL_BYTES, 0, 0 },
	HOST,
	REC(0),
	END
};

static const struct sr_report_col net_cols[] = {
	{ "endpoint", SR_COL_PATH, 0, 0 },
	{ "pid", SR_COL_INT, 0, BY_PROCESS },
	{ "comm", SR_COL_TEXT, 0, BY_PROCESS },
	{ "connects", SR_COL_INT, 0, 0 },
	{ "accepts", SR_COL_INT, 0, 0 },
	{ "sent_bytes", SR_COL_BYTES, 0, 0 },
	{ "recv_bytes", SR_COL_BYTES, 0, 0 },
	{ "errors", SR_COL_INT, 0, 0 },
	{ "errnos", SR_COL_TEXT, 0, 0 },
	{ "connected", SR_COL_INT, NOTABLE, 0 },
	{ "connect_p50_ns", SR_COL_DUR, 0, 0 },
	{ "connect_p99_ns", SR_COL_DUR, 0, 0 },
	{ "connect_max_ns", SR_COL_DUR, 0, 0 },
	{ "sends", SR_COL_INT, NOTABLE, 0 },
	{ "recvs", SR_COL_INT, NOTABLE, 0 },
	HOST,
	END
};

static const struct sr_report_col files_cols[] = {
	{ "path", SR_COL_PATH, 0, 0 },
	{ "opens", SR_COL_INT, 0, 0 },
	{ "readers", SR_COL_INT, 0, 0 },
	{ "writers", SR_COL_INT, 0, 0 },
	{ "reads", SR_COL_INT, SR_COL_F_NOTABLE, 0 },
	{ "read_bytes", SR_COL_BYTES, 0, 0 },
	{ "writes", SR_COL_INT, SR_COL_F_NOTABLE, 0 },
	{ "write_bytes", SR_COL_BYTES, 0, 0 },
	HOST,
	REC(BY_RECORDING),
	END
};

static const struct sr_report_col timeline_cols[] = {
	REC_KEY,
	{ "time", SR_COL_TIME, 0, 0 },
	{ "events", SR_COL_INT, 0, 0 },
	{ "read_bytes", SR_COL_BYTES, 0, 0 },
	{ "write_bytes", SR_COL_BYTES, 0, 0 },
	{ "syscall_ns", SR_COL_DUR, 0, 0 },
	{ "recording_id", SR_COL_TEXT, SR_COL_F_NOTABLE, BY_RECORDING },
	{ "host", SR_COL_TEXT, SR_REPORT_COL_HOST, BY_RECORDING },
	END
};

#define SR_REPORT_ENTRY(id, opt, has_arg, help_line, fn, needs, cols_, lim)	\
	[SR_REP_##id] = { .option = opt, .arg = has_arg, .help = help_line,	\
			  .run = fn, .needs_rows = needs, .cols = cols_, .limit = lim },

const struct sr_report sr_reports[SR_REP_COUNT] = { SR_REPORTS(SR_REPORT_ENTRY) };

struct sr_rs *rep_rs(struct rctx *c, enum sr_report_id id, int by)
{
	const struct sr_report *rep = &sr_reports[id];
	struct sr_rs *rs = sr_rs__new();
	int host = -1;

	if (!rs)
		return NULL;
	for (const struct sr_report_col *col = rep->cols; col && col->name; col++) {
		int flags = col->flags;

		if (col->by && !(col->by & SR_REPORT_BY(by)))
			continue;
		if ((flags & SR_REPORT_COL_CPU) && !has_cpu(c))
			continue;
		if (flags & SR_REPORT_COL_NOCPU_TABLE)
			flags = has_cpu(c) ? SR_COL_F_NOTABLE : 0;
		flags &= ~SR_REPORT_COL_CPU;
		if (flags & SR_REPORT_COL_REC) {
			if (!rec_split(c))
				continue;
			flags &= SR_COL_F_NOTABLE;
		}
		if (flags & SR_REPORT_COL_HOST) {
			if (host < 0)
				host = multi_host(c);
			flags = host ? 0 : SR_COL_F_NOTABLE;
		}
		sr_rs__col(rs, col->name, col->kind, flags);
	}
	return rs;
}

int sr_an_needs_event_rows(sqlite3 *db, const struct sr_an_opts *o)
{
	const struct sr_report *rep = &sr_reports[o->report];

	/* a wall-clock window is placed once the recording is imported: its edges may be partial */
	if ((o->since_wall || o->until_wall) && o->report != SR_REP_SQL)
		return 1;
	return rep->needs_rows ? rep->needs_rows(db, o) : 0;
}

/*
 * --time abs on a recording without a wall clock (clock_offset_ns): its
 * times stay relative, and a line on stderr says so (the timeline places
 * it from the start of the first recording).
 */
static void note_no_clock(const struct rctx *c)
{
	sqlite3_stmt *st;

	if (sr_an_prepare(c->db, "SELECT (SELECT path FROM traces t WHERE t.rec_id = r.rec_id"
			  " ORDER BY rotation_index LIMIT 1) FROM recordings r"
			  " WHERE r.clock_offset_ns IS NULL ORDER BY r.rec_id", &st))
		return;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *path = sqlite3_column_text(st, 0);

		sr_err("analyze: --time abs: %s has no wall clock (clock_offset_ns): its times are relative",
		       path ? (const char *)path : "a recording");
	}
	sqlite3_finalize(st);
}

/*
 * A --since or --until given as wall-clock time, turned into time from the
 * start of the first recording (the clock of the others is theirs: the
 * same offset from their start), which started at @start with the clock
 * offset @off (@has_clock 0: it has none).  0, or -EINVAL (said).  The
 * SQLite path and the ClickHouse path (clickhouse_window.c) both end here.
 */
int window_to_rel(struct sr_an_opts *o, int has_clock, int64_t start, int64_t off)
{
	if (!has_clock) {
		sr_err("analyze: --since/--until as a wall-clock time needs the recording's clock"
		       " offset, which it does not have: give a time from its start (1.5, 500ms)");
		return -EINVAL;
	}
	if (o->since_wall) {
		o->since_ns = sat_add(sat_add(o->since_ns, -off), -start);
		if (o->since_ns < 0)
			o->since_ns = 0;
	}
	if (o->until_wall) {
		o->until_ns = sat_add(sat_add(o->until_ns, -off), -start);
		if (o->until_ns < 0)
			o->until_ns = 0;
	}
	o->since_wall = o->until_wall = 0;
	if (o->has_since && o->has_until && o->until_ns <= o->since_ns) {
		sr_err("analyze: --until must come after --since");
		return -EINVAL;
	}
	return 0;
}

static int wall_to_rel(sqlite3 *db, struct sr_an_opts *o)
{
	sqlite3_stmt *st;
	int64_t start = 0, off = 0;
	int ok = 0;

	if (!o->since_wall && !o->until_wall)
		return 0;
	if (sr_an_prepare(db, "SELECT start_ns, clock_offset_ns FROM recordings"
			  " ORDER BY rec_id LIMIT 1", &st))
		return -EIO;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 1) != SQLITE_NULL) {
		start = sqlite3_column_int64(st, 0);
		off = sqlite3_column_int64(st, 1);
		ok = 1;
	}
	sqlite3_finalize(st);
	return window_to_rel(o, ok, start, off);
}

int sr_an_report(sqlite3 *db, const struct sr_an_opts *opts)
{
	struct sr_an_opts rel = *opts;
	const struct sr_an_opts *o = &rel;
	struct rctx c = { .db = db, .o = o, .rep = &sr_reports[o->report],
			  .src = "agg_all", .cpu = -1, .multi = -1,
			  .runs = -1 };
	int err;

	/* an older database without the key has every row */
	c.event_rows = sr_an_query_int(db, "SELECT value FROM meta WHERE key = 'event_rows'",
				       1) != 0;

	c.hdr = o->hdr ? o->hdr : o->fmt == SR_FMT_TABLE ? stdout : stderr;
	/* a table is read by a person: its top rows; CSV and JSON feed programs: every row */
	if (o->limit >= 0)
		c.limit = o->limit;
	else
		c.limit = o->fmt == SR_FMT_TABLE ? c.rep->limit : 0;
	if (o->report != SR_REP_SQL) {
		err = wall_to_rel(db, &rel);
		if (err)
			goto out;
		err = load_recs(&c);
		if (!err)
			err = setup_proc_filter(&c);
		if (!err)
			err = narrow_scans(&c);
		if (!err)
			err = setup_cgroup_filter(&c);
		if (!err)
			err = setup_time_filter(&c);
		if (!err)
			err = rec_labels(&c);
		if (err)
			goto out;
		say_unmatched(&c);
		print_header(&c);
		print_summed(&c);
		if (o->time_abs)
			note_no_clock(&c);
	}
	err = c.rep->run(&c);
out:
	free(c.recs);
	free(c.rw);
	return err;
}
