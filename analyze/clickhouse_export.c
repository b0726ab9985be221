// SPDX-License-Identifier: GPL-2.0-only
/*
 * clickhouse_export.c - sysrec export TRACE... --clickhouse URL.
 *
 * The traces are imported as analyze imports them (into a temporary SQLite
 * database, so that processes, files, descriptors and the tables the reports
 * read are the very ones of the SQLite path), then every table is streamed
 * to ClickHouse in RowBinary batches of a bounded size.  The rows of events,
 * most of the data, skip SQLite: the importer hands them to sink_rows(),
 * which sends them while the import goes on.
 *
 * Exactly once (docs/SCHEMA.md, "ClickHouse"): each export of a recording
 * gets a fresh random rec_id, which every row it writes carries.  Its row of
 * `recordings` is written last, when every other table of the export is
 * in: a recording counts only through that row, and readers take, per
 * recording, the latest export that has one.  So an export killed half-way
 * is invisible, one done twice shows once, and exports of many hosts at
 * once never touch each other's rows.  The rows of superseded and unfinished
 * exports of a recording are deleted (an ALTER ... DELETE, which ClickHouse
 * runs in the background) once a newer export of it is complete.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "sysrec/util.h"
#include "clickhouse.h"
#include "report.h"

/*
 * A table: its columns as "name T" pairs, T the type code: R rec_id
 * (UInt64, the export's id for the database's rec_id), I Int64 (NULL: 0),
 * N Nullable(Int64), S String (NULL: ''), Z Nullable(String).  @select
 * reads them from the SQLite database in that order; NULL: the server
 * computes the rows from tables already sent (fill_computed).
 */
struct ch_table {
	const char *name;
	const char *cols;
	const char *order;
	const char *select;
};

/* an ev_* row's recording: by its event's id (the events rows went to the sink) */
#define EV_JOIN(t) " FROM " t " x JOIN recordings e"			\
	" ON x.event_id BETWEEN e.first_event AND e.last_event"

