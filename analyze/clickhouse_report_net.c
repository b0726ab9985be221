// SPDX-License-Identifier: GPL-2.0-only
/*
 * clickhouse_report_net.c - analyze --clickhouse --net: report_net.c's rows
 * from the exported net tables (net_stats, net_errors, net_connects).
 *
 * report_net.c answers with one query whose errnos and connect latencies
 * are correlated subqueries per row; 18.16 has neither those nor window
 * functions, so here three grouped queries (the rows, their errnos, their
 * connects' latencies) are matched up by their key: the host, the
 * endpoint, and with --by process the process.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/util.h"
#include "clickhouse_report.h"

/* Cells @a of @r and @b of @q equal, NULL equal to NULL (SQL's IS). */
static int same_cell(const struct sr_chres *r, size_t ra, size_t ca,
		     const struct sr_chres *q, size_t rb, size_t cb)
{
	const char *a = sr_chres__at(r, ra, ca), *b = sr_chres__at(q, rb, cb);

	if (!a || !b)
		return !a && !b;
	return r->lens[ra * r->ncols + ca] == q->lens[rb * q->ncols + cb] &&
	       !memcmp(a, b, r->lens[ra * r->ncols + ca]);
}

/* Row @i of @r (key: host, endpoint[, rec_id, proc_id] at @kr) is row @k of @q (key at 0). */
static int same_key(const struct sr_chres *r, size_t i, const size_t *kr, int nk,
		    const struct sr_chres *q, size_t k)
{
	for (int j = 0; j < nk; j++)
		if (!same_cell(r, i, kr[j], q, k, (size_t)j))
			return 0;
	return 1;
}

/* The errnos of row @i as report_net.c reads them, "errno:count,...", into @v. */
static int errnos_of(const struct sr_chres *r, size_t i, const size_t *kr, int nk,
		     const struct sr_chres *e, struct sr_val *v)
{
	struct sr_chbuf b = { 0 };

	for (size_t k = 0; k < e->nrows; k++) {
		if (!same_key(r, i, kr, nk, e, k))
			continue;
		if (b.n)
			sr_chbuf__puts(&b, ",");
		sr_chbuf__puts(&b, sr_chres__at(e, k, (size_t)nk));
		sr_chbuf__puts(&b, ":");
		sr_chbuf__puts(&b, sr_chres__at(e, k, (size_t)nk + 1));
	}
	if (!b.n)
		return 0;	/* no failure: NULL, as group_concat of nothing */
	if (!sr_chbuf__cstr(&b)) {
		sr_chbuf__free(&b);
		return -ENOMEM;
	}
	free(v->s);
	v->s = b.p;		/* the buffer's text, owned by @v now */
	v->len = b.n;
	v->type = SQLITE_TEXT;
	return 0;
}

