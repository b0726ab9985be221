// SPDX-License-Identifier: GPL-2.0-only
/*
 * sqlite_floor.c - the floor for `sysrec analyze`'s import: how fast plain
 * SQLite takes the same rows with nothing else going on.
 *
 *   sqlite_floor TRACE DB [--rows N] [--nomutex] [--narrow]
 *
 * Reads the records of TRACE (the first N with --rows) through the format's
 * reader into memory (timed on its own: the decode figure), then inserts one
 * row per record into a table with the columns of analyze's `events` table
 * (analyze/an_db.c), on a database with the pragmas analyze uses (page_size
 * 16384, journal_mode OFF, synchronous OFF, 256 MiB cache, temp_store
 * MEMORY), through one prepared statement in one transaction, no index.  No
 * descriptor or file resolution, no per-type side tables, no aggregates: a
 * floor, not an import.
 *
 * Two variants show what bounds that floor: --nomutex configures SQLite
 * single-threaded without memory statistics (no mutex around every bind and
 * step, no allocation accounting); --narrow inserts 8 columns (id, ts, type,
 * pid, nr, ret, dur_ns, fd) instead of 23.  Prints
 *
 *   rows=N decode_s=S decode_cpu_s=S decode_rate=R insert_s=S insert_cpu_s=S insert_rate=R
 *
 * (rates per wall-clock second; *_cpu_s: the process's CPU time in that phase)
 *
 * Built by tests/bench/run.sh against $OUTPUT/libformat.a.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sysrec/event.h"
#include "sysrec/format.h"

/* One row of the events table, as analyze would bind it. */
struct row {
	uint64_t ts;
	uint64_t cgroup_id;
	int64_t ret;
	uint64_t dur_ns;
	uint64_t len;
	int64_t off;
	uint32_t pid, tid, uid, gid;
	int32_t fd;
	uint16_t type, cpu, flags, nr;
	uint8_t has_sys, has_fd, has_len;
	char comm[SR_COMM_LEN + 1];
};

static double clock_s(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static double cpu_s(void)
{
	return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static void fill(struct row *r, const struct sr_event *ev)
{
	const struct sr_sys *s = (const void *)(ev + 1);

	memset(r, 0, sizeof(*r));
	r->ts = ev->ts;
	r->type = ev->type;
	r->cpu = ev->cpu;
	r->flags = ev->flags;
	r->pid = ev->pid;
	r->tid = ev->tid;
	r->uid = ev->uid;
	r->gid = ev->gid;
	r->cgroup_id = ev->cgroup_id;
	memcpy(r->comm, ev->comm, SR_COMM_LEN);
	if (sr_type_has_sys(ev->type) && ev->size >= sizeof(*ev) + sizeof(*s)) {
		r->has_sys = 1;
		r->nr = s->nr;
		r->ret = s->ret;
		r->dur_ns = s->dur_ns;
	}
	switch (ev->type) {
	case SR_EV_RW:
		if (ev->size >= sizeof(struct sr_ev_rw)) {
			const struct sr_ev_rw *e = (const void *)ev;

			r->has_fd = r->has_len = 1;
			r->fd = e->fd;
			r->len = e->count;
			r->off = e->offset;
		}
		break;
	case SR_EV_CLOSE:
		if (ev->size >= sizeof(struct sr_ev_close)) {
			r->has_fd = 1;
			r->fd = ((const struct sr_ev_close *)ev)->fd;
		}
		break;
	case SR_EV_OPEN:
		r->has_fd = r->ret >= 0;
		r->fd = (int32_t)r->ret;
		break;
	case SR_EV_MMAP:
		if (ev->size >= sizeof(struct sr_ev_mmap)) {
			const struct sr_ev_mmap *e = (const void *)ev;

			r->has_fd = 1;
			r->has_len = 1;
			r->fd = e->fd;
			r->len = e->len;
			r->off = (int64_t)e->off;
		}
		break;
	default:
		break;
	}
}

static int exec_sql(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "sqlite_floor: %s: %s\n", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* The syscall part's nr, ret and dur_ns into columns @col.., or NULLs. */
static void bind_sys(sqlite3_stmt *st, int col, const struct row *r)
{
	if (r->has_sys) {
		sqlite3_bind_int(st, col, r->nr);
		sqlite3_bind_int64(st, col + 1, r->ret);
		sqlite3_bind_int64(st, col + 2, (sqlite3_int64)r->dur_ns);
	} else {
		for (int c = col; c <= col + 2; c++)
			sqlite3_bind_null(st, c);
	}
}

/* Row @i as the narrow table's: id, ts, type, pid, the syscall part, fd. */
static void bind_narrow(sqlite3_stmt *st, size_t i, const struct row *r)
{
	sqlite3_bind_int64(st, 1, (sqlite3_int64)i + 1);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)r->ts);
	sqlite3_bind_int(st, 3, r->type);
	sqlite3_bind_int64(st, 4, r->pid);
	bind_sys(st, 5, r);
	if (r->has_fd)
		sqlite3_bind_int(st, 8, r->fd);
	else
		sqlite3_bind_null(st, 8);
}

/* Row @i as analyze's events table has it, ids standing in for what it resolves. */
static void bind_wide(sqlite3_stmt *st, size_t i, const struct row *r)
{
	sqlite3_bind_int64(st, 1, (sqlite3_int64)i + 1);
	sqlite3_bind_int(st, 2, 1);
	sqlite3_bind_int(st, 3, 1);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)r->ts);
	sqlite3_bind_int(st, 5, r->type);
	sqlite3_bind_int(st, 6, r->cpu);
	sqlite3_bind_int(st, 7, r->flags);
	sqlite3_bind_int64(st, 8, r->pid);	/* proc_id: analyze resolves one; the pid stands in */
	sqlite3_bind_int64(st, 9, r->pid);
	sqlite3_bind_int64(st, 10, r->tid);
	sqlite3_bind_int64(st, 11, r->uid);
	sqlite3_bind_int64(st, 12, r->gid);
	sqlite3_bind_int64(st, 13, (sqlite3_int64)r->cgroup_id);
	sqlite3_bind_text(st, 14, r->comm, -1, SQLITE_STATIC);
	if (r->has_sys)
		sqlite3_bind_int(st, 15, r->nr + 1);
	else
		sqlite3_bind_null(st, 15);
	bind_sys(st, 16, r);
	if (r->has_fd) {
		sqlite3_bind_int(st, 19, r->fd);
		sqlite3_bind_int(st, 20, r->fd + 1);	/* file_id: stands in for the resolved file */
	} else {
		sqlite3_bind_null(st, 19);
		sqlite3_bind_null(st, 20);
	}
	if (r->has_len) {
		sqlite3_bind_int64(st, 21, (sqlite3_int64)r->len);
		sqlite3_bind_int64(st, 22, r->off);
	} else {
		sqlite3_bind_null(st, 21);
		sqlite3_bind_null(st, 22);
	}
	sqlite3_bind_null(st, 23);
}

