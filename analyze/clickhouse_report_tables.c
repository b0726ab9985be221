// SPDX-License-Identifier: GPL-2.0-only
/*
 * clickhouse_report_tables.c - the reports of analyze --clickhouse that
 * read the tables computed at import (agg_all, file_stats, cg_stats,
 * proc_mem, proc_cpu, thread_cpu) with procs, files and recordings.  18.16
 * takes one JOIN per SELECT: each side is a subquery over one table, which
 * also pushes its aggregation down to the shards.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/event.h"
#include "sysrec/util.h"
#include "clickhouse_report.h"

/* --- the reports --- */

int ch_top_io(struct chctx *x, int by)
{
	struct sr_rs *rs = rep_rs(&x->c, SR_REP_TOP_IO, by);
	struct sr_chres r;
	char l[32];
	int err;

	if (!rs)
		return -ENOMEM;
	/* a process is one recording's: which, when recordings need telling apart */
	if (by == SR_BY_PROCESS)
		err = ch_q(x, &r, "SELECT pid, comm, rd, rb, wr, wb, host%s FROM"
			  " (SELECT pid, comm, rd, rb, wr, wb, rec_id, proc_id FROM"
			  "  (SELECT rec_id, assumeNotNull(proc_id) AS proc_id, sum(reads) AS rd,"
			  "   sum(read_bytes) AS rb, sum(writes) AS wr, sum(write_bytes) AS wb"
			  "   FROM %s WHERE rec_id IN # AND proc_id IS NOT NULL%s%s"
			  "   GROUP BY rec_id, proc_id HAVING rd + wr > 0)"
			  "  ANY INNER JOIN (SELECT rec_id, proc_id, pid, comm FROM procs$"
			  "   WHERE rec_id IN #) USING (rec_id, proc_id))"
			  " ANY LEFT JOIN (SELECT rec_id, host, recording_id, recording FROM recordings$"
			  "  WHERE rec_id IN #) USING (rec_id)"
			  " ORDER BY rb + wb DESC, rd + wr DESC, pid, comm NULLS FIRST,"
			  " host NULLS FIRST, recording, proc_id%s",
			  ch_f(&x->rc), ch_io(x, "agg_all"), ch_f(&x->pf), ch_f(&x->cf),
			  ch_lim(x, l, sizeof(l)));
	else if (by == SR_BY_RECORDING)
		err = ch_q(x, &r, "SELECT %s AS lab, rd, rb, wr, wb, host, recording_id FROM"
			  " (SELECT rec_id, sum(reads) AS rd, sum(read_bytes) AS rb, sum(writes) AS wr,"
			  "  sum(write_bytes) AS wb FROM %s WHERE rec_id IN #%s%s"
			  "  GROUP BY rec_id HAVING rd + wr > 0)"
			  " ANY LEFT JOIN (SELECT rec_id, host, recording_id FROM recordings$"
			  "  WHERE rec_id IN #) USING (rec_id)"
			  " ORDER BY rb + wb DESC, rd + wr DESC, lab, rd%s",
			  x->lab.p, ch_io(x, "agg_all"), ch_f(&x->pf), ch_f(&x->cf),
			  ch_lim(x, l, sizeof(l)));
	else if (by == SR_BY_FILE)
		err = ch_q(x, &r, "SELECT ifNull(name, '(unknown)') AS n, sum(rd) AS srd,"
			  " sum(rb) AS srb, sum(wr) AS swr, sum(wb) AS swb, host FROM"
			  " (SELECT name, rd, rb, wr, wb, rec_id FROM"
			  "  (SELECT rec_id, ifNull(file_id, -1) AS file_id, sum(reads) AS rd,"
			  "   sum(read_bytes) AS rb, sum(writes) AS wr, sum(write_bytes) AS wb"
			  "   FROM %s WHERE rec_id IN #%s%s GROUP BY rec_id, file_id)"
			  "  ANY LEFT JOIN (SELECT rec_id, file_id, name FROM files$"
			  "   WHERE rec_id IN #) USING (rec_id, file_id))"
			  " ANY LEFT JOIN (SELECT rec_id, host FROM recordings$ WHERE rec_id IN #)"
			  " USING (rec_id) GROUP BY host, n HAVING srd + swr > 0"
			  " ORDER BY srb + swb DESC, srd + swr DESC, n, srd, host NULLS FIRST%s"
			  " SETTINGS join_use_nulls = 1", ch_io(x, x->filtered ? "agg_all" : "file_stats"),
			  ch_f(&x->pf), ch_f(&x->cf), ch_lim(x, l, sizeof(l)));
	else
		err = ch_q(x, &r, "SELECT ifNull(path, concat('cgroup ', toString(cgroup_id))) AS n,"
			  " sum(rd) AS srd, sum(rb) AS srb, sum(wr) AS swr, sum(wb) AS swb,"
			  " any(runtime), any(container_id), any(unit), host FROM"
			  " (SELECT cgroup_id, path, runtime, container_id, unit, rd, rb, wr, wb,"
			  "  rec_id FROM"
			  "  (SELECT rec_id, ifNull(cgroup_id, -1) AS cgroup_id, sum(reads) AS rd,"
			  "   sum(read_bytes) AS rb, sum(writes) AS wr, sum(write_bytes) AS wb"
			  "   FROM %s WHERE rec_id IN #%s%s GROUP BY rec_id, cgroup_id)"
			  "  ANY LEFT JOIN (SELECT rec_id, id AS cgroup_id, path, runtime,"
			  "   container_id, unit FROM cgroups$ WHERE rec_id IN #)"
			  "  USING (rec_id, cgroup_id))"
			  " ANY LEFT JOIN (SELECT rec_id, host FROM recordings$ WHERE rec_id IN #)"
			  " USING (rec_id) GROUP BY host, n HAVING srd + swr > 0"
			  " ORDER BY srb + swb DESC, srd + swr DESC, n, srd, host NULLS FIRST%s"
			  " SETTINGS join_use_nulls = 1", ch_io(x, x->filtered ? "agg_all" : "cg_stats"),
			  ch_f(&x->pf), ch_f(&x->cf), ch_lim(x, l, sizeof(l)));
	return ch_print_fill(x, rs, &r, err);
}

