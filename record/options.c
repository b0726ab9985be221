// SPDX-License-Identifier: GPL-2.0-only
/*
 * options.c - sysrec record's command line: the usage text, the options
 * and their values (-e's classes and syscalls, -p's pids, -c, -A, ...),
 * and the checks of -p and --cgroup against the running system.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "record.h"
#include "sysrec/builtin.h"
#include "sysrec/format.h"
#include "sysrec/util.h"

#define CGROUP2_SUPER_MAGIC	0x63677270

const char sr_usage_record[] =
	"usage: sysrec record [-o FILE] [-f] [-p PID[,PID...]] [-c COMM] [--cgroup PATH]\n"
	"                     [-e CLASSES] [-d SECONDS] [-q] [-A BYTES]\n"
	"                     [--print [--json] [--print-to FILE|FD] [--print-order time|cpu]\n"
	"                      [--print-buffer SIZE]] [--top]\n"
	"                     [--buffer-pages N] [--flush-interval S] [--rotate-size SIZE]\n"
	"                     [--rotate-time SECS] [--keep N] [--level N] [--attach-only]\n"
	"                     [--sched-switches all|none]\n"
	"                     [-v] [-h] [-- COMMAND [ARGS...]]\n"
	"\n"
	"Record process, memory, file, CPU and network activity into a trace file.\n"
	"With a COMMAND, start it, record it and all its descendants, and exit\n"
	"with its status; with -p, record those processes and their descendants;\n"
	"with neither, the whole system.\n"
	"\n"
	"    -o, --output FILE       trace file (default sysrec.trc; with --print or\n"
	"                            --top, none unless -o is given), created 0600\n"
	"    -f, --force             replace FILE if it exists\n"
	"    -p, --pid PID[,PID]     record these processes and their new children\n"
	"    -c, --comm COMM         record only tasks whose comm is COMM\n"
	"        --cgroup PATH       record only this cgroup v2 and its descendants\n"
	"    -e, --events LIST       classes proc,mem,file,cpu,net (default all five) and/or\n"
	"                            syscall names (openat,pwrite64,getpid,...)\n"
	"        --sched-switches W  cpu: all (default) records every context switch\n"
	"                            and wakeup; none keeps only each syscall's split\n"
	"                            and each thread's totals\n"
	"    -d, --duration SECS     stop after SECS (1.5, 500ms, 2m)\n"
	"    -q, --quiet             no status line, no summary\n"
	"        --print             print one line per event (on stdout); without -o,\n"
	"                            print only and write no trace file\n"
	"        --json              --print one JSON object per line (as dump --json)\n"
	"        --print-to FILE|FD  --print into FILE (created 0600) or open descriptor\n"
	"                            FD (a number), leaving stdout to the command\n"
	"        --print-order O     time (default): in one time order, each event\n"
	"                            after the 100 ms reorder window; cpu: each event\n"
	"                            at once, in time order per CPU only\n"
	"        --print-buffer SIZE what --print may queue for a slow output (default\n"
	"                            16M); beyond it events are not printed, and counted\n"
	"        --top               the live view of sysrec top (see 'sysrec help top')\n"
	"    -A, --argv-max BYTES    argv bytes kept per exec (default 4096, max 16384)\n"
	"        --buffer-pages N    perf buffer pages per CPU (default 2048)\n"
	"        --flush-interval S  close a chunk at least this often (default 1s)\n"
	"        --rotate-size SIZE  start a new file at SIZE (e.g. 100M)\n"
	"        --rotate-time SECS  start a new file every SECS\n"
	"        --keep N            with rotation, keep only the newest N files\n"
	"        --level N           zstd level (default: the format's)\n"
	"        --attach-only       attach the hooks but record nothing (benchmarks)\n"
	"    -v, --verbose           libbpf debug output\n"
	"\n"
	"Rotated files are named FILE with .NNNNNN before the extension:\n"
	"run.trc becomes run.000000.trc, run.000001.trc, ...\n";

const char sr_usage_top[] =
	"usage: sysrec top [-o FILE] [-p PID[,PID...]] [-c COMM] [--cgroup PATH]\n"
	"                  [-e CLASSES] [-d SECONDS] [--sched-switches all|none]\n"
	"                  [record's other options] [-- COMMAND [ARGS...]]\n"
	"\n"
	"A full-screen view of what processes do, refreshed every second: per\n"
	"process, syscalls/s, bytes read and written per second, opens/s, errors/s\n"
	"and the share of a CPU it ran (from the cpu class's context switches),\n"
	"with the events lost.  What is watched is chosen as for sysrec record\n"
	"(the whole system, -p, a COMMAND, -c, --cgroup, -e); with -o FILE it is\n"
	"recorded into FILE at the same time.  Needs a terminal.\n"
	"\n"
	"    -o, --output FILE       also record into FILE, as sysrec record -o\n"
	"    -p, --pid PID[,PID]     these processes and their new children\n"
	"    -c, --comm COMM         only tasks whose comm is COMM\n"
	"        --cgroup PATH       only this cgroup v2 and its descendants\n"
	"    -e, --events LIST       classes and syscalls as record's (CPU% needs cpu)\n"
	"    -d, --duration SECS     stop after SECS\n"
	"\n"
	"Keys (shown on the screen): s r w o c e p n sort by syscalls, read, write,\n"
	"opens, CPU, errors, pid, comm; / filters by comm, pid or cgroup (Enter\n"
	"applies, an empty filter clears); q quits (as Ctrl-C, SIGTERM and SIGHUP\n"
	"do), and the terminal is restored.  With a COMMAND, top ends when it does.\n";

static int parse_pids(struct sr_rec_opts *o, const char *arg)
{
	size_t n = (size_t)o->npids;
	int err = sr_parse_pids(arg, 1, INT32_MAX, o->pids, ARRAY_SIZE(o->pids), &n, NULL);

	o->npids = (int)n;
	return err;
}

/* "proc, mem, file, cpu": the classes -e takes, for its error message. */
static void class_list(char *buf, size_t size)
{
	size_t n, len = 0;
	const struct sr_class_name *cn = sr_class_names(&n);

	buf[0] = 0;
	for (size_t i = 0; i < n && len < size; i++)
		if (strcmp(cn[i].name, "all"))
			len += snprintf(buf + len, size - len, "%s%s", len ? ", " : "", cn[i].name);
}

