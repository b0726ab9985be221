// SPDX-License-Identifier: GPL-2.0-only
/*
 * clickhouse_report_events.c - the reports of analyze --clickhouse that
 * read the events: --syscalls (exact percentiles over every duration),
 * --syscalls --hist, --slow and --errors (--timeline: clickhouse_timeline.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/event.h"
#include "sysrec/util.h"
#include "clickhouse_report.h"

/* The cpu split's columns after on_cpu_ns, over the calls that have one */
#define SPLIT_REST							\
	", if(countIf(on_cpu_ns IS NOT NULL) = 0, NULL,"			\
	"  sumIf(ifNull(off_cpu_ns, 0), on_cpu_ns IS NOT NULL)),"		\
	" if(countIf(on_cpu_ns IS NOT NULL) = 0, NULL,"				\
	"  sumIf(ifNull(blocked_ns, 0), on_cpu_ns IS NOT NULL)),"		\
	" if(countIf(on_cpu_ns IS NOT NULL) = 0, NULL,"				\
	"  sumIf(ifNull(runq_ns, 0), on_cpu_ns IS NOT NULL)),"			\
	" if(countIf(on_cpu_ns IS NOT NULL) = 0, NULL,"				\
	"  sumIf(ifNull(vol_switches, 0), on_cpu_ns IS NOT NULL)),"		\
	" if(countIf(on_cpu_ns IS NOT NULL) = 0, NULL,"				\
	"  sumIf(ifNull(invol_switches, 0), on_cpu_ns IS NOT NULL))"

/*
 * Whether every recording read has its rows of sys_durs: each export
 * writes them with a mark (a row with no name and no calls) per
 * recording, which an export older than the table lacks.
 */
static int durs_complete(struct chctx *x)
{
	struct sr_chres r = { 0 };
	int ok;

	ok = !ch_q(x, &r, "SELECT count() FROM system.tables WHERE database = currentDatabase()"
		   " AND name = 'sys_durs$'") && r.nrows == 1 && sr_chres__int(&r, 0, 0) == 1;
	sr_chres__free(&r);
	if (ok)
		ok = !ch_q(x, &r, "SELECT uniqExact(rec_id) FROM sys_durs$ WHERE rec_id IN #"
			   " AND name = '' AND calls = 0") && r.nrows == 1 &&
		     (size_t)sr_chres__int(&r, 0, 0) == x->nrecs;
	sr_chres__free(&r);
	return ok;
}

/*
 * The rows of sys_durs the report reads (rec_id, name, dur_ns, calls,
 * ...): those of the export without a filter, else computed from the
 * events that pass them.  A subquery (malloc'd), NULL without memory.
 */
static char *durs_src(struct chctx *x)
{
	if (!x->filtered && !x->nw.n && durs_complete(x))
		return ch_fmt(x, "SELECT * FROM sys_durs$ WHERE rec_id IN # AND calls > 0");
	return ch_fmt(x, SR_CH_DURS("events$ WHERE rec_id IN # AND sys_id IS NOT NULL%s%s%s",
				    "syscalls$ WHERE rec_id IN #", SR_CH_SPLIT),
		      ch_f(&x->pf), ch_f(&x->cf), ch_f(&x->nw));
}

