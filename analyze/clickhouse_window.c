// SPDX-License-Identifier: GPL-2.0-only
/*
 * clickhouse_window.c - --since and --until of analyze --clickhouse, as the
 * SQLite path has them (report_filter.c, report_events.c): each
 * recording's window [start + since, start + until), the processes alive in
 * it, and the I/O source of a window: the whole seconds of agg inside it
 * plus the events of the partial seconds at its ends, summed as agg sums
 * them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/event.h"
#include "sysrec/util.h"
#include "clickhouse_report.h"

void ch_transform_live(struct chctx *x, struct sr_chbuf *b)
{
	char num[64];

	sr_chbuf__puts(b, "transform(rec_id, [");
	for (size_t k = 0; k < x->nrecs; k++) {
		snprintf(num, sizeof(num), "%stoUInt64('%" PRIu64 "')", k ? ", " : "", x->live[k]);
		sr_chbuf__puts(b, num);
	}
	sr_chbuf__puts(b, "], [");
}

/* " transform(rec_id, [ids], [v], toInt64(0))" of one value per recording (clickhouse_report.h) */
void ch_per_rec(struct chctx *x, struct sr_chbuf *b, const int64_t *v)
{
	char num[64];

	ch_transform_live(x, b);
	for (size_t k = 0; k < x->nrecs; k++) {
		snprintf(num, sizeof(num), "%stoInt64('%" PRId64 "')", k ? ", " : "", v[k]);
		sr_chbuf__puts(b, num);
	}
	sr_chbuf__puts(b, "], toInt64(0))");
}

int ch_edges(struct chctx *x, int64_t unit, const struct win *w, struct sr_chbuf *b)
{
	int64_t *elo = calloc(x->nrecs + 1, sizeof(*elo));
	int64_t *ehi = calloc(x->nrecs + 1, sizeof(*ehi));

	if (!elo || !ehi) {
		free(elo);
		free(ehi);
		return -ENOMEM;
	}
	/* only the ends there are: an open one is far past what a product holds */
	for (size_t k = 0; k < x->nrecs; k++) {
		elo[k] = w->head ? sat_add(x->start[k], w->lo * unit) : 0;
		ehi[k] = w->tail ? sat_add(x->start[k], w->hi * unit) : 0;
	}
	if (w->all) {
		sr_chbuf__puts(b, "");
	} else if (w->head || w->tail) {
		sr_chbuf__puts(b, " AND (0");
		if (w->head) {
			sr_chbuf__puts(b, " OR ts < ");
			ch_per_rec(x, b, elo);
		}
		if (w->tail) {
			sr_chbuf__puts(b, " OR ts >= ");
			ch_per_rec(x, b, ehi);
		}
		sr_chbuf__puts(b, ")");
	} else {
		sr_chbuf__puts(b, " AND 0");
	}
	free(elo);
	free(ehi);
	return sr_chbuf__cstr(b) ? 0 : -ENOMEM;
}

/* A wall-clock --since/--until made relative to the first recording, as wall_to_rel(). */
static int wall_to_rel(struct chctx *x, struct sr_an_opts *o)
{
	struct sr_chres r;
	int64_t start, off;
	int err, has_clock;

	if (!o->since_wall && !o->until_wall)
		return 0;
	err = ch_q(x, &r, "SELECT start_ns, clock_offset_ns FROM recordings$ WHERE rec_id IN #"
		   " ORDER BY exported_ns, first_event, rec_id LIMIT 1");
	if (err)
		return err;
	has_clock = r.nrows == 1 && sr_chres__at(&r, 0, 1);
	start = has_clock ? sr_chres__int(&r, 0, 0) : 0;
	off = has_clock ? sr_chres__int(&r, 0, 1) : 0;
	sr_chres__free(&r);
	return window_to_rel(o, has_clock, start, off);
}