static const struct ch_table tables[] = {
	{ "traces", "rec_id R trace_id I path Z recording_id Z rotation_index N host Z"
	  " start_ns N stop_ns N first_ts N last_ts N events I lost I unknown_records I"
	  " bad_chunks I complete I file_bytes I", "rec_id, trace_id",
	  "SELECT rec_id, trace_id, path, recording_id, rotation_index, host, start_ns,"
	  " stop_ns, first_ts, last_ts, events, lost, unknown_records, bad_chunks, complete,"
	  " file_bytes FROM traces" },
	{ "trace_meta", "rec_id R trace_id I key S value Z", "rec_id, trace_id",
	  "SELECT t.rec_id, m.trace_id, m.key, m.value FROM trace_meta m"
	  " JOIN traces t ON t.trace_id = m.trace_id" },
	{ "lost", "host S rec_id R trace_id I ts I cpu N count I", "host, rec_id, ts",
	  "SELECT IFNULL(r.host, ''), l.rec_id, l.trace_id, l.ts, l.cpu, l.count FROM lost l"
	  " JOIN recordings r ON r.rec_id = l.rec_id" },
	{ "syscalls", "rec_id R sys_id I name S rw I", "rec_id, sys_id",
	  "SELECT r.rec_id, s.sys_id, s.name, s.rw FROM recordings r, syscalls s" },
	{ "procs", "rec_id R proc_id I pid I ppid N parent_id N comm Z exe Z cmdline Z argv Z"
	  " cwd Z uid N gid N cgroup_id N start_ts N exit_ts N exit_code N exit_status N"
	  " exit_signal N threads I execs I origin Z", "rec_id, proc_id",
	  "SELECT rec_id, proc_id, pid, ppid, parent_id, comm, exe, cmdline, argv, cwd, uid,"
	  " gid, cgroup_id, start_ts, exit_ts, exit_code, exit_status, exit_signal, threads,"
	  " execs, origin FROM procs" },
	{ "files", "rec_id R file_id I dev N ino N path Z name Z", "rec_id, file_id",
	  "SELECT rec_id, file_id, dev, ino, path, name FROM files" },
	{ "fds", "rec_id R proc_id N pid N fd N file_id N opened_ts N closed_ts N how Z"
	  " cloexec N", "rec_id",
	  "SELECT rec_id, proc_id, pid, fd, file_id, opened_ts, closed_ts, how, cloexec"
	  " FROM fds" },
	{ "cgroups", "rec_id R id I path Z runtime Z container_id Z unit Z", "rec_id, id",
	  "SELECT rec_id, id, path, runtime, container_id, unit FROM cgroups" },
	/* (the header's columns are never NULL: not Nullable, which costs the server) */
	{ "events", "host S rec_id R ts I id I trace_id I type I cpu I flags I proc_id I"
	  " pid I tid I uid I gid I cgroup_id I comm S sys_id N nr N ret N dur_ns N fd N"
	  " file_id N len N off N arg N on_cpu_ns N off_cpu_ns N blocked_ns N runq_ns N"
	  " vol_switches N invol_switches N", "host, rec_id, ts, id",
	  "SELECT IFNULL(r.host, ''), e.rec_id, e.ts, e.id, e.trace_id, e.type, e.cpu, e.flags,"
	  " e.proc_id, e.pid, e.tid, e.uid, e.gid, e.cgroup_id, e.comm, e.sys_id, e.nr, e.ret,"
	  " e.dur_ns, e.fd, e.file_id, e.len, e.off, e.arg, e.on_cpu_ns, e.off_cpu_ns,"
	  " e.blocked_ns, e.runq_ns, e.vol_switches, e.invol_switches FROM events e"
	  " JOIN recordings r ON r.rec_id = e.rec_id" },
	{ "ev_open", "rec_id R event_id I dirfd N flags N mode N resolve N name Z path Z",
	  "rec_id, event_id", "SELECT e.rec_id, x.event_id, x.dirfd, x.flags, x.mode,"
	  " x.resolve, x.name, x.path" EV_JOIN("ev_open") },
	{ "ev_dup", "rec_id R event_id I newfd N cmd N flags N arg N", "rec_id, event_id",
	  "SELECT e.rec_id, x.event_id, x.newfd, x.cmd, x.flags, x.arg" EV_JOIN("ev_dup") },
	{ "ev_mmap", "rec_id R event_id I addr N prot N flags N", "rec_id, event_id",
	  "SELECT e.rec_id, x.event_id, x.addr, x.prot, x.flags" EV_JOIN("ev_mmap") },
	{ "ev_fork", "rec_id R event_id I child_pid N child_tid N clone_flags N"
	  " child_proc_id N", "rec_id, event_id",
	  "SELECT e.rec_id, x.event_id, x.child_pid, x.child_tid, x.clone_flags,"
	  " x.child_proc_id" EV_JOIN("ev_fork") },
	{ "ev_exit", "rec_id R event_id I exit_code N", "rec_id, event_id",
	  "SELECT e.rec_id, x.event_id, x.exit_code" EV_JOIN("ev_exit") },
	{ "ev_exec", "rec_id R event_id I proc_id N old_tid N argc N dev N ino N file_id N"
	  " filename Z path Z cmdline Z argv Z", "rec_id, event_id",
	  "SELECT e.rec_id, x.event_id, x.proc_id, x.old_tid, x.argc, x.dev, x.ino, x.file_id,"
	  " x.filename, x.path, x.cmdline, x.argv" EV_JOIN("ev_exec") },
	{ "ev_syscall", "rec_id R event_id I arg0 N arg1 N arg2 N arg3 N arg4 N arg5 N",
	  "rec_id, event_id", "SELECT e.rec_id, x.event_id, x.arg0, x.arg1, x.arg2, x.arg3,"
	  " x.arg4, x.arg5" EV_JOIN("ev_syscall") },
	{ "ev_sched", "host S rec_id R ts I trace_id I type I cpu N flags N pid N tid N comm Z"
	  " proc_id N next_pid N next_tid N next_comm Z next_proc_id N prev_state N"
	  " prev_state_raw N target_cpu N wait_ns N", "host, rec_id, ts",
	  "SELECT IFNULL(r.host, ''), s.rec_id, s.ts, s.trace_id, s.type, s.cpu, s.flags,"
	  " s.pid, s.tid, s.comm, s.proc_id, s.next_pid, s.next_tid, s.next_comm,"
	  " s.next_proc_id, s.prev_state, s.prev_state_raw, s.target_cpu, s.wait_ns"
	  " FROM ev_sched s JOIN recordings r ON r.rec_id = s.rec_id" },
	{ "agg", "rec_id R bucket I proc_id N cgroup_id N file_id N events I opens I reads I"
	  " read_bytes I writes I write_bytes I", "rec_id, bucket",
	  "SELECT rec_id, bucket, proc_id, cgroup_id, file_id, events, opens, reads,"
	  " read_bytes, writes, write_bytes FROM agg" },
	{ "agg_all", "rec_id R proc_id N cgroup_id N file_id N events I opens I reads I"
	  " read_bytes I writes I write_bytes I", "rec_id",
	  "SELECT rec_id, proc_id, cgroup_id, file_id, events, opens, reads, read_bytes,"
	  " writes, write_bytes FROM agg_all" },
	{ "file_stats", "rec_id R file_id N opens I readers I writers I reads I read_bytes I"
	  " writes I write_bytes I", "rec_id",
	  "SELECT rec_id, file_id, opens, readers, writers, reads, read_bytes, writes,"
	  " write_bytes FROM file_stats" },
	{ "cg_stats", "rec_id R cgroup_id N reads I read_bytes I writes I write_bytes I",
	  "rec_id", "SELECT rec_id, cgroup_id, reads, read_bytes, writes, write_bytes"
	  " FROM cg_stats" },
	{ "tl", "rec_id R bucket I proc_id N cgroup_id N events I read_bytes I write_bytes I"
	  " sys_ns I sys_rate I", "rec_id, bucket",
	  "SELECT rec_id, bucket, proc_id, cgroup_id, events, read_bytes, write_bytes, sys_ns,"
	  " sys_rate FROM tl" },
	/* seq: the SQLite row order, which orders a process's events at one ts */
	{ "mem_ev", "rec_id R proc_id I ts I seq I type I ret N len N", "rec_id, proc_id, ts, seq",
	  "SELECT rec_id, proc_id, ts, rowid, type, ret, len FROM mem_ev" },
	{ "proc_mem", "rec_id R proc_id I mmaps I mapped I munmaps I unmapped I peak I brks I"
	  " brk_first N brk_last N", "rec_id, proc_id",
	  "SELECT p.rec_id, m.proc_id, m.mmaps, m.mapped, m.munmaps, m.unmapped, m.peak,"
	  " m.brks, m.brk_first, m.brk_last FROM proc_mem m JOIN procs p"
	  " ON p.proc_id = m.proc_id" },
	{ "thread_cpu", "rec_id R proc_id N pid N tid N comm Z on_cpu_ns N runq_ns N"
	  " timeslices N vol_switches N invol_switches N off_cpu_ns N blocked_ns N"
	  " runq_waits N runq_p50_ns N runq_p99_ns N runq_max_ns N", "rec_id",
	  "SELECT rec_id, proc_id, pid, tid, comm, on_cpu_ns, runq_ns, timeslices,"
	  " vol_switches, invol_switches, off_cpu_ns, blocked_ns, runq_waits, runq_p50_ns,"
	  " runq_p99_ns, runq_max_ns FROM thread_cpu" },
	{ "proc_cpu", "rec_id R proc_id I threads N on_cpu_ns N runq_ns N timeslices N"
	  " vol_switches N invol_switches N off_cpu_ns N blocked_ns N runq_waits N"
	  " runq_p50_ns N runq_p99_ns N runq_max_ns N", "rec_id, proc_id",
	  "SELECT rec_id, proc_id, threads, on_cpu_ns, runq_ns, timeslices, vol_switches,"
	  " invol_switches, off_cpu_ns, blocked_ns, runq_waits, runq_p50_ns, runq_p99_ns,"
	  " runq_max_ns FROM proc_cpu" },
	/* the net class (import_net.c): what --net reads */
	{ "net_stats", "rec_id R proc_id I endpoint Z connects I accepts I sends I recvs I"
	  " sent_bytes I recv_bytes I errors I", "rec_id, proc_id",
	  "SELECT rec_id, proc_id, endpoint, connects, accepts, sends, recvs, sent_bytes,"
	  " recv_bytes, errors FROM net_stats" },
	{ "net_errors", "rec_id R proc_id I endpoint Z errno I count I", "rec_id, proc_id",
	  "SELECT rec_id, proc_id, endpoint, errno, count FROM net_errors" },
	{ "net_connects", "rec_id R proc_id I endpoint Z ts I dur_ns N ret I", "rec_id, ts",
	  "SELECT rec_id, proc_id, endpoint, ts, dur_ns, ret FROM net_connects" },
	/* per recording, syscall and duration: --syscalls' exact percentiles, from events */
	{ "sys_durs", "rec_id R name S dur_ns I calls I errors I cpu_calls I on_cpu_ns I"
	  " off_cpu_ns I blocked_ns I runq_ns I vol_switches I invol_switches I",
	  "rec_id, name, dur_ns", NULL },
	/* per recording, failed syscall, errno and path: --errors, from events */
	{ "err_stats", "rec_id R syscall Z errno N path Z failures I procs I", "rec_id", NULL },
	/* last: a recording counts once this row is in (the select takes the time) */
	{ "recordings", "rec_id R recording S host Z recording_id Z kernel Z machine Z ncpus N"
	  " start_ns N stop_ns N clock_offset_ns N cgroup2_mount Z first_event N last_event N"
	  " ts_sorted N events I lost I cpu I exported_ns I", "recording, rec_id",
	  "SELECT rec_id, " SR_REC_KEY("recordings") ","
	  " host, recording_id, kernel, machine, ncpus, start_ns, stop_ns, clock_offset_ns,"
	  " cgroup2_mount, first_event, last_event, ts_sorted, events, lost, cpu, ?1"
	  " FROM recordings" },
	/* when each export began: how a later one finds the rows of an unfinished one */
	{ "exports", "rec_id R recording S started_ns I", "recording, rec_id",
	  "SELECT rec_id, " SR_REC_KEY("recordings") ","
	  " ?1 FROM recordings" },
};

