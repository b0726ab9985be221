/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * transport.bpf.h - records to user space: the scratch buffer, the per-CPU
 * batches, the perf output and the drops it counts.
 */
#ifndef SYSREC_TRANSPORT_BPF_H
#define SYSREC_TRANSPORT_BPF_H

#include "maps.bpf.h"

static __always_inline struct evbuf *evbuf(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&evbufs, &zero);
}

static __always_inline void count_drops(__u64 n)
{
	__u32 zero = 0;
	__u64 *d = bpf_map_lookup_elem(&drops, &zero);

	if (d)
		*d += n;
}

/* One perf sample of 'nrec' records; those the buffer has no room for are counted. */
static __always_inline void send(void *ctx, void *data, __u32 size, __u64 nrec)
{
	if (bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, data, size))
		count_drops(nrec);
}

/* Send what the batch holds and empty it; the caller holds bt->busy. */
static __always_inline void batch_out(void *ctx, struct batch *bt)
{
	__u32 len = bt->len;

	if (len > sizeof(bt->b))	/* never: see struct batch */
		len = sizeof(bt->b);
	if (len)
		send(ctx, bt->b, len, bt->nrec);
	bt->len = 0;
	bt->nrec = 0;
}

static __always_inline void batch_put(struct batch *bt)
{
	asm volatile("" ::: "memory");
	bt->busy = 0;
}

/*
 * Zero the bytes from 'end' of a record to its 8-aligned size, so that no
 * stale byte of an earlier record leaves with it; 'room' bounds end (and
 * tells the verifier so).
 */
static __always_inline void pad_zero(__u8 *rec, __u32 end, __u32 room)
{
	if ((end & 7) && end <= room - 8)
		*(__u64 *)&rec[end] = 0;
}

/* A record of 'size' bytes was appended to the held batch: send it if full. */
static __always_inline void batch_added(void *ctx, struct batch *bt, __u32 size)
{
	bt->len += size;
	bt->nrec++;
	if (bt->len >= BATCH_SIZE)
		batch_out(ctx, bt);
}

/*
 * Hand a record of 'size' bytes (fixed part plus tail) built in the scratch
 * buffer to user space: into this CPU's batch when it fits and the batch is
 * free, else alone (a record too big for the batch sends the batch first,
 * so that the CPU's records stay in order).
 */
static __always_inline void emit(void *ctx, struct evbuf *eb, __u32 size)
{
	struct sr_event *h = (void *)eb->b;
	struct batch *bt;
	__u32 zero = 0, off;

	pad_zero(eb->b, size, EV_BUF_SIZE);
	size = (size + 7) & ~7U;
	if (size > EV_BUF_SIZE)
		size = EV_BUF_SIZE;
	h->size = size;
	bt = batch_on ? bpf_map_lookup_elem(&batches, &zero) : NULL;
	if (!bt || __sync_val_compare_and_swap(&bt->busy, 0, 1) != 0)
		goto alone;
	if (size > BATCH_ROOM) {
		batch_out(ctx, bt);
		batch_put(bt);
		goto alone;
	}
	off = bt->len & (BATCH_SIZE - 1);	/* bt->len itself: a mask the verifier sees */
	bpf_probe_read_kernel(&bt->b[off], size, eb->b);
	batch_added(ctx, bt, size);
	batch_put(bt);
	return;
alone:
	send(ctx, eb->b, size, 1);
}

/*
 * A record of at most BATCH_ROOM bytes is built where it will leave from:
 * in this CPU's batch when it is free (no copy), else in the scratch
 * buffer.  Every out_begin() that returns a record must be followed by
 * out_end(): the batch stays held in between.
 */
struct out {
	struct batch *bt;	/* held, and the record is at its end */
	struct evbuf *eb;	/* or the record is in the scratch buffer */
	struct sr_event *h;
};

static __always_inline void *out_begin(struct out *o)
{
	__u32 zero = 0, off;
	struct batch *bt = batch_on ? bpf_map_lookup_elem(&batches, &zero) : NULL;

	o->bt = NULL;
	o->eb = NULL;
	o->h = NULL;
	if (bt && __sync_val_compare_and_swap(&bt->busy, 0, 1) == 0) {
		off = bt->len & (BATCH_SIZE - 1);	/* bt->len itself */
		o->bt = bt;
		o->h = (void *)&bt->b[off];
		return o->h;
	}
	o->eb = evbuf();
	if (o->eb)
		o->h = (void *)o->eb->b;
	return o->h;
}

static __always_inline void out_end(void *ctx, struct out *o, __u32 size)
{
	struct batch *bt = o->bt;

	if (!o->h)
		return;
	pad_zero((void *)o->h, size, BATCH_ROOM);
	size = (size + 7) & ~7U;
	o->h->size = size;
	if (bt) {
		batch_added(ctx, bt, size);
		batch_put(bt);
	} else {
		send(ctx, o->h, size, 1);
	}
}

#endif /* SYSREC_TRANSPORT_BPF_H */
