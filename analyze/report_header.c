// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_header.c - the coverage header every report starts with: each
 * recording with its host, time range, files and lost events, and the
 * filters applied.
 */
#include <inttypes.h>
#include <string.h>

#include "sysrec/util.h"
#include "report.h"

void print_header(struct rctx *c)
{
	const struct sr_an_opts *o = c->o;
	sqlite3_stmt *st, *tr, *lo;
	FILE *f = c->hdr;
	int nrec = 0;

	if (sr_an_prepare(c->db, "SELECT rec_id, recording_id, host, start_ns, stop_ns,"
			  " clock_offset_ns, events, lost FROM recordings ORDER BY rec_id", &st))
		return;
	sr_an_prepare(c->db, "SELECT path, rotation_index, complete, bad_chunks FROM traces"
		      " WHERE rec_id = ? ORDER BY rotation_index, trace_id", &tr);
	sr_an_prepare(c->db, "SELECT cpu, SUM(count) FROM lost WHERE rec_id = ?"
		      " GROUP BY cpu HAVING SUM(count) > 0 ORDER BY cpu", &lo);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t rec = sqlite3_column_int64(st, 0);
		int64_t start = sqlite3_column_int64(st, 3);
		int64_t stop = sqlite3_column_int64(st, 4);
		int has_off = sqlite3_column_type(st, 5) != SQLITE_NULL;
		int64_t off = sqlite3_column_int64(st, 5);
		const unsigned char *host = sqlite3_column_text(st, 2);
		const unsigned char *rid = sqlite3_column_text(st, 1);
		char a[40], b[40];

		nrec++;
		fputs("# recording ", f);
		if (rid)
			sr_fput_text(f, (const char *)rid, strlen((const char *)rid));
		else
			fprintf(f, "%" PRId64, rec);
		fputs(" on ", f);
		if (host)
			sr_fput_text(f, (const char *)host, strlen((const char *)host));
		else
			fputs("(unknown host)", f);
		fprintf(f, ": %" PRId64 " events in %.3f s\n",
			(int64_t)sqlite3_column_int64(st, 6), ((double)stop - (double)start) / 1e9);
		if (has_off) {
			if (!fmt_wall_at(start, off, a, sizeof(a)))
				snprintf(a, sizeof(a), "%s", SR_WALL_OUT_OF_RANGE);
			if (!fmt_wall_at(stop, off, b, sizeof(b)))
				snprintf(b, sizeof(b), "%s", SR_WALL_OUT_OF_RANGE);
		} else {
			snprintf(a, sizeof(a), "%.6f", (double)start / 1e9);
			snprintf(b, sizeof(b), "%.6f", (double)stop / 1e9);
		}
		fprintf(f, "#   from %s to %s%s\n", a, b, has_off ? "" : " (monotonic s)");
		if (tr) {
			sqlite3_bind_int64(tr, 1, rec);
			while (sqlite3_step(tr) == SQLITE_ROW) {
				const unsigned char *p = sqlite3_column_text(tr, 0);

				fputs("#   file ", f);
				if (p)
					sr_fput_text(f, (const char *)p, strlen((const char *)p));
				int64_t bad = sqlite3_column_int64(tr, 3);

				/* what was lost and why: a cut loses only what was never written */
				if (bad > 0)
					fprintf(f, " (damaged: %" PRId64 " chunk%s skipped, the"
						" events in %s lost)", bad, bad == 1 ? "" : "s",
						bad == 1 ? "it" : "them");
				else if (!sqlite3_column_int(tr, 2))
					fputs(" (cut short: no end; events after its last"
					      " whole chunk are not in the file)", f);
				fputc('\n', f);
			}
			sqlite3_reset(tr);
		}
		fprintf(f, "#   lost events: %" PRId64, (int64_t)sqlite3_column_int64(st, 7));
		if (lo) {
			int any = 0;

			sqlite3_bind_int64(lo, 1, rec);
			while (sqlite3_step(lo) == SQLITE_ROW) {
				fprintf(f, "%scpu%d: %" PRId64, any ? ", " : " (",
					sqlite3_column_int(lo, 0), (int64_t)sqlite3_column_int64(lo, 1));
				any = 1;
			}
			if (any)
				fputc(')', f);
			sqlite3_reset(lo);
		}
		fputc('\n', f);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(tr);
	sqlite3_finalize(lo);
	if (!nrec)
		fputs("# no recordings in the database\n", f);
	print_filters(f, o);
}

void print_filters(FILE *f, const struct sr_an_opts *o)
{
	if (o->npids || o->comm || o->cgroup || o->has_since || o->has_until) {
		fputs("# filters:", f);
		if (o->npids) {
			fputs(" --pid ", f);
			for (size_t i = 0; i < o->npids; i++)
				fprintf(f, "%s%u", i ? "," : "", o->pids[i]);
		}
		if (o->comm) {
			fputs(" --comm ", f);
			sr_fput_text(f, o->comm, strlen(o->comm));
		}
		if (o->cgroup) {
			fputs(" --cgroup ", f);
			sr_fput_text(f, o->cgroup, strlen(o->cgroup));
		}
		if (o->has_since)
			fprintf(f, " --since %.9gs", (double)o->since_ns / 1e9);
		if (o->has_until)
			fprintf(f, " --until %.9gs", (double)o->until_ns / 1e9);
		fputc('\n', f);
	}
}

/*
 * A report over several recordings whose rows add them up says so, and
 * names the hosts: all of them added up (no host column), or those of one
 * host (rows per host, when a host has several), with how to split them.
 * Rows that are each one recording's (a process's; --by recording) add
 * nothing up, and say which recording they are of (rec_split()).
 */
void print_summed(struct rctx *c)
{
	sqlite3_stmt *st;
	int64_t n = sr_an_query_int(c->db, "SELECT COUNT(*) FROM recordings", 0);
	int64_t nh = sr_an_query_int(c->db, "SELECT COUNT(DISTINCT IFNULL(host, ''))"
				     " FROM recordings", 0);
	int first = 1, per_host = 0;

	if (n < 2 || !c->rep->cols || c->o->by == SR_BY_RECORDING)
		return;
	for (const struct sr_report_col *col = c->rep->cols; col->name; col++) {
		if (col->by && !(col->by & SR_REPORT_BY(c->o->by)))
			continue;
		if (col->flags & SR_REPORT_COL_REC)
			return;
		if ((col->flags & SR_REPORT_COL_HOST) || col->by == SR_REPORT_BY(SR_BY_HOST))
			per_host = 1;
	}
	/* rows per host add up only several runs of one host */
	if (per_host && n == nh)
		return;
	if (sr_an_prepare(c->db, "SELECT DISTINCT IFNULL(host, '(unknown)') FROM recordings"
			  " ORDER BY 1", &st))
		return;
	fprintf(c->hdr, "# %" PRId64 " recordings (%s ", n, nh > 1 ? "hosts" : "host");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *h = (const char *)sqlite3_column_text(st, 0);

		if (!first)
			fputs(", ", c->hdr);
		if (h)
			sr_fput_text(c->hdr, h, strlen(h));
		first = 0;
	}
	sqlite3_finalize(st);
	fputs(per_host ? "): figures summed per host" : "): figures summed", c->hdr);
	/* every report but the overview (and --syscalls --hist) takes --by recording */
	if (c->o->report != SR_REP_OVERVIEW && !c->o->hist)
		fputs("; --by recording: a row per recording", c->hdr);
	fputc('\n', c->hdr);
}