/* Turn -e into a record type per syscall number; classes into words for the metadata. */
static int parse_events(struct sr_rec *r, const char *list)
{
	char *copy = strdup(list), *tok, *save = NULL;
	size_t n, i;
	const struct sr_syscall *all = sr_syscalls(&n);
	int err = 0;

	if (!copy)
		return -ENOMEM;
	r->classes[0] = 0;
	r->class_mask = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint32_t mask = sr_class_by_name(tok);

		r->class_mask |= mask;
		if (mask) {
			for (i = 0; i < n; i++)
				if ((all[i].class & mask) && all[i].nr < SR_NR_MAX)
					r->sys_type[all[i].nr] = all[i].ev_type;
		} else {
			const struct sr_syscall *sc = sr_syscall_by_name(tok);

			if (!sc || sc->nr >= SR_NR_MAX) {
				char names[128];

				class_list(names, sizeof(names));
				sr_err("record: unknown event class or syscall '%s' (classes: %s)", tok, names);
				err = -EINVAL;
				break;
			}
			r->sys_type[sc->nr] = sc->ev_type;
		}
		if (strlen(r->classes) + strlen(tok) + 2 < sizeof(r->classes)) {
			if (r->classes[0])
				strcat(r->classes, ",");
			strcat(r->classes, tok);
		}
	}
	free(copy);
	if (!err && !r->classes[0]) {
		sr_err("record: -e needs at least one class or syscall");
		err = -EINVAL;
	}
	return err;
}

