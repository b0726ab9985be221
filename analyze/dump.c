// SPDX-License-Identifier: GPL-2.0-only
/*
 * analyze/dump.c - sysrec dump: a trace event by event, as text or NDJSON.
 *
 * This file holds the options, the filters and the read loop; the lines
 * themselves are printed by present/ (sysrec/print.h), which record --print
 * shares.
 */
#include <errno.h>
#include <inttypes.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sysrec/builtin.h"
#include "sysrec/event.h"
#include "sysrec/format.h"
#include "sysrec/print.h"
#include "sysrec/util.h"
#include "analyze.h"

const char sr_usage_dump[] =
	"usage: sysrec dump [options] FILE...\n"
	"\n"
	"Print the events of one trace, or of a rotated set in the order given,\n"
	"one line per event.\n"
	"\n"
	"Options:\n"
	"  -j, --json          one JSON object per line (NDJSON) instead of text\n"
	"  -p, --pid PID[,PID] only these processes (pid or tid); repeatable\n"
	"  -c, --comm NAME     only tasks with this comm; repeatable\n"
	"  -t, --type T[,T]    only these record types (exec, fork, exit, open, rw,\n"
	"                      close, dup, mmap, munmap, brk, syscall, lost, proc,\n"
	"                      fd, cgroup, or a number) or syscalls (openat, ...)\n"
	"  -s, --since TIME    only events at or after TIME from the start of the\n"
	"                      recording (seconds, or with ns/us/ms/s/m/h: 1.5, 200ms),\n"
	"                      or at a wall-clock time as printed (2026-11-26 21:00:15)\n"
	"  -u, --until TIME    only events before TIME from the start\n"
	"  -T, --time abs|rel  text times as local wall clock (abs, the default) or\n"
	"                      seconds since the start (rel)\n"
	"  -P, --path GLOB     only calls on a file whose path matches GLOB (opens,\n"
	"                      execs; reads, writes, closes... by the file's open)\n"
	"  -e, --errno E       only calls that failed with E (ENOENT or 2)\n"
	"  -F, --failed        only calls that failed\n"
	"  -m, --min-dur D     only calls that took D or longer (1ms, 0.5)\n"
	"  -h, --help          show this help\n"
	"\n"
	"Exit status (as info and analyze): 0 when every record was read, a cut\n"
	"file included (stderr says so); 1 when a file cannot be read or records\n"
	"were lost to damage (what could be read is printed); 2 for bad usage.\n";

struct dump_filter {
	uint32_t *pids;
	size_t npids;
	const char **comms;
	size_t ncomms;
	int by_type;
	uint8_t types[65536 / 8];	/* record types asked for */
	uint8_t nrs[65536 / 8];		/* syscall numbers asked for */
	int has_since, has_until;
	uint64_t since, until;		/* ns from the start of the recording */
	int since_wall, until_wall;	/* since/until are wall-clock ns, until the start is known */
	const char *path;		/* --path GLOB */
	int err;			/* --errno: its number, 0: none */
	int failed;			/* --failed */
	int has_min_dur;
	uint64_t min_dur;		/* --min-dur, ns */
};

/*
 * The path of each file met so far, by its (dev, ino): reads, writes,
 * closes, dups and mmaps carry the (dev, ino) of the file behind their
 * descriptor, opens and the snapshot's fd records its path too.  Keyed by
 * the file, not by (pid, fd): a descriptor inherited over fork or moved by
 * dup2 needs no bookkeeping.  Only with --path.
 */
struct dump_paths {
	struct sr_map map;		/* (dev, ino, 0) -> index in v */
	char **v;
	size_t n, cap;
};


struct dump_seen {
	int procs;			/* a record of a process was read */
	uint32_t pid_lo, pid_hi;
	int pid_hit, comm_hit;		/* a record of a --pid, a --comm */
	int has_end;
	uint64_t end;			/* the last file's end (monotonic ns) */
};

struct dump {
	struct sr_printer *p;
	struct dump_filter flt;
	int json;
	int rel;			/* --time rel */
	int have_base;
	uint64_t base;			/* start of the recording (monotonic ns) */
	struct sr_reader *r;		/* the file being printed */
	struct dump_paths paths;
	struct dump_seen seen;
};

