// SPDX-License-Identifier: GPL-2.0-only
/*
 * clickhouse_report.c - sysrec analyze --clickhouse URL: the reports of
 * analyze as ClickHouse SQL over the exported tables, printed by the same
 * result sets (resultset.c) with the same columns (report.c's table), so a
 * report prints the same rows as the SQLite path on the same traces.
 *
 * Which rows count: per recording the latest export that finished (its row
 * of `recordings`, written last: clickhouse_export.c), so every query reads
 * `rec_id IN (...)` of those.  With --host or --recording, of those alone.
 *
 * Queries are written with '$' after each table name, which becomes "_dist"
 * on a database with the Distributed tables of docs/SCHEMA.md ("Sharding"),
 * and '#' for the list of recordings.  18.16 takes one JOIN per SELECT and
 * pushes aggregation to the shards only for a table in FROM, so each side of
 * a join is a subquery over one table: correct on one node or many, as a
 * recording's rows all live on one shard or not.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/util.h"
#include "clickhouse.h"
#include "report.h"

struct chctx {
	struct rctx c;		/* what rep_rs, print_rs and add_time read */
	struct sr_ch *ch;
	const char *sfx;	/* "" or "_dist" */
	struct sr_chbuf ids;	/* "(id, id, ...)" */
	size_t nrecs;
	char *hosts;		/* the hosts, for the header */
	size_t nhosts;
};

