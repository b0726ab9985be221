// SPDX-License-Identifier: GPL-2.0-only
/*
 * an_report.c - the reports of sysrec analyze, their filters and the
 * coverage header.
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
 *  - proc_mem and mem_ev: --mem over the whole recording and over a window.
 * --syscalls under a filter reads the events themselves (exact percentiles
 * need every duration), within the window and the lives of the processes.
 *
 * Filters become temporary tables (fproc: process ids, fcg: cgroups, fwin:
 * time windows) so that every query joins the same way and no value from
 * the command line or a trace is ever spliced into SQL.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sysrec/event.h"
#include "sysrec/util.h"
#include "analyze.h"

#define BUCKET_FAR	(1LL << 40)	/* beyond any bucket */
#define TIMELINE_FILL	100000		/* empty buckets a timeline fills in, in all */

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
	int fproc, fcg, ftime;
	int event_rows;		/* meta event_rows: events holds a row per event */
	const char *src;	/* "agg" or "temp.src" */
	FILE *hdr;		/* where the coverage header goes */
	int64_t limit;		/* 0: none */
};

/* A query built from constant fragments only. */
struct qbuf {
	char s[8192];
	size_t n;
	int overflow;
};

static void q_add(struct qbuf *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void q_add(struct qbuf *q, const char *fmt, ...)
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

/* Filters on a relation aliased @a with proc_id, rec_id, cgroup_id columns. */
static void q_filters(struct rctx *c, struct qbuf *q, const char *a)
{
	if (c->fproc)
		q_add(q, " AND %s.proc_id IN (SELECT proc_id FROM temp.fproc)", a);
	if (c->fcg)
		q_add(q, " AND (%s.rec_id, %s.cgroup_id) IN (SELECT rec_id, id FROM temp.fcg)", a, a);
}

static int q_prepare(struct rctx *c, struct qbuf *q, sqlite3_stmt **st)
{
	if (q->overflow) {
		sr_err("internal error: query too long");
		return -E2BIG;
	}
	return sr_an_prepare(c->db, q->s, st);
}

static int run_into(struct rctx *c, struct qbuf *q, struct sr_rs *rs)
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

/* --- filters --- */

static int setup_proc_filter(struct rctx *c)
{
	const struct sr_an_opts *o = c->o;
	sqlite3_stmt *st;
	struct qbuf q = { .n = 0 };
	int err;

	if (!o->npids && !o->comm)
		return 0;
	err = sr_an_exec(c->db, "DROP TABLE IF EXISTS temp.fpid; DROP TABLE IF EXISTS temp.fproc;"
			 "CREATE TEMP TABLE fpid(pid INTEGER PRIMARY KEY);"
			 "CREATE TEMP TABLE fproc(proc_id INTEGER PRIMARY KEY);");
	if (err)
		return err;
	err = sr_an_prepare(c->db, "INSERT OR IGNORE INTO temp.fpid VALUES(?)", &st);
	if (err)
		return err;
	for (size_t i = 0; i < o->npids; i++) {
		sqlite3_bind_int64(st, 1, o->pids[i]);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	q_add(&q, "INSERT INTO temp.fproc SELECT proc_id FROM procs WHERE 1");
	if (o->npids)
		q_add(&q, " AND pid IN (SELECT pid FROM temp.fpid)");
	if (o->comm)
		q_add(&q, " AND comm = ?1");
	err = q_prepare(c, &q, &st);
	if (err)
		return err;
	if (o->comm)
		sqlite3_bind_text(st, 1, o->comm, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = -EIO;
	sqlite3_finalize(st);
	c->fproc = 1;
	return err;
}

/*
 * The events of a process lie within its life: with --pid or --comm, the
 * event scans need only cover the span from the first start to the last
 * exit of the processes chosen, found by a binary search like the window.
 */
static int narrow_scans(struct rctx *c)
{
	sqlite3_stmt *st;

	if (!c->fproc)
		return 0;
	if (sr_an_prepare(c->db, "SELECT MIN(IFNULL(p.start_ts, -9223372036854775807 - 1)),"
			  " MAX(IFNULL(p.exit_ts + 1, 9223372036854775807)), COUNT(*)"
			  " FROM procs p WHERE p.rec_id = ?"
			  " AND p.proc_id IN (SELECT proc_id FROM temp.fproc)", &st))
		return -EIO;
	for (size_t k = 0; k < c->nrecs; k++) {
		struct rrec *r = &c->recs[k];

		sqlite3_bind_int64(st, 1, r->rec_id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			int64_t lo = sqlite3_column_int64(st, 0), hi = sqlite3_column_int64(st, 1);

			if (!sqlite3_column_int64(st, 2)) {
				r->scan_lo = r->scan_hi = 0;	/* none of them here */
			} else {
				if (lo > r->scan_lo)
					r->scan_lo = lo;
				if (hi < r->scan_hi)
					r->scan_hi = hi;
			}
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return 0;
}

static int setup_cgroup_filter(struct rctx *c)
{
	sqlite3_stmt *st;
	int err;

	if (!c->o->cgroup)
		return 0;
	err = sr_an_exec(c->db, "DROP TABLE IF EXISTS temp.fcg;"
			 "CREATE TEMP TABLE fcg(rec_id INTEGER, id INTEGER, PRIMARY KEY(rec_id, id));");
	if (err)
		return err;
	err = sr_an_prepare(c->db, "INSERT INTO temp.fcg SELECT c.rec_id, c.id FROM cgroups c"
			    " JOIN recordings r ON r.rec_id = c.rec_id"
			    " WHERE cg_under(c.path, r.cgroup2_mount, ?1)", &st);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, c->o->cgroup, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = -EIO;
	sqlite3_finalize(st);
	c->fcg = 1;
	return err;
}

/* The first event id in [lo, hi] with ts >= t (events sorted by ts); hi + 1 if none. */
static int64_t find_id(sqlite3_stmt *get_ts, int64_t lo, int64_t hi, int64_t t)
{
	int64_t end = hi + 1;

	hi = end;
	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2, ts = INT64_MAX;

		sqlite3_bind_int64(get_ts, 1, mid);
		if (sqlite3_step(get_ts) == SQLITE_ROW)
			ts = sqlite3_column_int64(get_ts, 0);
		sqlite3_reset(get_ts);
		if (ts < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int64_t sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t ceil_div(int64_t a, int64_t b)
{
	return -floor_div(-a, b);
}

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

static void win_split(const struct sr_an_opts *o, int64_t unit, struct win *w)
{
	w->lo = o->has_since ? ceil_div(o->since_ns, unit) : -BUCKET_FAR;
	w->hi = o->has_until ? floor_div(o->until_ns, unit) : BUCKET_FAR;
	w->all = w->lo >= w->hi;
	w->head = !w->all && o->has_since && w->lo * unit > o->since_ns;
	w->tail = !w->all && o->has_until && w->hi * unit < o->until_ns;
}

static int load_recs(struct rctx *c)
{
	const struct sr_an_opts *o = c->o;
	sqlite3_stmt *st;
	size_t n = (size_t)sr_an_query_int(c->db, "SELECT COUNT(*) FROM recordings", 0);

	c->recs = calloc(n + 1, sizeof(*c->recs));
	c->nrw = (size_t)sr_an_query_int(c->db, "SELECT IFNULL(MAX(sys_id), 0) FROM syscalls", 0);
	c->rw = calloc(c->nrw + 1, sizeof(*c->rw));
	if (!c->recs || !c->rw)
		return -ENOMEM;
	if (sr_an_prepare(c->db, "SELECT sys_id, rw FROM syscalls", &st))
		return -EIO;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);

		if (id >= 0 && (size_t)id <= c->nrw)
			c->rw[id] = (int8_t)sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	if (sr_an_prepare(c->db, "SELECT rec_id, start_ns, first_event, last_event, ts_sorted,"
			  " events FROM recordings ORDER BY rec_id", &st))
		return -EIO;
	while (c->nrecs < n && sqlite3_step(st) == SQLITE_ROW) {
		struct rrec *r = &c->recs[c->nrecs];

		r->rec_id = sqlite3_column_int64(st, 0);
		r->start = sqlite3_column_int64(st, 1);
		r->first = sqlite3_column_int64(st, 2);
		r->last = sqlite3_column_int64(st, 3);
		r->sorted = sqlite3_column_int(st, 4);
		if (sqlite3_column_int64(st, 5) <= 0) {
			/* no events: an empty range */
			r->first = 1;
			r->last = 0;
		}
		r->ts_lo = o->has_since ? sat_add(r->start, o->since_ns) : INT64_MIN;
		r->ts_hi = o->has_until ? sat_add(r->start, o->until_ns) : INT64_MAX;
		r->scan_lo = r->ts_lo;
		r->scan_hi = r->ts_hi;
		c->nrecs++;
	}
	sqlite3_finalize(st);
	return 0;
}

/* One event as the scanners hand it over. */
struct sev {
	int64_t rec_id, ts, start, proc_id, cgroup_id, sys_id, file_id, ret, dur, len;
	int type;
};

typedef int (*sev_fn)(struct rctx *c, const struct sev *e, void *ctx);

/*
 * Every event of recording @r with ts in [lo, hi) that passes the process
 * and cgroup filters, in id order.  The id range comes from a binary search
 * when the recording is in time order.
 */
static int scan_events(struct rctx *c, const struct rrec *r, int64_t lo, int64_t hi,
		       sev_fn fn, void *ctx)
{
	struct qbuf q = { .n = 0 };
	sqlite3_stmt *st = NULL, *get_ts = NULL;
	int64_t idlo = r->first, idhi = r->last;
	int err = 0, rc;

	/*
	 * Before any shortcut, so that a report path that reads events fails
	 * on every database without their rows, whatever the data: the tests
	 * check sr_an_needs_event_rows() against the reports this way.
	 */
	if (!c->event_rows) {
		sr_err("internal error: this report reads event rows, which were not imported");
		return -EIO;
	}
	if (lo >= hi || r->first > r->last)
		return 0;
	if (r->sorted) {
		if (sr_an_prepare(c->db, "SELECT ts FROM events WHERE id = ?", &get_ts))
			return -EIO;
		idlo = find_id(get_ts, r->first, r->last, lo);
		idhi = find_id(get_ts, r->first, r->last, hi) - 1;
		sqlite3_finalize(get_ts);
		if (idlo > idhi)
			return 0;
	}
	q_add(&q, "SELECT e.ts, e.type, e.proc_id, e.cgroup_id, e.sys_id, e.file_id, e.ret,"
	      " e.dur_ns, e.len FROM events e WHERE e.id BETWEEN ?1 AND ?2"
	      " AND e.ts >= ?3 AND e.ts < ?4");
	q_filters(c, &q, "e");
	err = q_prepare(c, &q, &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, idlo);
	sqlite3_bind_int64(st, 2, idhi);
	sqlite3_bind_int64(st, 3, lo);
	sqlite3_bind_int64(st, 4, hi);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct sev e = {
			.rec_id = r->rec_id,
			.ts = sqlite3_column_int64(st, 0),
			.start = r->start,
			.type = sqlite3_column_int(st, 1),
			.proc_id = sqlite3_column_int64(st, 2),
			.cgroup_id = sqlite3_column_int64(st, 3),
			.sys_id = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 :
				  sqlite3_column_int64(st, 4),
			.file_id = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 :
				   sqlite3_column_int64(st, 5),
			.ret = sqlite3_column_int64(st, 6),
			.dur = sqlite3_column_int64(st, 7),
			.len = sqlite3_column_int64(st, 8),
		};

		err = fn(c, &e, ctx);
		if (err)
			break;
	}
	if (!err && rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sr_err("database: %s", sqlite3_errmsg(c->db));
		err = -EIO;
	}
	sqlite3_finalize(st);
	return err;
}

static int sev_rw(struct rctx *c, const struct sev *e)
{
	if (e->type != SR_EV_RW || e->sys_id < 0 || (size_t)e->sys_id > c->nrw)
		return 0;
	return c->rw[e->sys_id];
}

/* Edge events summed like agg rows, then written to temp.edge. */
struct edge_acc {
	struct sr_map map;
	struct {
		int64_t rec_id, proc_id, cgroup_id, file_id;
		int64_t events, opens, reads, read_bytes, writes, write_bytes;
	} *v;
	size_t n, cap;
};

static int edge_add(struct rctx *c, const struct sev *e, void *ctx)
{
	struct edge_acc *a = ctx;
	uint64_t k1 = ((uint64_t)e->rec_id << 40) ^ (uint64_t)e->proc_id;
	uint32_t i = sr_map__get(&a->map, k1, (uint64_t)e->file_id, (uint64_t)e->cgroup_id);
	int rw = sev_rw(c, e);

	if (i == UINT32_MAX) {
		if (sr_grow(&a->v, &a->cap, a->n + 1, sizeof(*a->v)))
			return -ENOMEM;
		i = (uint32_t)a->n;
		if (sr_map__set(&a->map, k1, (uint64_t)e->file_id, (uint64_t)e->cgroup_id, i))
			return -ENOMEM;
		memset(&a->v[i], 0, sizeof(a->v[i]));
		a->v[i].rec_id = e->rec_id;
		a->v[i].proc_id = e->proc_id;
		a->v[i].cgroup_id = e->cgroup_id;
		a->v[i].file_id = e->file_id;
		a->n++;
	}
	a->v[i].events++;
	if (e->type == SR_EV_OPEN && e->ret >= 0)
		a->v[i].opens++;
	if (rw == 1 && e->ret >= 0) {
		a->v[i].reads++;
		a->v[i].read_bytes = sr_sum(a->v[i].read_bytes, sr_io_bytes(e->ret));
	} else if (rw == 2 && e->ret >= 0) {
		a->v[i].writes++;
		a->v[i].write_bytes = sr_sum(a->v[i].write_bytes, sr_io_bytes(e->ret));
	}
	return 0;
}

/* The window of each recording: fwin(rec_id, b_lo, b_hi, ts_lo, ts_hi). */
static int setup_time_filter(struct rctx *c)
{
	const struct sr_an_opts *o = c->o;
	sqlite3_stmt *ins = NULL;
	struct win w;
	int err;

	if (!o->has_since && !o->has_until)
		return 0;
	win_split(o, SR_NS_PER_SEC, &w);
	err = sr_an_exec(c->db,
			 "DROP TABLE IF EXISTS temp.fwin;"
			 "CREATE TEMP TABLE fwin(rec_id INTEGER, b_lo INTEGER, b_hi INTEGER,"
			 " ts_lo INTEGER, ts_hi INTEGER);");
	if (err)
		return err;
	if (sr_an_prepare(c->db, "INSERT INTO temp.fwin VALUES(?,?,?,?,?)", &ins))
		return -EIO;
	for (size_t k = 0; k < c->nrecs; k++) {
		struct rrec *r = &c->recs[k];

		sqlite3_bind_int64(ins, 1, r->rec_id);
		sqlite3_bind_int64(ins, 2, w.lo);
		sqlite3_bind_int64(ins, 3, w.hi);
		sqlite3_bind_int64(ins, 4, r->ts_lo);
		sqlite3_bind_int64(ins, 5, r->ts_hi);
		sqlite3_step(ins);
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	c->ftime = 1;
	return 0;
}

/*
 * With --since/--until, the I/O reports read the temp view src: the whole
 * seconds of agg inside each recording's window (temp.fwin) and, summed in
 * temp.edge, the events of the partial seconds at its ends.  Built only
 * for the reports that read it.
 */
static int setup_src(struct rctx *c)
{
	const struct sr_an_opts *o = c->o;
	struct edge_acc acc = { .n = 0 };
	sqlite3_stmt *ins = NULL;
	struct win w;
	int err;

	if (!c->ftime || !strcmp(c->src, "temp.src"))
		return 0;
	win_split(o, SR_NS_PER_SEC, &w);
	err = sr_an_exec(c->db,
			 "DROP VIEW IF EXISTS temp.src; DROP TABLE IF EXISTS temp.edge;"
			 "CREATE TEMP TABLE edge(rec_id INTEGER, proc_id INTEGER, cgroup_id INTEGER,"
			 " file_id INTEGER, events INTEGER, opens INTEGER, reads INTEGER,"
			 " read_bytes INTEGER, writes INTEGER, write_bytes INTEGER);");
	for (size_t k = 0; k < c->nrecs && !err; k++) {
		struct rrec *r = &c->recs[k];

		if (w.all) {
			err = scan_events(c, r, r->scan_lo, r->scan_hi, edge_add, &acc);
			continue;
		}
		if (w.head)
			err = scan_events(c, r, r->scan_lo, sat_add(r->start, w.lo * SR_NS_PER_SEC),
					  edge_add, &acc);
		if (!err && w.tail)
			err = scan_events(c, r, sat_add(r->start, w.hi * SR_NS_PER_SEC), r->scan_hi,
					  edge_add, &acc);
	}
	if (!err)
		err = sr_an_prepare(c->db, "INSERT INTO temp.edge VALUES(?,?,?,?,?,?,?,?,?,?)", &ins);
	for (size_t i = 0; i < acc.n && !err; i++) {
		int64_t v[10] = { acc.v[i].rec_id, acc.v[i].proc_id, acc.v[i].cgroup_id,
				  acc.v[i].file_id, acc.v[i].events, acc.v[i].opens,
				  acc.v[i].reads, acc.v[i].read_bytes, acc.v[i].writes,
				  acc.v[i].write_bytes };

		for (int k = 0; k < 10; k++) {
			if (k == 3 && v[k] < 0)
				sqlite3_bind_null(ins, k + 1);
			else
				sqlite3_bind_int64(ins, k + 1, v[k]);
		}
		sqlite3_step(ins);
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	sr_map__clear(&acc.map);
	free(acc.v);
	if (!err)
		err = sr_an_exec(c->db,
			"CREATE TEMP VIEW src AS"
			" SELECT a.rec_id, a.proc_id, a.cgroup_id, a.file_id, a.events, a.opens,"
			" a.reads, a.read_bytes, a.writes, a.write_bytes"
			" FROM agg a WHERE EXISTS (SELECT 1 FROM temp.fwin w"
			" WHERE w.rec_id = a.rec_id AND a.bucket >= w.b_lo AND a.bucket < w.b_hi)"
			" UNION ALL SELECT * FROM temp.edge;");
	c->src = "temp.src";
	return err;
}

/* --- the coverage header --- */

static void print_header(struct rctx *c)
{
	const struct sr_an_opts *o = c->o;
	sqlite3_stmt *st, *tr, *lo;
	FILE *f = c->hdr;
	int nrec = 0;

	if (sr_an_prepare(c->db, "SELECT rec_id, recording_id, host, start_ns, stop_ns,"
			  " clock_offset_ns, events, lost FROM recordings ORDER BY rec_id", &st))
		return;
	sr_an_prepare(c->db, "SELECT path, rotation_index, complete FROM traces"
		      " WHERE rec_id = ? ORDER BY rotation_index, trace_id", &tr);
	sr_an_prepare(c->db, "SELECT cpu, SUM(count) FROM lost WHERE rec_id = ?"
		      " GROUP BY cpu HAVING SUM(count) > 0 ORDER BY cpu", &lo);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t rec = sqlite3_column_int64(st, 0);
		int64_t start = sqlite3_column_int64(st, 3);
		int64_t stop = sqlite3_column_int64(st, 4);
		int has_off = sqlite3_column_type(st, 5) != SQLITE_NULL;
		int64_t off = sqlite3_column_int64(st, 5);
		const unsigned char *host = sqlite3_column_text(st, 2);
		const unsigned char *rid = sqlite3_column_text(st, 1);
		char a[40], b[40];

		nrec++;
		fputs("# recording ", f);
		if (rid)
			sr_fput_text(f, (const char *)rid, strlen((const char *)rid));
		else
			fprintf(f, "%" PRId64, rec);
		fputs(" on ", f);
		if (host)
			sr_fput_text(f, (const char *)host, strlen((const char *)host));
		else
			fputs("(unknown host)", f);
		fprintf(f, ": %" PRId64 " events in %.3f s\n",
			(int64_t)sqlite3_column_int64(st, 6), ((double)stop - (double)start) / 1e9);
		if (has_off) {
			sr_fmt_wall(sat_add(start, off), a, sizeof(a));
			sr_fmt_wall(sat_add(stop, off), b, sizeof(b));
		} else {
			snprintf(a, sizeof(a), "%.6f", (double)start / 1e9);
			snprintf(b, sizeof(b), "%.6f", (double)stop / 1e9);
		}
		fprintf(f, "#   from %s to %s%s\n", a, b, has_off ? "" : " (monotonic s)");
		if (tr) {
			sqlite3_bind_int64(tr, 1, rec);
			while (sqlite3_step(tr) == SQLITE_ROW) {
				const unsigned char *p = sqlite3_column_text(tr, 0);

				fputs("#   file ", f);
				if (p)
					sr_fput_text(f, (const char *)p, strlen((const char *)p));
				if (!sqlite3_column_int(tr, 2))
					fputs(" (incomplete)", f);
				fputc('\n', f);
			}
			sqlite3_reset(tr);
		}
		fprintf(f, "#   lost events: %" PRId64, (int64_t)sqlite3_column_int64(st, 7));
		if (lo) {
			int any = 0;

			sqlite3_bind_int64(lo, 1, rec);
			while (sqlite3_step(lo) == SQLITE_ROW) {
				fprintf(f, "%scpu%d: %" PRId64, any ? ", " : " (",
					sqlite3_column_int(lo, 0), (int64_t)sqlite3_column_int64(lo, 1));
				any = 1;
			}
			if (any)
				fputc(')', f);
			sqlite3_reset(lo);
		}
		fputc('\n', f);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(tr);
	sqlite3_finalize(lo);
	if (!nrec)
		fputs("# no recordings in the database\n", f);
	if (o->npids || o->comm || o->cgroup || o->has_since || o->has_until) {
		fputs("# filters:", f);
		if (o->npids) {
			fputs(" --pid ", f);
			for (size_t i = 0; i < o->npids; i++)
				fprintf(f, "%s%u", i ? "," : "", o->pids[i]);
		}
		if (o->comm) {
			fputs(" --comm ", f);
			sr_fput_text(f, o->comm, strlen(o->comm));
		}
		if (o->cgroup) {
			fputs(" --cgroup ", f);
			sr_fput_text(f, o->cgroup, strlen(o->cgroup));
		}
		if (o->has_since)
			fprintf(f, " --since %.9gs", (double)o->since_ns / 1e9);
		if (o->has_until)
			fprintf(f, " --until %.9gs", (double)o->until_ns / 1e9);
		fputc('\n', f);
	}
}

/* --- reports --- */

/*
 * The table, then, in table format, a line that says when --limit left rows
 * out: with the coverage header, so that the output of --sql stays the
 * query's alone.
 */
static int print_rs(struct rctx *c, struct sr_rs *rs)
{
	int err = rs->err;

	if (!err)
		err = sr_rs__print(rs, stdout, c->o->fmt, 80);
	if (err == -ENOMEM)
		sr_err("%s", strerror(ENOMEM));
	if (err)
		return err;
	if (c->o->fmt == SR_FMT_TABLE && rs->more)
		fprintf(c->hdr, "# first %zu rows (--limit 0 shows all)\n", rs->nrows);
	return sr_out_err(stdout);
}

/* No filter at all: the per file and per cgroup totals of the import answer. */
static int unfiltered(const struct rctx *c)
{
	return !c->fproc && !c->fcg && !c->ftime;
}

static int multi_host(struct rctx *c)
{
	return sr_an_query_int(c->db, "SELECT COUNT(DISTINCT IFNULL(host, '')) FROM recordings", 0) > 1;
}

static int report_top_io(struct rctx *c, int by)
{
	struct sr_rs *rs = sr_rs__new();
	struct qbuf q = { .n = 0 };
	int hostflag = multi_host(c) ? 0 : SR_COL_F_NOTABLE, err;

	if (!rs)
		return -ENOMEM;
	err = setup_src(c);
	if (err) {
		sr_rs__free(rs);
		return err;
	}
	if (by == SR_BY_PROCESS) {
		sr_rs__col(rs, "pid", SR_COL_INT, 0);
		sr_rs__col(rs, "comm", SR_COL_TEXT, 0);
		q_add(&q, "SELECT p.pid, p.comm,");
	} else if (by == SR_BY_FILE) {
		sr_rs__col(rs, "path", SR_COL_PATH, 0);
		q_add(&q, "SELECT IFNULL(f.name, '(unknown)'),");
	} else {
		sr_rs__col(rs, "cgroup", SR_COL_PATH, 0);
		q_add(&q, "SELECT IFNULL(g.path, 'cgroup ' || a.cgroup_id),");
	}
	sr_rs__col(rs, "reads", SR_COL_INT, 0);
	sr_rs__col(rs, "read_bytes", SR_COL_BYTES, 0);
	sr_rs__col(rs, "writes", SR_COL_INT, 0);
	sr_rs__col(rs, "write_bytes", SR_COL_BYTES, 0);
	q_add(&q, " SUM(a.reads), SUM(a.read_bytes), SUM(a.writes), SUM(a.write_bytes)");
	if (by == SR_BY_CGROUP) {
		sr_rs__col(rs, "runtime", SR_COL_TEXT, SR_COL_F_NOTABLE);
		sr_rs__col(rs, "container_id", SR_COL_TEXT, SR_COL_F_NOTABLE);
		sr_rs__col(rs, "unit", SR_COL_TEXT, SR_COL_F_NOTABLE);
		q_add(&q, ", g.runtime, g.container_id, g.unit");
	}
	sr_rs__col(rs, "host", SR_COL_TEXT, hostflag);
	q_add(&q, ", r.host FROM %s a JOIN recordings r ON r.rec_id = a.rec_id",
	      unfiltered(c) && by == SR_BY_FILE ? "file_stats" :
	      unfiltered(c) && by == SR_BY_CGROUP ? "cg_stats" : c->src);
	if (by == SR_BY_PROCESS)
		q_add(&q, " JOIN procs p ON p.proc_id = a.proc_id");
	else if (by == SR_BY_FILE)
		q_add(&q, " LEFT JOIN files f ON f.file_id = a.file_id");
	else
		q_add(&q, " LEFT JOIN cgroups g ON g.rec_id = a.rec_id AND g.id = a.cgroup_id");
	q_add(&q, " WHERE 1");
	q_filters(c, &q, "a");
	if (by == SR_BY_PROCESS)
		q_add(&q, " GROUP BY a.proc_id");
	else if (by == SR_BY_FILE)
		q_add(&q, " GROUP BY r.host, IFNULL(f.name, '(unknown)')");
	else
		q_add(&q, " GROUP BY r.host, IFNULL(g.path, 'cgroup ' || a.cgroup_id)");
	q_add(&q, " HAVING SUM(a.reads) + SUM(a.writes) > 0"
	      " ORDER BY SUM(a.read_bytes) + SUM(a.write_bytes) DESC,"
	      " SUM(a.reads) + SUM(a.writes) DESC, 1, 2 LIMIT :limit");
	err = run_into(c, &q, rs);
	if (!err)
		err = print_rs(c, rs);
	sr_rs__free(rs);
	return err;
}

static int report_files(struct rctx *c)
{
	struct sr_rs *rs = sr_rs__new();
	struct qbuf q = { .n = 0 };
	int hostflag = multi_host(c) ? 0 : SR_COL_F_NOTABLE, err;

	if (!rs)
		return -ENOMEM;
	err = setup_src(c);
	if (err) {
		sr_rs__free(rs);
		return err;
	}
	sr_rs__col(rs, "path", SR_COL_PATH, 0);
	sr_rs__col(rs, "opens", SR_COL_INT, 0);
	sr_rs__col(rs, "readers", SR_COL_INT, 0);
	sr_rs__col(rs, "writers", SR_COL_INT, 0);
	sr_rs__col(rs, "reads", SR_COL_INT, SR_COL_F_NOTABLE);
	sr_rs__col(rs, "read_bytes", SR_COL_BYTES, 0);
	sr_rs__col(rs, "writes", SR_COL_INT, SR_COL_F_NOTABLE);
	sr_rs__col(rs, "write_bytes", SR_COL_BYTES, 0);
	sr_rs__col(rs, "host", SR_COL_TEXT, hostflag);
	if (unfiltered(c))
		q_add(&q, "SELECT f.name, SUM(a.opens), SUM(a.readers), SUM(a.writers),");
	else
		q_add(&q, "SELECT f.name, SUM(a.opens),"
		      " COUNT(DISTINCT CASE WHEN a.reads > 0 THEN a.proc_id END),"
		      " COUNT(DISTINCT CASE WHEN a.writes > 0 THEN a.proc_id END),");
	q_add(&q, " SUM(a.reads), SUM(a.read_bytes), SUM(a.writes), SUM(a.write_bytes), r.host"
	      " FROM %s a JOIN files f ON f.file_id = a.file_id"
	      " JOIN recordings r ON r.rec_id = a.rec_id WHERE 1",
	      unfiltered(c) ? "file_stats" : c->src);
	q_filters(c, &q, "a");
	q_add(&q, " GROUP BY r.host, f.name"
	      " HAVING SUM(a.opens) + SUM(a.reads) + SUM(a.writes) > 0"
	      " ORDER BY SUM(a.read_bytes) + SUM(a.write_bytes) DESC, 2 DESC, 1 LIMIT :limit");
	err = run_into(c, &q, rs);
	if (!err)
		err = print_rs(c, rs);
	sr_rs__free(rs);
	return err;
}

/* --- syscalls --- */

struct sysacc {
	uint64_t calls, errors, total, max;
	uint64_t *d;
	size_t n, cap;
};

static int sys_add(struct rctx *c, const struct sev *e, void *ctx)
{
	struct sysacc *a;
	int64_t d = sr_clamp(e->dur, 0, SR_DUR_MAX);

	if (e->sys_id < 1 || (size_t)e->sys_id > c->nrw)
		return 0;
	a = (struct sysacc *)ctx + e->sys_id;
	a->calls++;
	a->errors += e->ret < 0 && e->ret >= -4095;
	a->total = (uint64_t)sr_sum((int64_t)a->total, d);
	if ((uint64_t)d > a->max)
		a->max = (uint64_t)d;
	if (sr_grow(&a->d, &a->cap, a->n + 1, sizeof(*a->d)))
		return -ENOMEM;
	a->d[a->n++] = (uint64_t)d;
	return 0;
}

static void syscall_cols(struct sr_rs *rs)
{
	sr_rs__col(rs, "syscall", SR_COL_TEXT, 0);
	sr_rs__col(rs, "calls", SR_COL_INT, 0);
	sr_rs__col(rs, "errors", SR_COL_INT, 0);
	sr_rs__col(rs, "total_ns", SR_COL_DUR, 0);
	sr_rs__col(rs, "mean_ns", SR_COL_DUR, 0);
	sr_rs__col(rs, "p50_ns", SR_COL_DUR, 0);
	sr_rs__col(rs, "p99_ns", SR_COL_DUR, 0);
	sr_rs__col(rs, "max_ns", SR_COL_DUR, 0);
}

static int report_syscalls(struct rctx *c)
{
	struct sr_rs *rs = sr_rs__new();
	struct qbuf q = { .n = 0 };
	struct sysacc *acc = NULL;
	sqlite3_stmt *st = NULL;
	size_t nacc = 0;
	int err = 0;

	if (!rs)
		return -ENOMEM;
	syscall_cols(rs);
	if (!c->fproc && !c->fcg && !c->ftime) {
		q_add(&q, "SELECT s.name, t.calls, t.errors, t.total_ns, t.total_ns / t.calls,"
		      " t.p50_ns, t.p99_ns, t.max_ns FROM sys_stats t"
		      " JOIN syscalls s ON s.sys_id = t.sys_id"
		      " ORDER BY t.total_ns DESC, t.calls DESC, s.name LIMIT :limit");
		err = run_into(c, &q, rs);
		goto print;
	}
	/* filtered: exact percentiles need the durations themselves */
	nacc = c->nrw;
	acc = calloc(nacc + 1, sizeof(*acc));
	if (!acc) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t k = 0; k < c->nrecs && !err; k++)
		err = scan_events(c, &c->recs[k], c->recs[k].scan_lo, c->recs[k].scan_hi,
				  sys_add, acc);
	if (err)
		goto out;
	/* rows into a temp table, so the order and limit are SQL's as above */
	err = sr_an_exec(c->db, "DROP TABLE IF EXISTS temp.fsys;"
			 "CREATE TEMP TABLE fsys(sys_id INTEGER, calls INTEGER, errors INTEGER,"
			 " total_ns INTEGER, max_ns INTEGER, p50_ns INTEGER, p99_ns INTEGER)");
	if (err)
		goto out;
	err = sr_an_prepare(c->db, "INSERT INTO temp.fsys VALUES(?,?,?,?,?,?,?)", &st);
	if (err)
		goto out;
	for (size_t i = 1; i <= nacc; i++) {
		struct sysacc *a = &acc[i];

		if (!a->calls)
			continue;
		sr_sort_u64(a->d, a->n);
		sqlite3_bind_int64(st, 1, (int64_t)i);
		sqlite3_bind_int64(st, 2, (int64_t)a->calls);
		sqlite3_bind_int64(st, 3, (int64_t)a->errors);
		sqlite3_bind_int64(st, 4, (int64_t)a->total);
		sqlite3_bind_int64(st, 5, (int64_t)a->max);
		sqlite3_bind_int64(st, 6, (int64_t)sr_percentile(a->d, a->n, 50));
		sqlite3_bind_int64(st, 7, (int64_t)sr_percentile(a->d, a->n, 99));
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	st = NULL;
	q.n = 0;
	q_add(&q, "SELECT s.name, t.calls, t.errors, t.total_ns, t.total_ns / t.calls,"
	      " t.p50_ns, t.p99_ns, t.max_ns FROM temp.fsys t"
	      " JOIN syscalls s ON s.sys_id = t.sys_id"
	      " ORDER BY t.total_ns DESC, t.calls DESC, s.name LIMIT :limit");
	err = run_into(c, &q, rs);
print:
	if (!err)
		err = print_rs(c, rs);
out:
	sqlite3_finalize(st);
	if (acc)
		for (size_t i = 0; i <= nacc; i++)
			free(acc[i].d);
	free(acc);
	sr_rs__free(rs);
	return err;
}

/* --- procs: the process tree --- */

struct pnode {
	int64_t id, parent, pid, ppid;
	int64_t start, exit_ts, rstart, off;
	int has_start, has_exit, has_off, status, sig, code;
	int64_t threads, execs;
	char *comm, *exe, *cmdline, *host;
	size_t first_child, next_sibling;	/* indexes + 1, 0 = none */
	int in_tree;
};

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? strdup((const char *)s) : NULL;
}

static int cmp_start(const void *a, const void *b)
{
	const struct pnode *x = a, *y = b;
	int64_t sx = x->has_start ? x->start : INT64_MIN;
	int64_t sy = y->has_start ? y->start : INT64_MIN;

	if (sx != sy)
		return sx < sy ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static void add_time(struct rctx *c, struct sr_rs *rs, int has, int64_t ts,
		     int64_t start, int has_off, int64_t off)
{
	char buf[40];

	if (!has) {
		sr_rs__null(rs);
	} else if (c->o->time_abs && has_off) {
		sr_fmt_wall(sat_add(ts, off), buf, sizeof(buf));
		sr_rs__str(rs, buf);
	} else {
		sr_rs__real(rs, ((double)ts - (double)start) / 1e9);
	}
}

static void proc_row(struct rctx *c, struct sr_rs *rs, struct pnode *p, int depth)
{
	char tree[160], ex[32];
	int ind = depth > 20 ? 20 : depth;

	sr_rs__row(rs);
	/* the indented name: its comm is escaped by the printer */
	snprintf(tree, sizeof(tree), "%*s%s", ind * 2, "", p->comm ? p->comm : "?");
	sr_rs__str(rs, tree);
	sr_rs__int(rs, p->pid);
	if (p->ppid >= 0)
		sr_rs__int(rs, p->ppid);
	else
		sr_rs__null(rs);
	sr_rs__str(rs, p->comm);
	sr_rs__int(rs, depth);
	add_time(c, rs, p->has_start, p->start, p->rstart, p->has_off, p->off);
	add_time(c, rs, p->has_exit, p->exit_ts, p->rstart, p->has_off, p->off);
	if (p->has_start && p->has_exit)
		sr_rs__int(rs, sr_sum(p->exit_ts, -p->start));
	else
		sr_rs__null(rs);
	if (p->has_exit) {
		if (p->sig)
			snprintf(ex, sizeof(ex), "sig %d", p->sig);
		else
			snprintf(ex, sizeof(ex), "%d", p->status);
		sr_rs__str(rs, ex);
		sr_rs__int(rs, p->code);
		sr_rs__int(rs, p->status);
		sr_rs__int(rs, p->sig);
	} else {
		sr_rs__str(rs, "-");
		sr_rs__null(rs);
		sr_rs__null(rs);
		sr_rs__null(rs);
	}
	sr_rs__int(rs, p->threads);
	sr_rs__int(rs, p->execs);
	sr_rs__str(rs, p->exe);
	sr_rs__str(rs, p->cmdline);
	sr_rs__str(rs, p->host);
}

static int report_procs(struct rctx *c)
{
	struct sr_rs *rs = sr_rs__new();
	struct qbuf q = { .n = 0 };
	struct pnode *v = NULL;
	size_t n = 0, cap = 0, *stack = NULL;
	int *depth = NULL;
	sqlite3_stmt *st;
	int err, hostflag = multi_host(c) ? 0 : SR_COL_F_NOTABLE;
	int64_t shown = 0;

	if (!rs)
		return -ENOMEM;
	sr_rs__col(rs, "process", SR_COL_TEXT, SR_COL_F_LEFT | SR_COL_F_TABLEONLY);
	sr_rs__col(rs, "pid", SR_COL_INT, 0);
	sr_rs__col(rs, "ppid", SR_COL_INT, 0);
	sr_rs__col(rs, "comm", SR_COL_TEXT, SR_COL_F_NOTABLE);
	sr_rs__col(rs, "depth", SR_COL_INT, SR_COL_F_NOTABLE);
	sr_rs__col(rs, "start", SR_COL_TIME, 0);
	sr_rs__col(rs, "end", SR_COL_TIME, SR_COL_F_NOTABLE);
	sr_rs__col(rs, "duration_ns", SR_COL_DUR, 0);
	sr_rs__col(rs, "exit", SR_COL_TEXT, SR_COL_F_TABLEONLY);
	sr_rs__col(rs, "exit_code", SR_COL_INT, SR_COL_F_NOTABLE);
	sr_rs__col(rs, "exit_status", SR_COL_INT, SR_COL_F_NOTABLE);
	sr_rs__col(rs, "exit_signal", SR_COL_INT, SR_COL_F_NOTABLE);
	sr_rs__col(rs, "threads", SR_COL_INT, SR_COL_F_NOTABLE);
	sr_rs__col(rs, "execs", SR_COL_INT, SR_COL_F_NOTABLE);
	sr_rs__col(rs, "exe", SR_COL_PATH, SR_COL_F_NOTABLE);
	sr_rs__col(rs, "cmdline", SR_COL_PATH, 0);
	sr_rs__col(rs, "host", SR_COL_TEXT, hostflag);

	q_add(&q, "SELECT p.proc_id, p.parent_id, p.pid, p.ppid, p.start_ts, p.exit_ts,"
	      " p.exit_code, p.exit_status, p.exit_signal, p.threads, p.execs, p.comm,"
	      " p.exe, p.cmdline, r.host, r.start_ns, r.clock_offset_ns"
	      " FROM procs p JOIN recordings r ON r.rec_id = p.rec_id WHERE 1");
	if (c->fproc)
		q_add(&q, " AND p.proc_id IN (SELECT proc_id FROM temp.fproc)");
	if (c->fcg)
		q_add(&q, " AND (p.rec_id, p.cgroup_id) IN (SELECT rec_id, id FROM temp.fcg)");
	if (c->ftime)
		/* alive at some time in the window */
		q_add(&q, " AND EXISTS (SELECT 1 FROM temp.fwin w WHERE w.rec_id = p.rec_id"
		      " AND (p.start_ts IS NULL OR p.start_ts < w.ts_hi)"
		      " AND (p.exit_ts IS NULL OR p.exit_ts >= w.ts_lo))");
	err = q_prepare(c, &q, &st);
	if (err)
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct pnode *p;

		if (sr_grow(&v, &cap, n + 1, sizeof(*v))) {
			err = -ENOMEM;
			break;
		}
		p = &v[n++];
		memset(p, 0, sizeof(*p));
		p->id = sqlite3_column_int64(st, 0);
		p->parent = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 1);
		p->pid = sqlite3_column_int64(st, 2);
		p->ppid = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 3);
		p->has_start = sqlite3_column_type(st, 4) != SQLITE_NULL;
		p->start = sqlite3_column_int64(st, 4);
		p->has_exit = sqlite3_column_type(st, 5) != SQLITE_NULL;
		p->exit_ts = sqlite3_column_int64(st, 5);
		p->code = sqlite3_column_int(st, 6);
		p->status = sqlite3_column_int(st, 7);
		p->sig = sqlite3_column_int(st, 8);
		p->threads = sqlite3_column_int64(st, 9);
		p->execs = sqlite3_column_int64(st, 10);
		p->comm = col_dup(st, 11);
		p->exe = col_dup(st, 12);
		p->cmdline = col_dup(st, 13);
		p->host = col_dup(st, 14);
		p->rstart = sqlite3_column_int64(st, 15);
		p->has_off = sqlite3_column_type(st, 16) != SQLITE_NULL;
		p->off = sqlite3_column_int64(st, 16);
	}
	sqlite3_finalize(st);
	if (err)
		goto out;
	qsort(v, n, sizeof(*v), cmp_start);
	/* children lists, in start order; ids are looked up by a sorted copy */
	{
		struct sr_map ix = { 0 };

		for (size_t i = 0; i < n; i++)
			if (sr_map__set(&ix, (uint64_t)v[i].id, 0, 0, (uint32_t)i)) {
				sr_map__clear(&ix);
				err = -ENOMEM;
				goto out;
			}
		for (size_t i = n; i-- > 0;) {
			uint32_t pi = v[i].parent >= 0 ?
				      sr_map__get(&ix, (uint64_t)v[i].parent, 0, 0) : UINT32_MAX;

			if (pi == UINT32_MAX || pi == i)
				continue;
			v[i].next_sibling = v[pi].first_child;
			v[pi].first_child = i + 1;
			v[i].in_tree = 1;
		}
		sr_map__clear(&ix);
	}
	stack = malloc((n + 1) * sizeof(*stack));
	depth = malloc((n + 1) * sizeof(*depth));
	if (!stack || !depth) {
		err = -ENOMEM;
		goto out;
	}
	/* depth-first from each root; a cycle in hostile data cannot loop: each node once */
	for (size_t r = 0; r < n; r++) {
		size_t sp = 0;

		if (v[r].in_tree)
			continue;
		stack[sp] = r;
		depth[sp++] = 0;
		v[r].in_tree = 2;
		while (sp) {
			size_t i = stack[--sp], k, lo = sp;
			int d = depth[sp];

			if (!c->limit || shown < c->limit)
				proc_row(c, rs, &v[i], d);
			shown++;
			/*
			 * Children in start order, then turned around on the
			 * stack so that the first to start is popped first.  Each
			 * node is pushed once, so the stack holds at most n.
			 */
			for (k = v[i].first_child; k; k = v[k - 1].next_sibling) {
				if (v[k - 1].in_tree == 2)
					continue;
				v[k - 1].in_tree = 2;
				stack[sp] = k - 1;
				depth[sp++] = d + 1;
			}
			for (size_t a = lo, b = sp; a + 1 < b; a++, b--) {
				size_t t = stack[a];

				stack[a] = stack[b - 1];
				stack[b - 1] = t;
			}
		}
	}
	/* nodes caught in a parent cycle were never reached from a root */
	for (size_t i = 0; i < n; i++)
		if (v[i].in_tree != 2 && (!c->limit || shown++ < c->limit))
			proc_row(c, rs, &v[i], 0);
	rs->more = c->limit && shown > c->limit;
	err = print_rs(c, rs);
out:
	for (size_t i = 0; i < n; i++) {
		free(v[i].comm);
		free(v[i].exe);
		free(v[i].cmdline);
		free(v[i].host);
	}
	free(v);
	free(stack);
	free(depth);
	sr_rs__free(rs);
	return err;
}

/* --- mem --- */

static void mem_cols(struct sr_rs *rs)
{
	sr_rs__col(rs, "pid", SR_COL_INT, 0);
	sr_rs__col(rs, "comm", SR_COL_TEXT, 0);
	sr_rs__col(rs, "mmaps", SR_COL_INT, SR_COL_F_NOTABLE);
	sr_rs__col(rs, "mapped_bytes", SR_COL_BYTES, 0);
	sr_rs__col(rs, "munmaps", SR_COL_INT, SR_COL_F_NOTABLE);
	sr_rs__col(rs, "unmapped_bytes", SR_COL_BYTES, 0);
	sr_rs__col(rs, "peak_bytes", SR_COL_BYTES, 0);
	sr_rs__col(rs, "brks", SR_COL_INT, SR_COL_F_NOTABLE);
	sr_rs__col(rs, "heap_growth_bytes", SR_COL_BYTES, 0);
}

static int report_mem(struct rctx *c)
{
	struct sr_rs *rs = sr_rs__new();
	struct qbuf q = { .n = 0 };
	sqlite3_stmt *st = NULL;
	int err;

	if (!rs)
		return -ENOMEM;
	mem_cols(rs);
	if (!c->ftime) {
		q_add(&q, "SELECT p.pid, p.comm, m.mmaps, m.mapped, m.munmaps, m.unmapped,"
		      " m.peak, m.brks, m.brk_last - m.brk_first FROM proc_mem m"
		      " JOIN procs p ON p.proc_id = m.proc_id WHERE 1");
		q_filters(c, &q, "p");
		q_add(&q, " ORDER BY m.peak DESC, m.mapped DESC, p.pid LIMIT :limit");
		err = run_into(c, &q, rs);
		goto print;
	}
	/* a time window: replay the window's mmap/munmap/brk in order */
	err = sr_an_exec(c->db, "DROP TABLE IF EXISTS temp.fmem;"
			 "CREATE TEMP TABLE fmem(proc_id INTEGER PRIMARY KEY, mmaps INTEGER,"
			 " mapped INTEGER, munmaps INTEGER, unmapped INTEGER, peak INTEGER,"
			 " brks INTEGER, brk_first INTEGER, brk_last INTEGER)");
	if (err)
		goto out;
	q_add(&q, "SELECT m.proc_id, m.type, m.ret, m.len FROM mem_ev m"
	      " JOIN temp.fwin w ON w.rec_id = m.rec_id AND m.ts >= w.ts_lo AND m.ts < w.ts_hi"
	      " WHERE 1");
	if (c->fproc)
		q_add(&q, " AND m.proc_id IN (SELECT proc_id FROM temp.fproc)");
	if (c->fcg)
		q_add(&q, " AND m.proc_id IN (SELECT proc_id FROM procs"
		      " WHERE (rec_id, cgroup_id) IN (SELECT rec_id, id FROM temp.fcg))");
	q_add(&q, " ORDER BY m.proc_id, m.ts, m.rowid");
	err = q_prepare(c, &q, &st);
	if (err)
		goto out;
	{
		sqlite3_stmt *ins;
		int64_t cur_proc = -1, cur = 0, peak = 0, mm = 0, mapped = 0, mu = 0, unm = 0;
		int64_t brks = 0, bf = 0, bl = 0;
		int rc;

		err = sr_an_prepare(c->db, "INSERT INTO temp.fmem VALUES(?,?,?,?,?,?,?,?,?)", &ins);
		if (err)
			goto out;
		do {
			int64_t pid_, type, ret, len;

			rc = sqlite3_step(st);
			pid_ = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -2;
			if (pid_ != cur_proc && cur_proc != -1) {
				int64_t vals[9] = { cur_proc, mm, mapped, mu, unm, peak, brks, bf, bl };

				for (int k = 0; k < 9; k++)
					sqlite3_bind_int64(ins, k + 1, vals[k]);
				sqlite3_step(ins);
				sqlite3_reset(ins);
			}
			if (rc != SQLITE_ROW)
				break;
			if (pid_ != cur_proc) {
				cur_proc = pid_;
				cur = peak = mm = mapped = mu = unm = brks = bf = bl = 0;
			}
			type = sqlite3_column_int64(st, 1);
			ret = sqlite3_column_int64(st, 2);
			len = sqlite3_column_int64(st, 3);
			if (ret < 0 && ret >= -4095)
				continue;
			len = sr_clamp(len, 0, SR_LEN_MAX);
			if (type == SR_EV_MMAP) {
				mm++;
				mapped = sr_sum(mapped, len);
				cur = sr_sum(cur, len);
				if (cur > peak)
					peak = cur;
			} else if (type == SR_EV_MUNMAP) {
				mu++;
				unm = sr_sum(unm, len);
				cur = sr_sum(cur, -len);
			} else {
				if (!brks)
					bf = ret;
				bl = ret;
				brks++;
			}
		} while (1);
		sqlite3_finalize(ins);
	}
	q.n = 0;
	q_add(&q, "SELECT p.pid, p.comm, m.mmaps, m.mapped, m.munmaps, m.unmapped,"
	      " m.peak, m.brks, m.brk_last - m.brk_first FROM temp.fmem m"
	      " JOIN procs p ON p.proc_id = m.proc_id"
	      " ORDER BY m.peak DESC, m.mapped DESC, p.pid LIMIT :limit");
	err = run_into(c, &q, rs);
print:
	if (!err)
		err = print_rs(c, rs);
out:
	sqlite3_finalize(st);
	sr_rs__free(rs);
	return err;
}

/* --- timeline --- */

struct tlacc {
	struct sr_map map;
	struct tlb {
		int64_t b, events, rb, wb;
	} *v;
	size_t n, cap;
	int64_t iv;
};

static int tl_put(struct tlacc *a, int64_t rel, int64_t events, int64_t rb, int64_t wb)
{
	int64_t b = floor_div(rel, a->iv);
	uint32_t i = sr_map__get(&a->map, (uint64_t)b, 0, 0);

	if (i == UINT32_MAX) {
		if (sr_grow(&a->v, &a->cap, a->n + 1, sizeof(*a->v)))
			return -ENOMEM;
		i = (uint32_t)a->n;
		if (sr_map__set(&a->map, (uint64_t)b, 0, 0, i))
			return -ENOMEM;
		a->v[i] = (struct tlb){ .b = b };
		a->n++;
	}
	a->v[i].events += events;
	a->v[i].rb += rb;
	a->v[i].wb += wb;
	return 0;
}

static int tl_ev(struct rctx *c, const struct sev *e, void *ctx)
{
	int rw = sev_rw(c, e);
	int64_t bytes = sr_io_bytes(e->ret);

	return tl_put(ctx, sr_sum(e->ts, -e->start), 1, rw == 1 ? bytes : 0, rw == 2 ? bytes : 0);
}

static int cmp_tlb(const void *a, const void *b)
{
	const struct tlb *x = a, *y = b;

	return x->b < y->b ? -1 : x->b > y->b;
}

/*
 * Intervals that are whole multiples of 10 ms read table tl (and the events
 * of the partial 10 ms at the ends of a window); others read the events.
 */
static int timeline_rec(struct rctx *c, const struct rrec *r, struct tlacc *acc)
{
	struct qbuf q = { .n = 0 };
	sqlite3_stmt *st;
	struct win w;
	int err;

	win_split(c->o, SR_TL_NS, &w);
	if (acc->iv % SR_TL_NS || w.all)
		return scan_events(c, r, r->scan_lo, r->scan_hi, tl_ev, acc);
	q_add(&q, "SELECT t.bucket, SUM(t.events), SUM(t.read_bytes), SUM(t.write_bytes)"
	      " FROM tl t WHERE t.rec_id = ?1 AND t.bucket >= ?2 AND t.bucket < ?3");
	q_filters(c, &q, "t");
	q_add(&q, " GROUP BY t.bucket");
	err = q_prepare(c, &q, &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, r->rec_id);
	sqlite3_bind_int64(st, 2, w.lo);
	sqlite3_bind_int64(st, 3, w.hi);
	while (!err && sqlite3_step(st) == SQLITE_ROW)
		err = tl_put(acc, sqlite3_column_int64(st, 0) * SR_TL_NS,
			     sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
			     sqlite3_column_int64(st, 3));
	sqlite3_finalize(st);
	if (!err && w.head)
		err = scan_events(c, r, r->scan_lo, sat_add(r->start, w.lo * SR_TL_NS),
				  tl_ev, acc);
	if (!err && w.tail)
		err = scan_events(c, r, sat_add(r->start, w.hi * SR_TL_NS), r->scan_hi,
				  tl_ev, acc);
	return err;
}

static int report_timeline(struct rctx *c)
{
	const struct sr_an_opts *o = c->o;
	struct tlacc acc = { .iv = (int64_t)o->interval_ns };
	int64_t start = 0, off = 0, rows = 0, fill = 0;
	struct sr_rs *rs = sr_rs__new();
	sqlite3_stmt *st;
	int err = 0, has_off = 0;
	size_t skipped = 0;

	if (!rs)
		return -ENOMEM;
	sr_rs__col(rs, "time", SR_COL_TIME, 0);
	sr_rs__col(rs, "events", SR_COL_INT, 0);
	sr_rs__col(rs, "read_bytes", SR_COL_BYTES, 0);
	sr_rs__col(rs, "write_bytes", SR_COL_BYTES, 0);
	/* times are from the start of each recording; --time abs shows the first's clock */
	if (sr_an_prepare(c->db, "SELECT start_ns, clock_offset_ns FROM recordings"
			  " ORDER BY rec_id LIMIT 1", &st) == 0) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			start = sqlite3_column_int64(st, 0);
			has_off = sqlite3_column_type(st, 1) != SQLITE_NULL;
			off = sqlite3_column_int64(st, 1);
		}
		sqlite3_finalize(st);
	}
	for (size_t k = 0; k < c->nrecs && !err; k++)
		err = timeline_rec(c, &c->recs[k], &acc);
	if (err)
		goto out;
	if (acc.n)	/* an empty window has no array: qsort(NULL) is undefined */
		qsort(acc.v, acc.n, sizeof(*acc.v), cmp_tlb);
	/*
	 * Every busy bucket is a row (up to --limit).  The empty buckets
	 * between them are rows of zeros, TIMELINE_FILL of them in all: past
	 * that, a gap is left out whole, and a note says so.
	 */
	for (size_t i = 0; i < acc.n && !rs->more; i++) {
		int64_t gap = i ? acc.v[i].b - acc.v[i - 1].b - 1 : 0;

		rs->more = c->limit && rows >= c->limit;
		if (rs->more)
			break;		/* the output ends before this bucket and its gap */
		if (gap > 0 && fill + gap > TIMELINE_FILL) {
			skipped++;
			gap = 0;
		}
		for (int64_t g = acc.v[i].b - gap; g <= acc.v[i].b; g++) {
			int busy = g == acc.v[i].b;

			rs->more = c->limit && rows >= c->limit;
			if (rs->more)
				break;
			sr_rs__row(rs);
			add_time(c, rs, 1, sr_sum(start, g * acc.iv), start, has_off, off);
			sr_rs__int(rs, busy ? acc.v[i].events : 0);
			sr_rs__int(rs, busy ? acc.v[i].rb : 0);
			sr_rs__int(rs, busy ? acc.v[i].wb : 0);
			rows++;
			fill += !busy;
		}
	}
	if (skipped)
		fprintf(c->hdr, "# %zu gap%s of empty buckets left out (past %d rows of zeros)\n",
			skipped, skipped == 1 ? "" : "s", TIMELINE_FILL);
	err = print_rs(c, rs);
out:
	sr_map__clear(&acc.map);
	free(acc.v);
	sr_rs__free(rs);
	return err;
}

/* --- sql --- */

/* The tables filled only with event rows (sr_an_import_opts.event_rows). */
static const char *const event_tables[] = {
	"events", "ev_open", "ev_dup", "ev_mmap", "ev_fork", "ev_exit", "ev_exec",
	"ev_syscall",
};

/* What the authorizer learns about a query while it is prepared. */
struct sql_use {
	char **tables;		/* the other tables of the main schema */
	size_t ntables;
	const char *self;	/* the view being checked: its own columns */
	int events;		/* reads an event table, or may: 1 */
};

static int is_event_table(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(event_tables); i++)
		if (!strcasecmp(name, event_tables[i]))
			return 1;
	return 0;
}

/*
 * Called by SQLite for every table a statement reads or writes (columns read
 * through a view name the view's tables; COUNT(*) reads a table with an
 * empty column name).  Anything but a plain access to a known table that is
 * not an event table counts as needing the events: a pragma, a virtual
 * table such as dbstat, ATTACH, DDL.
 */
static int sql_auth(void *ctx, int action, const char *a, const char *b,
		    const char *dbname, const char *inner)
{
	struct sql_use *u = ctx;
	int known = 0;

	(void)b;
	(void)inner;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_FUNCTION:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_READ:
	case SQLITE_INSERT:
	case SQLITE_UPDATE:
	case SQLITE_DELETE:
		/* the read of a table without columns (COUNT(*)) names no database */
		if (!a || is_event_table(a) || (dbname && strcmp(dbname, "main")))
			break;
		known = u->self && !strcasecmp(a, u->self);
		for (size_t i = 0; i < u->ntables && !known; i++)
			known = !strcasecmp(a, u->tables[i]);
		if (known)
			return SQLITE_OK;
		break;
	default:
		break;
	}
	u->events = 1;
	return SQLITE_OK;
}

