/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * clickhouse_report.h - what the reports of analyze --clickhouse share
 * (private to analyze/clickhouse_report*.c):
 *
 *   clickhouse_report.c         the recordings read, the dispatcher, query helpers,
 *                               the overview and --sql
 *   clickhouse_report_tables.c  the reports on the tables computed at import
 *                               (--top-io, --files, --mem, --cpu, --procs)
 *   clickhouse_report_events.c  the reports on the events (--syscalls [--hist],
 *                               --slow, --errors, --timeline)
 *
 * Queries are written with '$' after each table name, which becomes "_dist"
 * on a database with the Distributed tables of docs/SCHEMA.md ("Sharding"),
 * and '#' for the list of recordings.
 */
#ifndef SYSREC_CLICKHOUSE_REPORT_H
#define SYSREC_CLICKHOUSE_REPORT_H

#include "clickhouse.h"
#include "report.h"

struct chctx {
	struct rctx c;		/* what rep_rs, print_rs and add_time read */
	struct sr_ch *ch;
	const char *sfx;	/* "" or "_dist" */
	struct sr_chbuf ids;	/* "(id, id, ...)" */
	size_t nrecs;
	char **hosts;		/* the hosts, sorted, once each (for the header) */
	size_t nhosts;
	uint64_t *live;		/* the recordings, in the order of ids */
	/*
	 * The filters, as clauses for a subquery over one table with rec_id,
	 * proc_id and cgroup_id ("" when not asked for): --pid and --comm (pf),
	 * --cgroup (cf), and the events' span of the processes chosen (nw, the
	 * SQLite path's narrow_scans).
	 */
	struct sr_chbuf pf, cf, nw;
	int filtered;		/* any of them */
};

/* A filter clause of @b, or "". */
static inline const char *ch_f(const struct sr_chbuf *b)
{
	return b->n ? b->p : "";
}

/* Run @fmt with '$' and '#' expanded; the answer parsed into @res (0 or -errno, said). */
int ch_q(struct chctx *x, struct sr_chres *res, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Cell (@row, @col) of @r into @rs, as its type says (NULL, Int*, Float*, text). */
void ch_put(struct sr_rs *rs, const struct sr_chres *r, size_t row, size_t col);
/* The rows of @r into @rs as they are, up to the limit (rs->more past it). */
void ch_fill(struct chctx *x, struct sr_rs *rs, const struct sr_chres *r);
/* " LIMIT n" for one row more than shown, or "", in @buf. */
const char *ch_lim(struct chctx *x, char *buf, size_t len);
/* ch_fill(), print, free @rs and @r; @err: of the query (nothing printed then). */
int ch_print_fill(struct chctx *x, struct sr_rs *rs, struct sr_chres *r, int err);

/* clickhouse_report_tables.c */
int ch_top_io(struct chctx *x, int by);
int ch_files(struct chctx *x);
int ch_mem(struct chctx *x);
int ch_cpu(struct chctx *x);
int ch_procs(struct chctx *x);

/* clickhouse_report_events.c */
int ch_syscalls(struct chctx *x);
int ch_hist(struct chctx *x);
int ch_slow(struct chctx *x);
int ch_errors(struct chctx *x);
int ch_timeline(struct chctx *x);

#endif /* SYSREC_CLICKHOUSE_REPORT_H */
