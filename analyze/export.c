// SPDX-License-Identifier: GPL-2.0-only
/*
 * export.c - sysrec export: traces as a timeline for Perfetto (protobuf) or
 * any Trace Event Format reader (Chrome JSON).  This file holds the options,
 * the outputs (sinks, export.h) and the reading: the files of each
 * recording one after another in rotation order, the recordings merged
 * into one time order.  The mapping of records to the timeline is
 * export_model.c's.
 *
 * Memory: one reader per recording given (with its read-ahead ring when
 * there are at most FEEDS_MAX), the model's tables (processes and
 * threads), one packet or event being written: nothing grows with the
 * number of records.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysrec/builtin.h"
#include "sysrec/format.h"
#include "sysrec/util.h"
#include "analyze.h"
#include "export.h"
#include "clickhouse.h"

const char sr_usage_export[] =
	"usage: sysrec export [options] TRACE... --perfetto OUT.pftrace\n"
	"       sysrec export [options] TRACE... --chrome-json OUT.json\n"
	"       sysrec export TRACE... --clickhouse URL [--batch SIZE] [--mem-limit SIZE]\n"
	"\n"
	"Write the recording as a timeline: a thread's syscalls as slices with\n"
	"their arguments, exec/fork/exit, I/O and memory counters per process,\n"
	"thread states and CPUs (with the cpu class), lost events.  Several files\n"
	"(a rotated set, or recordings of several hosts) make one timeline.\n"
	"\n"
	"Outputs (at least one; --perfetto and --chrome-json may go together):\n"
	"  --perfetto OUT      Perfetto's protobuf trace: open it at\n"
	"                      https://ui.perfetto.dev (Open trace file) or with\n"
	"                      trace_processor; '-' for standard output\n"
	"  --chrome-json OUT   the Trace Event Format (JSON), for chrome://tracing\n"
	"                      and other tools that read only that\n"
	"  --clickhouse URL    the traces' tables into a ClickHouse server over HTTP\n"
	"                      (http://host:8123/?database=NAME), once per recording,\n"
	"                      for 'sysrec analyze --clickhouse URL' (no filters;\n"
	"                      docs/sysrec-export.md)\n"
	"  --batch SIZE        with --clickhouse: bytes per INSERT (K, M; default 64M)\n"
	"  --mem-limit SIZE    with --clickhouse: memory for the import that feeds it\n"
	"  --no-progress       with --clickhouse: no progress bar while importing\n"
	"\n"
	"Filters (as analyze's):\n"
	"  --pid PID[,PID...]  only these processes\n"
	"  --since D, --until D  only events in this window, from the start of the\n"
	"                      recording (1.5, 500ms), or wall clock as dump prints\n"
	"                      it (2026-11-26 21:00:15)\n"
	"  --interval D        the I/O counters' interval (default 100ms)\n"
	"  -h, --help          this text\n"
	"\n"
	"Exit status (as analyze): 0 when every record was read, a cut file\n"
	"included (stderr says so); 1 when a file cannot be read or records were\n"
	"lost to damage (what could be read is exported), or an output cannot be\n"
	"written; 2 for bad usage.\n";

#define DEFAULT_INTERVAL	100000000ull	/* 100 ms */
/*
 * Recordings read ahead on threads of their own (4.5 MiB each, analyze.h's
 * SR_AN_FEED_BYTES): with more of them merged at once (hosts, runs), all
 * are read in line, so that memory stays what a few cost.
 */
#define FEEDS_MAX		4

static const struct sr_exp_sink_ops *const sink_ops[] = { &sr_exp_perfetto, &sr_exp_chrome };

enum { OPT_PID = 256, OPT_SINCE, OPT_UNTIL, OPT_INTERVAL, OPT_SINK };

static const struct option long_opts[] = {
	{ "pid", required_argument, NULL, OPT_PID },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "help", no_argument, NULL, 'h' },
	{ "perfetto", required_argument, NULL, OPT_SINK + 0 },
	{ "chrome-json", required_argument, NULL, OPT_SINK + 1 },
	SR_CH_EXPORT_OPTIONS,
	{ NULL, 0, NULL, 0 },
};
_Static_assert(ARRAY_SIZE(sink_ops) == 2, "an option in long_opts for each sink");

/* A trace file given, and what its metadata says. */
struct exp_file {
	const char *path;
	char *rid;			/* recording_id, or NULL: a recording alone */
	int64_t rotation;
	int pos;			/* its place among the files given */
	int has_start, has_off;
	int64_t start, off;		/* start_ns, clock_offset_ns */
};