static inline void bit_set(uint8_t *map, unsigned int i)
{
	map[i >> 3] |= 1u << (i & 7);
}

static inline int bit_test(const uint8_t *map, unsigned int i)
{
	return map[i >> 3] >> (i & 7) & 1;
}

/* --- paths of files, for --path --- */

/* The (dev, ino) a record names the file by, 0 when it has none. */
static int rec_file(const struct sr_event *ev, uint64_t *dev, uint64_t *ino)
{
	const struct sr_type *t = sr_schema_type(ev->type);

	if (!t || ev->size < t->fixed_size)
		return 0;
	switch (ev->type) {
#define FILE_OF_(N, type)							\
	case SR_EV_##N: {							\
		const struct type *e = (const void *)ev;			\
		*dev = e->dev;							\
		*ino = e->ino;							\
		break;								\
	}
	FILE_OF_(OPEN, sr_ev_open)
	FILE_OF_(EXEC, sr_ev_exec)
	FILE_OF_(RW, sr_ev_rw)
	FILE_OF_(CLOSE, sr_ev_close)
	FILE_OF_(DUP, sr_ev_dup)
	FILE_OF_(MMAP, sr_ev_mmap)
	FILE_OF_(FD, sr_ev_fd)
	FILE_OF_(NET, sr_ev_net)
	FILE_OF_(SOCK, sr_ev_sock)
	FILE_OF_(PIPE, sr_ev_pipe)
#undef FILE_OF_
	default:
		return 0;
	}
	return *dev || *ino;
}

/* The path a record carries itself (open, exec, fd), or NULL. */
static const char *rec_path(const struct sr_event *ev, size_t *len)
{
	const struct sr_type *t = sr_schema_type(ev->type);
	struct sr_str ref;
	const char *p;

	if (!t || ev->size < t->fixed_size)
		return NULL;
	if (ev->type == SR_EV_OPEN)
		ref = ((const struct sr_ev_open *)ev)->path;
	else if (ev->type == SR_EV_EXEC)
		ref = ((const struct sr_ev_exec *)ev)->path;
	else if (ev->type == SR_EV_FD)
		ref = ((const struct sr_ev_fd *)ev)->path;
	else
		return NULL;
	if (sr_event__str(ev, ref, &p, len) || !*len)
		return NULL;
	return p;
}

/* Learn the path of the file of @ev, when it says both. 0 or -ENOMEM. */
static int paths_learn(struct dump_paths *t, const struct sr_event *ev)
{
	uint64_t dev = 0, ino = 0;
	size_t len;
	const char *p = rec_path(ev, &len);
	uint32_t i;
	char *copy;

	if (!p || !rec_file(ev, &dev, &ino))
		return 0;
	i = sr_map__get(&t->map, dev, ino, 0);
	if (i != UINT32_MAX && strlen(t->v[i]) == len && !memcmp(t->v[i], p, len))
		return 0;
	copy = strndup(p, len);
	if (!copy)
		return -ENOMEM;
	if (i != UINT32_MAX) {
		free(t->v[i]);		/* renamed, or another link of the file */
		t->v[i] = copy;
		return 0;
	}
	if (t->n >= UINT32_MAX - 1 || sr_grow(&t->v, &t->cap, t->n + 1, sizeof(*t->v)) ||
	    sr_map__set(&t->map, dev, ino, 0, (uint32_t)t->n)) {
		free(copy);
		return -ENOMEM;
	}
	t->v[t->n++] = copy;
	return 0;
}

/* Does the file @ev acted on have a path matching @glob? */
static int path_match(const struct dump_paths *t, const struct sr_event *ev, const char *glob)
{
	uint64_t dev = 0, ino = 0;
	size_t len;
	const char *p = rec_path(ev, &len);
	char buf[4096];
	uint32_t i;

	if (p) {
		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, p, len);
		buf[len] = 0;
		return !fnmatch(glob, buf, 0);
	}
	/* a failed open or exec has no path: the name it was given */
	if (ev->type == SR_EV_OPEN || ev->type == SR_EV_EXEC) {
		const struct sr_type *ty = sr_schema_type(ev->type);
		struct sr_str ref;

		if (!ty || ev->size < ty->fixed_size)
			return 0;
		ref = ev->type == SR_EV_OPEN ? ((const struct sr_ev_open *)ev)->name :
					       ((const struct sr_ev_exec *)ev)->filename;
		if (sr_event__str(ev, ref, &p, &len) || !len)
			return 0;
		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, p, len);
		buf[len] = 0;
		return !fnmatch(glob, buf, 0);
	}
	if (!rec_file(ev, &dev, &ino))
		return 0;
	i = sr_map__get(&t->map, dev, ino, 0);
	return i != UINT32_MAX && !fnmatch(glob, t->v[i], 0);
}