int ch_net(struct chctx *x)
{
	int by_proc = x->c.o->by == SR_BY_PROCESS;
	struct sr_chres r = { 0 }, e = { 0 }, l = { 0 };
	struct sr_rs *rs;
	/*
	 * The key's columns in r: host, endpoint (and the process: rec_id and
	 * proc_id, the last; a proc_id is of one export, the SQLite path's of
	 * one database).
	 */
	size_t kr[4], errcol = by_proc ? 8 : 6, latcol = errcol + 1;
	int nk = by_proc ? 4 : 2, err;
	const char *key = by_proc ? "rhost, endpoint, rec_id, proc_id" : "rhost, endpoint";
	char lim[32];

	if (x->ftime || x->cf.n)
		fprintf(x->c.hdr, "# --net: the processes chosen, with their figures for the whole"
			" recording\n");
	rs = rep_rs(&x->c, SR_REP_NET, x->c.o->by);
	if (!rs)
		return -ENOMEM;
	err = ch_q(x, &r, "SELECT endpoint, %s sum(connects) AS sc, sum(accepts) AS sa,"
		   " sum(sent_bytes) AS ss, sum(recv_bytes) AS sr, sum(errors), NULL, NULL, NULL,"
		   " NULL, NULL, sum(sends), sum(recvs), rhost%s FROM"
		   " (SELECT * FROM"
		   "  (SELECT rec_id, proc_id, endpoint, connects, accepts, sends, recvs,"
		   "   sent_bytes, recv_bytes, errors FROM net_stats$ WHERE rec_id IN #)"
		   "  ANY INNER JOIN (SELECT rec_id, proc_id, pid, comm FROM procs$"
		   "   WHERE rec_id IN #%s%s%s) USING (rec_id, proc_id))"
		   " ANY LEFT JOIN (SELECT rec_id, host AS rhost FROM recordings$ WHERE rec_id IN #)"
		   " USING (rec_id) GROUP BY %s%s"
		   " ORDER BY ss + sr DESC, sc + sa DESC, isNotNull(endpoint), endpoint%s,"
		   " isNotNull(rhost), rhost%s%s%s%s",
		   by_proc ? "pid, comm," : "", by_proc ? ", rec_id, proc_id" : "",
		   ch_f(&x->pf), ch_f(&x->cf), ch_f(&x->alive), key,
		   by_proc ? ", pid, comm" : "", by_proc ? ", pid" : "",
		   by_proc ? ", " : "", by_proc ? x->ord.p : "", by_proc ? ", proc_id" : "",
		   ch_lim(x, lim, sizeof(lim)));
	/* a failure's errnos: of every process of the host (--pid, --comm alone filter them) */
	if (!err)
		err = ch_q(x, &e, "SELECT %s, errno, sum(count) FROM"
			   " (SELECT rec_id, proc_id, endpoint, errno, count FROM net_errors$"
			   "  WHERE rec_id IN #%s)"
			   " ANY LEFT JOIN (SELECT rec_id, host AS rhost FROM recordings$"
			   "  WHERE rec_id IN #) USING (rec_id) GROUP BY %s, errno",
			   key, ch_f(&x->pf), key);
	/* the successful connects: count, nearest-rank p50 and p99 (rank ceil(n p / 100)), max */
	if (!err)
		err = ch_q(x, &l, "SELECT %s, count() AS n,"
			   " arrayElement(arraySort(groupArray(dur_ns)), intDiv(n * 50 + 99, 100)),"
			   " arrayElement(arraySort(groupArray(dur_ns)), intDiv(n * 99 + 99, 100)),"
			   " max(dur_ns) FROM"
			   " (SELECT rec_id, proc_id, endpoint, dur_ns FROM net_connects$"
			   "  WHERE rec_id IN # AND ret = 0%s)"
			   " ANY LEFT JOIN (SELECT rec_id, host AS rhost FROM recordings$"
			   "  WHERE rec_id IN #) USING (rec_id) GROUP BY %s",
			   key, ch_f(&x->pf), key);
	if (err)
		goto out;
	kr[0] = by_proc ? 15 : 13;	/* rhost */
	kr[1] = 0;			/* endpoint */
	kr[2] = kr[0] + 1;		/* rec_id */
	kr[3] = kr[0] + 2;		/* proc_id */
	for (size_t i = 0; i < r.nrows && !err; i++) {
		if (x->c.limit > 0 && (int64_t)i >= x->c.limit) {
			rs->more = 1;
			break;
		}
		sr_rs__row(rs);
		for (size_t k = 0; k <= kr[0]; k++)
			ch_put(rs, &r, i, k);
		err = errnos_of(&r, i, kr, nk, &e, sr_rs__at(rs, i, errcol));
		sr_rs__at(rs, i, latcol)->type = SQLITE_INTEGER;	/* COUNT(*): 0 at least */
		sr_rs__at(rs, i, latcol)->i = 0;
		for (size_t k = 0; k < l.nrows; k++) {
			if (!same_key(&r, i, kr, nk, &l, k))
				continue;
			for (int j = 0; j < 4; j++) {
				struct sr_val *v = sr_rs__at(rs, i, latcol + (size_t)j);
				const char *s = sr_chres__at(&l, k, (size_t)nk + (size_t)j);

				v->type = s ? SQLITE_INTEGER : SQLITE_NULL;
				v->i = s ? strtoll(s, NULL, 10) : 0;
			}
		}
	}
	if (!err)
		err = net_name_errnos(rs, errcol);
	if (!err)
		err = print_rs(&x->c, rs);
out:
	sr_chres__free(&l);
	sr_chres__free(&e);
	sr_chres__free(&r);
	sr_rs__free(rs);
	return err;
}
