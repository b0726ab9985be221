// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_syscalls.c - --syscalls: per syscall its calls, errors and
 * durations with exact percentiles, and with the cpu class where their
 * time went.  Without a filter sys_stats, made at import, answers; with one
 * the durations are read from the events.
 */
#include <errno.h>
#include <stdlib.h>

#include "report.h"

struct sysacc {
	uint64_t calls, errors, total, max;
	uint64_t *d;
	size_t n, cap;
	uint64_t cpu_calls;	/* calls with a split, and its sums */
	int64_t split[6];	/* on-CPU, off-CPU, blocked, run queue, vol, invol */
};

static int sys_add(struct rctx *c, const struct sev *e, void *ctx)
{
	struct sysacc *a;
	int64_t d = sr_clamp(e->dur, 0, SR_DUR_MAX);

	if (e->sys_id < 1 || (size_t)e->sys_id > c->nrw)
		return 0;
	a = (struct sysacc *)ctx + e->sys_id;
	a->calls++;
	a->errors += e->ret < 0 && e->ret >= -4095;
	a->total = (uint64_t)sr_sum((int64_t)a->total, d);
	if ((uint64_t)d > a->max)
		a->max = (uint64_t)d;
	if (sr_grow(&a->d, &a->cap, a->n + 1, sizeof(*a->d)))
		return -ENOMEM;
	a->d[a->n++] = (uint64_t)d;
	if (e->has_split) {
		const int64_t v[6] = { e->on_cpu, e->off_cpu, e->blocked, e->runq, e->vol, e->invol };

		a->cpu_calls++;
		for (int k = 0; k < 6; k++)
			a->split[k] = sr_sum(a->split[k], v[k]);
	}
	return 0;
}

/* temp.fsys: sys_stats of the events that pass the filters */
static int filtered_stats(struct rctx *c)
{
	size_t nacc = c->nrw;
	struct sysacc *acc;
	sqlite3_stmt *st = NULL;
	int err = 0;

	acc = calloc(nacc + 1, sizeof(*acc));
	if (!acc)
		return -ENOMEM;
	for (size_t k = 0; k < c->nrecs && !err; k++)
		err = scan_events(c, &c->recs[k], c->recs[k].scan_lo, c->recs[k].scan_hi,
				  sys_add, acc);
	if (err)
		goto out;
	/* rows into a temp table, so the order and limit are SQL's as unfiltered */
	err = temp_table(c, "DROP TABLE IF EXISTS temp.fsys;"
			 "CREATE TEMP TABLE fsys(sys_id INTEGER, calls INTEGER, errors INTEGER,"
			 " total_ns INTEGER, max_ns INTEGER, p50_ns INTEGER, p99_ns INTEGER,"
			 " on_cpu_ns INTEGER, off_cpu_ns INTEGER, blocked_ns INTEGER,"
			 " runq_ns INTEGER, vol_switches INTEGER, invol_switches INTEGER)",
			 "INSERT INTO temp.fsys VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)", &st);
	for (size_t i = 1; i <= nacc && !err; i++) {
		struct sysacc *a = &acc[i];
		int64_t v[7];

		if (!a->calls)
			continue;
		sr_sort_u64(a->d, a->n);
		v[0] = (int64_t)i;
		v[1] = (int64_t)a->calls;
		v[2] = (int64_t)a->errors;
		v[3] = (int64_t)a->total;
		v[4] = (int64_t)a->max;
		v[5] = (int64_t)sr_percentile(a->d, a->n, 50);
		v[6] = (int64_t)sr_percentile(a->d, a->n, 99);
		/* the split's columns stay NULL when no call had the cpu class */
		for (int k = 0; k < 6; k++) {
			if (a->cpu_calls)
				sqlite3_bind_int64(st, 8 + k, a->split[k]);
			else
				sqlite3_bind_null(st, 8 + k);
		}
		insert_row(st, v, 7);
	}
out:
	sqlite3_finalize(st);
	for (size_t i = 0; i <= nacc; i++)
		free(acc[i].d);
	free(acc);
	return err;
}

int report_syscalls(struct rctx *c)
{
	struct qbuf q = { .n = 0 };
	struct sr_rs *rs;
	int err;

	if (c->o->hist)
		return report_syscalls_hist(c);
	/* filtered: exact percentiles need the durations themselves */
	err = unfiltered(c) ? 0 : filtered_stats(c);
	if (err)
		return err;
	rs = rep_rs(c, SR_REP_SYSCALLS, 0);
	if (!rs)
		return -ENOMEM;
	q_add(&q, "SELECT s.name, t.calls, t.errors, t.total_ns, t.total_ns / t.calls,"
	      " t.p50_ns, t.p99_ns, t.max_ns");
	if (has_cpu(c))
		q_add(&q, ", t.on_cpu_ns, t.off_cpu_ns, t.blocked_ns, t.runq_ns,"
		      " t.vol_switches, t.invol_switches");
	q_add(&q, " FROM %s t JOIN syscalls s ON s.sys_id = t.sys_id"
	      " ORDER BY t.total_ns DESC, t.calls DESC, s.name LIMIT :limit",
	      unfiltered(c) ? "sys_stats" : "temp.fsys");
	return run_print(c, &q, rs);
}

/* sys_stats only without any filter; a histogram needs every duration */
int syscalls_needs_rows(sqlite3 *db, const struct sr_an_opts *o)
{
	(void)db;
	return o->hist || o->npids || o->comm || o->cgroup || o->has_since || o->has_until;
}
