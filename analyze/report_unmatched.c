// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_unmatched.c - a filter that matches nothing in the database says
 * so, on one line of stderr, with what the database does hold: a --pid or
 * --comm no process has, a --cgroup no cgroup is under, a --since past the
 * end.  The report still runs (its empty table is the right answer); the
 * line spares the user wondering whether the filter was understood.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

#define NAMES_MAX	8	/* names listed before "..." */

/* "a, b, c, ..." from the first column of @sql's rows, into @buf */
static void list_names(struct rctx *c, const char *sql, char *buf, size_t n)
{
	sqlite3_stmt *st;
	size_t len = 0;
	int i = 0;

	buf[0] = 0;
	if (sr_an_prepare(c->db, sql, &st))
		return;
	while (sqlite3_step(st) == SQLITE_ROW && len + 1 < n) {
		const char *s = (const char *)sqlite3_column_text(st, 0);

		if (i++ == NAMES_MAX) {
			snprintf(buf + len, n - len, ", ...");
			break;
		}
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i > 1 ? ", " : "", s ? s : "");
		if (len >= n)
			len = n - 1;
	}
	sqlite3_finalize(st);
}

static int64_t count(struct rctx *c, const char *sql)
{
	return sr_an_query_int(c->db, sql, 0);
}

static void pids_unmatched(struct rctx *c)
{
	const struct sr_an_opts *o = c->o;
	sqlite3_stmt *st;
	char names[512];

	if (o->npids && !count(c, "SELECT COUNT(*) FROM procs WHERE pid IN (SELECT pid FROM temp.fpid)")) {
		if (sr_an_prepare(c->db, "SELECT MIN(pid), MAX(pid), COUNT(*) FROM procs", &st))
			return;
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 2))
			sr_err("analyze: no process %" PRIu32 "%s in the trace (pids %" PRId64 "-%" PRId64 ")",
			       o->pids[0], o->npids > 1 ? " (nor the other pids of --pid)" : "",
			       (int64_t)sqlite3_column_int64(st, 0), (int64_t)sqlite3_column_int64(st, 1));
		else
			sr_err("analyze: no process %" PRIu32 " in the trace (it has no processes)",
			       o->pids[0]);
		sqlite3_finalize(st);
		return;
	}
	if (o->comm) {
		if (sr_an_prepare(c->db, "SELECT COUNT(*) FROM procs WHERE comm = ?", &st))
			return;
		sqlite3_bind_text(st, 1, o->comm, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && !sqlite3_column_int64(st, 0)) {
			list_names(c, "SELECT comm FROM procs GROUP BY comm ORDER BY COUNT(*) DESC, comm",
				   names, sizeof(names));
			sr_err("analyze: no process named '%s' in the trace (names: %s)", o->comm,
			       names[0] ? names : "none");
			sqlite3_finalize(st);
			return;
		}
		sqlite3_finalize(st);
	}
	if (!count(c, "SELECT COUNT(*) FROM temp.fproc"))
		sr_err("analyze: no process in the trace is both --pid and --comm");
}

void say_unmatched(struct rctx *c)
{
	const struct sr_an_opts *o = c->o;
	char names[512];

	if (c->fproc)
		pids_unmatched(c);
	if (c->fcg && !count(c, "SELECT COUNT(*) FROM temp.fcg")) {
		list_names(c, "SELECT DISTINCT path FROM cgroups ORDER BY path", names, sizeof(names));
		sr_err("analyze: no cgroup %s in the trace (cgroups: %s)", o->cgroup,
		       names[0] ? names : "none");
	}
	if (o->has_since) {
		int64_t len = count(c, "SELECT IFNULL(MAX(stop_ns - start_ns), 0) FROM recordings");

		if (o->since_ns > len)
			sr_err("analyze: --since %.3f s is past the end of the recording (%.3f s)",
			       (double)o->since_ns / 1e9, (double)len / 1e9);
	}
}
