// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_sql.c - --sql: the user's query, and the authorizer that tells
 * whether it reads the rows of the event tables (so that a temporary
 * database is imported with them only when it does).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sysrec/util.h"
#include "report.h"

#define SQL_TICK	10000	/* VM steps between checks of Ctrl-C and --timeout */

/* What the authorizer learns about a query while it is prepared. */
struct sql_use {
	char **tables;		/* the other tables of the main schema */
	size_t ntables;
	const char *self;	/* the view being checked: its own columns */
	int events;		/* reads an event table, or may: 1 */
};

/*
 * Called by SQLite for every table a statement reads or writes (columns read
 * through a view name the view's tables; COUNT(*) reads a table with an
 * empty column name).  Anything but a plain access to a known table that is
 * not an event table counts as needing the events: a pragma, a virtual
 * table such as dbstat, ATTACH, DDL.
 */
static int sql_auth(void *ctx, int action, const char *a, const char *b,
		    const char *dbname, const char *inner)
{
	struct sql_use *u = ctx;
	int known = 0;

	(void)b;
	(void)inner;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_FUNCTION:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_READ:
	case SQLITE_INSERT:
	case SQLITE_UPDATE:
	case SQLITE_DELETE:
		/* the read of a table without columns (COUNT(*)) names no database */
		if (!a || sr_an_is_event_table(a) || (dbname && strcmp(dbname, "main")))
			break;
		known = u->self && !strcasecmp(a, u->self);
		for (size_t i = 0; i < u->ntables && !known; i++)
			known = !strcasecmp(a, u->tables[i]);
		if (known)
			return SQLITE_OK;
		break;
	default:
		break;
	}
	u->events = 1;
	return SQLITE_OK;
}

/* Prepare @sql with the authorizer on: 1 when it may touch event rows. */
static int sql_touches_events(sqlite3 *db, struct sql_use *u, const char *sql)
{
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;

	u->events = 0;
	sqlite3_set_authorizer(db, sql_auth, u);
	if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK || !st)
		u->events = 1;
	sqlite3_set_authorizer(db, NULL, NULL);
	sqlite3_finalize(st);
	while (tail && (*tail == ' ' || *tail == '\t' || *tail == '\n' || *tail == ';' ||
			*tail == '\r'))
		tail++;
	if (tail && *tail)
		u->events = 1;
	return u->events;
}

static int sql_known(struct sql_use *u, size_t *cap, const char *name)
{
	if (sr_grow(&u->tables, cap, u->ntables + 1, sizeof(*u->tables)))
		return -ENOMEM;
	u->tables[u->ntables] = strdup(name);
	if (!u->tables[u->ntables])
		return -ENOMEM;
	u->ntables++;
	return 0;
}

/*
 * 1 when query @sql may read (or change) rows of the event tables: it is
 * prepared on @db with an authorizer that sees every table it touches.  The
 * known tables are those of the schema but the event tables, and the views
 * whose every column comes from them (a view read without columns, as in
 * COUNT(*), names only itself).  A query that does not prepare, or is more
 * than one statement, counts as reading events: with the rows it fails or
 * works exactly as it always did.
 */
static int sql_reads_events(sqlite3 *db, const char *sql)
{
	struct sql_use u = { .events = 0 };
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int err = 0, ev;

	if (sqlite3_prepare_v2(db, "SELECT name, type = 'view' FROM sqlite_schema"
			       " WHERE type IN ('table', 'view') UNION ALL SELECT 'sqlite_master', 0"
			       " UNION ALL SELECT 'sqlite_schema', 0 ORDER BY 2",
			       -1, &st, NULL) != SQLITE_OK)
		return 1;
	while (!err && sqlite3_step(st) == SQLITE_ROW) {
		const char *n = (const char *)sqlite3_column_text(st, 0);
		char *q;

		if (!n || sr_an_is_event_table(n))
			continue;
		if (!sqlite3_column_int(st, 1)) {
			err = sql_known(&u, &cap, n);
			continue;
		}
		/* tables come first: a view is known when its columns touch no event table */
		q = sqlite3_mprintf("SELECT * FROM \"%w\"", n);
		if (!q) {
			err = -ENOMEM;
			break;
		}
		/* a view that is not flattened (GROUP BY) is read by its own columns */
		u.self = n;
		if (!sql_touches_events(db, &u, q))
			err = sql_known(&u, &cap, n);
		u.self = NULL;
		sqlite3_free(q);
	}
	sqlite3_finalize(st);
	ev = err ? 1 : sql_touches_events(db, &u, sql);
	for (size_t i = 0; i < u.ntables; i++)
		free(u.tables[i]);
	free(u.tables);
	return ev;
}

/* The end of --timeout, and whether the query met it. */
struct sql_clock {
	struct timespec end;
	int timeout;		/* --timeout was given */
	int timed_out;
};

