// SPDX-License-Identifier: GPL-2.0-only
/*
 * live.c - record --print: the records on their way to a terminal, a pipe
 * or a file while they are recorded, with or without a trace file.
 *
 * The poll loop must never wait on the output: a terminal scrolling
 * slowly, a pager stopped, a reader of a pipe that does not read would
 * otherwise hold the reading of the perf buffers, and the kernel would
 * drop records for everyone (the file too).  So the loop only copies each
 * record into a bounded queue (a ring of bytes, --print-buffer); a thread
 * of its own takes them out, formats them with present/'s printer and
 * writes them, blocking as long as the output wants.  A record the full
 * queue has no room for is not printed: it is counted, and a line in the
 * output says how many were left out there (and the summary says it
 * again), never silently.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "record.h"
#include "sysrec/format.h"
#include "sysrec/print.h"
#include "sysrec/util.h"

/* What a queue entry holds; entries are 8-aligned, back to back. */
enum item_kind {
	ITEM_EVENT = 1,		/* a record to print */
	ITEM_NOTE,		/* a record to learn from only (the snapshot) */
	ITEM_SKIPPED,		/* records left out here: a u64 count */
	ITEM_WRAP,		/* the rest of the ring is unused: go on at its start */
};

struct item {
	uint32_t kind;
	uint32_t len;		/* bytes after this header, a multiple of 8 */
};

struct sr_live {
	pthread_mutex_t mu;
	pthread_cond_t cv;	/* the printer waits here for entries or the end */
	uint8_t *ring;
	size_t cap;		/* bytes, a multiple of 8 */
	size_t head;		/* where the next entry goes */
	size_t tail;		/* the oldest entry the printer has not finished */
	size_t used;		/* bytes from tail to head, wrap waste included */
	uint64_t queued;	/* records in the ring */
	uint64_t pending;	/* records left out since the last ITEM_SKIPPED */
	uint64_t skipped;	/* records left out, all told */
	uint64_t printed;
	int stop;		/* no more entries: print what is left and end */
	int gone;		/* the output failed: nothing more is taken */
	int thread;		/* the thread runs (joined at close) */
	pthread_t th;
	struct sr_printer *p;
	FILE *f;
};

/*
 * --print-to FILE or FD, or stdout: a descriptor of our own, close-on-exec,
 * opened before the command is forked.  An FD given is also made
 * close-on-exec, so that the command neither writes there nor keeps a
 * reader of it waiting for its end.
 */
int sr_rec__print_prepare(struct sr_rec *r)
{
	const char *to = r->o->print_to;
	uint64_t n;
	int fd;

	if (!r->o->print)
		return 0;
	if (!to) {
		fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
		if (fd < 0) {
			sr_err("--print: standard output: %s", strerror(errno));
			return -errno;
		}
	} else if (!sr_parse_u64(to, 0, INT32_MAX, &n)) {
		fd = fcntl((int)n, F_DUPFD_CLOEXEC, 3);
		if (fd < 0) {
			int e = errno;

			sr_err("--print-to %s: %s", to, e == EBADF ? "no such open descriptor" : strerror(e));
			return -e;
		}
		if (n > 2)
			fcntl((int)n, F_SETFD, FD_CLOEXEC);
	} else {
		fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			int e = errno;

			sr_err("--print-to: cannot open %s: %s", to,
			       e == ELOOP ? "it is a symbolic link" : strerror(e));
			return -e;
		}
	}
	r->print_fd = fd;
	return 0;
}

/* Room for an entry of len bytes after its header; the offset to write at, or -1. */
static ssize_t ring_room(struct sr_live *q, size_t len)
{
	size_t need = sizeof(struct item) + len, end = q->cap - q->head;

	if (end < need) {
		/* not at the end: the entry starts the ring over, the end is waste */
		if (q->used + end + need > q->cap)
			return -1;
		((struct item *)(q->ring + q->head))->kind = ITEM_WRAP;
		((struct item *)(q->ring + q->head))->len = 0;
		q->used += end;
		q->head = 0;
	}
	if (q->used + need > q->cap)
		return -1;
	return (ssize_t)q->head;
}

