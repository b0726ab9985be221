// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_events.c - the reports' reads of the event rows: the scan of a
 * recording's events in a time window, and the I/O source of --since/--until
 * whose partial seconds at the ends come from the events.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/event.h"
#include "sysrec/util.h"
#include "report.h"

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

/*
 * Every event of recording @r with ts in [lo, hi) that passes the process
 * and cgroup filters, in id order.  The id range comes from a binary search
 * when the recording is in time order.
 */
int scan_events(struct rctx *c, const struct rrec *r, int64_t lo, int64_t hi,
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
	      " e.dur_ns, e.len, e.on_cpu_ns, e.off_cpu_ns, e.blocked_ns, e.runq_ns,"
	      " e.vol_switches, e.invol_switches FROM events e WHERE e.id BETWEEN ?1 AND ?2"
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
			.has_split = sqlite3_column_type(st, 9) != SQLITE_NULL,
			.on_cpu = sqlite3_column_int64(st, 9),
			.off_cpu = sqlite3_column_int64(st, 10),
			.blocked = sqlite3_column_int64(st, 11),
			.runq = sqlite3_column_int64(st, 12),
			.vol = sqlite3_column_int64(st, 13),
			.invol = sqlite3_column_int64(st, 14),
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

int sev_rw(struct rctx *c, const struct sev *e)
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

/*
 * With --since/--until, the I/O reports read the temp view src: the whole
 * seconds of agg inside each recording's window (temp.fwin) and, summed in
 * temp.edge, the events of the partial seconds at its ends.  Built only
 * for the reports that read it.
 */
int setup_src(struct rctx *c)
{
	const struct sr_an_opts *o = c->o;
	struct edge_acc acc = { .n = 0 };
	sqlite3_stmt *ins = NULL;
	struct win w;
	int err;

	if (!c->ftime || !strcmp(c->src, "temp.src"))
		return 0;
	win_split(o, SR_NS_PER_SEC, &w);
	err = temp_table(c, "DROP VIEW IF EXISTS temp.src; DROP TABLE IF EXISTS temp.edge;"
			 "CREATE TEMP TABLE edge(rec_id INTEGER, proc_id INTEGER, cgroup_id INTEGER,"
			 " file_id INTEGER, events INTEGER, opens INTEGER, reads INTEGER,"
			 " read_bytes INTEGER, writes INTEGER, write_bytes INTEGER);",
			 "INSERT INTO temp.edge VALUES(?,?,?,?,?,?,?,?,?,?)", &ins);
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

/* The overview, --top-io, --files: setup_src() reads the edges of a window. */
int io_needs_rows(sqlite3 *db, const struct sr_an_opts *o)
{
	struct win w;

	(void)db;
	win_split(o, SR_NS_PER_SEC, &w);
	return (o->has_since || o->has_until) && (w.all || w.head || w.tail);
}