/* Prepare @sql with the authorizer on: 1 when it may touch event rows. */
static int sql_touches_events(sqlite3 *db, struct sql_use *u, const char *sql)
{
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;

	u->events = 0;
	sqlite3_set_authorizer(db, sql_auth, u);
	if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK || !st)
		u->events = 1;
	sqlite3_set_authorizer(db, NULL, NULL);
	sqlite3_finalize(st);
	while (tail && (*tail == ' ' || *tail == '\t' || *tail == '\n' || *tail == ';' ||
			*tail == '\r'))
		tail++;
	if (tail && *tail)
		u->events = 1;
	return u->events;
}

static int sql_known(struct sql_use *u, size_t *cap, const char *name)
{
	if (sr_grow(&u->tables, cap, u->ntables + 1, sizeof(*u->tables)))
		return -ENOMEM;
	u->tables[u->ntables] = strdup(name);
	if (!u->tables[u->ntables])
		return -ENOMEM;
	u->ntables++;
	return 0;
}

/*
 * 1 when query @sql may read (or change) rows of the event tables: it is
 * prepared on @db with an authorizer that sees every table it touches.  The
 * known tables are those of the schema but the event tables, and the views
 * whose every column comes from them (a view read without columns, as in
 * COUNT(*), names only itself).  A query that does not prepare, or is more
 * than one statement, counts as reading events: with the rows it fails or
 * works exactly as it always did.
 */
