// SPDX-License-Identifier: GPL-2.0-only
/*
 * import_recording.c - one recording: its row, each of its trace files read
 * through the read-ahead thread, and its rows at the end.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

void rec_reset(struct an_imp *im)
{
	net_reset(im);
	for (size_t i = 0; i < im->nfiles; i++)
		imp_free_str(im, im->files[i].path, im->files[i].path_len);
	for (size_t i = 0; i < im->nprocs; i++) {
		struct an_proc *p = &im->procs[i];

		if (p->exe)
			imp_free_str(im, p->exe, strlen(p->exe));
		if (p->cmdline)
			imp_free_str(im, p->cmdline, strlen(p->cmdline));
		if (p->cwd)
			imp_free_str(im, p->cwd, strlen(p->cwd));
		imp_free_str(im, p->argv, p->argv_len);
	}
	sr_mem__give(&im->mem, im->capfiles * sizeof(*im->files) +
		     im->capprocs * sizeof(*im->procs) + im->capaggs * sizeof(*im->aggs) +
		     im->captls * sizeof(*im->tls));
	free(im->files);
	free(im->procs);
	free(im->aggs);
	free(im->tls);
	im->tls = NULL;
	im->ntls = im->captls = 0;
	sr_map__clear(&im->tl_map);
	im->files = NULL;
	im->procs = NULL;
	im->aggs = NULL;
	im->nfiles = im->capfiles = im->nprocs = im->capprocs = 0;
	im->naggs = im->capaggs = 0;
	sr_map__clear(&im->file_map);
	sr_map__clear(&im->alive);
	sr_map__clear(&im->agg_map);
	sr_fdtrack__clear(&im->fdt);
	sched_reset(im);
}

static void progress(struct an_imp *im, const struct sr_an_feed *feed, int done)
{
	struct sr_reader_stats st;
	unsigned int pct, bar;
	char b[32];

	if (!im->progress)
		return;
	if (done) {
		fputs("\r\033[K", stderr);
		return;
	}
	sr_an_feed__stats(feed, &st);
	if (st.file_bytes < (4u << 20))
		return;		/* small files are done before a bar could help */
	pct = st.file_bytes ? (unsigned int)(st.compressed_bytes * 100 / st.file_bytes) : 0;
	if (pct > 100)
		pct = 100;
	bar = pct / 5;
	memset(b, '#', bar);
	memset(b + bar, ' ', 20 - bar);
	b[20] = 0;
	fprintf(stderr, "\rsysrec: importing [%s] %3u%% %" PRIu64 " events", b, pct,
		st.events);
	fflush(stderr);
}