int ch_files(struct chctx *x)
{
	struct sr_rs *rs = rep_rs(&x->c, SR_REP_FILES, x->c.o->by);
	int by_rec = x->c.o->by == SR_BY_RECORDING;
	/* a path is a row per host, or with --by recording per recording */
	const char *key = by_rec ? "rec_id, host, recording_id" : "host";
	const char *rc = by_rec ? ch_f(&x->rc) : "", *ord = by_rec ? ", " : "";
	struct sr_chres r;
	char l[32];
	int err;

	if (!rs)
		return -ENOMEM;
	/* filtered: readers and writers are the processes chosen (agg_all's rows) */
	if (x->filtered)
		err = ch_q(x, &r, "SELECT name, sum(opens) AS sop,"
			   " uniqExactIf(rec_id, proc_id, reads > 0 AND proc_id IS NOT NULL),"
			   " uniqExactIf(rec_id, proc_id, writes > 0 AND proc_id IS NOT NULL),"
			   " sum(reads) AS srd, sum(read_bytes) AS srb, sum(writes) AS swr,"
			   " sum(write_bytes) AS swb, host%s FROM"
			   " (SELECT * FROM"
			   "  (SELECT rec_id, assumeNotNull(file_id) AS file_id, proc_id, opens, reads,"
			   "   read_bytes, writes, write_bytes FROM %s WHERE rec_id IN #"
			   "   AND file_id IS NOT NULL%s%s)"
			   "  ANY INNER JOIN (SELECT rec_id, file_id, name FROM files$"
			   "   WHERE rec_id IN #) USING (rec_id, file_id))"
			   " ANY LEFT JOIN (SELECT rec_id, host, recording_id FROM recordings$"
			   "  WHERE rec_id IN #) USING (rec_id) GROUP BY %s, name"
			   " HAVING sop + srd + swr > 0"
			   " ORDER BY srb + swb DESC, sop DESC, name, host NULLS FIRST%s%s%s",
			   rc, ch_io(x, "agg_all"), ch_f(&x->pf), ch_f(&x->cf), key, ord,
			   by_rec ? x->ord.p : "", ch_lim(x, l, sizeof(l)));
	else
		err = ch_q(x, &r, "SELECT name, sum(op) AS sop, sum(rs) AS srs, sum(ws) AS sws,"
			   " sum(rd) AS srd, sum(rb) AS srb, sum(wr) AS swr, sum(wb) AS swb, host%s FROM"
			   " (SELECT name, op, rs, ws, rd, rb, wr, wb, rec_id FROM"
			   "  (SELECT rec_id, assumeNotNull(file_id) AS file_id, sum(opens) AS op,"
			   "   sum(readers) AS rs, sum(writers) AS ws, sum(reads) AS rd,"
			   "   sum(read_bytes) AS rb, sum(writes) AS wr, sum(write_bytes) AS wb"
			   "   FROM file_stats$ WHERE rec_id IN # AND file_id IS NOT NULL"
			   "   GROUP BY rec_id, file_id)"
			   "  ANY INNER JOIN (SELECT rec_id, file_id, name FROM files$ WHERE rec_id IN #)"
			   "  USING (rec_id, file_id))"
			   " ANY LEFT JOIN (SELECT rec_id, host, recording_id FROM recordings$"
			   "  WHERE rec_id IN #) USING (rec_id) GROUP BY %s, name"
			   " HAVING sop + srd + swr > 0"
			   " ORDER BY srb + swb DESC, sop DESC, name, host NULLS FIRST%s%s%s",
			   rc, key, ord, by_rec ? x->ord.p : "", ch_lim(x, l, sizeof(l)));
	return ch_print_fill(x, rs, &r, err);
}

