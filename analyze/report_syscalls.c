// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_syscalls.c - --syscalls: per syscall its calls, errors and
 * durations with exact percentiles, and with the cpu class where their
 * time went.  Without a filter sys_stats, made at import, answers; with one
 * the durations are read from the events, as with --by host or --by
 * recording (per host or recording and syscall: sys_stats adds all
 * recordings up).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

struct sysacc {
	uint64_t calls, errors, total, max;
	uint64_t *d;
	size_t n, cap;
	uint64_t cpu_calls;	/* calls with a split, and its sums */
	int64_t split[6];	/* on-CPU, off-CPU, blocked, run queue, vol, invol */
};

/* The accumulators of the recording being scanned: nrw + 1 of them. */
struct sysscan {
	struct sysacc *acc;
};

static int sys_add(struct rctx *c, const struct sev *e, void *ctx)
{
	struct sysacc *a;
	int64_t d = sr_clamp(e->dur, 0, SR_DUR_MAX);

	if (e->sys_id < 1 || (size_t)e->sys_id > c->nrw)
		return 0;
	a = ((struct sysscan *)ctx)->acc + e->sys_id;
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

/*
 * The host of each recording of c->recs, as an index into the hosts in
 * name order (all 0 without --by host), in *idx; their names (NULL: no
 * host in the metadata) in *names.  The number of hosts, or -errno.
 * With --by recording each recording is a group of its own (no names).
 */
static int host_index(struct rctx *c, size_t **idx, char ***names)
{
	size_t nh = 0, nall = (size_t)sr_an_query_int(c->db, "SELECT COUNT(*) FROM recordings", 0);
	sqlite3_stmt *st;
	int err;

	*idx = calloc(c->nrecs + 1, sizeof(**idx));
	*names = calloc(nall + 1, sizeof(**names));
	if (!*idx || !*names)
		return -ENOMEM;
	if (c->o->by == SR_BY_RECORDING) {
		/* each recording its own: c->recs[k] is group k */
		for (size_t k = 0; k < c->nrecs; k++)
			(*idx)[k] = k;
		return c->nrecs ? (int)c->nrecs : 1;
	}
	if (c->o->by != SR_BY_HOST)
		return 1;
	err = sr_an_prepare(c->db, "SELECT rec_id, host FROM recordings"
			    " ORDER BY host IS NULL, host, rec_id", &st);
	if (err)
		return err;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *h = (const char *)sqlite3_column_text(st, 1);
		int64_t rec = sqlite3_column_int64(st, 0);
		size_t k;

		/* a new host unless it is the last one's (in host order) */
		if (!nh || (h ? !(*names)[nh - 1] || strcmp(h, (*names)[nh - 1]) :
			    !!(*names)[nh - 1])) {
			if (nh == nall)
				break;	/* recordings added meanwhile: not for this report */
			if (h && !((*names)[nh] = strdup(h))) {
				err = -ENOMEM;
				break;
			}
			nh++;
		}
		for (k = 0; k < c->nrecs; k++)
			if (c->recs[k].rec_id == rec)
				(*idx)[k] = nh - 1;
	}
	sqlite3_finalize(st);
	return err ? err : (int)(nh ? nh : 1);
}

