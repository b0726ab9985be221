// SPDX-License-Identifier: GPL-2.0-only
/*
 * diff.c - sysrec diff BEFORE AFTER: what changed between two recordings.
 * A side may be several files (a rotated set: BEFORE... -- AFTER...).
 * Each side is imported into its own temporary database (without event
 * rows: the import's tables answer), its figures are copied as (kind, name,
 * metric, value) rows into an in-memory database, and one query sets them
 * side by side:
 *  - syscall: calls, errors, p50_ns, p99_ns (sys_stats);
 *  - file: opens, read_bytes, write_bytes (file_stats, by path);
 *  - process: processes, on_cpu_ns (when both sides have the cpu class),
 *    read_bytes, write_bytes, matched by comm and command line, not pid.
 * A name on one side only is new or gone; a metric that did not change is
 * left out, but for the first of its kind, which says a name is new or gone.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysrec/builtin.h"
#include "sysrec/util.h"
#include "analyze.h"

const char sr_usage_diff[] =
	"usage: sysrec diff BEFORE.trc AFTER.trc [OPTIONS]\n"
	"       sysrec diff BEFORE.trc... -- AFTER.trc... [OPTIONS]\n"
	"\n"
	"Compare two recordings (each a file, or with -- a set of files such as\n"
	"the rotated files of one recording): per syscall its calls, errors, p50 and p99; per\n"
	"file its opens and bytes; per process (matched by comm and command line,\n"
	"not pid) its count, CPU time (with the cpu class) and bytes.  Names on one\n"
	"side only are new or gone.  Rows by kind and metric, the largest change\n"
	"first; unchanged figures are left out.\n"
	"\n"
	"Options:\n"
	"  --format table|csv|json  (table; CSV and JSON carry raw numbers)\n"
	"  --limit N           at most N rows (0: all, the default)\n"
	"  --wide              tables never cut a value (else they fit the terminal)\n"
	"  --no-progress       no progress bar while importing\n"
	"  -h, --help          this text\n";

/*
 * The figures of one side: kind (1 syscall, 2 file, 3 process), name,
 * metric order within the kind, metric, value.  The cpu part is added
 * only when both sides have the class (else every process would look new).
 */
static const char side_sql[] =
	"SELECT 1, s.name, 0, 'calls', t.calls"
	"  FROM sys_stats t JOIN syscalls s USING (sys_id)"
	" UNION ALL SELECT 1, s.name, 1, 'errors', t.errors"
	"  FROM sys_stats t JOIN syscalls s USING (sys_id)"
	" UNION ALL SELECT 1, s.name, 2, 'p50_ns', t.p50_ns"
	"  FROM sys_stats t JOIN syscalls s USING (sys_id)"
	" UNION ALL SELECT 1, s.name, 3, 'p99_ns', t.p99_ns"
	"  FROM sys_stats t JOIN syscalls s USING (sys_id)"
	" UNION ALL SELECT 2, f.name, 0, 'opens', SUM(a.opens) FROM file_stats a"
	"  JOIN files f ON f.file_id = a.file_id GROUP BY f.name"
	" UNION ALL SELECT 2, f.name, 1, 'read_bytes', SUM(a.read_bytes) FROM file_stats a"
	"  JOIN files f ON f.file_id = a.file_id GROUP BY f.name"
	" UNION ALL SELECT 2, f.name, 2, 'write_bytes', SUM(a.write_bytes) FROM file_stats a"
	"  JOIN files f ON f.file_id = a.file_id GROUP BY f.name"
	" UNION ALL SELECT 3, k, 0, 'processes', COUNT(*) FROM temp.pk GROUP BY k"
	" UNION ALL SELECT 3, k, 2, 'read_bytes', SUM(a.read_bytes) FROM temp.pk p"
	"  JOIN agg_all a ON a.proc_id = p.proc_id GROUP BY k"
	" UNION ALL SELECT 3, k, 3, 'write_bytes', SUM(a.write_bytes) FROM temp.pk p"
	"  JOIN agg_all a ON a.proc_id = p.proc_id GROUP BY k";
static const char side_cpu_sql[] =
	"SELECT 3, k, 1, 'on_cpu_ns', SUM(c.on_cpu_ns) FROM temp.pk p"
	" JOIN proc_cpu c ON c.proc_id = p.proc_id GROUP BY k";
/* a process's key: its comm, and its command line when known */
static const char pk_sql[] =
	"CREATE TEMP TABLE pk AS SELECT proc_id, IFNULL(comm, '') ||"
	" IFNULL(' (' || NULLIF(cmdline, '') || ')', '') AS k FROM procs";

static const char cmp_sql[] =
	"CREATE TABLE cmp(side INTEGER, kind INTEGER, name TEXT, ord INTEGER,"
	" metric TEXT, value INTEGER)";

