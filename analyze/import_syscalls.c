// SPDX-License-Identifier: GPL-2.0-only
/*
 * import_syscalls.c - syscall names interned over an import (the syscalls table),
 * the direction of each (from format/syscalls.c's table), and their statistics (sys_stats):
 * exact nearest-rank percentiles of durations, and where their time went (cpu class).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

/* --- syscall names --- */

/* Intern a name: returns its index, or NONE. */
static uint32_t sys_intern(struct an_imp *im, const char *name, int insert_db)
{
	size_t len = strlen(name);
	uint64_t h = sr_hash_bytes(name, len);
	uint32_t i = sr_map__get(&im->sys_map, h, len, 0);
	struct an_sys *s;

	if (i != NONE)
		return i;
	if (im->nsys + 1 >= SYS_ID_MAX ||
	    sr_grow_mem(&im->mem, &im->sys, &im->capsys, im->nsys + 1, sizeof(*im->sys)))
		return NONE;
	s = &im->sys[im->nsys];
	memset(s, 0, sizeof(*s));
	s->name = strdup(name);
	if (!s->name || sr_map__set(&im->sys_map, h, len, 0, (uint32_t)im->nsys))
		return NONE;
	/*
	 * Whether it reads or writes its descriptor's data: the syscall
	 * table's word (readlink is no read), the one place the importer
	 * decides it.  Every event's direction is an_sys.rw, and so is the
	 * rw column of the syscalls table that the reports read.
	 */
	s->rw = (uint8_t)sr_syscall_dir(name);
	s->close_range = !strcmp(name, "close_range");
	s->fcntl = !strcmp(name, "fcntl");
	s->net = net_kind(name);
	if (insert_db) {
		sqlite3_bind_int64(im->ins_sysname, 1, (int64_t)im->nsys + 1);
		sqlite3_bind_text(im->ins_sysname, 2, name, (int)len, SQLITE_STATIC);
		sqlite3_bind_int(im->ins_sysname, 3, s->rw);
		if (step_reset(im, im->ins_sysname))
			return NONE;
	}
	return (uint32_t)im->nsys++;
}

int load_sysnames(struct an_imp *im)
{
	sqlite3_stmt *st;
	int err = sr_an_prepare(im->db, "SELECT sys_id, name FROM syscalls ORDER BY sys_id", &st);

	if (err)
		return err;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *n = (const char *)sqlite3_column_text(st, 1);

		/* ids were given densely from 1 by earlier imports */
		if (!n || sqlite3_column_int64(st, 0) != (int64_t)im->nsys + 1 ||
		    sys_intern(im, n, 0) == NONE) {
			sqlite3_finalize(st);
			sr_err("database: the syscalls table is not as sysrec wrote it");
			return -EINVAL;
		}
	}
	sqlite3_finalize(st);
	return 0;
}

/* The sys index for nr in the current trace (the file's own table first). */
uint32_t sys_of(struct an_imp *im, unsigned int nr)
{
	const struct sr_syscall *sc;
	const char *name;
	char buf[32];
	uint32_t i;

	if (im->nr_sys[nr])
		return (uint32_t)(im->nr_sys[nr] - 1);
	name = sr_an_feed__syscall_name(im->feed, nr);
	if (!name || !*name) {
		sc = sr_syscall_by_nr(nr);
		if (sc)
			name = sc->name;
	}
	if (!name || !*name) {
		snprintf(buf, sizeof(buf), "syscall_%u", nr);
		name = buf;
	}
	i = sys_intern(im, name, 1);
	if (i != NONE)
		im->nr_sys[nr] = (int32_t)i + 1;
	return i;
}

/* --- sys_stats: exact nearest-rank percentiles over the whole database --- */

/* A call of a recording with the cpu class, from its events row (columns 4..8). */
static void sys_add_split(struct an_sys *y, int64_t dur, sqlite3_stmt *st)
{
	y->cpu_calls++;
	y->cpu_total = (uint64_t)sr_sum((int64_t)y->cpu_total, dur);
	y->off_cpu = (uint64_t)sr_sum((int64_t)y->off_cpu, sqlite3_column_int64(st, 4));
	y->blocked = (uint64_t)sr_sum((int64_t)y->blocked, sqlite3_column_int64(st, 5));
	y->runq = (uint64_t)sr_sum((int64_t)y->runq, sqlite3_column_int64(st, 6));
	y->vol = (uint64_t)sr_sum((int64_t)y->vol, sqlite3_column_int64(st, 7));
	y->invol = (uint64_t)sr_sum((int64_t)y->invol, sqlite3_column_int64(st, 8));
}

