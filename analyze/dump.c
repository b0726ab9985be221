// SPDX-License-Identifier: GPL-2.0-only
/*
 * analyze/dump.c - sysrec dump: a trace event by event, as text or NDJSON.
 *
 * This file holds the options, the filters and the read loop; the lines
 * themselves are printed by present/ (sysrec/print.h), which record --print
 * shares.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/builtin.h"
#include "sysrec/event.h"
#include "sysrec/format.h"
#include "sysrec/print.h"
#include "sysrec/util.h"

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
	"                      recording (seconds, or with ns/us/ms/s/m/h: 1.5, 200ms)\n"
	"  -u, --until TIME    only events before TIME from the start\n"
	"  -T, --time abs|rel  text times as local wall clock (abs, the default) or\n"
	"                      seconds since the start (rel)\n"
	"  -h, --help          show this help\n"
	"\n"
	"Exit status: 0 when every file was read (a cut file included), 1 when a\n"
	"file could not be read or had damaged chunks, 2 for bad usage.\n";

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
};


struct dump {
	struct sr_printer *p;
	struct dump_filter flt;
	int json;
	int rel;			/* --time rel */
	int have_base;
	uint64_t base;			/* start of the recording (monotonic ns) */
	struct sr_reader *r;		/* the file being printed */
};

static inline void bit_set(uint8_t *map, unsigned int i)
{
	map[i >> 3] |= 1u << (i & 7);
}

static inline int bit_test(const uint8_t *map, unsigned int i)
{
	return map[i >> 3] >> (i & 7) & 1;
}

/* --- filters --- */

static int match(const struct dump *d, const struct sr_event *ev)
{
	const struct dump_filter *flt = &d->flt;
	int nr = sr_event__sys_nr(ev);
	size_t i;

	if (flt->npids) {
		for (i = 0; i < flt->npids; i++)
			if (ev->pid == flt->pids[i] || ev->tid == flt->pids[i])
				break;
		if (i == flt->npids)
			return 0;
	}
	if (flt->ncomms) {
		size_t n = strnlen((const char *)ev->comm, SR_COMM_LEN);

		for (i = 0; i < flt->ncomms; i++) {
			size_t want = strlen(flt->comms[i]);

			if (!memcmp(flt->comms[i], ev->comm, n < want ? n : want) &&
			    (want == n || (want > n && n >= SR_COMM_LEN - 1)))
				break;
		}
		if (i == flt->ncomms)
			return 0;
	}
	if (flt->by_type && !bit_test(flt->types, ev->type) &&
	    !(nr >= 0 && bit_test(flt->nrs, nr)))
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
	int64_t v;
	int have_offset, rc, status = SR_EXIT_OK;

	if (sr_trace_open(&d->r, path, &log))
		return SR_EXIT_FAIL;
	have_offset = !sr_meta_s64(d->r, "clock_offset_ns", &v);
	sr_printer__set_trace(d->p, d->r, have_offset, v);
	if (!d->have_base && !sr_meta_s64(d->r, "start_ns", &v) && v >= 0) {
		d->base = (uint64_t)v;
		d->have_base = 1;
		sr_printer__set_base(d->p, d->base);
	}
	/* chunks wholly before --since are passed over without decompressing them */
	if (d->flt.has_since && d->have_base && d->base + d->flt.since >= d->base) {
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
		}
		if (!match(d, ev)) {
			/* an open not shown still names the fd of a read shown */
			sr_printer__track(d->p, ev);
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
	/* a damaged header or metadata block loses records too: any damage fails */
	if (st.damaged) {
		unsigned long long nc = st.bad_chunks, np = st.damaged;

		out_flush(d);
		if (nc && np > nc)
			sr_err("%s: %llu damaged chunk%s skipped, %llu problems in all", path,
			       nc, nc == 1 ? "" : "s", np);
		else if (nc)
			sr_err("%s: %llu damaged chunk%s skipped", path, nc, nc == 1 ? "" : "s");
		else
			sr_err("%s: damaged: %llu problem%s", path, np, np == 1 ? "" : "s");
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

static int parse_time(const char *opt, const char *arg, uint64_t *ns)
{
	if (sr_parse_duration(arg, ns)) {
		sr_err("dump: invalid %s '%s': a duration such as 1.5 or 200ms. See 'sysrec dump --help'.",
		       opt, arg);
		return -EINVAL;
	}
	return 0;
}

#define DUMP_OPTS	":jp:c:t:s:u:T:h"	/* leading ':': a missing value returns ':' */

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "pid", required_argument, NULL, 'p' },
	{ "comm", required_argument, NULL, 'c' },
	{ "type", required_argument, NULL, 't' },
	{ "since", required_argument, NULL, 's' },
	{ "until", required_argument, NULL, 'u' },
	{ "time", required_argument, NULL, 'T' },
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
			if (parse_time("--since", optarg, &d->flt.since))
				goto usage;
			d->flt.has_since = 1;
			break;
		case 'u':
			if (parse_time("--until", optarg, &d->flt.until))
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
	free(d);
	return status;
}
