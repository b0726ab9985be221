// SPDX-License-Identifier: GPL-2.0-only
/*
 * clickhouse_timeline.c - --timeline of analyze --clickhouse, as
 * report_timeline.c prints it.  With no window and an --interval of whole
 * 10 ms, table tl's buckets summed per recording answer; over a window, or
 * with another --interval, the events do: each call spread over the
 * buckets it spans by tl_ev()'s rule, in ClickHouse SQL.  Either way the
 * buckets go through the SQLite path's accumulator (timeline_from_tl()),
 * so the rows, the gaps and --limit are its own.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/event.h"
#include "sysrec/util.h"
#include "clickhouse_report.h"

/* What a recording is on the timeline, in the order of x->live. */
struct tl_rec {
	int64_t start, off, shift;
	int has_off;
};

/*
 * The events' buckets of @iv ns (tl_ev() of report_timeline.c): per
 * recording (its place, 1..) and bucket, the events that ended in it and
 * their bytes, the time of the calls that begin or end in it, and the
 * change of the calls running from it on.  A call runs from its start, or
 * the window's (clip), to its end, or the window's (whi); the events read
 * are from the window's start, or the processes' first, on, and with
 * --until past its end too, for the calls still running there.
 */
static int ev_buckets(struct chctx *x, struct sr_chres *r, int64_t iv, const struct tl_rec *t)
{
	const struct sr_an_opts *o = x->c.o;
	int64_t *v[6];
	struct sr_chbuf e[6] = { { 0 } };	/* st, sh, clip, whi, lo, hi */
	int err = 0;

	for (int j = 0; j < 6; j++)
		v[j] = calloc(x->nrecs + 1, sizeof(*v[j]));
	for (int j = 0; j < 6; j++)
		if (!v[j])
			err = -ENOMEM;
	for (size_t k = 0; k < x->nrecs && !err; k++) {
		int64_t st = t[k].start, tlo = o->has_since ? sat_add(st, o->since_ns) : INT64_MIN;
		int64_t thi = o->has_until ? sat_add(st, o->until_ns) : INT64_MAX;

		v[0][k] = st;
		v[1][k] = t[k].shift;
		v[2][k] = tlo > st ? tlo : st;
		v[3][k] = thi;
		/* scan_events() from the window's start cut to the processes' lives (narrow_scans) */
		v[4][k] = x->plo && x->plo[k] > tlo ? x->plo[k] : tlo;
		v[5][k] = o->has_until ? INT64_MAX : x->phi && x->phi[k] < thi ? x->phi[k] : thi;
	}
	for (int j = 0; j < 6 && !err; j++) {
		ch_per_rec(x, &e[j], v[j]);
		if (!sr_chbuf__cstr(&e[j]))
			err = -ENOMEM;
	}
	/*
	 * A change of rate @d at rel (report_timeline.c's tl_rate()): at the
	 * start of a bucket a change there; else the rest of its bucket's time
	 * there and the change in the next.  Each event gives its end (in the
	 * window) and, when it took time, its two changes: five tuples of
	 * (bucket, events, read bytes, written bytes, ns, rate), summed.
	 */
	if (!err)
		err = ch_q(x, r, "SELECT k, t.1 AS b, b * %lld, sum(t.2), sum(t.3), sum(t.4), sum(t.5),"
			   " sum(t.6)"
			   " FROM (SELECT %s AS k, arrayJoin(["
			   "  (fe, toInt64(inw), rb, wb, toInt64(0), toInt64(0)),"
			   "  (fs, toInt64(0), toInt64(0), toInt64(0),"
			   "   if(d > 0 AND os > 0, %lld - os, toInt64(0)), toInt64(d > 0 AND os = 0)),"
			   "  (fs + 1, toInt64(0), toInt64(0), toInt64(0), toInt64(0),"
			   "   toInt64(d > 0 AND os > 0)),"
			   "  (fe, toInt64(0), toInt64(0), toInt64(0),"
			   "   if(d > 0 AND oe > 0, oe - %lld, toInt64(0)), -toInt64(d > 0 AND oe = 0)),"
			   "  (fe + 1, toInt64(0), toInt64(0), toInt64(0), toInt64(0),"
			   "   -toInt64(d > 0 AND oe > 0))]) AS t FROM"
			   " (SELECT rec_id, inw, d, rb, wb,"
			   "  toInt64(intDiv(er, %lld) - (er %% %lld < 0)) AS fe, er - fe * %lld AS oe,"
			   "  toInt64(intDiv(sr, %lld) - (sr %% %lld < 0)) AS fs, sr - fs * %lld AS os FROM"
			   "  (SELECT rec_id, d, toUInt8(ts < %s) AS inw,"
			   "   if(inw, ts, %s) - %s + %s AS er,"
			   "   greatest(ts - d, %s) - %s + %s AS sr,"
			   "   toInt64(if(inw AND type = %d AND rw = 1, n, 0)) AS rb,"
			   "   toInt64(if(inw AND type = %d AND rw = 2, n, 0)) AS wb FROM"
			   "   (SELECT rec_id, ts, type, least(greatest(ifNull(dur_ns, 0), 0), %lld) AS d,"
			   "    least(greatest(ifNull(ret, 0), 0), %lld) AS n, ifNull(sys_id, -1) AS sys"
			   "    FROM events$ WHERE rec_id IN #%s%s AND ts >= %s AND ts < %s"
			   "    AND (ts < %s OR (d > 0 AND ts - d < %s)))"
			   "   ANY LEFT JOIN (SELECT rec_id, sys_id AS sys, rw FROM syscalls$"
			   "    WHERE rec_id IN #) USING (rec_id, sys))))"
			   " GROUP BY k, b",
			   (long long)iv, x->ord.p, (long long)iv, (long long)iv,
			   (long long)iv, (long long)iv, (long long)iv,
			   (long long)iv, (long long)iv, (long long)iv,
			   e[3].p, e[3].p, e[0].p, e[1].p, e[2].p, e[0].p, e[1].p,
			   SR_EV_RW, SR_EV_RW, (long long)SR_DUR_MAX, (long long)SR_RW_MAX,
			   ch_f(&x->pf), ch_f(&x->cf), e[4].p, e[5].p, e[3].p, e[3].p);
	for (int j = 0; j < 6; j++) {
		free(v[j]);
		sr_chbuf__free(&e[j]);
	}
	return err;
}