/* Run @fmt with '$' and '#' expanded; the answer parsed into @res. */
static int chq(struct chctx *x, struct sr_chres *res, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int chq(struct chctx *x, struct sr_chres *res, const char *fmt, ...)
{
	struct sr_chbuf q = { 0 }, ans = { 0 };
	char *raw = NULL;
	va_list ap;
	int err, n;

	memset(res, 0, sizeof(*res));
	va_start(ap, fmt);
	n = vasprintf(&raw, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	for (const char *p = raw; *p; p++) {
		if (*p == '$')
			sr_chbuf__puts(&q, x->sfx);
		else if (*p == '#')
			sr_chbuf__add(&q, x->ids.p, x->ids.n);
		else
			sr_chbuf__add(&q, p, 1);
	}
	free(raw);
	sr_chbuf__puts(&q, " FORMAT TabSeparatedWithNamesAndTypes");
	if (sr_verbose && sr_chbuf__cstr(&q))
		fprintf(stderr, "clickhouse: %s\n", q.p);
	err = sr_chbuf__cstr(&q) ? sr_ch__query(x->ch, q.p, &ans) : -ENOMEM;
	sr_chbuf__free(&q);
	if (!err)
		err = sr_chres__parse(res, &ans);
	sr_chbuf__free(&ans);
	return err;
}

/* One value of an answer into @rs, as its type says. */
static void put_cell(struct sr_rs *rs, const struct sr_chres *r, size_t row, size_t col)
{
	const char *s = sr_chres__at(r, row, col);
	const char *t = r->types[col];

	if (!strncmp(t, "Nullable(", 9))
		t += 9;
	if (!s)
		sr_rs__null(rs);
	else if (!strncmp(t, "Int", 3) || !strncmp(t, "UInt", 4))
		sr_rs__int(rs, strtoll(s, NULL, 10));
	else if (!strncmp(t, "Float", 5))
		sr_rs__real(rs, strtod(s, NULL));
	else
		sr_rs__text(rs, s, r->lens[row * r->ncols + col]);
}

/* The rows of @r into @rs as they are, up to the limit. */
static void fill(struct chctx *x, struct sr_rs *rs, const struct sr_chres *r)
{
	for (size_t i = 0; i < r->nrows; i++) {
		if (x->c.limit > 0 && (int64_t)i >= x->c.limit) {
			rs->more = 1;
			break;
		}
		sr_rs__row(rs);
		for (size_t k = 0; k < r->ncols; k++)
			put_cell(rs, r, i, k);
	}
}

/* " LIMIT n" for one row more than shown (to know there are more), or "". */
static const char *lim(struct chctx *x, char *buf, size_t len)
{
	if (x->c.limit > 0 && x->c.limit < INT64_MAX)
		snprintf(buf, len, " LIMIT %" PRId64, x->c.limit + 1);
	else
		buf[0] = '\0';
	return buf;
}

static int print_fill(struct chctx *x, struct sr_rs *rs, struct sr_chres *r, int err)
{
	if (!err) {
		fill(x, rs, r);
		err = print_rs(&x->c, rs);
	}
	sr_chres__free(r);
	sr_rs__free(rs);
	return err;
}

/* --- the reports --- */

static int ch_top_io(struct chctx *x, int by)
{
	struct sr_rs *rs = rep_rs(&x->c, SR_REP_TOP_IO, by);
	struct sr_chres r;
	char l[32];
	int err;

	if (!rs)
		return -ENOMEM;
	if (by == SR_BY_PROCESS)
		err = chq(x, &r, "SELECT pid, comm, rd, rb, wr, wb, host FROM"
			  " (SELECT pid, comm, rd, rb, wr, wb, rec_id FROM"
			  "  (SELECT rec_id, assumeNotNull(proc_id) AS proc_id, sum(reads) AS rd,"
			  "   sum(read_bytes) AS rb, sum(writes) AS wr, sum(write_bytes) AS wb"
			  "   FROM agg_all$ WHERE rec_id IN # AND proc_id IS NOT NULL"
			  "   GROUP BY rec_id, proc_id HAVING rd + wr > 0)"
			  "  ANY INNER JOIN (SELECT rec_id, proc_id, pid, comm FROM procs$"
			  "   WHERE rec_id IN #) USING (rec_id, proc_id))"
			  " ANY LEFT JOIN (SELECT rec_id, host FROM recordings$ WHERE rec_id IN #)"
			  " USING (rec_id)"
			  " ORDER BY rb + wb DESC, rd + wr DESC, pid, comm NULLS FIRST%s",
			  lim(x, l, sizeof(l)));
	else if (by == SR_BY_FILE)
		err = chq(x, &r, "SELECT ifNull(name, '(unknown)') AS n, sum(rd) AS srd,"
			  " sum(rb) AS srb, sum(wr) AS swr, sum(wb) AS swb, host FROM"
			  " (SELECT name, rd, rb, wr, wb, rec_id FROM"
			  "  (SELECT rec_id, ifNull(file_id, -1) AS file_id, sum(reads) AS rd,"
			  "   sum(read_bytes) AS rb, sum(writes) AS wr, sum(write_bytes) AS wb"
			  "   FROM file_stats$ WHERE rec_id IN # GROUP BY rec_id, file_id)"
			  "  ANY LEFT JOIN (SELECT rec_id, file_id, name FROM files$"
			  "   WHERE rec_id IN #) USING (rec_id, file_id))"
			  " ANY LEFT JOIN (SELECT rec_id, host FROM recordings$ WHERE rec_id IN #)"
			  " USING (rec_id) GROUP BY host, n HAVING srd + swr > 0"
			  " ORDER BY srb + swb DESC, srd + swr DESC, n, srd, host NULLS FIRST%s"
			  " SETTINGS join_use_nulls = 1", lim(x, l, sizeof(l)));
	else
		err = chq(x, &r, "SELECT ifNull(path, concat('cgroup ', toString(cgroup_id))) AS n,"
			  " sum(rd) AS srd, sum(rb) AS srb, sum(wr) AS swr, sum(wb) AS swb,"
			  " any(runtime), any(container_id), any(unit), host FROM"
			  " (SELECT cgroup_id, path, runtime, container_id, unit, rd, rb, wr, wb,"
			  "  rec_id FROM"
			  "  (SELECT rec_id, ifNull(cgroup_id, -1) AS cgroup_id, sum(reads) AS rd,"
			  "   sum(read_bytes) AS rb, sum(writes) AS wr, sum(write_bytes) AS wb"
			  "   FROM cg_stats$ WHERE rec_id IN # GROUP BY rec_id, cgroup_id)"
			  "  ANY LEFT JOIN (SELECT rec_id, id AS cgroup_id, path, runtime,"
			  "   container_id, unit FROM cgroups$ WHERE rec_id IN #)"
			  "  USING (rec_id, cgroup_id))"
			  " ANY LEFT JOIN (SELECT rec_id, host FROM recordings$ WHERE rec_id IN #)"
			  " USING (rec_id) GROUP BY host, n HAVING srd + swr > 0"
			  " ORDER BY srb + swb DESC, srd + swr DESC, n, srd, host NULLS FIRST%s"
			  " SETTINGS join_use_nulls = 1", lim(x, l, sizeof(l)));
	return print_fill(x, rs, &r, err);
}

static int ch_files(struct chctx *x)
{
	struct sr_rs *rs = rep_rs(&x->c, SR_REP_FILES, 0);
	struct sr_chres r;
	char l[32];
	int err;

	if (!rs)
		return -ENOMEM;
	err = chq(x, &r, "SELECT name, sum(op) AS sop, sum(rs) AS srs, sum(ws) AS sws,"
		  " sum(rd) AS srd, sum(rb) AS srb, sum(wr) AS swr, sum(wb) AS swb, host FROM"
		  " (SELECT name, op, rs, ws, rd, rb, wr, wb, rec_id FROM"
		  "  (SELECT rec_id, assumeNotNull(file_id) AS file_id, sum(opens) AS op,"
		  "   sum(readers) AS rs, sum(writers) AS ws, sum(reads) AS rd,"
		  "   sum(read_bytes) AS rb, sum(writes) AS wr, sum(write_bytes) AS wb"
		  "   FROM file_stats$ WHERE rec_id IN # AND file_id IS NOT NULL"
		  "   GROUP BY rec_id, file_id)"
		  "  ANY INNER JOIN (SELECT rec_id, file_id, name FROM files$ WHERE rec_id IN #)"
		  "  USING (rec_id, file_id))"
		  " ANY LEFT JOIN (SELECT rec_id, host FROM recordings$ WHERE rec_id IN #)"
		  " USING (rec_id) GROUP BY host, name HAVING sop + srd + swr > 0"
		  " ORDER BY srb + swb DESC, sop DESC, name, host NULLS FIRST%s", lim(x, l, sizeof(l)));
	return print_fill(x, rs, &r, err);
}

static int ch_syscalls(struct chctx *x)
{
	struct sr_rs *rs = rep_rs(&x->c, SR_REP_SYSCALLS, 0);
	struct sr_chres r;
	char l[32];
	int err;

	if (!rs)
		return -ENOMEM;
	/*
	 * sys_stats' figures (import_syscalls.c): durations clamped to
	 * [0, SR_DUR_MAX], exact nearest-rank percentiles (the value at rank
	 * ceil(p/100 * calls) of the sorted durations, as sr_percentile), and
	 * the cpu split over the calls of recordings with the class.
	 */
	err = chq(x, &r, "SELECT name, count() AS calls,"
		  " countIf(ret < 0 AND ret >= -4095) AS errors, sum(d) AS total,"
		  " intDiv(total, calls), arrayElement(arraySort(groupArray(d)),"
		  "  toUInt64(greatest(1, least(toFloat64(calls), ceil(50 * calls / 100.0))))),"
		  " arrayElement(arraySort(groupArray(d)),"
		  "  toUInt64(greatest(1, least(toFloat64(calls), ceil(99 * calls / 100.0))))),"
		  " max(d)%s FROM"
		  " (SELECT rec_id, assumeNotNull(sys_id) AS sys_id,"
		  "  least(greatest(ifNull(dur_ns, 0), 0), %lld) AS d, ifNull(ret, 0) AS ret,"
		  "  on_cpu_ns, off_cpu_ns, blocked_ns, runq_ns, vol_switches, invol_switches"
		  "  FROM events$ WHERE rec_id IN # AND sys_id IS NOT NULL)"
		  " ANY INNER JOIN (SELECT rec_id, sys_id, name FROM syscalls$ WHERE rec_id IN #)"
		  " USING (rec_id, sys_id) GROUP BY name"
		  " ORDER BY total DESC, calls DESC, name%s",
		  has_cpu(&x->c) ?
		  ", if(countIf(on_cpu_ns IS NOT NULL) = 0, NULL,"
		  "  greatest(sumIf(d, on_cpu_ns IS NOT NULL) - sumIf(ifNull(off_cpu_ns, 0),"
		  "  on_cpu_ns IS NOT NULL) - sumIf(ifNull(runq_ns, 0), on_cpu_ns IS NOT NULL), 0)),"
		  " if(countIf(on_cpu_ns IS NOT NULL) = 0, NULL,"
		  "  sumIf(ifNull(off_cpu_ns, 0), on_cpu_ns IS NOT NULL)),"
		  " if(countIf(on_cpu_ns IS NOT NULL) = 0, NULL,"
		  "  sumIf(ifNull(blocked_ns, 0), on_cpu_ns IS NOT NULL)),"
		  " if(countIf(on_cpu_ns IS NOT NULL) = 0, NULL,"
		  "  sumIf(ifNull(runq_ns, 0), on_cpu_ns IS NOT NULL)),"
		  " if(countIf(on_cpu_ns IS NOT NULL) = 0, NULL,"
		  "  sumIf(ifNull(vol_switches, 0), on_cpu_ns IS NOT NULL)),"
		  " if(countIf(on_cpu_ns IS NOT NULL) = 0, NULL,"
		  "  sumIf(ifNull(invol_switches, 0), on_cpu_ns IS NOT NULL))" : "",
		  (long long)SR_DUR_MAX, lim(x, l, sizeof(l)));
	return print_fill(x, rs, &r, err);
}

static int ch_mem(struct chctx *x)
{
	struct sr_rs *rs = rep_rs(&x->c, SR_REP_MEM, 0);
	struct sr_chres r;
	char l[32];
	int err;

	if (!rs)
		return -ENOMEM;
	err = chq(x, &r, "SELECT pid, comm, mmaps, mapped, munmaps, unmapped, peak, brks,"
		  " brk_last - brk_first FROM"
		  " (SELECT rec_id, proc_id, mmaps, mapped, munmaps, unmapped, peak, brks,"
		  "  brk_first, brk_last FROM proc_mem$ WHERE rec_id IN #)"
		  " ANY INNER JOIN (SELECT rec_id, proc_id, pid, comm FROM procs$"
		  "  WHERE rec_id IN #) USING (rec_id, proc_id)"
		  " ORDER BY peak DESC, mapped DESC, pid, proc_id, rec_id%s", lim(x, l, sizeof(l)));
	return print_fill(x, rs, &r, err);
}

static int ch_cpu(struct chctx *x)
{
	int thread = x->c.o->by == SR_BY_THREAD;
	struct sr_rs *rs;
	struct sr_chres r;
	char l[32];
	int err;

	if (!has_cpu(&x->c))
		fprintf(x->c.hdr, "# no recording has the cpu class: no CPU figures\n");
	rs = rep_rs(&x->c, SR_REP_CPU, x->c.o->by);
	if (!rs)
		return -ENOMEM;
	/* share: the table's text, made below from on_cpu_ns and the duration */
	err = chq(x, &r, "SELECT pid, %s on_cpu_ns, NULL, runq_ns, off_cpu_ns, vol_switches,"
		  " invol_switches, blocked_ns, runq_p50_ns, runq_p99_ns, runq_max_ns,"
		  " if(stop_ns > start_ns, on_cpu_ns / (stop_ns - start_ns), NULL),"
		  " timeslices, runq_waits, %s host FROM"
		  " (SELECT * FROM"
		  "  (SELECT rec_id, %s proc_id, on_cpu_ns, runq_ns, off_cpu_ns, vol_switches,"
		  "   invol_switches, blocked_ns, runq_p50_ns, runq_p99_ns, runq_max_ns,"
		  "   timeslices, runq_waits%s FROM %s$ WHERE rec_id IN #%s)"
		  "  ANY INNER JOIN (SELECT rec_id, proc_id, pid, comm AS pcomm FROM procs$"
		  "   WHERE rec_id IN #) USING (rec_id, proc_id))"
		  " ANY LEFT JOIN (SELECT rec_id, host, start_ns, stop_ns FROM recordings$"
		  "  WHERE rec_id IN #) USING (rec_id)"
		  " ORDER BY on_cpu_ns IS NULL, on_cpu_ns DESC, pid%s%s",
		  thread ? "tid, comm," : "pcomm,", thread ? "" : "threads,",
		  thread ? "tid, comm, assumeNotNull(proc_id) AS" : "",
		  thread ? "" : ", threads", thread ? "thread_cpu" : "proc_cpu",
		  thread ? " AND proc_id IS NOT NULL" : "", thread ? ", tid" : "",
		  lim(x, l, sizeof(l)));
	if (!err) {
		fill(x, rs, &r);
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
static uint64_t *live_ids;	/* the recordings in the order of x->ids */

static int64_t rec_index(struct chctx *x, uint64_t id)
{
	for (size_t i = 0; i < x->nrecs; i++)
		if (live_ids[i] == id)
			return (int64_t)i;
	return 0;
}

static char *dup_cell(const struct sr_chres *r, size_t row, size_t col)
{
	const char *s = sr_chres__at(r, row, col);

	return s ? strdup(s) : NULL;
}

static int ch_procs(struct chctx *x)
{
	struct sr_rs *rs = rep_rs(&x->c, SR_REP_PROCS, 0);
	struct pnode *v = NULL;
	struct sr_chres r;
	size_t n = 0;
	int err;

	if (!rs)
		return -ENOMEM;
	/* in proc_id order, as the SQLite path reads them (ties of the sort keep it) */
	err = chq(x, &r, "SELECT rec_id, proc_id, parent_id, pid, ppid, start_ts, exit_ts,"
		  " exit_code, exit_status, exit_signal, threads, execs, comm, exe, cmdline,"
		  " host, start_ns, clock_offset_ns, on_cpu_ns FROM"
		  " (SELECT * FROM"
		  "  (SELECT rec_id, proc_id, parent_id, pid, ppid, start_ts, exit_ts, exit_code,"
		  "   exit_status, exit_signal, threads, execs, comm, exe, cmdline FROM procs$"
		  "   WHERE rec_id IN #)"
		  "  ANY LEFT JOIN (SELECT rec_id, proc_id, on_cpu_ns FROM proc_cpu$"
		  "   WHERE rec_id IN #) USING (rec_id, proc_id))"
		  " ANY INNER JOIN (SELECT rec_id, host, start_ns, clock_offset_ns FROM"
		  "  recordings$ WHERE rec_id IN #) USING (rec_id)"
		  " ORDER BY proc_id, host, rec_id SETTINGS join_use_nulls = 1");
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
	}
	err = procs_print(&x->c, rs, v, n);
out:
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].comm);
		free(v[i].exe);
		free(v[i].cmdline);
		free(v[i].host);
	}
	free(v);
	sr_chres__free(&r);
	sr_rs__free(rs);
	return err;
}

