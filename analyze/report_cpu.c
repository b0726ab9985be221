// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_cpu.c - --cpu [--by process|thread|host|recording]: per process or thread its
 * on-CPU time within the recording, its run-queue delay (total from the
 * kernel's counters; p50, p99 and max of the waits the switch records
 * show), its off-CPU time inside syscalls (blocked: uninterruptible), its
 * switches and its share of the recording.  proc_cpu and thread_cpu, made
 * at import, answer.
 *
 * The counters are read at the start, at exits and at the end of each file,
 * so they cannot be cut at a time: with --since/--until the rows are those
 * of the processes alive in the window, with their figures for the whole
 * recording (a header line says so), as --procs chooses its processes.
 */
#include <errno.h>
#include <stdint.h>

#include "report.h"

/*
 * --by host: the processes' figures added up per host (over all its
 * recordings); the share is of the host's recorded time, one CPU's worth.
 * --by recording: the same per recording, the share of its duration.
 */
static int cpu_summed(struct rctx *c, struct sr_rs *rs)
{
	int by_rec = c->o->by == SR_BY_RECORDING;
	/* the recordings whose time the share is of */
	const char *of = by_rec ? "r2.rec_id = r.rec_id" : "r2.host IS r.host";
	struct qbuf q = { .n = 0 };

	q_add(&q, "SELECT %s AS h, COUNT(*), SUM(t.on_cpu_ns),"
	      " (SELECT CASE WHEN SUM(r2.stop_ns - r2.start_ns) > 0 AND SUM(t.on_cpu_ns)"
	      " IS NOT NULL THEN printf('%%.1f%%%%', 100.0 * SUM(t.on_cpu_ns) /"
	      " SUM(r2.stop_ns - r2.start_ns)) END FROM recordings r2"
	      " WHERE %s),"
	      " SUM(t.runq_ns), SUM(t.off_cpu_ns), SUM(t.vol_switches), SUM(t.invol_switches),"
	      " SUM(t.blocked_ns), MAX(t.runq_max_ns),"
	      " (SELECT CASE WHEN SUM(r2.stop_ns - r2.start_ns) > 0 THEN"
	      " CAST(SUM(t.on_cpu_ns) AS REAL) / SUM(r2.stop_ns - r2.start_ns) END"
	      " FROM recordings r2 WHERE %s),"
	      " SUM(t.timeslices), SUM(t.runq_waits), SUM(t.threads)",
	      by_rec ? "(SELECT label FROM temp.rlab l WHERE l.rec_id = r.rec_id)" :
	      "IFNULL(r.host, '(unknown)')", of, of);
	if (by_rec)
		q_add(&q, ", r.host, r.recording_id");
	q_add(&q, " FROM proc_cpu t JOIN procs p ON p.proc_id = t.proc_id"
	      " JOIN recordings r ON r.rec_id = t.rec_id WHERE 1");
	q_proc_filters(c, &q);
	q_add(&q, " GROUP BY %s ORDER BY SUM(t.on_cpu_ns) IS NULL, SUM(t.on_cpu_ns) DESC, h"
	      " LIMIT :limit", by_rec ? "r.rec_id" : "r.host");
	return run_print(c, &q, rs);
}

int report_cpu(struct rctx *c)
{
	int thread = c->o->by == SR_BY_THREAD;
	struct qbuf q = { .n = 0 };
	struct sr_rs *rs;

	if (!has_cpu(c))
		fprintf(c->hdr, "# no recording has the cpu class: no CPU figures\n");
	else if (c->ftime)
		fprintf(c->hdr, "# --cpu: the processes alive in the window, with their figures"
			" for the whole recording\n");
	rs = rep_rs(c, SR_REP_CPU, c->o->by);
	if (!rs)
		return -ENOMEM;
	if (c->o->by == SR_BY_HOST || c->o->by == SR_BY_RECORDING)
		return cpu_summed(c, rs);
	q_add(&q, "SELECT p.pid,");
	if (thread)
		q_add(&q, " t.tid, t.comm,");
	else
		q_add(&q, " p.comm,");
	/* the share of the recording: of its duration (one CPU's worth) */
	q_add(&q, " t.on_cpu_ns, CASE WHEN t.on_cpu_ns IS NOT NULL AND r.stop_ns > r.start_ns"
	      " THEN printf('%%.1f%%%%', 100.0 * t.on_cpu_ns / (r.stop_ns - r.start_ns)) END,"
	      " t.runq_ns, t.off_cpu_ns, t.vol_switches, t.invol_switches, t.blocked_ns,"
	      " t.runq_p50_ns, t.runq_p99_ns, t.runq_max_ns,"
	      " CASE WHEN r.stop_ns > r.start_ns THEN CAST(t.on_cpu_ns AS REAL)"
	      " / (r.stop_ns - r.start_ns) END, t.timeslices, t.runq_waits,");
	if (!thread)
		q_add(&q, " t.threads,");
	q_add(&q, " r.host");
	if (rec_split(c))
		q_rec(&q, "r.rec_id");
	q_add(&q, " FROM %s t JOIN procs p ON p.proc_id = t.proc_id"
	      " JOIN recordings r ON r.rec_id = t.rec_id WHERE 1",
	      thread ? "thread_cpu" : "proc_cpu");
	q_proc_filters(c, &q);
	q_add(&q, " ORDER BY t.on_cpu_ns IS NULL, t.on_cpu_ns DESC, p.pid%s LIMIT :limit",
	      thread ? ", t.tid" : "");
	return run_print(c, &q, rs);
}