int ch_mem(struct chctx *x)
{
	struct sr_rs *rs = rep_rs(&x->c, SR_REP_MEM, x->c.o->by);
	struct sr_chres r;
	char l[32];
	int err;

	if (!rs)
		return -ENOMEM;
	if (x->ftime) {
		err = ch_window_mem(x, rs);
		if (!err)
			err = print_rs(&x->c, rs);
		sr_rs__free(rs);
		return err;
	}
	err = ch_q(x, &r, "SELECT pid, comm, mmaps, mapped, munmaps, unmapped, peak, brks,"
		  " brk_last - brk_first, host%s FROM"
		  " (SELECT * FROM"
		  "  (SELECT rec_id, proc_id, mmaps, mapped, munmaps, unmapped, peak, brks,"
		  "   brk_first, brk_last FROM proc_mem$ WHERE rec_id IN #)"
		  "  ANY INNER JOIN (SELECT rec_id, proc_id, pid, comm FROM procs$"
		  "   WHERE rec_id IN #%s%s) USING (rec_id, proc_id))"
		  " ANY LEFT JOIN (SELECT rec_id, host, recording_id, recording FROM recordings$"
		  "  WHERE rec_id IN #) USING (rec_id)"
		  " ORDER BY peak DESC, mapped DESC, pid, host NULLS FIRST, recording, proc_id%s",
		  ch_f(&x->rc), ch_f(&x->pf), ch_f(&x->cf), ch_lim(x, l, sizeof(l)));
	return ch_print_fill(x, rs, &r, err);
}

/* @v (NULL, of the query) set to the text @s, or the real @d when @s is NULL. */
static int set_val(struct sr_val *v, const char *s, double d)
{
	free(v->s);
	v->s = NULL;
	if (!s) {
		v->d = d;
		v->type = SQLITE_FLOAT;
		return 0;
	}
	v->s = strdup(s);
	if (!v->s)
		return -ENOMEM;
	v->len = strlen(s);
	v->type = SQLITE_TEXT;
	return 0;
}