static int sql_reads_events(sqlite3 *db, const char *sql)
{
	struct sql_use u = { .events = 0 };
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int err = 0, ev;

	if (sqlite3_prepare_v2(db, "SELECT name, type = 'view' FROM sqlite_schema"
			       " WHERE type IN ('table', 'view') UNION ALL SELECT 'sqlite_master', 0"
			       " UNION ALL SELECT 'sqlite_schema', 0 ORDER BY 2",
			       -1, &st, NULL) != SQLITE_OK)
		return 1;
	while (!err && sqlite3_step(st) == SQLITE_ROW) {
		const char *n = (const char *)sqlite3_column_text(st, 0);
		char *q;

		if (!n || is_event_table(n))
			continue;
		if (!sqlite3_column_int(st, 1)) {
			err = sql_known(&u, &cap, n);
			continue;
		}
		/* tables come first: a view is known when its columns touch no event table */
		q = sqlite3_mprintf("SELECT * FROM \"%w\"", n);
		if (!q) {
			err = -ENOMEM;
			break;
		}
		/* a view that is not flattened (GROUP BY) is read by its own columns */
		u.self = n;
		if (!sql_touches_events(db, &u, q))
			err = sql_known(&u, &cap, n);
		u.self = NULL;
		sqlite3_free(q);
	}
	sqlite3_finalize(st);
	ev = err ? 1 : sql_touches_events(db, &u, sql);
	for (size_t i = 0; i < u.ntables; i++)
		free(u.tables[i]);
	free(u.tables);
	return ev;
}

