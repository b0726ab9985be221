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
 *                               --slow, --errors)
 *   clickhouse_report_net.c     --net over the net tables
 *   clickhouse_timeline.c       --timeline: over table tl, or the events spread
 *                               over buckets (a window, an odd --interval)
 *   clickhouse_window.c         --since/--until
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
	/*
	 * The recordings, in the order of ids: the exports' (exported_ns,
	 * then first_event), which is the SQLite path's rec_id order for
	 * traces exported in one run as analyze imports them.
	 */
	uint64_t *live;
	char **label;		/* when rec_split(): each one's label (report_recs.c) */
	char **rid, **rhost;	/* each one's recording_id and host, NULL when none */
	uint64_t *bykey;	/* the rec_ids of live in the order of the recordings' keys */
	/*
	 * SQL of rec_id: its place in live from 1 (ord, the SQLite path's
	 * rec_id), its label (lab), and the columns of SR_REPORT_COL_REC
	 * (rc: ", label, recording_id" when rec_split(), else ""; the query
	 * has recording_id from recordings).
	 */
	struct sr_chbuf ord, lab, rc;
	/*
	 * The filters, as clauses for a subquery over one table with rec_id,
	 * proc_id and cgroup_id ("" when not asked for): --pid and --comm (pf),
	 * --cgroup (cf), and the events' span of the processes chosen (nw, the
	 * SQLite path's narrow_scans).
	 */
	struct sr_chbuf pf, cf, nw;
	int64_t *plo, *phi;	/* with pf: the span of nw per recording, in the order of live */
	struct sr_chbuf cfp;	/* cf through procs, for mem_ev (no cgroup_id) */
	/*
	 * --since/--until (clickhouse_window.c): the events in each
	 * recording's window (win, also in nw), the processes alive in it
	 * (alive), the I/O source of the window (src, a subquery with
	 * agg_all's columns) and the window's ends per recording (lo, hi).
	 */
	struct sr_chbuf win, alive, src;
	struct sr_chbuf dur;	/* the window's part of a recording, of its row */
	int64_t *lo, *hi, *start;	/* per recording, in the order of live */
	int ftime;
	int filtered;		/* any filter: the SQLite path's !unfiltered() */
	char tab[4][64];	/* ch_io()'s answers, in turn */
	int ntab;
};

/* The I/O source: src in a window, else @name (with the suffix). */
const char *ch_io(struct chctx *x, const char *name);

/* A filter clause of @b, or "". */
static inline const char *ch_f(const struct sr_chbuf *b)
{
	return b->n ? b->p : "";
}

/* Run @fmt with '$' and '#' expanded; the answer parsed into @res (0 or -errno, said). */
int ch_q(struct chctx *x, struct sr_chres *res, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* @fmt with '$' and '#' expanded, then formatted (malloc'd; NULL: no memory) */
char *ch_fmt(struct chctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Cell (@row, @col) of @r into @rs, as its type says (NULL, Int*, Float*, text). */
void ch_put(struct sr_rs *rs, const struct sr_chres *r, size_t row, size_t col);
/* The rows of @r into @rs as they are, up to the limit (rs->more past it). */
void ch_fill(struct chctx *x, struct sr_rs *rs, const struct sr_chres *r);
/* " LIMIT n" for one row more than shown, or "", in @buf. */
const char *ch_lim(struct chctx *x, char *buf, size_t len);
/* ch_fill(), print, free @rs and @r; @err: of the query (nothing printed then). */
int ch_print_fill(struct chctx *x, struct sr_rs *rs, struct sr_chres *r, int err);

/* "transform(rec_id, [the live recordings' ids], [" into @b: a map of them, its values next */
void ch_transform_live(struct chctx *x, struct sr_chbuf *b);
/* " transform(rec_id, [ids], [v], toInt64(0))": a value of each recording, into @b */
void ch_per_rec(struct chctx *x, struct sr_chbuf *b, const int64_t *v);

/* clickhouse_window.c: --since/--until into @o (made relative) and x */
int ch_window(struct chctx *x, struct sr_an_opts *o);
/*
 * The events of the window outside its whole buckets of @unit ns (@w of
 * win_split): a clause into @b, " AND 0" when there are none.
 */
int ch_edges(struct chctx *x, int64_t unit, const struct win *w, struct sr_chbuf *b);
/* --mem over the window: its rows as report_mem's (0 or -errno) */
int ch_window_mem(struct chctx *x, struct sr_rs *rs);

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

/* clickhouse_timeline.c */
int ch_timeline(struct chctx *x);

/* clickhouse_report_net.c */
int ch_net(struct chctx *x);

#endif /* SYSREC_CLICKHOUSE_REPORT_H */
