// SPDX-License-Identifier: GPL-2.0-only
/*
 * retrace - rewrites a trace with another zstd level and chunk size and says
 * what it costs: the size benchmark runs it on real recordings.
 *
 *   retrace IN OUT [--level L] [--chunk BYTES] [--threaded] [-f]
 *
 * Records, metadata (start and end) and the descriptions of record types
 * this build does not know are copied; damage in IN is reported on stderr
 * and skipped.  Prints one line:
 *
 *   events=N raw_bytes=N file_bytes=N bytes_per_event=X ratio=X write_mb_s=X read_mb_s=X
 *
 * write_mb_s is raw bytes per second through the writer (transform, zstd,
 * write), unthreaded unless --threaded, so that it is the cost of one core;
 * read_mb_s the same through the reader of IN.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sysrec/format.h"
#include "tool.h"

#define BATCH (4u << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_damage(void *ctx, uint64_t off, const char *what)
{
	fprintf(stderr, "retrace: %s: offset %" PRIu64 ": %s\n", (const char *)ctx, off, what);
}

static int fail(const char *what, const char *file, int err)
{
	fprintf(stderr, "retrace: %s %s: %s\n", what, file, strerror(-err));
	return 1;
}

/* The types the writer must be told about: unknown here, or not as described here. */
static int copy_types(struct sr_writer *w, struct sr_reader *r)
{
	const struct sr_type *const *types;
	size_t n = sr_reader__file_types(r, &types);

	for (size_t i = 0; i < n; i++) {
		const struct sr_type *mine = sr_schema_type(types[i]->type);
		int err;

		if (mine && mine->fixed_size == types[i]->fixed_size &&
		    mine->nfields == types[i]->nfields)
			continue;
		err = sr_writer__add_type(w, types[i]);
		if (err)
			return err;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "threaded", no_argument, NULL, 't' },
		TOOL_WRITER_OPTIONS,
		TOOL_COMMON_OPTIONS,
		{ 0 }
	};
	static const char usage[] =
		"usage: retrace IN OUT [--level L] [--chunk BYTES] [--threaded] [-f]\n";
	struct sr_writer_opts wo = { .owner_uid = (uid_t)-1, .owner_gid = (gid_t)-1 };
	const char *const *keys, *const *values;
	const char *in, *out;
	struct sr_writer_stats ws;
	struct sr_reader *r;
	struct sr_writer *w;
	const struct sr_event *ev;
	double t_read = 0, t_write = 0, t;
	size_t n, nstart, blen = 0;
	uint8_t *batch;
	int c, err, rc = 1;

	while ((c = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
		switch (c) {
		case 't': wo.threaded = 1; break;
		default: tool_option(c, &wo, usage);
		}
	}
	if (argc - optind != 2)
		tool_usage(usage);
	in = argv[optind];
	out = argv[optind + 1];
	batch = malloc(BATCH + 65536);
	if (!batch)
		return fail("cannot rewrite", in, -ENOMEM);

	t = now();
	err = sr_reader__open(&r, in, on_damage, (void *)in);
	if (err == -EINVAL || err == -EPROTONOSUPPORT) {
		fprintf(stderr, "retrace: %s: not a sysrec trace%s\n", in,
			err == -EPROTONOSUPPORT ? " this version can read" : "");
		return 1;
	}
	if (err)
		return fail("cannot open", in, err);
	t_read += now() - t;
	err = sr_writer__new(&w, out, &wo);
	if (err)
		return fail("cannot create", out, err);
	n = sr_reader__meta_all(r, &keys, &values);
	nstart = sr_reader__meta_nstart(r);
	for (size_t i = 0; i < nstart && i < n; i++)
		sr_writer__meta(w, keys[i], values[i]);
	err = copy_types(w, r);
	if (!err)
		err = sr_writer__begin(w);
	if (err)
		return fail("cannot write", out, err);

	/* batches, so that reading and writing are timed apart */
	for (;;) {
		t = now();
		blen = 0;
		while (blen < BATCH && (rc = sr_reader__next(r, &ev)) == 1) {
			memcpy(batch + blen, ev, ev->size);
			blen += ev->size;
		}
		t_read += now() - t;
		if (rc < 0)
			return fail("cannot read", in, rc);
		t = now();
		for (size_t pos = 0; pos < blen; pos += ((const struct sr_event *)(batch + pos))->size) {
			err = sr_writer__append(w, (const void *)(batch + pos));
			if (err)
				return fail("cannot write", out, err);
		}
		t_write += now() - t;
		if (rc == 0)
			break;
	}
	n = sr_reader__meta_all(r, &keys, &values);
	nstart = sr_reader__meta_nstart(r);
	for (size_t i = nstart; i < n; i++)
		sr_writer__end_meta(w, keys[i], values[i]);
	t = now();
	err = sr_writer__finish(w);
	t_write += now() - t;
	if (err)
		return fail("cannot write", out, err);
	sr_writer__stats(w, &ws);
	sr_writer__free(w);
	sr_reader__free(r);
	free(batch);

	printf("events=%" PRIu64 " raw_bytes=%" PRIu64 " file_bytes=%" PRIu64
	       " bytes_per_event=%.2f ratio=%.1f write_mb_s=%.0f read_mb_s=%.0f\n",
	       ws.events, ws.raw_bytes, ws.file_bytes,
	       ws.events ? (double)ws.file_bytes / (double)ws.events : 0.0,
	       ws.file_bytes ? (double)ws.raw_bytes / (double)ws.file_bytes : 0.0,
	       t_write > 0 ? (double)ws.raw_bytes / 1e6 / t_write : 0.0,
	       t_read > 0 ? (double)ws.raw_bytes / 1e6 / t_read : 0.0);
	return 0;
}