/* "record", or "top" for sysrec top: the command the errors name. */
static const char *cmd_name = "record";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "sysrec: %s: ", cmd_name);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, ". See 'sysrec %s --help'.\n", cmd_name);
	return -EINVAL;
}

enum {
	OPT_PRINT = 256, OPT_CGROUP, OPT_BUFFER_PAGES, OPT_FLUSH, OPT_ROT_SIZE,
	OPT_ROT_TIME, OPT_KEEP, OPT_LEVEL, OPT_ATTACH_ONLY, OPT_SCHED_SWITCHES,
	OPT_JSON, OPT_PRINT_TO, OPT_PRINT_ORDER, OPT_PRINT_BUFFER, OPT_TOP,
};

#define RECORD_OPTS	"+:o:fp:c:e:d:qvA:h"	/* leading ':': a missing value returns ':' */

static const struct option long_opts[] = {
	{ "output",		required_argument, NULL, 'o' },
	{ "force",		no_argument,       NULL, 'f' },
	{ "pid",		required_argument, NULL, 'p' },
	{ "comm",		required_argument, NULL, 'c' },
	{ "events",		required_argument, NULL, 'e' },
	{ "duration",		required_argument, NULL, 'd' },
	{ "quiet",		no_argument,       NULL, 'q' },
	{ "verbose",		no_argument,       NULL, 'v' },
	{ "argv-max",		required_argument, NULL, 'A' },
	{ "help",		no_argument,       NULL, 'h' },
	{ "print",		no_argument,       NULL, OPT_PRINT },
	{ "cgroup",		required_argument, NULL, OPT_CGROUP },
	{ "buffer-pages",	required_argument, NULL, OPT_BUFFER_PAGES },
	{ "flush-interval",	required_argument, NULL, OPT_FLUSH },
	{ "rotate-size",	required_argument, NULL, OPT_ROT_SIZE },
	{ "rotate-time",	required_argument, NULL, OPT_ROT_TIME },
	{ "keep",		required_argument, NULL, OPT_KEEP },
	{ "level",		required_argument, NULL, OPT_LEVEL },
	{ "attach-only",	no_argument,       NULL, OPT_ATTACH_ONLY },
	{ "sched-switches",	required_argument, NULL, OPT_SCHED_SWITCHES },
	{ "json",		no_argument,       NULL, OPT_JSON },
	{ "print-to",		required_argument, NULL, OPT_PRINT_TO },
	{ "print-order",	required_argument, NULL, OPT_PRINT_ORDER },
	{ "print-buffer",	required_argument, NULL, OPT_PRINT_BUFFER },
	{ "top",		no_argument,       NULL, OPT_TOP },
	{ NULL, 0, NULL, 0 },
};

