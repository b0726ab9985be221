// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_recs.c - telling recordings apart in the reports: the short
 * label of each recording (temp.rlab), the rule for when a report shows
 * it, and the columns a query adds for it.
 *
 * A label is what a person knows a recording by: the file name of its
 * first file (run.000000.trc).  Two recordings whose first files have the
 * same name (hostA/run.trc, hostB/run.trc) get the last two parts of the
 * path; when those are the same too (one path recorded twice into a kept
 * database), the file name, '#' and the database's rec_id (run.trc#2).  So a label depends only
 * on the files imported, and is the same every time they are reported on.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* The last @parts components of @path (the whole of it when it has fewer). */
static const char *path_tail(const char *path, int parts)
{
	const char *p = path + strlen(path);

	while (p > path) {
		p--;
		if (*p == '/' && p[1] && --parts == 0)
			return p + 1;
	}
	return path;
}

struct rlab {
	int64_t rec_id;
	const char *path;	/* the first file's, or NULL */
	const char *label;	/* into path, or NULL: '#' rec_id */
	int dup;		/* another recording has the same label */
};

/* Mark the labels that another recording has too; 1 when there is one. */
static int mark_dups(struct rlab *v, size_t n)
{
	int any = 0;

	for (size_t i = 0; i < n; i++)
		v[i].dup = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (v[i].label && v[j].label && !strcmp(v[i].label, v[j].label))
				v[i].dup = v[j].dup = any = 1;
	return any;
}

int rec_label_list(size_t n, const int64_t *ids, char *const *paths, char **labels)
{
	struct rlab *v = calloc(n + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		v[i].rec_id = ids[i];
		v[i].path = paths[i] && *paths[i] ? paths[i] : NULL;
		v[i].label = v[i].path ? path_tail(v[i].path, 1) : NULL;
	}
	/* the same file name: its directory too */
	if (mark_dups(v, n)) {
		for (size_t i = 0; i < n; i++)
			if (v[i].dup)
				v[i].label = path_tail(v[i].path, 2);
		mark_dups(v, n);
	}
	for (size_t i = 0; i < n; i++)
		labels[i] = NULL;
	for (size_t i = 0; i < n; i++) {
		char buf[600];

		/* still the same (or no file): the file name and the database's id */
		if (!v[i].label || v[i].dup)
			snprintf(buf, sizeof(buf), "%.500s#%" PRId64,
				 v[i].path ? path_tail(v[i].path, 1) : "", v[i].rec_id);
		else
			snprintf(buf, sizeof(buf), "%s", v[i].label);
		labels[i] = strdup(buf);
		if (!labels[i]) {
			while (i-- > 0) {
				free(labels[i]);
				labels[i] = NULL;
			}
			free(v);
			return -ENOMEM;
		}
	}
	free(v);
	return 0;
}

static int make_labels(struct rctx *c)
{
	sqlite3_stmt *st, *ins = NULL;
	int64_t *ids = NULL;
	char **paths = NULL, **labels = NULL;
	size_t n = 0, cap = 0, pcap = 0;
	int err;

	err = sr_an_prepare(c->db, "SELECT r.rec_id, (SELECT t.path FROM traces t"
			    " WHERE t.rec_id = r.rec_id ORDER BY t.rotation_index, t.trace_id"
			    " LIMIT 1) FROM recordings r ORDER BY r.rec_id", &st);
	if (err)
		return err;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 1);

		if (sr_grow(&ids, &cap, n + 1, sizeof(*ids)) ||
		    sr_grow(&paths, &pcap, n + 1, sizeof(*paths))) {
			err = -ENOMEM;
			break;
		}
		ids[n] = sqlite3_column_int64(st, 0);
		paths[n] = NULL;
		n++;
		if (p && !(paths[n - 1] = strdup(p))) {
			err = -ENOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	labels = calloc(n + 1, sizeof(*labels));
	if (!err && !labels)
		err = -ENOMEM;
	if (!err)
		err = rec_label_list(n, ids, paths, labels);
	if (!err)
		err = temp_table(c, "DROP TABLE IF EXISTS temp.rlab;"
				 "CREATE TEMP TABLE rlab(rec_id INTEGER PRIMARY KEY, label TEXT)",
				 "INSERT INTO temp.rlab VALUES(?, ?)", &ins);
	for (size_t i = 0; i < n && !err; i++) {
		sqlite3_bind_int64(ins, 1, ids[i]);
		sqlite3_bind_text(ins, 2, labels[i], -1, SQLITE_TRANSIENT);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			sr_err("database: %s", sqlite3_errmsg(c->db));
			err = -EIO;
		}
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	for (size_t i = 0; i < n; i++) {
		free(paths[i]);
		if (labels)
			free(labels[i]);
	}
	free(paths);
	free(labels);
	free(ids);
	if (err == -ENOMEM)
		sr_err("%s", strerror(ENOMEM));
	return err;
}

int runs_of_one_host(struct rctx *c)
{
	if (c->runs < 0)
		c->runs = sr_an_query_int(c->db, "SELECT COUNT(*) > COUNT(DISTINCT IFNULL(host, ''))"
					  " FROM recordings", 0) != 0;
	return c->runs;
}

int rec_split(struct rctx *c)
{
	return c->o->by == SR_BY_RECORDING || runs_of_one_host(c);
}

int rec_labels(struct rctx *c)
{
	return rec_split(c) ? make_labels(c) : 0;
}

void q_rec(struct qbuf *q, const char *rec)
{
	q_add(q, ", (SELECT label FROM temp.rlab WHERE rec_id = %s),"
	      " (SELECT recording_id FROM recordings WHERE rec_id = %s)", rec, rec);
}