/* Side by side; values of a name present on a side but lacking a metric are 0. */
static const char out_sql[] =
	"WITH m AS (SELECT kind, name, ord, metric,"
	"  MAX(CASE WHEN side = 0 THEN value END) AS a,"
	"  MAX(CASE WHEN side = 1 THEN value END) AS b FROM cmp GROUP BY kind, name, ord, metric),"
	" e AS (SELECT kind, name, MAX(side = 0) AS ina, MAX(side = 1) AS inb FROM cmp"
	"  GROUP BY kind, name),"
	" r AS (SELECT m.kind, m.name, m.ord, m.metric,"
	"  CASE WHEN e.ina THEN IFNULL(m.a, 0) END AS a,"
	"  CASE WHEN e.inb THEN IFNULL(m.b, 0) END AS b,"
	"  CASE WHEN NOT e.ina THEN 'new' WHEN NOT e.inb THEN 'gone' END AS status"
	"  FROM m JOIN e ON e.kind = m.kind AND e.name = m.name)"
	" SELECT CASE kind WHEN 1 THEN 'syscall' WHEN 2 THEN 'file' ELSE 'process' END,"
	"  name, metric, a, b, IFNULL(b, 0) - IFNULL(a, 0),"
	"  CASE WHEN a > 0 AND b IS NOT NULL THEN 100.0 * (b - a) / a END, status FROM r"
	" WHERE IFNULL(a, 0) <> IFNULL(b, 0) OR (status IS NOT NULL AND ord = 0)"
	" ORDER BY kind, ord, ABS(IFNULL(b, 0) - IFNULL(a, 0)) DESC, name LIMIT ?";

struct diff_opts {
	int fmt, wide;
	int64_t limit;
	struct sr_an_import_opts io;
};

static int side_has_cpu(sqlite3 *db)
{
	return sr_an_query_int(db, "SELECT EXISTS (SELECT 1 FROM recordings WHERE cpu = 1)", 0) != 0;
}

/* One side: its files. */
struct diff_side {
	char **files;
	int n;
};

/* Import the files of @side into a temporary database: 0, or -errno (printed). */
static int import_side(const struct diff_side *side, const struct diff_opts *o,
		       struct sr_an_db **d)
{
	int nfailed = 0, err;

	err = sr_an_db__open(d, NULL);
	if (!err)
		err = sr_an_import(*d, side->files, side->n, &o->io, &nfailed);
	if (err == -EINTR)
		sr_err("interrupted");
	if (!err && nfailed)
		err = -EIO;	/* the import said why */
	return err;
}

/* Copy the figures of one side's database @db into cmp as @side. */
static int copy_side(sqlite3 *db, sqlite3 *out, int side, int cpu)
{
	sqlite3_stmt *st = NULL, *ins = NULL;
	int err, rc = SQLITE_DONE;

	err = sr_an_exec(db, pk_sql);
	if (!err)
		err = sr_an_prepare(out, "INSERT INTO cmp VALUES(?,?,?,?,?,?)", &ins);
	for (int part = 0; part < 1 + cpu && !err; part++) {
		err = sr_an_prepare(db, part ? side_cpu_sql : side_sql, &st);
		while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (sqlite3_column_type(st, 4) == SQLITE_NULL ||
			    sqlite3_column_type(st, 1) == SQLITE_NULL)
				continue;
			sqlite3_bind_int(ins, 1, side);
			for (int i = 0; i < 5; i++)
				sqlite3_bind_value(ins, i + 2, sqlite3_column_value(st, i));
			if (sqlite3_step(ins) != SQLITE_DONE)
				rc = SQLITE_ERROR;
			sqlite3_reset(ins);
			if (rc == SQLITE_ERROR)
				break;
		}
		if (!err && rc != SQLITE_DONE) {
			sr_err("database: %s", sqlite3_errmsg(rc == SQLITE_ERROR ? out : db));
			err = -EIO;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	sqlite3_finalize(ins);
	return err;
}

static int print_diff(sqlite3 *out, const struct diff_opts *o)
{
	static const struct { const char *name; int kind; int flags; } cols[] = {
		{ "kind", SR_COL_TEXT, 0 }, { "name", SR_COL_PATH, 0 },
		{ "metric", SR_COL_TEXT, 0 }, { "before", SR_COL_INT, 0 },
		{ "after", SR_COL_INT, 0 }, { "change", SR_COL_INT, 0 },
		{ "change_pct", SR_COL_REAL, 0 }, { "status", SR_COL_TEXT, 0 },
	};
	struct sr_rs *rs = sr_rs__new();
	sqlite3_stmt *st = NULL;
	int err;

	if (!rs)
		return -ENOMEM;
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++)
		sr_rs__col(rs, cols[i].name, cols[i].kind, cols[i].flags);
	err = sr_an_prepare(out, out_sql, &st);
	if (!err) {
		sqlite3_bind_int64(st, 1, o->limit > 0 && o->limit < INT64_MAX ? o->limit + 1 : -1);
		err = sr_rs__from_stmt(rs, st, o->limit);
	}
	sqlite3_finalize(st);
	if (!err)
		err = rs->err;
	if (!err)
		err = sr_rs__print(rs, stdout, o->fmt, sr_out_width(o->wide));
	if (!err && o->fmt == SR_FMT_TABLE && rs->more)
		printf("# first %zu rows (--limit 0 shows all)\n", rs->nrows);
	if (err == -ENOMEM)
		sr_err("%s", strerror(ENOMEM));
	sr_rs__free(rs);
	return err;
}