int ch_window(struct chctx *x, struct sr_an_opts *o)
{
	int64_t *start = NULL, *lo = NULL, *hi = NULL;
	struct sr_chbuf e = { 0 };
	struct sr_chres r;
	struct win w;
	char num[512];
	int err;

	if (!o->has_since && !o->has_until)
		return 0;
	err = wall_to_rel(x, o);
	if (!err)
		err = ch_q(x, &r, "SELECT rec_id, start_ns FROM recordings$ WHERE rec_id IN #");
	if (err)
		return err;
	start = calloc(x->nrecs + 1, sizeof(*start));
	lo = calloc(x->nrecs + 1, sizeof(*lo));
	hi = calloc(x->nrecs + 1, sizeof(*hi));
	if (!start || !lo || !hi) {
		err = -ENOMEM;
		goto out;
	}
	win_split(o, SR_NS_PER_SEC, &w);
	for (size_t k = 0; k < x->nrecs; k++) {
		for (size_t i = 0; i < r.nrows; i++)
			if (strtoull(sr_chres__at(&r, i, 0), NULL, 10) == x->live[k])
				start[k] = sr_chres__int(&r, i, 1);
		lo[k] = o->has_since ? sat_add(start[k], o->since_ns) : INT64_MIN;
		hi[k] = o->has_until ? sat_add(start[k], o->until_ns) : INT64_MAX;
	}
	x->start = start;
	start = NULL;
	/* the events of the window */
	sr_chbuf__puts(&x->win, " AND ts >= ");
	ch_per_rec(x, &x->win, lo);
	sr_chbuf__puts(&x->win, " AND ts < ");
	ch_per_rec(x, &x->win, hi);
	/* the processes alive in it (q_proc_filters) */
	sr_chbuf__puts(&x->alive, " AND (start_ts IS NULL OR start_ts < ");
	ch_per_rec(x, &x->alive, hi);
	sr_chbuf__puts(&x->alive, ") AND (exit_ts IS NULL OR exit_ts >= ");
	ch_per_rec(x, &x->alive, lo);
	sr_chbuf__puts(&x->alive, ")");
	/* the overview's duration: greatest(least(stop, hi) - greatest(start, lo), 0) */
	sr_chbuf__puts(&x->dur, "greatest(least(stop_ns, ");
	ch_per_rec(x, &x->dur, hi);
	sr_chbuf__puts(&x->dur, ") - greatest(start_ns, ");
	ch_per_rec(x, &x->dur, lo);
	sr_chbuf__puts(&x->dur, "), 0)");
	if (!sr_chbuf__cstr(&x->dur)) {
		err = -ENOMEM;
		goto out;
	}
	x->lo = lo;
	x->hi = hi;
	lo = hi = NULL;
	/* which events are edges: the partial seconds at the ends, or all of a short window */
	err = ch_edges(x, SR_NS_PER_SEC, &w, &e);
	if (err)
		goto out;
	if (!sr_chbuf__cstr(&e) || !sr_chbuf__cstr(&x->win) || !sr_chbuf__cstr(&x->alive)) {
		err = -ENOMEM;
		goto out;
	}
	/*
	 * The source (setup_src): agg's whole seconds, and the edge events
	 * summed like agg rows (edge_add: a NULL process or cgroup is 0 there).
	 */
	sr_chbuf__puts(&x->src, "(SELECT rec_id, proc_id, cgroup_id, file_id, events, opens, reads,"
		       " read_bytes, writes, write_bytes FROM ");
	sr_chbuf__puts(&x->src, "agg");
	sr_chbuf__puts(&x->src, x->sfx);
	sr_chbuf__puts(&x->src, " WHERE rec_id IN ");
	sr_chbuf__add(&x->src, x->ids.p, x->ids.n);
	snprintf(num, sizeof(num), " AND bucket >= %" PRId64 " AND bucket < %" PRId64,
		 w.lo, w.hi);
	sr_chbuf__puts(&x->src, num);
	sr_chbuf__puts(&x->src, " UNION ALL SELECT rec_id, toNullable(p) AS proc_id,"
		       " toNullable(g) AS cgroup_id, file_id, toInt64(count()) AS events,"
		       " toInt64(countIf(type = ");
	snprintf(num, sizeof(num), "%d AND ret >= 0)) AS opens, toInt64(countIf(rw = 1 AND"
		 " ret >= 0)) AS reads, toInt64(sumIf(n, rw = 1 AND ret >= 0)) AS read_bytes,"
		 " toInt64(countIf(rw = 2 AND ret >= 0)) AS writes,", SR_EV_OPEN);
	sr_chbuf__puts(&x->src, num);
	sr_chbuf__puts(&x->src, " toInt64(sumIf(n, rw = 2 AND ret >= 0)) AS write_bytes FROM"
		       " (SELECT rec_id, ifNull(proc_id, 0) AS p, ifNull(cgroup_id, 0) AS g,"
		       " file_id, type, ret, n, if(type = ");
	snprintf(num, sizeof(num), "%d, rw, 0) AS rw FROM (SELECT rec_id, proc_id, cgroup_id,"
		 " file_id, type, ifNull(ret, 0) AS ret, least(greatest(ifNull(ret, 0), 0), %lld)"
		 " AS n, ifNull(sys_id, -1) AS sys FROM ", SR_EV_RW, (long long)SR_RW_MAX);
	sr_chbuf__puts(&x->src, num);
	sr_chbuf__puts(&x->src, "events");
	sr_chbuf__puts(&x->src, x->sfx);
	sr_chbuf__puts(&x->src, " WHERE rec_id IN ");
	sr_chbuf__add(&x->src, x->ids.p, x->ids.n);
	sr_chbuf__puts(&x->src, ch_f(&x->pf));
	sr_chbuf__puts(&x->src, ch_f(&x->cf));
	sr_chbuf__puts(&x->src, ch_f(&x->nw));
	sr_chbuf__puts(&x->src, x->win.p);
	sr_chbuf__puts(&x->src, e.p);
	sr_chbuf__puts(&x->src, ") ANY LEFT JOIN (SELECT rec_id, sys_id AS sys, rw FROM syscalls");
	sr_chbuf__puts(&x->src, x->sfx);
	sr_chbuf__puts(&x->src, " WHERE rec_id IN ");
	sr_chbuf__add(&x->src, x->ids.p, x->ids.n);
	sr_chbuf__puts(&x->src, ") USING (rec_id, sys)) GROUP BY rec_id, p, g, file_id)");
	/* the scans of events (syscalls, --hist, the timeline's) stay in the window too */
	sr_chbuf__puts(&x->nw, x->win.p);
	err = sr_chbuf__cstr(&x->src) && sr_chbuf__cstr(&x->nw) ? 0 : -ENOMEM;
	x->ftime = 1;
out:
	sr_chres__free(&r);
	sr_chbuf__free(&e);
	free(start);
	free(lo);
	free(hi);
	return err;
}