/* temp.fsys: sys_stats of the events that pass the filters (per host with --by host) */
static int filtered_stats(struct rctx *c)
{
	size_t nacc = c->nrw, *hidx = NULL;
	struct sysacc *acc = NULL;
	sqlite3_stmt *st = NULL;
	char **hname = NULL;
	int err = 0, nh;

	nh = host_index(c, &hidx, &hname);
	if (nh < 0) {
		err = nh;
		nh = 0;
		goto out;
	}
	acc = calloc((size_t)nh * (nacc + 1), sizeof(*acc));
	if (!acc) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t k = 0; k < c->nrecs && !err; k++) {
		struct sysscan sc = { acc + hidx[k] * (nacc + 1) };

		err = scan_events(c, &c->recs[k], c->recs[k].scan_lo, c->recs[k].scan_hi,
				  sys_add, &sc);
	}
	if (err)
		goto out;
	/* rows into a temp table, so the order and limit are SQL's as unfiltered */
	err = temp_table(c, "DROP TABLE IF EXISTS temp.fsys;"
			 "CREATE TEMP TABLE fsys(sys_id INTEGER, calls INTEGER, errors INTEGER,"
			 " total_ns INTEGER, max_ns INTEGER, p50_ns INTEGER, p99_ns INTEGER,"
			 " on_cpu_ns INTEGER, off_cpu_ns INTEGER, blocked_ns INTEGER,"
			 " runq_ns INTEGER, vol_switches INTEGER, invol_switches INTEGER,"
			 " host TEXT, rec_id INTEGER)",
			 "INSERT INTO temp.fsys VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", &st);
	for (size_t j = 0; j < (size_t)nh * (nacc + 1) && !err; j++) {
		struct sysacc *a = &acc[j];
		size_t i = j % (nacc + 1);
		int64_t v[7];

		if (!i || !a->calls)
			continue;
		if (hname[j / (nacc + 1)])
			sqlite3_bind_text(st, 14, hname[j / (nacc + 1)], -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 14);
		if (c->o->by == SR_BY_RECORDING && j / (nacc + 1) < c->nrecs)
			sqlite3_bind_int64(st, 15, c->recs[j / (nacc + 1)].rec_id);
		else
			sqlite3_bind_null(st, 15);
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
	for (size_t i = 0; acc && i < (size_t)nh * (nacc + 1); i++)
		free(acc[i].d);
	free(acc);
	/* NULL (no host) sorts last: the names end at the first NULL */
	for (size_t i = 0; hname && hname[i]; i++)
		free(hname[i]);
	free(hname);
	free(hidx);
	return err;
}

int report_syscalls(struct rctx *c)
{
	struct qbuf q = { .n = 0 };
	struct sr_rs *rs;
	int by_host = c->o->by == SR_BY_HOST, by_rec = c->o->by == SR_BY_RECORDING, from_stats;
	int err;

	if (c->o->hist)
		return report_syscalls_hist(c);
	/* filtered or per host: exact percentiles need the durations themselves */
	from_stats = unfiltered(c) && !by_host && !by_rec;
	err = from_stats ? 0 : filtered_stats(c);
	if (err)
		return err;
	rs = rep_rs(c, SR_REP_SYSCALLS, c->o->by);
	if (!rs)
		return -ENOMEM;
	q_add(&q, "SELECT %ss.name, t.calls, t.errors, t.total_ns, t.total_ns / t.calls,"
	      " t.p50_ns, t.p99_ns, t.max_ns", by_host ? "IFNULL(t.host, '(unknown)'), " :
	      by_rec ? "(SELECT label FROM temp.rlab l WHERE l.rec_id = t.rec_id), " : "");
	if (has_cpu(c))
		q_add(&q, ", t.on_cpu_ns, t.off_cpu_ns, t.blocked_ns, t.runq_ns,"
		      " t.vol_switches, t.invol_switches");
	if (by_rec)
		q_add(&q, ", (SELECT recording_id FROM recordings r WHERE r.rec_id = t.rec_id),"
		      " (SELECT host FROM recordings r WHERE r.rec_id = t.rec_id)");
	/* per host by its name, per recording in the order they were imported */
	q_add(&q, " FROM %s t JOIN syscalls s ON s.sys_id = t.sys_id ORDER BY %s"
	      " t.total_ns DESC, t.calls DESC, s.name LIMIT :limit",
	      from_stats ? "sys_stats" : "temp.fsys",
	      by_host ? "t.host IS NULL, t.host," : by_rec ? "t.rec_id," : "");
	return run_print(c, &q, rs);
}

/* sys_stats only without any filter; a histogram needs every duration */
int syscalls_needs_rows(sqlite3 *db, const struct sr_an_opts *o)
{
	(void)db;
	return o->hist || o->by == SR_BY_HOST || o->by == SR_BY_RECORDING || o->npids ||
	       o->comm || o->cgroup || o->has_since || o->has_until;
}