/*
 * --cpu --by host and --by recording (report_cpu.c's cpu_summed): the
 * processes added up per host or recording, the share of the time of the
 * host's recordings, or of the recording.
 */
static int ch_cpu_summed(struct chctx *x, struct sr_rs *rs)
{
	int by_rec = x->c.o->by == SR_BY_RECORDING;
	struct sr_chres r = { 0 }, d = { 0 };
	char l[32];
	int err;

	err = ch_q(x, &r, "SELECT %s AS h, count(), sum(on_cpu_ns) AS son,"
		   " NULL, sum(runq_ns), sum(off_cpu_ns), sum(vol_switches), sum(invol_switches),"
		   " sum(blocked_ns), max(runq_max_ns), NULL, sum(timeslices), sum(runq_waits),"
		   " sum(threads)%s FROM"
		   " (SELECT * FROM"
		   "  (SELECT rec_id, proc_id, on_cpu_ns, runq_ns, off_cpu_ns, vol_switches,"
		   "   invol_switches, blocked_ns, runq_max_ns, timeslices, runq_waits, threads"
		   "   FROM proc_cpu$ WHERE rec_id IN #)"
		   "  ANY INNER JOIN (SELECT rec_id, proc_id FROM procs$"
		   "   WHERE rec_id IN #%s%s%s) USING (rec_id, proc_id))"
		   " ANY LEFT JOIN (SELECT rec_id, host AS rhost, recording_id FROM recordings$"
		   "  WHERE rec_id IN #) USING (rec_id) GROUP BY %s"
		   " ORDER BY isNull(son), son DESC, h%s",
		   by_rec ? x->lab.p : "ifNull(rhost, '(unknown)')",
		   by_rec ? ", any(rhost), any(recording_id)" : "",
		   ch_f(&x->pf), ch_f(&x->cf), ch_f(&x->alive), by_rec ? "rec_id" : "rhost",
		   ch_lim(x, l, sizeof(l)));
	/* the time of each row's recordings, by the row's name */
	if (!err)
		err = ch_q(x, &d, "SELECT %s, sum(stop_ns - start_ns) FROM recordings$"
			   " WHERE rec_id IN # GROUP BY %s",
			   by_rec ? x->lab.p : "ifNull(host, '(unknown)')", by_rec ? "rec_id" : "host");
	if (!err)
		ch_fill(x, rs, &r);
	for (size_t i = 0; i < rs->nrows && !err; i++) {
		const struct sr_val *h = sr_rs__at(rs, i, 0), *on = sr_rs__at(rs, i, 2);
		int64_t dur = 0;
		char buf[32];

		for (size_t k = 0; k < d.nrows; k++)
			if (h->type == SQLITE_TEXT && !strcmp(h->s, sr_chres__at(&d, k, 0)))
				dur = sr_chres__int(&d, k, 1);
		if (dur <= 0 || on->type != SQLITE_INTEGER)
			continue;
		/* as the SQLite path: printf('%.1f%%', 100.0 * on / dur), on / dur */
		snprintf(buf, sizeof(buf), "%.1f%%", 100.0 * (double)on->i / (double)dur);
		err = set_val(sr_rs__at(rs, i, 3), buf, 0);
		if (!err)
			err = set_val(sr_rs__at(rs, i, 10), NULL, (double)on->i / (double)dur);
	}
	if (!err)
		err = print_rs(&x->c, rs);
	sr_chres__free(&d);
	sr_chres__free(&r);
	sr_rs__free(rs);
	return err;
}