/* The name of errno @e in @v (an int or NULL) as text, as report_errors.c. */
static int errno_text(struct sr_val *v, int64_t ret)
{
	const char *s = ret < 0 && ret >= -4095 ? sr_errno_name((int)-ret) : NULL;

	if (!s)
		return 0;
	free(v->s);
	v->s = strdup(s);
	if (!v->s)
		return -ENOMEM;
	v->len = strlen(s);
	v->type = SQLITE_TEXT;
	return 0;
}

/* The joins that name an event's syscall, file or open path and host. */
#define EV_NAMES(inner)								\
	" (SELECT * FROM (SELECT * FROM (SELECT * FROM (" inner ")"		\
	"   ANY LEFT JOIN (SELECT rec_id, sys_id AS sys, name AS syscall FROM syscalls$"	\
	"    WHERE rec_id IN #) USING (rec_id, sys))"				\
	"  ANY LEFT JOIN (SELECT rec_id, file_id AS file, name AS fname FROM files$"	\
	"   WHERE rec_id IN #) USING (rec_id, file))"				\
	" ANY LEFT JOIN (SELECT rec_id, event_id AS id, path AS opath, name AS oname"	\
	"  FROM ev_open$ WHERE rec_id IN #) USING (rec_id, id))"		\
	" ANY LEFT JOIN (SELECT rec_id, host, start_ns, clock_offset_ns FROM recordings$" \
	"  WHERE rec_id IN #) USING (rec_id)"

