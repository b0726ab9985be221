// SPDX-License-Identifier: GPL-2.0-only
/*
 * reorder.c - merge the per-CPU perf buffers into one time order.
 *
 * Each CPU's buffer is in time order already; across CPUs a record can
 * arrive while an older one is still in flight on another CPU.  The recorder
 * releases only records older than "now minus a window", so everything that
 * was in flight has landed by then (docs/FORMAT.md states the window).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

struct ent {
	uint64_t ts;
	uint64_t seq;		/* arrival order breaks ties: stable */
	uint32_t off;
	uint32_t size;
};

struct sr_reorder {
	uint8_t *buf;		/* records back to back, each 8-aligned */
	size_t len, cap;
	struct ent *ents;
	size_t n, ncap;
	uint64_t seq;
	uint64_t released_ts;	/* highest ts handed out */
	uint64_t late;
};

struct sr_reorder *sr_reorder__new(void)
{
	return calloc(1, sizeof(struct sr_reorder));
}

int sr_reorder__push(struct sr_reorder *r, const struct sr_event *ev)
{
	size_t size = ev->size;

	if (size < sizeof(*ev) || size % 8)
		return -EINVAL;
	if (r->len + size > r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1 << 20;
		void *p;

		while (cap < r->len + size)
			cap *= 2;
		if (cap > UINT32_MAX)
			return -ENOMEM;
		p = realloc(r->buf, cap);
		if (!p)
			return -ENOMEM;
		r->buf = p;
		r->cap = cap;
	}
	if (r->n == r->ncap) {
		size_t ncap = r->ncap ? r->ncap * 2 : 16384;
		void *p = realloc(r->ents, ncap * sizeof(*r->ents));

		if (!p)
			return -ENOMEM;
		r->ents = p;
		r->ncap = ncap;
	}
	memcpy(r->buf + r->len, ev, size);
	r->ents[r->n++] = (struct ent){ ev->ts, r->seq++, (uint32_t)r->len, (uint32_t)size };
	r->len += size;
	if (ev->ts < r->released_ts)
		r->late++;
	return 0;
}

static int ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int sr_reorder__release(struct sr_reorder *r, uint64_t horizon, sr_release_fn fn, void *ctx)
{
	size_t i, keep, len = 0;
	int err = 0;

	if (!r->n)
		return 0;
	qsort(r->ents, r->n, sizeof(*r->ents), ent_cmp);
	for (i = 0; i < r->n && r->ents[i].ts <= horizon; i++) {
		const struct sr_event *ev = (const void *)(r->buf + r->ents[i].off);

		err = fn(ctx, ev);
		if (err) {
			i++;
			break;
		}
		if (ev->ts > r->released_ts)
			r->released_ts = ev->ts;
	}
	/* Compact what is kept to the front, in its new (sorted) order. */
	keep = r->n - i;
	if (keep) {
		uint8_t *nb = malloc(r->cap);

		if (!nb)
			return err ? err : -ENOMEM;
		for (size_t j = 0; j < keep; j++) {
			struct ent *e = &r->ents[i + j];

			memcpy(nb + len, r->buf + e->off, e->size);
			e->off = (uint32_t)len;
			len += e->size;
			r->ents[j] = *e;
		}
		free(r->buf);
		r->buf = nb;
	}
	r->n = keep;
	r->len = len;
	return err;
}

uint64_t sr_reorder__late(const struct sr_reorder *r)
{
	return r->late;
}

size_t sr_reorder__held(const struct sr_reorder *r, size_t *bytes)
{
	if (bytes)
		*bytes = r->len;
	return r->n;
}

void sr_reorder__free(struct sr_reorder *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r->ents);
	free(r);
}