int ch_cpu(struct chctx *x)
{
	int thread = x->c.o->by == SR_BY_THREAD;
	struct sr_rs *rs;
	struct sr_chres r;
	char l[32];
	int err;

	if (!has_cpu(&x->c))
		fprintf(x->c.hdr, "# no recording has the cpu class: no CPU figures\n");
	else if (x->ftime)
		fprintf(x->c.hdr, "# --cpu: the processes alive in the window, with their figures"
			" for the whole recording\n");
	rs = rep_rs(&x->c, SR_REP_CPU, x->c.o->by);
	if (!rs)
		return -ENOMEM;
	if (x->c.o->by == SR_BY_HOST || x->c.o->by == SR_BY_RECORDING)
		return ch_cpu_summed(x, rs);
	/* share: the table's text, made below from on_cpu_ns and the duration */
	err = ch_q(x, &r, "SELECT pid, %s on_cpu_ns, NULL, runq_ns, off_cpu_ns, vol_switches,"
		  " invol_switches, blocked_ns, runq_p50_ns, runq_p99_ns, runq_max_ns,"
		  " if(stop_ns > start_ns, on_cpu_ns / (stop_ns - start_ns), NULL),"
		  " timeslices, runq_waits, %s host%s FROM"
		  " (SELECT * FROM"
		  "  (SELECT rec_id, %s proc_id, on_cpu_ns, runq_ns, off_cpu_ns, vol_switches,"
		  "   invol_switches, blocked_ns, runq_p50_ns, runq_p99_ns, runq_max_ns,"
		  "   timeslices, runq_waits%s FROM %s$ WHERE rec_id IN #%s)"
		  "  ANY INNER JOIN (SELECT rec_id, proc_id, pid, comm AS pcomm FROM procs$"
		  "   WHERE rec_id IN #%s%s%s) USING (rec_id, proc_id))"
		  " ANY LEFT JOIN (SELECT rec_id, host, recording_id, start_ns, stop_ns"
		  "  FROM recordings$ WHERE rec_id IN #) USING (rec_id)"
		  " ORDER BY on_cpu_ns IS NULL, on_cpu_ns DESC, pid%s, %s, proc_id%s",
		  thread ? "tid, comm," : "pcomm,", thread ? "" : "threads,", ch_f(&x->rc),
		  thread ? "tid, comm, assumeNotNull(proc_id) AS" : "",
		  thread ? "" : ", threads", thread ? "thread_cpu" : "proc_cpu",
		  thread ? " AND proc_id IS NOT NULL" : "", ch_f(&x->pf), ch_f(&x->cf),
		  ch_f(&x->alive),
		  thread ? ", tid" : "", x->ord.p,
		  ch_lim(x, l, sizeof(l)));
	if (!err) {
		ch_fill(x, rs, &r);
		/* the share as the SQLite path prints it: printf('%.1f%%') */
		for (size_t i = 0; i < rs->nrows; i++) {
			struct sr_val *on = sr_rs__at(rs, i, thread ? 3 : 2);
			struct sr_val *sh = sr_rs__at(rs, i, thread ? 4 : 3);
			struct sr_val *frac = sr_rs__at(rs, i, thread ? 13 : 12);
			char buf[32];

			if (on->type != SQLITE_INTEGER || frac->type != SQLITE_FLOAT)
				continue;
			snprintf(buf, sizeof(buf), "%.1f%%", 100.0 * frac->d);
			sh->s = strdup(buf);
			if (!sh->s)
				return -ENOMEM;
			sh->len = strlen(buf);
			sh->type = SQLITE_TEXT;
		}
		err = print_rs(&x->c, rs);
	}
	sr_chres__free(&r);
	sr_rs__free(rs);
	return err;
}

/* --procs: the rows, then the tree of report_procs.c */

static int64_t rec_index(struct chctx *x, uint64_t id)
{
	for (size_t i = 0; i < x->nrecs; i++)
		if (x->live[i] == id)
			return (int64_t)i;
	return 0;
}

static char *dup_cell(const struct sr_chres *r, size_t row, size_t col)
{
	const char *s = sr_chres__at(r, row, col);

	return s ? strdup(s) : NULL;
}