#define NTABLES		(sizeof(tables) / sizeof(tables[0]))
#define T_RECORDINGS	(NTABLES - 2)
#define T_EVENTS	8	/* tables[T_EVENTS] is events (checked in sr_ch_export) */
#define T_EXPORTS	(NTABLES - 1)
#define T_SYS_DURS	(NTABLES - 4)	/* then err_stats: both by fill_computed */

/* The column codes of @t in order, in @codes (at most @max). */
static size_t col_codes(const struct ch_table *t, char *codes, size_t max, struct sr_chbuf *ddl)
{
	const char *p = t->cols;
	size_t n = 0;

	while (*p && n < max) {
		const char *sp = strchr(p, ' ');
		char code = sp[1];

		if (ddl) {
			if (n)
				sr_chbuf__puts(ddl, ", ");
			sr_chbuf__add(ddl, p, (size_t)(sp - p));
			sr_chbuf__puts(ddl, " ");
			sr_chbuf__add(ddl, sr_ch__type(code), strlen(sr_ch__type(code)));
		}
		codes[n++] = code;
		p = sp + 2;
		while (*p == ' ')
			p++;
	}
	return n;
}

/* The rows of @t whose integer columns take @batch bytes in a Native block. */
static size_t block_rows(const struct ch_table *t, size_t batch)
{
	char codes[64];
	size_t n = col_codes(t, codes, sizeof(codes), NULL), w = 1;

	for (size_t k = 0; k < n; k++)
		w += codes[k] == 'N' ? 9 : codes[k] == 'Z' ? 2 : codes[k] == 'S' ? 1 : 8;
	return batch / w + 1;
}