static int report_sql(struct rctx *c)
{
	struct sr_rs *rs = sr_rs__new();
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	int err = 0;

	if (!rs)
		return -ENOMEM;
	if (!c->event_rows && sql_reads_events(c->db, c->o->sql)) {
		sr_err("internal error: the query reads event rows, which were not imported");
		err = -EIO;
		goto out;
	}
	if (sqlite3_prepare_v2(c->db, c->o->sql, -1, &st, &tail) != SQLITE_OK) {
		sr_err("sql: %s", sqlite3_errmsg(c->db));
		err = -EINVAL;
		goto out;
	}
	if (!st) {
		sr_err("sql: empty query");
		err = -EINVAL;
		goto out;
	}
	while (tail && (*tail == ' ' || *tail == '\t' || *tail == '\n' || *tail == ';' ||
			*tail == '\r'))
		tail++;
	if (tail && *tail) {
		sr_err("sql: one statement at a time");
		err = -EINVAL;
		goto out;
	}
	/* --limit stops the query: its rows past the limit are never made */
	err = sr_rs__from_stmt(rs, st, c->limit);
	if (err) {
		err = -EINVAL;
		goto out;
	}
	/*
	 * What the database covers, lost events included, like every report;
	 * on stderr in every format, so that stdout is the query's alone.
	 */
	c->hdr = stderr;
	print_header(c);
	err = print_rs(c, rs);
out:
	sqlite3_finalize(st);
	sr_rs__free(rs);
	return err;
}

