// SPDX-License-Identifier: GPL-2.0-only
/*
 * report.c - sysrec report TRACE... -o report.html: the traces imported
 * once, as analyze imports them, then the analyzer's own reports (the
 * overview, --top-io by process and file, --timeline overall and for the
 * busiest processes, --syscalls with and without --hist, --procs, --cpu,
 * --slow, --errors) run one after the other, their result sets taken as
 * JSON (sr_an_opts.sink) instead of printed, and written with the chart
 * library into one HTML page (page.c).  No figure is computed here.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysrec/builtin.h"
#include "sysrec/util.h"
#include "../analyze.h"
#include "../report.h"
#include "html.h"

#define TOP_DEFAULT	8	/* processes with a band of their own in the I/O chart */
#define TOP_MAX		20
#define LIMIT_DEFAULT	50	/* rows of the ranked tables */
#define TREE_MAX	2000	/* processes in the tree and the CPU table */

const char sr_usage_report[] =
	"usage: sysrec report [FILE...] [--db DB] -o OUT.html [OPTIONS]\n"
	"\n"
	"Import trace files as analyze does and write one self-contained HTML page\n"
	"of its reports: the coverage header, I/O over time per process (stacked),\n"
	"top processes and files by bytes, syscall latency histograms with p50/p99,\n"
	"the process tree (exit status, duration, CPU time when recorded), the\n"
	"slowest calls and the errors; every table sorts by a click on its column.\n"
	"The page needs no network: scripts, styles and data are inside it, so it\n"
	"opens from a file or an e-mail attachment.  Its size follows the reports'\n"
	"rows, not the number of events.\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE   the page to write (required)\n"
	"  -f, --force         replace FILE if it exists\n"
	"  --db DB             keep the database (as analyze --db); FILE may then\n"
	"                      be left out to report on what it holds\n"
	"  --title TEXT        the page's title (default: the trace files' names)\n"
	"  --top N             processes with a band of their own in the I/O chart\n"
	"                      (8; at most 20; the rest are summed as \"other\")\n"
	"  --limit N           rows of the ranked tables: top processes and files,\n"
	"                      slowest calls, errors (50; 0: all)\n"
	"  --no-progress       no progress bar while importing\n"
	"  --mem-limit SIZE    memory for the import (as analyze --mem-limit)\n"
	"  -v, --verbose       debug output\n"
	"  -h, --help          this text\n"
	"\n"
	"Exit status: 0 when every record was read; 1 when a file cannot be read or\n"
	"records were lost to damage (the page covers what could be read; none is\n"
	"written when nothing could be), or the page cannot be written; 2 for bad\n"
	"usage or a build without the report (made with NO_HTML=1).\n";

enum {
	OPT_DB = 256, OPT_TITLE, OPT_TOP, OPT_LIMIT, OPT_NO_PROGRESS, OPT_MEM_LIMIT,
};

