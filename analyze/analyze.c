// SPDX-License-Identifier: GPL-2.0-only
/*
 * analyze.c - sysrec analyze: options, then import (an_import.c), then one
 * report (report.c).  Needs no root and no BPF.
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
#include "analyze.h"
#include "report.h"
#include "clickhouse.h"

/* the help line of each report, from the table */
#define REPORT_HELP(id, option, arg, help, ...)	help

const char sr_usage_analyze[] =
	"usage: sysrec analyze [FILE...] [--db DB] [REPORT] [OPTIONS]\n"
	"\n"
	"Import trace files into a SQLite database and print a report.  Without\n"
	"--db the database is temporary; with --db it is kept (more traces may be\n"
	"added later, and FILE may be left out to report on what it holds).\n"
	"\n"
	"Reports (one at a time; none: an overview):\n"
	SR_REPORTS(REPORT_HELP)
	"\n"
	"Filters (every report):\n"
	"  --pid PID[,PID...]  these processes\n"
	"  --comm NAME         processes of this name (exact)\n"
	"  --cgroup PATH       this cgroup and below (/x or /sys/fs/cgroup/x)\n"
	"  --since D, --until D  time from the start of the recording (1.5, 500ms),\n"
	"                      or wall clock as dump prints it (2026-11-26 21:00:15)\n"
	"\n"
	"Several recordings (several files, or a --db they were added to):\n"
	"  --by recording      rows per recording (any report but the overview and\n"
	"                      --sql), labelled by the file name of its first file;\n"
	"                      rows of a process say which recording when a host\n"
	"                      has several\n"
	"\n"
	"Output:\n"
	"  --format table|csv|json  (table; CSV and JSON carry raw numbers)\n"
	"  --limit N           at most N rows (0: all); without it a table shows\n"
	"                      20 (--top-io, --files, --slow) or the overview's\n"
	"                      top 5 processes, CSV and JSON every row\n"
	"  --time rel|abs      times from the start, or wall clock (rel)\n"
	"  --wide              tables never cut a value (else they fit the terminal;\n"
	"                      piped: COLUMNS when set, else uncut)\n"
	"  --no-progress       no progress bar while importing\n"
	"  --mem-limit SIZE    memory for the import (K, M, G; default: a quarter\n"
	"                      of RAM); past it, stop with an error\n"
	"  -v, --verbose       debug output\n"
	"  -h, --help          this text\n"
	"\n"
	"A fleet in ClickHouse (sysrec export --clickhouse), instead of FILE or --db:\n"
	"  --clickhouse URL    the reports over the server's recordings\n"
	"  --host H, --recording ID  of this host, of this recording only\n"
	"\n"
	"Exit status (as info and dump): 0 when every record was read, a cut file\n"
	"included (the header says so); 1 when a file cannot be read or records\n"
	"were lost to damage (the report covers what could be read); 2 for bad\n"
	"usage.\n";

enum {
	OPT_DB = 256, OPT_BY, OPT_INTERVAL, OPT_PID, OPT_COMM, OPT_SINCE, OPT_UNTIL,
	OPT_LIMIT, OPT_FORMAT, OPT_CGROUP, OPT_TIME, OPT_NO_PROGRESS, OPT_TIMEOUT,
	OPT_MEM_LIMIT, OPT_HIST, OPT_WIDE, OPT_CLICKHOUSE, OPT_HOST, OPT_RECORDING,
	OPT_REPORT,		/* + enum sr_report_id: the options of sr_reports[] */
};