int ch_syscalls(struct chctx *x)
{
	int by_host = x->c.o->by == SR_BY_HOST, by_rec = x->c.o->by == SR_BY_RECORDING;
	struct sr_rs *rs = rep_rs(&x->c, SR_REP_SYSCALLS, x->c.o->by);
	char *src = durs_src(x), *join = NULL, *gsel = NULL, *osel = NULL, *ord = NULL;
	const char *gkey = by_host ? "rhost, " : by_rec ? "rec_id, " : "";
	struct sr_chres r;
	char l[32];
	int err;

	/*
	 * Per host, the hosts by name, the one without a name last; per
	 * recording, the recordings in turn, with their columns after the
	 * rest (report_recs.c).
	 */
	if (by_host || by_rec)
		join = ch_fmt(x, " ANY LEFT JOIN (SELECT rec_id, host AS rhost, recording_id"
			      " FROM recordings$ WHERE rec_id IN #) USING (rec_id)");
	gsel = ch_fmt(x, "%s", by_rec ? "rec_id, any(recording_id) AS rrid, any(rhost) AS rrh, " :
		      gkey);
	osel = by_host ? ch_fmt(x, "ifNull(rhost, '(unknown)'), ") :
	       ch_fmt(x, "%s%s", by_rec ? x->lab.p : "", by_rec ? ", " : "");
	ord = by_host ? ch_fmt(x, "isNull(rhost), rhost, ") :
	      ch_fmt(x, "%s%s", by_rec ? x->ord.p : "", by_rec ? ", " : "");
	if (!rs || !src || ((by_host || by_rec) && !join) || !gsel || !osel || !ord) {
		err = -ENOMEM;
		goto out;
	}
	/*
	 * sys_stats' figures (import_syscalls.c) from the calls per distinct
	 * duration.  Exact nearest-rank percentiles, as sr_percentile: the
	 * value at rank ceil(p/100 * calls) of the sorted durations, which
	 * quantilesExactWeighted finds as the first value whose running
	 * weight reaches ceil(calls * level).  calls * 0.5 is exact; 0.99 is
	 * not a double, and calls * 0.99 may land a hair above an integer
	 * rank: 0.99 - 1e-12 stays below it yet above the rank before (ranks
	 * are 0.01 apart, the error at most calls * 1e-12) while calls are
	 * under 10^9 per syscall.  The cpu split over the calls of recordings
	 * with the class.
	 */
	err = ch_q(x, &r, "SELECT %sname, n, errs, total, intDiv(total, n), q[1], q[2], mx%s%s FROM"
		  " (SELECT %sname, sum(calls) AS n, sum(errors) AS errs, sum(dur_ns * calls) AS total,"
		  "  max(dur_ns) AS mx,"
		  "  quantilesExactWeighted(0.5, 0.989999999999)(dur_ns, toUInt64(calls)) AS q,"
		  "  sum(cpu_calls) AS cpu, sum(dur_ns * cpu_calls) AS scd, sum(on_cpu_ns) AS son,"
		  "  sum(off_cpu_ns) AS soff, sum(blocked_ns) AS sbl, sum(runq_ns) AS srq,"
		  "  sum(vol_switches) AS svol, sum(invol_switches) AS sinv"
		  "  FROM (%s)%s GROUP BY %sname)"
		  " ORDER BY %stotal DESC, n DESC, name%s",
		  osel,
		  !has_cpu(&x->c) ? "" : x->filtered || by_host || by_rec ?
		  /* filtered (report_syscalls.c): the calls' on-CPU times summed */
		  ", if(cpu = 0, NULL, son), if(cpu = 0, NULL, soff), if(cpu = 0, NULL, sbl),"
		  " if(cpu = 0, NULL, srq), if(cpu = 0, NULL, svol), if(cpu = 0, NULL, sinv)" :
		  /* sys_stats (import_syscalls.c): the durations less the time off it */
		  ", if(cpu = 0, NULL, greatest(scd - soff - srq, 0)), if(cpu = 0, NULL, soff),"
		  " if(cpu = 0, NULL, sbl), if(cpu = 0, NULL, srq), if(cpu = 0, NULL, svol),"
		  " if(cpu = 0, NULL, sinv)",
		  by_rec ? ", rrid, rrh" : "",
		  gsel, src, join ? join : "", gkey, ord, ch_lim(x, l, sizeof(l)));
	err = ch_print_fill(x, rs, &r, err);
	rs = NULL;
out:
	sr_rs__free(rs);
	free(src);
	free(join);
	free(gsel);
	free(osel);
	free(ord);
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

/*
 * The joins that name an event's syscall, file or open path and host; @ow
 * narrows the rows of ev_open read.
 */
#define EV_NAMES(inner, ow)							\
	" (SELECT * FROM (SELECT * FROM (SELECT * FROM (" inner ")"		\
	"   ANY LEFT JOIN (SELECT rec_id, sys_id AS sys, name AS syscall FROM syscalls$"	\
	"    WHERE rec_id IN #) USING (rec_id, sys))"				\
	"  ANY LEFT JOIN (SELECT rec_id, file_id AS file, name AS fname FROM files$"	\
	"   WHERE rec_id IN #) USING (rec_id, file))"				\
	" ANY LEFT JOIN (SELECT rec_id, event_id AS id, path AS opath, name AS oname"	\
	"  FROM ev_open$ WHERE rec_id IN #" ow ") USING (rec_id, id))"		\
	" ANY LEFT JOIN (SELECT rec_id, host, recording_id, start_ns, clock_offset_ns"	\
	"  FROM recordings$ WHERE rec_id IN #) USING (rec_id)"

/*
 * A floor of the durations that at least @want of the events reach, 0
 * when none narrows: without a filter from sys_durs (the want-th longest
 * call), else from a histogram of the events' durations by power of two.
 */
static int slow_floor(struct chctx *x, int64_t want, int64_t *floor_ns)
{
	struct sr_chres h = { 0 };
	int64_t seen = 0;
	int err;

	*floor_ns = 0;
	if (!x->filtered && !x->nw.n && durs_complete(x)) {
		/* a row a duration of a syscall of a recording: want rows reach want calls */
		err = ch_q(x, &h, "SELECT dur_ns, calls FROM sys_durs$ WHERE rec_id IN #"
			   " AND calls > 0 ORDER BY dur_ns DESC LIMIT %" PRId64, want);
		for (size_t i = 0; !err && i < h.nrows && seen < want; i++) {
			seen += sr_chres__int(&h, i, 1);
			*floor_ns = seen >= want ? sr_chres__int(&h, i, 0) : 0;
		}
		sr_chres__free(&h);
		return err;
	}
	err = ch_q(x, &h, "SELECT toInt64(floor(log2(greatest(least(greatest(dur_ns, 0), %lld), 1))))"
		   " AS k, count() FROM events$ WHERE rec_id IN # AND dur_ns IS NOT NULL%s%s%s"
		   " GROUP BY k ORDER BY k DESC", (long long)SR_DUR_MAX, ch_f(&x->pf),
		   ch_f(&x->cf), ch_f(&x->win));
	for (size_t i = 0; !err && i < h.nrows && seen < want; i++) {
		int64_t k = sr_chres__int(&h, i, 0);

		seen += sr_chres__int(&h, i, 1);
		/* an octave lower: log2 of a double may round up across a power */
		*floor_ns = seen >= want && k >= 1 && k < 62 ? (int64_t)1 << (k - 1) : 0;
	}
	sr_chres__free(&h);
	return err;
}

/*
 * --slow with a limit: its events' keys, read from few columns and only
 * where the duration reaches the floor: (host, rec_id, ts, id), the
 * events table's order, in @keys, and (rec_id, id) in @ids, as lists for
 * IN, which the primary keys of events and ev_open answer without a scan.
 * Both stay empty where that does not narrow anything (no limit, or no
 * floor): the one query then does it all.
 */
static int slow_keys(struct chctx *x, const char *rank, struct sr_chbuf *keys,
		     struct sr_chbuf *ids)
{
	struct sr_chres k = { 0 };
	int64_t floor_ns;
	char l[32];
	int err;

	if (x->c.limit <= 0 || x->c.limit > 10000)
		return 0;
	err = slow_floor(x, x->c.limit + 1, &floor_ns);
	if (err || floor_ns <= 0)
		return err;
	err = ch_q(x, &k, "SELECT host, rec_id, ts, id FROM events$ PREWHERE dur_ns >= %lld"
		   " WHERE rec_id IN #%s%s%s"
		   " ORDER BY least(greatest(dur_ns, 0), %lld) DESC, host, indexOf(%s, rec_id), id%s",
		   (long long)floor_ns, ch_f(&x->pf), ch_f(&x->cf), ch_f(&x->win),
		   (long long)SR_DUR_MAX, rank, ch_lim(x, l, sizeof(l)));
	if (err)
		goto out;
	sr_chbuf__puts(keys, "(");
	sr_chbuf__puts(ids, "(");
	for (size_t i = 0; i < k.nrows; i++) {
		sr_chbuf__puts(keys, i ? ", (" : "(");
		sr_chbuf__quoted(keys, sr_chres__at(&k, i, 0));
		for (int c = 1; c < 4; c++) {
			sr_chbuf__puts(keys, ", ");
			sr_chbuf__puts(keys, sr_chres__at(&k, i, (size_t)c));
		}
		sr_chbuf__puts(keys, ")");
		sr_chbuf__puts(ids, i ? ", (" : "(");
		sr_chbuf__puts(ids, sr_chres__at(&k, i, 1));
		sr_chbuf__puts(ids, ", ");
		sr_chbuf__puts(ids, sr_chres__at(&k, i, 3));
		sr_chbuf__puts(ids, ")");
	}
	/* no event: keys that none has (ids start at 1) */
	sr_chbuf__puts(keys, k.nrows ? ")" : "('', 0, 0, 0))");
	sr_chbuf__puts(ids, k.nrows ? ")" : "(0, 0))");
	if (!sr_chbuf__cstr(keys) || !sr_chbuf__cstr(ids))
		err = -ENOMEM;
out:
	sr_chres__free(&k);
	return err;
}

/* --slow's columns, and the rows of events they are read from (with %s: rc, SR_DUR_MAX) */
#define SLOW_COLS							\
	"SELECT ts, start_ns, clock_offset_ns, pid, tid, comm, syscall, dur,"	\
	" on_cpu_ns, off_cpu_ns, blocked_ns, runq_ns, vol_switches, invol_switches,"	\
	" ret, fd, coalesce(fname, opath, oname), host%s FROM"
#define SLOW_EVENTS							\
	"SELECT rec_id, id, ts, pid, tid, comm, ifNull(sys_id, -1) AS sys,"	\
	" least(greatest(dur_ns, 0), %lld) AS dur, on_cpu_ns, off_cpu_ns, blocked_ns,"	\
	" runq_ns, vol_switches, invol_switches, ret, fd,"			\
	" ifNull(file_id, -1) AS file FROM events$ WHERE rec_id IN #"

int ch_slow(struct chctx *x)
{
	struct sr_rs *rs = rep_rs(&x->c, SR_REP_SLOW, 0);
	struct sr_chbuf keys = { 0 }, ids = { 0 }, rank = { 0 };
	struct sr_chres r = { 0 };
	char l[32];
	int err;

	if (!rs)
		return -ENOMEM;
	/*
	 * Ties: by host (none first: '' in events), the recording (bykey:
	 * in the order of the recordings' keys) and the order within it, as
	 * the SQLite path (report.h, SR_REC_KEY).
	 */
	sr_chbuf__puts(&rank, "[0");
	for (size_t i = 0; i < x->nrecs; i++) {
		char num[32];

		snprintf(num, sizeof(num), ", %" PRIu64, x->bykey[i]);
		sr_chbuf__puts(&rank, num);
	}
	sr_chbuf__puts(&rank, "]");
	err = sr_chbuf__cstr(&rank) ? slow_keys(x, rank.p, &keys, &ids) : -ENOMEM;
	if (!err && keys.n)
		err = ch_q(x, &r, SLOW_COLS EV_NAMES(SLOW_EVENTS
			  " AND (host, rec_id, ts, id) IN %s", " AND (rec_id, event_id) IN %s")
			  " ORDER BY dur DESC, host NULLS FIRST, indexOf(%s, rec_id), id"
			  " SETTINGS join_use_nulls = 1", ch_f(&x->rc), (long long)SR_DUR_MAX, keys.p,
			  ids.p, rank.p);
	else if (!err)
		err = ch_q(x, &r, SLOW_COLS EV_NAMES(SLOW_EVENTS
			  " AND dur_ns IS NOT NULL%s%s%s"
			  " ORDER BY dur DESC, host, indexOf(%s, rec_id), id%s", "")
			  " ORDER BY dur DESC, host NULLS FIRST, indexOf(%s, rec_id), id"
			  " SETTINGS join_use_nulls = 1", ch_f(&x->rc), (long long)SR_DUR_MAX, ch_f(&x->pf),
			  ch_f(&x->cf), ch_f(&x->win), rank.p, ch_lim(x, l, sizeof(l)), rank.p);
	sr_chbuf__free(&keys);
	sr_chbuf__free(&ids);
	sr_chbuf__free(&rank);
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
			ch_put(rs, &r, i, k);
		sr_rs__str(rs, e);
		if (!e)
			snprintf(buf, sizeof(buf), "%lld", (long long)ret);
		sr_rs__str(rs, e ? e : buf);
		ch_put(rs, &r, i, 15);		/* fd */
		ch_put(rs, &r, i, 16);		/* path */
		if (sr_chres__at(&r, i, 16)) {
			ch_put(rs, &r, i, 16);
		} else if (sr_chres__at(&r, i, 15)) {
			snprintf(buf, sizeof(buf), "fd %lld", (long long)sr_chres__int(&r, i, 15));
			sr_rs__str(rs, buf);
		} else {
			sr_rs__null(rs);
		}
		ch_put(rs, &r, i, 17);		/* host */
		if (rec_split(&x->c)) {
			ch_put(rs, &r, i, 18);	/* recording */
			ch_put(rs, &r, i, 19);	/* recording_id */
		}
	}
	err = print_rs(&x->c, rs);
out:
	sr_chres__free(&r);
	sr_rs__free(rs);
	return err;
}

