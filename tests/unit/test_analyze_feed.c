// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_analyze_feed.c - the feed of analyze/readahead.c: the records a reader
 * gives, read on another thread, arrive whole and in order across batches,
 * with the syscall names the reader gives and its statistics; the end (or
 * a read error) is said again on every call; a feed stopped midway (Ctrl-C,
 * an import error) frees and joins cleanly, also when its ring is full.
 */
#define TAP_PREFIX "analyze_feed"
#include "unit/tap.h"
#include "rng.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysrec/event.h"
#include "sysrec/format.h"
#include "../../analyze/analyze.h"

static char tmpdir[] = "/tmp/test_analyze_feed.XXXXXX";
static char path[4096];

static uint64_t rng_state = 42;

static uint64_t rnd(void)
{
	return splitmix64(&rng_state);
}

/* Records with a syscall part: the ones whose names the test asks for. */
static int wants_sys(const struct sr_event *ev)
{
	return (ev->type == SR_EV_RW && ev->size >= sizeof(struct sr_ev_rw)) ||
	       (ev->type == SR_EV_OPEN && ev->size >= sizeof(struct sr_ev_open));
}

/*
 * @n records: reads, writes and opens with paths of up to 4 KiB (so some
 * batches end early on a big record), in a few chunks.
 */
static int write_trace(size_t n)
{
	static uint64_t words[8192];
	struct sr_writer_opts o = { .chunk_bytes = 1 << 20 };
	struct sr_writer *w;
	int err;

	snprintf(path, sizeof(path), "%s/feed.trc", tmpdir);
	err = sr_writer__new(&w, path, &o);
	if (err)
		return err;
	err = sr_writer__begin(w);
	for (size_t i = 0; !err && i < n; i++) {
		struct sr_event *h = (void *)words;

		memset(words, 0, sizeof(struct sr_ev_open));
		h->ts = 1000 + i;
		h->pid = h->tid = 100 + (uint32_t)(i % 7);
		if (rnd() % 10) {
			struct sr_ev_rw *e = (void *)words;

			h->type = SR_EV_RW;
			h->size = sizeof(*e);
			e->s.nr = rnd() % 2 ? 0 : 1;	/* read, write */
			e->s.ret = (int64_t)i;
			e->fd = 3;
		} else {
			struct sr_ev_open *e = (void *)words;
			size_t len = 1 + rnd() % 4000;
			char *p = (char *)words + sizeof(*e);

			h->type = SR_EV_OPEN;
			e->s.nr = rnd() % 3 ? 257 : 9999;	/* openat, a number without a name */
			e->s.ret = 3;
			e->path.off = sizeof(*e);
			e->path.len = (uint16_t)len;
			for (size_t k = 0; k < len; k++)
				p[k] = (char)('a' + (i + k) % 26);
			h->size = (uint16_t)((sizeof(*e) + len + 7) & ~7u);
		}
		err = sr_writer__append(w, h);
	}
	if (!err)
		err = sr_writer__finish(w);
	sr_writer__free(w);
	return err;
}

/* The whole trace through a feed against the reader itself. */
static void test_same_records(size_t n)
{
	struct sr_reader *direct = NULL, *r = NULL;
	struct sr_reader_stats st;
	const struct sr_event *a, *b;
	struct sr_an_feed *f = NULL;
	size_t got = 0, bad = 0, badname = 0;
	int ra, rb;

	if (sr_reader__open(&direct, path, NULL, NULL) || sr_reader__open(&r, path, NULL, NULL) ||
	    sr_an_feed__new(&f, r, wants_sys)) {
		ok(0, "open the trace twice and start a feed");
		goto out;
	}
	for (;;) {
		ra = sr_reader__next(direct, &a);
		rb = sr_an_feed__next(f, &b);
		if (ra != 1 || rb != 1)
			break;
		got++;
		if (a->size != b->size || memcmp(a, b, a->size))
			bad++;
		if (wants_sys(a)) {
			const struct sr_sys *s = (const void *)(a + 1);
			const char *want = sr_reader__syscall_name(direct, s->nr);
			const char *have = sr_an_feed__syscall_name(f, s->nr);

			if (want && *want ? !have || strcmp(want, have) : have != NULL)
				badname++;
		}
	}
	ok(ra == 0 && rb == 0, "%zu records: both end together (reader %d, feed %d)", n, ra, rb);
	ok_eq(got, n, "%zu records: all of them through the feed", n);
	ok_eq(bad, 0, "%zu records: the same bytes in the same order", n);
	ok_eq(badname, 0, "%zu records: the reader's syscall names, NULL where it has none", n);
	ok_eq(sr_an_feed__next(f, &b), 0, "%zu records: the end is said again", n);
	sr_an_feed__stats(f, &st);
	ok_eq(st.events, n, "%zu records: the statistics of the last batch count them all", n);
	sr_an_feed__free(f);
	f = NULL;
	/* the reader is the caller's again, at its end */
	ok_eq(sr_reader__next(r, &b), 0, "%zu records: after the feed, the reader is at its end", n);
out:
	sr_an_feed__free(f);
	sr_reader__free(direct);
	sr_reader__free(r);
}

/* Stopped after @after records (or before any): no leak, no hang, no race. */
static void test_stop(size_t after)
{
	struct sr_reader *r = NULL;
	const struct sr_event *ev;
	struct sr_an_feed *f = NULL;
	size_t got = 0;

	if (sr_reader__open(&r, path, NULL, NULL) || sr_an_feed__new(&f, r, wants_sys)) {
		ok(0, "stop: open and start a feed");
		goto out;
	}
	while (got < after && sr_an_feed__next(f, &ev) == 1)
		got++;
	if (!after)
		usleep(20000);	/* let the thread fill the ring and wait on it */
	sr_an_feed__free(f);
	f = NULL;
	ok_eq(got, after, "stop after %zu records: freed midway", after);
out:
	sr_an_feed__free(f);
	sr_reader__free(r);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	if (write_trace(30000)) {
		ok(0, "write a trace of 30000 records");
		return 1;
	}
	test_same_records(30000);
	test_stop(0);
	test_stop(1);
	test_stop(12345);
	unlink(path);
	rmdir(tmpdir);
	return tap_done();
}