static int ch_slow(struct chctx *x)
{
	struct sr_rs *rs = rep_rs(&x->c, SR_REP_SLOW, 0);
	struct sr_chres r;
	char l[32];
	int err;

	if (!rs)
		return -ENOMEM;
	err = chq(x, &r, "SELECT ts, start_ns, clock_offset_ns, pid, tid, comm, syscall, dur,"
		  " on_cpu_ns, off_cpu_ns, blocked_ns, runq_ns, vol_switches, invol_switches,"
		  " ret, fd, coalesce(fname, opath, oname), host FROM" EV_NAMES(
		  "SELECT rec_id, id, ts, pid, tid, comm, ifNull(sys_id, -1) AS sys,"
		  " least(greatest(dur_ns, 0), %lld) AS dur, on_cpu_ns, off_cpu_ns, blocked_ns,"
		  " runq_ns, vol_switches, invol_switches, ret, fd,"
		  " ifNull(file_id, -1) AS file FROM events$ WHERE rec_id IN #"
		  " AND dur_ns IS NOT NULL ORDER BY dur DESC, id, rec_id%s")
		  " ORDER BY dur DESC, id, host, rec_id SETTINGS join_use_nulls = 1",
		  (long long)SR_DUR_MAX, lim(x, l, sizeof(l)));
	if (err)
		goto out;
	for (size_t i = 0; i < r.nrows; i++) {
		int64_t ret = sr_chres__int(&r, i, 14);
		const char *e = ret < 0 && ret >= -4095 ? sr_errno_name((int)-ret) : NULL;
		char buf[32];

		if (x->c.limit > 0 && (int64_t)i >= x->c.limit) {
			rs->more = 1;
			break;
		}
		sr_rs__row(rs);
		add_time(&x->c, rs, 1, sr_chres__int(&r, i, 0), sr_chres__int(&r, i, 1),
			 sr_chres__at(&r, i, 2) != NULL, sr_chres__int(&r, i, 2));
		for (size_t k = 3; k <= 14; k++)	/* pid .. ret */
			put_cell(rs, &r, i, k);
		sr_rs__str(rs, e);
		if (!e)
			snprintf(buf, sizeof(buf), "%lld", (long long)ret);
		sr_rs__str(rs, e ? e : buf);
		put_cell(rs, &r, i, 15);		/* fd */
		put_cell(rs, &r, i, 16);		/* path */
		if (sr_chres__at(&r, i, 16)) {
			put_cell(rs, &r, i, 16);
		} else if (sr_chres__at(&r, i, 15)) {
			snprintf(buf, sizeof(buf), "fd %lld", (long long)sr_chres__int(&r, i, 15));
			sr_rs__str(rs, buf);
		} else {
			sr_rs__null(rs);
		}
		put_cell(rs, &r, i, 17);		/* host */
	}
	err = print_rs(&x->c, rs);
out:
	sr_chres__free(&r);
	sr_rs__free(rs);
	return err;
}