/* --- overview --- */

static int report_overview(struct rctx *c)
{
	struct sr_rs *rs = sr_rs__new();
	struct qbuf q = { .n = 0 };
	sqlite3_stmt *st;
	int err;

	if (!rs)
		return -ENOMEM;
	err = setup_src(c);
	if (err) {
		sr_rs__free(rs);
		return err;
	}
	sr_rs__col(rs, "duration_ns", SR_COL_DUR, 0);
	sr_rs__col(rs, "recordings", SR_COL_INT, 0);
	sr_rs__col(rs, "traces", SR_COL_INT, 0);
	sr_rs__col(rs, "processes", SR_COL_INT, 0);
	sr_rs__col(rs, "events", SR_COL_INT, 0);
	sr_rs__col(rs, "lost_events", SR_COL_INT, 0);
	sr_rs__col(rs, "read_bytes", SR_COL_BYTES, 0);
	sr_rs__col(rs, "write_bytes", SR_COL_BYTES, 0);
	/* with a window, its part of each recording and the events lost in it */
	if (c->ftime)
		q_add(&q, "SELECT (SELECT MAX(MAX(MIN(r.stop_ns, w.ts_hi) - MAX(r.start_ns, w.ts_lo), 0))"
		      " FROM recordings r JOIN temp.fwin w ON w.rec_id = r.rec_id),");
	else
		q_add(&q, "SELECT (SELECT MAX(stop_ns - start_ns) FROM recordings),");
	q_add(&q, " (SELECT COUNT(*) FROM recordings), (SELECT COUNT(*) FROM traces),"
	      " (SELECT COUNT(*) FROM procs p WHERE 1");
	if (c->fproc)
		q_add(&q, " AND p.proc_id IN (SELECT proc_id FROM temp.fproc)");
	if (c->fcg)
		q_add(&q, " AND (p.rec_id, p.cgroup_id) IN (SELECT rec_id, id FROM temp.fcg)");
	if (c->ftime)
		q_add(&q, " AND EXISTS (SELECT 1 FROM temp.fwin w WHERE w.rec_id = p.rec_id"
		      " AND (p.start_ts IS NULL OR p.start_ts < w.ts_hi)"
		      " AND (p.exit_ts IS NULL OR p.exit_ts >= w.ts_lo))");
	q_add(&q, "), IFNULL(SUM(a.events), 0), (SELECT IFNULL(SUM(l.count), 0) FROM lost l%s),",
	      c->ftime ? " JOIN temp.fwin w ON w.rec_id = l.rec_id AND l.ts >= w.ts_lo"
			 " AND l.ts < w.ts_hi" : "");
	q_add(&q, " IFNULL(SUM(a.read_bytes), 0), IFNULL(SUM(a.write_bytes), 0)"
	      " FROM %s a WHERE 1", c->src);
	q_filters(c, &q, "a");
	err = q_prepare(c, &q, &st);
	if (err)
		goto out;
	err = sr_rs__from_stmt(rs, st, 0);
	sqlite3_finalize(st);
	if (err)
		goto out;
	if (c->o->fmt != SR_FMT_TABLE) {
		err = print_rs(c, rs);
		goto out;
	}
	/* a table of one row reads better as lines */
	for (size_t i = 0; i < rs->ncols && rs->nrows; i++) {
		struct sr_val *v = sr_rs__at(rs, 0, i);
		char h[32];

		printf("%-12s ", rs->cols[i].name);
		if (v->type != SQLITE_INTEGER) {
			puts("-");
		} else if (rs->cols[i].kind == SR_COL_DUR) {
			printf("%s\n", sr_human_dur((uint64_t)v->i, h, sizeof(h)));
		} else if (rs->cols[i].kind == SR_COL_BYTES && v->i >= 1024) {
			printf("%" PRId64 " (%s)\n", v->i, sr_human_short((uint64_t)v->i, h, sizeof(h)));
		} else {
			printf("%" PRId64 "\n", v->i);
		}
	}
	printf("\ntop processes by I/O:\n");
	err = sr_out_err(stdout);
	if (!err)
		err = report_top_io(c, SR_BY_PROCESS);
out:
	sr_rs__free(rs);
	return err;
}