/* The options but the reports', which long_opts() adds from the table. */
static const struct option base_opts[] = {
	{ "db",		required_argument,	NULL, OPT_DB },
	{ "by",		required_argument,	NULL, OPT_BY },
	{ "interval",	required_argument,	NULL, OPT_INTERVAL },
	{ "timeout",	required_argument,	NULL, OPT_TIMEOUT },
	{ "pid",	required_argument,	NULL, OPT_PID },
	{ "comm",	required_argument,	NULL, OPT_COMM },
	{ "since",	required_argument,	NULL, OPT_SINCE },
	{ "until",	required_argument,	NULL, OPT_UNTIL },
	{ "limit",	required_argument,	NULL, OPT_LIMIT },
	{ "format",	required_argument,	NULL, OPT_FORMAT },
	{ "cgroup",	required_argument,	NULL, OPT_CGROUP },
	{ "time",	required_argument,	NULL, OPT_TIME },
	{ "no-progress", no_argument,		NULL, OPT_NO_PROGRESS },
	{ "mem-limit",	required_argument,	NULL, OPT_MEM_LIMIT },
	{ "hist",	no_argument,		NULL, OPT_HIST },
	{ "wide",	no_argument,		NULL, OPT_WIDE },
	{ "clickhouse",	required_argument,	NULL, OPT_CLICKHOUSE },
	{ "host",	required_argument,	NULL, OPT_HOST },
	{ "recording",	required_argument,	NULL, OPT_RECORDING },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "help",	no_argument,		NULL, 'h' },
};

/* base_opts, then an option for each report that has one, then the end. */
static void long_opts(struct option *opts)
{
	size_t n = ARRAY_SIZE(base_opts);

	memcpy(opts, base_opts, sizeof(base_opts));
	for (int i = 0; i < SR_REP_COUNT; i++) {
		if (!sr_reports[i].option)
			continue;
		opts[n++] = (struct option){ sr_reports[i].option,
					     sr_reports[i].arg ? required_argument : no_argument,
					     NULL, OPT_REPORT + i };
	}
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
}

static const struct {
	const char *name;
	int val;
} formats[] = {
	{ "table", SR_FMT_TABLE }, { "csv", SR_FMT_CSV }, { "json", SR_FMT_JSON },
}, bys[] = {
	{ "process", SR_BY_PROCESS }, { "file", SR_BY_FILE }, { "cgroup", SR_BY_CGROUP },
	{ "thread", SR_BY_THREAD }, { "host", SR_BY_HOST }, { "recording", SR_BY_RECORDING },
};

static const int stop_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGALRM, SIGUSR1, SIGUSR2, SIGVTALRM, SIGPROF, SIGXCPU,
};

static void on_signal(int sig)
{
	(void)sig;
	sr_an_stop = 1;
}

/* --pid: a repeated option replaces the list, as it always has */
int sr_an_parse_pids(const char *s, struct sr_an_opts *o)
{
	size_t cap = (strlen(s) + 1) / 2 + 1, n = 0;
	uint32_t *pids = calloc(cap, sizeof(*pids));
	int err;

	if (!pids)
		return -ENOMEM;
	err = sr_parse_pids(s, 0, UINT32_MAX, pids, cap, &n, NULL);
	if (err) {
		free(pids);
		return err;
	}
	free(o->pids);
	o->pids = pids;
	o->npids = n;
	return 0;
}

int sr_an_parse_mem_limit(const char *cmd, const char *arg, uint64_t *limit)
{
	if (sr_parse_size(arg, limit) || *limit < SR_AN_MEM_MIN) {
		sr_usage_err(cmd, "bad --mem-limit '%s' (a size such as 512M, at least %lluM)",
			     arg, SR_AN_MEM_MIN >> 20);
		return -EINVAL;
	}
	return 0;
}

int sr_an_parse_time(const char *arg, int until, struct sr_an_opts *o)
{
	int64_t wall = 0;
	int is_wall = strchr(arg, ':') != NULL;
	uint64_t v = 0;

	if (is_wall ? sr_parse_wall(arg, &wall) :
	    sr_parse_duration(arg, &v) || v > (uint64_t)INT64_MAX / 2)
		return -EINVAL;
	if (!until) {
		o->has_since = 1;
		o->since_wall = is_wall;
		o->since_ns = is_wall ? wall : (int64_t)v;
	} else {
		o->has_until = 1;
		o->until_wall = is_wall;
		o->until_ns = is_wall ? wall : (int64_t)v;
	}
	return 0;
}

