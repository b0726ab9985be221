// SPDX-License-Identifier: GPL-2.0-only
/*
 * readahead.c - the records of a trace, decoded on a second thread.
 *
 * Decompressing and decoding chunks is about half of the CPU time of an
 * import that does not insert event rows, and it does not depend on what
 * the import does with the records.  A feed runs the reader on a thread of
 * its own, which copies the records into a ring of buffers (4 MiB) that the
 * importing thread consumes, so both CPUs of a small machine work: on a
 * 10M-event trace here, 2.9 s of decoding and copying beside 1.8 s of
 * importing took 3.2 s instead of 4.5 s.
 *
 * While a feed runs, its thread alone touches the reader (and so calls the
 * reader's damage callback).  What the import needs from the reader besides
 * the records travels with them: the statistics as of each batch, and the
 * syscall name of each number as the reader gave it when the first record
 * that asked for it was read, exactly what a lookup in line would have got,
 * even if a syscall table block came after the first chunks.  Once
 * sr_an_feed__free() has returned, the reader is the caller's again.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/event.h"
#include "sysrec/format.h"
#include "analyze.h"

/*
 * A batch holds at least one record of the largest size (ev->size is 16
 * bits), and enough that handing it over costs nothing next to the records.
 *
 * Waking a sleeping thread took a millisecond or more here (a VM), as long
 * as decoding a few batches, so neither side is woken for every batch: the
 * importer, mostly the faster one, sleeps on an empty ring until FEED_WAKE
 * batches are ready, and the ring is long enough for the reader to go on
 * decoding meanwhile.  With 4 slots woken for each batch, both threads spent
 * more than a second each waiting on a 10M-event trace and the two CPUs
 * gained little; like this the reader waits about 0.1 s in all.
 */
#define FEED_SLOTS	32
#define FEED_BATCH	(128u << 10)
#define FEED_WAKE	4
_Static_assert(FEED_BATCH >= 65536, "a batch holds the largest record");
_Static_assert((uint64_t)FEED_SLOTS * FEED_BATCH + 65536 * sizeof(char *) <= SR_AN_FEED_BYTES,
	       "SR_AN_FEED_BYTES, what the memory budget sets aside for a feed, holds it");

struct feed_batch {
	unsigned char *buf;		/* records back to back, 8-aligned */
	size_t len;
	int end;			/* 1: more batches follow; else the reader's 0 or -errno */
	struct sr_reader_stats st;	/* the reader's, after the batch was filled */
};

struct sr_an_feed {
	struct sr_reader *r;
	sr_an_feed_sys_fn wants_sys;

	pthread_t thread;
	int started;
	pthread_mutex_t lock;
	pthread_cond_t filled;		/* FEED_WAKE batches are ready, or the last one */
	pthread_cond_t freed;		/* a full ring has a free slot, or quit was set */
	/* under lock */
	struct feed_batch ring[FEED_SLOTS];
	unsigned int head, nfull;	/* the oldest full slot, and how many */
	int quit;

	/* the importing thread's */
	struct feed_batch *cur;
	size_t pos;

	/*
	 * nr -> name: written by the feed's thread once, before the batch of
	 * the first record asking for it is handed over; read by the importing
	 * thread for records of batches it has received.  "" when the reader
	 * had no name.
	 */
	const char *names[65536];
};