int sr_an_needs_event_rows(sqlite3 *db, const struct sr_an_opts *o)
{
	int window = o->has_since || o->has_until;
	struct win w;

	switch (o->report) {
	case SR_REP_SQL:
		return sql_reads_events(db, o->sql);
	case SR_REP_PROCS:
	case SR_REP_MEM:
		return 0;		/* procs; proc_mem, or mem_ev in a window */
	case SR_REP_SYSCALLS:
		/* report_syscalls(): sys_stats only without any filter */
		return o->npids || o->comm || o->cgroup || window;
	case SR_REP_TIMELINE:
		/* timeline_rec(): tl, but the events for odd intervals and edges */
		win_split(o, SR_TL_NS, &w);
		return o->interval_ns % SR_TL_NS || w.all || w.head || w.tail;
	default:
		/* the overview, --top-io, --files: setup_src() reads the edges */
		win_split(o, SR_NS_PER_SEC, &w);
		return window && (w.all || w.head || w.tail);
	}
}

/*
 * --time abs on a recording without a wall clock (clock_offset_ns): its
 * times stay relative, and a line on stderr says so.  The timeline takes
 * the first recording's clock for all of them.
 */
static void note_no_clock(const struct rctx *c)
{
	sqlite3_stmt *st;

	if (sr_an_prepare(c->db, "SELECT (SELECT path FROM traces t WHERE t.rec_id = r.rec_id"
			  " ORDER BY rotation_index LIMIT 1) FROM recordings r"
			  " WHERE r.clock_offset_ns IS NULL AND (?1 = 0 OR r.rec_id ="
			  " (SELECT MIN(rec_id) FROM recordings)) ORDER BY r.rec_id", &st))
		return;
	sqlite3_bind_int(st, 1, c->o->report == SR_REP_TIMELINE);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *path = sqlite3_column_text(st, 0);

		sr_err("analyze: --time abs: %s has no wall clock (clock_offset_ns): its times are relative",
		       path ? (const char *)path : "a recording");
	}
	sqlite3_finalize(st);
}

