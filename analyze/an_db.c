// SPDX-License-Identifier: GPL-2.0-only
/*
 * an_db.c - the analysis database: creating or reopening it, its schema
 * (docs/SCHEMA.md is the reference; keep the two in step), the temporary
 * directory of a throw-away database, and small SQLite helpers.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysrec/format.h"
#include "sysrec/util.h"
#include "analyze.h"

/*
 * Tables.  Indexes come after the bulk insert (import*.c) because building
 * them once is cheaper than keeping them up to date row by row.  A table
 * filled only with event rows (sr_an_import_opts.event_rows) is named
 * "events" or "ev_*": sr_an_is_event_table() goes by that name.
 */
static const char schema_sql[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);\n"
	"CREATE TABLE recordings(rec_id INTEGER PRIMARY KEY, recording_id TEXT,"
	" host TEXT, kernel TEXT, machine TEXT, ncpus INTEGER, start_ns INTEGER,"
	" stop_ns INTEGER, clock_offset_ns INTEGER, cgroup2_mount TEXT,"
	" first_event INTEGER, last_event INTEGER, ts_sorted INTEGER,"
	" events INTEGER, lost INTEGER, cpu INTEGER);\n"
	"CREATE TABLE traces(trace_id INTEGER PRIMARY KEY, rec_id INTEGER,"
	" path TEXT, recording_id TEXT, rotation_index INTEGER, host TEXT,"
	" start_ns INTEGER, stop_ns INTEGER, first_ts INTEGER, last_ts INTEGER,"
	" events INTEGER, lost INTEGER, unknown_records INTEGER,"
	" bad_chunks INTEGER, complete INTEGER, file_bytes INTEGER);\n"
	"CREATE TABLE trace_meta(trace_id INTEGER, key TEXT, value TEXT);\n"
	"CREATE TABLE lost(rec_id INTEGER, trace_id INTEGER, ts INTEGER,"
	" cpu INTEGER, count INTEGER);\n"
	"CREATE TABLE event_types(type INTEGER PRIMARY KEY, name TEXT);\n"
	"CREATE TABLE syscalls(sys_id INTEGER PRIMARY KEY, name TEXT UNIQUE,"
	" rw INTEGER);\n"
	"CREATE TABLE procs(proc_id INTEGER PRIMARY KEY, rec_id INTEGER,"
	" pid INTEGER, ppid INTEGER, parent_id INTEGER, comm TEXT, exe TEXT,"
	" cmdline TEXT, argv BLOB, cwd TEXT, uid INTEGER, gid INTEGER,"
	" cgroup_id INTEGER, start_ts INTEGER, exit_ts INTEGER,"
	" exit_code INTEGER, exit_status INTEGER, exit_signal INTEGER,"
	" threads INTEGER, execs INTEGER, origin TEXT);\n"
	"CREATE TABLE files(file_id INTEGER PRIMARY KEY, rec_id INTEGER,"
	" dev INTEGER, ino INTEGER, path TEXT, name TEXT);\n"
	"CREATE TABLE fds(rec_id INTEGER, proc_id INTEGER, pid INTEGER,"
	" fd INTEGER, file_id INTEGER, opened_ts INTEGER, closed_ts INTEGER,"
	" how TEXT, cloexec INTEGER);\n"
	"CREATE TABLE cgroups(rec_id INTEGER, id INTEGER, path TEXT,"
	" runtime TEXT, container_id TEXT, unit TEXT, PRIMARY KEY(rec_id, id));\n"
	"CREATE TABLE events(id INTEGER PRIMARY KEY, trace_id INTEGER,"
	" rec_id INTEGER, ts INTEGER, type INTEGER, cpu INTEGER, flags INTEGER,"
	" proc_id INTEGER, pid INTEGER, tid INTEGER, uid INTEGER, gid INTEGER,"
	" cgroup_id INTEGER, comm TEXT, sys_id INTEGER, nr INTEGER, ret INTEGER,"
	" dur_ns INTEGER, fd INTEGER, file_id INTEGER, len INTEGER, off INTEGER,"
	" arg INTEGER, on_cpu_ns INTEGER, off_cpu_ns INTEGER, blocked_ns INTEGER,"
	" runq_ns INTEGER, vol_switches INTEGER, invol_switches INTEGER);\n"
	"CREATE TABLE ev_open(event_id INTEGER PRIMARY KEY, dirfd INTEGER,"
	" flags INTEGER, mode INTEGER, resolve INTEGER, name TEXT, path TEXT);\n"
	"CREATE TABLE ev_dup(event_id INTEGER PRIMARY KEY, newfd INTEGER,"
	" cmd INTEGER, flags INTEGER, arg INTEGER);\n"
	"CREATE TABLE ev_mmap(event_id INTEGER PRIMARY KEY, addr INTEGER,"
	" prot INTEGER, flags INTEGER);\n"
	"CREATE TABLE ev_fork(event_id INTEGER PRIMARY KEY, child_pid INTEGER,"
	" child_tid INTEGER, clone_flags INTEGER, child_proc_id INTEGER);\n"
	"CREATE TABLE ev_exit(event_id INTEGER PRIMARY KEY, exit_code INTEGER);\n"
	"CREATE TABLE ev_exec(event_id INTEGER PRIMARY KEY, proc_id INTEGER,"
	" old_tid INTEGER, argc INTEGER, dev INTEGER, ino INTEGER,"
	" file_id INTEGER, filename TEXT, path TEXT, cmdline TEXT, argv BLOB);\n"
	"CREATE TABLE ev_syscall(event_id INTEGER PRIMARY KEY, arg0 INTEGER,"
	" arg1 INTEGER, arg2 INTEGER, arg3 INTEGER, arg4 INTEGER, arg5 INTEGER);\n"
	"CREATE TABLE agg(rec_id INTEGER, bucket INTEGER, proc_id INTEGER,"
	" cgroup_id INTEGER, file_id INTEGER, events INTEGER, opens INTEGER,"
	" reads INTEGER, read_bytes INTEGER, writes INTEGER, write_bytes INTEGER);\n"
	"CREATE TABLE agg_all(rec_id INTEGER, proc_id INTEGER, cgroup_id INTEGER,"
	" file_id INTEGER, events INTEGER, opens INTEGER, reads INTEGER,"
	" read_bytes INTEGER, writes INTEGER, write_bytes INTEGER);\n"
	"CREATE TABLE file_stats(rec_id INTEGER, file_id INTEGER, opens INTEGER,"
	" readers INTEGER, writers INTEGER, reads INTEGER, read_bytes INTEGER,"
	" writes INTEGER, write_bytes INTEGER);\n"
	"CREATE TABLE cg_stats(rec_id INTEGER, cgroup_id INTEGER, reads INTEGER,"
	" read_bytes INTEGER, writes INTEGER, write_bytes INTEGER);\n"
	"CREATE TABLE tl(rec_id INTEGER, bucket INTEGER, proc_id INTEGER,"
	" cgroup_id INTEGER, events INTEGER, read_bytes INTEGER,"
	" write_bytes INTEGER, sys_ns INTEGER, sys_rate INTEGER);\n"
	"CREATE TABLE mem_ev(proc_id INTEGER, rec_id INTEGER, ts INTEGER,"
	" type INTEGER, ret INTEGER, len INTEGER);\n"
	"CREATE TABLE sys_stats(sys_id INTEGER PRIMARY KEY, calls INTEGER,"
	" errors INTEGER, total_ns INTEGER, max_ns INTEGER, p50_ns INTEGER,"
	" p99_ns INTEGER, on_cpu_ns INTEGER, off_cpu_ns INTEGER, blocked_ns INTEGER,"
	" runq_ns INTEGER, vol_switches INTEGER, invol_switches INTEGER);\n"
	"CREATE TABLE proc_mem(proc_id INTEGER PRIMARY KEY, mmaps INTEGER,"
	" mapped INTEGER, munmaps INTEGER, unmapped INTEGER, peak INTEGER,"
	" brks INTEGER, brk_first INTEGER, brk_last INTEGER);\n"
	/* the net class (import_net.c): per remote endpoint and process */
	"CREATE TABLE net_stats(rec_id INTEGER, proc_id INTEGER, endpoint TEXT,"
	" connects INTEGER, accepts INTEGER, sends INTEGER, recvs INTEGER,"
	" sent_bytes INTEGER, recv_bytes INTEGER, errors INTEGER);\n"
	"CREATE TABLE net_errors(rec_id INTEGER, proc_id INTEGER, endpoint TEXT,"
	" errno INTEGER, count INTEGER);\n"
	"CREATE TABLE net_connects(rec_id INTEGER, proc_id INTEGER, endpoint TEXT,"
	" ts INTEGER, dur_ns INTEGER, ret INTEGER);\n"
	/* the cpu class (import_sched.c, import_threads.c) */
	"CREATE TABLE ev_sched(rec_id INTEGER, trace_id INTEGER, ts INTEGER,"
	" type INTEGER, cpu INTEGER, flags INTEGER, pid INTEGER, tid INTEGER,"
	" comm TEXT, proc_id INTEGER, next_pid INTEGER, next_tid INTEGER,"
	" next_comm TEXT, next_proc_id INTEGER, prev_state INTEGER,"
	" prev_state_raw INTEGER, target_cpu INTEGER, wait_ns INTEGER);\n"
	"CREATE TABLE thread_cpu(rec_id INTEGER, proc_id INTEGER, pid INTEGER,"
	" tid INTEGER, comm TEXT, on_cpu_ns INTEGER, runq_ns INTEGER,"
	" timeslices INTEGER, vol_switches INTEGER, invol_switches INTEGER,"
	" off_cpu_ns INTEGER, blocked_ns INTEGER, runq_waits INTEGER,"
	" runq_p50_ns INTEGER, runq_p99_ns INTEGER, runq_max_ns INTEGER);\n"
	"CREATE TABLE proc_cpu(proc_id INTEGER PRIMARY KEY, rec_id INTEGER,"
	" threads INTEGER, on_cpu_ns INTEGER, runq_ns INTEGER, timeslices INTEGER,"
	" vol_switches INTEGER, invol_switches INTEGER, off_cpu_ns INTEGER,"
	" blocked_ns INTEGER, runq_waits INTEGER, runq_p50_ns INTEGER,"
	" runq_p99_ns INTEGER, runq_max_ns INTEGER);\n"
	/* views for the common joins */
	"CREATE VIEW events_v AS SELECT e.*, e.ts - IFNULL(e.dur_ns, 0) AS ts_start_ns,"
	" t.name AS type_name,"
	" s.name AS syscall, f.name AS path, r.host AS host"
	" FROM events e LEFT JOIN event_types t ON t.type = e.type"
	" LEFT JOIN syscalls s ON s.sys_id = e.sys_id"
	" LEFT JOIN files f ON f.file_id = e.file_id"
	" LEFT JOIN recordings r ON r.rec_id = e.rec_id;\n"
	"CREATE VIEW io AS SELECT e.id, e.rec_id, e.ts, e.proc_id, e.pid, e.tid,"
	" e.comm, s.name AS syscall, e.fd, e.file_id, f.name AS path,"
	" CASE s.rw WHEN 1 THEN 'read' WHEN 2 THEN 'write' END AS dir,"
	" e.ret, CASE WHEN e.ret > 0 THEN MIN(e.ret, 2147479552) ELSE 0 END AS bytes,"
	" e.dur_ns"
	" FROM events e LEFT JOIN syscalls s ON s.sys_id = e.sys_id"
	" LEFT JOIN files f ON f.file_id = e.file_id WHERE e.type = 5;\n"
	"CREATE VIEW procs_v AS SELECT p.*, r.host AS host, c.path AS cgroup,"
	" c.runtime AS runtime, c.container_id AS container_id, c.unit AS unit,"
	" p.exit_ts - p.start_ts AS duration_ns"
	" FROM procs p LEFT JOIN recordings r ON r.rec_id = p.rec_id"
	" LEFT JOIN cgroups c ON c.rec_id = p.rec_id AND c.id = p.cgroup_id;\n"
	"CREATE VIEW fds_v AS SELECT d.*, p.comm AS comm, f.name AS path"
	" FROM fds d LEFT JOIN procs p ON p.proc_id = d.proc_id"
	" LEFT JOIN files f ON f.file_id = d.file_id;\n"
	"CREATE VIEW file_io AS SELECT f.file_id, f.rec_id, f.name AS path,"
	" SUM(a.reads) AS reads, SUM(a.read_bytes) AS read_bytes,"
	" SUM(a.writes) AS writes, SUM(a.write_bytes) AS write_bytes"
	" FROM agg_all a JOIN files f ON f.file_id = a.file_id GROUP BY f.file_id;\n"
	"CREATE VIEW proc_io AS SELECT p.proc_id, p.rec_id, p.pid, p.comm,"
	" SUM(a.reads) AS reads, SUM(a.read_bytes) AS read_bytes,"
	" SUM(a.writes) AS writes, SUM(a.write_bytes) AS write_bytes"
	" FROM agg_all a JOIN procs p ON p.proc_id = a.proc_id GROUP BY p.proc_id;\n"
	"CREATE VIEW syscall_stats AS SELECT s.name AS syscall, t.*"
	" FROM sys_stats t JOIN syscalls s ON s.sys_id = t.sys_id;\n";

