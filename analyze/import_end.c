// SPDX-License-Identifier: GPL-2.0-only
/*
 * import_end.c - the rows written when a recording ends: procs, proc_mem,
 * files, fds, agg, agg_all, file_stats, cg_stats, tl (and through
 * import_threads.c those of the cpu class).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

/* by enum sr_fd_how */
static const char *const how_names[] = { "open", "dup", "inherit", "snapshot" };

static const char *const origin_names[] = { "snapshot", "fork", "seen" };

static int write_procs(struct an_imp *im)
{
	sqlite3_stmt *st = im->ins_proc, *sm = im->ins_mem;
	int64_t cmd = im->command_pid;

	for (size_t i = 0; i < im->nprocs; i++) {
		struct an_proc *p = &im->procs[i];
		int64_t id = im->proc_base + (int64_t)i;

		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, im->rec_id);
		sqlite3_bind_int64(st, 3, p->pid);
		/* the command's parent is the recorder, never in the trace: its fork came first */
		if (!p->ppid && cmd && p->pid == cmd) {
			sqlite3_bind_int64(st, 4, im->recorder_pid);
			cmd = 0;
		} else if (p->ppid)
			sqlite3_bind_int64(st, 4, p->ppid);
		else
			sqlite3_bind_null(st, 4);
		bind_id_or_null(st, 5, im->proc_base, p->parent);
		sqlite3_bind_text(st, 6, p->comm, -1, SQLITE_STATIC);
		bind_text_or_null(st, 7, p->exe, p->exe ? strlen(p->exe) : 0);
		bind_text_or_null(st, 8, p->cmdline, p->cmdline ? strlen(p->cmdline) : 0);
		if (p->argv)
			sqlite3_bind_blob(st, 9, p->argv, (int)p->argv_len, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 9);
		bind_text_or_null(st, 10, p->cwd, p->cwd ? strlen(p->cwd) : 0);
		sqlite3_bind_int64(st, 11, p->uid);
		sqlite3_bind_int64(st, 12, p->gid);
		sqlite3_bind_int64(st, 13, (int64_t)p->cgroup_id);
		if (p->has_start)
			sqlite3_bind_int64(st, 14, p->start_ts);
		else
			sqlite3_bind_null(st, 14);
		if (p->exited) {
			sqlite3_bind_int64(st, 15, p->exit_ts);
			sqlite3_bind_int64(st, 16, p->exit_code);
			sqlite3_bind_int64(st, 17, (p->exit_code >> 8) & 0xff);
			sqlite3_bind_int64(st, 18, p->exit_code & 0x7f);
		} else {
			for (int k = 15; k <= 18; k++)
				sqlite3_bind_null(st, k);
		}
		sqlite3_bind_int64(st, 19, p->threads);
		sqlite3_bind_int64(st, 20, p->execs);
		sqlite3_bind_text(st, 21, origin_names[p->origin], -1, SQLITE_STATIC);
		if (step_reset(im, st))
			return -EIO;
		if (!p->mmaps && !p->munmaps && !p->brks)
			continue;
		sqlite3_bind_int64(sm, 1, id);
		sqlite3_bind_int64(sm, 2, (int64_t)p->mmaps);
		sqlite3_bind_int64(sm, 3, (int64_t)p->mapped);
		sqlite3_bind_int64(sm, 4, (int64_t)p->munmaps);
		sqlite3_bind_int64(sm, 5, (int64_t)p->unmapped);
		sqlite3_bind_int64(sm, 6, p->peak);
		sqlite3_bind_int64(sm, 7, (int64_t)p->brks);
		sqlite3_bind_int64(sm, 8, (int64_t)p->brk_first);
		sqlite3_bind_int64(sm, 9, (int64_t)p->brk_last);
		if (step_reset(im, sm))
			return -EIO;
	}
	return 0;
}

static int write_files(struct an_imp *im)
{
	sqlite3_stmt *st = im->ins_file;
	char name[96];

	for (size_t i = 0; i < im->nfiles; i++) {
		struct an_file *f = &im->files[i];

		sqlite3_bind_int64(st, 1, im->file_base + (int64_t)i);
		sqlite3_bind_int64(st, 2, im->rec_id);
		sqlite3_bind_int64(st, 3, (int64_t)f->dev);
		sqlite3_bind_int64(st, 4, (int64_t)f->ino);
		if (f->path) {
			sqlite3_bind_text(st, 5, f->path, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 6, f->path, -1, SQLITE_STATIC);
		} else {
			snprintf(name, sizeof(name), "dev %" PRIu64 ":%" PRIu64 " ino %" PRIu64,
				 f->dev >> 20, f->dev & 0xfffff, f->ino);
			sqlite3_bind_null(st, 5);
			sqlite3_bind_text(st, 6, name, -1, SQLITE_STATIC);
		}
		if (step_reset(im, st))
			return -EIO;
	}
	return 0;
}