/* A recording: its files read one after another. */
struct exp_stream {
	struct exp_file **files;
	size_t nfiles, cur;
	unsigned int rec;
	struct sr_reader *r;
	struct sr_an_feed *feed;
	struct sr_damage_log log;
	const struct sr_event *ev;	/* the next record, read and not yet exported */
	int done;
	int have_win;
	int64_t shift;			/* to the export's clock: the first recording's */
	struct sr_exp_src src;
};

struct exp {
	struct sr_an_opts o;
	uint64_t interval;
	struct sr_exp_sink sinks[SR_EXP_SINKS_MAX];
	struct sr_exp_sink *sinkp[SR_EXP_SINKS_MAX];
	int nsinks;
	struct exp_file *files;
	int nfiles;
	struct exp_stream *streams;
	size_t nstreams;
	int status;
	struct sr_ch_export_opts ch;	/* --clickhouse: clickhouse_cmd.c's sink */
};

static void __attribute__((format(printf, 1, 2))) usage_err(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sr_err("export: %s. See 'sysrec export --help'.", msg);
}

/* --- the files --- */

static int scan_file(struct exp_file *f)
{
	struct sr_damage_log log = { .path = f->path };
	struct sr_reader *r;
	const char *rid;

	if (sr_trace_open(&r, f->path, &log))
		return -EINVAL;
	rid = sr_reader__meta(r, "recording_id");
	if (rid && *rid && !(f->rid = strdup(rid))) {
		sr_reader__free(r);
		return -ENOMEM;
	}
	if (sr_meta_s64(r, "rotation_index", &f->rotation))
		f->rotation = 0;
	f->has_start = !sr_meta_s64(r, "start_ns", &f->start) && f->start >= 0;
	f->has_off = !sr_meta_s64(r, "clock_offset_ns", &f->off);
	sr_reader__free(r);
	return 0;
}

/* As the importer groups them: by recording, then rotation, then place given. */
static int cmp_file(const void *a, const void *b)
{
	const struct exp_file *x = *(struct exp_file *const *)a, *y = *(struct exp_file *const *)b;
	int c;

	if (!x->rid || !y->rid) {
		if (!!x->rid != !!y->rid)
			return x->rid ? -1 : 1;
		return (x->pos > y->pos) - (x->pos < y->pos);
	}
	c = strcmp(x->rid, y->rid);
	if (c)
		return c;
	if (x->rotation != y->rotation)
		return x->rotation < y->rotation ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

static int cmp_stream(const void *a, const void *b)
{
	const struct exp_stream *x = a, *y = b;
	int px = x->files[0]->pos, py = y->files[0]->pos;

	for (size_t i = 1; i < x->nfiles; i++)
		px = x->files[i]->pos < px ? x->files[i]->pos : px;
	for (size_t i = 1; i < y->nfiles; i++)
		py = y->files[i]->pos < py ? y->files[i]->pos : py;
	return (px > py) - (px < py);
}

/* The files that could be read, as recordings in the order first given. */
static int group(struct exp *e, struct exp_file **v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_file);
	e->streams = calloc((size_t)n + 1, sizeof(*e->streams));
	if (!e->streams)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		struct exp_stream *s;

		if (i && v[i]->rid && v[i - 1]->rid && !strcmp(v[i]->rid, v[i - 1]->rid)) {
			s = &e->streams[e->nstreams - 1];
			if (v[i]->rotation == v[i - 1]->rotation) {
				sr_err("%s: same recording and rotation index as %s: skipped",
				       v[i]->path, v[i - 1]->path);
				continue;
			}
		} else {
			s = &e->streams[e->nstreams++];
			s->files = v + i;
		}
		s->nfiles++;
	}
	qsort(e->streams, e->nstreams, sizeof(*e->streams), cmp_stream);
	for (size_t i = 0; i < e->nstreams; i++)
		e->streams[i].rec = (unsigned int)i;
	return 0;
}

/* --- reading --- */

static int wants_sys(const struct sr_event *ev)
{
	return sr_type_has_sys(ev->type);
}

static const char *sys_name(void *ctx, unsigned int nr)
{
	const struct exp_stream *s = ctx;
	const char *n = s->feed ? sr_an_feed__syscall_name(s->feed, nr) :
				  sr_reader__syscall_name(s->r, nr);

	return n && *n ? n : NULL;
}