/* The cpu columns of a sys_stats row from @at: NULL when no call had the class. */
static void bind_sys_split(sqlite3_stmt *st, int at, const struct an_sys *y)
{
	int64_t off = (int64_t)y->off_cpu, runq = (int64_t)y->runq;

	if (!y->cpu_calls) {
		for (int k = 0; k < 6; k++)
			sqlite3_bind_null(st, at + k);
		return;
	}
	sqlite3_bind_int64(st, at, sr_clamp((int64_t)y->cpu_total - off - runq, 0, INT64_MAX));
	sqlite3_bind_int64(st, at + 1, off);
	sqlite3_bind_int64(st, at + 2, (int64_t)y->blocked);
	sqlite3_bind_int64(st, at + 3, runq);
	sqlite3_bind_int64(st, at + 4, (int64_t)y->vol);
	sqlite3_bind_int64(st, at + 5, (int64_t)y->invol);
}

int write_sys_stats(struct an_imp *im)
{
	sqlite3_stmt *st;
	int err;

	if (!im->keep_durs) {
		/* earlier imports are in the database: gather everything from there */
		if (!im->event_rows) {
			/* cannot happen: only a fresh temporary database goes without rows */
			sr_err("internal error: sys_stats needs event rows, which were not imported");
			return -EIO;
		}
		for (size_t i = 0; i < im->nsys; i++) {
			struct an_sys *y = &im->sys[i];

			y->calls = y->errors = y->total = y->max = 0;
			y->ndurs = 0;
			y->cpu_calls = y->cpu_total = y->off_cpu = y->blocked = 0;
			y->runq = y->vol = y->invol = 0;
		}
		err = sr_an_prepare(im->db, "SELECT sys_id, dur_ns, ret, on_cpu_ns, off_cpu_ns,"
				    " blocked_ns, runq_ns, vol_switches, invol_switches FROM events"
				    " WHERE sys_id IS NOT NULL", &st);
		if (err)
			return err;
		while (sqlite3_step(st) == SQLITE_ROW) {
			int64_t id = sqlite3_column_int64(st, 0);
			int64_t d = sqlite3_column_int64(st, 1);
			struct an_sys *y;

			if (id < 1 || (size_t)id > im->nsys)
				continue;
			y = &im->sys[id - 1];
			d = sr_clamp(d, 0, SR_DUR_MAX);
			y->calls++;
			y->errors += is_err(sqlite3_column_int64(st, 2));
			y->total = (uint64_t)sr_sum((int64_t)y->total, d);
			if ((uint64_t)d > y->max)
				y->max = (uint64_t)d;
			if (sr_grow_mem(&im->mem, &y->durs, &y->capdurs, y->ndurs + 1,
					sizeof(*y->durs))) {
				sqlite3_finalize(st);
				return -ENOMEM;
			}
			y->durs[y->ndurs++] = (uint64_t)d;
			if (sqlite3_column_type(st, 3) != SQLITE_NULL)
				sys_add_split(y, d, st);
		}
		sqlite3_finalize(st);
	}
	err = imp_exec(im, "DELETE FROM sys_stats");
	if (err)
		return err;
	err = sr_an_prepare(im->db, "INSERT INTO sys_stats VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)", &st);
	if (err)
		return err;
	for (size_t i = 0; i < im->nsys && !err; i++) {
		struct an_sys *y = &im->sys[i];

		if (!y->calls)
			continue;
		sr_sort_u64(y->durs, y->ndurs);
		sqlite3_bind_int64(st, 1, (int64_t)i + 1);
		sqlite3_bind_int64(st, 2, (int64_t)y->calls);
		sqlite3_bind_int64(st, 3, (int64_t)y->errors);
		sqlite3_bind_int64(st, 4, (int64_t)y->total);
		sqlite3_bind_int64(st, 5, (int64_t)y->max);
		sqlite3_bind_int64(st, 6, (int64_t)sr_percentile(y->durs, y->ndurs, 50));
		sqlite3_bind_int64(st, 7, (int64_t)sr_percentile(y->durs, y->ndurs, 99));
		bind_sys_split(st, 8, y);
		err = step_reset(im, st);
	}
	sqlite3_finalize(st);
	return err;
}