/*
 * Rows of the tables written when a recording ends go in ROW_BATCH at a
 * time through @batch (the rest one by one through @one), in order: that
 * halved the time of the 1.3M fds and 450k agg and agg_all rows of a
 * 10M-event trace here (2.6 s to 1.3 s).
 * @bind binds one row from parameter @at on.
 */
typedef void (*bind_row_fn)(struct an_imp *im, sqlite3_stmt *st, int at, const void *row);

static int write_rows(struct an_imp *im, sqlite3_stmt *batch, sqlite3_stmt *one, int ncols,
		      const void *rows, size_t n, size_t size, bind_row_fn bind)
{
	const char *p = rows;
	size_t i = 0;

	while (i < n) {
		int full = n - i >= ROW_BATCH;
		sqlite3_stmt *st = full ? batch : one;
		int k = full ? ROW_BATCH : 1;

		for (int r = 0; r < k; r++, i++)
			bind(im, st, r * ncols + 1, p + i * size);
		if (step_reset(im, st))
			return -EIO;
	}
	return 0;
}

static void bind_fd(struct an_imp *im, sqlite3_stmt *st, int at, const void *row)
{
	const struct sr_fdlife *l = row;

	sqlite3_bind_int64(st, at, im->rec_id);
	sqlite3_bind_int64(st, at + 1, im->proc_base + l->proc);
	sqlite3_bind_int64(st, at + 2, im->procs[l->proc].pid);
	sqlite3_bind_int64(st, at + 3, l->fd);
	bind_id_or_null(st, at + 4, im->file_base, l->file);
	sqlite3_bind_int64(st, at + 5, l->opened_ts);
	if (l->closed)
		sqlite3_bind_int64(st, at + 6, l->closed_ts);
	else
		sqlite3_bind_null(st, at + 6);
	sqlite3_bind_text(st, at + 7, how_names[l->how], -1, SQLITE_STATIC);
	sqlite3_bind_int(st, at + 8, l->cloexec);
}

static int write_fds(struct an_imp *im)
{
	return write_rows(im, im->ins_fds, im->ins_fd, FD_COLS, im->fdt.lives, im->fdt.nlives,
			  sizeof(*im->fdt.lives), bind_fd);
}

static void bind_agg(sqlite3_stmt *st, int i, const struct an_agg *g)
{
	sqlite3_bind_int64(st, i, (int64_t)g->events);
	sqlite3_bind_int64(st, i + 1, (int64_t)g->opens);
	sqlite3_bind_int64(st, i + 2, (int64_t)g->reads);
	sqlite3_bind_int64(st, i + 3, (int64_t)g->read_bytes);
	sqlite3_bind_int64(st, i + 4, (int64_t)g->writes);
	sqlite3_bind_int64(st, i + 5, (int64_t)g->write_bytes);
}

static void bind_agg_row(struct an_imp *im, sqlite3_stmt *st, int at, const void *row)
{
	const struct an_agg *g = row;

	sqlite3_bind_int64(st, at, im->rec_id);
	sqlite3_bind_int64(st, at + 1, g->bucket);
	sqlite3_bind_int64(st, at + 2, im->proc_base + g->proc);
	sqlite3_bind_int64(st, at + 3, (int64_t)g->cgroup);
	bind_id_or_null(st, at + 4, im->file_base, g->file);
	bind_agg(st, at + 5, g);
}

static int write_aggs(struct an_imp *im)
{
	return write_rows(im, im->ins_aggs, im->ins_agg, AGG_COLS, im->aggs, im->naggs,
			  sizeof(*im->aggs), bind_agg_row);
}

static void bind_aggall_row(struct an_imp *im, sqlite3_stmt *st, int at, const void *row)
{
	const struct an_agg *g = row;

	sqlite3_bind_int64(st, at, im->rec_id);
	sqlite3_bind_int64(st, at + 1, im->proc_base + g->proc);
	sqlite3_bind_int64(st, at + 2, (int64_t)g->cgroup);
	bind_id_or_null(st, at + 3, im->file_base, g->file);
	bind_agg(st, at + 4, g);
}

