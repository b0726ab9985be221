// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_files.c - --files: per file, its opens, the processes that read
 * and wrote it, and the bytes; per host, or with --by recording per
 * recording.
 */
#include <errno.h>

#include "report.h"

int report_files(struct rctx *c)
{
	struct qbuf q = { .n = 0 };
	int by_rec = c->o->by == SR_BY_RECORDING;
	struct sr_rs *rs;
	int err;

	err = src_rs(c, SR_REP_FILES, c->o->by, &rs);
	if (err)
		return err;
	if (unfiltered(c))
		q_add(&q, "SELECT f.name, SUM(a.opens), SUM(a.readers), SUM(a.writers),");
	else
		q_add(&q, "SELECT f.name, SUM(a.opens),"
		      " COUNT(DISTINCT CASE WHEN a.reads > 0 THEN a.proc_id END),"
		      " COUNT(DISTINCT CASE WHEN a.writes > 0 THEN a.proc_id END),");
	q_add(&q, " SUM(a.reads), SUM(a.read_bytes), SUM(a.writes), SUM(a.write_bytes), r.host");
	if (by_rec)
		q_rec(&q, "r.rec_id");
	q_add(&q, " FROM %s a JOIN files f ON f.file_id = a.file_id"
	      " JOIN recordings r ON r.rec_id = a.rec_id WHERE 1",
	      unfiltered(c) ? "file_stats" : c->src);
	q_filters(c, &q, "a");
	/* a path is one row per host, or with --by recording per recording */
	q_add(&q, " GROUP BY %s, f.name", by_rec ? "r.rec_id" : "r.host");
	q_add(&q, ""
	      " HAVING SUM(a.opens) + SUM(a.reads) + SUM(a.writes) > 0"
	      " ORDER BY SUM(a.read_bytes) + SUM(a.write_bytes) DESC, 2 DESC, 1 LIMIT :limit");
	return run_print(c, &q, rs);
}
