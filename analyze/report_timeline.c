// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_timeline.c - --timeline: events and bytes per time bucket.
 * Intervals of whole 10 ms read table tl, made at import; others, and the
 * partial 10 ms at the ends of a window, read the events.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "report.h"

#define TIMELINE_FILL	100000		/* empty buckets a timeline fills in, in all */

struct tlacc {
	struct sr_map map;
	struct tlb *v;
	size_t n, cap;
	int64_t iv;
};

static int tl_put(struct tlacc *a, int64_t rel, int64_t events, int64_t rb, int64_t wb)
{
	int64_t b = sr_floor_div(rel, a->iv);
	uint32_t i = sr_map__get(&a->map, (uint64_t)b, 0, 0);

	if (i == UINT32_MAX) {
		if (sr_grow(&a->v, &a->cap, a->n + 1, sizeof(*a->v)))
			return -ENOMEM;
		i = (uint32_t)a->n;
		if (sr_map__set(&a->map, (uint64_t)b, 0, 0, i))
			return -ENOMEM;
		a->v[i] = (struct tlb){ .b = b };
		a->n++;
	}
	a->v[i].events += events;
	a->v[i].rb += rb;
	a->v[i].wb += wb;
	return 0;
}

static int tl_ev(struct rctx *c, const struct sev *e, void *ctx)
{
	int rw = sev_rw(c, e);
	int64_t bytes = sr_io_bytes(e->ret);

	return tl_put(ctx, sr_sum(e->ts, -e->start), 1, rw == 1 ? bytes : 0, rw == 2 ? bytes : 0);
}

static int cmp_tlb(const void *a, const void *b)
{
	const struct tlb *x = a, *y = b;

	return x->b < y->b ? -1 : x->b > y->b;
}

/*
 * Intervals that are whole multiples of 10 ms read table tl (and the events
 * of the partial 10 ms at the ends of a window); others read the events.
 */
static int timeline_rec(struct rctx *c, const struct rrec *r, struct tlacc *acc)
{
	struct qbuf q = { .n = 0 };
	sqlite3_stmt *st;
	struct win w;
	int err;

	win_split(c->o, SR_TL_NS, &w);
	if (acc->iv % SR_TL_NS || w.all)
		return scan_events(c, r, r->scan_lo, r->scan_hi, tl_ev, acc);
	q_add(&q, "SELECT t.bucket, SUM(t.events), SUM(t.read_bytes), SUM(t.write_bytes)"
	      " FROM tl t WHERE t.rec_id = ?1 AND t.bucket >= ?2 AND t.bucket < ?3");
	q_filters(c, &q, "t");
	q_add(&q, " GROUP BY t.bucket");
	err = q_prepare(c, &q, &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, r->rec_id);
	sqlite3_bind_int64(st, 2, w.lo);
	sqlite3_bind_int64(st, 3, w.hi);
	while (!err && sqlite3_step(st) == SQLITE_ROW)
		err = tl_put(acc, sqlite3_column_int64(st, 0) * SR_TL_NS,
			     sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
			     sqlite3_column_int64(st, 3));
	sqlite3_finalize(st);
	if (!err && w.head)
		err = scan_events(c, r, r->scan_lo, sat_add(r->start, w.lo * SR_TL_NS),
				  tl_ev, acc);
	if (!err && w.tail)
		err = scan_events(c, r, sat_add(r->start, w.hi * SR_TL_NS), r->scan_hi,
				  tl_ev, acc);
	return err;
}

/*
 * The default bucket: the first of a ladder of round steps that cuts the
 * longest recording into at most 100 (10 ms for a second, 1 s for a
 * minute, 1 min for an hour).  All are whole 10 ms: table tl serves them.
 */
int64_t timeline_interval(const struct sr_an_opts *o, int64_t len)
{
	static const int64_t ms = 1000000, steps[] = {
		10 * ms, 20 * ms, 50 * ms, 100 * ms, 200 * ms, 500 * ms,
		1000 * ms, 2000 * ms, 5000 * ms, 10000 * ms, 30000 * ms,
		60000 * ms, 120000 * ms, 300000 * ms, 600000 * ms, 1800000 * ms,
		3600000 * ms, 7200000 * ms, 21600000 * ms, 43200000 * ms, 86400000 * ms,
	};
	size_t i;

	if (o->has_since || o->has_until) {
		int64_t lo = o->has_since ? o->since_ns : 0;
		int64_t hi = o->has_until && o->until_ns < len ? o->until_ns : len;

		len = hi > lo ? hi - lo : 0;
	}
	for (i = 0; i < ARRAY_SIZE(steps) - 1; i++)
		if (len / steps[i] < 100)
			break;
	return steps[i];
}