static void paths_free(struct dump_paths *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	sr_map__clear(&t->map);
}

/* --- filters --- */

static int match_pid(const struct dump_filter *flt, const struct sr_event *ev)
{
	for (size_t i = 0; i < flt->npids; i++)
		if (ev->pid == flt->pids[i] || ev->tid == flt->pids[i])
			return 1;
	return 0;
}

static int match_comm(const struct dump_filter *flt, const struct sr_event *ev)
{
	size_t n = strnlen((const char *)ev->comm, SR_COMM_LEN);

	for (size_t i = 0; i < flt->ncomms; i++) {
		size_t want = strlen(flt->comms[i]);

		if (!memcmp(flt->comms[i], ev->comm, n < want ? n : want) &&
		    (want == n || (want > n && n >= SR_COMM_LEN - 1)))
			return 1;
	}
	return 0;
}

/* What the files held, for saying why a --pid, --comm or --since matched nothing. */
static void seen_note(struct dump *d, const struct sr_event *ev)
{
	struct dump_seen *w = &d->seen;

	if (ev->pid || ev->tid) {
		if (!w->procs || ev->pid < w->pid_lo)
			w->pid_lo = ev->pid;
		if (!w->procs || ev->pid > w->pid_hi)
			w->pid_hi = ev->pid;
		w->procs = 1;
	}
	if (d->flt.npids && !w->pid_hit)
		w->pid_hit = match_pid(&d->flt, ev);
	if (d->flt.ncomms && !w->comm_hit)
		w->comm_hit = match_comm(&d->flt, ev);
}

/* One line on stderr for a --pid, --comm or --since that matched no record. */
static void seen_say(const struct dump *d)
{
	const struct dump_seen *w = &d->seen;

	if (d->flt.npids && !w->pid_hit) {
		if (w->procs)
			sr_err("dump: no process %" PRIu32 "%s in the trace (pids %" PRIu32 "-%" PRIu32 ")",
			       d->flt.pids[0], d->flt.npids > 1 ? " (nor the other pids of --pid)" : "",
			       w->pid_lo, w->pid_hi);
		else
			sr_err("dump: no process %" PRIu32 " in the trace (it has no processes)",
			       d->flt.pids[0]);
	}
	if (d->flt.ncomms && !w->comm_hit)
		sr_err("dump: no task named '%s'%s in the trace", d->flt.comms[0],
		       d->flt.ncomms > 1 ? " (nor the other names of --comm)" : "");
	if (d->flt.has_since && d->have_base && w->has_end && w->end >= d->base &&
	    d->flt.since > w->end - d->base)
		sr_err("dump: --since %.3f s is past the end of the recording (%.3f s)",
		       (double)d->flt.since / 1e9, (double)(w->end - d->base) / 1e9);
}

static int match(const struct dump *d, const struct sr_event *ev)
{
	const struct dump_filter *flt = &d->flt;
	int nr = sr_event__sys_nr(ev);

	if (flt->npids && !match_pid(flt, ev))
		return 0;
	if (flt->ncomms && !match_comm(flt, ev))
		return 0;
	if (flt->by_type && !bit_test(flt->types, ev->type) &&
	    !(nr >= 0 && bit_test(flt->nrs, nr)))
		return 0;
	if (flt->err || flt->failed || flt->has_min_dur) {
		const struct sr_sys *sy = (const void *)(ev + 1);

		if (nr < 0)
			return 0;	/* not a call */
		if (flt->failed && !(sy->ret < 0 && sy->ret >= -4095))
			return 0;
		if (flt->err && sy->ret != -flt->err)
			return 0;
		if (flt->has_min_dur && sy->dur_ns < flt->min_dur)
			return 0;
	}
	if (flt->path && !path_match(&d->paths, ev, flt->path))
		return 0;
	if (flt->has_since || flt->has_until) {
		int64_t rel = (int64_t)(ev->ts - d->base);

		if (flt->has_since && (rel < 0 || (uint64_t)rel < flt->since))
			return 0;
		if (flt->has_until && rel >= 0 && (uint64_t)rel >= flt->until)
			return 0;
	}
	return 1;
}