/* "a.trc", or "a.000000.trc and 2 more files" */
static void put_side(const struct diff_side *side)
{
	sr_fput_text(stdout, side->files[0], strlen(side->files[0]));
	if (side->n > 1)
		printf(" and %d more file%s", side->n - 1, side->n == 2 ? "" : "s");
}

static int run_diff(const struct diff_side *sides, const struct diff_opts *o)
{
	struct sr_an_db *d[2] = { NULL, NULL };
	sqlite3 *out = NULL;
	int err, cpu;

	if (sqlite3_open(":memory:", &out) != SQLITE_OK) {
		sr_err("database: %s", out ? sqlite3_errmsg(out) : strerror(ENOMEM));
		sqlite3_close(out);
		return -ENOMEM;
	}
	err = sr_an_exec(out, cmp_sql);
	for (int i = 0; i < 2 && !err; i++)
		err = import_side(&sides[i], o, &d[i]);
	if (!err) {
		cpu = side_has_cpu(d[0]->db) && side_has_cpu(d[1]->db);
		for (int i = 0; i < 2 && !err; i++)
			err = copy_side(d[i]->db, out, i, cpu);
	}
	for (int i = 0; i < 2; i++)
		sr_an_db__free(d[i]);
	if (!err && o->fmt == SR_FMT_TABLE) {
		fputs("# before ", stdout);
		put_side(&sides[0]);
		fputs(", after ", stdout);
		put_side(&sides[1]);
		fputc('\n', stdout);
	}
	if (!err)
		err = print_diff(out, o);
	sqlite3_close(out);
	return err;
}

static void on_signal(int sig)
{
	(void)sig;
	sr_an_stop = 1;
}

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format",	required_argument,	NULL, 'f' },
		{ "limit",	required_argument,	NULL, 'l' },
		{ "no-progress", no_argument,		NULL, 'P' },
		{ "wide",	no_argument,		NULL, 'w' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct diff_opts o = { .fmt = SR_FMT_TABLE,
			       .io = { .progress = isatty(2),
				       .mem_limit = sr_an_default_mem_limit() } };
	/*
	 * "--" splits the sides.  getopt would drop it and move the files
	 * around it, so it becomes a marker getopt keeps in place among the
	 * other operands (their order is kept), known by its address.
	 */
	static char sep_mark[] = "--";
	struct sigaction sa = { .sa_handler = on_signal };
	struct diff_side sides[2];
	int c, err, nsep = 0, sep = -1, nops;
	uint64_t v;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--") && !nsep++)
			argv[i] = sep_mark + 1;	/* "-": an operand to getopt */
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!strcmp(optarg, "table")) {
				o.fmt = SR_FMT_TABLE;
			} else if (!strcmp(optarg, "csv")) {
				o.fmt = SR_FMT_CSV;
			} else if (!strcmp(optarg, "json")) {
				o.fmt = SR_FMT_JSON;
			} else {
				sr_err("diff: bad --format (table, csv or json) '%s'", optarg);
				return SR_EXIT_USAGE;
			}
			break;
		case 'l':
			if (sr_parse_u64(optarg, 0, INT64_MAX, &v)) {
				sr_err("diff: bad --limit '%s'", optarg);
				return SR_EXIT_USAGE;
			}
			o.limit = (int64_t)v;
			break;
		case 'P':
			o.io.progress = 0;
			break;
		case 'w':
			o.wide = 1;
			break;
		case 'h':
			fputs(sr_usage_diff, stdout);
			return SR_EXIT_OK;
		case ':':
			sr_err("diff: option '%s' needs a value", argv[optind - 1]);
			return SR_EXIT_USAGE;
		default:
			sr_err("diff: unknown option '%s'. See 'sysrec diff --help'.",
			       argv[optind - 1]);
			return SR_EXIT_USAGE;
		}
	}
	nops = argc - optind;
	for (int i = optind; i < argc; i++)
		if (argv[i] == sep_mark + 1)
			sep = i - optind;
	if (nsep > 1 || (sep < 0 && nops != 2) || sep == 0 || (sep >= 0 && sep == nops - 1)) {
		sr_err("diff: two trace files, before and after, or two sets split by --"
		       " (BEFORE... -- AFTER...). See 'sysrec diff --help'.");
		return SR_EXIT_USAGE;
	}
	if (sep < 0) {
		sides[0] = (struct diff_side){ argv + optind, 1 };
		sides[1] = (struct diff_side){ argv + optind + 1, 1 };
	} else {
		sides[0] = (struct diff_side){ argv + optind, sep };
		sides[1] = (struct diff_side){ argv + optind + sep + 1, nops - sep - 1 };
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	err = run_diff(sides, &o);
	fflush(stdout);
	if (!err && sr_out_err(stdout))
		err = -EIO;
	return err ? SR_EXIT_FAIL : SR_EXIT_OK;
}