static const struct option long_opts[] = {
	{ "output",	required_argument,	NULL, 'o' },
	{ "force",	no_argument,		NULL, 'f' },
	{ "db",		required_argument,	NULL, OPT_DB },
	{ "title",	required_argument,	NULL, OPT_TITLE },
	{ "top",	required_argument,	NULL, OPT_TOP },
	{ "limit",	required_argument,	NULL, OPT_LIMIT },
	{ "no-progress", no_argument,		NULL, OPT_NO_PROGRESS },
	{ "mem-limit",	required_argument,	NULL, OPT_MEM_LIMIT },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* How many rows a section keeps: the --limit of the ranked tables, or a bound. */
enum { ROWS_ALL, ROWS_LIMIT, ROWS_TREE };

/* The sections of the page, in order: the key of its data and the report. */
static const struct section {
	const char *key;
	int report;		/* enum sr_report_id */
	int by;			/* enum sr_by */
	int hist;		/* --syscalls --hist */
	int rows;		/* ROWS_* */
} sections[] = {
	{ "overview",	SR_REP_OVERVIEW,	0,		0, ROWS_ALL },
	{ "top_procs",	SR_REP_TOP_IO,		SR_BY_PROCESS,	0, ROWS_LIMIT },
	{ "top_files",	SR_REP_TOP_IO,		SR_BY_FILE,	0, ROWS_LIMIT },
	{ "timeline",	SR_REP_TIMELINE,	0,		0, ROWS_ALL },
	{ "syscalls",	SR_REP_SYSCALLS,	0,		0, ROWS_ALL },
	{ "hist",	SR_REP_SYSCALLS,	0,		1, ROWS_ALL },
	{ "procs",	SR_REP_PROCS,		0,		0, ROWS_TREE },
	{ "cpu",	SR_REP_CPU,		SR_BY_PROCESS,	0, ROWS_TREE },
	{ "slow",	SR_REP_SLOW,		0,		0, ROWS_LIMIT },
	{ "errors",	SR_REP_ERRORS,		0,		0, ROWS_LIMIT },
};

/* Where the sink puts a result set, and what report.c keeps of one. */
struct collect {
	FILE *data;		/* the page's JSON object, being written */
	int want_pids;		/* keep the pids and comms of the rows (top_procs) */
	uint32_t pids[TOP_MAX];
	char comms[TOP_MAX][64];
	size_t npids, top;
};

/* The column of @rs named @name, or -1. */
static int col_of(const struct sr_rs *rs, const char *name)
{
	for (size_t i = 0; i < rs->ncols; i++)
		if (!strcmp(rs->cols[i].name, name))
			return (int)i;
	return -1;
}

/* sr_an_opts.sink: {"more": 0|1, "rows": [the report's JSON rows]} */
static int sink(void *ctx, struct sr_rs *rs)
{
	struct collect *k = ctx;
	int pid = col_of(rs, "pid"), comm = col_of(rs, "comm"), err;

	fprintf(k->data, "{\"more\": %d, \"rows\": ", rs->more ? 1 : 0);
	err = sr_rs__print(rs, k->data, SR_FMT_JSON, SIZE_MAX);
	fputs("}", k->data);
	for (size_t r = 0; k->want_pids && pid >= 0 && r < rs->nrows && k->npids < k->top; r++) {
		struct sr_val *p = sr_rs__at(rs, r, (size_t)pid);
		struct sr_val *c = comm >= 0 ? sr_rs__at(rs, r, (size_t)comm) : NULL;

		if (p->type != SQLITE_INTEGER)
			continue;
		k->pids[k->npids] = (uint32_t)p->i;
		snprintf(k->comms[k->npids], sizeof(k->comms[0]), "%.*s",
			 c && c->type == SQLITE_TEXT ? (int)c->len : 0,
			 c && c->type == SQLITE_TEXT ? c->s : "");
		k->npids++;
	}
	return err ? err : sr_out_err(k->data);
}

/* The options of section @s's report. */
static void section_opts(const struct section *s, int64_t limit, struct sr_an_opts *o)
{
	*o = (struct sr_an_opts){ .report = s->report, .by = s->by, .hist = s->hist,
				  .fmt = SR_FMT_JSON, .limit = 0 };
	if (s->rows == ROWS_LIMIT)
		o->limit = limit;
	else if (s->rows == ROWS_TREE)
		o->limit = TREE_MAX;
}

/* Run one report into the data as the value of "key": 0 or -errno (printed). */
static int run_section(sqlite3 *db, struct sr_an_opts *o, struct collect *k, const char *key)
{
	fprintf(k->data, "%s\"%s\": ", ftell(k->data) > 1 ? ",\n" : "", key);
	o->sink = sink;
	o->sink_ctx = k;
	return sr_an_report(db, o);
}

/* Every section, then a timeline for each of the busiest processes. */
static int run_reports(sqlite3 *db, int64_t limit, struct collect *k, FILE *coverage)
{
	FILE *notes = fopen("/dev/null", "w");
	struct sr_an_opts o;
	int err = 0;

	if (!notes)
		return -errno;
	fputs("{", k->data);
	for (size_t i = 0; i < ARRAY_SIZE(sections) && !err; i++) {
		section_opts(&sections[i], limit, &o);
		/* the first report's header is the page's; the rest repeat it */
		o.hdr = i ? notes : coverage;
		k->want_pids = !strcmp(sections[i].key, "top_procs");
		err = run_section(db, &o, k, sections[i].key);
	}
	k->want_pids = 0;
	if (!err)
		fputs(",\n\"proc_timelines\": [", k->data);
	for (size_t i = 0; i < k->npids && !err; i++) {
		section_opts(&sections[3], limit, &o);
		o.hdr = notes;
		o.pids = &k->pids[i];
		o.npids = 1;
		fprintf(k->data, "%s{\"pid\": %u, \"comm\": ", i ? ",\n" : "", k->pids[i]);
		sr_fput_json(k->data, k->comms[i], strlen(k->comms[i]));
		fputs(", \"timeline\": ", k->data);
		o.sink = sink;
		o.sink_ctx = k;
		err = sr_an_report(db, &o);
		fputs("}", k->data);
	}
	if (!err) {
		fprintf(k->data, "],\n\"cpu_class\": %d,\n\"sysrec\": ",
			sr_an_query_int(db, "SELECT EXISTS (SELECT 1 FROM recordings"
					" WHERE cpu = 1)", 0) != 0);
		sr_fput_json(k->data, SYSREC_VERSION, strlen(SYSREC_VERSION));
		fputs(",\n\"uplot\": ", k->data);
		sr_fput_json(k->data, sr_html_assets.uplot_version,
			     strlen(sr_html_assets.uplot_version));
		fputs("}\n", k->data);
		err = sr_out_err(k->data);
	}
	fclose(notes);
	return err;
}

/* 1 when one of the reports reads the event rows: the import must keep them. */
static int needs_rows(sqlite3 *db, int64_t limit)
{
	struct sr_an_opts o;

	for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
		section_opts(&sections[i], limit, &o);
		if (sr_an_needs_event_rows(db, &o))
			return 1;
	}
	return 0;
}