/* a usage error: one line, ending with where the options are explained */
#define usage_err(...) sr_usage_err("analyze", __VA_ARGS__)

/* The name of --by value @by, for the messages. */
static const char *optarg_by(int by)
{
	for (size_t i = 0; i < ARRAY_SIZE(bys); i++)
		if (bys[i].val == by)
			return bys[i].name;
	return "?";
}

static int set_report(struct sr_an_opts *o, int r, int *named)
{
	if (*named && o->report != r) {
		usage_err("one report at a time");
		return -EINVAL;
	}
	*named = 1;
	o->report = r;
	return 0;
}

static int lookup(const char *s, const char *what, int *out, int is_by)
{
	size_t n = is_by ? ARRAY_SIZE(bys) : ARRAY_SIZE(formats);

	for (size_t i = 0; i < n; i++) {
		const char *name = is_by ? bys[i].name : formats[i].name;

		if (!strcmp(s, name)) {
			*out = is_by ? bys[i].val : formats[i].val;
			return 0;
		}
	}
	usage_err("bad %s '%s'", what, s);
	return -EINVAL;
}

int cmd_analyze(int argc, char **argv)
{
	struct sr_an_opts o = { .report = SR_REP_OVERVIEW, .limit = -1,
				.interval_ns = 0 /* --timeline: from the recording's length */ };
	struct sr_an_import_opts io = { .progress = isatty(2),
					.mem_limit = sr_an_default_mem_limit() };
	const char *db_path = NULL, *ch_url = NULL, *ch_host = NULL, *ch_rec = NULL;
	struct sr_an_db *d = NULL;
	int named = 0, by_given = 0, interval_given = 0, nfailed = 0, err, oerr, c;
	int pipe_closed = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	struct option opts[ARRAY_SIZE(base_opts) + SR_REP_COUNT + 1];
	uint64_t v;
	int rc = SR_EXIT_USAGE;

	opterr = 0;
	optind = 1;
	long_opts(opts);
	while ((c = getopt_long(argc, argv, ":vh", opts, NULL)) != -1) {
		err = 0;
		if (c >= OPT_REPORT && c < OPT_REPORT + SR_REP_COUNT) {
			err = set_report(&o, c - OPT_REPORT, &named);
			if (sr_reports[c - OPT_REPORT].arg)
				o.sql = optarg;		/* only --sql takes a value */
			if (err)
				goto out;
			continue;
		}
		switch (c) {
		case OPT_DB:
			db_path = optarg;
			break;
		case OPT_CLICKHOUSE:
			ch_url = optarg;
			break;
		case OPT_HOST:
			ch_host = optarg;
			break;
		case OPT_RECORDING:
			ch_rec = optarg;
			break;
		case OPT_BY:
			err = lookup(optarg, "--by (process, file, cgroup, thread, host or recording)",
				     &o.by, 1);
			by_given = 1;
			break;
		case OPT_FORMAT:
			err = lookup(optarg, "--format (table, csv or json)", &o.fmt, 0);
			break;
		case OPT_INTERVAL:
			if (sr_parse_duration(optarg, &v) || !v || v > (uint64_t)INT64_MAX / 4) {
				usage_err("bad --interval '%s'", optarg);
				err = -EINVAL;
			}
			o.interval_ns = v;
			interval_given = 1;
			break;
		case OPT_TIMEOUT:
			if (sr_parse_duration(optarg, &v) || !v) {
				usage_err("bad --timeout '%s': a duration such as 1.5, 500ms, 2m",
				       optarg);
				err = -EINVAL;
			}
			o.timeout_ns = v;
			break;
		case OPT_PID:
			if (sr_an_parse_pids(optarg, &o)) {
				usage_err("bad --pid '%s': a list of process ids", optarg);
				err = -EINVAL;
			}
			break;
		case OPT_COMM:
			o.comm = optarg;
			break;
		case OPT_CGROUP:
			o.cgroup = optarg;
			break;
		case OPT_SINCE:
		case OPT_UNTIL:
			err = sr_an_parse_time(optarg, c == OPT_UNTIL, &o);
			if (err)
				usage_err("bad --%s '%s': %s", c == OPT_SINCE ? "since" : "until",
					  optarg, SR_AN_TIME_HELP);
			break;
		case OPT_LIMIT:
			if (sr_parse_u64(optarg, 0, INT64_MAX, &v)) {
				usage_err("bad --limit '%s'", optarg);
				err = -EINVAL;
			}
			o.limit = (int64_t)v;
			break;
		case OPT_TIME:
			if (!strcmp(optarg, "abs")) {
				o.time_abs = 1;
			} else if (!strcmp(optarg, "rel")) {
				o.time_abs = 0;
			} else {
				usage_err("bad --time '%s' (abs or rel)", optarg);
				err = -EINVAL;
			}
			break;
		case OPT_NO_PROGRESS:
			io.progress = 0;
			break;
		case OPT_HIST:
			o.hist = 1;
			break;
		case OPT_WIDE:
			o.wide = 1;
			break;
		case OPT_MEM_LIMIT:
			err = sr_an_parse_mem_limit("analyze", optarg, &io.mem_limit);
			break;
		case 'v':
			sr_verbose = 1;
			break;
		case 'h':
			fputs(sr_usage_analyze, stdout);
			rc = SR_EXIT_OK;
			goto out;
		case ':':
			usage_err("option '%s' needs a value", argv[optind - 1]);
			goto out;
		default:
			usage_err("unknown option '%s'",
			       argv[optind - 1]);
			goto out;
		}
		if (err)
			goto out;
	}
	/* --by recording: the reports but the overview, --sql and --net (below) have rows per recording */
	if (by_given && o.by == SR_BY_RECORDING &&
	    (o.report == SR_REP_OVERVIEW || o.report == SR_REP_SQL)) {
		usage_err("--by recording goes with a report (--top-io, --syscalls, --files, ...)");
		goto out;
	}
	if (by_given && o.by != SR_BY_RECORDING && o.report != SR_REP_TOP_IO &&
	    o.report != SR_REP_CPU && o.report != SR_REP_SYSCALLS && o.report != SR_REP_NET) {
		usage_err("--by %s goes with --top-io, --cpu, --syscalls or --net (--by recording"
			  " with any report but --net)", optarg_by(o.by));
		goto out;
	}
	if (by_given && o.report == SR_REP_TOP_IO && (o.by == SR_BY_THREAD || o.by == SR_BY_HOST)) {
		usage_err("--top-io --by: process, file, cgroup or recording");
		goto out;
	}
	if (by_given && o.report == SR_REP_CPU && o.by != SR_BY_PROCESS && o.by != SR_BY_THREAD &&
	    o.by != SR_BY_HOST && o.by != SR_BY_RECORDING) {
		usage_err("--cpu --by: process, thread, host or recording");
		goto out;
	}
	if (by_given && o.report == SR_REP_SYSCALLS && o.by != SR_BY_HOST &&
	    o.by != SR_BY_RECORDING) {
		usage_err("--syscalls --by: host or recording");
		goto out;
	}
	if (o.hist && (o.by == SR_BY_HOST || o.by == SR_BY_RECORDING)) {
		usage_err("--hist: one histogram per syscall, not per host or recording");
		goto out;
	}
	if (by_given && o.report == SR_REP_NET && o.by != SR_BY_PROCESS) {
		usage_err("--net --by: process");
		goto out;
	}
	if (!by_given && o.report == SR_REP_NET)
		o.by = SR_BY_ENDPOINT;
	if (interval_given && o.report != SR_REP_TIMELINE) {
		usage_err("--interval goes with --timeline");
		goto out;
	}
	if (o.hist && o.report != SR_REP_SYSCALLS) {
		sr_err("analyze: --hist goes with --syscalls");
		goto out;
	}
	if (o.timeout_ns && o.report != SR_REP_SQL) {
		usage_err("--timeout goes with --sql");
		goto out;
	}
	if (o.has_since && o.has_until && o.since_wall == o.until_wall && o.until_ns <= o.since_ns) {
		usage_err("--until must come after --since");
		goto out;
	}
	if ((ch_host || ch_rec) && !ch_url) {
		usage_err("--host and --recording go with --clickhouse");
		goto out;
	}
	if (ch_url) {
		if (optind < argc || db_path) {
			usage_err("--clickhouse reports on the server's recordings: no FILE or --db");
			goto out;
		}
		if (!sr_ch_supported()) {
			usage_err("this build of sysrec has no ClickHouse support (built without"
				  " libcurl: docs/BUILDING.md)");
			goto out;
		}
		signal(SIGPIPE, SIG_IGN);
		rc = sr_ch_report(ch_url, ch_host, ch_rec, &o);
		/* a report or option the ClickHouse path does not take yet: usage */
		rc = rc == -ENOTSUP ? SR_EXIT_USAGE : rc ? SR_EXIT_FAIL : SR_EXIT_OK;
		if (rc == SR_EXIT_OK && sr_out_err(stdout))
			rc = SR_EXIT_FAIL;
		goto out;
	}
	if (optind >= argc && !db_path) {
		usage_err("no trace file given");
		goto out;
	}
	rc = SR_EXIT_FAIL;
	if (optind >= argc && access(db_path, F_OK)) {
		sr_err("cannot open %s: %s", db_path, strerror(errno));
		goto out;
	}

	/*
	 * Every signal whose default would end the process without a word
	 * ends it through the cleanup instead, so no temporary database is
	 * left behind; a file grown past RLIMIT_FSIZE fails its write (EFBIG).
	 */
	for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++)
		sigaction(stop_signals[i], &sa, NULL);
	signal(SIGXFSZ, SIG_IGN);
	/*
	 * A reader that goes away (| head) must not stop the cleanup of a temp
	 * db: writes fail with EPIPE instead, the printers stop at the first
	 * such row, and SIGPIPE is raised after the cleanup.
	 */
	signal(SIGPIPE, SIG_IGN);

	err = sr_an_db__open(&d, db_path);
	if (err)
		goto out;
	if (optind < argc) {
		/*
		 * A kept database may be queried in any way later: it gets every
		 * row.  A temporary one serves one report, and the rows of events
		 * are most of the import's time: only when the report reads them.
		 */
		io.event_rows = db_path || sr_an_needs_event_rows(d->db, &o);
		/*
		 * Likewise the indexes on fds and ev_exec: no report reads those
		 * tables, and an index on a table a query does not read cannot
		 * change what it prints.
		 */
		io.query_indexes = db_path || o.report == SR_REP_SQL;
		err = sr_an_import_to_report(d, argv + optind, argc - optind, &io, &nfailed);
		if (err)
			goto out;	/* 1: nothing to report on, the errors said why */
	}
	/* the reports stay within the budget too, with or without an import */
	sqlite3_hard_heap_limit64((sqlite3_int64)io.mem_limit);
	sr_an_mem_limit = io.mem_limit;
	err = sr_an_report(d->db, &o);
	/* a failed flush sets the error and errno that sr_out_err reads */
	fflush(stdout);
	oerr = sr_out_err(stdout);
	if (oerr == -EPIPE) {
		pipe_closed = 1;
	} else if (oerr) {
		/* a write cut short by Ctrl-C: the report said "interrupted" */
		if (!sr_an_stop)
			sr_err("analyze: cannot write the output: %s", strerror(-oerr));
	} else if (!err && !nfailed) {
		rc = SR_EXIT_OK;
	}
out:
	sr_an_db__free(d);
	free(o.pids);
	/*
	 * The reader went away (| head): end as sysrec dump does, killed by
	 * SIGPIPE and without a word, but only now that the temporary
	 * database is gone.
	 */
	if (pipe_closed) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	return rc;
}