/* --- files --- */

/*
 * A --since or --until given as wall-clock time: from the start, by the
 * clock offset of the first file.  0, or -EINVAL (said) when it has none.
 */
static int wall_to_rel(struct dump *d, int have_offset, int64_t off)
{
	struct dump_filter *f = &d->flt;
	int64_t rel;

	if (!f->since_wall && !f->until_wall)
		return 0;
	if (!have_offset) {
		sr_err("dump: --since/--until as a wall-clock time needs the trace's clock offset,"
		       " which it does not have: give a time from its start (1.5, 200ms)");
		return -EINVAL;
	}
	if (f->since_wall) {
		rel = (int64_t)f->since - off - (int64_t)d->base;
		f->since = rel > 0 ? (uint64_t)rel : 0;
	}
	if (f->until_wall) {
		rel = (int64_t)f->until - off - (int64_t)d->base;
		f->until = rel > 0 ? (uint64_t)rel : 0;
	}
	f->since_wall = f->until_wall = 0;
	return 0;
}

/* Everything printed so far, out: before a message on stderr, so the two stay in order. */
static void out_flush(void *arg)
{
	struct dump *d = arg;

	sr_printer__flush(d->p);
}

static int dump_file(struct dump *d, const char *path)
{
	struct sr_damage_log log = { .before = out_flush, .before_arg = d };
	struct sr_reader_stats st;
	const struct sr_event *ev;
	uint64_t printed = 0;
	int64_t v, off = 0;
	int have_offset, rc, status = SR_EXIT_OK;

	if (sr_trace_open(&d->r, path, &log))
		return SR_EXIT_FAIL;
	have_offset = !sr_meta_s64(d->r, "clock_offset_ns", &off);
	sr_printer__set_trace(d->p, d->r, have_offset, off);
	if (!d->have_base && !sr_meta_s64(d->r, "start_ns", &v) && v >= 0) {
		d->base = (uint64_t)v;
		d->have_base = 1;
		sr_printer__set_base(d->p, d->base);
		if (wall_to_rel(d, have_offset, off)) {
			sr_printer__set_trace(d->p, NULL, 0, 0);
			sr_reader__free(d->r);
			d->r = NULL;
			return SR_EXIT_FAIL;
		}
	}
	/*
	 * Chunks wholly before --since are passed over without decompressing
	 * them, but not for --path: the opens there name the files.
	 */
	if (d->flt.has_since && !d->flt.path && d->have_base && d->base + d->flt.since >= d->base) {
		rc = sr_reader__seek(d->r, d->base + d->flt.since);
		if (rc < 0) {
			sr_err("cannot read %s: %s", path, strerror(-rc));
			sr_printer__set_trace(d->p, NULL, 0, 0);
			sr_reader__free(d->r);
			d->r = NULL;
			return SR_EXIT_FAIL;
		}
	}
	while ((rc = sr_reader__next(d->r, &ev)) == 1) {
		if (!d->have_base) {
			d->base = ev->ts;
			d->have_base = 1;
			sr_printer__set_base(d->p, d->base);
			if (wall_to_rel(d, have_offset, off)) {
				status = SR_EXIT_FAIL;
				break;
			}
		}
		if (d->flt.path && paths_learn(&d->paths, ev)) {
			rc = -ENOMEM;
			break;
		}
		seen_note(d, ev);
		if (!match(d, ev)) {
			/* --type rw still needs the syscpu record before each read */
			sr_printer__note(d->p, ev);
			continue;
		}
		sr_printer__event(d->p, ev);
		/* output that cannot be written (a full disk): stop reading */
		if (!(++printed & 4095) && ferror(stdout))
			break;
	}
	if (rc < 0) {
		out_flush(d);
		sr_err("cannot read %s: %s", path, strerror(-rc));
		status = SR_EXIT_FAIL;
	}
	sr_reader__stats(d->r, &st);
	if (!sr_meta_s64(d->r, "stop_ns", &v) && v >= 0) {
		d->seen.end = (uint64_t)v;
		d->seen.has_end = 1;
	} else if (st.ts_last) {
		d->seen.end = st.ts_last;
		d->seen.has_end = 1;
	}
	/* a damaged header or metadata block loses records too: any damage fails */
	if (st.damaged) {
		out_flush(d);
		sr_reader_stats__say_damage(&st, path);
		status = SR_EXIT_FAIL;
	}
	/* the reader normally says so itself; never let a cut go unmentioned */
	if ((st.cut || !st.ended) && !log.count) {
		out_flush(d);
		sr_err("%s: cut short (no end block): printed what was there", path);
	}
	sr_printer__set_trace(d->p, NULL, 0, 0);
	sr_reader__free(d->r);
	d->r = NULL;
	return status;
}