int sr_an_report(sqlite3 *db, const struct sr_an_opts *o)
{
	struct rctx c = { .db = db, .o = o, .src = "agg_all" };
	int err;

	/* an older database without the key has every row */
	c.event_rows = sr_an_query_int(db, "SELECT value FROM meta WHERE key = 'event_rows'",
				       1) != 0;

	c.hdr = o->fmt == SR_FMT_TABLE ? stdout : stderr;
	if (o->limit >= 0)
		c.limit = o->limit;
	else if (o->report == SR_REP_TOP_IO || o->report == SR_REP_FILES)
		c.limit = 20;
	else if (o->report == SR_REP_OVERVIEW)
		c.limit = 5;	/* its table of the top processes */
	if (o->report != SR_REP_SQL) {
		err = load_recs(&c);
		if (!err)
			err = setup_proc_filter(&c);
		if (!err)
			err = narrow_scans(&c);
		if (!err)
			err = setup_cgroup_filter(&c);
		if (!err)
			err = setup_time_filter(&c);
		if (err)
			goto out;
		print_header(&c);
		if (o->time_abs)
			note_no_clock(&c);
	}
	switch (o->report) {
	case SR_REP_TOP_IO:	err = report_top_io(&c, o->by); break;
	case SR_REP_SYSCALLS:	err = report_syscalls(&c); break;
	case SR_REP_PROCS:	err = report_procs(&c); break;
	case SR_REP_MEM:	err = report_mem(&c); break;
	case SR_REP_FILES:	err = report_files(&c); break;
	case SR_REP_TIMELINE:	err = report_timeline(&c); break;
	case SR_REP_SQL:	err = report_sql(&c); break;
	default:		err = report_overview(&c); break;
	}
out:
	free(c.recs);
	free(c.rw);
	return err;
}