static int ch_errors(struct chctx *x)
{
	struct sr_rs *rs = rep_rs(&x->c, SR_REP_ERRORS, 0);
	struct sr_chres r;
	char l[32];
	int err;

	if (!rs)
		return -ENOMEM;
	err = chq(x, &r, "SELECT syscall, NULL, -ret AS errno, coalesce(fname, opath, oname)"
		  " AS path, count() AS failures, uniqExactIf(rec_id, assumeNotNull(proc_id),"
		  " proc_id IS NOT NULL), host FROM" EV_NAMES(
		  "SELECT rec_id, id, proc_id, assumeNotNull(sys_id) AS sys, ret,"
		  " ifNull(file_id, -1) AS file FROM events$ WHERE rec_id IN #"
		  " AND ret < 0 AND ret >= -4095 AND sys_id IS NOT NULL")
		  " GROUP BY host, syscall, errno, path"
		  " ORDER BY failures DESC, syscall NULLS FIRST, errno, path NULLS FIRST,"
		  " host NULLS FIRST%s SETTINGS join_use_nulls = 1", lim(x, l, sizeof(l)));
	if (!err) {
		fill(x, rs, &r);
		for (size_t i = 0; i < rs->nrows && !err; i++)
			err = errno_text(sr_rs__at(rs, i, 1), -sr_rs__at(rs, i, 2)->i);
		if (!err)
			err = print_rs(&x->c, rs);
	}
	sr_chres__free(&r);
	sr_rs__free(rs);
	return err;
}