/* Returns 0, 1 for --help, or -EINVAL after printing the one-line error. */
int sr_rec__parse_opts(struct sr_rec *r, int argc, char **argv)
{
	struct sr_rec_opts *o = r->o;
	const char *cmd = cmd_name = o->top ? "top" : "record";
	int c, output_set = 0, print_set = 0;

	o->output = "sysrec.trc";
	o->print_buffer = 16 << 20;
	o->argv_max = SR_ARGV_DEFAULT;
	o->buffer_pages = 2048;
	o->flush_ns = 1000000000ull;
	o->sched_switches = 1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, RECORD_OPTS, long_opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (!*optarg)
				return usage_error("empty output file name%s", "");
			o->output = optarg;
			output_set = 1;
			break;
		case 'f':
			o->force = 1;
			break;
		case 'p': {
			int e = parse_pids(o, optarg);

			if (e == -E2BIG)
				return usage_error("more than 64 pids in -p%s", "");
			if (e)
				return usage_error("bad pid list '%s'", optarg);
			break;
		}
		case 'c':
			if (!*optarg || strlen(optarg) >= SR_COMM_LEN)
				return usage_error("comm '%s' must be 1 to 15 characters", optarg);
			o->comm = optarg;
			break;
		case 'e':
			o->events = optarg;
			break;
		case 'd':
			if (sr_parse_duration(optarg, &o->duration_ns) || !o->duration_ns)
				return usage_error("bad duration '%s'", optarg);
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'v':
			sr_verbose = 1;
			break;
		case 'A':
			if (sr_parse_size(optarg, &o->argv_max) || o->argv_max < 64 ||
			    o->argv_max > SR_ARGV_MAX)
				return usage_error("--argv-max '%s' must be 64 to 16384 bytes", optarg);
			break;
		case 'h':
			return 1;
		case OPT_PRINT:
			o->print = 1;
			break;
		case OPT_CGROUP:
			/* "$(...)" that found nothing: not the whole system */
			if (!*optarg)
				return usage_error("empty cgroup path%s", "");
			o->cgroup = optarg;
			break;
		case OPT_BUFFER_PAGES:
			if (sr_parse_u64(optarg, 1, 1 << 20, &o->buffer_pages) ||
			    (o->buffer_pages & (o->buffer_pages - 1)))
				return usage_error("--buffer-pages '%s' must be a power of two", optarg);
			break;
		case OPT_FLUSH:
			if (sr_parse_duration(optarg, &o->flush_ns) || o->flush_ns < 1000000)
				return usage_error("bad --flush-interval '%s' (at least 1ms)", optarg);
			break;
		case OPT_ROT_SIZE:
			if (sr_parse_size(optarg, &o->rotate_size) || o->rotate_size < 4096)
				return usage_error("bad --rotate-size '%s' (at least 4K)", optarg);
			break;
		case OPT_ROT_TIME:
			if (sr_parse_duration(optarg, &o->rotate_ns) || o->rotate_ns < 1000000)
				return usage_error("bad --rotate-time '%s'", optarg);
			break;
		case OPT_KEEP:
			if (sr_parse_u64(optarg, 1, 1000000, &o->keep))
				return usage_error("bad --keep '%s'", optarg);
			break;
		case OPT_LEVEL:
			if (sr_parse_u64(optarg, 1, 19, &o->level))
				return usage_error("--level '%s' must be 1 to 19", optarg);
			break;
		case OPT_ATTACH_ONLY:
			o->attach_only = 1;
			break;
		case OPT_SCHED_SWITCHES:
			if (strcmp(optarg, "all") && strcmp(optarg, "none"))
				return usage_error("--sched-switches '%s' must be all or none", optarg);
			o->sched_switches = !strcmp(optarg, "all");
			break;
		case OPT_JSON:
			o->json = 1;
			print_set = 1;
			break;
		case OPT_PRINT_TO:
			if (!*optarg)
				return usage_error("empty --print-to%s", "");
			o->print_to = optarg;
			print_set = 1;
			break;
		case OPT_PRINT_ORDER:
			if (strcmp(optarg, "time") && strcmp(optarg, "cpu"))
				return usage_error("--print-order '%s' must be time or cpu", optarg);
			o->print_now = !strcmp(optarg, "cpu");
			print_set = 1;
			break;
		case OPT_PRINT_BUFFER:
			if (sr_parse_size(optarg, &o->print_buffer) || o->print_buffer < (64 << 10) ||
			    o->print_buffer > (1ull << 32))
				return usage_error("--print-buffer '%s' must be 64K to 4G", optarg);
			print_set = 1;
			break;
		case OPT_TOP:
			o->top = 1;
			break;
		default:	/* '?' or ':' */
			sr_opt_err(cmd, RECORD_OPTS, argv, c);
			return -EINVAL;
		}
	}
	if (optind < argc)
		o->cmd = &argv[optind];
	if (print_set && !o->print)
		return usage_error("--json, --print-to, --print-order and --print-buffer go with --print%s", "");
	if (o->top && o->print)
		return usage_error("--print and the live view of top cannot be combined%s", "");
	/* watching live needs no file: one is written only when -o asks for it */
	if ((o->print || o->top) && !output_set) {
		o->output = NULL;
		if (o->rotate_size || o->rotate_ns || o->level || o->force)
			return usage_error("-f, --rotate-size, --rotate-time and --level need a trace "
					   "file (-o FILE)%s", "");
	}
	if (o->keep && !o->rotate_size && !o->rotate_ns)
		return usage_error("--keep needs --rotate-size or --rotate-time%s", "");
	if (o->cmd && o->npids)
		return usage_error("-p and a COMMAND cannot be combined%s", "");
	return parse_events(r, o->events ? o->events : "proc,mem,file,cpu,net") ? -EINVAL : 0;
}

