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

int ch_syscalls(struct chctx *x)
{
	int by_host = x->c.o->by == SR_BY_HOST, by_rec = x->c.o->by == SR_BY_RECORDING;
	struct sr_rs *rs = rep_rs(&x->c, SR_REP_SYSCALLS, x->c.o->by);
	struct sr_chbuf key = { 0 }, ord = { 0 };
	struct sr_chres r;
	char l[32];
	int err;

	if (!rs)
		return -ENOMEM;
	/*
	 * sys_stats' figures (import_syscalls.c): durations clamped to
	 * [0, SR_DUR_MAX], exact nearest-rank percentiles (the value at rank
	 * ceil(p/100 * calls) of the sorted durations, as sr_percentile), and
	 * the cpu split over the calls of recordings with the class.  Per
	 * host (report_syscalls.c's filtered_stats), the hosts by name, the
	 * one without a name last; per recording, the recordings in turn.
	 */
	if (by_host) {
		sr_chbuf__puts(&key, "ifNull(rhost, '(unknown)'), ");
		sr_chbuf__puts(&ord, "isNull(rhost), rhost, ");
	} else if (by_rec) {
		sr_chbuf__puts(&key, x->lab.p);
		sr_chbuf__puts(&key, ", ");
		sr_chbuf__puts(&ord, x->ord.p);
		sr_chbuf__puts(&ord, ", ");
	}
	if ((key.n && !sr_chbuf__cstr(&key)) || (ord.n && !sr_chbuf__cstr(&ord))) {
		sr_chbuf__free(&key);
		sr_chbuf__free(&ord);
		sr_rs__free(rs);
		return -ENOMEM;
	}
	err = ch_q(x, &r, "SELECT %sname, count() AS calls,"
		  " countIf(ret < 0 AND ret >= -4095) AS errors, sum(d) AS total,"
		  " intDiv(total, calls), arrayElement(arraySort(groupArray(d)),"
		  "  toUInt64(greatest(1, least(toFloat64(calls), ceil(50 * calls / 100.0))))),"
		  " arrayElement(arraySort(groupArray(d)),"
		  "  toUInt64(greatest(1, least(toFloat64(calls), ceil(99 * calls / 100.0))))),"
		  " max(d)%s%s FROM"
		  " (SELECT * FROM"
		  "  (SELECT rec_id, assumeNotNull(sys_id) AS sys_id,"
		  "   least(greatest(ifNull(dur_ns, 0), 0), %lld) AS d, ifNull(ret, 0) AS ret,"
		  "   on_cpu_ns, off_cpu_ns, blocked_ns, runq_ns, vol_switches, invol_switches"
		  "   FROM events$ WHERE rec_id IN # AND sys_id IS NOT NULL%s%s%s)"
		  "  ANY INNER JOIN (SELECT rec_id, sys_id, name FROM syscalls$ WHERE rec_id IN #)"
		  "  USING (rec_id, sys_id))"
		  " ANY LEFT JOIN (SELECT rec_id, host AS rhost, recording_id FROM recordings$"
		  "  WHERE rec_id IN #) USING (rec_id) GROUP BY %sname"
		  " ORDER BY %stotal DESC, calls DESC, name%s",
		  ch_f(&key),
		  !has_cpu(&x->c) ? "" : x->filtered || by_host || by_rec ?
		  /* filtered (report_syscalls.c): the calls' on-CPU times summed */
		  ", if(countIf(on_cpu_ns IS NOT NULL) = 0, NULL,"
		  "  sumIf(assumeNotNull(on_cpu_ns), on_cpu_ns IS NOT NULL))" SPLIT_REST :
		  /* sys_stats (import_syscalls.c): the durations less the time off it */
		  ", if(countIf(on_cpu_ns IS NOT NULL) = 0, NULL,"
		  "  greatest(sumIf(d, on_cpu_ns IS NOT NULL) - sumIf(ifNull(off_cpu_ns, 0),"
		  "  on_cpu_ns IS NOT NULL) - sumIf(ifNull(runq_ns, 0), on_cpu_ns IS NOT NULL), 0))"
		  SPLIT_REST, by_rec ? ", any(recording_id), any(rhost)" : "",
		  (long long)SR_DUR_MAX, ch_f(&x->pf), ch_f(&x->cf), ch_f(&x->nw),
		  by_host ? "rhost, " : by_rec ? "rec_id, " : "", ch_f(&ord),
		  ch_lim(x, l, sizeof(l)));
	sr_chbuf__free(&key);
	sr_chbuf__free(&ord);
	return ch_print_fill(x, rs, &r, err);
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
	" ANY LEFT JOIN (SELECT rec_id, host, recording_id, start_ns, clock_offset_ns"	\
	"  FROM recordings$ WHERE rec_id IN #) USING (rec_id)"

int ch_slow(struct chctx *x)
{
	struct sr_rs *rs = rep_rs(&x->c, SR_REP_SLOW, 0);
	struct sr_chres r;
	char l[32];
	int err;

	if (!rs)
		return -ENOMEM;
	/* ties in the SQLite path's event id order: the recordings in turn, each's ids */
	err = ch_q(x, &r, "SELECT ts, start_ns, clock_offset_ns, pid, tid, comm, syscall, dur,"
		  " on_cpu_ns, off_cpu_ns, blocked_ns, runq_ns, vol_switches, invol_switches,"
		  " ret, fd, coalesce(fname, opath, oname), host%s FROM" EV_NAMES(
		  "SELECT rec_id, id, ts, pid, tid, comm, ifNull(sys_id, -1) AS sys,"
		  " least(greatest(dur_ns, 0), %lld) AS dur, on_cpu_ns, off_cpu_ns, blocked_ns,"
		  " runq_ns, vol_switches, invol_switches, ret, fd,"
		  " ifNull(file_id, -1) AS file FROM events$ WHERE rec_id IN #"
		  " AND dur_ns IS NOT NULL%s%s%s ORDER BY dur DESC, %s, id%s")
		  " ORDER BY dur DESC, %s, id SETTINGS join_use_nulls = 1",
		  ch_f(&x->rc), (long long)SR_DUR_MAX, ch_f(&x->pf), ch_f(&x->cf), ch_f(&x->win),
		  x->ord.p, ch_lim(x, l, sizeof(l)), x->ord.p);
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
	err = ch_q(x, &r, "SELECT syscall, NULL, -ret AS errno, coalesce(fname, opath, oname)"
		  " AS path, count() AS failures, uniqExactIf(rec_id, assumeNotNull(proc_id),"
		  " proc_id IS NOT NULL), host%s FROM" EV_NAMES(
		  "SELECT rec_id, id, proc_id, assumeNotNull(sys_id) AS sys, ret,"
		  " ifNull(file_id, -1) AS file FROM events$ WHERE rec_id IN #"
		  " AND ret < 0 AND ret >= -4095 AND sys_id IS NOT NULL%s%s%s")
		  " GROUP BY %s, syscall, errno, path"
		  " ORDER BY failures DESC, syscall NULLS FIRST, errno, path NULLS FIRST,"
		  " host NULLS FIRST%s%s%s SETTINGS join_use_nulls = 1",
		  by_rec ? ch_f(&x->rc) : "", ch_f(&x->pf), ch_f(&x->cf), ch_f(&x->win),
		  /* per host, or with --by recording per recording */
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
	int err;

	if (!rs)
		return -ENOMEM;
	hist_cols(rs);
	/* k = floor(log2(d)), corrected where the float's log2 rounds across a power */
	err = ch_q(x, &r, "SELECT name, any(total) AS t, any(calls) AS c, k, count() FROM"
		  " (SELECT name, d, total, calls, toInt64(floor(log2(greatest(d, 1)))) AS k0,"
		  "  if(d <= 1, 0, least(%d, k0 - (bitShiftLeft(toInt64(1), k0) > d)"
		  "   + (bitShiftLeft(toInt64(1), k0 + 1) <= d))) AS k FROM"
		  "  (SELECT * FROM"
		  "   (SELECT rec_id, assumeNotNull(sys_id) AS sys_id,"
		  "    least(greatest(ifNull(dur_ns, 0), 0), %lld) AS d FROM events$"
		  "    WHERE rec_id IN # AND sys_id IS NOT NULL%s%s%s)"
		  "   ANY INNER JOIN (SELECT rec_id, sys_id, name FROM syscalls$"
		  "    WHERE rec_id IN #) USING (rec_id, sys_id))"
		  "  ANY INNER JOIN (SELECT name, sum(d) AS total, count() AS calls FROM"
		  "   (SELECT rec_id, assumeNotNull(sys_id) AS sys_id,"
		  "    least(greatest(ifNull(dur_ns, 0), 0), %lld) AS d FROM events$"
		  "    WHERE rec_id IN # AND sys_id IS NOT NULL%s%s%s)"
		  "   ANY INNER JOIN (SELECT rec_id, sys_id, name FROM syscalls$"
		  "    WHERE rec_id IN #) USING (rec_id, sys_id) GROUP BY name) USING (name))"
		  " GROUP BY name, k ORDER BY t DESC, c DESC, name, k",
		  SR_HIST_BUCKETS - 1, (long long)SR_DUR_MAX, ch_f(&x->pf), ch_f(&x->cf),
		  ch_f(&x->nw), (long long)SR_DUR_MAX, ch_f(&x->pf), ch_f(&x->cf), ch_f(&x->nw));
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