static int ch_top_processes(void *ctx)
{
	return ch_top_io(ctx, SR_BY_PROCESS);
}

static int ch_overview(struct chctx *x)
{
	struct sr_rs *rs = rep_rs(&x->c, SR_REP_OVERVIEW, 0);
	struct sr_chres r[5] = { 0 };
	int err;

	if (!rs)
		return -ENOMEM;
	err = chq(x, &r[0], "SELECT max(stop_ns - start_ns), count() FROM recordings$"
		  " WHERE rec_id IN #");
	if (!err)
		err = chq(x, &r[1], "SELECT count() FROM traces$ WHERE rec_id IN #");
	if (!err)
		err = chq(x, &r[2], "SELECT count() FROM procs$ WHERE rec_id IN #");
	if (!err)
		err = chq(x, &r[3], "SELECT sum(events), sum(read_bytes), sum(write_bytes)"
			  " FROM agg_all$ WHERE rec_id IN #");
	if (!err)
		err = chq(x, &r[4], "SELECT sum(count) FROM lost$ WHERE rec_id IN #");
	for (int k = 0; k < 5 && !err; k++)
		if (r[k].nrows != 1)
			err = -EPROTO;
	if (!err) {
		sr_rs__row(rs);
		put_cell(rs, &r[0], 0, 0);
		put_cell(rs, &r[0], 0, 1);
		put_cell(rs, &r[1], 0, 0);
		put_cell(rs, &r[2], 0, 0);
		put_cell(rs, &r[3], 0, 0);
		put_cell(rs, &r[4], 0, 0);
		put_cell(rs, &r[3], 0, 1);
		put_cell(rs, &r[3], 0, 2);
		err = overview_print(&x->c, rs, ch_top_processes, x);
	}
	for (int k = 0; k < 5; k++)
		sr_chres__free(&r[k]);
	sr_rs__free(rs);
	return err;
}

