// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_topio.c - --top-io: processes, files or cgroups ranked by the
 * bytes they read and wrote (also the overview's top processes).
 */
#include <errno.h>

#include "report.h"

/* What --by changes in the query. */
static const struct {
	const char *key;	/* the columns that name a row */
	const char *table;	/* the totals that answer without a filter, or NULL */
	const char *extra;	/* columns after the counts */
	const char *join;
	const char *group;
} bys[] = {
	[SR_BY_PROCESS] = {
		"p.pid, p.comm,", NULL, "",
		" JOIN procs p ON p.proc_id = a.proc_id",
		" GROUP BY a.proc_id",
	},
	[SR_BY_FILE] = {
		"IFNULL(f.name, '(unknown)'),", "file_stats", "",
		" LEFT JOIN files f ON f.file_id = a.file_id",
		" GROUP BY r.host, IFNULL(f.name, '(unknown)')",
	},
	[SR_BY_CGROUP] = {
		"IFNULL(g.path, 'cgroup ' || a.cgroup_id),", "cg_stats",
		", g.runtime, g.container_id, g.unit",
		" LEFT JOIN cgroups g ON g.rec_id = a.rec_id AND g.id = a.cgroup_id",
		" GROUP BY r.host, IFNULL(g.path, 'cgroup ' || a.cgroup_id)",
	},
	[SR_BY_RECORDING] = {
		"(SELECT label FROM temp.rlab l WHERE l.rec_id = a.rec_id),", NULL, "",
		"",
		" GROUP BY a.rec_id",
	},
};

int report_top_io_by(struct rctx *c, int by)
{
	struct qbuf q = { .n = 0 };
	struct sr_rs *rs;
	int err;

	err = src_rs(c, SR_REP_TOP_IO, by, &rs);
	if (err)
		return err;
	q_add(&q, "SELECT %s SUM(a.reads), SUM(a.read_bytes), SUM(a.writes), SUM(a.write_bytes)"
	      "%s, r.host", bys[by].key, bys[by].extra);
	/* which recording: a process is one recording's, and so is a row --by recording */
	if (by == SR_BY_PROCESS && rec_split(c))
		q_rec(&q, "a.rec_id");
	else if (by == SR_BY_RECORDING)
		q_add(&q, ", r.recording_id");
	q_add(&q, " FROM %s a JOIN recordings r ON r.rec_id = a.rec_id%s WHERE 1",
	      unfiltered(c) && bys[by].table ? bys[by].table : c->src, bys[by].join);
	q_filters(c, &q, "a");
	/* a process's ties: by recording, then its import's order (report.h, SR_REC_KEY) */
	q_add(&q, "%s HAVING SUM(a.reads) + SUM(a.writes) > 0"
	      " ORDER BY SUM(a.read_bytes) + SUM(a.write_bytes) DESC,"
	      " SUM(a.reads) + SUM(a.writes) DESC, 1, 2%s LIMIT :limit", bys[by].group,
	      by == SR_BY_PROCESS ? ", r.host, " SR_REC_KEY("r") ", a.proc_id" : "");
	return run_print(c, &q, rs);
}

int report_top_io(struct rctx *c)
{
	return report_top_io_by(c, c->o->by);
}