/* Built after each import (IF NOT EXISTS: a later import keeps them). */
const char sr_an_index_sql[] =
	"CREATE INDEX IF NOT EXISTS procs_pid ON procs(rec_id, pid);\n"
	"CREATE INDEX IF NOT EXISTS procs_comm ON procs(comm);\n"
	"CREATE INDEX IF NOT EXISTS files_path ON files(path);\n"
	"CREATE INDEX IF NOT EXISTS files_key ON files(rec_id, dev, ino);\n"
	"CREATE INDEX IF NOT EXISTS agg_all_proc ON agg_all(proc_id);\n"
	"CREATE INDEX IF NOT EXISTS tl_bucket ON tl(rec_id, bucket);\n"
	"CREATE INDEX IF NOT EXISTS mem_ev_proc ON mem_ev(proc_id, ts);\n"
	"CREATE INDEX IF NOT EXISTS traces_rec ON traces(rec_id, rotation_index);\n"
	"CREATE INDEX IF NOT EXISTS thread_cpu_proc ON thread_cpu(proc_id);\n";

/*
 * On tables that no report reads, only queries: built for a kept database
 * and for --sql.  Sorting a million descriptor lifetimes twice was a third
 * of the import of a temporary database for the other reports.
 */
const char sr_an_query_index_sql[] =
	"CREATE INDEX IF NOT EXISTS fds_proc ON fds(proc_id, fd);\n"
	"CREATE INDEX IF NOT EXISTS fds_file ON fds(file_id);\n"
	"CREATE INDEX IF NOT EXISTS ev_exec_proc ON ev_exec(proc_id);\n";