/* "a.trc, b.trc" from the file names, or the database's */
static char *default_title(char **files, int n, const char *db_path)
{
	char *buf = NULL;
	size_t sz = 0;
	FILE *m = open_memstream(&buf, &sz);

	if (!m)
		return NULL;
	fputs("sysrec report: ", m);
	for (int i = 0; i < n && i < 4; i++) {
		const char *b = strrchr(files[i], '/');

		fprintf(m, "%s%s", i ? ", " : "", b ? b + 1 : files[i]);
	}
	if (n > 4)
		fprintf(m, " and %d more", n - 4);
	if (!n)
		fputs(db_path, m);
	if (fclose(m))
		return NULL;
	return buf;
}

/*
 * Write the page to a temporary file beside @out and rename it into place,
 * so that a failed write leaves no half page: 0 or -errno (printed).
 */
static int write_page(const struct sr_html_page *p, const char *out)
{
	size_t len = strlen(out);
	char *tmp = malloc(len + 8);
	FILE *f = NULL;
	mode_t um;
	int fd, err;

	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, out, len);
	memcpy(tmp + len, ".XXXXXX", 8);
	fd = mkstemp(tmp);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		err = -errno;
		sr_err("report: cannot write %s: %s", out, strerror(-err));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		return err;
	}
	/*
	 * A page is made to be passed on: the mode of a file made by open(),
	 * 0666 less the umask, not mkstemp's 0600.
	 */
	um = umask(0);
	umask(um);
	err = fchmod(fd, 0666 & ~um) ? -errno : sr_html_write(p, f);
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, out))
		err = -errno;
	if (err) {
		sr_err("report: cannot write %s: %s", out, strerror(-err));
		unlink(tmp);
	}
	free(tmp);
	return err;
}

/* a usage error: one line, ending with where the options are explained */
#define usage_err(...) sr_usage_err("report", __VA_ARGS__)

static void on_signal(int sig)
{
	(void)sig;
	sr_an_stop = 1;
}

