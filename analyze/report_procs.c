// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_procs.c - --procs: the process tree, each process under its
 * parent in start order, with its lifetime, exit and command line (and
 * its on-CPU time when the data has the cpu class).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? strdup((const char *)s) : NULL;
}

static int cmp_start(const void *a, const void *b)
{
	const struct pnode *x = a, *y = b;
	int64_t sx = x->has_start ? x->start : INT64_MIN;
	int64_t sy = y->has_start ? y->start : INT64_MIN;
	int d;

	if (sx != sy)
		return sx < sy ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	/* the same start and pid in two recordings: by host (none first) and recording */
	if (!x->host != !y->host)
		return x->host ? 1 : -1;
	d = x->host ? strcmp(x->host, y->host) : 0;
	if (!d && x->rkey && y->rkey)
		d = strcmp(x->rkey, y->rkey);
	if (d)
		return d;
	/* within a recording, ids follow its import's order, the same in every import */
	return x->id < y->id ? -1 : x->id > y->id;
}

static void proc_row(struct rctx *c, struct sr_rs *rs, struct pnode *p, int depth)
{
	char tree[160], ex[32];
	int ind = depth > 20 ? 20 : depth;

	sr_rs__row(rs);
	/* the indented name: its comm is escaped by the printer */
	snprintf(tree, sizeof(tree), "%*s%s", ind * 2, "", p->comm ? p->comm : "?");
	sr_rs__str(rs, tree);
	sr_rs__int(rs, p->pid);
	if (p->ppid >= 0)
		sr_rs__int(rs, p->ppid);
	else
		sr_rs__null(rs);
	sr_rs__str(rs, p->comm);
	sr_rs__int(rs, depth);
	add_time(c, rs, p->has_start, p->start, p->rstart, p->has_off, p->off);
	add_time(c, rs, p->has_exit, p->exit_ts, p->rstart, p->has_off, p->off);
	if (p->has_start && p->has_exit)
		sr_rs__int(rs, sr_sum(p->exit_ts, -p->start));
	else
		sr_rs__null(rs);
	if (has_cpu(c)) {
		if (p->has_on_cpu)
			sr_rs__int(rs, p->on_cpu);
		else
			sr_rs__null(rs);
	}
	if (p->has_exit) {
		if (p->sig)
			snprintf(ex, sizeof(ex), "sig %d", p->sig);
		else
			snprintf(ex, sizeof(ex), "%d", p->status);
		sr_rs__str(rs, ex);
		sr_rs__int(rs, p->code);
		sr_rs__int(rs, p->status);
		sr_rs__int(rs, p->sig);
	} else {
		sr_rs__str(rs, "-");
		sr_rs__null(rs);
		sr_rs__null(rs);
		sr_rs__null(rs);
	}
	sr_rs__int(rs, p->threads);
	sr_rs__int(rs, p->execs);
	sr_rs__str(rs, p->exe);
	sr_rs__str(rs, p->cmdline);
	sr_rs__str(rs, p->host);
	if (rec_split(c)) {
		sr_rs__str(rs, p->rec);
		sr_rs__str(rs, p->rec_id);
	}
}

int report_procs(struct rctx *c)
{
	struct sr_rs *rs = rep_rs(c, SR_REP_PROCS, c->o->by);
	struct qbuf q = { .n = 0 };
	struct pnode *v = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *st;
	int err;

	if (!rs)
		return -ENOMEM;
	q_add(&q, "SELECT p.proc_id, p.parent_id, p.pid, p.ppid, p.start_ts, p.exit_ts,"
	      " p.exit_code, p.exit_status, p.exit_signal, p.threads, p.execs, p.comm,"
	      " p.exe, p.cmdline, r.host, r.start_ns, r.clock_offset_ns, pc.on_cpu_ns, "
	      SR_REC_KEY("r"));
	if (rec_split(c))
		q_rec(&q, "p.rec_id");
	q_add(&q, " FROM procs p JOIN recordings r ON r.rec_id = p.rec_id"
	      " LEFT JOIN proc_cpu pc ON pc.proc_id = p.proc_id WHERE 1");
	q_proc_filters(c, &q);
	err = q_prepare(c, &q, &st);
	if (err)
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct pnode *p;

		if (sr_grow(&v, &cap, n + 1, sizeof(*v))) {
			err = -ENOMEM;
			break;
		}
		p = &v[n++];
		memset(p, 0, sizeof(*p));
		p->id = sqlite3_column_int64(st, 0);
		p->parent = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 1);
		p->pid = sqlite3_column_int64(st, 2);
		p->ppid = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 3);
		p->has_start = sqlite3_column_type(st, 4) != SQLITE_NULL;
		p->start = sqlite3_column_int64(st, 4);
		p->has_exit = sqlite3_column_type(st, 5) != SQLITE_NULL;
		p->exit_ts = sqlite3_column_int64(st, 5);
		p->code = sqlite3_column_int(st, 6);
		p->status = sqlite3_column_int(st, 7);
		p->sig = sqlite3_column_int(st, 8);
		p->threads = sqlite3_column_int64(st, 9);
		p->execs = sqlite3_column_int64(st, 10);
		p->comm = col_dup(st, 11);
		p->exe = col_dup(st, 12);
		p->cmdline = col_dup(st, 13);
		p->host = col_dup(st, 14);
		p->rstart = sqlite3_column_int64(st, 15);
		p->has_off = sqlite3_column_type(st, 16) != SQLITE_NULL;
		p->off = sqlite3_column_int64(st, 16);
		p->has_on_cpu = sqlite3_column_type(st, 17) != SQLITE_NULL;
		p->on_cpu = sqlite3_column_int64(st, 17);
		p->rkey = col_dup(st, 18);
		if (rec_split(c)) {
			p->rec = col_dup(st, 19);
			p->rec_id = col_dup(st, 20);
		}
	}
	sqlite3_finalize(st);
	if (!err)
		err = procs_print(c, rs, v, n);