/* CREATE TABLE IF NOT EXISTS of every table (docs/SCHEMA.md). */
static int create_tables(struct sr_ch *ch)
{
	for (size_t i = 0; i < NTABLES; i++) {
		struct sr_chbuf ddl = { 0 };
		char codes[64];
		int err;

		sr_chbuf__puts(&ddl, "CREATE TABLE IF NOT EXISTS ");
		sr_chbuf__add(&ddl, tables[i].name, strlen(tables[i].name));
		sr_chbuf__puts(&ddl, " (");
		col_codes(&tables[i], codes, sizeof(codes), &ddl);
		sr_chbuf__puts(&ddl, ") ENGINE = MergeTree ORDER BY (");
		sr_chbuf__add(&ddl, tables[i].order, strlen(tables[i].order));
		sr_chbuf__puts(&ddl, ")");
		err = sr_chbuf__cstr(&ddl) ? sr_ch__query(ch, ddl.p, NULL) : -ENOMEM;
		sr_chbuf__free(&ddl);
		if (err)
			return err;
	}
	return 0;
}

struct ids {
	uint64_t *v;		/* the export's rec_id of each database rec_id */
	size_t n;
};

static uint64_t rec_of(const struct ids *ids, int64_t local)
{
	return local >= 1 && (size_t)local <= ids->n ? ids->v[local - 1] : 0;
}