#define SR_TYPE_NAME_(N, n, nr, sys, origin)	[SR_EV_##N] = #n,
static const char *const type_names[] = {
	SR_EVENT_TYPES(SR_TYPE_NAME_)
};
#undef SR_TYPE_NAME_

int sr_an_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		sr_err("database: %s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -EIO;
	}
	return 0;
}

int sr_an_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		sr_err("database: %s", sqlite3_errmsg(db));
		*st = NULL;
		return -EIO;
	}
	return 0;
}

int64_t sr_an_query_int(sqlite3 *db, const char *sql, int64_t def)
{
	sqlite3_stmt *st;
	int64_t v = def;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return def;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* cg_under(path, mount, filter): see sr_cg_under() */
static void fn_cg_under(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *path = (const char *)sqlite3_value_text(argv[0]);
	const char *mount = (const char *)sqlite3_value_text(argv[1]);
	const char *filter = (const char *)sqlite3_value_text(argv[2]);

	(void)argc;
	sqlite3_result_int(ctx, path && filter ? sr_cg_under(path, mount, filter) : 0);
}

/* Ctrl-C during a long query: SQLite stops it with SQLITE_INTERRUPT. */
static int on_progress(void *ctx)
{
	(void)ctx;
	return sr_an_stop != 0;
}

int sr_an_db_functions(sqlite3 *db)
{
	sqlite3_progress_handler(db, 100000, on_progress, NULL);
	if (sqlite3_create_function(db, "cg_under", 3,
				    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				    fn_cg_under, NULL, NULL) != SQLITE_OK) {
		sr_err("database: %s", sqlite3_errmsg(db));
		return -EIO;
	}
	return 0;
}

static int create_schema(sqlite3 *db)
{
	sqlite3_stmt *st;
	char sql[128];
	int err;

	err = sr_an_exec(db, "PRAGMA page_size=16384; BEGIN;");
	if (!err)
		err = sr_an_exec(db, schema_sql);
	if (err)
		return err;
	err = sr_an_prepare(db, "INSERT INTO event_types VALUES(?, ?)", &st);
	if (err)
		return err;
	for (size_t i = 0; i < ARRAY_SIZE(type_names); i++) {
		if (!type_names[i])
			continue;
		sqlite3_bind_int(st, 1, (int)i);
		sqlite3_bind_text(st, 2, type_names[i], -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO meta VALUES('schema_version', '%d');"
		 "INSERT INTO meta VALUES('sysrec_version', '" SYSREC_VERSION "');",
		 SR_AN_SCHEMA_VERSION);
	err = sr_an_exec(db, sql);
	if (!err) {
		snprintf(sql, sizeof(sql), "PRAGMA application_id=%d; PRAGMA user_version=%d;",
			 SR_AN_APP_ID, SR_AN_SCHEMA_VERSION);
		err = sr_an_exec(db, sql);
	}
	if (!err)
		err = sr_an_exec(db, "COMMIT");
	return err;
}

/* 1 when the file starts like a SQLite database. */
int sr_an_is_event_table(const char *name)
{
	return !strcasecmp(name, "events") || !strncasecmp(name, "ev_", 3);
}

static int looks_like_sqlite(int fd)
{
	char hdr[16];
	ssize_t n = pread(fd, hdr, sizeof(hdr), 0);

	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(hdr) && !memcmp(hdr, "SQLite format 3", 16);
}

/*
 * Whether a file that SQLite may write is the caller's alone: a database
 * (or a journal SQLite would roll back into it) that another user owns or
 * may write could hand that user the root-only data of the traces.
 */
static int check_private(const char *path, const struct stat *sb)
{
	if (!S_ISREG(sb->st_mode)) {
		sr_err("%s: not a regular file", path);
		return -EINVAL;
	}
	if (sb->st_uid != geteuid()) {
		sr_err("%s: owned by uid %u, not by the caller (uid %u): refused",
		       path, (unsigned)sb->st_uid, (unsigned)geteuid());
		return -EPERM;
	}
	if (sb->st_mode & (S_IWGRP | S_IWOTH)) {
		sr_err("%s: writable by %s (mode %04o): refused", path,
		       sb->st_mode & S_IWOTH ? "others" : "its group",
		       (unsigned)(sb->st_mode & 07777));
		return -EPERM;
	}
	if (sb->st_nlink != 1) {
		sr_err("%s: has %lu hard links: refused", path, (unsigned long)sb->st_nlink);
		return -EPERM;
	}
	return 0;
}

/* The journal and WAL files SQLite would read back into DB, where present. */
static int check_side_files(const char *path)
{
	static const char *const sfx[] = { "-journal", "-wal", "-shm" };
	struct stat sb;
	char *p;
	int err = 0;

	for (size_t i = 0; i < ARRAY_SIZE(sfx) && !err; i++) {
		if (asprintf(&p, "%s%s", path, sfx[i]) < 0)
			return -ENOMEM;
		if (!lstat(p, &sb)) {
			if (S_ISLNK(sb.st_mode)) {
				sr_err("%s: a symbolic link: refused", p);
				err = -ELOOP;
			} else {
				err = check_private(p, &sb);
			}
		}
		free(p);
	}
	return err;
}

/*
 * Whether a descriptor other than @self holds the file @self is open on:
 * after sqlite3_open_v2(), the file SQLite opened by name is the one that
 * was checked through @self, or the name was swapped in between.
 */
static int held_elsewhere(int self)
{
	struct stat mine, sb;
	struct dirent *de;
	DIR *dir;
	int found = 0;

	if (fstat(self, &mine))
		return -errno;
	dir = opendir("/proc/self/fd");
	if (!dir)
		return -errno;
	while (!found && (de = readdir(dir))) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);

		if (*end || end == de->d_name || fd == self || fd == dirfd(dir))
			continue;
		found = !fstat((int)fd, &sb) && sb.st_dev == mine.st_dev &&
			sb.st_ino == mine.st_ino;
	}
	closedir(dir);
	return found;
}