out:
	for (size_t i = 0; i < n; i++) {
		free(v[i].comm);
		free(v[i].exe);
		free(v[i].cmdline);
		free(v[i].host);
		free(v[i].rec);
		free(v[i].rec_id);
		free(v[i].rkey);
	}
	free(v);
	sr_rs__free(rs);
	return err;
}

int procs_print(struct rctx *c, struct sr_rs *rs, struct pnode *v, size_t n)
{
	size_t *stack = NULL;
	int *depth = NULL;
	int64_t shown = 0;
	int err = 0;

	if (n)		/* no process: no array, and qsort(NULL) is undefined */
		qsort(v, n, sizeof(*v), cmp_start);
	/* children lists, in start order; ids are looked up by a sorted copy */
	{
		struct sr_map ix = { 0 };

		for (size_t i = 0; i < n; i++)
			if (sr_map__set(&ix, (uint64_t)v[i].id, 0, 0, (uint32_t)i)) {
				sr_map__clear(&ix);
				err = -ENOMEM;
				goto out;
			}
		for (size_t i = n; i-- > 0;) {
			uint32_t pi = v[i].parent >= 0 ?
				      sr_map__get(&ix, (uint64_t)v[i].parent, 0, 0) : UINT32_MAX;

			if (pi == UINT32_MAX || pi == i)
				continue;
			v[i].next_sibling = v[pi].first_child;
			v[pi].first_child = i + 1;
			v[i].in_tree = 1;
		}
		sr_map__clear(&ix);
	}
	stack = malloc((n + 1) * sizeof(*stack));
	depth = malloc((n + 1) * sizeof(*depth));
	if (!stack || !depth) {
		err = -ENOMEM;
		goto out;
	}
	/* depth-first from each root; a cycle in hostile data cannot loop: each node once */
	for (size_t r = 0; r < n; r++) {
		size_t sp = 0;

		if (v[r].in_tree)
			continue;
		stack[sp] = r;
		depth[sp++] = 0;
		v[r].in_tree = 2;
		while (sp) {
			size_t i = stack[--sp], k, lo = sp;
			int d = depth[sp];

			if (!c->limit || shown < c->limit)
				proc_row(c, rs, &v[i], d);
			shown++;
			/*
			 * Children in start order, then turned around on the
			 * stack so that the first to start is popped first.  Each
			 * node is pushed once, so the stack holds at most n.
			 */
			for (k = v[i].first_child; k; k = v[k - 1].next_sibling) {
				if (v[k - 1].in_tree == 2)
					continue;
				v[k - 1].in_tree = 2;
				stack[sp] = k - 1;
				depth[sp++] = d + 1;
			}
			for (size_t a = lo, b = sp; a + 1 < b; a++, b--) {
				size_t t = stack[a];

				stack[a] = stack[b - 1];
				stack[b - 1] = t;
			}
		}
	}
	/* nodes caught in a parent cycle were never reached from a root */
	for (size_t i = 0; i < n; i++)
		if (v[i].in_tree != 2 && (!c->limit || shown++ < c->limit))
			proc_row(c, rs, &v[i], 0);
	rs->more = c->limit && shown > c->limit;
	err = print_rs(c, rs);
out:
	free(stack);
	free(depth);
	return err;
}