int main(int argc, char **argv)
{
	static const char ddl[] =
		"PRAGMA page_size=16384;"
		"PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
		"PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;"
		"CREATE TABLE events(id INTEGER PRIMARY KEY, trace_id INTEGER,"
		" rec_id INTEGER, ts INTEGER, type INTEGER, cpu INTEGER, flags INTEGER,"
		" proc_id INTEGER, pid INTEGER, tid INTEGER, uid INTEGER, gid INTEGER,"
		" cgroup_id INTEGER, comm TEXT, sys_id INTEGER, nr INTEGER, ret INTEGER,"
		" dur_ns INTEGER, fd INTEGER, file_id INTEGER, len INTEGER, off INTEGER,"
		" arg INTEGER);";
	static const char narrow_ddl[] =
		"PRAGMA page_size=16384;"
		"PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
		"PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;"
		"CREATE TABLE events(id INTEGER PRIMARY KEY, ts INTEGER, type INTEGER,"
		" pid INTEGER, nr INTEGER, ret INTEGER, dur_ns INTEGER, fd INTEGER);";
	const char *trace = NULL, *dbpath = NULL;
	int nomutex = 0, narrow = 0;
	size_t max_rows = SIZE_MAX;
	struct sr_reader *rd = NULL;
	const struct sr_event *ev;
	struct row *rows = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	double t0, t1, t2, c0, c1, c2;
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--nomutex")) {
			nomutex = 1;
		} else if (!strcmp(argv[i], "--narrow")) {
			narrow = 1;
		} else if (!strcmp(argv[i], "--rows") && i + 1 < argc) {
			max_rows = strtoull(argv[++i], NULL, 10);
		} else if (!trace) {
			trace = argv[i];
		} else if (!dbpath) {
			dbpath = argv[i];
		} else {
			trace = NULL;
			break;
		}
	}
	if (!trace || !dbpath) {
		fprintf(stderr, "usage: sqlite_floor TRACE DB [--rows N] [--nomutex] [--narrow]\n");
		return 2;
	}
	if (nomutex) {
		sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	}
	t0 = now_s();
	c0 = cpu_s();
	err = sr_reader__open(&rd, trace, NULL, NULL);
	if (err) {
		fprintf(stderr, "sqlite_floor: cannot open %s: %s\n", trace, strerror(-err));
		return 1;
	}
	while (n < max_rows && (err = sr_reader__next(rd, &ev)) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			rows = realloc(rows, cap * sizeof(*rows));
			if (!rows) {
				fprintf(stderr, "sqlite_floor: out of memory\n");
				return 1;
			}
		}
		fill(&rows[n++], ev);
	}
	if (err < 0) {
		fprintf(stderr, "sqlite_floor: reading %s: %s\n", trace, strerror(-err));
		return 1;
	}
	sr_reader__free(rd);
	t1 = now_s();
	c1 = cpu_s();

	unlink(dbpath);
	if (sqlite3_open(dbpath, &db) != SQLITE_OK) {
		fprintf(stderr, "sqlite_floor: cannot open %s: %s\n", dbpath, sqlite3_errmsg(db));
		return 1;
	}
	if (exec_sql(db, narrow ? narrow_ddl : ddl) || exec_sql(db, "BEGIN"))
		return 1;
	if (sqlite3_prepare_v2(db, narrow ? "INSERT INTO events VALUES(?,?,?,?,?,?,?,?)" :
			       "INSERT INTO events VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "sqlite_floor: prepare: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (narrow)
			bind_narrow(st, i, &rows[i]);
		else
			bind_wide(st, i, &rows[i]);
		if (sqlite3_step(st) != SQLITE_DONE) {
			fprintf(stderr, "sqlite_floor: insert: %s\n", sqlite3_errmsg(db));
			return 1;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (exec_sql(db, "COMMIT"))
		return 1;
	sqlite3_close(db);
	t2 = now_s();
	c2 = cpu_s();
	printf("rows=%zu decode_s=%.3f decode_cpu_s=%.3f decode_rate=%.0f insert_s=%.3f insert_cpu_s=%.3f insert_rate=%.0f\n",
	       n, t1 - t0, c1 - c0, n / (t1 - t0), t2 - t1, c2 - c1, n / (t2 - t1));
	free(rows);
	return 0;
}