static void *feed_main(void *arg)
{
	struct sr_an_feed *f = arg;
	const struct sr_event *ev = NULL;	/* read, not yet copied */
	unsigned int tail = 0;
	int rc = 1;

	for (;;) {
		struct feed_batch *b;

		pthread_mutex_lock(&f->lock);
		while (f->nfull == FEED_SLOTS && !f->quit)
			pthread_cond_wait(&f->freed, &f->lock);
		if (f->quit) {
			pthread_mutex_unlock(&f->lock);
			break;
		}
		pthread_mutex_unlock(&f->lock);
		/* the slot at tail is not full: the importing thread is done with it */
		b = &f->ring[tail];
		b->len = 0;
		while (rc == 1) {
			if (!ev) {
				rc = sr_reader__next(f->r, &ev);
				if (rc != 1)
					break;
				if (f->wants_sys(ev)) {
					const struct sr_sys *s = (const void *)(ev + 1);
					const char *n;

					if (!f->names[s->nr]) {
						n = sr_reader__syscall_name(f->r, s->nr);
						f->names[s->nr] = n ? n : "";
					}
				}
			}
			if (b->len + ev->size > FEED_BATCH)
				break;	/* ev stays valid: the reader is not called again before the copy */
			memcpy(b->buf + b->len, ev, ev->size);
			b->len += ev->size;
			ev = NULL;
		}
		b->end = rc;
		sr_reader__stats(f->r, &b->st);
		pthread_mutex_lock(&f->lock);
		f->nfull++;
		if (f->nfull == FEED_WAKE || rc != 1)
			pthread_cond_signal(&f->filled);
		pthread_mutex_unlock(&f->lock);
		tail = (tail + 1) % FEED_SLOTS;
		if (rc != 1)
			break;
	}
	return NULL;
}

int sr_an_feed__new(struct sr_an_feed **fp, struct sr_reader *r, sr_an_feed_sys_fn wants_sys)
{
	struct sr_an_feed *f = calloc(1, sizeof(*f));
	sigset_t all, old;
	int err;

	*fp = NULL;
	if (!f)
		return -ENOMEM;
	f->r = r;
	f->wants_sys = wants_sys;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->filled, NULL);
	pthread_cond_init(&f->freed, NULL);
	for (int i = 0; i < FEED_SLOTS; i++) {
		f->ring[i].buf = malloc(FEED_BATCH);
		if (!f->ring[i].buf) {
			sr_an_feed__free(f);
			return -ENOMEM;
		}
	}
	/*
	 * Signals stay with the importing thread, as before: the handler sets
	 * sr_an_stop, and the reader's reads are never cut short by EINTR.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&f->thread, NULL, feed_main, f);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		sr_an_feed__free(f);
		return -err;
	}
	f->started = 1;
	*fp = f;
	return 0;
}

int sr_an_feed__next(struct sr_an_feed *f, const struct sr_event **ev)
{
	for (;;) {
		struct feed_batch *b = f->cur;

		if (b && f->pos < b->len) {
			const struct sr_event *e = (const void *)(b->buf + f->pos);

			f->pos += e->size;
			*ev = e;
			return 1;
		}
		if (b) {
			if (b->end != 1)
				return b->end;	/* the last batch stays: the end is said again */
			pthread_mutex_lock(&f->lock);
			f->head = (f->head + 1) % FEED_SLOTS;
			f->nfull--;
			/* the reader sleeps only on a full ring: wake it at once */
			if (f->nfull == FEED_SLOTS - 1)
				pthread_cond_signal(&f->freed);
			pthread_mutex_unlock(&f->lock);
			f->cur = NULL;
		}
		pthread_mutex_lock(&f->lock);
		while (!f->nfull)
			pthread_cond_wait(&f->filled, &f->lock);
		f->cur = &f->ring[f->head];
		pthread_mutex_unlock(&f->lock);
		f->pos = 0;
	}
}

const char *sr_an_feed__syscall_name(const struct sr_an_feed *f, unsigned int nr)
{
	const char *n = nr < 65536 ? f->names[nr] : NULL;

	return n && *n ? n : NULL;
}

void sr_an_feed__stats(const struct sr_an_feed *f, struct sr_reader_stats *st)
{
	if (f->cur)
		*st = f->cur->st;
	else
		memset(st, 0, sizeof(*st));
}

void sr_an_feed__free(struct sr_an_feed *f)
{
	if (!f)
		return;
	if (f->started) {
		pthread_mutex_lock(&f->lock);
		f->quit = 1;
		pthread_cond_signal(&f->freed);
		pthread_mutex_unlock(&f->lock);
		pthread_join(f->thread, NULL);
	}
	for (int i = 0; i < FEED_SLOTS; i++)
		free(f->ring[i].buf);
	pthread_cond_destroy(&f->freed);
	pthread_cond_destroy(&f->filled);
	pthread_mutex_destroy(&f->lock);
	free(f);
}
