// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_slow.c - --slow: the slowest individual calls (20 unless --limit
 * says otherwise), each with its thread, the file or descriptor it worked
 * on (for a failed open, the path it asked for), its result, and where its
 * time went (on-CPU, off-CPU, run queue) when its recording has the cpu
 * class ('-' without).  It reads the event
 * rows, so a temporary database gets them (slow_needs_rows).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "sysrec/util.h"
#include "report.h"

/* Column @i of @st, or NULL into @rs. */
static void col_int(struct sr_rs *rs, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		sr_rs__null(rs);
	else
		sr_rs__int(rs, sqlite3_column_int64(st, i));
}

static void col_text(struct sr_rs *rs, sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	if (s)
		sr_rs__text(rs, (const char *)s, (size_t)sqlite3_column_bytes(st, i));
	else
		sr_rs__null(rs);
}

/* One call: the columns of slow_cols in order. */
static void slow_row(struct rctx *c, struct sr_rs *rs, sqlite3_stmt *st)
{
	int64_t ret = sqlite3_column_int64(st, 14);
	const char *err = ret < 0 && ret >= -4095 ? sr_errno_name((int)-ret) : NULL;
	char buf[32];

	sr_rs__row(rs);
	add_time(c, rs, 1, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
		 sqlite3_column_type(st, 2) != SQLITE_NULL, sqlite3_column_int64(st, 2));
	col_int(rs, st, 3);		/* pid */
	col_int(rs, st, 4);		/* tid */
	col_text(rs, st, 5);		/* comm */
	col_text(rs, st, 6);		/* syscall */
	for (int i = 7; i <= 14; i++)	/* dur_ns .. invol_switches, ret */
		col_int(rs, st, i);
	sr_rs__str(rs, err);
	if (err) {
		sr_rs__str(rs, err);
	} else {
		snprintf(buf, sizeof(buf), "%lld", (long long)ret);
		sr_rs__str(rs, buf);
	}
	col_int(rs, st, 15);		/* fd */
	col_text(rs, st, 16);		/* path */
	/* the table's file: its path, else the descriptor it went through */
	if (sqlite3_column_type(st, 16) != SQLITE_NULL) {
		col_text(rs, st, 16);
	} else if (sqlite3_column_type(st, 15) != SQLITE_NULL) {
		snprintf(buf, sizeof(buf), "fd %lld", (long long)sqlite3_column_int64(st, 15));
		sr_rs__str(rs, buf);
	} else {
		sr_rs__null(rs);
	}
	col_text(rs, st, 17);		/* host */
	if (rec_split(c)) {
		col_text(rs, st, 18);	/* recording */
		col_text(rs, st, 19);	/* recording_id */
	}
}

int report_slow(struct rctx *c)
{
	struct qbuf q = { .n = 0 };
	struct sr_rs *rs;
	sqlite3_stmt *st;
	int64_t n = 0;
	int err, rc;

	/* as scan_events: a database without event rows cannot answer */
	if (!c->event_rows) {
		sr_err("internal error: this report reads event rows, which were not imported");
		return -EIO;
	}
	rs = rep_rs(c, SR_REP_SLOW, c->o->by);
	if (!rs)
		return -ENOMEM;
	/* durations clamped as every report does (a hostile one may be negative) */
	q_add(&q, "SELECT e.ts, r.start_ns, r.clock_offset_ns, e.pid, e.tid, e.comm, s.name,"
	      " MIN(MAX(e.dur_ns, 0), %lld) AS dur, e.on_cpu_ns, e.off_cpu_ns, e.blocked_ns, e.runq_ns, e.vol_switches,"
	      " e.invol_switches, e.ret, e.fd, COALESCE(f.name, o.path, o.name), r.host",
	      (long long)SR_DUR_MAX);
	if (rec_split(c))
		q_rec(&q, "e.rec_id");
	q_add(&q, " FROM events e JOIN recordings r ON r.rec_id = e.rec_id"
	      " LEFT JOIN syscalls s ON s.sys_id = e.sys_id"
	      " LEFT JOIN files f ON f.file_id = e.file_id"
	      " LEFT JOIN ev_open o ON o.event_id = e.id WHERE e.dur_ns IS NOT NULL");
	q_filters(c, &q, "e");
	if (c->ftime)
		q_add(&q, " AND EXISTS (SELECT 1 FROM temp.fwin w WHERE w.rec_id = e.rec_id"
		      " AND e.ts >= w.ts_lo AND e.ts < w.ts_hi)");
	/* ties: by recording, then its import's order (report.h, SR_REC_KEY) */
	q_add(&q, " ORDER BY dur DESC, r.host, " SR_REC_KEY("r") ", e.id LIMIT :limit");
	err = q_prepare(c, &q, &st);
	if (err) {
		sr_rs__free(rs);
		return err;
	}
	/* one row more than shown, to know whether rows were left out */
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":limit"),
			   c->limit > 0 && c->limit < INT64_MAX ? c->limit + 1 : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (c->limit > 0 && n >= c->limit) {
			rs->more = 1;
			break;
		}
		n++;
		slow_row(c, rs, st);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sr_err("database: %s", sqlite3_errmsg(c->db));
		err = -EIO;
	}
	sqlite3_finalize(st);
	if (!err)
		err = print_rs(c, rs);
	sr_rs__free(rs);
	return err;
}

/* Every call is a row of events. */
int slow_needs_rows(sqlite3 *db, const struct sr_an_opts *o)
{
	(void)db;
	(void)o;
	return 1;
}