/* Table tl's 10 ms buckets summed per recording (its place, 1..) and bucket, as ev_buckets(). */
static int tl_buckets(struct chctx *x, struct sr_chres *r)
{
	return ch_q(x, r, "SELECT %s AS k, bucket, bucket * %lld, sum(events), sum(read_bytes),"
		    " sum(write_bytes), sum(sys_ns), sum(sys_rate) FROM tl$ WHERE rec_id IN #%s%s"
		    " GROUP BY k, bucket", x->ord.p, (long long)SR_TL_NS, ch_f(&x->pf),
		    ch_f(&x->cf));
}

/*
 * The rows of @r (recording, bucket, rel, figures) into @v as parts: one of them
 * all, or with --by recording one per recording in the order of live.
 * @shift: add each recording's shift to rel (tl's rows; the events' have it).
 */
static int make_parts(struct chctx *x, const struct sr_chres *r, const struct tl_rec *t,
		      const struct tl_start *at, int shift, struct tl_row *v, struct tl_part *p)
{
	int by_rec = x->c.o->by == SR_BY_RECORDING;
	size_t *at_k = calloc(x->nrecs + 2, sizeof(*at_k));

	if (!at_k)
		return -ENOMEM;
	/* where each recording's rows begin in @v: counted, then summed up */
	for (size_t i = 0; i < r->nrows; i++) {
		int64_t k = sr_chres__int(r, i, 0);

		if (k >= 1 && (size_t)k <= x->nrecs)
			at_k[by_rec ? k : 1]++;
	}
	for (size_t k = 1; k <= x->nrecs + 1; k++)
		at_k[k] += at_k[k - 1];
	for (size_t k = 0; k < (by_rec ? x->nrecs : 1); k++) {
		p[k] = (struct tl_part){ .at = *at, .v = v + at_k[k], .n = at_k[k + 1] - at_k[k] };
		if (by_rec) {
			p[k].at.start = t[k].start;
			p[k].at.has_off = t[k].has_off;
			p[k].at.off = t[k].off;
			p[k].label = x->label[k];
			p[k].rec_id = x->rid[k];
			p[k].host = x->rhost[k];
		}
	}
	for (size_t i = 0; i < r->nrows; i++) {
		int64_t k = sr_chres__int(r, i, 0);
		size_t j;

		if (k < 1 || (size_t)k > x->nrecs)
			continue;
		j = at_k[by_rec ? k - 1 : 0]++;
		v[j] = (struct tl_row){ sat_add(sr_chres__int(r, i, 2), shift ? t[k - 1].shift : 0),
					sr_chres__int(r, i, 3), sr_chres__int(r, i, 4),
					sr_chres__int(r, i, 5), sr_chres__int(r, i, 6),
					sr_chres__int(r, i, 7) };
	}
	free(at_k);
	return 0;
}

