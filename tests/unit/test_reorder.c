// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_reorder.c - the recorder's merge of per-CPU streams: released records
 * come out in (ts, arrival) order, each exactly once, whatever the horizons.
 */
#define TAP_PREFIX "reorder"
#include "tap.h"

#include <stdlib.h>

#include "../../record/reorder.c"

struct out {
	uint64_t n, last_ts, last_seq, bad, sum;
};

static int take(void *ctx, const struct sr_event *ev)
{
	struct out *o = ctx;

	if (o->n && (ev->ts < o->last_ts || (ev->ts == o->last_ts && ev->pid < o->last_seq)))
		o->bad++;
	o->last_ts = ev->ts;
	o->last_seq = ev->pid;
	o->sum += ev->tid;
	o->n++;
	return 0;
}

int main(void)
{
	struct sr_reorder *r = sr_reorder__new();
	struct out o = {};
	uint64_t t[2] = { 1000, 1000 }, want_sum = 0, pushed = 0, horizon = 0;
	uint64_t buf[16] = {};
	struct sr_event *ev = (void *)buf;

	srand(7);
	/* two CPUs, each in time order, read in bursts of random length */
	for (int round = 0; round < 2000; round++) {
		for (int cpu = 0; cpu < 2; cpu++) {
			int burst = rand() % 50;

			for (int k = 0; k < burst; k++) {
				t[cpu] += rand() % 5;	/* equal times happen */
				ev->type = SR_EV_LOST;
				ev->size = 8 * (7 + rand() % 9);
				ev->ts = t[cpu];
				ev->pid = (uint32_t)pushed;	/* arrival order */
				ev->tid = rand() % 1000;
				want_sum += ev->tid;
				pushed++;
				if (sr_reorder__push(r, ev))
					return 1;
			}
		}
		/* what both CPUs have certainly passed */
		horizon = (t[0] < t[1] ? t[0] : t[1]);
		sr_reorder__release(r, horizon > 20 ? horizon - 20 : 0, take, &o);
	}
	ok(o.n < pushed, "records newer than the horizon are held (%llu of %llu out)",
	   (unsigned long long)o.n, (unsigned long long)pushed);
	sr_reorder__release(r, UINT64_MAX, take, &o);
	ok_eq(o.n, pushed, "every record released exactly once");
	ok_eq(o.sum, want_sum, "every record's payload intact");
	ok_eq(o.bad, 0, "released in (ts, arrival) order across releases");
	ok_eq(sr_reorder__late(r), 0, "none late");
	ok_eq(sr_reorder__held(r, NULL), 0, "nothing held after the final release");

	/* a burst grows the buffers; once released they are given back */
	for (int k = 0; k < 200000; k++) {
		ev->size = 64;
		ev->ts = (t[0] > t[1] ? t[0] : t[1]) + 100 + k;
		ev->tid = 1;
		if (sr_reorder__push(r, ev))
			return 1;
	}
	ok(r->cap >= (8u << 20), "a burst of 200000 records grows the buffer (%zu)", r->cap);
	o.n = 0;
	o.sum = 0;
	sr_reorder__release(r, UINT64_MAX, take, &o);
	ok_eq(o.n, 200000, "the burst released whole");
	ok(r->cap <= (1u << 20), "and the buffers shrink back (%zu)", r->cap);
	o.n = 0;

	/*
	 * A burst after which much is still held: the capacity stays, but the
	 * pages written beyond twice what is held are given back, and what is
	 * held survives intact.
	 */
	{
		uint64_t base = (t[0] > t[1] ? t[0] : t[1]) + 1000000;

		for (int k = 0; k < 300000; k++) {
			ev->size = 64;
			ev->ts = base + k;
			ev->tid = (uint32_t)k;
			if (sr_reorder__push(r, ev))
				return 1;
		}
		o.n = 0;
		o.sum = 0;
		o.bad = 0;
		sr_reorder__release(r, base + 300000 - 50000 - 1, take, &o);
		ok_eq(o.n, 250000, "a burst of 300000: 250000 released");
		ok(r->cap >= (16u << 20) && r->len == 50000 * 64,
		   "50000 held (%zu bytes), the capacity kept (%zu)", r->len, r->cap);
		ok(r->buf_hw <= 2 * r->len + (1u << 20) && r->spare_hw <= 2 * r->len + (1u << 20),
		   "the pages beyond twice that are given back (%zu, %zu written)", r->buf_hw,
		   r->spare_hw);
		ok(r->n_hw <= 2 * r->n + (1u << 20) / 24, "and of the entries (%zu written, %zu held)",
		   r->n_hw, r->n);
		o.n = 0;
		o.sum = 0;
		sr_reorder__release(r, UINT64_MAX, take, &o);
		ok_eq(o.n, 50000, "the held records released");
		ok_eq(o.sum, (uint64_t)(250000 + 299999) * 50000 / 2, "intact");
		ok_eq(o.bad, 0, "in order");
		o.n = 0;
	}

	/* a record older than what was released is late, and still released */
	ev->size = 64;
	ev->ts = 5;
	ok_eq(sr_reorder__push(r, ev), 0, "a late record is accepted");
	ok_eq(sr_reorder__late(r), 1, "and counted late");
	o.n = 0;
	sr_reorder__release(r, UINT64_MAX, take, &o);
	ok_eq(o.n, 1, "and released");
	ev->size = 60;
	ok_eq(sr_reorder__push(r, ev), -EINVAL, "a size that is not a multiple of 8 is refused");
	ev->size = 8;
	ok_eq(sr_reorder__push(r, ev), -EINVAL, "a size below the header is refused");
	sr_reorder__free(r);
	sr_reorder__free(NULL);
	return tap_done();
}