int cmd_report(int argc, char **argv)
{
	struct sr_an_import_opts io = { .progress = isatty(2),
					.mem_limit = sr_an_default_mem_limit() };
	struct sigaction sa = { .sa_handler = on_signal };
	const char *out = NULL, *db_path = NULL, *title = NULL;
	struct collect k = { .top = TOP_DEFAULT };
	struct sr_html_page page = { .title = NULL };
	char *data = NULL, *cov = NULL, *deftitle = NULL;
	size_t data_len = 0, cov_len = 0;
	FILE *coverage = NULL;
	struct sr_an_db *d = NULL;
	int64_t limit = LIMIT_DEFAULT;
	int force = 0, nfailed = 0, rc = SR_EXIT_USAGE, err, c;
	uint64_t v;
	struct stat stt;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:fvh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'f':
			force = 1;
			break;
		case OPT_DB:
			db_path = optarg;
			break;
		case OPT_TITLE:
			title = optarg;
			break;
		case OPT_TOP:
			if (sr_parse_u64(optarg, 0, TOP_MAX, &v)) {
				usage_err("bad --top '%s' (0 to %d)", optarg, TOP_MAX);
				goto out;
			}
			k.top = (size_t)v;
			break;
		case OPT_LIMIT:
			if (sr_parse_u64(optarg, 0, INT64_MAX, &v)) {
				usage_err("bad --limit '%s'", optarg);
				goto out;
			}
			limit = (int64_t)v;
			break;
		case OPT_NO_PROGRESS:
			io.progress = 0;
			break;
		case OPT_MEM_LIMIT:
			if (sr_an_parse_mem_limit("report", optarg, &io.mem_limit))
				goto out;
			break;
		case 'v':
			sr_verbose = 1;
			break;
		case 'h':
			fputs(sr_usage_report, stdout);
			rc = SR_EXIT_OK;
			goto out;
		case ':':
			usage_err("option '%s' needs a value", argv[optind - 1]);
			goto out;
		default:
			usage_err("unknown option '%s'", argv[optind - 1]);
			goto out;
		}
	}
	if (!sr_html_assets.present) {
		sr_err("report: this build has no HTML report: it was made with NO_HTML=1"
		       " (without the chart library that npm fetches)");
		goto out;
	}
	if (!out) {
		usage_err("no output given: -o FILE.html");
		goto out;
	}
	if (optind >= argc && !db_path) {
		usage_err("no trace file given");
		goto out;
	}
	rc = SR_EXIT_FAIL;
	if (!stat(out, &stt) && (S_ISDIR(stt.st_mode) || !force)) {
		sr_err("report: %s exists: %s", out, S_ISDIR(stt.st_mode) ?
		       "it is a directory" : "use -f to replace it");
		goto out;
	}
	if (optind >= argc && access(db_path, F_OK)) {
		sr_err("cannot open %s: %s", db_path, strerror(errno));
		goto out;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGXFSZ, SIG_IGN);

	err = sr_an_db__open(&d, db_path);
	if (err)
		goto out;
	if (optind < argc) {
		io.event_rows = db_path || needs_rows(d->db, limit);
		io.query_indexes = db_path != NULL;
		err = sr_an_import_to_report(d, argv + optind, argc - optind, &io, &nfailed);
		if (err)
			goto out;	/* 1: nothing to report on, the errors said why */
	}
	sqlite3_hard_heap_limit64((sqlite3_int64)io.mem_limit);
	sr_an_mem_limit = io.mem_limit;

	k.data = open_memstream(&data, &data_len);
	coverage = open_memstream(&cov, &cov_len);
	if (!k.data || !coverage) {
		sr_err("report: %s", strerror(ENOMEM));
		goto out;
	}
	err = run_reports(d->db, limit, &k, coverage);
	if (sr_an_stop) {
		sr_err("interrupted");
		goto out;
	}
	if (err) {
		if (err == -ENOMEM)
			sr_err("report: %s", strerror(ENOMEM));
		goto out;
	}
	if (fclose(k.data) | fclose(coverage)) {
		k.data = coverage = NULL;
		sr_err("report: %s", strerror(ENOMEM));
		goto out;
	}
	k.data = coverage = NULL;
	deftitle = title ? NULL : default_title(argv + optind, argc - optind, db_path);
	page = (struct sr_html_page){ .title = title ? title : deftitle ? deftitle : "sysrec report",
				      .coverage = cov, .coverage_len = cov_len,
				      .data = data, .data_len = data_len };
	if (write_page(&page, out))
		goto out;
	if (!nfailed)
		rc = SR_EXIT_OK;
out:
	if (k.data)
		fclose(k.data);
	if (coverage)
		fclose(coverage);
	free(data);
	free(cov);
	free(deftitle);
	sr_an_db__free(d);
	return rc;
}