/* The damage and cut of the file just read, said as dump says it. */
static void file_done(struct exp *e, struct exp_stream *s)
{
	struct sr_reader_stats st;
	const char *path = s->files[s->cur]->path;

	sr_an_feed__free(s->feed);
	s->feed = NULL;
	sr_reader__stats(s->r, &st);
	if (st.damaged) {
		sr_reader_stats__say_damage(&st, path);
		e->status = SR_EXIT_FAIL;
	}
	if ((st.cut || !st.ended) && !s->log.count)
		sr_err("%s: cut short (no end block): exported what was there", path);
	sr_reader__free(s->r);
	s->r = NULL;
}

/*
 * The export's clock is the first recording's CLOCK_MONOTONIC; another
 * recording (another host, or another boot) is moved by the difference of
 * their clock offsets, so that both line up on the wall clock.
 */
static int window(struct exp *e, struct exp_stream *s, uint64_t first_ts)
{
	const struct exp_file *f = s->files[0], *f0 = e->streams[0].files[0];
	int64_t start = f->has_start ? f->start : (int64_t)first_ts;
	const struct sr_an_opts *o = &e->o;
	int64_t lo = 0, hi = INT64_MAX;

	s->shift = f->has_off && f0->has_off ? f->off - f0->off : 0;
	if ((o->since_wall || o->until_wall) && !f->has_off) {
		sr_err("%s: --since/--until as a wall-clock time needs the trace's clock offset,"
		       " which it does not have: give a time from its start (1.5, 200ms)", f->path);
		return -EINVAL;
	}
	if (o->has_since)
		lo = o->since_wall ? o->since_ns - f->off : start + o->since_ns;
	if (o->has_until)
		hi = o->until_wall ? o->until_ns - f->off : start + o->until_ns;
	lo += s->shift;
	hi = hi == INT64_MAX ? hi : hi + s->shift;
	s->src.lo = lo > 0 ? (uint64_t)lo : 0;
	s->src.hi = hi > 0 ? (uint64_t)hi : 0;
	s->have_win = 1;
	return 0;
}

/* The stream's next record in s->ev, opening its next file when one ends; s->done at the end. */
static int advance(struct exp *e, struct exp_stream *s)
{
	int rc;

	for (;;) {
		if (!s->r) {
			if (s->cur >= s->nfiles) {
				s->done = 1;
				return 0;
			}
			s->log = (struct sr_damage_log){ .path = s->files[s->cur]->path };
			if (sr_trace_open(&s->r, s->files[s->cur]->path, &s->log)) {
				e->status = SR_EXIT_FAIL;
				s->cur++;
				continue;
			}
			s->src.cpu_class = !!(sr_classes_in(sr_reader__meta(s->r, "classes")) &
					      SR_CLASS_CPU);
			rc = e->nstreams <= FEEDS_MAX ? sr_an_feed__new(&s->feed, s->r, wants_sys) : 0;
			if (rc) {
				sr_reader__free(s->r);
				s->r = NULL;
				return rc;
			}
		}
		rc = s->feed ? sr_an_feed__next(s->feed, &s->ev) : sr_reader__next(s->r, &s->ev);
		if (rc == 1) {
			if (!s->have_win && window(e, s, s->ev->ts))
				return -EINVAL;
			return 0;
		}
		if (rc < 0) {
			sr_err("cannot read %s: %s", s->files[s->cur]->path, strerror(-rc));
			e->status = SR_EXIT_FAIL;
		}
		file_done(e, s);
		s->cur++;
	}
}

static uint64_t export_ts(const struct exp_stream *s)
{
	int64_t t = (int64_t)s->ev->ts + s->shift;

	return t > 0 ? (uint64_t)t : 0;
}

static int run(struct exp *e, struct sr_exp *x)
{
	int err;

	for (size_t i = 0; i < e->nstreams; i++) {
		struct exp_stream *s = &e->streams[i];

		s->src.rec = s->rec;
		s->src.sys_name = sys_name;
		s->src.ctx = s;
		err = advance(e, s);
		if (err)
			return err;
	}
	for (;;) {
		struct exp_stream *best = NULL;

		for (size_t i = 0; i < e->nstreams; i++) {
			struct exp_stream *s = &e->streams[i];

			if (!s->done && (!best || export_ts(s) < export_ts(best)))
				best = s;
		}
		if (!best)
			return 0;
		err = sr_exp__event(x, &best->src, best->ev, export_ts(best));
		if (!err)
			err = advance(e, best);
		if (err)
			return err;
	}
}