/* Called every SQL_TICK steps of SQLite's VM: 1 stops the query (SQLITE_INTERRUPT). */
static int sql_progress(void *ctx)
{
	struct sql_clock *k = ctx;
	struct timespec now;

	if (sr_an_stop)
		return 1;
	if (!k->timeout || clock_gettime(CLOCK_MONOTONIC, &now))
		return 0;
	k->timed_out = now.tv_sec > k->end.tv_sec ||
		       (now.tv_sec == k->end.tv_sec && now.tv_nsec >= k->end.tv_nsec);
	return k->timed_out;
}

/* The coverage header, once the query has run its first step without error. */
static void sql_header(void *ctx)
{
	print_header(ctx);
}

/*
 * Step @st and print its rows as they come (sr_rs__stream), until its end,
 * --limit, a reader that went away (the output error is the caller's to
 * see), Ctrl-C or --timeout.
 */
static int sql_run(struct rctx *c, sqlite3_stmt *st, struct sr_rs *rs)
{
	const struct sr_an_opts *o = c->o;
	/* --limit stops the query: its rows past the limit are never made */
	struct sr_rs_stream so = { .fmt = o->fmt, .width = sr_out_width(o->wide), .max = c->limit,
				   .first = sql_header, .ctx = c };
	struct sql_clock k = { .timeout = o->timeout_ns > 0 };
	int err;

	if (k.timeout && !clock_gettime(CLOCK_MONOTONIC, &k.end)) {
		k.end.tv_sec += (time_t)(o->timeout_ns / SR_NS_PER_SEC);
		k.end.tv_nsec += (long)(o->timeout_ns % SR_NS_PER_SEC);
		if (k.end.tv_nsec >= SR_NS_PER_SEC) {
			k.end.tv_sec++;
			k.end.tv_nsec -= SR_NS_PER_SEC;
		}
	}
	sqlite3_progress_handler(c->db, SQL_TICK, sql_progress, &k);
	err = sr_rs__stream(rs, st, &so, stdout);
	/* k is gone after this: no handler (an_db.c's is for the import and reports) */
	sqlite3_progress_handler(c->db, 0, NULL, NULL);
	if (err == -EIO && k.timed_out) {
		sr_err("sql: the query ran longer than --timeout %.9gs",
		       (double)o->timeout_ns / 1e9);
	} else if (err && sr_an_stop) {
		/* SQLite's "interrupted" for Ctrl-C, as the import says it */
		sr_err("interrupted");
	} else if (err == -EIO && sqlite3_errcode(c->db) == SQLITE_NOMEM) {
		char lim[32];

		sr_err("sql: the query needs more than the memory budget (--mem-limit %s); raise --mem-limit",
		       sr_an_mem_str(sr_an_mem_limit, lim, sizeof(lim)));
	} else if (err == -EIO) {
		sr_err("sql: %s", sqlite3_errmsg(c->db));
	} else if (err == -ENOMEM) {
		sr_err("%s", strerror(ENOMEM));
	}
	if (err)
		return err == -EIO || sr_an_stop ? -EINVAL : err;
	if (o->fmt == SR_FMT_TABLE && rs->more)
		fprintf(c->hdr, "# first %" PRId64 " rows (--limit 0 shows all)\n", rs->shown);
	return sr_out_err(stdout);
}

int report_sql(struct rctx *c)
{
	struct sr_rs *rs = sr_rs__new();
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	int err = 0;

	if (!rs)
		return -ENOMEM;
	if (!c->event_rows && sql_reads_events(c->db, c->o->sql)) {
		sr_err("internal error: the query reads event rows, which were not imported");
		err = -EIO;
		goto out;
	}
	if (sqlite3_prepare_v2(c->db, c->o->sql, -1, &st, &tail) != SQLITE_OK) {
		sr_err("sql: %s", sqlite3_errmsg(c->db));
		err = -EINVAL;
		goto out;
	}
	if (!st) {
		sr_err("sql: empty query");
		err = -EINVAL;
		goto out;
	}
	while (tail && (*tail == ' ' || *tail == '\t' || *tail == '\n' || *tail == ';' ||
			*tail == '\r'))
		tail++;
	if (tail && *tail) {
		sr_err("sql: one statement at a time");
		err = -EINVAL;
		goto out;
	}
	/*
	 * What the database covers, lost events included, like every report;
	 * on stderr in every format, so that stdout is the query's alone.
	 */
	c->hdr = stderr;
	err = sql_run(c, st, rs);
out:
	sqlite3_finalize(st);
	sr_rs__free(rs);
	return err;
}

int sql_needs_rows(sqlite3 *db, const struct sr_an_opts *o)
{
	return sql_reads_events(db, o->sql);
}
