// SPDX-License-Identifier: GPL-2.0-only
/*
 * chunk_write.c - the side of the writer that writes: whole blocks to the
 * file, full chunks handed from the caller to the writer thread through a
 * bounded queue, then transformed, compressed and written, and the index of
 * the chunks written.  Without a thread the caller does the same inline.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include <zstd.h>

#include "writer.h"

int sr_writer_write_all(struct sr_writer *w, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t r = writev(w->fd, iov, n);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -EIO;
		w->off += (uint64_t)r;
		stat_add(&w->file_bytes, (uint64_t)r);
		while (n > 0 && (size_t)r >= iov->iov_len) {
			r -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + r;
			iov->iov_len -= (size_t)r;
		}
	}
	return 0;
}

int sr_writer_write_block(struct sr_writer *w, struct sr_bhdr *h, const void *payload, size_t len)
{
	uint8_t hdr[SR_BLOCK_HDR_SIZE];
	struct iovec iov[2];
	int err;

	h->seq = w->seq++;
	h->payload_len = (uint32_t)len;
	h->payload_crc = sr_crc32c(0, payload, len);
	sr_bhdr_encode(hdr, h);
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)payload;
	iov[1].iov_len = len;
	err = sr_writer_write_all(w, iov, len ? 2 : 1);
	if (err)
		set_err(w, err);
	return err;
}

static uint32_t sat_add32(uint32_t a, uint32_t b)
{
	return a + b < a ? UINT32_MAX : a + b;
}

/* dst = the run of chunks a then b (dst may be a) */
static void index_merge(uint8_t *dst, const uint8_t *a, const uint8_t *b)
{
	uint64_t first = get64(a + 16) < get64(b + 16) ? get64(a + 16) : get64(b + 16);
	uint64_t last = get64(a + 24) > get64(b + 24) ? get64(a + 24) : get64(b + 24);

	put64(dst, get64(a));
	put32(dst + 8, sat_add32(get32(a + 8), get32(b + 8)));
	put32(dst + 12, sat_add32(get32(a + 12), get32(b + 12)));
	put64(dst + 16, first);
	put64(dst + 24, last);
}

/*
 * One entry per chunk while there are at most index_max of them; then
 * neighbours are merged pairwise, and each entry stands for a run of 2, 4,
 * ... consecutive chunks: offset of the first, records and data bytes
 * summed, the run's time range.  Memory stays bounded however long the
 * file, and seeks stay exact: the first run that ends at or after a time
 * holds the first chunk that does (docs/FORMAT.md, 10).
 */
static int index_add(struct sr_writer *w, uint64_t off, const struct sr_bhdr *h)
{
	size_t n = w->index_len / SR_INDEX_ENTRY;
	uint8_t e[SR_INDEX_ENTRY];

	put64(e, off);
	put32(e + 8, h->count);
	put32(e + 12, h->data_len);
	put64(e + 16, h->ts_first);
	put64(e + 24, h->ts_last);
	if (n && w->last_n < w->span) {
		uint8_t *last = w->index + (n - 1) * SR_INDEX_ENTRY;

		index_merge(last, last, e);
		w->last_n++;
		return 0;
	}
	if (n == w->index_max) {
		for (size_t i = 0; i < n / 2; i++)
			index_merge(w->index + i * SR_INDEX_ENTRY, w->index + 2 * i * SR_INDEX_ENTRY,
				    w->index + (2 * i + 1) * SR_INDEX_ENTRY);
		n /= 2;		/* index_max is even */
		w->index_len = n * SR_INDEX_ENTRY;
		w->span *= 2;
	}
	if (w->index_len + SR_INDEX_ENTRY > w->index_cap) {
		size_t cap = w->index_cap ? w->index_cap * 2 : 64 * SR_INDEX_ENTRY;
		uint8_t *p;

		if (cap > w->index_max * SR_INDEX_ENTRY)
			cap = w->index_max * SR_INDEX_ENTRY;
		p = realloc(w->index, cap);
		if (!p)
			return -ENOMEM;
		w->index = p;
		w->index_cap = cap;
	}
	memcpy(w->index + w->index_len, e, SR_INDEX_ENTRY);
	w->index_len += SR_INDEX_ENTRY;
	w->last_n = 1;
	return 0;
}

