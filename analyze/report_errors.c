// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_errors.c - --errors: the failed calls counted by syscall, errno
 * and the file they worked on (the file of the descriptor, or for a failed
 * open the path it asked for), most failures first.  It reads the event
 * rows, so a temporary database gets them (errors_needs_rows).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/util.h"
#include "report.h"

/* The error column: the errno's name, filled here as SQL has no table of them. */
static int name_errors(struct sr_rs *rs)
{
	for (size_t r = 0; r < rs->nrows; r++) {
		const struct sr_val *num = sr_rs__at(rs, r, 2);
		const char *s;

		if (num->type != SQLITE_INTEGER)
			continue;
		s = sr_errno_name((int)num->i);
		if (s && sr_val__set_text(sr_rs__at(rs, r, 1), s, strlen(s)))
			return -ENOMEM;
	}
	return 0;
}

int report_errors(struct rctx *c)
{
	int by_rec = c->o->by == SR_BY_RECORDING;
	struct qbuf q = { .n = 0 };
	struct sr_rs *rs;
	int err;

	/* as scan_events: a database without event rows cannot answer */
	if (!c->event_rows) {
		sr_err("internal error: this report reads event rows, which were not imported");
		return -EIO;
	}
	rs = rep_rs(c, SR_REP_ERRORS, c->o->by);
	if (!rs)
		return -ENOMEM;
	/* the columns of errors_cols; a failed open has no file: its name asked for */
	q_add(&q, "SELECT s.name AS syscall, NULL, -e.ret AS errno,"
	      " COALESCE(f.name, o.path, o.name) AS path, COUNT(*) AS failures,"
	      " COUNT(DISTINCT e.proc_id), r.host");
	if (by_rec)
		q_rec(&q, "r.rec_id");
	q_add(&q, " FROM events e"
	      " JOIN recordings r ON r.rec_id = e.rec_id"
	      " LEFT JOIN syscalls s ON s.sys_id = e.sys_id"
	      " LEFT JOIN files f ON f.file_id = e.file_id"
	      " LEFT JOIN ev_open o ON o.event_id = e.id"
	      " WHERE e.ret < 0 AND e.ret >= -4095 AND e.sys_id IS NOT NULL");
	q_filters(c, &q, "e");
	if (c->ftime)
		q_add(&q, " AND EXISTS (SELECT 1 FROM temp.fwin w WHERE w.rec_id = e.rec_id"
		      " AND e.ts >= w.ts_lo AND e.ts < w.ts_hi)");
	/* by position: ev_open has a path column too */
	/* per host, or with --by recording per recording */
	q_add(&q, " GROUP BY %s, 1, 3, 4 ORDER BY 5 DESC, 1, 3, 4, r.host%s LIMIT :limit",
	      by_rec ? "r.rec_id" : "r.host", by_rec ? ", r.rec_id" : "");
	err = run_into(c, &q, rs);
	if (!err)
		err = name_errors(rs);
	if (!err)
		err = print_rs(c, rs);
	else if (err == -ENOMEM)
		sr_err("%s", strerror(ENOMEM));
	sr_rs__free(rs);
	return err;
}

/* Every failure is a row of events. */
int errors_needs_rows(sqlite3 *db, const struct sr_an_opts *o)
{
	(void)db;
	(void)o;
	return 1;
}
