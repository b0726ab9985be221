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
#include <unistd.h>

#include "import.h"

volatile sig_atomic_t sr_an_stop;

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

uint64_t sr_an_default_mem_limit(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
	uint64_t v;

	if (pages <= 0 || size <= 0)
		return 1ull << 30;
	v = (uint64_t)pages * (uint64_t)size / 4;
	/* a round number, so that the error names it as --mem-limit would */
	v &= ~((1ull << 20) - 1);
	return v < SR_AN_MEM_MIN ? SR_AN_MEM_MIN : v;
}

/*
 * What the budget leaves to the importer's tables, and what to SQLite:
 * SQLite's heap (its page cache, statements, sorts in memory) gets a
 * quarter, its page cache at most half of that and never more than the
 * 256 MiB it always had; the read-ahead ring, the per-trace syscall map and
 * the resident binary and libraries, fixed, come off the top.
 */
#define SQL_SHARE_DIV	4
#define CACHE_MAX	(256ull << 20)

static void set_budget(struct an_imp *im, uint64_t limit)
{
	uint64_t fixed = SR_AN_FEED_BYTES + 65536 * sizeof(*im->nr_sys) + sizeof(*im) +
			 SR_AN_BASE_BYTES;
	uint64_t cache;
	char sql[64];

	im->budget = limit;
	if (!limit)
		return;
	im->sql_share = limit / SQL_SHARE_DIV;
	im->mem.limit = limit > im->sql_share + fixed ? limit - im->sql_share - fixed : 1;
	cache = im->sql_share / 2 < CACHE_MAX ? im->sql_share / 2 : CACHE_MAX;
	snprintf(sql, sizeof(sql), "PRAGMA cache_size=-%llu", (unsigned long long)(cache >> 10));
	sr_an_exec(im->db, sql);
	sqlite3_soft_heap_limit64((sqlite3_int64)cache + im->sql_share / 4);
	sqlite3_hard_heap_limit64((sqlite3_int64)im->sql_share);
}

uint64_t sr_an_mem_limit;

/* "256M", "1.5G": the budget as --mem-limit would take it. */
const char *sr_an_mem_str(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (u < 3 && v >= 1024 && !(v & 1023)) {
		v >>= 10;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)v, units[u]);
	return buf;
}

/* The table that grew most, in words: "1000000 processes". */
static void what_grew(const struct an_imp *im, char *buf, size_t len)
{
	uint64_t ndurs = 0;
	struct {
		uint64_t n, bytes;
		const char *what;
	} t[] = {
		{ im->nprocs, im->nprocs * sizeof(struct an_proc), "processes" },
		{ im->nfiles, im->nfiles * sizeof(struct an_file), "files" },
		{ im->fdt.nlives, im->fdt.nlives * sizeof(struct sr_fdlife), "descriptors" },
		{ im->naggs + im->ntls, im->naggs * sizeof(struct an_agg) +
		  im->ntls * sizeof(struct an_tl), "time buckets" },
		{ 0, 0, "syscall durations" },
	}, *best = &t[0];

	for (size_t i = 0; i < im->nsys; i++)
		ndurs += im->sys[i].ndurs;
	t[4].n = ndurs;
	t[4].bytes = ndurs * sizeof(uint64_t);
	for (size_t i = 1; i < ARRAY_SIZE(t); i++)
		if (t[i].bytes > best->bytes)
			best = &t[i];
	snprintf(buf, len, "%llu %s", (unsigned long long)best->n, best->what);
}

/* Past the budget: one line naming it and what outgrew it. */
static void say_over(const struct an_imp *im, const char *last_file)
{
	char lim[32], grew[64];

	sr_an_mem_str(im->budget, lim, sizeof(lim));
	if (im->sql_nomem && !im->mem.over)
		snprintf(grew, sizeof(grew), "the database's share (%llu MiB)",
			 (unsigned long long)(im->sql_share >> 20));
	else if (im->reader_refused)
		snprintf(grew, sizeof(grew), "%llu MiB of reader buffers for one chunk",
			 (unsigned long long)((im->reader_refused + (1 << 20) - 1) >> 20));
	else
		what_grew(im, grew, sizeof(grew));
	sr_err("analyze: the import needs more than its memory budget (--mem-limit %s): "
	       "%s in %s; raise --mem-limit", lim, grew, last_file ? last_file : "the input");
}

/* One recording: its files one after another, each open only while read. */
static int import_set(struct an_imp *im, struct an_input **v, size_t n, int *nfailed,
		      const char **cur)
{
	struct an_input *last = NULL;
	int err = 0, begun = 0;

	for (size_t k = 0; k < n && !err; k++) {
		struct an_input *in = v[k];

		*cur = in->path;
		err = reopen_input(im, in);
		if (err == -ENOMEM && im->mem.over)
			break;
		if (err) {
			err = 0;
			++*nfailed;
			continue;
		}
		if (!begun) {
			err = begin_recording(im, in);
			begun = 1;
		}
		if (!err)
			err = import_trace(im, in, nfailed);
		close_input(in);
		last = in;
	}
	if (!err && begun)
		err = end_recording(im, last);
	return err;
}

