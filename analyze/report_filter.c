// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_filter.c - what a report is restricted to: the recordings, the
 * processes of --pid/--comm, the cgroups of --cgroup and the window of
 * --since/--until, each as a temporary table (fproc, fcg, fwin) so that
 * every query joins the same way and no value from the command line or a
 * trace is ever spliced into SQL.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "report.h"

#define BUCKET_FAR	(1LL << 40)	/* beyond any bucket */

int setup_proc_filter(struct rctx *c)
{
	const struct sr_an_opts *o = c->o;
	sqlite3_stmt *st;
	struct qbuf q = { .n = 0 };
	int err;

	if (!o->npids && !o->comm)
		return 0;
	err = temp_table(c, "DROP TABLE IF EXISTS temp.fpid; DROP TABLE IF EXISTS temp.fproc;"
			 "CREATE TEMP TABLE fpid(pid INTEGER PRIMARY KEY);"
			 "CREATE TEMP TABLE fproc(proc_id INTEGER PRIMARY KEY);",
			 "INSERT OR IGNORE INTO temp.fpid VALUES(?)", &st);
	if (err)
		return err;
	for (size_t i = 0; i < o->npids; i++) {
		int64_t pid = o->pids[i];

		insert_row(st, &pid, 1);
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
int narrow_scans(struct rctx *c)
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

int setup_cgroup_filter(struct rctx *c)
{
	sqlite3_stmt *st;
	int err;

	if (!c->o->cgroup)
		return 0;
	err = temp_table(c, "DROP TABLE IF EXISTS temp.fcg;"
			 "CREATE TEMP TABLE fcg(rec_id INTEGER, id INTEGER, PRIMARY KEY(rec_id, id));",
			 "INSERT INTO temp.fcg SELECT c.rec_id, c.id FROM cgroups c"
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

int64_t sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

static int64_t ceil_div(int64_t a, int64_t b)
{
	return -sr_floor_div(-a, b);
}

void win_split(const struct sr_an_opts *o, int64_t unit, struct win *w)
{
	w->lo = o->has_since ? ceil_div(o->since_ns, unit) : -BUCKET_FAR;
	w->hi = o->has_until ? sr_floor_div(o->until_ns, unit) : BUCKET_FAR;
	w->all = w->lo >= w->hi;
	w->head = !w->all && o->has_since && w->lo * unit > o->since_ns;
	w->tail = !w->all && o->has_until && w->hi * unit < o->until_ns;
}

int load_recs(struct rctx *c)
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

/* The window of each recording: fwin(rec_id, b_lo, b_hi, ts_lo, ts_hi). */
int setup_time_filter(struct rctx *c)
{
	const struct sr_an_opts *o = c->o;
	sqlite3_stmt *ins = NULL;
	struct win w;
	int err;

	if (!o->has_since && !o->has_until)
		return 0;
	win_split(o, SR_NS_PER_SEC, &w);
	err = temp_table(c, "DROP TABLE IF EXISTS temp.fwin;"
			 "CREATE TEMP TABLE fwin(rec_id INTEGER, b_lo INTEGER, b_hi INTEGER,"
			 " ts_lo INTEGER, ts_hi INTEGER);",
			 "INSERT INTO temp.fwin VALUES(?,?,?,?,?)", &ins);
	if (err)
		return err;
	for (size_t k = 0; k < c->nrecs; k++) {
		struct rrec *r = &c->recs[k];
		int64_t v[5] = { r->rec_id, w.lo, w.hi, r->ts_lo, r->ts_hi };

		insert_row(ins, v, 5);
	}
	sqlite3_finalize(ins);
	c->ftime = 1;
	return 0;
}
