// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_net.c - --net: per remote endpoint ("tcp 127.0.0.1:5432", a unix
 * socket's name), and with --by process per process too, the connects,
 * accepts, bytes sent and received, failures (by errno) and the latency of
 * connects (p50, p99, max; a non-blocking connect's ends where its socket
 * is first used).  It reads the net tables the import sums
 * (import_net.c), not the event rows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/util.h"
#include "report.h"

/*
 * The successful connects ranked by latency per host, endpoint (and
 * process), for nearest-rank percentiles: rank ceil(n * p / 100).
 */
static int rank_connects(struct rctx *c, int by_proc)
{
	struct qbuf q = { .n = 0 };
	const char *part = by_proc ? "r.host, c.endpoint, c.proc_id" : "r.host, c.endpoint";

	q_add(&q, "DROP TABLE IF EXISTS temp.netlat; CREATE TEMP TABLE netlat AS"
	      " SELECT r.host, c.endpoint, c.proc_id, c.dur_ns,"
	      " ROW_NUMBER() OVER (PARTITION BY %s ORDER BY c.dur_ns) AS rk,"
	      " COUNT(*) OVER (PARTITION BY %s) AS n"
	      " FROM net_connects c JOIN recordings r ON r.rec_id = c.rec_id WHERE c.ret = 0%s",
	      part, part, c->fproc ? " AND c.proc_id IN (SELECT proc_id FROM temp.fproc)" : "");
	if (q.overflow)
		return -E2BIG;
	return sr_an_exec(c->db, q.s);
}

/* A latency column: the row's connects (@what: a percentile, MAX or COUNT). */
static void q_lat(struct qbuf *q, int by_proc, const char *what, int pct)
{
	const char *proc = by_proc ? " AND l.proc_id = s.proc_id" : "";

	if (pct)
		q_add(q, " (SELECT l.dur_ns FROM temp.netlat l WHERE l.endpoint = s.endpoint"
		      " AND l.host IS r.host%s AND l.rk = (l.n * %d + 99) / 100),", proc, pct);
	else
		q_add(q, " (SELECT %s FROM temp.netlat l WHERE l.endpoint = s.endpoint"
		      " AND l.host IS r.host%s),", what, proc);
}

#define ERRNOS_MAX	32

struct errno_n {
	int err;
	long long n;
};

static int cmp_errno(const void *a, const void *b)
{
	const struct errno_n *x = a, *y = b;

	return (x->err > y->err) - (x->err < y->err);
}

/*
 * "111:2,11:3,111:1" (one item per net_errors row) becomes
 * "EAGAIN:3,ECONNREFUSED:3": summed per errno, in errno order, named (SQL
 * has no table of errno names).
 */
int net_name_errnos(struct sr_rs *rs, size_t col)
{
	for (size_t r = 0; r < rs->nrows; r++) {
		struct sr_val *v = sr_rs__at(rs, r, col);
		struct errno_n e[ERRNOS_MAX];
		char out[1024], *save = NULL, *tok;
		size_t n = 0, ne = 0, i;

		if (v->type != SQLITE_TEXT || !v->s)
			continue;
		for (tok = strtok_r(v->s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			int err = atoi(tok);
			const char *cnt = strchr(tok, ':');

			for (i = 0; i < ne && e[i].err != err; i++)
				;
			if (i == ne) {
				if (ne == ERRNOS_MAX)
					continue;
				e[ne].err = err;
				e[ne++].n = 0;
			}
			e[i].n += cnt ? atoll(cnt + 1) : 0;
		}
		qsort(e, ne, sizeof(e[0]), cmp_errno);
		out[0] = 0;
		for (i = 0; i < ne; i++) {
			const char *name = sr_errno_name(e[i].err);
			int w = name ? snprintf(out + n, sizeof(out) - n, "%s%s:%lld", n ? "," : "",
						name, e[i].n)
				     : snprintf(out + n, sizeof(out) - n, "%s%d:%lld", n ? "," : "",
						e[i].err, e[i].n);

			if (w < 0 || (size_t)w >= sizeof(out) - n)
				break;
			n += (size_t)w;
		}
		if (sr_val__set_text(v, out, n))
			return -ENOMEM;
	}
	return 0;
}

int report_net(struct rctx *c)
{
	int by_proc = c->o->by == SR_BY_PROCESS;
	struct qbuf q = { .n = 0 };
	struct sr_rs *rs;
	size_t errcol;
	int err;

	if (c->ftime || c->fcg)
		fprintf(c->hdr, "# --net: the processes chosen, with their figures for the whole"
			" recording\n");
	err = rank_connects(c, by_proc);
	if (err)
		return err;
	rs = rep_rs(c, SR_REP_NET, c->o->by);
	if (!rs)
		return -ENOMEM;
	errcol = by_proc ? 8 : 6;
	q_add(&q, "SELECT s.endpoint,");
	if (by_proc)
		q_add(&q, " p.pid, p.comm,");
	q_add(&q, " SUM(s.connects), SUM(s.accepts), SUM(s.sent_bytes), SUM(s.recv_bytes),"
	      " SUM(s.errors), (SELECT group_concat(e.errno || ':' || e.count, ',')"
	      " FROM net_errors e WHERE e.endpoint = s.endpoint"
	      " AND e.rec_id IN (SELECT rec_id FROM recordings WHERE host IS r.host)%s%s),",
	      by_proc ? " AND e.proc_id = s.proc_id" : "",
	      c->fproc ? " AND e.proc_id IN (SELECT proc_id FROM temp.fproc)" : "");
	q_lat(&q, by_proc, "COUNT(*)", 0);
	q_lat(&q, by_proc, NULL, 50);
	q_lat(&q, by_proc, NULL, 99);
	q_lat(&q, by_proc, "MAX(l.dur_ns)", 0);
	q_add(&q, " SUM(s.sends), SUM(s.recvs), r.host FROM net_stats s"
	      " JOIN recordings r ON r.rec_id = s.rec_id JOIN procs p ON p.proc_id = s.proc_id"
	      " WHERE 1");
	q_proc_filters(c, &q);
	q_add(&q, " GROUP BY r.host, s.endpoint%s", by_proc ? ", s.proc_id" : "");
	q_add(&q, " ORDER BY SUM(s.sent_bytes) + SUM(s.recv_bytes) DESC,"
	      " SUM(s.connects) + SUM(s.accepts) DESC, s.endpoint%s, r.host LIMIT :limit",
	      by_proc ? ", p.pid" : "");
	err = run_into(c, &q, rs);
	if (!err)
		err = net_name_errnos(rs, errcol);
	if (!err)
		err = print_rs(c, rs);
	else if (err == -ENOMEM)
		sr_err("%s", strerror(ENOMEM));
	sr_rs__free(rs);
	return err;
}