int ch_timeline(struct chctx *x)
{
	const struct sr_an_opts *o = x->c.o;
	int by_rec = o->by == SR_BY_RECORDING;
	struct sr_rs *rs = rep_rs(&x->c, SR_REP_TIMELINE, o->by);
	struct sr_chres r = { 0 }, e = { 0 }, f = { 0 };
	struct tl_start at = { 0 };
	struct tl_part *p = NULL;
	struct tl_row *v = NULL;
	struct tl_rec *t = NULL;
	int err, events;
	char hbuf[32];

	if (!rs)
		return -ENOMEM;
	/*
	 * The longest recording; every recording's start and clock: two
	 * queries, as 18.16 loses a scalar subquery of a query over a
	 * Distributed table.
	 */
	err = ch_q(x, &e, "SELECT ifNull(max(stop_ns - start_ns), 0) FROM recordings$"
		   " WHERE rec_id IN #");
	if (!err)
		err = ch_q(x, &f, "SELECT rec_id, start_ns, clock_offset_ns FROM recordings$"
			   " WHERE rec_id IN #");
	if (!err && e.nrows != 1)
		err = -EPROTO;
	t = calloc(x->nrecs + 1, sizeof(*t));
	p = calloc(x->nrecs + 1, sizeof(*p));
	if (!err && (!t || !p))
		err = -ENOMEM;
	if (err)
		goto out;
	for (size_t k = 0; k < x->nrecs; k++)
		for (size_t i = 0; i < f.nrows; i++)
			if (strtoull(sr_chres__at(&f, i, 0), NULL, 10) == x->live[k])
				t[k] = (struct tl_rec){ .start = sr_chres__int(&f, i, 1),
							.has_off = sr_chres__at(&f, i, 2) != NULL,
							.off = sr_chres__int(&f, i, 2) };
	/* times from the first recording's start (the first export's first) */
	at.start = t[0].start;
	at.has_off = t[0].has_off;
	at.off = t[0].off;
	at.iv = o->interval_ns ? (int64_t)o->interval_ns :
		timeline_interval(o, sr_chres__int(&e, 0, 0));
	if (!o->interval_ns)
		fprintf(x->c.hdr, "# bucket: %s (about 100 over the recording; --interval sets it)\n",
			sr_human_dur((uint64_t)at.iv, hbuf, sizeof(hbuf)));
	/*
	 * rec_shift(): --time abs places a recording with a clock by it, from
	 * the first's; --by recording, each from its own start.
	 */
	for (size_t k = 0; k < x->nrecs && o->time_abs && at.has_off && !by_rec; k++)
		if (t[k].has_off)
			t[k].shift = sat_add(sat_add(t[k].start, t[k].off),
					     -sat_add(at.start, at.off));
	/* report_timeline.c's timeline_rec(): table tl only where it is exact */
	events = o->has_since || o->has_until || at.iv % SR_TL_NS;
	err = events ? ev_buckets(x, &r, at.iv, t) : tl_buckets(x, &r);
	if (err)
		goto out;
	v = calloc(r.nrows + 1, sizeof(*v));
	if (!v) {
		err = -ENOMEM;
		goto out;
	}
	err = make_parts(x, &r, t, &at, !events, v, p);
	if (!err)
		err = timeline_from_tl(&x->c, rs, p, by_rec ? x->nrecs : 1);
out:
	free(p);
	free(t);
	free(v);
	sr_chres__free(&f);
	sr_chres__free(&e);
	sr_chres__free(&r);
	sr_rs__free(rs);
	return err;
}