/*
 * Per file and per cgroup totals of a recording, for the reports that have
 * no filter at all: --top-io --by file|cgroup and --files read a few hundred
 * rows instead of grouping agg_all.  readers/writers count processes once
 * even when they did I/O from two cgroups.
 */
static int write_file_cg_stats(struct an_imp *im, const struct an_agg *sum, size_t n)
{
	struct sr_map fm = { .mem = &im->mem }, cm = { .mem = &im->mem }, seen = { .mem = &im->mem };
	uint64_t bytes = (n + 1) * (2 * sizeof(struct an_agg) + 2 * sizeof(uint64_t));
	struct an_agg *fs = NULL, *cs = NULL;
	uint64_t *readers = NULL, *writers = NULL;
	size_t nf = 0, nc = 0;
	int err = sr_mem__take(&im->mem, bytes);

	if (err)
		return err;
	fs = calloc(n + 1, sizeof(*fs));
	cs = calloc(n + 1, sizeof(*cs));
	readers = calloc(n + 1, sizeof(*readers));
	writers = calloc(n + 1, sizeof(*writers));
	if (!fs || !cs || !readers || !writers) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n && !err; i++) {
		const struct an_agg *g = &sum[i];
		uint32_t f = sr_map__get(&fm, g->file, 0, 0);
		uint32_t c = sr_map__get(&cm, g->cgroup, 0, 0);

		if (f == NONE) {
			f = (uint32_t)nf++;
			fs[f].file = g->file;
			if (sr_map__set(&fm, g->file, 0, 0, f))
				err = -ENOMEM;
		}
		if (c == NONE) {
			c = (uint32_t)nc++;
			cs[c].cgroup = g->cgroup;
			if (sr_map__set(&cm, g->cgroup, 0, 0, c))
				err = -ENOMEM;
		}
		fs[f].opens += g->opens;
		fs[f].reads += g->reads;
		fs[f].read_bytes += g->read_bytes;
		fs[f].writes += g->writes;
		fs[f].write_bytes += g->write_bytes;
		cs[c].reads += g->reads;
		cs[c].read_bytes += g->read_bytes;
		cs[c].writes += g->writes;
		cs[c].write_bytes += g->write_bytes;
		if (g->reads && sr_map__get(&seen, g->proc, g->file, 1) == NONE) {
			readers[f]++;
			if (sr_map__set(&seen, g->proc, g->file, 1, 1))
				err = -ENOMEM;
		}
		if (g->writes && sr_map__get(&seen, g->proc, g->file, 2) == NONE) {
			writers[f]++;
			if (sr_map__set(&seen, g->proc, g->file, 2, 1))
				err = -ENOMEM;
		}
	}
	for (size_t i = 0; i < nf && !err; i++) {
		sqlite3_stmt *st = im->ins_filestats;

		sqlite3_bind_int64(st, 1, im->rec_id);
		bind_id_or_null(st, 2, im->file_base, fs[i].file);
		sqlite3_bind_int64(st, 3, (int64_t)fs[i].opens);
		sqlite3_bind_int64(st, 4, (int64_t)readers[i]);
		sqlite3_bind_int64(st, 5, (int64_t)writers[i]);
		sqlite3_bind_int64(st, 6, (int64_t)fs[i].reads);
		sqlite3_bind_int64(st, 7, (int64_t)fs[i].read_bytes);
		sqlite3_bind_int64(st, 8, (int64_t)fs[i].writes);
		sqlite3_bind_int64(st, 9, (int64_t)fs[i].write_bytes);
		err = step_reset(im, st);
	}
	for (size_t i = 0; i < nc && !err; i++) {
		sqlite3_stmt *st = im->ins_cgstats;

		sqlite3_bind_int64(st, 1, im->rec_id);
		sqlite3_bind_int64(st, 2, (int64_t)cs[i].cgroup);
		sqlite3_bind_int64(st, 3, (int64_t)cs[i].reads);
		sqlite3_bind_int64(st, 4, (int64_t)cs[i].read_bytes);
		sqlite3_bind_int64(st, 5, (int64_t)cs[i].writes);
		sqlite3_bind_int64(st, 6, (int64_t)cs[i].write_bytes);
		err = step_reset(im, st);
	}
out:
	sr_map__clear(&fm);
	sr_map__clear(&cm);
	sr_map__clear(&seen);
	free(fs);
	free(cs);
	free(readers);
	free(writers);
	sr_mem__give(&im->mem, bytes);
	return err;
}

