// SPDX-License-Identifier: GPL-2.0-only
/*
 * clickhouse_report.c - sysrec analyze --clickhouse URL: the reports of
 * analyze as ClickHouse SQL over the exported tables, printed by the same
 * result sets (resultset.c) with the same columns (report.c's table), so a
 * report prints the same rows as the SQLite path on the same traces.
 *
 * Which rows count: per recording the latest export that finished (its row
 * of `recordings`, written last: clickhouse_export.c), so every query reads
 * `rec_id IN (...)` of those.  With --host or --recording, of those alone.
 *
 * Queries are written with '$' after each table name, which becomes "_dist"
 * on a database with the Distributed tables of docs/SCHEMA.md ("Sharding"),
 * and '#' for the list of recordings.  18.16 takes one JOIN per SELECT and
 * pushes aggregation to the shards only for a table in FROM, so each side of
 * a join is a subquery over one table: correct on one node or many, as a
 * recording's rows all live on one shard or not.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/util.h"
#include "clickhouse_report.h"

/* @s with '$' and '#' expanded into @b. */
static void expand(struct chctx *x, struct sr_chbuf *b, const char *s)
{
	for (const char *p = s; *p; p++) {
		if (*p == '$')
			sr_chbuf__puts(b, x->sfx);
		else if (*p == '#')
			sr_chbuf__add(b, x->ids.p, x->ids.n);
		else
			sr_chbuf__add(b, p, 1);
	}
}

static char *vfmt(struct chctx *x, const char *fmt, va_list ap)
{
	struct sr_chbuf f = { 0 };
	char *raw = NULL;

	expand(x, &f, fmt);
	if (sr_chbuf__cstr(&f) && vasprintf(&raw, f.p, ap) < 0)
		raw = NULL;
	sr_chbuf__free(&f);
	return raw;
}

char *ch_fmt(struct chctx *x, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vfmt(x, fmt, ap);
	va_end(ap);
	return s;
}

/*
 * Run @fmt with '$' and '#' expanded (in @fmt only: the filters' values
 * are arguments, never expanded); the answer parsed into @res.
 */
int ch_q(struct chctx *x, struct sr_chres *res, const char *fmt, ...)
{
	struct sr_chbuf q = { 0 }, ans = { 0 };
	char *raw;
	va_list ap;
	int err;

	memset(res, 0, sizeof(*res));
	va_start(ap, fmt);
	raw = vfmt(x, fmt, ap);
	va_end(ap);
	if (!raw)
		return -ENOMEM;
	sr_chbuf__puts(&q, raw);
	free(raw);
	sr_chbuf__puts(&q, " FORMAT TabSeparatedWithNamesAndTypes");
	if (sr_verbose && sr_chbuf__cstr(&q))
		fprintf(stderr, "clickhouse: %s\n", q.p);
	err = sr_chbuf__cstr(&q) ? sr_ch__query(x->ch, q.p, &ans) : -ENOMEM;
	sr_chbuf__free(&q);
	if (!err)
		err = sr_chres__parse(res, &ans);
	sr_chbuf__free(&ans);
	return err;
}

const char *ch_io(struct chctx *x, const char *name)
{
	char *t;

	if (x->ftime)
		return x->src.p;
	t = x->tab[x->ntab++ % 4];
	snprintf(t, sizeof(x->tab[0]), "%s%s", name, x->sfx);
	return t;
}

/* One value of an answer into @rs, as its type says. */
void ch_put(struct sr_rs *rs, const struct sr_chres *r, size_t row, size_t col)
{
	const char *s = sr_chres__at(r, row, col);
	const char *t = r->types[col];

	if (!strncmp(t, "Nullable(", 9))
		t += 9;
	if (!s)
		sr_rs__null(rs);
	else if (!strncmp(t, "Int", 3) || !strncmp(t, "UInt", 4))
		sr_rs__int(rs, strtoll(s, NULL, 10));
	else if (!strncmp(t, "Float", 5))
		sr_rs__real(rs, strtod(s, NULL));
	else
		sr_rs__text(rs, s, r->lens[row * r->ncols + col]);
}

