/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * writer.h - the state of a trace writer, shared by the files that write:
 * writer.c (the file and the caller's side), chunk_write.c (blocks, the
 * queue, the writer thread, the index) and meta.c (metadata, schema,
 * syscall table).  Private to format/.
 */
#ifndef SYSREC_FORMAT_WRITER_H
#define SYSREC_FORMAT_WRITER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include <zstd.h>

#include "sysrec/format.h"
#include "layout.h"

#define MAX_RECORD	65536u		/* sr_event.size is a u16 */

struct chunk {
	uint8_t *buf;		/* chunk_bytes + MAX_RECORD */
	size_t len;
	uint32_t nrec;
	uint64_t ts_min, ts_max;
	struct chunk *next;	/* queue or free list */
};

struct kv {
	char *key;
	char *value;
};

struct sr_writer {
	int fd;
	int level;
	size_t chunk_bytes;
	int threaded;
	int begun, finished;
	int err;			/* sticky; __atomic access */

	struct kv *meta, *end_meta;
	size_t nmeta, nend;
	struct sr_type *types;		/* sr_writer__add_type copies */
	size_t ntypes;
	uint16_t *fixed_of;		/* [65536]: bytes of each type that are columns */

	/* caller side */
	struct chunk *cur;
	uint64_t seen[65536 / 64];	/* types in cur */
	uint16_t seen_types[SR_GROUPS_MAX];
	unsigned int nseen;

	/* the side that writes: the thread, or the caller when unthreaded */
	ZSTD_CCtx *cctx;
	uint8_t *tbuf, *zbuf, *sbuf;	/* transformed, compressed, scratch */
	size_t tcap, zcap;
	uint64_t off;			/* where the next block goes */
	uint32_t seq;
	uint8_t *index;			/* SR_INDEX_ENTRY bytes per run of chunks */
	size_t index_len, index_cap;
	size_t index_max;		/* entries at most */
	uint32_t span, last_n;		/* chunks per full entry; in the last one */

	/* the queue */
	pthread_t thread;
	int thread_running;
	pthread_mutex_t lock;
	pthread_cond_t cv_work, cv_free;
	struct chunk *q_head, *q_tail, *free_list;
	unsigned int nbufs, max_bufs;
	int stop;

	/* stats, __atomic access: read from any thread */
	uint64_t events, raw_bytes, raw_written, chunk_file_bytes, file_bytes, chunks, queued;
};

/* The first error sticks: later ones are dropped. */
static inline void set_err(struct sr_writer *w, int err)
{
	int zero = 0;

	__atomic_compare_exchange_n(&w->err, &zero, err, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

/* The stats are read from any thread. */
static inline void stat_add(uint64_t *v, uint64_t n)
{
	__atomic_fetch_add(v, n, __ATOMIC_RELAXED);
}

/* chunk_write.c */
/* @n iovecs at w->off, all of them: 0 or -errno. */
int sr_writer_write_all(struct sr_writer *w, struct iovec *iov, int n);
/* One block at w->off; the header's seq, payload length and crc are filled here. */
int sr_writer_write_block(struct sr_writer *w, struct sr_bhdr *h, const void *payload,
			  size_t len);
struct chunk *sr_writer_chunk_new(size_t chunk_bytes);
void sr_writer_chunk_free(struct chunk *c);
void sr_writer_chunk_reset(struct chunk *c);
/* The writer thread's loop: @arg is the writer. */
void *sr_writer_thread(void *arg);
/* Hands the current chunk over and gets an empty one. */
int sr_writer_hand_off(struct sr_writer *w);
/* Lets the thread write what is queued, and stops it. */
void sr_writer_stop_thread(struct sr_writer *w);

/* meta.c */
int sr_writer_write_meta_block(struct sr_writer *w, uint16_t type, const struct kv *kv,
			       size_t n);
int sr_writer_write_schema_block(struct sr_writer *w);
int sr_writer_write_syscalls_block(struct sr_writer *w);
void sr_writer_kv_free(struct kv *kv, size_t n);

#endif /* SYSREC_FORMAT_WRITER_H */
