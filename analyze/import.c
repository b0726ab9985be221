// SPDX-License-Identifier: GPL-2.0-only
/*
 * import.c - sr_an_import: trace files into the analysis database, one
 * recording at a time, then sys_stats, parents and indexes.  import.h
 * says which file does what.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>

#include "import.h"

volatile sig_atomic_t sr_an_stop;

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

int sr_an_import(struct sr_an_db *d, char **files, int n,
		 const struct sr_an_import_opts *o, int *nfailed)
{
	struct an_imp *im = calloc(1, sizeof(*im));
	struct an_input *in = calloc((size_t)n + 1, sizeof(*in));
	double t0 = now_s();
	int err = 0;

	*nfailed = 0;
	if (!im || !in) {
		free(im);
		free(in);
		return -ENOMEM;
	}
	im->db = d->db;
	im->progress = o && o->progress;
	im->event_rows = !o || o->event_rows;
	im->nr_sys = calloc(65536, sizeof(*im->nr_sys));
	if (!im->nr_sys) {
		free(im);
		free(in);
		return -ENOMEM;
	}
	im->fdt.ref = file_ref;
	im->fdt.ctx = im;
	err = imp_prepare(im);
	if (!err)
		err = sr_an_exec(d->db, "BEGIN");
	if (!err)
		err = load_sysnames(im);
	if (err)
		goto out;
	im->keep_durs = !sr_an_query_int(d->db, "SELECT COUNT(*) FROM sys_stats", 0);
	/*
	 * Once a database misses the rows of one import it misses them for
	 * good: '0' is never turned back into '1'.
	 */
	err = sr_an_exec(d->db, im->event_rows ?
			 "INSERT OR IGNORE INTO meta VALUES('event_rows', '1')" :
			 "INSERT OR REPLACE INTO meta VALUES('event_rows', '0')");
	if (err)
		goto out;
	sr_dbg("import: %s", im->event_rows ? "with event rows" :
	       "without event rows (the report does not read them)");
	im->next_event = sr_an_query_int(d->db, "SELECT IFNULL(MAX(id), 0) + 1 FROM events", 1);

	open_inputs(im, in, files, n, nfailed);

	/* one recording at a time, its files in rotation order */
	for (int i = 0; i < n && !err; i++) {
		struct an_input **set, *last = NULL;
		int ns = 0;

		if (in[i].skip)
			continue;
		set = calloc((size_t)n, sizeof(*set));
		if (!set) {
			err = -ENOMEM;
			break;
		}
		for (int k = i; k < n; k++)
			if (!in[k].skip && same_recording(&in[i], &in[k]))
				set[ns++] = &in[k];
		for (int a = 1; a < ns; a++)
			for (int b = a; b > 0 && set[b - 1]->rotation > set[b]->rotation; b--) {
				struct an_input *t = set[b];

				set[b] = set[b - 1];
				set[b - 1] = t;
			}
		err = begin_recording(im, set[0]);
		for (int k = 0; k < ns && !err; k++) {
			err = import_trace(im, set[k], nfailed);
			set[k]->skip = 1;
			last = set[k];
		}
		sr_dbg("import: recording read at %.3f s", now_s() - t0);
		if (!err)
			err = end_recording(im, last);
		sr_dbg("import: recording written at %.3f s", now_s() - t0);
		free(set);
	}
	sr_dbg("import: records read and inserted in %.3f s", now_s() - t0);
	if (!err)
		err = write_sys_stats(im);
	sr_dbg("import: sys_stats at %.3f s", now_s() - t0);
	if (!err)
		err = sr_an_exec(d->db,
				 "UPDATE procs SET parent_id = (SELECT q.proc_id FROM procs q"
				 " WHERE q.rec_id = procs.rec_id AND q.pid = procs.ppid"
				 " AND q.proc_id <> procs.proc_id"
				 " AND (q.start_ts IS NULL OR procs.start_ts IS NULL"
				 " OR q.start_ts <= procs.start_ts)"
				 " ORDER BY q.start_ts DESC LIMIT 1)"
				 " WHERE parent_id IS NULL AND ppid IS NOT NULL");
	sr_dbg("import: parents at %.3f s", now_s() - t0);
	if (!err)
		err = sr_an_exec(d->db, sr_an_index_sql);
	if (!err && (!o || o->query_indexes))
		err = sr_an_exec(d->db, sr_an_query_index_sql);
	sr_dbg("import: indexes at %.3f s", now_s() - t0);
	if (!err)
		err = sr_an_exec(d->db, "COMMIT");
	sr_dbg("import: commit and analyze at %.3f s", now_s() - t0);
out:
	if (err)
		sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
	for (int i = 0; i < n; i++)
		sr_reader__free(in[i].r);
	free(in);
	imp_free(im);
	free(im);
	return err;
}