int ch_procs(struct chctx *x)
{
	struct sr_rs *rs = rep_rs(&x->c, SR_REP_PROCS, 0);
	struct pnode *v = NULL;
	struct sr_chres r;
	size_t n = 0;
	int err;

	if (!rs)
		return -ENOMEM;
	/*
	 * In the SQLite path's proc_id order, as it reads them (ties of the
	 * sort keep it): the recordings in turn, each's proc_ids.
	 */
	err = ch_q(x, &r, "SELECT rec_id, proc_id, parent_id, pid, ppid, start_ts, exit_ts,"
		  " exit_code, exit_status, exit_signal, threads, execs, comm, exe, cmdline,"
		  " host, start_ns, clock_offset_ns, on_cpu_ns, recording%s FROM"
		  " (SELECT * FROM"
		  "  (SELECT rec_id, proc_id, parent_id, pid, ppid, start_ts, exit_ts, exit_code,"
		  "   exit_status, exit_signal, threads, execs, comm, exe, cmdline FROM procs$"
		  "   WHERE rec_id IN #%s%s%s)"
		  "  ANY LEFT JOIN (SELECT rec_id, proc_id, on_cpu_ns FROM proc_cpu$"
		  "   WHERE rec_id IN #) USING (rec_id, proc_id))"
		  " ANY INNER JOIN (SELECT rec_id, host, recording_id, start_ns, clock_offset_ns,"
		  "  recording FROM recordings$ WHERE rec_id IN #) USING (rec_id)"
		  " ORDER BY proc_id, host, rec_id SETTINGS join_use_nulls = 1",
		  ch_f(&x->rc), ch_f(&x->pf), ch_f(&x->cf), ch_f(&x->alive));
	if (err)
		goto out;
	v = calloc(r.nrows + 1, sizeof(*v));
	if (!v) {
		err = -ENOMEM;
		goto out;
	}
	for (; n < r.nrows; n++) {
		struct pnode *p = &v[n];
		/* proc_ids are an export's: with the recording's place, unique */
		int64_t hi = rec_index(x, (uint64_t)sr_chres__int(&r, n, 0)) << 40;

		p->id = hi | sr_chres__int(&r, n, 1);
		p->parent = sr_chres__at(&r, n, 2) ? hi | sr_chres__int(&r, n, 2) : -1;
		p->pid = sr_chres__int(&r, n, 3);
		p->ppid = sr_chres__at(&r, n, 4) ? sr_chres__int(&r, n, 4) : -1;
		p->has_start = sr_chres__at(&r, n, 5) != NULL;
		p->start = sr_chres__int(&r, n, 5);
		p->has_exit = sr_chres__at(&r, n, 6) != NULL;
		p->exit_ts = sr_chres__int(&r, n, 6);
		p->code = (int)sr_chres__int(&r, n, 7);
		p->status = (int)sr_chres__int(&r, n, 8);
		p->sig = (int)sr_chres__int(&r, n, 9);
		p->threads = sr_chres__int(&r, n, 10);
		p->execs = sr_chres__int(&r, n, 11);
		p->comm = dup_cell(&r, n, 12);
		p->exe = dup_cell(&r, n, 13);
		p->cmdline = dup_cell(&r, n, 14);
		p->host = dup_cell(&r, n, 15);
		p->rstart = sr_chres__int(&r, n, 16);
		p->has_off = sr_chres__at(&r, n, 17) != NULL;
		p->off = sr_chres__int(&r, n, 17);
		p->has_on_cpu = sr_chres__at(&r, n, 18) != NULL;
		p->on_cpu = sr_chres__int(&r, n, 18);
		p->rkey = dup_cell(&r, n, 19);
		if (rec_split(&x->c)) {
			p->rec = dup_cell(&r, n, 20);
			p->rec_id = dup_cell(&r, n, 21);
		}
	}
	err = procs_print(&x->c, rs, v, n);
out:
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].comm);
		free(v[i].exe);
		free(v[i].cmdline);
		free(v[i].host);
		free(v[i].rec);
		free(v[i].rec_id);
		free(v[i].rkey);
	}
	free(v);
	sr_chres__free(&r);
	sr_rs__free(rs);
	return err;
}