int ch_errors(struct chctx *x)
{
	int by_rec = x->c.o->by == SR_BY_RECORDING;
	struct sr_rs *rs = rep_rs(&x->c, SR_REP_ERRORS, x->c.o->by);
	struct sr_chres r;
	char l[32];
	int err;

	if (!rs)
		return -ENOMEM;
	/*
	 * Per host, or with --by recording per recording; without a filter,
	 * what the export summed per recording (SR_CH_ERRS).
	 */
	if (!x->filtered && !x->nw.n && durs_complete(x))
		err = ch_q(x, &r, "SELECT syscall, NULL, errno, path, sum(failures) AS nf, sum(procs),"
			   " host%s FROM (SELECT * FROM err_stats$ WHERE rec_id IN #)"
			   " ANY LEFT JOIN (SELECT rec_id, host, recording_id FROM recordings$"
			   " WHERE rec_id IN #) USING (rec_id) GROUP BY %s, syscall, errno, path"
			   " ORDER BY nf DESC, syscall NULLS FIRST, errno, path NULLS FIRST,"
			   " host NULLS FIRST%s%s%s SETTINGS join_use_nulls = 1",
			   by_rec ? ch_f(&x->rc) : "", by_rec ? "rec_id, host, recording_id" : "host",
			   by_rec ? ", " : "", by_rec ? x->ord.p : "", ch_lim(x, l, sizeof(l)));
	else
		err = ch_q(x, &r, "SELECT syscall, NULL, -ret AS errno, coalesce(fname, opath, oname)"
			  " AS path, count() AS failures, uniqExactIf(rec_id, assumeNotNull(proc_id),"
			  " proc_id IS NOT NULL), host%s FROM" EV_NAMES(
			  "SELECT rec_id, id, proc_id, assumeNotNull(sys_id) AS sys, ret,"
			  " ifNull(file_id, -1) AS file FROM events$ WHERE rec_id IN #"
			  " AND ret < 0 AND ret >= -4095 AND sys_id IS NOT NULL%s%s%s", "")
			  " GROUP BY %s, syscall, errno, path"
			  " ORDER BY failures DESC, syscall NULLS FIRST, errno, path NULLS FIRST,"
			  " host NULLS FIRST%s%s%s SETTINGS join_use_nulls = 1",
			  by_rec ? ch_f(&x->rc) : "", ch_f(&x->pf), ch_f(&x->cf), ch_f(&x->win),
			  by_rec ? "rec_id, host, recording_id" : "host", by_rec ? ", " : "",
			  by_rec ? x->ord.p : "", ch_lim(x, l, sizeof(l)));
	if (!err) {
		ch_fill(x, rs, &r);
		for (size_t i = 0; i < rs->nrows && !err; i++)
			err = errno_text(sr_rs__at(rs, i, 1), -sr_rs__at(rs, i, 2)->i);
		if (!err)
			err = print_rs(&x->c, rs);
	}
	sr_chres__free(&r);
	sr_rs__free(rs);
	return err;
}