/* Give recordings 1 .. @n their export ids (random, 63 bits, never 0). */
static int ids_upto(struct ids *ids, size_t n)
{
	uint64_t *v;

	if (n <= ids->n)
		return 0;
	v = realloc(ids->v, n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	ids->v = v;
	for (; ids->n < n; ids->n++) {
		if (getrandom(&v[ids->n], sizeof(v[ids->n]), 0) != sizeof(v[ids->n]))
			return -errno;
		/* 63 bits: the same number read as Int64 or UInt64 */
		v[ids->n] = (v[ids->n] >> 1) | 1;
	}
	return 0;
}

/*
 * The rows of events, straight from the importer (sr_an_import_opts.
 * event_sink) into Native blocks of the events table: they never go
 * through SQLite, which is most of what an import with event rows costs.
 */
struct sink {
	struct sr_ch *ch;
	/* a recording's host and key, from the row import made at its start */
	sqlite3_stmt *host;
	int64_t now;		/* exports.started_ns */
	struct ids *ids;
	struct sr_chblock blk;
	size_t batch;
	int64_t rec;		/* the recording of hostname */
	char hostname[256];
	size_t hostlen;
	uint64_t rows;
};

/* a string of fewer than 16384 bytes to String column @c: a LEB128 length of one or two */
static inline int put_short_str(struct sr_chcol *c, const char *s, size_t n)
{
	unsigned char *p = (unsigned char *)sr_chbuf__room(&c->s, n + 2), *p0 = p;

	if (!p)
		return c->s.err;
	if (n < 0x80) {
		*p++ = (unsigned char)n;
	} else {
		*p++ = (unsigned char)(n & 0x7f) | 0x80;
		*p++ = (unsigned char)(n >> 7);
	}
	memcpy(p, s, n);
	c->s.n += (size_t)(p + n - p0);
	return 0;
}

/* Whether the events table's columns are those sink_row() writes: strings host and comm. */
static int events_cols_fit(const struct sr_chblock *b)
{
	if (b->ncols != SR_AN_EV_COLS + 1)
		return 0;
	for (size_t k = 0; k < b->ncols; k++)
		if ((k == 0 || k == 14) != (b->cols[k].code == 'S'))
			return 0;
	return 1;
}

/* A row of events into the block: a value per column array, no call per value. */
static int sink_row(struct sink *k, const struct sr_an_evrow *r)
{
	struct sr_chcol *col = k->blk.cols;
	size_t i = k->blk.n;

	/* the columns of table events in tables[]: host, rec_id, ts, id, ... */
	if (put_short_str(&col[0], k->hostname, k->hostlen) ||
	    put_short_str(&col[14], r->comm, r->comm_len < 16 ? r->comm_len : 16))
		return -ENOMEM;
	col[1].v[i] = (int64_t)rec_of(k->ids, r->v[2]);
	col[2].v[i] = r->v[3];
	col[3].v[i] = r->v[0];
	col[4].v[i] = r->v[1];
	col[5].v[i] = r->v[4];
	/* then v[5] .. on, the table's columns from its seventh (comm, v[13]: above) */
	for (int c = 5; c < SR_AN_EV_COLS; c++) {
		struct sr_chcol *o = &col[c + 1];
		int isnull = (r->nulls >> c) & 1;

		if (c == 13)
			continue;
		if (o->nul)
			o->nul[i] = (uint8_t)isnull;
		o->v[i] = isnull ? 0 : r->v[c];
	}
	k->blk.n++;
	return 0;
}

static int sink_rows(void *ctx, const struct sr_an_evrow *rows, int n)
{
	struct sink *k = ctx;
	int err;

	for (int i = 0; i < n; i++) {
		const struct sr_an_evrow *r = &rows[i];

		if (r->v[2] != k->rec) {
			const unsigned char *h = NULL;

			struct sr_chbuf e = { 0 };

			k->rec = r->v[2];
			err = r->v[2] >= 1 ? ids_upto(k->ids, (size_t)r->v[2]) : 0;
			if (err)
				return err;
			sqlite3_bind_int64(k->host, 1, k->rec);
			if (sqlite3_step(k->host) == SQLITE_ROW) {
				h = sqlite3_column_text(k->host, 0);
				/*
				 * Its row of exports before its first events: an
				 * export killed now leaves rows that a later one
				 * finds and deletes (drop_older).
				 */
				sr_chbuf__u64(&e, rec_of(k->ids, k->rec));
				sr_chbuf__str(&e, (const char *)sqlite3_column_blob(k->host, 1),
					      (size_t)sqlite3_column_bytes(k->host, 1));
				sr_chbuf__i64(&e, k->now);
			}
			k->hostlen = h ? strnlen((const char *)h, sizeof(k->hostname)) : 0;
			memcpy(k->hostname, h ? (const char *)h : "", k->hostlen);
			sqlite3_reset(k->host);
			err = e.err ? e.err : e.n ? sr_ch__insert(k->ch, "exports", "RowBinary",
								    e.p, e.n) : 0;
			sr_chbuf__free(&e);
			if (err)
				return err;
		}
		err = sink_row(k, r);
		if (err)
			return err;
		k->rows++;
		/* a block is sent when full: its rows, or --batch bytes of them */
		if (k->blk.n == k->blk.cap ||
		    (!(k->blk.n & 1023) && sr_chblock__bytes(&k->blk) >= k->batch)) {
			err = sr_ch__insert_block(k->ch, "events", &k->blk);
			if (err)
				return err;
		}
	}
	return 0;
}

/*
 * A recording with the cpu class whose syscalls came before its first
 * record of the class: those rows never left their CPU (import_threads.c's
 * fix_late_rows, which the sink's rows miss).  Fixed here by a mutation,
 * waited for: the recording's row of recordings comes after.
 */
static int fix_late_rows(struct sr_ch *ch, sqlite3 *db, const struct ids *ids)
{
	static const char *const cond = " AND dur_ns IS NOT NULL AND on_cpu_ns IS NULL";
	sqlite3_stmt *st;
	int err = sr_an_prepare(db, "SELECT rec_id FROM recordings WHERE cpu = 1", &st);

	while (!err && sqlite3_step(st) == SQLITE_ROW) {
		uint64_t id = rec_of(ids, sqlite3_column_int64(st, 0));
		char q[512];
		struct sr_chbuf a = { 0 };

		snprintf(q, sizeof(q), "SELECT count() FROM events WHERE rec_id = %" PRIu64 "%s",
			 id, cond);
		err = sr_ch__query(ch, q, &a);
		if (err || !sr_chbuf__cstr(&a) || !strtoull(a.p, NULL, 10)) {
			sr_chbuf__free(&a);
			continue;
		}
		/* 18.16 wants the column's very type, and not a constant: 0 is dur_ns - dur_ns */
		snprintf(q, sizeof(q), "ALTER TABLE events UPDATE on_cpu_ns ="
			 " CAST(least(greatest(dur_ns, 0), %lld) AS Nullable(Int64)),"
			 " off_cpu_ns = dur_ns - dur_ns, blocked_ns = dur_ns - dur_ns,"
			 " runq_ns = dur_ns - dur_ns, vol_switches = dur_ns - dur_ns,"
			 " invol_switches = dur_ns - dur_ns WHERE rec_id = %" PRIu64 "%s",
			 (long long)SR_DUR_MAX, id, cond);
		err = sr_ch__query(ch, q, NULL);
		snprintf(q, sizeof(q), "SELECT count() FROM events WHERE rec_id = %" PRIu64 "%s",
			 id, cond);
		while (!err) {
			const struct timespec pause = { 0, 100000000 };

			a.n = 0;
			err = sr_ch__query(ch, q, &a);
			if (err || !sr_chbuf__cstr(&a) || !strtoull(a.p, NULL, 10))
				break;
			if (sr_an_stop)
				err = -EINTR;
			nanosleep(&pause, NULL);
		}
		sr_chbuf__free(&a);
	}
	sqlite3_finalize(st);
	return err;
}

/* The rows of @q (RowBinary of @table's columns) fetched and sent into @table. */
static int fill_one(struct sr_ch *ch, const char *table, const char *q)
{
	struct sr_chbuf rows = { 0 };
	int err = q ? sr_ch__query(ch, q, &rows) : -ENOMEM;

	/* count()'s UInt64 is Int64's RowBinary below 2^63 */
	if (!err && rows.n)
		err = sr_ch__insert(ch, table, "RowBinary", rows.p, rows.n);
	sr_chbuf__free(&rows);
	return err;
}

/*
 * sys_durs and err_stats of our recordings, computed by the server from
 * the events just sent (after fix_late_rows, whose cpu split they sum),
 * and a row of sys_durs with no name and no calls per recording: the mark
 * that a recording has both (an export older than them has neither),
 * which analyze --clickhouse checks before it reads them.  A recording at
 * a time, by the primary key's (host, rec_id), fetched and sent back: an
 * INSERT ... SELECT of 18.16 aggregates several times slower.
 */
static int fill_computed(struct sr_ch *ch, sqlite3 *db, const struct ids *ids)
{
	struct sr_chbuf m = { 0 };
	sqlite3_stmt *st;
	int err = sr_an_prepare(db, "SELECT rec_id, IFNULL(host, ''), cpu FROM recordings", &st);

	while (!err && sqlite3_step(st) == SQLITE_ROW) {
		uint64_t id = rec_of(ids, sqlite3_column_int64(st, 0));
		const char *h = (const char *)sqlite3_column_text(st, 1);
		struct sr_chbuf host = { 0 };
		char *q = NULL;

		sr_chbuf__quoted(&host, h ? h : "");
		if (!sr_chbuf__cstr(&host) ||
		    asprintf(&q, sqlite3_column_int(st, 2) ?
			     SR_CH_DURS("events WHERE host = %s AND rec_id = %" PRIu64
					" AND sys_id IS NOT NULL", "syscalls WHERE rec_id = %" PRIu64,
					SR_CH_SPLIT) " FORMAT RowBinary" :
			     SR_CH_DURS("events WHERE host = %s AND rec_id = %" PRIu64
					" AND sys_id IS NOT NULL", "syscalls WHERE rec_id = %" PRIu64,
					SR_CH_NO_SPLIT) " FORMAT RowBinary", host.p, id, id) < 0)
			q = NULL;
		if (!err)
			err = fill_one(ch, "sys_durs", q);
		free(q);
		q = NULL;
		if (!err && asprintf(&q, SR_CH_ERRS("events WHERE host = %s AND rec_id = %" PRIu64,
						    "rec_id = %" PRIu64) " FORMAT RowBinary",
				     host.p, id, id, id, id) < 0)
			q = NULL;
		if (!err)
			err = fill_one(ch, "err_stats", q);
		free(q);
		sr_chbuf__free(&host);
		sr_chbuf__u64(&m, id);
		sr_chbuf__str(&m, "", 0);
		for (int k = 0; k < 10; k++)	/* dur_ns .. invol_switches */
			sr_chbuf__i64(&m, 0);
	}
	sqlite3_finalize(st);
	if (!err && m.n)
		err = m.err ? m.err : sr_ch__insert(ch, "sys_durs", "RowBinary", m.p, m.n);
	sr_chbuf__free(&m);
	return err;
}

/* Stream table @t from @db to the server in Native blocks of @batch bytes. */
static int send_table(struct sr_ch *ch, sqlite3 *db, const struct ch_table *t,
		      const struct ids *ids, int64_t now, size_t batch, uint64_t *rows)
{
	struct sr_chblock blk;
	sqlite3_stmt *st;
	int err, rc;

	err = sr_chblock__init(&blk, t->cols, block_rows(t, batch));
	if (err)
		return err;
	err = sr_an_prepare(db, t->select, &st);
	if (err) {
		sr_chblock__free(&blk);
		return err;
	}
	if (sqlite3_bind_parameter_count(st))
		sqlite3_bind_int64(st, 1, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t i = blk.n;

		for (size_t k = 0; k < blk.ncols; k++) {
			struct sr_chcol *c = &blk.cols[k];
			int isnull = sqlite3_column_type(st, (int)k) == SQLITE_NULL;

			if (c->nul)
				c->nul[i] = (uint8_t)isnull;
			if (c->code == 'R')
				c->v[i] = (int64_t)rec_of(ids, sqlite3_column_int64(st, (int)k));
			else if (c->v)
				c->v[i] = isnull ? 0 : sqlite3_column_int64(st, (int)k);
			else
				sr_chbuf__str(&c->s, (const char *)sqlite3_column_blob(st, (int)k),
					      (size_t)sqlite3_column_bytes(st, (int)k));
			if (c->s.err)
				err = c->s.err;
		}
		blk.n++;
		(*rows)++;
		if (err)
			break;
		if (blk.n == blk.cap || sr_chblock__bytes(&blk) >= batch) {
			err = sr_ch__insert_block(ch, t->name, &blk);
			if (err)
				break;
		}
		if (sr_an_stop) {
			err = -EINTR;
			break;
		}
	}
	if (!err && rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sr_err("export: %s: %s", t->name, sqlite3_errmsg(db));
		err = -EIO;
	}
	if (!err)
		err = sr_ch__insert_block(ch, t->name, &blk);
	sqlite3_finalize(st);
	sr_chblock__free(&blk);
	return err;
}

/*
 * The rows of the exports of our recordings that came before ours (done or
 * not), deleted: ClickHouse's mutations run in the background, and the
 * readers never counted those rows anyway.  A failure here costs space, not
 * correctness: said, not fatal.
 */
static void drop_older(struct sr_ch *ch, const struct ids *ids, int64_t now)
{
	struct sr_chbuf q = { 0 }, ans = { 0 };
	char num[64];

	if (!ids->n)
		return;
	sr_chbuf__puts(&q, "SELECT rec_id FROM exports WHERE started_ns <= ");
	snprintf(num, sizeof(num), "%" PRId64, now);
	sr_chbuf__add(&q, num, strlen(num));
	sr_chbuf__puts(&q, " AND recording IN (SELECT recording FROM exports WHERE rec_id IN (");
	for (size_t i = 0; i < ids->n; i++) {
		snprintf(num, sizeof(num), "%s%" PRIu64, i ? ", " : "", ids->v[i]);
		sr_chbuf__add(&q, num, strlen(num));
	}
	sr_chbuf__puts(&q, ")) AND rec_id NOT IN (");
	for (size_t i = 0; i < ids->n; i++) {
		snprintf(num, sizeof(num), "%s%" PRIu64, i ? ", " : "", ids->v[i]);
		sr_chbuf__add(&q, num, strlen(num));
	}
	sr_chbuf__puts(&q, ") FORMAT TabSeparated");
	if (sr_chbuf__cstr(&q) && !sr_ch__query(ch, q.p, &ans) && sr_chbuf__cstr(&ans)) {
		/* the ids as ClickHouse printed them, a line each: a list */
		while (ans.n && ans.p[ans.n - 1] == '\n')
			ans.p[--ans.n] = '\0';
		for (size_t k = 0; k < ans.n; k++)
			if (ans.p[k] == '\n')
				ans.p[k] = ',';
		for (size_t i = 0; i < NTABLES && ans.n; i++) {
			struct sr_chbuf d = { 0 };

			sr_chbuf__puts(&d, "ALTER TABLE ");
			sr_chbuf__puts(&d, tables[i].name);
			sr_chbuf__puts(&d, " DELETE WHERE rec_id IN (");
			sr_chbuf__puts(&d, ans.p);
			sr_chbuf__puts(&d, ")");
			if (sr_chbuf__cstr(&d) && sr_ch__query(ch, d.p, NULL))
				sr_err("export: the rows of older exports stay in %s", tables[i].name);
			sr_chbuf__free(&d);
		}
	}
	sr_chbuf__free(&q);
	sr_chbuf__free(&ans);
}

static int64_t now_ns(clockid_t clk)
{
	struct timespec t;

	clock_gettime(clk, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int sr_ch_export(char **files, int n, const struct sr_ch_export_opts *o)
{
	struct sr_an_import_opts io = { .progress = o->progress, .event_rows = 1,
					.mem_limit = o->mem_limit ? o->mem_limit :
						     sr_an_default_mem_limit() };
	struct sr_an_db *d = NULL;
	struct sr_ch *ch = NULL;
	struct ids ids = { 0 };
	struct sink k = { .ids = &ids, .batch = o->batch_bytes, .rec = -1 };
	uint64_t rows = 0, events;
	int64_t now = now_ns(CLOCK_REALTIME), t0 = now_ns(CLOCK_MONOTONIC);
	int nfailed = 0, err;

	err = sr_ch__new(&ch, o->url);
	/* the server first: a wrong URL fails before minutes of import */
	if (!err)
		err = sr_ch__query(ch, "SELECT 1", NULL);
	if (!err)
		err = create_tables(ch);
	if (!err)
		err = sr_an_db__open(&d, NULL);
	if (!err)
		err = sr_an_prepare(d->db, "SELECT host, " SR_REC_KEY("recordings")
				    " FROM recordings WHERE rec_id = ?",
				    &k.host);
	if (!err)
		err = sr_chblock__init(&k.blk, tables[T_EVENTS].cols,
				       block_rows(&tables[T_EVENTS], o->batch_bytes));
	if (!err && (strcmp(tables[T_EVENTS].name, "events") ||
		     strcmp(tables[T_SYS_DURS].name, "sys_durs") ||
		     strcmp(tables[T_SYS_DURS + 1].name, "err_stats") ||
		     !events_cols_fit(&k.blk))) {
		sr_err("internal error: the events table of clickhouse_export.c");
		err = -EINVAL;
	}
	if (!err) {
		k.ch = ch;
		k.now = now;
		io.event_sink = sink_rows;
		io.sink_ctx = &k;
		err = sr_an_import(d, files, n, &io, &nfailed);
	}
	/* the last block of events */
	if (!err)
		err = sr_ch__insert_block(ch, "events", &k.blk);
	if (err)
		goto out;
	err = ids_upto(&ids, (size_t)sr_an_query_int(d->db, "SELECT IFNULL(MAX(rec_id), 0)"
						    " FROM recordings", 0));
	if (err)
		goto out;
	events = k.rows;
	/* begun: a later export of these recordings finds our rows by this */
	err = send_table(ch, d->db, &tables[T_EXPORTS], &ids, now, o->batch_bytes, &rows);
	for (size_t i = 0; i < NTABLES && !err; i++) {
		if (i == T_SYS_DURS)
			err = fix_late_rows(ch, d->db, &ids);
		if (!err && i == T_SYS_DURS)
			err = fill_computed(ch, d->db, &ids);
		else if (!err && i != T_EXPORTS && tables[i].select)
			err = send_table(ch, d->db, &tables[i], &ids, now, o->batch_bytes, &rows);
	}
	rows += k.rows;
	if (err)
		goto out;
	drop_older(ch, &ids, now);
	if (ids.n) {
		double s = (double)(now_ns(CLOCK_MONOTONIC) - t0) / 1e9;

		fprintf(stderr, "export: %zu recording%s, %" PRIu64 " events (%" PRIu64
			" rows) in %.2f s: %.0f events/s\n", ids.n, ids.n == 1 ? "" : "s",
			events, rows, s, s > 0 ? (double)events / s : 0.0);
	}
out:
	if (err == -EINTR)
		sr_err("interrupted");
	free(ids.v);
	sqlite3_finalize(k.host);
	sr_chblock__free(&k.blk);
	sr_an_db__free(d);
	sr_ch__free(ch);
	if (err)
		return err;
	return nfailed ? -EIO : 0;
}