/* --- outputs --- */

/*
 * An output that is an input (or another output) would be truncated before
 * it is read: refused, by what the names point at, not by how they are
 * spelled.  0 or -EINVAL (said).
 */
static int check_outputs(const struct exp *e, char **inputs, int n)
{
	struct stat so, si;

	for (int i = 0; i < e->nsinks; i++) {
		const char *out = e->sinks[i].path;

		if (!e->sinks[i].ops->writes_file || !strcmp(out, "-") || stat(out, &so))
			continue;
		for (int k = 0; k < n; k++) {
			if (stat(inputs[k], &si) || si.st_dev != so.st_dev || si.st_ino != so.st_ino)
				continue;
			usage_err("the output %s is the trace %s: it would be overwritten", out,
				  inputs[k]);
			return -EINVAL;
		}
		for (int k = 0; k < i; k++) {
			if (!e->sinks[k].ops->writes_file || stat(e->sinks[k].path, &si) ||
			    si.st_dev != so.st_dev || si.st_ino != so.st_ino)
				continue;
			usage_err("--%s and --%s write the same file", e->sinks[k].ops->option,
				  e->sinks[i].ops->option);
			return -EINVAL;
		}
	}
	for (int i = 0; i < e->nsinks; i++)
		for (int k = 0; k < i; k++)
			if (e->sinks[i].ops->writes_file && e->sinks[k].ops->writes_file &&
			    !strcmp(e->sinks[i].path, e->sinks[k].path)) {
				usage_err("--%s and --%s write the same file",
					  e->sinks[k].ops->option, e->sinks[i].ops->option);
				return -EINVAL;
			}
	return 0;
}

static int open_sinks(struct exp *e)
{
	for (int i = 0; i < e->nsinks; i++) {
		struct sr_exp_sink *s = &e->sinks[i];
		int err;

		if (s->ops->writes_file) {
			s->f = strcmp(s->path, "-") ? fopen(s->path, "w") : stdout;
			if (!s->f) {
				sr_err("export: cannot write %s: %s", s->path, strerror(errno));
				return -errno;
			}
		}
		e->sinkp[i] = s;	/* close_sinks closes it from now on */
		err = s->ops->open(s);
		if (err) {
			sr_err("export: %s: %s", s->path, strerror(-err));
			return err;
		}
		s->opened = 1;
	}
	return 0;
}

/* Close every output: 0, or -errno when one could not be written (said). */
static int close_sinks(struct exp *e)
{
	int ret = 0;

	for (int i = 0; i < e->nsinks; i++) {
		struct sr_exp_sink *s = &e->sinks[i];
		int err = 0;

		if (!e->sinkp[i])
			continue;	/* never opened */
		if (s->opened)
			err = s->ops->close(s);
		if (s->f) {
			if (fflush(s->f) && !err)
				err = -errno;
			if (ferror(s->f) && !err)
				err = -EIO;
			if (s->f != stdout && fclose(s->f) && !err)
				err = -errno;
			s->f = NULL;
		}
		if (err) {
			sr_err("export: cannot write %s: %s", s->path, strerror(-err));
			ret = err;
		}
	}
	return ret;
}

static void summary(const struct exp *e, const struct sr_exp *x)
{
	struct sr_exp_counts c;

	if (!isatty(2))
		return;
	sr_exp__counts(x, &c);
	for (int i = 0; i < e->nsinks; i++)
		fprintf(stderr, "sysrec: export: %llu records: %llu slices, %llu instants,"
			" %llu counter values, %llu scheduling slices, %llu lost ranges -> %s\n",
			(unsigned long long)c.records, (unsigned long long)c.slices,
			(unsigned long long)c.instants, (unsigned long long)c.counters,
			(unsigned long long)c.states, (unsigned long long)c.lost, e->sinks[i].path);
}

/* --- options --- */