/* --syscalls --hist: log2 buckets of the clamped durations, per syscall */
int ch_hist(struct chctx *x)
{
	struct sr_rs *rs = sr_rs__new();
	struct sr_chres r = { 0 };
	int64_t n = 0;
	char *src;
	int err;

	if (!rs)
		return -ENOMEM;
	hist_cols(rs);
	src = durs_src(x);
	if (!src) {
		err = -ENOMEM;
		goto out;
	}
	/*
	 * Per syscall its buckets as arrays, turned back into rows: its
	 * total and calls on each.  k = floor(log2(d)), corrected where the
	 * float's log2 rounds across a power.
	 */
	err = ch_q(x, &r, "SELECT name, t, c, k, nk FROM"
		  " (SELECT name, sum(tk) AS t, sum(nk) AS c, groupArray(k) AS ks,"
		  "  groupArray(nk) AS nks FROM"
		  "  (SELECT name, k, sum(calls) AS nk, sum(dur_ns * calls) AS tk FROM"
		  "   (SELECT name, dur_ns, calls, toInt64(floor(log2(greatest(dur_ns, 1)))) AS k0,"
		  "    if(dur_ns <= 1, 0, least(%d, k0 - (bitShiftLeft(toInt64(1), k0) > dur_ns)"
		  "     + (bitShiftLeft(toInt64(1), k0 + 1) <= dur_ns))) AS k FROM (%s))"
		  "   GROUP BY name, k)"
		  "  GROUP BY name)"
		  " ARRAY JOIN ks AS k, nks AS nk ORDER BY t DESC, c DESC, name, k",
		  SR_HIST_BUCKETS - 1, src);
	free(src);
	if (err)
		goto out;
	for (size_t i = 0; i < r.nrows && !rs->more;) {
		struct hist h = { .calls = (uint64_t)sr_chres__int(&r, i, 2),
				  .total = (uint64_t)sr_chres__int(&r, i, 1) };
		const char *name = sr_chres__at(&r, i, 0);
		size_t j = i;

		for (; j < r.nrows && !strcmp(sr_chres__at(&r, j, 0), name); j++) {
			int64_t k = sr_chres__int(&r, j, 3);

			if (k >= 0 && k < SR_HIST_BUCKETS)
				h.n[k] = (uint64_t)sr_chres__int(&r, j, 4);
		}
		hist_rows(&x->c, rs, &h, name, &n);
		i = j;
	}
	err = print_rs(&x->c, rs);
out:
	sr_chres__free(&r);
	sr_rs__free(rs);
	return err;
}