/* The rows of @r into @rs as they are, up to the limit. */
void ch_fill(struct chctx *x, struct sr_rs *rs, const struct sr_chres *r)
{
	for (size_t i = 0; i < r->nrows; i++) {
		if (x->c.limit > 0 && (int64_t)i >= x->c.limit) {
			rs->more = 1;
			break;
		}
		sr_rs__row(rs);
		for (size_t k = 0; k < r->ncols; k++)
			ch_put(rs, r, i, k);
	}
}

/* " LIMIT n" for one row more than shown (to know there are more), or "". */
const char *ch_lim(struct chctx *x, char *buf, size_t len)
{
	if (x->c.limit > 0 && x->c.limit < INT64_MAX)
		snprintf(buf, len, " LIMIT %" PRId64, x->c.limit + 1);
	else
		buf[0] = '\0';
	return buf;
}

int ch_print_fill(struct chctx *x, struct sr_rs *rs, struct sr_chres *r, int err)
{
	if (!err) {
		ch_fill(x, rs, r);
		err = print_rs(&x->c, rs);
	}
	sr_chres__free(r);
	sr_rs__free(rs);
	return err;
}

static int ch_top_processes(void *ctx)
{
	return ch_top_io(ctx, SR_BY_PROCESS);
}

static int ch_overview(struct chctx *x)
{
	struct sr_rs *rs = rep_rs(&x->c, SR_REP_OVERVIEW, 0);
	struct sr_chres r[5] = { 0 };
	int err;

	if (!rs)
		return -ENOMEM;
	/* with a window, its part of each recording and the events lost in it */
	err = ch_q(x, &r[0], "SELECT max(%s), count() FROM recordings$ WHERE rec_id IN #",
		   x->ftime ? x->dur.p : "stop_ns - start_ns");
	if (!err)
		err = ch_q(x, &r[1], "SELECT count() FROM traces$ WHERE rec_id IN #");
	if (!err)
		err = ch_q(x, &r[2], "SELECT count() FROM procs$ WHERE rec_id IN #%s%s%s",
			   ch_f(&x->pf), ch_f(&x->cf), ch_f(&x->alive));
	if (!err)
		err = ch_q(x, &r[3], "SELECT sum(events), sum(read_bytes), sum(write_bytes)"
			   " FROM %s WHERE rec_id IN #%s%s", ch_io(x, "agg_all"), ch_f(&x->pf),
			   ch_f(&x->cf));
	if (!err)
		err = ch_q(x, &r[4], "SELECT sum(count) FROM lost$ WHERE rec_id IN #%s",
			   ch_f(&x->win));
	for (int k = 0; k < 5 && !err; k++)
		if (r[k].nrows != 1)
			err = -EPROTO;
	if (!err) {
		sr_rs__row(rs);
		ch_put(rs, &r[0], 0, 0);
		ch_put(rs, &r[0], 0, 1);
		ch_put(rs, &r[1], 0, 0);
		ch_put(rs, &r[2], 0, 0);
		ch_put(rs, &r[3], 0, 0);
		ch_put(rs, &r[4], 0, 0);
		ch_put(rs, &r[3], 0, 1);
		ch_put(rs, &r[3], 0, 2);
		err = overview_print(&x->c, rs, ch_top_processes, x);
	}
	for (int k = 0; k < 5; k++)
		sr_chres__free(&r[k]);
	sr_rs__free(rs);
	return err;
}

/* --sql: ClickHouse SQL as it is, on the exported tables */
static int ch_sql(struct chctx *x)
{
	struct sr_chbuf q = { 0 }, ans = { 0 };
	struct sr_rs *rs = sr_rs__new();
	struct sr_chres r = { 0 };
	int err;

	if (!rs)
		return -ENOMEM;
	sr_chbuf__puts(&q, x->c.o->sql);
	/* a trailing ';' would end the query before its FORMAT */
	while (q.n && (q.p[q.n - 1] == ';' || q.p[q.n - 1] == ' ' || q.p[q.n - 1] == '\n'))
		q.n--;
	sr_chbuf__puts(&q, " FORMAT TabSeparatedWithNamesAndTypes");
	err = sr_chbuf__cstr(&q) ? sr_ch__query(x->ch, q.p, &ans) : -ENOMEM;
	if (!err)
		err = sr_chres__parse(&r, &ans);
	sr_chbuf__free(&q);
	sr_chbuf__free(&ans);
	if (err) {
		sr_rs__free(rs);
		return err;
	}
	for (size_t k = 0; k < r.ncols; k++)
		sr_rs__col(rs, r.names[k], SR_COL_AUTO, 0);
	return ch_print_fill(x, rs, &r, 0);
}