/*
 * --mem over the window (report_mem.c's window_mem): per process its
 * mmap, munmap and brk events in the window, failed ones left out, in
 * (ts, seq) order: the peak of mapped less unmapped, the first and last brk.
 */
int ch_window_mem(struct chctx *x, struct sr_rs *rs)
{
	struct sr_chres r;
	char l[32];
	int err;

	err = ch_q(x, &r, "SELECT pid, comm, mmaps, mapped, munmaps, unmapped, peak, brks,"
		   " bl - bf, host%s FROM (SELECT * FROM"
		   " (SELECT rec_id, proc_id, countIf(ok AND type = %d) AS mmaps,"
		   "  sumIf(ln, ok AND type = %d) AS mapped, countIf(ok AND type = %d) AS munmaps,"
		   "  sumIf(ln, ok AND type = %d) AS unmapped,"
		   "  countIf(ok AND type != %d AND type != %d) AS brks,"
		   "  arraySort(t -> (t.1, t.2), groupArray((ts, seq,"
		   "   if(ok AND type = %d, ln, if(ok AND type = %d, -ln, 0)),"
		   "   ok AND type != %d AND type != %d, r))) AS ev,"
		   "  greatest(0, arrayReduce('max', arrayCumSum(arrayMap(t -> t.3, ev)))) AS peak,"
		   "  arrayFilter(t -> t.4, ev) AS b,"
		   "  if(length(b) = 0, 0, b[1].5) AS bf, if(length(b) = 0, 0, b[-1].5) AS bl"
		   "  FROM (SELECT rec_id, proc_id, ts, seq, type, ifNull(ret, 0) AS r,"
		   "   NOT (r < 0 AND r >= -4095) AS ok,"
		   "   least(greatest(ifNull(len, 0), 0), %lld) AS ln FROM mem_ev$"
		   "   WHERE rec_id IN #%s%s%s)"
		   "  GROUP BY rec_id, proc_id)"
		   " ANY INNER JOIN (SELECT rec_id, proc_id, pid, comm FROM procs$"
		   "  WHERE rec_id IN #) USING (rec_id, proc_id))"
		   " ANY LEFT JOIN (SELECT rec_id, host, recording_id FROM recordings$"
		   "  WHERE rec_id IN #) USING (rec_id)"
		   " ORDER BY peak DESC, mapped DESC, pid, %s, proc_id%s", ch_f(&x->rc),
		   SR_EV_MMAP, SR_EV_MMAP, SR_EV_MUNMAP, SR_EV_MUNMAP, SR_EV_MMAP, SR_EV_MUNMAP,
		   SR_EV_MMAP, SR_EV_MUNMAP, SR_EV_MMAP, SR_EV_MUNMAP, (long long)SR_LEN_MAX,
		   ch_f(&x->pf), x->cf.n ? x->cfp.p : "", x->win.p, x->ord.p,
		   ch_lim(x, l, sizeof(l)));
	if (!err)
		ch_fill(x, rs, &r);
	sr_chres__free(&r);
	return err;
}