static int parse(struct exp *e, int argc, char **argv)
{
	uint64_t v;
	int c, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_PID:
			if (sr_an_parse_pids(optarg, &e->o)) {
				usage_err("bad --pid '%s': a list of process ids", optarg);
				return -EINVAL;
			}
			break;
		case OPT_SINCE:
		case OPT_UNTIL:
			if (sr_an_parse_time(optarg, c == OPT_UNTIL, &e->o)) {
				usage_err("bad --%s '%s': %s", c == OPT_SINCE ? "since" : "until",
					  optarg, SR_AN_TIME_HELP);
				return -EINVAL;
			}
			break;
		case OPT_INTERVAL:
			if (sr_parse_duration(optarg, &v) || v < 1000 || v > (uint64_t)INT64_MAX / 4) {
				usage_err("bad --interval '%s': a duration of 1us or more (100ms, 1s)",
					  optarg);
				return -EINVAL;
			}
			e->interval = v;
			break;
		case 'h':
			fputs(sr_usage_export, stdout);
			return 1;
		case ':':
			usage_err("option '%s' needs a value", argv[optind - 1]);
			return -EINVAL;
		default:
			rc = sr_ch_export_option(c, optarg, &e->ch);
			if (!rc)
				break;
			if (rc != -ENOENT)
				return rc;
			if (c >= OPT_SINK && c < OPT_SINK + (int)ARRAY_SIZE(sink_ops)) {
				const struct sr_exp_sink_ops *ops = sink_ops[c - OPT_SINK];

				for (int i = 0; i < e->nsinks; i++)
					if (e->sinks[i].ops == ops) {
						usage_err("--%s given twice", ops->option);
						return -EINVAL;
					}
				e->sinks[e->nsinks++] = (struct sr_exp_sink){ .ops = ops,
									     .path = optarg };
				break;
			}
			usage_err("unknown option '%s'", argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (e->o.has_since && e->o.has_until && e->o.since_wall == e->o.until_wall &&
	    e->o.until_ns <= e->o.since_ns) {
		usage_err("--until must come after --since");
		return -EINVAL;
	}
	if (optind >= argc) {
		usage_err("no trace file given");
		return -EINVAL;
	}
	if (sr_ch_export_check(&e->ch, e->nsinks, e->o.npids || e->o.has_since ||
			       e->o.has_until || e->interval != DEFAULT_INTERVAL))
		return -EINVAL;
	if (!e->nsinks && !e->ch.url) {
		usage_err("no output given: --perfetto OUT, --chrome-json OUT or --clickhouse URL");
		return -EINVAL;
	}
	return 0;
}

int cmd_export(int argc, char **argv)
{
	struct exp e = { .interval = DEFAULT_INTERVAL, .status = SR_EXIT_OK };
	struct exp_file **v = NULL;
	struct sr_exp *x = NULL;
	int n = 0, err, rc;

	rc = parse(&e, argc, argv);
	if (!rc && e.ch.url)
		return sr_ch_export_cmd(argv + optind, argc - optind, &e.ch);
	if (!rc && check_outputs(&e, argv + optind, argc - optind))
		rc = -EINVAL;
	if (rc) {
		free(e.o.pids);
		return rc > 0 ? SR_EXIT_OK : SR_EXIT_USAGE;
	}
	e.nfiles = argc - optind;
	e.files = calloc((size_t)e.nfiles, sizeof(*e.files));
	v = calloc((size_t)e.nfiles, sizeof(*v));
	if (!e.files || !v) {
		err = -ENOMEM;
		goto fail;
	}
	/* the outputs first: one that cannot be written fails before any reading */
	err = open_sinks(&e);
	if (err)
		goto out;
	for (int i = 0; i < e.nfiles; i++) {
		e.files[i].path = argv[optind + i];
		e.files[i].pos = i;
		err = scan_file(&e.files[i]);
		if (err == -ENOMEM)
			goto fail;
		if (err)
			e.status = SR_EXIT_FAIL;
		else
			v[n++] = &e.files[i];
	}
	err = group(&e, v, n);
	if (err)
		goto fail;
	x = sr_exp__new(e.sinkp, e.nsinks, e.o.pids, e.o.npids, e.interval);
	if (!x) {
		err = -ENOMEM;
		goto fail;
	}
	err = run(&e, x);
	if (err == -EINVAL)
		goto out;
	if (err)
		goto fail;
	sr_exp__finish(x);
	summary(&e, x);
	goto out;
fail:
	sr_err("export: %s", strerror(-err));
out:
	if (err)
		e.status = SR_EXIT_FAIL;
	if (close_sinks(&e))
		e.status = SR_EXIT_FAIL;
	for (size_t i = 0; i < e.nstreams; i++) {
		sr_an_feed__free(e.streams[i].feed);
		sr_reader__free(e.streams[i].r);
	}
	for (int i = 0; e.files && i < e.nfiles; i++)
		free(e.files[i].rid);
	sr_exp__free(x);
	free(e.streams);
	free(e.files);
	free(v);
	free(e.o.pids);
	return e.status;
}