/* --- the recordings, and the dispatcher --- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A row of recordings chosen, with what orders them as the SQLite path's rec_id. */
struct live_row {
	size_t row;		/* in the answer */
	int64_t exported, first;
	int has_first;
	uint64_t id;
};

/* The order of the exports, as the earliest first (NULL first_event last, as 18.16 sorts). */
static int cmp_live(const void *a, const void *b)
{
	const struct live_row *x = a, *y = b;

	if (x->exported != y->exported)
		return x->exported < y->exported ? -1 : 1;
	if (x->has_first != y->has_first)
		return x->has_first ? -1 : 1;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* The hosts of the header: sorted, once each. */
static void unique_hosts(struct chctx *x)
{
	if (x->nhosts)
		qsort(x->hosts, x->nhosts, sizeof(*x->hosts), cmp_str);
	for (size_t i = 1, k = 1; i <= x->nhosts; i++) {
		if (i == x->nhosts) {
			x->nhosts = k;
			break;
		}
		if (strcmp(x->hosts[i], x->hosts[k - 1]))
			x->hosts[k++] = x->hosts[i];
		else
			free(x->hosts[i]);
	}
}

/*
 * The recordings to report on: per recording the latest finished export,
 * of host @host and recording @rec when given, in the order of the
 * exports.  Fills x->ids and the rest.
 */
static int load_live(struct chctx *x, const char *host, const char *rec)
{
	struct live_row *v = NULL;
	struct sr_chres r;
	size_t n = 0, cap = 0;
	int err, cpu = 0;

	x->ids.n = 0;
	sr_chbuf__puts(&x->ids, "(0)");
	err = ch_q(x, &r, "SELECT rec_id, recording, ifNull(host, ''), ifNull(recording_id, ''),"
		  " cpu, ifNull(host, '(unknown)'), exported_ns, first_event, recording_id, host"
		  " FROM recordings$ ORDER BY recording, exported_ns DESC, rec_id");
	if (err)
		return err;
	for (size_t i = 0; i < r.nrows; i++) {
		const char *key = sr_chres__at(&r, i, 1), *h = sr_chres__at(&r, i, 2);

		/* an earlier export of the same recording: superseded */
		if (i && !strcmp(key, sr_chres__at(&r, i - 1, 1)))
			continue;
		if (host && strcmp(host, h))
			continue;
		if (rec && strcmp(rec, key) && strcmp(rec, sr_chres__at(&r, i, 3)))
			continue;
		if (sr_grow(&v, &cap, n + 1, sizeof(*v))) {
			err = -ENOMEM;
			goto out;
		}
		v[n++] = (struct live_row){ .row = i, .exported = sr_chres__int(&r, i, 6),
					    .has_first = sr_chres__at(&r, i, 7) != NULL,
					    .first = sr_chres__int(&r, i, 7),
					    .id = strtoull(sr_chres__at(&r, i, 0), NULL, 10) };
	}
	/* as the answer came: by the recordings' keys (ties in report.h's SR_REC_KEY order) */
	x->bykey = calloc(n + 1, sizeof(*x->bykey));
	for (size_t k = 0; x->bykey && k < n; k++)
		x->bykey[k] = v[k].id;
	if (n)
		qsort(v, n, sizeof(*v), cmp_live);
	x->live = calloc(n + 1, sizeof(*x->live));
	x->rid = calloc(n + 1, sizeof(*x->rid));
	x->rhost = calloc(n + 1, sizeof(*x->rhost));
	x->hosts = calloc(n + 1, sizeof(*x->hosts));
	if (!x->bykey || !x->live || !x->rid || !x->rhost || !x->hosts) {
		err = -ENOMEM;
		goto out;
	}
	x->ids.n = 0;
	sr_chbuf__puts(&x->ids, "(");
	for (size_t k = 0; k < n; k++) {
		size_t i = v[k].row;
		char num[32];

		x->live[k] = v[k].id;
		snprintf(num, sizeof(num), "%s%" PRIu64, k ? ", " : "", x->live[k]);
		sr_chbuf__puts(&x->ids, num);
		x->nrecs++;
		cpu |= sr_chres__int(&r, i, 4) != 0;
		x->rid[k] = dup_or_null(sr_chres__at(&r, i, 8));
		x->rhost[k] = dup_or_null(sr_chres__at(&r, i, 9));
		/* the hosts, for the header: sorted and made unique below */
		x->hosts[k] = strdup(sr_chres__at(&r, i, 5));
		if (!x->hosts[k] || (sr_chres__at(&r, i, 8) && !x->rid[k]) ||
		    (sr_chres__at(&r, i, 9) && !x->rhost[k])) {
			err = -ENOMEM;
			break;
		}
		x->nhosts++;
	}
	unique_hosts(x);
	sr_chbuf__puts(&x->ids, ")");
	x->c.cpu = cpu;
	x->c.multi = x->nhosts > 1;
	/* runs_of_one_host(): as the SQLite path, a recording of no host is of host '' */
	x->c.runs = x->nrecs > x->nhosts;
	if (!err && !x->nrecs) {
		sr_err("analyze: no recording%s%s%s%s in ClickHouse%s", host ? " of host " : "",
		       host ? host : "", rec ? " named " : "", rec ? rec : "",
		       host || rec ? "" : " yet (sysrec export --clickhouse)");
		err = -ENOENT;
	}
out:
	free(v);
	sr_chres__free(&r);
	return err ? err : x->ids.err;
}

/*
 * What tells the recordings apart (report_recs.c): their place (x->ord),
 * and when rec_split() their labels by the same rule as the SQLite path's,
 * the database's id of a label that needs one being the recording's place.
 */
static int rec_names(struct chctx *x)
{
	int64_t *ids = calloc(x->nrecs + 1, sizeof(*ids));
	char **paths = calloc(x->nrecs + 1, sizeof(*paths));
	struct sr_chres r = { 0 };
	char num[64];
	int err = 0;

	if (!ids || !paths) {
		err = -ENOMEM;
		goto out;
	}
	ch_transform_live(x, &x->ord);
	for (size_t k = 0; k < x->nrecs; k++) {
		snprintf(num, sizeof(num), "%stoUInt64(%zu)", k ? ", " : "", k + 1);
		sr_chbuf__puts(&x->ord, num);
	}
	sr_chbuf__puts(&x->ord, "], toUInt64(0))");
	if (!sr_chbuf__cstr(&x->ord)) {
		err = -ENOMEM;
		goto out;
	}
	sr_chbuf__puts(&x->rc, "");
	if (!rec_split(&x->c))
		goto out;
	/* each recording's first file */
	err = ch_q(x, &r, "SELECT rec_id, path FROM traces$ WHERE rec_id IN #"
		   " ORDER BY rec_id, rotation_index NULLS FIRST, trace_id");
	if (err)
		goto out;
	for (size_t k = 0; k < x->nrecs; k++) {
		ids[k] = (int64_t)k + 1;
		for (size_t i = 0; i < r.nrows && !paths[k]; i++)
			if (strtoull(sr_chres__at(&r, i, 0), NULL, 10) == x->live[k])
				paths[k] = (char *)sr_chres__at(&r, i, 1);
	}
	x->label = calloc(x->nrecs + 1, sizeof(*x->label));
	err = x->label ? rec_label_list(x->nrecs, ids, paths, x->label) : -ENOMEM;
	if (err)
		goto out;
	ch_transform_live(x, &x->lab);
	for (size_t k = 0; k < x->nrecs; k++) {
		if (k)
			sr_chbuf__puts(&x->lab, ", ");
		sr_chbuf__quoted(&x->lab, x->label[k]);
	}
	sr_chbuf__puts(&x->lab, "], '')");
	sr_chbuf__puts(&x->rc, ", ");
	sr_chbuf__add(&x->rc, x->lab.p, x->lab.n);
	sr_chbuf__puts(&x->rc, ", recording_id");
	err = sr_chbuf__cstr(&x->lab) && sr_chbuf__cstr(&x->rc) ? 0 : -ENOMEM;
out:
	if (err == -ENOMEM)
		sr_err("%s", strerror(ENOMEM));
	sr_chres__free(&r);
	free(paths);
	free(ids);
	return err;
}

/*
 * The header: where from, and as print_summed() (report_header.c) when a
 * report adds recordings up.
 */
static void header(struct chctx *x, const char *url)
{
	const struct sr_an_opts *o = x->c.o;
	FILE *f = x->c.hdr;
	int per_host = 0;

	fprintf(f, "# ClickHouse %s%s: %zu recording%s\n", url,
		*x->sfx ? " (Distributed tables)" : "", x->nrecs, x->nrecs == 1 ? "" : "s");
	print_filters(f, o);
	if (x->nrecs < 2 || !x->c.rep->cols || o->by == SR_BY_RECORDING)
		return;
	for (const struct sr_report_col *col = x->c.rep->cols; col->name; col++) {
		if (col->by && !(col->by & SR_REPORT_BY(o->by)))
			continue;
		if (col->flags & SR_REPORT_COL_REC)
			return;
		if ((col->flags & SR_REPORT_COL_HOST) || col->by == SR_REPORT_BY(SR_BY_HOST))
			per_host = 1;
	}
	/* rows per host add up only several runs of one host */
	if (per_host && !x->c.runs)
		return;
	fprintf(f, "# %zu recordings (%s ", x->nrecs, x->nhosts > 1 ? "hosts" : "host");
	for (size_t i = 0; i < x->nhosts; i++) {
		if (i)
			fputs(", ", f);
		sr_fput_text(f, x->hosts[i], strlen(x->hosts[i]));
	}
	fputs(per_host ? "): figures summed per host" : "): figures summed", f);
	if (o->report != SR_REP_OVERVIEW && !o->hist)
		fputs("; --by recording: a row per recording", f);
	fputc('\n', f);
}

static void add_num(struct sr_chbuf *b, const char *fmt, int64_t v)
{
	char num[48];

	snprintf(num, sizeof(num), fmt, (long long)v);
	sr_chbuf__puts(b, num);
}

/* --pid, --comm: the processes chosen, and the span of their lives per recording */
static int proc_filter(struct chctx *x)
{
	const struct sr_an_opts *o = x->c.o;
	struct sr_chbuf lo = { 0 }, hi = { 0 }, ids = { 0 };
	struct sr_chres r;
	int err;

	if (!o->npids && !o->comm)
		return 0;
	/* a distributed query ships the list to the shards: GLOBAL IN */
	expand(x, &x->pf, *x->sfx ? " AND (rec_id, assumeNotNull(proc_id)) GLOBAL IN" :
	       " AND (rec_id, assumeNotNull(proc_id)) IN");
	expand(x, &x->pf, " (SELECT rec_id, proc_id FROM procs$ WHERE rec_id IN #");
	for (size_t i = 0; i < o->npids; i++)
		add_num(&x->pf, i ? ", %lld" : " AND pid IN (%lld", (int64_t)o->pids[i]);
	if (o->npids)
		sr_chbuf__puts(&x->pf, ")");
	if (o->comm) {
		sr_chbuf__puts(&x->pf, " AND comm = ");
		sr_chbuf__quoted(&x->pf, o->comm);
	}
	sr_chbuf__puts(&x->pf, ")");
	if (!sr_chbuf__cstr(&x->pf))
		return -ENOMEM;
	err = ch_q(x, &r, "SELECT rec_id, min(ifNull(start_ts, toInt64('%lld'))),"
		   " max(ifNull(exit_ts + 1, toInt64('%lld'))) FROM procs$ WHERE rec_id IN #%s"
		   " GROUP BY rec_id", (long long)INT64_MIN, (long long)INT64_MAX, x->pf.p);
	if (err)
		return err;
	if (!r.nrows)
		sr_err("analyze: no process of the recordings is --pid and --comm as given");
	x->plo = calloc(x->nrecs + 1, sizeof(*x->plo));
	x->phi = calloc(x->nrecs + 1, sizeof(*x->phi));
	if (!x->plo || !x->phi) {
		sr_chres__free(&r);
		return -ENOMEM;
	}
	for (size_t k = 0; k < x->nrecs; k++) {
		int64_t l = 0, h = 0;

		for (size_t i = 0; i < r.nrows; i++) {
			if (strtoull(sr_chres__at(&r, i, 0), NULL, 10) == x->live[k]) {
				l = sr_chres__int(&r, i, 1);
				h = sr_chres__int(&r, i, 2);
			}
		}
		x->plo[k] = l;
		x->phi[k] = h;
		add_num(&ids, k ? ", toUInt64('%lld')" : "[toUInt64('%lld')", (int64_t)x->live[k]);
		add_num(&lo, k ? ", toInt64('%lld')" : "[toInt64('%lld')", l);
		add_num(&hi, k ? ", toInt64('%lld')" : "[toInt64('%lld')", h);
	}
	sr_chres__free(&r);
	sr_chbuf__puts(&ids, "]");
	sr_chbuf__puts(&lo, "]");
	sr_chbuf__puts(&hi, "]");
	sr_chbuf__puts(&x->nw, " AND ts >= transform(rec_id, ");
	sr_chbuf__add(&x->nw, ids.p, ids.n);
	sr_chbuf__puts(&x->nw, ", ");
	sr_chbuf__add(&x->nw, lo.p, lo.n);
	sr_chbuf__puts(&x->nw, ", toInt64(0)) AND ts < transform(rec_id, ");
	sr_chbuf__add(&x->nw, ids.p, ids.n);
	sr_chbuf__puts(&x->nw, ", ");
	sr_chbuf__add(&x->nw, hi.p, hi.n);
	sr_chbuf__puts(&x->nw, ", toInt64(0))");
	err = sr_chbuf__cstr(&x->nw) && !ids.err && !lo.err && !hi.err ? 0 : -ENOMEM;
	sr_chbuf__free(&ids);
	sr_chbuf__free(&lo);
	sr_chbuf__free(&hi);
	return err;
}

/* --cgroup: the cgroups under it, chosen here by sr_cg_under as the SQLite path does */
static int cgroup_filter(struct chctx *x)
{
	struct sr_chres r;
	size_t n = 0;
	int err;

	if (!x->c.o->cgroup)
		return 0;
	err = ch_q(x, &r, "SELECT rec_id, id, ifNull(path, ''), ifNull(cgroup2_mount, '') FROM"
		   " (SELECT rec_id, id, path FROM cgroups$ WHERE rec_id IN # AND path IS NOT NULL)"
		   " ANY LEFT JOIN (SELECT rec_id, cgroup2_mount FROM recordings$"
		   " WHERE rec_id IN #) USING (rec_id)");
	if (err)
		return err;
	sr_chbuf__puts(&x->cf, " AND (rec_id, assumeNotNull(cgroup_id)) IN (");
	for (size_t i = 0; i < r.nrows; i++) {
		const char *mount = sr_chres__at(&r, i, 3);

		if (!sr_cg_under(sr_chres__at(&r, i, 2), *mount ? mount : NULL, x->c.o->cgroup))
			continue;
		sr_chbuf__puts(&x->cf, n++ ? ", (" : "(");
		sr_chbuf__puts(&x->cf, sr_chres__at(&r, i, 0));
		sr_chbuf__puts(&x->cf, ", ");
		sr_chbuf__puts(&x->cf, sr_chres__at(&r, i, 1));
		sr_chbuf__puts(&x->cf, ")");
	}
	sr_chres__free(&r);
	if (!n) {
		sr_err("analyze: no cgroup %s in the recordings", x->c.o->cgroup);
		x->cf.n = 0;
		sr_chbuf__puts(&x->cf, " AND 0");
	} else {
		sr_chbuf__puts(&x->cf, ")");
	}
	if (!sr_chbuf__cstr(&x->cf))
		return -ENOMEM;
	expand(x, &x->cfp, *x->sfx ? " AND (rec_id, proc_id) GLOBAL IN" : " AND (rec_id, proc_id) IN");
	expand(x, &x->cfp, " (SELECT rec_id, proc_id FROM procs$ WHERE rec_id IN #");
	sr_chbuf__puts(&x->cfp, x->cf.p);
	sr_chbuf__puts(&x->cfp, ")");
	return sr_chbuf__cstr(&x->cfp) ? 0 : -ENOMEM;
}

/* The Distributed tables of docs/SCHEMA.md when the database has them. */
static int find_tables(struct chctx *x)
{
	struct sr_chres r;
	int err = ch_q(x, &r, "SELECT countIf(name = 'recordings_dist' AND engine = 'Distributed'),"
		      " countIf(name = 'recordings'), currentDatabase() FROM system.tables"
		      " WHERE database = currentDatabase()");

	if (!err && r.nrows == 1 && sr_chres__int(&r, 0, 0) > 0)
		x->sfx = "_dist";
	else if (!err && r.nrows == 1 && !sr_chres__int(&r, 0, 1) && x->c.o->report != SR_REP_SQL) {
		sr_err("analyze: ClickHouse database %s has no recordings (sysrec export"
		       " --clickhouse puts them there)", sr_chres__at(&r, 0, 2));
		err = -ENOENT;
	}
	sr_chres__free(&r);
	return err;
}

int sr_ch_report(const char *url, const char *host, const char *rec,
		 const struct sr_an_opts *o)
{
	struct chctx x = { .sfx = "" };
	struct sr_an_opts rel = *o;
	int err;

	o = &rel;
	x.c.o = o;
	x.c.rep = &sr_reports[o->report];
	x.c.hdr = o->fmt == SR_FMT_TABLE ? stdout : stderr;
	x.c.limit = o->limit >= 0 ? o->limit : o->fmt == SR_FMT_TABLE ? x.c.rep->limit : 0;
	err = sr_ch__new(&x.ch, url);
	if (!err)
		err = find_tables(&x);
	if (err)
		goto out;
	if (o->report == SR_REP_SQL) {
		err = ch_sql(&x);
		goto out;
	}
	err = load_live(&x, host, rec);
	if (!err)
		err = rec_names(&x);
	if (!err)
		err = proc_filter(&x);
	if (!err)
		err = cgroup_filter(&x);
	if (!err)
		err = ch_window(&x, &rel);
	if (err)
		goto out;
	x.filtered = x.pf.n || x.cf.n || x.ftime;
	header(&x, url);
	switch (o->report) {
	case SR_REP_OVERVIEW:
		err = ch_overview(&x);
		break;
	case SR_REP_TOP_IO:
		err = ch_top_io(&x, o->by);
		break;
	case SR_REP_SYSCALLS:
		err = o->hist ? ch_hist(&x) : ch_syscalls(&x);
		break;
	case SR_REP_SLOW:
		err = ch_slow(&x);
		break;
	case SR_REP_ERRORS:
		err = ch_errors(&x);
		break;
	case SR_REP_PROCS:
		err = ch_procs(&x);
		break;
	case SR_REP_CPU:
		err = ch_cpu(&x);
		break;
	case SR_REP_MEM:
		err = ch_mem(&x);
		break;
	case SR_REP_FILES:
		err = ch_files(&x);
		break;
	case SR_REP_NET:
		err = ch_net(&x);
		break;
	case SR_REP_TIMELINE:
		err = ch_timeline(&x);
		break;
	default:
		sr_err("analyze: --%s is not yet a report of --clickhouse", x.c.rep->option);
		err = -ENOTSUP;
		break;
	}
out:
	for (size_t i = 0; i < x.nrecs; i++) {
		free(x.rid[i]);
		free(x.rhost[i]);
		if (x.label)
			free(x.label[i]);
	}
	free(x.rid);
	free(x.rhost);
	free(x.label);
	free(x.live);
	free(x.bykey);
	for (size_t i = 0; i < x.nhosts; i++)
		free(x.hosts[i]);
	free(x.hosts);
	sr_chbuf__free(&x.ord);
	sr_chbuf__free(&x.lab);
	sr_chbuf__free(&x.rc);
	free(x.plo);
	free(x.phi);
	sr_chbuf__free(&x.ids);
	sr_chbuf__free(&x.pf);
	sr_chbuf__free(&x.cf);
	sr_chbuf__free(&x.nw);
	sr_chbuf__free(&x.cfp);
	sr_chbuf__free(&x.win);
	sr_chbuf__free(&x.alive);
	sr_chbuf__free(&x.src);
	sr_chbuf__free(&x.dur);
	free(x.lo);
	free(x.hi);
	free(x.start);
	sr_ch__free(x.ch);
	return err;
}
