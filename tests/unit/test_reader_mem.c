// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_reader_mem.c - the reader's buffers counted through
 * sr_reader__set_mem_fn(): what a chunk needs is asked before any of it is
 * read; a refusal stops the read with -ENOMEM and reports no damage; what
 * was counted is all given back at free; a budget that holds the chunks
 * reads every record, and open takes no chunk's buffers before the
 * callback is set.
 */
#define TAP_PREFIX "reader-mem"
#include "unit/tap.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "sysrec/event.h"
#include "sysrec/format.h"

static int damaged;

static void on_damage(void *ctx, uint64_t off, const char *what)
{
	(void)ctx;
	printf("# damage at %" PRIu64 ": %s\n", off, what);
	damaged++;
}

/* The bytes counted now, the most asked at once, and a limit (0: none). */
struct count {
	int64_t held, most, limit;
	int refused;
};

static int count_fn(void *ctx, int64_t n)
{
	struct count *c = ctx;

	if (n > c->most)
		c->most = n;
	if (n > 0 && c->limit && c->held + n > c->limit) {
		c->refused++;
		return -1;
	}
	c->held += n;
	return 0;
}

/* @n exit records of 64 bytes in chunks of @chunk bytes of records */
static int write_file(const char *path, unsigned int n, uint32_t chunk)
{
	struct sr_writer_opts o = { .chunk_bytes = chunk, .owner_uid = (uid_t)-1,
				    .owner_gid = (gid_t)-1 };
	struct sr_ev_exit e;
	struct sr_writer *w;
	int err;

	err = sr_writer__new(&w, path, &o);
	if (err)
		return err;
	err = sr_writer__begin(w);
	for (unsigned int i = 0; !err && i < n; i++) {
		memset(&e, 0, sizeof(e));
		e.h.type = SR_EV_EXIT;
		e.h.size = sizeof(e);
		e.h.ts = 1000 + i;
		e.h.pid = e.h.tid = 100 + i;
		err = sr_writer__append(w, &e.h);
	}
	if (!err)
		err = sr_writer__finish(w);
	sr_writer__free(w);
	return err;
}

/* Read @path counting through @c: the records read, or -errno. */
static long read_all(const char *path, struct count *c, int *rc)
{
	const struct sr_event *ev;
	struct sr_reader *r;
	long n = 0;
	int err;

	damaged = 0;
	err = sr_reader__open(&r, path, on_damage, NULL);
	if (err)
		return err;
	/* open read the describing blocks only: small buffers, no chunk yet */
	if (sr_reader__set_mem_fn(r, count_fn, c)) {
		sr_reader__free(r);
		*rc = -ENOMEM;
		return 0;
	}
	ok(c->held < (1 << 20), "open holds no chunk's buffers (%lld bytes counted)",
	   (long long)c->held);
	while ((*rc = sr_reader__next(r, &ev)) == 1)
		n++;
	sr_reader__free(r);
	return n;
}

int main(void)
{
	char path[] = "/tmp/test_reader_mem.XXXXXX";
	struct count c = { 0 };
	int fd = mkstemp(path), rc;
	long n;

	if (fd < 0) {
		printf("not ok reader-mem: mkstemp: %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	unlink(path);	/* the writer creates its file */
	/* 200,000 records of 64 bytes: 12.8 MB in chunks of 4 MiB */
	ok_eq(write_file(path, 200000, 4u << 20), 0, "written");

	n = read_all(path, &c, &rc);
	ok(n == 200000 && rc == 0 && !damaged, "no limit: every record (%ld), no damage", n);
	ok(c.held == 0, "everything counted is given back at free (%lld left)", (long long)c.held);
	/* a chunk's buffers: its payload, body, scratch and records, asked at once */
	ok(c.most >= 3 * (4 << 20) && c.most < 4 * (4 << 20) + (1 << 20),
	   "a chunk is asked for at once, about three times its records (%lld bytes)",
	   (long long)c.most);

	c = (struct count){ .limit = 8 << 20 };
	n = read_all(path, &c, &rc);
	ok(rc == -ENOMEM && n == 0 && c.refused == 1 && !damaged,
	   "8 MiB: the first chunk refused before it is read, -ENOMEM, no damage (rc %d, %ld records)",
	   rc, n);
	ok(c.held == 0, "refused: everything given back (%lld left)", (long long)c.held);

	c = (struct count){ .limit = 20 << 20 };
	n = read_all(path, &c, &rc);
	ok(n == 200000 && rc == 0 && !c.refused && !damaged && c.held == 0,
	   "20 MiB: every record within it, nothing left counted");
	unlink(path);
	return tap_done();
}