static int write_chunk(struct sr_writer *w, const struct chunk *c)
{
	struct sr_bhdr h = { .type = SR_BLK_CHUNK, .flags = SR_BF_ZSTD | SR_BF_COLUMNS };
	size_t tlen, zlen;
	uint64_t off = w->off;
	int err;

	tlen = sr_cols_encode(w->tbuf, c->buf, c->len, c->nrec, w->fixed_of, w->sbuf);
	if (!tlen)
		return -EINVAL;		/* append keeps a chunk to SR_GROUPS_MAX types */
	zlen = ZSTD_compress2(w->cctx, w->zbuf, w->zcap, w->tbuf, tlen);
	if (ZSTD_isError(zlen))
		return -ENOMEM;		/* the buffers are sized by ZSTD_compressBound */
	h.count = c->nrec;
	h.body_len = (uint32_t)tlen;
	h.data_len = (uint32_t)c->len;
	h.ts_first = c->ts_min;
	h.ts_last = c->ts_max;
	err = sr_writer_write_block(w, &h, w->zbuf, zlen);
	if (err)
		return err;
	stat_add(&w->chunks, 1);
	stat_add(&w->raw_written, c->len);
	stat_add(&w->chunk_file_bytes, w->off - off + SR_INDEX_ENTRY);
	return index_add(w, off, &h);
}

void *sr_writer_thread(void *arg)
{
	struct sr_writer *w = arg;
	struct chunk *c;
	int err;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->q_head && !w->stop)
			pthread_cond_wait(&w->cv_work, &w->lock);
		c = w->q_head;
		if (!c)
			break;
		w->q_head = c->next;
		if (!w->q_head)
			w->q_tail = NULL;
		pthread_mutex_unlock(&w->lock);

		if (!sr_writer__error(w)) {
			err = write_chunk(w, c);
			if (err)
				set_err(w, err);
		}

		pthread_mutex_lock(&w->lock);
		__atomic_fetch_sub(&w->queued, 1, __ATOMIC_RELAXED);
		c->next = w->free_list;
		w->free_list = c;
		pthread_cond_broadcast(&w->cv_free);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct chunk *sr_writer_chunk_new(size_t chunk_bytes)
{
	struct chunk *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->buf = malloc(chunk_bytes + MAX_RECORD);
	if (!c->buf) {
		free(c);
		return NULL;
	}
	return c;
}

void sr_writer_chunk_free(struct chunk *c)
{
	if (c)
		free(c->buf);
	free(c);
}

void sr_writer_chunk_reset(struct chunk *c)
{
	c->len = 0;
	c->nrec = 0;
	c->ts_min = UINT64_MAX;
	c->ts_max = 0;
	c->next = NULL;
}

int sr_writer_hand_off(struct sr_writer *w)
{
	struct chunk *c = w->cur, *n;
	int err;

	if (!c || !c->nrec)
		return 0;
	for (unsigned int i = 0; i < w->nseen; i++)
		w->seen[w->seen_types[i] / 64] = 0;
	w->nseen = 0;

	if (!w->threaded) {
		if (!sr_writer__error(w)) {
			err = write_chunk(w, c);
			if (err)
				set_err(w, err);
		}
		sr_writer_chunk_reset(c);
		return sr_writer__error(w);
	}

	pthread_mutex_lock(&w->lock);
	if (w->q_tail)
		w->q_tail->next = c;
	else
		w->q_head = c;
	w->q_tail = c;
	__atomic_fetch_add(&w->queued, 1, __ATOMIC_RELAXED);
	pthread_cond_signal(&w->cv_work);
	while (!w->free_list && w->nbufs >= w->max_bufs)
		pthread_cond_wait(&w->cv_free, &w->lock);
	n = w->free_list;
	if (n)
		w->free_list = n->next;
	else
		w->nbufs++;	/* allocated below, outside the lock */
	pthread_mutex_unlock(&w->lock);

	if (!n) {
		n = sr_writer_chunk_new(w->chunk_bytes);
		if (!n) {
			pthread_mutex_lock(&w->lock);
			w->nbufs--;
			pthread_mutex_unlock(&w->lock);
			w->cur = NULL;
			set_err(w, -ENOMEM);
			return -ENOMEM;
		}
	}
	sr_writer_chunk_reset(n);
	w->cur = n;
	return sr_writer__error(w);
}

void sr_writer_stop_thread(struct sr_writer *w)
{
	if (!w->thread_running)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_signal(&w->cv_work);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	w->thread_running = 0;
}