/* --- options --- */

/* --pid: a repeated option adds to the list */
static int add_pids(struct dump_filter *flt, const char *arg)
{
	size_t cap = flt->npids + (strlen(arg) + 1) / 2 + 1, n = flt->npids;
	uint32_t *p = realloc(flt->pids, cap * sizeof(*p));
	struct sr_list_err e;

	if (!p)
		return -ENOMEM;
	flt->pids = p;
	if (sr_parse_pids(arg, 0, UINT32_MAX, p, cap, &n, &e)) {
		if (e.len)
			sr_err("dump: invalid pid '%.*s'. See 'sysrec dump --help'.", (int)e.len, e.item);
		else if (arg[strspn(arg, ",")])
			sr_err("dump: invalid pid list '%s': %s. See 'sysrec dump --help'.", arg, e.why);
		else
			sr_err("dump: --pid needs a pid. See 'sysrec dump --help'.");
		return -EINVAL;
	}
	flt->npids = n;
	return 0;
}

static int add_comm(struct dump_filter *flt, const char *arg)
{
	const char **p = realloc(flt->comms, (flt->ncomms + 1) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	flt->comms = p;
	flt->comms[flt->ncomms++] = arg;
	return 0;
}

static int add_types(struct dump_filter *flt, char *arg)
{
	const struct sr_syscall *sc;
	const struct sr_type *t;
	char *tok, *save = NULL;
	uint64_t v;
	unsigned int i;
	int found;

	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		found = 0;
		for (i = 1; i < SR_EV_TYPE_MAX; i++) {
			t = sr_schema_type(i);
			if (t && t->name && !strcmp(t->name, tok)) {
				bit_set(flt->types, i);
				found = 1;
			}
		}
		if (!found && (sc = sr_syscall_by_name(tok))) {
			bit_set(flt->nrs, sc->nr);
			found = 1;
		}
		if (!found && (!sr_parse_u64(tok, 0, UINT16_MAX, &v) ||
			       (!strncmp(tok, "type", 4) &&
				!sr_parse_u64(tok + 4, 0, UINT16_MAX, &v)))) {
			bit_set(flt->types, (unsigned int)v);
			found = 1;
		}
		if (!found) {
			sr_err("dump: unknown event type or syscall '%s'. See 'sysrec dump --help'.",
			       tok);
			return -EINVAL;
		}
		flt->by_type = 1;
	}
	if (!flt->by_type) {
		sr_err("dump: --type needs a type. See 'sysrec dump --help'.");
		return -EINVAL;
	}
	return 0;
}

/* A duration, or with @wall a wall-clock time as dump prints it (*wall set when it is one). */
static int parse_time(const char *opt, const char *arg, uint64_t *ns, int *wall)
{
	int64_t w;

	if (wall && strchr(arg, ':')) {
		if (!sr_parse_wall(arg, &w) && w >= 0) {
			*ns = (uint64_t)w;
			*wall = 1;
			return 0;
		}
	} else if (!sr_parse_duration(arg, ns)) {
		return 0;
	}
	sr_err("dump: invalid %s '%s': a duration such as 1.5 or 200ms%s. See 'sysrec dump --help'.",
	       opt, arg, wall ? ", or a time as dump prints it (2026-11-26 21:00:15.123456)" : "");
	return -EINVAL;
}