/* --sql: ClickHouse SQL as it is, on the exported tables */
static int ch_sql(struct chctx *x)
{
	struct sr_chbuf q = { 0 }, ans = { 0 };
	struct sr_rs *rs = sr_rs__new();
	struct sr_chres r = { 0 };
	int err;

	if (!rs)
		return -ENOMEM;
	sr_chbuf__puts(&q, x->c.o->sql);
	/* a trailing ';' would end the query before its FORMAT */
	while (q.n && (q.p[q.n - 1] == ';' || q.p[q.n - 1] == ' ' || q.p[q.n - 1] == '\n'))
		q.n--;
	sr_chbuf__puts(&q, " FORMAT TabSeparatedWithNamesAndTypes");
	err = sr_chbuf__cstr(&q) ? sr_ch__query(x->ch, q.p, &ans) : -ENOMEM;
	if (!err)
		err = sr_chres__parse(&r, &ans);
	sr_chbuf__free(&q);
	sr_chbuf__free(&ans);
	if (err) {
		sr_rs__free(rs);
		return err;
	}
	for (size_t k = 0; k < r.ncols; k++)
		sr_rs__col(rs, r.names[k], SR_COL_AUTO, 0);
	return print_fill(x, rs, &r, 0);
}

/* --- the recordings, and the dispatcher --- */

/*
 * The recordings to report on: per recording the latest finished export,
 * of host @host and recording @rec when given.  Fills x->ids and the rest.
 */