/*
 * Opens or creates a kept database at @path without following a link,
 * checks that it is the caller's alone, and sets *exists when it holds a
 * database already.  Returns the open descriptor, or -errno (said).
 */
static int open_kept(const char *path, int *exists)
{
	struct stat sb;
	int fd, err, r;

	/* private like the traces it copies: 0600 whatever the umask */
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0) {
		*exists = 0;
		return fd;
	}
	if (errno == EEXIST)
		fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		err = -errno;
		if (errno == ELOOP)
			/* a link could point anywhere: never create or write through one */
			sr_err("%s: a symbolic link: refused (give the real path)", path);
		else
			sr_err("cannot open %s: %s", path, strerror(errno));
		return err;
	}
	err = fstat(fd, &sb) ? -errno : check_private(path, &sb);
	if (!err)
		err = check_side_files(path);
	if (!err) {
		r = looks_like_sqlite(fd);
		if (r < 0) {
			err = r;
			sr_err("cannot read %s: %s", path, strerror(-r));
		} else if (!r) {
			err = -EINVAL;
			sr_err("%s: %s, not a sysrec database: refused", path,
			       sb.st_size ? "another kind of file" : "an empty file");
		}
	}
	if (err) {
		close(fd);
		return err;
	}
	*exists = 1;
	return fd;
}