/* --errno: a name (ENOENT) or a number (2) */
static int parse_errno(const char *arg, int *err)
{
	uint64_t v;

	if (!sr_parse_u64(arg, 1, 4095, &v)) {
		*err = (int)v;
		return 0;
	}
	for (int e = 1; e <= 4095; e++) {
		const char *n = sr_errno_name(e);

		if (n && !strcasecmp(n, arg)) {
			*err = e;
			return 0;
		}
	}
	sr_err("dump: unknown errno '%s': a name such as ENOENT or a number. See 'sysrec dump --help'.",
	       arg);
	return -EINVAL;
}

#define DUMP_OPTS	":jp:c:t:s:u:T:P:e:Fm:h"	/* leading ':': a missing value returns ':' */

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "pid", required_argument, NULL, 'p' },
	{ "comm", required_argument, NULL, 'c' },
	{ "type", required_argument, NULL, 't' },
	{ "since", required_argument, NULL, 's' },
	{ "until", required_argument, NULL, 'u' },
	{ "time", required_argument, NULL, 'T' },
	{ "path", required_argument, NULL, 'P' },
	{ "errno", required_argument, NULL, 'e' },
	{ "failed", no_argument, NULL, 'F' },
	{ "min-dur", required_argument, NULL, 'm' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_dump(int argc, char **argv)
{
	struct dump *d;
	int c, i, status = SR_EXIT_OK;

	d = calloc(1, sizeof(*d));
	if (!d) {
		sr_err("dump: %s", strerror(ENOMEM));
		return SR_EXIT_FAIL;
	}
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, DUMP_OPTS, long_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			d->json = 1;
			break;
		case 'p':
			if (add_pids(&d->flt, optarg))
				goto usage;
			break;
		case 'c':
			if (add_comm(&d->flt, optarg))
				goto usage;
			break;
		case 't':
			if (add_types(&d->flt, optarg))
				goto usage;
			break;
		case 's':
			if (parse_time("--since", optarg, &d->flt.since, &d->flt.since_wall))
				goto usage;
			d->flt.has_since = 1;
			break;
		case 'u':
			if (parse_time("--until", optarg, &d->flt.until, &d->flt.until_wall))
				goto usage;
			d->flt.has_until = 1;
			break;
		case 'T':
			if (!strcmp(optarg, "abs")) {
				d->rel = 0;
			} else if (!strcmp(optarg, "rel")) {
				d->rel = 1;
			} else {
				sr_err("dump: --time must be abs or rel, not '%s'. See 'sysrec dump --help'.",
				       optarg);
				goto usage;
			}
			break;
		case 'P':
			d->flt.path = optarg;
			break;
		case 'e':
			if (parse_errno(optarg, &d->flt.err))
				goto usage;
			break;
		case 'F':
			d->flt.failed = 1;
			break;
		case 'm':
			if (parse_time("--min-dur", optarg, &d->flt.min_dur, NULL))
				goto usage;
			d->flt.has_min_dur = 1;
			break;
		case 'h':
			fputs(sr_usage_dump, stdout);
			goto out;
		default:
			sr_opt_err("dump", DUMP_OPTS, argv, c);
			goto usage;
		}
	}
	if (optind >= argc) {
		sr_err("dump: no trace file given. See 'sysrec dump --help'.");
		goto usage;
	}
	d->p = sr_printer__new(stdout, d->json, d->rel, 0, 0);
	if (!d->p) {
		sr_err("dump: %s", strerror(ENOMEM));
		status = SR_EXIT_FAIL;
		goto out;
	}

	for (i = optind; i < argc && !ferror(stdout); i++) {
		if (dump_file(d, argv[i]) != SR_EXIT_OK)
			status = SR_EXIT_FAIL;
	}
	sr_printer__flush(d->p);
	seen_say(d);
	if (fflush(stdout) || ferror(stdout)) {
		sr_err("dump: cannot write the output: %s", strerror(errno ? errno : EIO));
		status = SR_EXIT_FAIL;
	}
	goto out;
usage:
	status = SR_EXIT_USAGE;
out:
	sr_printer__free(d->p);
	free(d->flt.pids);
	free(d->flt.comms);
	paths_free(&d->paths);
	free(d);
	return status;
}