/* --- -p and --cgroup on this system --- */

/* The process (thread group) that thread 'pid' belongs to, or -1. */
static long pid_tgid(uint32_t pid)
{
	char path[64], line[128];
	long tgid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %ld", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}

/* -p names running processes, not threads; said and -ESRCH or -EINVAL if not. */
int sr_rec__check_pids(const struct sr_rec_opts *o)
{
	for (int i = 0; i < o->npids; i++) {
		long tgid = pid_tgid(o->pids[i]);

		if (tgid < 0 && kill(o->pids[i], 0) && errno == ESRCH) {
			sr_err("record: no process with pid %u", o->pids[i]);
			return -ESRCH;
		}
		/* the filter is by process: a thread id would match nothing */
		if (tgid > 0 && tgid != o->pids[i]) {
			sr_err("record: %u is a thread of process %ld: -p takes process ids",
			       o->pids[i], tgid);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * --cgroup: open the group's directory (r->cg_fd, for the BPF filter) and
 * name it below the cgroup2 mount (r->cg_rel, for the snapshot's filter).
 */
int sr_rec__open_cgroup(struct sr_rec *r)
{
	const char *mnt = sr_cgroups__mount(r->cg);
	char path[PATH_MAX], real[PATH_MAX];
	struct statfs sfs;
	size_t mlen;
	int *fd = &r->cg_fd;

	if (!mnt) {
		sr_err("--cgroup: no cgroup2 filesystem is mounted (see /proc/mounts)");
		return -ENOENT;
	}
	mlen = strlen(mnt);
	while (mlen > 1 && mnt[mlen - 1] == '/')
		mlen--;
	/* a path through the mount ("/sys/fs/cgroup/unified/x"), or one below it ("/x") */
	if (r->o->cgroup[0] == '/' && sr_cgroup_under(r->o->cgroup, strlen(r->o->cgroup), mnt, mlen))
		snprintf(path, sizeof(path), "%s", r->o->cgroup);
	else
		snprintf(path, sizeof(path), "%s/%s", mnt, r->o->cgroup + (r->o->cgroup[0] == '/'));
	*fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0) {
		int e = errno;

		sr_err("--cgroup: cannot open %s: %s", path, strerror(e));
		return -e;
	}
	if (fstatfs(*fd, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC) {
		sr_err("--cgroup: %s is not a cgroup v2 directory", path);
		close(*fd);
		*fd = -1;
		return -EINVAL;
	}
	/* as /proc/PID/cgroup names it, for the snapshot's filter */
	if (!realpath(path, real) || !sr_cgroup_under(real, strlen(real), mnt, mlen)) {
		sr_err("--cgroup: %s is not below the cgroup2 mount %s", path, mnt);
		close(*fd);
		*fd = -1;
		return -EINVAL;
	}
	snprintf(r->cg_rel, sizeof(r->cg_rel), "%s", real[mlen] ? real + mlen : "/");
	return 0;
}
