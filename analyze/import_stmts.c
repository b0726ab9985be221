// SPDX-License-Identifier: GPL-2.0-only
/*
 * import_stmts.c - the importer's prepared statements, made once per import, and
 * the helpers that bind and run them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

void bind_text_or_null(sqlite3_stmt *st, int i, const char *s, size_t len)
{
	if (s)
		sqlite3_bind_text(st, i, s, (int)len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

int step_reset(struct an_imp *im, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc == SQLITE_NOMEM && im->budget) {
		/* SQLite reached its share of the budget: sr_an_import() says so */
		im->sql_nomem = 1;
		return -ENOMEM;
	}
	if (rc != SQLITE_DONE) {
		sr_err("database: %s", sqlite3_errmsg(im->db));
		return -EIO;
	}
	return 0;
}

int imp_exec(struct an_imp *im, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(im->db, sql, NULL, NULL, &msg);

	if (rc == SQLITE_NOMEM && im->budget) {
		im->sql_nomem = 1;
		sqlite3_free(msg);
		return -ENOMEM;
	}
	if (rc != SQLITE_OK) {
		sr_err("database: %s", msg ? msg : sqlite3_errmsg(im->db));
		sqlite3_free(msg);
		return -EIO;
	}
	return 0;
}

void bind_id_or_null(sqlite3_stmt *st, int i, int64_t base, uint32_t idx)
{
	if (idx == NONE)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, base + idx);
}

static const struct {
	size_t off;
	const char *sql;
} stmts[] = {
#define S(f, q) { offsetof(struct an_imp, f), q }
	S(ins_event, "INSERT INTO events VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
		     "?,?,?,?,?,?)"),
	S(ins_open, "INSERT INTO ev_open VALUES(?,?,?,?,?,?,?)"),
	S(ins_dup, "INSERT INTO ev_dup VALUES(?,?,?,?,?)"),
	S(ins_mmap, "INSERT INTO ev_mmap VALUES(?,?,?,?)"),
	S(ins_fork, "INSERT INTO ev_fork VALUES(?,?,?,?,?)"),
	S(ins_exit, "INSERT INTO ev_exit VALUES(?,?)"),
	S(ins_exec, "INSERT INTO ev_exec VALUES(?,?,?,?,?,?,?,?,?,?,?)"),
	S(ins_sys, "INSERT INTO ev_syscall VALUES(?,?,?,?,?,?,?)"),
	S(ins_lost, "INSERT INTO lost VALUES(?,?,?,?,?)"),
	S(ins_cgroup, "INSERT OR REPLACE INTO cgroups VALUES(?,?,?,?,?,?)"),
	S(ins_proc, "INSERT INTO procs VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
	S(ins_file, "INSERT INTO files VALUES(?,?,?,?,?,?)"),
	S(ins_fd, "INSERT INTO fds VALUES(?,?,?,?,?,?,?,?,?)"),
	S(ins_agg, "INSERT INTO agg VALUES(?,?,?,?,?,?,?,?,?,?,?)"),
	S(ins_mem, "INSERT INTO proc_mem VALUES(?,?,?,?,?,?,?,?,?)"),
	S(ins_trace, "INSERT INTO traces VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
	S(ins_tmeta, "INSERT INTO trace_meta VALUES(?,?,?)"),
	S(ins_sysname, "INSERT INTO syscalls VALUES(?,?,?)"),
	S(ins_tl, "INSERT INTO tl VALUES(?,?,?,?,?,?,?,?,?)"),
	S(ins_aggall, "INSERT INTO agg_all VALUES(?,?,?,?,?,?,?,?,?,?)"),
	S(ins_memev, "INSERT INTO mem_ev VALUES(?,?,?,?,?,?)"),
	S(ins_filestats, "INSERT INTO file_stats VALUES(?,?,?,?,?,?,?,?,?)"),
	S(ins_cgstats, "INSERT INTO cg_stats VALUES(?,?,?,?,?,?)"),
	S(ins_sched, "INSERT INTO ev_sched VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
	S(ins_netconn, "INSERT INTO net_connects VALUES(?,?,?,?,?,?)"),
	S(ins_netstat, "INSERT INTO net_stats VALUES(?,?,?,?,?,?,?,?,?,?)"),
	S(ins_neterr, "INSERT INTO net_errors VALUES(?,?,?,?,?)"),
	S(ins_threadcpu, "INSERT INTO thread_cpu VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
	S(ins_proccpu, "INSERT INTO proc_cpu VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
#undef S
};

/* INSERT INTO table VALUES (?,...), ... nrows times, ncols each */
static int prepare_batch(struct an_imp *im, const char *table, int ncols, int nrows,
			 sqlite3_stmt **st)
{
	size_t row = 2 * (size_t)ncols + 2, len = 32 + strlen(table) + (size_t)nrows * row;
	char *sql = malloc(len), *p;
	int err;

	if (!sql)
		return -ENOMEM;
	p = sql + sprintf(sql, "INSERT INTO %s VALUES", table);
	for (int r = 0; r < nrows; r++) {
		*p++ = r ? ',' : ' ';
		*p++ = '(';
		for (int c = 0; c < ncols; c++) {
			if (c)
				*p++ = ',';
			*p++ = '?';
		}
		*p++ = ')';
	}
	*p = 0;
	err = sr_an_prepare(im->db, sql, st);
	free(sql);
	return err;
}

int imp_prepare(struct an_imp *im)
{
	int err = 0;

	for (size_t i = 0; i < ARRAY_SIZE(stmts) && !err; i++)
		err = sr_an_prepare(im->db, stmts[i].sql,
				    (sqlite3_stmt **)((char *)im + stmts[i].off));
	if (!err)
		err = prepare_batch(im, "events", EV_COLS, EV_BATCH, &im->ins_events);
	if (!err)
		err = prepare_batch(im, "fds", FD_COLS, ROW_BATCH, &im->ins_fds);
	if (!err)
		err = prepare_batch(im, "agg", AGG_COLS, ROW_BATCH, &im->ins_aggs);
	if (!err)
		err = prepare_batch(im, "agg_all", AGGALL_COLS, ROW_BATCH, &im->ins_aggalls);
	return err;
}

void imp_free(struct an_imp *im)
{
	sqlite3_finalize(im->ins_events);
	sqlite3_finalize(im->ins_fds);
	sqlite3_finalize(im->ins_aggs);
	sqlite3_finalize(im->ins_aggalls);
	rec_reset(im);
	for (size_t i = 0; i < ARRAY_SIZE(stmts); i++)
		sqlite3_finalize(*(sqlite3_stmt **)((char *)im + stmts[i].off));
	for (size_t i = 0; i < im->nsys; i++) {
		free(im->sys[i].name);
		free(im->sys[i].durs);
	}
	free(im->sys);
	sr_map__clear(&im->sys_map);
	free(im->nr_sys);
}
