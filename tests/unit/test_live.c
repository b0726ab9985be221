// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_live.c - record --print's queue (record/live.c): records of mixed
 * sizes pushed much faster than a reader takes them, through a ring small
 * enough to wrap thousands of times and to run full.  Every record is
 * either printed, once and in order, or counted in a "not printed" line
 * that stands where it was left out; the counts add up exactly.
 */
#define TAP_PREFIX "live"
#include "tap.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../record/live.c"

/* live.c's snapshot (print-only mode) is not under test here */
struct sr_snap_filter sr_rec__snap_filter(struct sr_rec *r)
{
	(void)r;
	return (struct sr_snap_filter){ 0 };
}

int sr_snapshot(const struct sr_snap_filter *flt, struct sr_cgroups *cg, uint64_t ts,
		sr_release_fn fn, void *ctx)
{
	(void)flt, (void)cg, (void)ts, (void)fn, (void)ctx;
	return 0;
}

struct reader {
	int fd;
	char *buf;
	size_t len, cap;
};

/* A slow start (the queue fills and drops), then everything read. */
static void *read_all(void *arg)
{
	struct reader *rd = arg;
	ssize_t n;

	usleep(200000);
	for (;;) {
		if (rd->cap - rd->len < 65536) {
			rd->cap = rd->cap ? rd->cap * 2 : 1 << 20;
			rd->buf = realloc(rd->buf, rd->cap);
		}
		n = read(rd->fd, rd->buf + rd->len, rd->cap - rd->len - 1);
		if (n <= 0)
			break;
		rd->len += (size_t)n;
	}
	rd->buf[rd->len] = 0;
	return NULL;
}

int main(void)
{
	struct sr_rec_opts o = { .print = 1, .json = 1, .quiet = 1, .print_buffer = 64 << 10 };
	struct sr_rec r = { .o = &o, .print_fd = -1 };
	struct reader rd = { 0 };
	uint64_t rec[32] = { 0 };
	struct sr_event *ev = (void *)rec;
	const uint64_t N = 200000;
	uint64_t printed = 0, skipped = 0, marks = 0, last = 0, bad = 0;
	pthread_t th;
	int pfd[2];
	char *line, *save = NULL;

	if (pipe(pfd))
		return 1;
	rd.fd = pfd[0];
	r.print_fd = pfd[1];
	ok(!sr_rec__print_open(&r), "the printer and its thread start");
	pthread_create(&th, NULL, read_all, &rd);
	for (uint64_t i = 1; i <= N; i++) {
		/* a lost record (64 bytes) or a generic syscall (128): entries of two sizes */
		memset(rec, 0, sizeof(rec));
		ev->type = i % 3 ? SR_EV_LOST : SR_EV_SYSCALL;
		ev->size = i % 3 ? sizeof(struct sr_ev_lost) : sizeof(struct sr_ev_syscall);
		ev->ts = i;
		ev->pid = ev->tid = 7;
		sr_rec__print_event(&r, ev);
		if (i % 20000 == 0)
			usleep(50000);	/* let the reader catch up now and then */
	}
	sr_rec__print_close(&r);
	close(pfd[1]);
	pthread_join(th, NULL);
	for (line = strtok_r(rd.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long v;

		if (sscanf(line, "{\"ts_ns\":%llu,", &v) == 1) {
			bad += v <= last;
			last = v;
			printed++;
		} else if (sscanf(line, "{\"type\":\"not_printed\",\"count\":%llu}", &v) == 1) {
			skipped += v;
			marks++;
		} else {
			bad++;
		}
	}
	ok(printed + skipped == N, "%" PRIu64 " printed + %" PRIu64 " not printed = %" PRIu64,
	   printed, skipped, N);
	ok(skipped > 0 && marks > 0, "a full queue left records out (%" PRIu64 " in %" PRIu64 " marks)",
	   skipped, marks);
	ok(printed > 1000, "and printed the others (%" PRIu64 ")", printed);
	ok(bad == 0, "each printed once, in order, every line whole");
	free(rd.buf);
	close(pfd[0]);
	return tap_failed != 0;
}
