// SPDX-License-Identifier: GPL-2.0-only
/*
 * mkhostile - writes small traces that claim a great deal: CHUNKS chunks of
 * PER records each, every record the same, which zstd squeezes to almost
 * nothing.  A reader or importer that keeps per-record state for them is
 * shown to be bounded, or not (issue: "a 9 KB file took 836 MB").
 *
 *   mkhostile -o OUT.trc [-f] [--chunks N] [--per-chunk M] [--kind KIND]
 *
 * KIND: exit (a thread of pid 100 exits: each one ends a process and the
 * next starts a new one), fork (pid 100 forks a new child pid each time),
 * open (pid 100 opens a new inode each time: a new file).  Defaults: 1
 * chunk of 1000000 exit records.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/format.h"
#include "sysrec/util.h"
#include "tool.h"

static const char usage[] =
	"usage: mkhostile -o OUT.trc [-f] [--chunks N] [--per-chunk M] [--kind exit|fork|open]\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "chunks", required_argument, NULL, 'c' },
		{ "per-chunk", required_argument, NULL, 'm' },
		{ "kind", required_argument, NULL, 'k' },
		TOOL_COMMON_OPTIONS,
		{ 0 }
	};
	struct sr_writer_opts wo = { .threaded = 1, .owner_uid = (uid_t)-1, .owner_gid = (gid_t)-1,
				     .level = 19 };
	union {
		struct sr_event h;
		struct sr_ev_exit exit;
		struct sr_ev_fork fork;
		struct sr_ev_open open;
	} r;
	unsigned long long chunks = 1, per = 1000000, i, k;
	const char *out = NULL, *kind = "exit";
	struct sr_writer *w;
	uint64_t ts = 1000000000ull;
	size_t size;
	int c, err;
	char v[64];

	while ((c = getopt_long(argc, argv, "o:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'c': chunks = tool_num("--chunks", optarg, 1, 100000); break;
		case 'm': per = tool_num("--per-chunk", optarg, 1, 1000000); break;
		case 'k': kind = optarg; break;
		default: tool_option(c, &wo, usage);
		}
	}
	if (!out || optind != argc)
		tool_usage(usage);
	memset(&r, 0, sizeof(r));
	if (!strcmp(kind, "exit")) {
		r.h.type = SR_EV_EXIT;
		r.h.flags = SR_F_GROUP_DEAD;
		size = sizeof(r.exit);
	} else if (!strcmp(kind, "fork")) {
		r.h.type = SR_EV_FORK;
		r.fork.s.nr = 57;
		size = sizeof(r.fork);
	} else if (!strcmp(kind, "open")) {
		r.h.type = SR_EV_OPEN;
		r.open.s.nr = 257;
		r.open.dirfd = -100;
		r.open.dev = 0x800001;
		size = sizeof(r.open);
	} else {
		fprintf(stderr, "mkhostile: --kind: '%s' is not exit, fork or open\n", kind);
		return 2;
	}
	r.h.size = (uint16_t)size;
	r.h.pid = r.h.tid = 100;
	memcpy(r.h.comm, "hostile", 7);
	/* one chunk holds exactly PER records */
	wo.chunk_bytes = per * size;
	if (wo.chunk_bytes < SR_CHUNK_MIN)
		wo.chunk_bytes = SR_CHUNK_MIN;
	if (wo.chunk_bytes > SR_CHUNK_MAX) {
		fprintf(stderr, "mkhostile: %llu records of %zu bytes exceed a chunk (%u bytes)\n",
			per, size, SR_CHUNK_MAX);
		return 2;
	}
	err = sr_writer__new(&w, out, &wo);
	if (err) {
		fprintf(stderr, "mkhostile: cannot create %s: %s\n", out, strerror(-err));
		return 1;
	}
	snprintf(v, sizeof(v), "hostile-%s-%llu-%llu", kind, chunks, per);
	sr_writer__meta(w, "recording_id", v);
	sr_writer__meta(w, "rotation_index", "0");
	sr_writer__meta(w, "host", "hostile");
	sr_writer__meta(w, "machine", "x86_64");
	sr_writer__meta(w, "clock", "CLOCK_MONOTONIC");
	sr_writer__meta(w, "start_ns", "1000000000");
	err = sr_writer__begin(w);
	for (i = 0; i < chunks && !err; i++) {
		for (k = 0; k < per && !err; k++) {
			r.h.ts = ts;	/* the same time: no bucket grows with the count */
			if (r.h.type == SR_EV_FORK)
				r.fork.child_pid = r.fork.child_tid = r.fork.s.ret =
					(uint32_t)(1000 + (i * per + k) % 4000000);
			else if (r.h.type == SR_EV_OPEN)
				r.open.ino = r.open.s.ret = 3 + (int64_t)((i * per + k) % 1000000);
			err = sr_writer__append(w, &r.h);
		}
		if (!err)
			err = sr_writer__flush(w);
	}
	snprintf(v, sizeof(v), "%llu", chunks * per);
	if (!err)
		err = sr_writer__end_meta(w, "events", v);
	if (!err)
		err = sr_writer__finish(w);
	sr_writer__free(w);
	if (err) {
		fprintf(stderr, "mkhostile: cannot write %s: %s\n", out, strerror(-err));
		return 1;
	}
	return 0;
}
