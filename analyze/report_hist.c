// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_hist.c - --syscalls --hist: per syscall a latency histogram in
 * power-of-two buckets of nanoseconds, as bcc's funclatency prints them
 * (0-1, 2-3, 4-7, ...), from the lowest bucket used to the highest.  Rows:
 * syscall, bucket_lo_ns, bucket_hi_ns, count; tables add a bar scaled to
 * the syscall's fullest bucket.  The syscalls come by total time, then
 * calls, as in --syscalls.  Reads the event rows (syscalls_needs_rows).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define NBUCKETS	SR_HIST_BUCKETS
#define BAR		24	/* the width of a full bar: room for the rest in 80 columns */

/* The bucket of @d: floor(log2(d)), and 0 for 0 and 1. */
static int bucket(uint64_t d)
{
	int k = 0;

	while (d > 1 && k < NBUCKETS - 1) {
		d >>= 1;
		k++;
	}
	return k;
}

static int hist_add(struct rctx *c, const struct sev *e, void *ctx)
{
	struct hist *h;
	int64_t d = sr_clamp(e->dur, 0, SR_DUR_MAX);

	if (e->sys_id < 1 || (size_t)e->sys_id > c->nrw)
		return 0;
	h = (struct hist *)ctx + e->sys_id;
	h->sys_id = e->sys_id;
	h->calls++;
	h->total = (uint64_t)sr_sum((int64_t)h->total, d);
	h->n[bucket((uint64_t)d)]++;
	return 0;
}

/* --syscalls' order: total time, then calls (then sys_id: a stable order). */
static int by_total(const void *a, const void *b)
{
	const struct hist *x = a, *y = b;

	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	if (x->calls != y->calls)
		return x->calls < y->calls ? 1 : -1;
	return (x->sys_id > y->sys_id) - (x->sys_id < y->sys_id);
}

static const char *sys_name(struct rctx *c, int64_t sys_id, char *buf, size_t sz)
{
	sqlite3_stmt *st;
	const unsigned char *s;

	buf[0] = 0;
	if (sr_an_prepare(c->db, "SELECT name FROM syscalls WHERE sys_id = ?", &st))
		return buf;
	sqlite3_bind_int64(st, 1, sys_id);
	if (sqlite3_step(st) == SQLITE_ROW && (s = sqlite3_column_text(st, 0)))
		snprintf(buf, sz, "%s", (const char *)s);
	sqlite3_finalize(st);
	return buf;
}

/* The rows of one syscall: its buckets from the lowest used to the highest. */
void hist_rows(struct rctx *c, struct sr_rs *rs, const struct hist *h, const char *name,
	       int64_t *n)
{
	char bar[BAR + 3];
	uint64_t max = 0;
	int lo = NBUCKETS, hi = -1;

	for (int k = 0; k < NBUCKETS; k++) {
		if (!h->n[k])
			continue;
		lo = k < lo ? k : lo;
		hi = k;
		max = h->n[k] > max ? h->n[k] : max;
	}
	for (int k = lo; k <= hi; k++) {
		size_t w = (size_t)(h->n[k] * BAR / max);

		if (c->limit > 0 && *n >= c->limit) {
			rs->more = 1;
			return;
		}
		(*n)++;
		bar[0] = '|';
		memset(bar + 1, '*', w);
		memset(bar + 1 + w, ' ', BAR - w);
		bar[BAR + 1] = '|';
		bar[BAR + 2] = 0;
		sr_rs__row(rs);
		sr_rs__str(rs, name);
		sr_rs__int(rs, k ? (int64_t)1 << k : 0);
		sr_rs__int(rs, ((int64_t)1 << (k + 1)) - 1);
		sr_rs__int(rs, (int64_t)h->n[k]);
		sr_rs__str(rs, bar);
	}
}

void hist_cols(struct sr_rs *rs)
{
	sr_rs__col(rs, "syscall", SR_COL_TEXT, 0);
	sr_rs__col(rs, "bucket_lo_ns", SR_COL_INT, 0);
	sr_rs__col(rs, "bucket_hi_ns", SR_COL_INT, 0);
	sr_rs__col(rs, "count", SR_COL_INT, 0);
	sr_rs__col(rs, "distribution", SR_COL_TEXT, SR_COL_F_TABLEONLY);
}

int report_syscalls_hist(struct rctx *c)
{
	struct hist *acc = calloc(c->nrw + 1, sizeof(*acc));
	struct sr_rs *rs = sr_rs__new();
	int64_t n = 0;
	int err = 0;

	if (!acc || !rs) {
		sr_err("%s", strerror(ENOMEM));
		err = -ENOMEM;
		goto out;
	}
	for (size_t k = 0; k < c->nrecs && !err; k++)
		err = scan_events(c, &c->recs[k], c->recs[k].scan_lo, c->recs[k].scan_hi,
				  hist_add, acc);
	if (err)
		goto out;
	qsort(acc, c->nrw + 1, sizeof(*acc), by_total);
	hist_cols(rs);
	for (size_t i = 0; i <= c->nrw && !rs->more; i++) {
		char name[128];

		if (acc[i].calls)
			hist_rows(c, rs, &acc[i], sys_name(c, acc[i].sys_id, name, sizeof(name)), &n);
	}
	err = print_rs(c, rs);
out:
	sr_rs__free(rs);
	free(acc);
	return err;
}