static int ring_put(struct sr_live *q, uint32_t kind, const void *data, size_t len)
{
	ssize_t at = ring_room(q, len);
	struct item *it;

	if (at < 0)
		return -ENOSPC;
	it = (struct item *)(q->ring + at);
	it->kind = kind;
	it->len = (uint32_t)len;
	memcpy(it + 1, data, len);
	q->head += sizeof(*it) + len;
	if (q->head == q->cap)
		q->head = 0;
	q->used += sizeof(*it) + len;
	return 0;
}

/* Queue one record; if there is no room it is counted, and said where it was left out. */
static void push(struct sr_rec *r, const struct sr_event *ev, uint32_t kind)
{
	struct sr_live *q = r->live;

	if (!q || q->gone || q->stop)
		return;
	pthread_mutex_lock(&q->mu);
	/* after records left out, a mark of how many, then this record */
	if (q->pending && !ring_put(q, ITEM_SKIPPED, &q->pending, sizeof(q->pending)))
		q->pending = 0;
	if (q->pending || ring_put(q, kind, ev, ev->size)) {
		q->pending++;
		q->skipped++;
	} else {
		q->queued++;
		pthread_cond_signal(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
}

void sr_rec__print_event(struct sr_rec *r, const struct sr_event *ev)
{
	push(r, ev, ITEM_EVENT);
}

void sr_rec__print_note(struct sr_rec *r, const struct sr_event *ev)
{
	push(r, ev, ITEM_NOTE);
}

int sr_rec__print_gone(const struct sr_rec *r)
{
	return r->live && r->live->gone;
}

/*
 * The entries from tail, 'avail' bytes of them, to the printer; where the
 * next one starts, and the records taken in *nrec.
 */
static size_t print_entries(struct sr_live *q, size_t avail, uint64_t *nrec)
{
	size_t pos = q->tail, done = 0;

	*nrec = 0;
	while (done < avail) {
		const struct item *it = (const void *)(q->ring + pos);

		if (it->kind == ITEM_WRAP) {
			done += q->cap - pos;
			pos = 0;
			continue;
		}
		if (it->kind == ITEM_EVENT) {
			sr_printer__event(q->p, (const void *)(it + 1));
			(*nrec)++;
			q->printed++;
		} else if (it->kind == ITEM_NOTE) {
			sr_printer__note(q->p, (const void *)(it + 1));
			(*nrec)++;
		} else if (it->kind == ITEM_SKIPPED) {
			uint64_t n;

			memcpy(&n, it + 1, sizeof(n));
			sr_printer__skipped(q->p, n);
		}
		done += sizeof(*it) + it->len;
		pos += sizeof(*it) + it->len;
		if (pos == q->cap)
			pos = 0;
	}
	return pos;
}

/* The printer's thread: take what is queued, print it, write it out; until the end. */
static void *printer_main(void *arg)
{
	struct sr_live *q = arg;

	pthread_setname_np(pthread_self(), "sysrec-print");
	pthread_mutex_lock(&q->mu);
	for (;;) {
		size_t avail, tail;
		uint64_t nrec, pending;
		int stop;

		while (!q->used && !q->stop)
			pthread_cond_wait(&q->cv, &q->mu);
		avail = q->used;
		stop = q->stop;
		pending = q->pending;
		pthread_mutex_unlock(&q->mu);
		if (!avail && stop) {
			/* what the end left out, after the last record */
			if (pending)
				sr_printer__skipped(q->p, pending);
			sr_printer__flush(q->p);
			break;
		}
		tail = print_entries(q, avail, &nrec);
		/* written now: a live view shows each poll's records as they come */
		sr_printer__flush(q->p);
		pthread_mutex_lock(&q->mu);
		q->tail = tail;
		q->used -= avail;
		q->queued -= nrec;
		if (ferror(q->f)) {
			/* the reader went away: keep recording, stop printing */
			q->gone = 1;
			q->used = 0;
			q->tail = q->head;
			q->queued = 0;
			pthread_mutex_unlock(&q->mu);
			break;
		}
	}
	return NULL;
}

int sr_rec__print_open(struct sr_rec *r)
{
	struct sr_live *q;
	sigset_t stop, old;
	int err;

	if (!r->o->print)
		return 0;
	/*
	 * A reader of the output that goes away is an EPIPE to note, not a
	 * signal to die of.  Set only now: the command, forked already,
	 * keeps the default disposition.
	 */
	signal(SIGPIPE, SIG_IGN);
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	q->cap = r->o->print_buffer & ~(size_t)7;
	q->ring = malloc(q->cap);
	q->f = fdopen(r->print_fd, "w");
	if (q->f) {
		r->print_fd = -1;
		/* the printer buffers lines itself: the stream adds no second buffer to flush at exit */
		setvbuf(q->f, NULL, _IONBF, 0);
	}
	q->p = q->f ? sr_printer__new(q->f, r->o->json, 0, r->start_ns, r->clock_offset) : NULL;
	r->live = q;
	if (!q->ring || !q->f || !q->p)
		return -ENOMEM;
	/* the lines of a syscall say where its time went when the cpu class is on */
	sr_printer__set_classes(q->p, r->class_mask);
	/* the stop signals go to the poll loop's thread, whose poll they cut short */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	err = pthread_create(&q->th, NULL, printer_main, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		sr_err("--print: cannot start its thread: %s", strerror(err));
		r->reported = 1;
		return -err;
	}
	q->thread = 1;
	return 0;
}

static int snap_note(void *ctx, const struct sr_event *ev)
{
	sr_rec__print_note(ctx, ev);
	return 0;
}

/*
 * Without a trace file, the snapshot a file would begin with: not printed
 * (as with a file), but the printer learns the paths of the descriptors
 * open before the start, for the lines of their reads and writes.
 */
int sr_rec__print_snapshot(struct sr_rec *r)
{
	struct sr_snap_filter flt = sr_rec__snap_filter(r);
	int err;

	if (!r->live)
		return 0;
	flt.cputime = 0;
	err = sr_snapshot(&flt, r->cg, r->start_ns, snap_note, r);
	if (err)
		sr_err("cannot take the snapshot of /proc: %s", strerror(-err));
	return err;
}

/*
 * The end: the printer writes what is queued.  An output that takes
 * nothing for a second (a stopped pager) is given up on: what it did not
 * take is said on stderr, and the thread is left to the process's exit
 * (its stream is unbuffered, so the exit has nothing of it to flush).
 * What it did not take is at most what is queued and what was left out:
 * the records of the batch being written count as queued until the batch
 * is out, though the output may already hold some of them.
 */
void sr_rec__print_close(struct sr_rec *r)
{
	struct sr_live *q = r->live;
	uint64_t last = UINT64_MAX, left = 0;
	bool abandoned = false;

	if (r->print_fd >= 0) {
		close(r->print_fd);
		r->print_fd = -1;
	}
	if (!q)
		return;
	pthread_mutex_lock(&q->mu);
	q->stop = 1;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	while (q->thread) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		if (!pthread_timedjoin_np(q->th, NULL, &ts))
			break;
		pthread_mutex_lock(&q->mu);
		left = q->queued;
		pthread_mutex_unlock(&q->mu);
		if (left == last) {
			abandoned = true;
			break;
		}
		last = left;
	}
	if (abandoned)
		sr_err("--print: the output took nothing for a second: up to %llu events not printed",
		       (unsigned long long)(left + q->skipped));
	else if (!r->o->output && !r->o->quiet && q->skipped)
		fprintf(stderr, "sysrec: %llu events printed, %llu not printed (the output was too "
			"slow), %llu lost\n", (unsigned long long)q->printed,
			(unsigned long long)q->skipped, (unsigned long long)r->lost_total);
	else if (!r->o->output && !r->o->quiet)
		fprintf(stderr, "sysrec: %llu events printed, %llu lost\n",
			(unsigned long long)q->printed, (unsigned long long)r->lost_total);
	else if (q->skipped)	/* a warning, -q or not: never silent */
		sr_err("--print: %llu events not printed: the output was too slow",
		       (unsigned long long)q->skipped);
	r->live = NULL;
	if (abandoned)
		return;		/* the thread still holds it */
	sr_printer__free(q->p);
	if (q->f)
		fclose(q->f);
	free(q->ring);
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	free(q);
}
