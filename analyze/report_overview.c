// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_overview.c - the report when none is asked for: what the database
 * holds in one row (as lines in a table), then the top processes by I/O.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"

static int top_by_process(void *ctx)
{
	return report_top_io_by(ctx, SR_BY_PROCESS);
}

int overview_print(struct rctx *c, struct sr_rs *rs, int (*top)(void *ctx), void *ctx)
{
	int err;

	if (c->o->fmt != SR_FMT_TABLE)
		return print_rs(c, rs);
	/* a table of one row reads better as lines */
	for (size_t i = 0; i < rs->ncols && rs->nrows; i++) {
		struct sr_val *v = sr_rs__at(rs, 0, i);
		char h[32];

		printf("%-12.*s ", (int)sr_col_title_len(&rs->cols[i]), rs->cols[i].name);
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
	return err ? err : top(ctx);
}

int report_overview(struct rctx *c)
{
	struct qbuf q = { .n = 0 };
	struct sr_rs *rs;
	sqlite3_stmt *st;
	int err;

	err = src_rs(c, SR_REP_OVERVIEW, 0, &rs);
	if (err)
		return err;
	/* with a window, its part of each recording and the events lost in it */
	if (c->ftime)
		q_add(&q, "SELECT (SELECT MAX(MAX(MIN(r.stop_ns, w.ts_hi) - MAX(r.start_ns, w.ts_lo), 0))"
		      " FROM recordings r JOIN temp.fwin w ON w.rec_id = r.rec_id),");
	else
		q_add(&q, "SELECT (SELECT MAX(stop_ns - start_ns) FROM recordings),");
	q_add(&q, " (SELECT COUNT(*) FROM recordings), (SELECT COUNT(*) FROM traces),"
	      " (SELECT COUNT(*) FROM procs p WHERE 1");
	q_proc_filters(c, &q);
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
	err = overview_print(c, rs, top_by_process, c);
out:
	sr_rs__free(rs);
	return err;
}