int sr_an_import(struct sr_an_db *d, char **files, int n,
		 const struct sr_an_import_opts *o, int *nfailed)
{
	struct an_imp *im = calloc(1, sizeof(*im));
	struct an_input *in = calloc((size_t)n + 1, sizeof(*in));
	struct an_input **sorted = NULL;
	struct an_recset *sets = NULL;
	const char *cur = NULL;
	size_t nsets = 0;
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
	if (o && o->event_sink && im->event_rows) {
		im->sink = o->event_sink;
		im->sink_ctx = o->sink_ctx;
	}
	im->nr_sys = calloc(65536, sizeof(*im->nr_sys));
	if (!im->nr_sys) {
		free(im);
		free(in);
		return -ENOMEM;
	}
	im->fdt.ref = file_ref;
	im->fdt.ctx = im;
	/* every table that grows with the input counts its bytes in im->mem */
	im->fdt.mem = &im->mem;
	im->fdt.map.mem = &im->mem;
	im->sys_map.mem = im->file_map.mem = im->alive.mem = &im->mem;
	im->agg_map.mem = im->tl_map.mem = &im->mem;
	set_budget(im, o ? o->mem_limit : 0);
	err = imp_prepare(im);
	if (!err)
		err = imp_exec(im, "BEGIN");
	if (!err)
		err = load_sysnames(im);
	if (err)
		goto out;
	im->keep_durs = !sr_an_query_int(d->db, "SELECT COUNT(*) FROM sys_stats", 0);
	/*
	 * Once a database misses the rows of one import it misses them for
	 * good: '0' is never turned back into '1'.
	 */
	err = imp_exec(im, im->event_rows ?
		       "INSERT OR IGNORE INTO meta VALUES('event_rows', '1')" :
		       "INSERT OR REPLACE INTO meta VALUES('event_rows', '0')");
	if (err)
		goto out;
	sr_dbg("import: %s", im->event_rows ? "with event rows" :
	       "without event rows (the report does not read them)");
	im->next_event = sr_an_query_int(d->db, "SELECT IFNULL(MAX(id), 0) + 1 FROM events", 1);

	err = scan_inputs(im, in, files, n, nfailed);
	if (!err)
		err = group_inputs(in, n, &sorted, &sets, &nsets);

	/* one recording at a time, its files in rotation order */
	for (size_t i = 0; i < nsets && !err; i++) {
		err = import_set(im, sorted + sets[i].start, sets[i].n, nfailed, &cur);
		sr_dbg("import: recording read and written at %.3f s", now_s() - t0);
	}
	sr_dbg("import: records read and inserted in %.3f s", now_s() - t0);
	if (!err)
		err = write_sys_stats(im);
	sr_dbg("import: sys_stats at %.3f s", now_s() - t0);
	/*
	 * The parents are found through procs_pid: built first (it is in
	 * sr_an_index_sql, IF NOT EXISTS), the update is a lookup per process,
	 * not a scan of the table per process (20,000 snapshot processes took
	 * minutes).
	 */
	if (!err)
		err = imp_exec(im, "CREATE INDEX IF NOT EXISTS procs_pid ON procs(rec_id, pid)");
	if (!err)
		err = imp_exec(im,
			       "UPDATE procs SET parent_id = (SELECT q.proc_id FROM procs q"
			       " WHERE q.rec_id = procs.rec_id AND q.pid = procs.ppid"
			       " AND q.proc_id <> procs.proc_id"
			       " AND (q.start_ts IS NULL OR procs.start_ts IS NULL"
			       " OR q.start_ts <= procs.start_ts)"
			       " ORDER BY q.start_ts DESC LIMIT 1)"
			       " WHERE parent_id IS NULL AND ppid IS NOT NULL");
	sr_dbg("import: parents at %.3f s", now_s() - t0);
	if (!err)
		err = imp_exec(im, sr_an_index_sql);
	if (!err && (!o || o->query_indexes))
		err = imp_exec(im, sr_an_query_index_sql);
	sr_dbg("import: indexes at %.3f s", now_s() - t0);
	if (!err)
		err = imp_exec(im, "COMMIT");
	sr_dbg("import: commit and analyze at %.3f s", now_s() - t0);
	sr_dbg("import: tables peaked at %llu bytes", (unsigned long long)im->mem.peak);
out:
	if (err && im->budget && (im->mem.over || im->sql_nomem)) {
		say_over(im, cur);
		err = -ENOMEM;
	}
	if (err) {
		sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
		/* a database this run made holds nothing worth keeping: no half of one */
		d->discard = d->created && !d->tmpdir;
	}
	/* the tables are gone: the reports may have the whole budget */
	if (im->budget)
		sqlite3_hard_heap_limit64((sqlite3_int64)im->budget);
	for (int i = 0; i < n; i++) {
		close_input(&in[i]);
		if (in[i].recording_id)
			imp_free_str(im, in[i].recording_id, strlen(in[i].recording_id));
	}
	free(sorted);
	free(sets);
	free(in);
	imp_free(im);
	free(im);
	return err;
}

int sr_an_import_to_report(struct sr_an_db *d, char **files, int n,
			   const struct sr_an_import_opts *o, int *nfailed)
{
	int err = sr_an_import(d, files, n, o, nfailed);

	if (err == -EINTR)
		sr_err("interrupted");
	if (err)
		return err;
	return *nfailed == n && !sr_an_query_int(d->db, "SELECT COUNT(*) FROM traces", 0);
}
