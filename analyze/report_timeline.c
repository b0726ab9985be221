// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_timeline.c - --timeline: events and bytes per time bucket, and
 * the time inside syscalls there, a long call spread over the buckets it
 * spans.  Intervals of whole 10 ms read table tl, made at import, over
 * the whole recording or a window on whole 10 ms; others, and a window
 * that ends inside a 10 ms, read the events (tl cannot tell which of a 10
 * ms's calls ran before or after a point inside it).
 *
 * The time is kept as tl keeps it (struct an_tl): per bucket what it holds
 * of the calls that begin or end in it (ns), and how many calls run from
 * it on (rate, a change); a bucket's time is its ns plus the bucket's
 * length times the calls running through it.  So a call of an hour costs
 * two changes, not one row per bucket.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "report.h"

#define TIMELINE_FILL	100000		/* empty buckets a timeline fills in, in all */

struct tlacc {
	struct sr_map map;
	struct tlb {
		int64_t b, events, rb, wb;
		int64_t ns;	/* of the calls beginning or ending in it */
		int64_t rate;	/* calls running from it on: a change */
		int shown;	/* a row of its own: something is in it (set at the end) */
	} *v;
	size_t n, cap;
	int64_t iv;
	int64_t shift;		/* the recording being read: its start from the first's, on the wall clock */
	/* the events scanned: where a call's time may begin (the window's start) */
	int64_t clip_lo;
	/*
	 * The end of the window: events past it are read only for the time
	 * their calls ran in it (INT64_MAX: no --until).
	 */
	int64_t win_hi;
};

/* The bucket @b of the timeline: its index, or -ENOMEM. */
static int64_t tl_at(struct tlacc *a, int64_t b)
{
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
	return i;
}

static int tl_put(struct tlacc *a, int64_t rel, int64_t events, int64_t rb, int64_t wb,
		  int64_t ns)
{
	int64_t i = tl_at(a, sr_floor_div(rel, a->iv));

	if (i < 0)
		return (int)i;
	a->v[i].events += events;
	a->v[i].rb += rb;
	a->v[i].wb += wb;
	a->v[i].ns = sat_add(a->v[i].ns, ns);
	return 0;
}

/* @d calls running from @rel on: the rest of its bucket, then a change of rate. */
static int tl_rate(struct tlacc *a, int64_t rel, int64_t d)
{
	int64_t b = sr_floor_div(rel, a->iv);
	__int128 rest = (__int128)(b + 1) * a->iv - rel, ns = rest * d;
	int err = 0;
	int64_t i;

	/* from the start of a bucket: a change there, nothing of its own to show */
	if (rest == a->iv)
		b--;
	else
		err = tl_put(a, rel, 0, 0, 0, ns > INT64_MAX ? INT64_MAX :
			     ns < INT64_MIN ? INT64_MIN : (int64_t)ns);
	i = err ? err : tl_at(a, b + 1);

	if (i < 0)
		return (int)i;
	a->v[i].rate = sat_add(a->v[i].rate, d);
	return 0;
}

/*
 * An event read: its bytes and itself in its end's bucket (a call's bytes
 * are known to have moved only when it returns), its time [ts - dur, ts)
 * spread from where it began, or from the start of the window.
 */
static int tl_ev(struct rctx *c, const struct sev *e, void *ctx)
{
	int rw = sev_rw(c, e);
	int64_t bytes = sr_io_bytes(e->ret);
	struct tlacc *a = ctx;
	int64_t end = sat_add(sat_add(e->ts, -e->start), a->shift), s;
	int err = 0;

	s = sat_add(e->ts, -sr_clamp(e->dur, 0, SR_DUR_MAX));
	if (e->ts >= a->win_hi) {
		/* ended after the window: its time up to the window's end */
		if (e->dur <= 0 || s >= a->win_hi)
			return 0;
		end = sat_add(sat_add(a->win_hi, -e->start), a->shift);
	} else {
		err = tl_put(a, end, 1, rw == 1 ? bytes : 0, rw == 2 ? bytes : 0, 0);
	}
	if (err || e->dur <= 0)
		return err;
	if (s < a->clip_lo)
		s = a->clip_lo;
	err = tl_rate(a, sat_add(sat_add(s, -e->start), a->shift), 1);
	return err ? err : tl_rate(a, end, -1);
}

/* @a * @b, stopping at the ends of int64 */
static int64_t sat_mul(int64_t a, int64_t b)
{
	__int128 v = (__int128)a * b;

	return v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : (int64_t)v;
}

/* Where the rows go, and how many there are. */
struct tlout {
	struct rctx *c;
	struct sr_rs *rs;
	int64_t iv, start, off;
	int has_off;
	int64_t rows, fill;	/* rows, and of them rows of a gap */
	size_t skipped;		/* gaps left out */
	/* --by recording: the recording of the rows (its label, id and host) */
	const char *label, *rec_id, *host;
};

/* Bucket @b's row: @v its figures (NULL: a bucket of a gap), @ns its syscall time. */
static void tl_row(struct tlout *o, int64_t b, const struct tlb *v, int64_t ns)
{
	struct sr_rs *rs = o->rs;

	rs->more = o->c->limit && o->rows >= o->c->limit;
	if (rs->more)
		return;
	sr_rs__row(rs);
	if (o->label)
		sr_rs__str(rs, o->label);
	add_time(o->c, rs, 1, sr_sum(o->start, sat_mul(b, o->iv)), o->start, o->has_off, o->off);
	sr_rs__int(rs, v ? v->events : 0);
	sr_rs__int(rs, v ? v->rb : 0);
	sr_rs__int(rs, v ? v->wb : 0);
	sr_rs__int(rs, ns);
	if (o->label) {
		sr_rs__str(rs, o->rec_id);
		sr_rs__str(rs, o->host);
	}
	o->rows++;
	o->fill += !v;
}

static int cmp_tlb(const void *a, const void *b)
{
	const struct tlb *x = a, *y = b;

	return x->b < y->b ? -1 : x->b > y->b;
}

/*
 * Intervals that are whole multiples of 10 ms read table tl, over a window
 * whose ends are on whole 10 ms too; others read the events.
 */
static int timeline_rec(struct rctx *c, const struct rrec *r, struct tlacc *acc)
{
	struct qbuf q = { .n = 0 };
	int64_t running = 0;	/* calls running at the end of the rows read */
	sqlite3_stmt *st;
	struct win w;
	int err = 0;

	win_split(c->o, SR_TL_NS, &w);
	/* the calls' time within the recording, and the window */
	acc->clip_lo = r->ts_lo > r->start ? r->ts_lo : r->start;
	acc->win_hi = c->o->has_until ? r->ts_hi : INT64_MAX;
	/*
	 * A window's end inside a 10 ms: the events (a call that crosses that
	 * 10 ms's edge runs in the window for a part tl does not hold).  With
	 * --until, the calls still running at its end are read too.
	 */
	if (acc->iv % SR_TL_NS || w.all || w.head || w.tail)
		return scan_events(c, r, r->scan_lo, c->o->has_until ? INT64_MAX : r->scan_hi,
				   tl_ev, acc);
	if (c->o->has_since) {
		/* the calls running into the window: from its first whole 10 ms on */
		q_add(&q, "SELECT IFNULL(SUM(t.sys_rate), 0) FROM tl t"
		      " WHERE t.rec_id = ?1 AND t.bucket < ?2");
		q_filters(c, &q, "t");
		err = q_prepare(c, &q, &st);
		if (err)
			return err;
		sqlite3_bind_int64(st, 1, r->rec_id);
		sqlite3_bind_int64(st, 2, w.lo);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0)) {
			running = sqlite3_column_int64(st, 0);
			err = tl_rate(acc, sat_add(w.lo * SR_TL_NS, acc->shift), running);
		}
		sqlite3_finalize(st);
		if (err)
			return err;
		q = (struct qbuf){ .n = 0 };
	}
	q_add(&q, "SELECT t.bucket, SUM(t.events), SUM(t.read_bytes), SUM(t.write_bytes),"
	      " SUM(t.sys_ns), SUM(t.sys_rate)"
	      " FROM tl t WHERE t.rec_id = ?1 AND t.bucket >= ?2 AND t.bucket < ?3");
	q_filters(c, &q, "t");
	q_add(&q, " GROUP BY t.bucket");
	err = q_prepare(c, &q, &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, r->rec_id);
	sqlite3_bind_int64(st, 2, w.lo);
	sqlite3_bind_int64(st, 3, w.hi);
	while (!err && sqlite3_step(st) == SQLITE_ROW) {
		int64_t rel = sat_add(sqlite3_column_int64(st, 0) * SR_TL_NS, acc->shift);
		int64_t rate = sqlite3_column_int64(st, 5);

		err = tl_put(acc, rel, sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
			     sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4));
		/* a 10 ms bucket's change of rate holds from its start */
		if (!err && rate)
			err = tl_rate(acc, rel, rate);
		running = sat_add(running, rate);
	}
	sqlite3_finalize(st);
	/* --until on a whole 10 ms: the calls still running there end there */
	if (!err && running > 0 && c->o->has_until)
		err = tl_rate(acc, sat_add(w.hi * SR_TL_NS, acc->shift), -running);
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

