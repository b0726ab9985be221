// SPDX-License-Identifier: GPL-2.0-only
/*
 * reorder.c - merge the per-CPU perf buffers into one time order.
 *
 * Each CPU's buffer is in time order already; across CPUs a record can
 * arrive while an older one is still in flight on another CPU.  The recorder
 * releases only records older than "now minus a window", so everything that
 * was in flight has landed by then (docs/FORMAT.md states the window).
 *
 * Records held over from the last release are kept sorted; a release sorts
 * only what arrived since and merges the two runs.  Two record buffers are
 * swapped instead of allocating one per release, and what a burst wrote
 * beyond twice the bytes held afterwards is given back, so memory follows
 * the event rate and does not keep the high-water mark of its worst moment.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "record.h"

struct ent {
	uint64_t ts;
	uint64_t seq;		/* arrival order breaks ties: stable */
	uint32_t off;
	uint32_t size;
};

struct sr_reorder {
	uint8_t *buf;		/* records back to back, each 8-aligned */
	uint8_t *spare;		/* the other buffer, same capacity */
	size_t len, cap;
	size_t buf_hw, spare_hw;	/* bytes written since the last trim, each buffer */
	struct ent *ents;	/* [0, nsorted) sorted, [nsorted, n) as they came */
	struct ent *tmp;	/* merge space, same capacity */
	size_t n, nsorted, ncap;
	size_t n_hw;		/* entries written since the last trim, ents and tmp */
	uint64_t seq;
	uint64_t released_ts;	/* highest ts handed out */
	uint64_t late;
};

struct sr_reorder *sr_reorder__new(void)
{
	return calloc(1, sizeof(struct sr_reorder));
}

static int grow_buf(struct sr_reorder *r, size_t need)
{
	size_t cap = r->cap ? r->cap * 2 : 1 << 20;
	uint8_t *b, *s;

	while (cap < need)
		cap *= 2;
	if (cap > UINT32_MAX)
		return -ENOMEM;
	b = realloc(r->buf, cap);
	if (!b)
		return -ENOMEM;
	r->buf = b;
	s = realloc(r->spare, cap);
	if (!s)
		return -ENOMEM;
	r->spare = s;
	r->cap = cap;
	return 0;
}

static int grow_ents(struct sr_reorder *r)
{
	size_t ncap = r->ncap ? r->ncap * 2 : 16384;
	struct ent *e, *t;

	e = realloc(r->ents, ncap * sizeof(*e));
	if (!e)
		return -ENOMEM;
	r->ents = e;
	t = realloc(r->tmp, ncap * sizeof(*t));
	if (!t)
		return -ENOMEM;
	r->tmp = t;
	r->ncap = ncap;
	return 0;
}

int sr_reorder__push(struct sr_reorder *r, const struct sr_event *ev)
{
	size_t size = ev->size;

	if (size < sizeof(*ev) || size % 8)
		return -EINVAL;
	if (r->len + size > r->cap && grow_buf(r, r->len + size))
		return -ENOMEM;
	if (r->n == r->ncap && grow_ents(r))
		return -ENOMEM;
	memcpy(r->buf + r->len, ev, size);
	r->ents[r->n++] = (struct ent){ ev->ts, r->seq++, (uint32_t)r->len, (uint32_t)size };
	r->len += size;
	if (r->len > r->buf_hw)
		r->buf_hw = r->len;
	if (r->n > r->n_hw)
		r->n_hw = r->n;
	if (ev->ts < r->released_ts)
		r->late++;
	return 0;
}

static int ent_before(const struct ent *x, const struct ent *y)
{
	return x->ts < y->ts || (x->ts == y->ts && x->seq < y->seq);
}

static int ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	return ent_before(x, y) ? -1 : ent_before(y, x);
}