int timeline_print(struct rctx *c, struct sr_rs *rs, struct tlb *v, size_t n, int64_t iv,
		   int64_t start, int has_off, int64_t off)
{
	int64_t rows = 0, fill = 0;
	size_t skipped = 0;

	if (n)	/* an empty window has no array: qsort(NULL) is undefined */
		qsort(v, n, sizeof(*v), cmp_tlb);
	/*
	 * Every busy bucket is a row (up to --limit).  The empty buckets
	 * between them are rows of zeros, TIMELINE_FILL of them in all: past
	 * that, a gap is left out whole, and a note says so.
	 */
	for (size_t i = 0; i < n && !rs->more; i++) {
		int64_t gap = i ? v[i].b - v[i - 1].b - 1 : 0;

		rs->more = c->limit && rows >= c->limit;
		if (rs->more)
			break;		/* the output ends before this bucket and its gap */
		if (gap > 0 && fill + gap > TIMELINE_FILL) {
			skipped++;
			gap = 0;
		}
		for (int64_t g = v[i].b - gap; g <= v[i].b; g++) {
			int busy = g == v[i].b;

			rs->more = c->limit && rows >= c->limit;
			if (rs->more)
				break;
			sr_rs__row(rs);
			add_time(c, rs, 1, sr_sum(start, g * iv), start, has_off, off);
			sr_rs__int(rs, busy ? v[i].events : 0);
			sr_rs__int(rs, busy ? v[i].rb : 0);
			sr_rs__int(rs, busy ? v[i].wb : 0);
			rows++;
			fill += !busy;
		}
	}
	if (skipped)
		fprintf(c->hdr, "# %zu gap%s of empty buckets left out (past %d rows of zeros)\n",
			skipped, skipped == 1 ? "" : "s", TIMELINE_FILL);
	return print_rs(c, rs);
}

int report_timeline(struct rctx *c)
{
	const struct sr_an_opts *o = c->o;
	struct tlacc acc = { .iv = o->interval_ns ? (int64_t)o->interval_ns :
			     timeline_interval(o, sr_an_query_int(c->db, "SELECT IFNULL(MAX(stop_ns"
							 " - start_ns), 0) FROM recordings", 0)) };
	int64_t start = 0, off = 0;
	struct sr_rs *rs = rep_rs(c, SR_REP_TIMELINE, 0);
	sqlite3_stmt *st;
	int err = 0, has_off = 0;
	char hbuf[32];

	if (!rs)
		return -ENOMEM;
	if (!o->interval_ns)
		fprintf(c->hdr, "# bucket: %s (about 100 over the recording; --interval sets it)\n",
			sr_human_dur((uint64_t)acc.iv, hbuf, sizeof(hbuf)));
	/* times are from the start of each recording; --time abs shows the first's clock */
	if (sr_an_prepare(c->db, "SELECT start_ns, clock_offset_ns FROM recordings"
			  " ORDER BY rec_id LIMIT 1", &st) == 0) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			start = sqlite3_column_int64(st, 0);
			has_off = sqlite3_column_type(st, 1) != SQLITE_NULL;
			off = sqlite3_column_int64(st, 1);
		}
		sqlite3_finalize(st);
	}
	for (size_t k = 0; k < c->nrecs && !err; k++)
		err = timeline_rec(c, &c->recs[k], &acc);
	if (err)
		goto out;
	err = timeline_print(c, rs, acc.v, acc.n, acc.iv, start, has_off, off);
out:
	sr_map__clear(&acc.map);
	free(acc.v);
	sr_rs__free(rs);
	return err;
}

/* timeline_rec(): tl, but the events for odd intervals and edges */
int timeline_needs_rows(sqlite3 *db, const struct sr_an_opts *o)
{
	struct win w;

	(void)db;
	win_split(o, SR_TL_NS, &w);
	return o->interval_ns % SR_TL_NS || w.all || w.head || w.tail;
}