int import_trace(struct an_imp *im, struct an_input *in, int *nfailed)
{
	const char *const *keys, *const *vals;
	struct sr_reader_stats rs;
	const struct sr_event *ev;
	struct sr_an_feed *feed;
	size_t nmeta;
	int rc = 0, err = 0;
	uint64_t n = 0;

	im->fname = in->path;
	im->tr_events = im->tr_lost = im->tr_unknown = 0;
	memset(im->nr_sys, 0, 65536 * sizeof(*im->nr_sys));
	im->trace_id = sr_an_query_int(im->db, "SELECT IFNULL(MAX(trace_id), 0) + 1 FROM traces", 1);

	/* the reader is the feed's until sr_an_feed__free() */
	err = sr_an_feed__new(&feed, in->r, record_has_sys);
	if (err) {
		sr_err("%s: cannot start reading: %s", in->path, strerror(-err));
		return err;
	}
	im->feed = feed;
	while ((rc = sr_an_feed__next(feed, &ev)) == 1) {
		err = do_record(im, ev);
		/* a table refused to grow, even where its caller went on without it */
		if (!err && (im->mem.over || im->sql_nomem))
			err = -ENOMEM;
		if (err)
			break;
		if (!(++n & 0xffff)) {
			if (sr_an_stop) {
				err = -EINTR;
				break;
			}
			progress(im, feed, 0);
		}
	}
	progress(im, feed, 1);
	sr_an_feed__free(feed);
	im->feed = NULL;
	/* the reader's buffers for a chunk did not fit the budget */
	if (!err && rc == -ENOMEM && im->mem.over)
		err = -ENOMEM;
	if (!err)
		err = flush_events(im);
	if (err)
		return err;
	if (rc < 0) {
		sr_err("%s: read error after %" PRIu64 " records: %s; the rest is not imported",
		       in->path, n, strerror(-rc));
		++*nfailed;
	}
	sr_reader__stats(in->r, &rs);
	if (in->ndamage == 1 && rs.cut && !rs.bad_chunks && rs.events) {
		/*
		 * Only cut short, as when the recorder was killed: everything
		 * before the cut is here.  Said, but not a failure.
		 */
		sr_err("%s: cut short at offset %" PRIu64 " (%s); imported the %" PRIu64
		       " events before it", in->path, in->first_off, in->first_what,
		       im->tr_events);
	} else if (in->ndamage) {
		sr_err("%s: damaged at offset %" PRIu64 " (%s)%s; imported %" PRIu64 " events from the rest",
		       in->path, in->first_off, in->first_what,
		       in->ndamage > 1 ? ", and more" : "", im->tr_events);
		++*nfailed;
	}
	sqlite3_bind_int64(im->ins_trace, 1, im->trace_id);
	sqlite3_bind_int64(im->ins_trace, 2, im->rec_id);
	sqlite3_bind_text(im->ins_trace, 3, in->path, -1, SQLITE_STATIC);
	bind_text_or_null(im->ins_trace, 4, in->recording_id,
			  in->recording_id ? strlen(in->recording_id) : 0);
	sqlite3_bind_int64(im->ins_trace, 5, in->rotation);
	{
		const char *host = sr_reader__meta(in->r, "host");

		bind_text_or_null(im->ins_trace, 6, host, host ? strlen(host) : 0);
	}
	if (sr_reader__meta(in->r, "start_ns"))
		sqlite3_bind_int64(im->ins_trace, 7, meta_ts(in->r, "start_ns"));
	else
		sqlite3_bind_null(im->ins_trace, 7);
	if (sr_reader__meta(in->r, "stop_ns"))
		sqlite3_bind_int64(im->ins_trace, 8, meta_ts(in->r, "stop_ns"));
	else
		sqlite3_bind_null(im->ins_trace, 8);
	sqlite3_bind_int64(im->ins_trace, 9, (int64_t)rs.ts_first);
	sqlite3_bind_int64(im->ins_trace, 10, (int64_t)rs.ts_last);
	sqlite3_bind_int64(im->ins_trace, 11, (int64_t)im->tr_events);
	sqlite3_bind_int64(im->ins_trace, 12, (int64_t)im->tr_lost);
	sqlite3_bind_int64(im->ins_trace, 13, (int64_t)im->tr_unknown);
	sqlite3_bind_int64(im->ins_trace, 14, (int64_t)rs.bad_chunks);
	sqlite3_bind_int(im->ins_trace, 15, rs.complete);
	sqlite3_bind_int64(im->ins_trace, 16, (int64_t)rs.file_bytes);
	if (step_reset(im, im->ins_trace))
		return -EIO;
	nmeta = sr_reader__meta_all(in->r, &keys, &vals);
	for (size_t i = 0; i < nmeta; i++) {
		sqlite3_bind_int64(im->ins_tmeta, 1, im->trace_id);
		sqlite3_bind_text(im->ins_tmeta, 2, keys[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(im->ins_tmeta, 3, vals[i], -1, SQLITE_STATIC);
		if (step_reset(im, im->ins_tmeta))
			return -EIO;
	}
	return 0;
}

/* The text metadata of the first file that describe a recording, in column order. */
static const char *const rec_text_keys[] = { "recording_id", "host", "kernel", "machine" };

int begin_recording(struct an_imp *im, struct an_input *first)
{
	const struct sr_reader *r = first->r;
	sqlite3_stmt *st;
	int err;

	rec_reset(im);
	im->file_base = sr_an_query_int(im->db, "SELECT IFNULL(MAX(file_id), 0) + 1 FROM files", 1);
	im->proc_base = sr_an_query_int(im->db, "SELECT IFNULL(MAX(proc_id), 0) + 1 FROM procs", 1);
	im->rec_id = sr_an_query_int(im->db, "SELECT IFNULL(MAX(rec_id), 0) + 1 FROM recordings", 1);
	im->have_start = !!sr_reader__meta(r, "start_ns");
	im->start = meta_ts(r, "start_ns");
	im->command_pid = sr_clamp(meta_int(r, "command_pid", 0), 0, INT32_MAX);
	im->recorder_pid = sr_clamp(meta_int(r, "recorder_pid", 0), 0, INT32_MAX);
	if (!im->command_pid || !im->recorder_pid)
		im->command_pid = im->recorder_pid = 0;
	im->ts_sorted = 1;
	im->last_ts = INT64_MIN;
	im->rec_events = im->rec_lost = 0;
	im->first_event = im->next_event;
	im->rec_stop = INT64_MIN;
	sched_begin(im, r);

	err = sr_an_prepare(im->db, "INSERT INTO recordings(rec_id, recording_id, host,"
			    " kernel, machine, ncpus, clock_offset_ns, cgroup2_mount)"
			    " VALUES(?, ?, ?, ?, ?, ?, ?, ?)", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, im->rec_id);
	for (size_t i = 0; i < ARRAY_SIZE(rec_text_keys); i++) {
		const char *v = sr_reader__meta(r, rec_text_keys[i]);

		bind_text_or_null(st, 2 + i, v, v ? strlen(v) : 0);
	}
	if (sr_reader__meta(r, "ncpus"))
		sqlite3_bind_int64(st, 6, meta_int(r, "ncpus", 0));
	if (sr_reader__meta(r, "clock_offset_ns"))
		sqlite3_bind_int64(st, 7, meta_int(r, "clock_offset_ns", 0));
	{
		const char *m = sr_reader__meta(r, "cgroup2_mount");

		bind_text_or_null(st, 8, m, m ? strlen(m) : 0);
	}
	err = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
	if (err)
		sr_err("database: %s", sqlite3_errmsg(im->db));
	sqlite3_finalize(st);
	return err;
}