static int64_t auto_interval(struct rctx *c)
{
	return timeline_interval(c->o, sr_an_query_int(c->db, "SELECT IFNULL(MAX(stop_ns"
						       " - start_ns), 0) FROM recordings", 0));
}

/*
 * --time abs: where recording @r starts on the wall clock, from where the
 * first starts (@start0 + @off0), so that each is placed by its own clock.
 * 0 when either has no clock: then it starts with the first.
 */
static int64_t rec_shift(struct rctx *c, const struct rrec *r, int has_off0, int64_t start0,
			 int64_t off0)
{
	sqlite3_stmt *st;
	int64_t shift = 0;

	if (!c->o->time_abs || !has_off0 ||
	    sr_an_prepare(c->db, "SELECT clock_offset_ns FROM recordings WHERE rec_id = ?", &st))
		return 0;
	sqlite3_bind_int64(st, 1, r->rec_id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		shift = sat_add(sat_add(r->start, sqlite3_column_int64(st, 0)),
				-sat_add(start0, off0));
	sqlite3_finalize(st);
	return shift;
}

/*
 * The rows of what @acc gathered: from the first bucket where something
 * happened or a call runs to the last (with --until, a call still running
 * at the end runs to the end of the window), up to --limit.  The buckets
 * between are rows too, of zeros but for the time of the calls running
 * through them, TIMELINE_FILL of them in all: past that, a gap is left out
 * whole, and a note says so.
 */
static void tl_rows(struct rctx *c, struct tlacc *acc, struct tlout *out)
{
	const struct sr_an_opts *o = c->o;
	struct sr_rs *rs = out->rs;
	int64_t first = 0, last = -1, rate = 0;
	size_t i = 0;
	int have = 0;

	if (acc->n)	/* an empty window has no array: qsort(NULL) is undefined */
		qsort(acc->v, acc->n, sizeof(*acc->v), cmp_tlb);
	/*
	 * A bucket has a row of its own when something is left in it (pieces
	 * of calls may cancel out); one where changes of rate cancel out is none.
	 */
	for (size_t k = 0; k < acc->n; k++) {
		struct tlb *v = &acc->v[k];

		v->shown = v->events || v->rb || v->wb || v->ns;
		if (v->shown || v->rate)
			acc->v[i++] = *v;
	}
	acc->n = i;
	i = 0;
	for (size_t k = 0; k < acc->n; k++) {
		/* calls ran up to this bucket, and on through it, or it has a row */
		if (have && rate > 0)
			last = acc->v[k].b - 1;
		rate = sat_add(rate, acc->v[k].rate);
		if (!acc->v[k].shown && rate <= 0)
			continue;
		if (!have)
			first = acc->v[k].b;
		last = acc->v[k].b;
		have = 1;
	}
	if (have && rate > 0 && o->has_until && o->until_ns > 0 &&
	    sr_floor_div(o->until_ns - 1, acc->iv) > last)
		last = sr_floor_div(o->until_ns - 1, acc->iv);
	rate = 0;
	while (i < acc->n && acc->v[i].b < first)
		rate = sat_add(rate, acc->v[i++].rate);	/* calls running into the first row */
	for (int64_t g = first; have && g <= last && !rs->more;) {
		int64_t next = i < acc->n && acc->v[i].b <= last ? acc->v[i].b : last + 1;

		rs->more = c->limit && out->rows >= c->limit;
		if (rs->more)
			break;		/* the output ends before this bucket and its gap */

		if (next == g) {
			const struct tlb *v = &acc->v[i++];

			rate = sat_add(rate, v->rate);
			tl_row(out, g++, v->shown ? v : NULL, sat_add(v->ns, sat_mul(acc->iv, rate)));
			continue;
		}
		if (out->fill + (next - g) > TIMELINE_FILL) {
			out->skipped++;
			g = next;
			continue;
		}
		for (; g < next && !rs->more; g++)
			tl_row(out, g, NULL, sat_mul(acc->iv, rate));
	}
}

/*
 * --by recording: each recording's rows in turn, its times from its own
 * start (or on its own wall clock), in the order they were imported.
 */
static int timeline_by_rec(struct rctx *c, struct tlacc *acc, struct tlout *out)
{
	sqlite3_stmt *st;
	int err = 0;

	if (sr_an_prepare(c->db, "SELECT r.start_ns, r.clock_offset_ns, l.label, r.recording_id,"
			  " r.host FROM recordings r JOIN temp.rlab l ON l.rec_id = r.rec_id"
			  " WHERE r.rec_id = ?", &st))
		return -EIO;
	for (size_t k = 0; k < c->nrecs && !err && !out->rs->more; k++) {
		sqlite3_bind_int64(st, 1, c->recs[k].rec_id);
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_reset(st);
			continue;
		}
		out->start = sqlite3_column_int64(st, 0);
		out->has_off = sqlite3_column_type(st, 1) != SQLITE_NULL;
		out->off = sqlite3_column_int64(st, 1);
		out->label = (const char *)sqlite3_column_text(st, 2);
		out->rec_id = (const char *)sqlite3_column_text(st, 3);
		out->host = (const char *)sqlite3_column_text(st, 4);
		sr_map__clear(&acc->map);
		acc->n = 0;
		acc->shift = 0;
		err = timeline_rec(c, &c->recs[k], acc);
		if (!err)
			tl_rows(c, acc, out);	/* copies the strings before the reset */
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return err;
}

int report_timeline(struct rctx *c)
{
	const struct sr_an_opts *o = c->o;
	struct tlacc acc = { .iv = o->interval_ns ? (int64_t)o->interval_ns : auto_interval(c) };
	int64_t start = 0, off = 0;
	struct sr_rs *rs = rep_rs(c, SR_REP_TIMELINE, o->by);
	struct tlout out = { .c = c, .rs = rs, .iv = acc.iv };
	sqlite3_stmt *st;
	int err = 0, has_off = 0;
	char hbuf[32];

	if (!rs)
		return -ENOMEM;
	if (!o->interval_ns)
		fprintf(c->hdr, "# bucket: %s (about 100 over the recording; --interval sets it)\n",
			sr_human_dur((uint64_t)acc.iv, hbuf, sizeof(hbuf)));
	if (o->by == SR_BY_RECORDING) {
		err = timeline_by_rec(c, &acc, &out);
		goto rows;
	}
	/*
	 * Times are from the start of each recording; with --time abs each
	 * recording is placed by its own clock on the first's.
	 */
	if (sr_an_prepare(c->db, "SELECT start_ns, clock_offset_ns FROM recordings"
			  " ORDER BY rec_id LIMIT 1", &st) == 0) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			start = sqlite3_column_int64(st, 0);
			has_off = sqlite3_column_type(st, 1) != SQLITE_NULL;
			off = sqlite3_column_int64(st, 1);
		}
		sqlite3_finalize(st);
	}
	out.start = start;
	out.has_off = has_off;
	out.off = off;
	for (size_t k = 0; k < c->nrecs && !err; k++) {
		acc.shift = rec_shift(c, &c->recs[k], has_off, start, off);
		err = timeline_rec(c, &c->recs[k], &acc);
	}
	if (!err)
		tl_rows(c, &acc, &out);