/* agg summed over time: what the reports read when no --since/--until is given */
static int write_agg_all(struct an_imp *im)
{
	struct sr_map m = { .mem = &im->mem };
	uint64_t bytes = (im->naggs + 1) * sizeof(struct an_agg);
	struct an_agg *sum = NULL;
	size_t n = 0;
	int err = sr_mem__take(&im->mem, bytes);

	if (err)
		return err;
	sum = malloc(bytes);
	if (!sum) {
		sr_mem__give(&im->mem, bytes);
		return -ENOMEM;
	}
	for (size_t i = 0; i < im->naggs; i++) {
		struct an_agg *g = &im->aggs[i], *o;
		uint32_t k = sr_map__get(&m, 0, ((uint64_t)g->proc << 32) | g->file, g->cgroup);

		if (k == NONE) {
			if (sr_map__set(&m, 0, ((uint64_t)g->proc << 32) | g->file, g->cgroup,
					(uint32_t)n)) {
				err = -ENOMEM;
				goto out;
			}
			sum[n++] = *g;
			continue;
		}
		o = &sum[k];
		o->events += g->events;
		o->opens += g->opens;
		o->reads += g->reads;
		o->read_bytes += g->read_bytes;
		o->writes += g->writes;
		o->write_bytes += g->write_bytes;
	}
	err = write_rows(im, im->ins_aggalls, im->ins_aggall, AGGALL_COLS, sum, n, sizeof(*sum),
			 bind_aggall_row);
	if (!err)
		err = write_file_cg_stats(im, sum, n);
out:
	free(sum);
	sr_mem__give(&im->mem, bytes);
	sr_map__clear(&m);
	return err;
}

static int write_tl(struct an_imp *im)
{
	sqlite3_stmt *st = im->ins_tl;

	for (size_t i = 0; i < im->ntls; i++) {
		struct an_tl *t = &im->tls[i];

		sqlite3_bind_int64(st, 1, im->rec_id);
		sqlite3_bind_int64(st, 2, t->bucket);
		sqlite3_bind_int64(st, 3, im->proc_base + t->proc);
		sqlite3_bind_int64(st, 4, (int64_t)t->cgroup);
		sqlite3_bind_int64(st, 5, (int64_t)t->events);
		sqlite3_bind_int64(st, 6, (int64_t)t->read_bytes);
		sqlite3_bind_int64(st, 7, (int64_t)t->write_bytes);
		sqlite3_bind_int64(st, 8, t->sys_ns);
		sqlite3_bind_int64(st, 9, t->sys_rate);
		if (step_reset(im, st))
			return -EIO;
	}
	return 0;
}

int end_recording(struct an_imp *im, struct an_input *last)
{
	sqlite3_stmt *st;
	int err;

	err = write_procs(im);
	if (!err)
		err = write_files(im);
	if (!err)
		err = write_fds(im);
	if (!err)
		err = write_aggs(im);
	if (!err)
		err = write_agg_all(im);
	if (!err)
		err = write_tl(im);
	if (!err)
		err = sched_end(im);
	if (!err)
		err = net_end(im);
	if (err)
		return err;
	err = sr_an_prepare(im->db, "UPDATE recordings SET start_ns = ?, stop_ns = ?,"
			    " first_event = ?, last_event = ?, ts_sorted = ?, events = ?,"
			    " lost = ?, cpu = ? WHERE rec_id = ?", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, im->start);
	if (last && last->has_stop && last->stop_ns >= im->start)
		sqlite3_bind_int64(st, 2, last->stop_ns);
	else if (im->rec_stop != INT64_MIN)
		sqlite3_bind_int64(st, 2, im->rec_stop);
	else
		sqlite3_bind_int64(st, 2, im->start);
	sqlite3_bind_int64(st, 3, im->first_event);
	sqlite3_bind_int64(st, 4, im->next_event - 1);
	sqlite3_bind_int(st, 5, im->ts_sorted);
	sqlite3_bind_int64(st, 6, (int64_t)im->rec_events);
	sqlite3_bind_int64(st, 7, (int64_t)(im->rec_lost & INT64_MAX));
	sqlite3_bind_int(st, 8, im->rec_cpu);
	sqlite3_bind_int64(st, 9, im->rec_id);
	err = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
	if (err)
		sr_err("database: %s", sqlite3_errmsg(im->db));
	sqlite3_finalize(st);
	return err;
}