static int check_existing(struct sr_an_db *d)
{
	int64_t app = sr_an_query_int(d->db, "PRAGMA application_id", 0);
	int64_t ver = sr_an_query_int(d->db, "PRAGMA user_version", 0);

	if (app != SR_AN_APP_ID) {
		sr_err("%s: not a sysrec database", d->path);
		return -EINVAL;
	}
	if (ver != SR_AN_SCHEMA_VERSION) {
		sr_err("%s: sysrec database of schema version %lld, this sysrec reads %d",
		       d->path, (long long)ver, SR_AN_SCHEMA_VERSION);
		return -EPROTONOSUPPORT;
	}
	return 0;
}

int sr_an_db__open(struct sr_an_db **dp, const char *path)
{
	struct sr_an_db *d = calloc(1, sizeof(*d));
	int exists = 0, kept = -1, err, r;

	*dp = NULL;
	if (!d)
		return -ENOMEM;
	if (!path) {
		const char *t = getenv("TMPDIR");
		char *dir;

		if (!t || !*t)
			t = "/tmp";
		if (asprintf(&dir, "%s/sysrec-analyze.XXXXXX", t) < 0) {
			free(d);
			return -ENOMEM;
		}
		if (!mkdtemp(dir)) {
			err = -errno;
			sr_err("cannot create a temporary directory in %s: %s", t, strerror(errno));
			free(dir);
			free(d);
			return err;
		}
		d->tmpdir = dir;
		if (asprintf(&d->path, "%s/analyze.db", dir) < 0) {
			d->path = NULL;
			sr_an_db__free(d);
			return -ENOMEM;
		}
	} else {
		d->path = strdup(path);
		if (!d->path) {
			free(d);
			return -ENOMEM;
		}
		kept = open_kept(path, &exists);
		if (kept < 0) {
			sr_an_db__free(d);
			return kept;
		}
	}
	if (sqlite3_open_v2(d->path, &d->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW,
			    NULL) != SQLITE_OK) {
		sr_err("cannot open %s: %s", d->path,
		       d->db ? sqlite3_errmsg(d->db) : "out of memory");
		if (kept >= 0) {
			close(kept);
			if (!exists)
				unlink(d->path);
		}
		sr_an_db__free(d);
		return -EIO;
	}
	if (kept >= 0) {
		r = held_elsewhere(kept);
		close(kept);
		if (r <= 0) {
			sr_err("%s: %s", d->path, r < 0 ? strerror(-r) :
			       "replaced while it was opened: refused");
			sr_an_db__free(d);
			return r < 0 ? r : -EAGAIN;
		}
	}
	sqlite3_extended_result_codes(d->db, 0);
	/*
	 * Speed over durability: a database is rebuilt from its traces, so an
	 * interrupted import is redone rather than protected by a journal.
	 * Set before the schema is written, so that no journal file is ever
	 * made beside the database.
	 */
	err = sr_an_exec(d->db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
			 "PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;");
	/*
	 * Into a database that holds earlier imports, a failed import (past
	 * its memory budget, interrupted) must roll back: without a journal
	 * SQLite cannot, once its cache has spilled into the file.  In memory,
	 * the journal holds only the pages of the earlier imports that the
	 * import changes.
	 */
	if (!err && exists)
		err = sr_an_exec(d->db, "PRAGMA journal_mode=MEMORY");
	if (!err && exists) {
		err = check_existing(d);
	} else if (!err) {
		err = create_schema(d->db);
		d->created = 1;
	}
	if (!err)
		err = sr_an_db_functions(d->db);
	if (err) {
		/* a database this call created and could not fill is no database */
		if (!exists && !d->tmpdir)
			unlink(d->path);
		sr_an_db__free(d);
		return err;
	}
	*dp = d;
	return 0;
}

void sr_an_db__free(struct sr_an_db *d)
{
	if (!d)
		return;
	sqlite3_close_v2(d->db);
	if (d->discard && d->path && !d->tmpdir)
		unlink(d->path);
	if (d->tmpdir) {
		char *j;

		if (d->path)
			unlink(d->path);
		/* the journal, should SQLite have left one */
		if (d->path && asprintf(&j, "%s-journal", d->path) >= 0) {
			unlink(j);
			free(j);
		}
		rmdir(d->tmpdir);
		free(d->tmpdir);
	}
	free(d->path);
	free(d);
}