/* Sort the new arrivals and merge them with the sorted records held over. */
static void sort_all(struct sr_reorder *r)
{
	size_t i = 0, j = r->nsorted, k = 0;

	if (r->nsorted == r->n)
		return;
	qsort(r->ents + r->nsorted, r->n - r->nsorted, sizeof(*r->ents), ent_cmp);
	if (!r->nsorted || ent_before(&r->ents[r->nsorted - 1], &r->ents[r->nsorted])) {
		r->nsorted = r->n;
		return;
	}
	while (i < r->nsorted && j < r->n)
		r->tmp[k++] = ent_before(&r->ents[j], &r->ents[i]) ? r->ents[j++] : r->ents[i++];
	while (i < r->nsorted)
		r->tmp[k++] = r->ents[i++];
	while (j < r->n)
		r->tmp[k++] = r->ents[j++];
	memcpy(r->ents, r->tmp, r->n * sizeof(*r->ents));
	r->nsorted = r->n;
}

/*
 * After a burst the buffers are far bigger than what is held: give the
 * memory back (large blocks are mmap'd, so realloc returns the pages).
 */
static void shrink(struct sr_reorder *r)
{
	size_t cap = r->cap;
	uint8_t *b, *sp;

	if (cap <= (4u << 20) || r->len > cap / 8)
		return;
	while (cap > (1u << 20) && r->len <= cap / 8)
		cap /= 2;
	/* a failed realloc leaves its block as it was, only larger than cap */
	b = realloc(r->buf, cap);
	if (b)
		r->buf = b;
	sp = realloc(r->spare, cap);
	if (sp)
		r->spare = sp;
	if (b || sp)
		r->cap = cap;
	if (r->buf_hw > r->cap)
		r->buf_hw = r->cap;
	if (r->spare_hw > r->cap)
		r->spare_hw = r->cap;
}

/*
 * Give back the pages a buffer was written to beyond 'keep' bytes: its
 * contents there are dead.  Pages only, inside the block.
 */
static void trim_pages(uint8_t *base, size_t keep, size_t *hw)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo = ((uintptr_t)base + keep + page - 1) & ~(page - 1);
	uintptr_t hi = ((uintptr_t)base + *hw) & ~(page - 1);

	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
	*hw = keep;
}

/*
 * A burst (the recorder held up, a storm of events) fills the buffers far
 * beyond what is held afterwards, and the pages stay resident even when the
 * capacity is not worth halving: give back what lies beyond twice the
 * bytes held now, once that is more than 1 MiB.
 */
static void trim(struct sr_reorder *r)
{
	size_t keep = r->len * 2 > (1u << 20) ? r->len * 2 : (1u << 20);

	if (keep > r->cap)
		keep = r->cap;
	if (r->buf_hw > keep + (1u << 20))
		trim_pages(r->buf, keep, &r->buf_hw);
	if (r->spare_hw > keep + (1u << 20))
		trim_pages(r->spare, keep, &r->spare_hw);

	/* the same for the entries, in bytes */
	keep = r->n * 2 * sizeof(struct ent);
	if (keep < (1u << 20))
		keep = 1u << 20;
	if (keep > r->ncap * sizeof(struct ent))
		keep = r->ncap * sizeof(struct ent);
	if (r->n_hw * sizeof(struct ent) > keep + (1u << 20)) {
		size_t hw = r->n_hw * sizeof(struct ent);

		trim_pages((uint8_t *)r->ents, keep, &hw);
		hw = r->n_hw * sizeof(struct ent);
		trim_pages((uint8_t *)r->tmp, keep, &hw);
		r->n_hw = keep / sizeof(struct ent);
	}
}

int sr_reorder__release(struct sr_reorder *r, uint64_t horizon, sr_release_fn fn, void *ctx)
{
	size_t i, keep, len = 0, hw;
	uint8_t *t;
	int err = 0;

	if (!r->n)
		return 0;
	sort_all(r);
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
	/* What is kept moves to the front of the spare buffer, still sorted. */
	keep = r->n - i;
	for (size_t j = 0; j < keep; j++) {
		struct ent *e = &r->ents[i + j];

		memcpy(r->spare + len, r->buf + e->off, e->size);
		e->off = (uint32_t)len;
		len += e->size;
		r->ents[j] = *e;
	}
	t = r->buf;
	r->buf = r->spare;
	r->spare = t;
	hw = r->buf_hw;
	r->buf_hw = r->spare_hw > len ? r->spare_hw : len;
	r->spare_hw = hw;
	r->n = r->nsorted = keep;
	r->len = len;
	shrink(r);
	trim(r);
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
	free(r->spare);
	free(r->ents);
	free(r->tmp);
	free(r);
}