rows:
	if (err)
		goto out;
	if (out.skipped)
		fprintf(c->hdr, "# %zu gap%s of empty buckets left out (past %d rows of zeros)\n",
			out.skipped, out.skipped == 1 ? "" : "s", TIMELINE_FILL);
	err = print_rs(c, rs);
out:
	sr_map__clear(&acc.map);
	free(acc.v);
	sr_rs__free(rs);
	return err;
}

int timeline_from_tl(struct rctx *c, struct sr_rs *rs, const struct tl_part *p, size_t n)
{
	struct tlout out = { .c = c, .rs = rs };
	struct tlacc acc = { .win_hi = INT64_MAX };
	int err = 0;

	/* as timeline_by_rec(): each part from a fresh start, the rows counted over all */
	for (size_t k = 0; k < n && !err && !rs->more; k++) {
		sr_map__clear(&acc.map);
		acc.n = 0;
		acc.iv = out.iv = p[k].at.iv;
		out.start = p[k].at.start;
		out.has_off = p[k].at.has_off;
		out.off = p[k].at.off;
		out.label = p[k].label;
		out.rec_id = p[k].rec_id;
		out.host = p[k].host;
		/* as timeline_rec() reads tl: a 10 ms bucket's change of rate holds from its start */
		for (size_t i = 0; i < p[k].n && !err; i++) {
			const struct tl_row *v = &p[k].v[i];

			err = tl_put(&acc, v->rel, v->events, v->rb, v->wb, v->ns);
			if (!err && v->rate)
				err = tl_rate(&acc, v->rel, v->rate);
		}
		if (!err)
			tl_rows(c, &acc, &out);
	}
	if (!err) {
		if (out.skipped)
			fprintf(c->hdr, "# %zu gap%s of empty buckets left out (past %d rows of zeros)\n",
				out.skipped, out.skipped == 1 ? "" : "s", TIMELINE_FILL);
		err = print_rs(c, rs);
	}
	sr_map__clear(&acc.map);
	free(acc.v);
	return err;
}

/* timeline_rec(): tl, but the events for odd intervals and windows inside a 10 ms */
int timeline_needs_rows(sqlite3 *db, const struct sr_an_opts *o)
{
	struct win w;

	(void)db;
	win_split(o, SR_TL_NS, &w);
	return o->interval_ns % SR_TL_NS || w.all || w.head || w.tail;
}