static int load_live(struct chctx *x, const char *host, const char *rec)
{
	struct sr_chres r;
	size_t cap = 0;
	int err, cpu = 0;

	x->ids.n = 0;
	sr_chbuf__puts(&x->ids, "(0)");
	err = chq(x, &r, "SELECT rec_id, recording, ifNull(host, ''), ifNull(recording_id, ''),"
		  " cpu FROM recordings$ ORDER BY recording, exported_ns DESC, rec_id");
	if (err)
		return err;
	x->ids.n = 0;
	sr_chbuf__puts(&x->ids, "(");
	for (size_t i = 0; i < r.nrows; i++) {
		const char *key = sr_chres__at(&r, i, 1), *h = sr_chres__at(&r, i, 2);
		char num[32];

		/* an earlier export of the same recording: superseded */
		if (i && !strcmp(key, sr_chres__at(&r, i - 1, 1)))
			continue;
		if (host && strcmp(host, h))
			continue;
		if (rec && strcmp(rec, key) && strcmp(rec, sr_chres__at(&r, i, 3)))
			continue;
		if (sr_grow(&live_ids, &cap, x->nrecs + 1, sizeof(*live_ids))) {
			err = -ENOMEM;
			break;
		}
		live_ids[x->nrecs] = strtoull(sr_chres__at(&r, i, 0), NULL, 10);
		snprintf(num, sizeof(num), "%s%" PRIu64, x->nrecs ? ", " : "", live_ids[x->nrecs]);
		sr_chbuf__puts(&x->ids, num);
		x->nrecs++;
		cpu |= sr_chres__int(&r, i, 4) != 0;
		/* the hosts once each, in order, for the header */
		if (!x->hosts || !strstr(x->hosts, h) || !*h) {
			char *s = NULL;

			if (asprintf(&s, "%s%s%s", x->hosts ? x->hosts : "", x->hosts ? ", " : "",
				     h) < 0) {
				err = -ENOMEM;
				break;
			}
			free(x->hosts);
			x->hosts = s;
			x->nhosts++;
		}
	}
	sr_chbuf__puts(&x->ids, ")");
	sr_chres__free(&r);
	x->c.cpu = cpu;
	x->c.multi = x->nhosts > 1;
	if (!err && !x->nrecs) {
		sr_err("analyze: no recording%s%s%s%s in ClickHouse%s", host ? " of host " : "",
		       host ? host : "", rec ? " named " : "", rec ? rec : "",
		       host || rec ? "" : " yet (sysrec export --clickhouse)");
		err = -ENOENT;
	}
	return err ? err : x->ids.err;
}

/* The Distributed tables of docs/SCHEMA.md when the database has them. */
static int find_tables(struct chctx *x)
{
	struct sr_chres r;
	int err = chq(x, &r, "SELECT count() FROM system.tables WHERE database = currentDatabase()"
		      " AND name = 'recordings_dist' AND engine = 'Distributed'");

	if (!err && r.nrows == 1 && sr_chres__int(&r, 0, 0) > 0)
		x->sfx = "_dist";
	sr_chres__free(&r);
	return err;
}

int sr_ch_report(const char *url, const char *host, const char *rec,
		 const struct sr_an_opts *o)
{
	struct chctx x = { .sfx = "" };
	int err;

	x.c.o = o;
	x.c.rep = &sr_reports[o->report];
	x.c.hdr = o->fmt == SR_FMT_TABLE ? stdout : stderr;
	x.c.limit = o->limit >= 0 ? o->limit : o->fmt == SR_FMT_TABLE ? x.c.rep->limit : 0;
	err = sr_ch__new(&x.ch, url);
	if (!err)
		err = find_tables(&x);
	if (err)
		goto out;
	if (o->report == SR_REP_SQL) {
		err = ch_sql(&x);
		goto out;
	}
	err = load_live(&x, host, rec);
	if (err)
		goto out;
	fprintf(x.c.hdr, "# ClickHouse %s%s: %zu recording%s (host%s %s)\n", url,
		*x.sfx ? " (Distributed tables)" : "", x.nrecs, x.nrecs == 1 ? "" : "s",
		x.nhosts == 1 ? "" : "s", x.hosts);
	switch (o->report) {
	case SR_REP_OVERVIEW:
		err = ch_overview(&x);
		break;
	case SR_REP_TOP_IO:
		err = ch_top_io(&x, o->by);
		break;
	case SR_REP_SYSCALLS:
		if (o->hist) {
			sr_err("analyze: --syscalls --hist is not yet a report of --clickhouse");
			err = -ENOTSUP;
			break;
		}
		err = ch_syscalls(&x);
		break;
	case SR_REP_SLOW:
		err = ch_slow(&x);
		break;
	case SR_REP_ERRORS:
		err = ch_errors(&x);
		break;
	case SR_REP_PROCS:
		err = ch_procs(&x);
		break;
	case SR_REP_CPU:
		err = ch_cpu(&x);
		break;
	case SR_REP_MEM:
		err = ch_mem(&x);
		break;
	case SR_REP_FILES:
		err = ch_files(&x);
		break;
	default:
		sr_err("analyze: --%s is not yet a report of --clickhouse", x.c.rep->option);
		err = -ENOTSUP;
		break;
	}
out:
	free(live_ids);
	live_ids = NULL;
	free(x.hosts);
	sr_chbuf__free(&x.ids);
	sr_ch__free(x.ch);
	return err;
}
