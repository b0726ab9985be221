// SPDX-License-Identifier: GPL-2.0-only
/*
 * record.c - sysrec record: load the BPF programs, follow the processes asked
 * for, merge the per-CPU streams into time order and hand the records to
 * the trace writer.
 *
 * main flow, as libbpf-tools: parse options, open, set rodata, load,
 * attach, poll loop, one cleanup path.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "record.h"
#include "sysrec.skel.h"
#include "sysrec/builtin.h"
#include "sysrec/format.h"
#include "sysrec/print.h"
#include "sysrec/util.h"

#define CGROUP2_SUPER_MAGIC	0x63677270
#define REORDER_WINDOW_NS	100000000ull	/* see docs/FORMAT.md, "Order" */
#define POLL_MS			100
#define MAX_CPUS		1024

const char sr_usage_record[] =
	"usage: sysrec record [-o FILE] [-p PID[,PID...]] [-c COMM] [-e CLASSES]\n"
	"                     [-d SECONDS] [-f] [-q] [--print] [-- COMMAND [ARGS...]]\n"
	"\n"
	"Record process, memory and file activity into a trace file.\n"
	"With a COMMAND, start it, record it and all its descendants, and exit\n"
	"with its status; with -p, record those processes and their descendants;\n"
	"with neither, the whole system.\n"
	"\n"
	"    -o, --output FILE       trace file (default sysrec.trc), created 0600\n"
	"    -f, --force             replace FILE if it exists\n"
	"    -p, --pid PID[,PID]     record these processes and their new children\n"
	"    -c, --comm COMM         record only tasks whose comm is COMM\n"
	"        --cgroup PATH       record only this cgroup v2 and its descendants\n"
	"    -e, --events LIST       classes proc,mem,file (default all three) and/or\n"
	"                            syscall names (openat,pwrite64,getpid,...)\n"
	"    -d, --duration SECS     stop after SECS (1.5, 500ms, 2m)\n"
	"    -q, --quiet             no status line, no summary\n"
	"        --print             also print one line per event on stdout\n"
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

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

struct opts {
	const char *output;
	int force;
	int quiet;
	int print;
	int attach_only;
	uint32_t pids[64];
	int npids;
	const char *comm;
	const char *cgroup;
	const char *events;
	uint64_t duration_ns;
	uint64_t argv_max;
	uint64_t buffer_pages;
	uint64_t flush_ns;
	uint64_t rotate_size;
	uint64_t rotate_ns;
	uint64_t keep;
	uint64_t level;
	char **cmd;
};

struct rec {
	struct opts *o;
	struct sysrec_bpf *skel;
	struct sr_writer *w;
	struct sr_reorder *ro;
	struct sr_cgroups *cg;
	struct perf_buffer *pb;
	struct bpf_link *switch_link;	/* sched_switch: attached first, detached last */
	struct sr_printer *printer;	/* --print */
	uint8_t *presnap;		/* the first file's snapshot, taken before it is created */
	size_t presnap_len, presnap_cap;
	uint8_t sys_type[SR_NR_MAX];
	char classes[512];
	char filters[512];
	char cg_rel[PATH_MAX];		/* --cgroup below the cgroup2 mount: "/a/b" */
	char cmdline[4096];
	char recording_id[33];
	char host[256];
	int64_t clock_offset;
	uint64_t start_ns;
	uint64_t file_start_ns;
	double ratio;		/* chunk bytes per raw byte of the last file, 0 before one */
	uint64_t file_base_raw;	/* raw bytes of the file's start: header, snapshot */
	uint64_t chunk_first_ts;	/* ts of the oldest record not yet flushed, 0 if none */
	uint64_t window_ns;		/* reorder window */
	int reported;			/* the error at hand was already printed */
	uint64_t rotation;
	char *path;		/* current file */
	char *final_path;	/* -f with a command: path is FILE.new until the exec */
	bool keep_old;		/* the first file is to be written as FILE.new */
	char **kept;		/* rotated files, oldest first */
	size_t nkept;
	uint64_t events;	/* records written, all files */
	uint64_t file_events;
	uint64_t lost_total;
	/* this file's: counted as they are written, so each file's END is its own */
	uint64_t file_lost;
	uint64_t file_lost_cpu[MAX_CPUS];
	uint64_t file_late;	/* written after a newer record */
	uint64_t max_ts;	/* newest record written, all files */
	uint64_t bytes_prev_files;
	uid_t owner_uid;
	gid_t owner_gid;
	pid_t child;
	int err;		/* first runtime error */
};

/* --- options --- */

static int parse_pids(struct opts *o, const char *arg)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	int err = 0, n = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint64_t v;

		if (sr_parse_u64(tok, 1, INT32_MAX, &v)) {
			err = -EINVAL;
			break;
		}
		if (o->npids == (int)ARRAY_SIZE(o->pids)) {
			err = -E2BIG;
			continue;	/* a bad pid further on is named first */
		}
		o->pids[o->npids++] = (uint32_t)v;
		n++;
	}
	free(copy);
	/* "-p $(pgrep x)" with no x must not become the whole system */
	return err ?: n ? 0 : -EINVAL;
}

/* Turn -e into a record type per syscall number; classes into words for the metadata. */
static int parse_events(struct rec *r, const char *list)
{
	char *copy = strdup(list), *tok, *save = NULL;
	size_t n, i;
	const struct sr_syscall *all = sr_syscalls(&n);
	int err = 0;

	if (!copy)
		return -ENOMEM;
	r->classes[0] = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint32_t mask = 0;

		if (!strcmp(tok, "proc"))
			mask = SR_CLASS_PROC;
		else if (!strcmp(tok, "mem"))
			mask = SR_CLASS_MEM;
		else if (!strcmp(tok, "file"))
			mask = SR_CLASS_FILE;
		else if (!strcmp(tok, "all"))
			mask = SR_CLASS_PROC | SR_CLASS_MEM | SR_CLASS_FILE;
		if (mask) {
			for (i = 0; i < n; i++)
				if ((all[i].class & mask) && all[i].nr < SR_NR_MAX)
					r->sys_type[all[i].nr] = all[i].ev_type;
		} else {
			const struct sr_syscall *sc = sr_syscall_by_name(tok);

			if (!sc || sc->nr >= SR_NR_MAX) {
				sr_err("record: unknown event class or syscall '%s' (classes: proc, mem, file)", tok);
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

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "sysrec: record: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, ". See 'sysrec record --help'.\n");
	return -EINVAL;
}

enum {
	OPT_PRINT = 256, OPT_CGROUP, OPT_BUFFER_PAGES, OPT_FLUSH, OPT_ROT_SIZE,
	OPT_ROT_TIME, OPT_KEEP, OPT_LEVEL, OPT_ATTACH_ONLY,
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
	{ NULL, 0, NULL, 0 },
};

/* Returns 0, 1 for --help, or -EINVAL after printing the one-line error. */
static int parse_opts(struct rec *r, int argc, char **argv)
{
	struct opts *o = r->o;
	int c;

	o->output = "sysrec.trc";
	o->argv_max = SR_ARGV_DEFAULT;
	o->buffer_pages = 2048;
	o->flush_ns = 1000000000ull;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, RECORD_OPTS, long_opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (!*optarg)
				return usage_error("empty output file name%s", "");
			o->output = optarg;
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
		default:	/* '?' or ':' */
			sr_opt_err("record", RECORD_OPTS, argv, c);
			return -EINVAL;
		}
	}
	if (optind < argc)
		o->cmd = &argv[optind];
	if (o->keep && !o->rotate_size && !o->rotate_ns)
		return usage_error("--keep needs --rotate-size or --rotate-time%s", "");
	if (o->cmd && o->npids)
		return usage_error("-p and a COMMAND cannot be combined%s", "");
	return parse_events(r, o->events ? o->events : "proc,mem,file") ? -EINVAL : 0;
}

/* --- privileges and kernel --- */

static int check_privileges(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = {};
	static const struct { int cap; const char *name; } need[] = {
		{ CAP_BPF, "CAP_BPF" }, { CAP_PERFMON, "CAP_PERFMON" },
	};

	if (syscall(SYS_capget, &hdr, data))
		return 0;	/* cannot tell: let the load fail with its own error */
	for (size_t i = 0; i < ARRAY_SIZE(need); i++) {
		int c = need[i].cap;

		if (!(data[c / 32].effective & (1u << (c % 32))) &&
		    !(data[CAP_SYS_ADMIN / 32].effective & (1u << (CAP_SYS_ADMIN % 32)))) {
			sr_err("record needs root, or CAP_BPF and CAP_PERFMON: %s is missing", need[i].name);
			return -EPERM;
		}
	}
	return 0;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && !sr_verbose)
		return 0;
	if (!sr_verbose)
		return 0;	/* libbpf's own words go to -v; we print one line on failure */
	return vfprintf(stderr, fmt, args);
}

/* --- files: naming, rotation, metadata --- */

static char *rotated_name(const char *out, uint64_t idx)
{
	const char *slash = strrchr(out, '/');
	const char *dot = strrchr(out, '.');
	char *name;

	if (!dot || (slash && dot < slash) || dot == (slash ? slash + 1 : out))
		dot = out + strlen(out);
	if (asprintf(&name, "%.*s.%06llu%s", (int)(dot - out), out,
		     (unsigned long long)idx, dot) < 0)
		return NULL;
	return name;
}

/* The name of file number @idx of the recording: rotated, or -o as given. */
static char *file_name(const struct opts *o, uint64_t idx)
{
	return o->rotate_size || o->rotate_ns ? rotated_name(o->output, idx) : strdup(o->output);
}

static int64_t clock_offset(void)
{
	struct timespec m1, rt, m2;
	int64_t best = 0, best_gap = INT64_MAX;

	/* the tightest of a few samples */
	for (int i = 0; i < 5; i++) {
		clock_gettime(CLOCK_MONOTONIC, &m1);
		clock_gettime(CLOCK_REALTIME, &rt);
		clock_gettime(CLOCK_MONOTONIC, &m2);
		int64_t a = m1.tv_sec * 1000000000ll + m1.tv_nsec;
		int64_t b = m2.tv_sec * 1000000000ll + m2.tv_nsec;
		int64_t w = rt.tv_sec * 1000000000ll + rt.tv_nsec;

		if (b - a < best_gap) {
			best_gap = b - a;
			best = w - (a + (b - a) / 2);
		}
	}
	return best;
}

static int meta_u64(struct sr_writer *w, const char *key, uint64_t v, int end)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return end ? sr_writer__end_meta(w, key, buf) : sr_writer__meta(w, key, buf);
}

static int write_start_meta(struct rec *r, uint64_t start_ns)
{
	struct utsname u;
	char buf[64];
	int err = 0;

	uname(&u);
	snprintf(buf, sizeof(buf), "%lld", (long long)r->clock_offset);
	err = err ?: sr_writer__meta(r->w, "recording_id", r->recording_id);
	err = err ?: meta_u64(r->w, "rotation_index", r->rotation, 0);
	err = err ?: sr_writer__meta(r->w, "host", r->host);
	err = err ?: sr_writer__meta(r->w, "kernel", u.release);
	err = err ?: sr_writer__meta(r->w, "machine", u.machine);
	err = err ?: meta_u64(r->w, "ncpus", libbpf_num_possible_cpus(), 0);
	err = err ?: meta_u64(r->w, "page_size", sysconf(_SC_PAGESIZE), 0);
	err = err ?: sr_writer__meta(r->w, "clock", "CLOCK_MONOTONIC");
	err = err ?: sr_writer__meta(r->w, "clock_offset_ns", buf);
	err = err ?: meta_u64(r->w, "start_ns", start_ns, 0);
	err = err ?: meta_u64(r->w, "recording_start_ns", r->start_ns, 0);
	err = err ?: sr_writer__meta(r->w, "sysrec_version", SYSREC_VERSION);
	err = err ?: sr_writer__meta(r->w, "cmdline", r->cmdline);
	err = err ?: sr_writer__meta(r->w, "filters", r->filters);
	err = err ?: sr_writer__meta(r->w, "classes", r->classes);
	err = err ?: meta_u64(r->w, "reorder_window_ns", r->window_ns, 0);
	if (sr_cgroups__mount(r->cg))
		err = err ?: sr_writer__meta(r->w, "cgroup2_mount", sr_cgroups__mount(r->cg));
	return err;
}

static int want_tracked(void *ctx, uint32_t pid)
{
	struct rec *r = ctx;
	__u8 v;

	return !bpf_map__lookup_elem(r->skel->maps.tracked, &pid, sizeof(pid), &v, sizeof(v), 0);
}

static int append_rec(void *ctx, const struct sr_event *ev);
static int write_rec(struct rec *r, const struct sr_event *ev);

static int collect_rec(void *ctx, const struct sr_event *ev)
{
	struct rec *r = ctx;

	if (r->presnap_len + ev->size > r->presnap_cap) {
		size_t cap = r->presnap_cap ? r->presnap_cap * 2 : 1 << 16;
		uint8_t *p;

		while (cap < r->presnap_len + ev->size)
			cap *= 2;
		p = realloc(r->presnap, cap);
		if (!p)
			return -ENOMEM;
		r->presnap = p;
		r->presnap_cap = cap;
	}
	memcpy(r->presnap + r->presnap_len, ev, ev->size);
	r->presnap_len += ev->size;
	return 0;
}

/* What the snapshot keeps: the processes the BPF filters would record. */
static struct sr_snap_filter snap_filter(struct rec *r)
{
	return (struct sr_snap_filter){
		.want_pid = r->skel->rodata->filter_pids ? want_tracked : NULL,
		.ctx = r,
		.comm = r->o->comm,
		.cgroup = r->o->cgroup ? r->cg_rel : NULL,
		.self = getpid(),
		.argv_max = (uint32_t)r->o->argv_max,
	};
}

/*
 * Snapshot /proc before the output file exists, so that the file's
 * appearance means everything is in place: a descriptor closed right after
 * the file shows up was still seen (tests and scripts wait for the file).
 */
static int take_first_snapshot(struct rec *r, uint64_t ts)
{
	struct sr_snap_filter flt = snap_filter(r);
	int err;

	sr_cgroups__reset_seen(r->cg);
	err = sr_snapshot(&flt, r->cg, ts, collect_rec, r);
	if (!err && !r->presnap)
		r->presnap = malloc(8);	/* an empty snapshot is still "taken" */
	if (err)
		sr_err("cannot take the snapshot of /proc: %s", strerror(-err));
	return err ?: (r->presnap ? 0 : -ENOMEM);
}

/* Whether rename() over @path would fail for its attributes (chattr +i, +a). */
static bool cannot_replace(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), flags = 0;
	bool no = false;

	if (fd < 0)
		return false;
	if (!ioctl(fd, FS_IOC_GETFLAGS, &flags))
		no = flags & (FS_IMMUTABLE_FL | FS_APPEND_FL);
	close(fd);
	return no;
}

/*
 * With -f and a command, an existing trace is replaced only once the
 * command has started: a command that cannot run leaves it as it was.
 * The new trace is written as FILE.new (open_file()) and renamed over FILE
 * after the exec, so that everything else that can go wrong with it still
 * goes wrong before the command runs.  What -f never replaces is refused
 * here.  r->keep_old is set when there is a file to keep.
 */
static int keep_until_exec(struct rec *r)
{
	const struct opts *o = r->o;
	char *path;
	struct stat st;
	int err = 0;

	if (!o->cmd || !o->force)
		return 0;
	path = file_name(o, 0);
	if (!path)
		return -ENOMEM;
	if (lstat(path, &st)) {
		free(path);
		return 0;		/* nothing to keep: created at once */
	}
	if (S_ISLNK(st.st_mode))
		sr_err("%s is a symbolic link: refusing to write through it", path);
	else if (S_ISDIR(st.st_mode))
		sr_err("cannot create %s: %s", path, strerror(EISDIR));
	else if (!S_ISREG(st.st_mode))
		sr_err("%s is not a regular file: -f replaces only regular files", path);
	else if (cannot_replace(path))
		sr_err("cannot replace %s: it is immutable or append-only", path);
	else
		r->keep_old = true;
	if (!r->keep_old) {
		err = -EEXIST;
		r->reported = 1;
	}
	free(path);
	return err;
}

/*
 * The command never ran: nothing was recorded, so no half-written file is
 * left behind (FILE, or FILE.new with FILE kept as it was).
 */
static void discard_file(struct rec *r)
{
	if (!r->w)
		return;
	sr_writer__free(r->w);
	r->w = NULL;
	unlink(r->path);
}

/* The command runs: the trace written as FILE.new takes FILE's place. */
static int replace_kept(struct rec *r)
{
	if (!r->final_path)
		return 0;
	if (rename(r->path, r->final_path)) {
		int e = errno;

		sr_err("cannot replace %s: %s", r->final_path, strerror(e));
		r->reported = 1;
		return -e;
	}
	free(r->path);
	r->path = r->final_path;
	r->final_path = NULL;
	return 0;
}

/* Open the next file, write its metadata and snapshot (stamped ts). */
static int open_file(struct rec *r, uint64_t ts)
{
	struct sr_writer_opts wo = {
		.level = (int)r->o->level,
		.force = r->o->force,
		.threaded = 1,
		.owner_uid = r->owner_uid,
		.owner_gid = r->owner_gid,
	};
	struct sr_snap_filter flt = snap_filter(r);
	int err;

	free(r->path);
	r->path = file_name(r->o, r->rotation);
	if (!r->path)
		return -ENOMEM;
	if (r->keep_old) {	/* see keep_until_exec() */
		r->keep_old = 0;
		r->final_path = r->path;
		if (asprintf(&r->path, "%s.new", r->final_path) < 0) {
			r->path = NULL;
			return -ENOMEM;
		}
		wo.force = 0;	/* -f is for FILE: whatever is at FILE.new stays */
	}
	err = sr_writer__new(&r->w, r->path, &wo);
	if (err) {
		if (err == -EEXIST && r->final_path)
			sr_err("%s exists: sysrec writes the new trace there until the command "
			       "runs; remove it", r->path);
		else if (err == -EEXIST && r->o->force)
			sr_err("%s is not a regular file: -f replaces only regular files", r->path);
		else if (err == -EEXIST)
			sr_err("%s exists: use -f to replace it", r->path);
		else if (err == -ELOOP)
			sr_err("%s is a symbolic link: refusing to write through it", r->path);
		else
			sr_err("cannot create %s: %s", r->path, strerror(-err));
		r->reported = 1;
		return err;
	}
	err = write_start_meta(r, ts);
	err = err ?: sr_writer__begin(r->w);
	if (err) {
		sr_err("cannot write %s: %s", r->path, strerror(-err));
		r->reported = 1;
		return err;
	}
	r->file_start_ns = ts;
	r->chunk_first_ts = 0;
	r->file_events = 0;
	r->file_lost = 0;
	memset(r->file_lost_cpu, 0, sizeof(r->file_lost_cpu));
	r->file_late = 0;
	if (r->presnap) {
		/* the first file: its snapshot was taken before the file appeared */
		for (size_t off = 0; !err && off < r->presnap_len;) {
			const struct sr_event *ev = (const void *)(r->presnap + off);

			err = write_rec(r, ev);
			off += ev->size;
		}
		free(r->presnap);
		r->presnap = NULL;
	} else {
		sr_cgroups__reset_seen(r->cg);
		err = sr_snapshot(&flt, r->cg, ts, append_rec, r);
	}
	if (err && !r->reported) {
		sr_err("cannot write the snapshot to %s: %s", r->path, strerror(-err));
		r->reported = 1;
	}
	if (!err) {
		struct sr_writer_stats st;

		sr_writer__stats(r->w, &st);
		r->file_base_raw = st.raw_bytes;
	}
	return err;
}

static int close_file(struct rec *r, uint64_t stop_ns)
{
	struct sr_writer_stats st;
	char lpc[16 * 64] = "";
	int err = 0, ncpu = libbpf_num_possible_cpus();

	if (!r->w)
		return 0;
	for (int i = 0; i < ncpu && i < MAX_CPUS; i++) {
		size_t len = strlen(lpc);

		snprintf(lpc + len, sizeof(lpc) - len, "%s%d:%llu", i ? " " : "", i,
			 (unsigned long long)r->file_lost_cpu[i]);
	}
	err = err ?: meta_u64(r->w, "stop_ns", stop_ns, 1);
	err = err ?: meta_u64(r->w, "events", r->file_events, 1);
	err = err ?: meta_u64(r->w, "lost", r->file_lost, 1);
	err = err ?: sr_writer__end_meta(r->w, "lost_per_cpu", lpc);
	err = err ?: meta_u64(r->w, "late", r->file_late, 1);
	if (!err)
		err = sr_writer__finish(r->w);
	sr_writer__stats(r->w, &st);
	r->bytes_prev_files += st.file_bytes;
	if (st.raw_written)
		r->ratio = (double)st.chunk_bytes / st.raw_written;
	if (err && !r->reported) {
		sr_err("cannot finish %s: %s", r->path, strerror(-err));
		r->reported = 1;
	}
	sr_writer__free(r->w);
	r->w = NULL;
	return err;
}

/* --keep: remember the file just closed and drop the oldest beyond N. */
static void keep_files(struct rec *r)
{
	char **k;

	if (!r->o->keep)
		return;
	k = realloc(r->kept, (r->nkept + 1) * sizeof(*k));
	if (!k)
		return;
	r->kept = k;
	r->kept[r->nkept++] = strdup(r->path);
	/* the file being written counts as one of the N */
	while (r->nkept + 1 > r->o->keep) {
		if (r->kept[0] && unlink(r->kept[0]) && errno != ENOENT)
			sr_err("cannot remove %s: %s", r->kept[0], strerror(errno));
		free(r->kept[0]);
		memmove(r->kept, r->kept + 1, (r->nkept - 1) * sizeof(*k));
		r->nkept--;
	}
}

static int rotate(struct rec *r, uint64_t ts)
{
	int err = close_file(r, ts);

	if (err)
		return err;
	keep_files(r);
	r->rotation++;
	return open_file(r, ts);
}

/*
 * What 'raw' bytes of records will take in the file, compressed: at the
 * compression of this file's chunks written so far, else of the last
 * file's, else uncompressed (the first file may then end short of
 * --rotate-size, never far past it).
 */
static uint64_t compressed(const struct rec *r, const struct sr_writer_stats *st, uint64_t raw)
{
	if (st->raw_written)
		return (uint64_t)((double)raw * st->chunk_bytes / st->raw_written);
	if (r->ratio > 0)
		return (uint64_t)((double)raw * r->ratio);
	return raw;
}

/* Whether --rotate-time ends the file by ts; a time before its start never does. */
static int rotation_time(const struct rec *r, uint64_t ts)
{
	return r->o->rotate_ns && ts > r->file_start_ns && ts - r->file_start_ns >= r->o->rotate_ns;
}

static int need_rotation(struct rec *r, uint64_t ts)
{
	struct sr_writer_stats st;
	uint64_t size = r->o->rotate_size;

	/* a late record (before the file's start) stays in this file */
	if (rotation_time(r, ts))
		return 1;
	if (size) {
		sr_writer__stats(r->w, &st);
		/*
		 * What is written, and what is appended but not yet written
		 * (the open chunk, those queued for compression).  A file
		 * takes at least SIZE/2 of records after its snapshot, so that
		 * a SIZE below the snapshot's own does not make a file per
		 * record.
		 */
		if (st.file_bytes + compressed(r, &st, st.raw_bytes - st.raw_written) >= size &&
		    compressed(r, &st, st.raw_bytes - r->file_base_raw) >= size / 2)
			return 1;
	}
	return 0;
}

/* --- the record path --- */

/* Every record written goes through here, so the end metadata counts them all. */
static int write_rec(struct rec *r, const struct sr_event *ev)
{
	int err = sr_writer__append(r->w, ev);

	if (err)
		return err;
	if (!r->chunk_first_ts)
		r->chunk_first_ts = ev->ts ? ev->ts : 1;
	r->events++;
	r->file_events++;
	if (ev->type == SR_EV_LOST) {
		const struct sr_ev_lost *l = (const void *)ev;

		r->file_lost += l->count;
		if (ev->cpu < MAX_CPUS)
			r->file_lost_cpu[ev->cpu] += l->count;
	}
	/* a cgroup's name goes with the record that made it: late with it */
	if (ev->ts < r->max_ts && ev->type != SR_EV_CGROUP)
		r->file_late++;
	else if (ev->ts > r->max_ts)
		r->max_ts = ev->ts;
	return 0;
}

static int append_rec(void *ctx, const struct sr_event *ev)
{
	struct rec *r = ctx;
	int err;

	if (r->w && sr_type_from_kernel(ev->type) && need_rotation(r, ev->ts)) {
		err = rotate(r, ev->ts);
		if (err)
			return err;
	}
	/* Name each cgroup the first time a file sees it. */
	if (ev->cgroup_id && ev->type != SR_EV_CGROUP && sr_cgroups__first_seen(r->cg, ev->cgroup_id)) {
		const char *path = sr_cgroups__path(r->cg, ev->cgroup_id);
		uint8_t buf[sizeof(struct sr_ev_cgroup) + SR_PATH_MAX + 8] = {};
		struct sr_ev_cgroup *c = (void *)buf;
		size_t len = path ? strlen(path) : 0;

		if (len >= SR_PATH_MAX)
			len = SR_PATH_MAX - 1;
		c->h.type = SR_EV_CGROUP;
		c->h.ts = ev->ts;
		c->h.cpu = ev->cpu;
		c->h.cgroup_id = ev->cgroup_id;
		c->id = ev->cgroup_id;
		c->path.off = sizeof(*c);
		c->path.len = len;
		if (len)
			memcpy(buf + sizeof(*c), path, len);
		c->h.size = (sizeof(*c) + len + 1 + 7) & ~7;
		err = write_rec(r, &c->h);
		if (err)
			return err;
	}
	err = write_rec(r, ev);
	if (err)
		return err;
	if (r->printer)
		sr_printer__event(r->printer, ev);
	return 0;
}

/*
 * bpf/sysrec.bpf.c writes a path leaf first, each name after a NUL, which
 * no name holds ("\0f\0dir\0home"): put the names back in root-first
 * order, each after a '/' ("/home/dir/f"), in place.  The root itself is
 * written as "/".
 */
/*
 * A file no mount reaches comes as "FSTYPE:NAME" or "FSTYPE:[INO]" (see
 * put_pseudo_name() in bpf/sysrec.bpf.c); these are named as /proc names
 * them.  None is longer than its filesystem's name, so it is done in place.
 */
static const struct {
	const char *fs, *as;
} pseudo_alias[] = {
	{ "pipefs:", "pipe:" },
	{ "sockfs:", "socket:" },
	{ "anon_inodefs:", "anon_inode:" },
};

static void name_pseudo(char *s, size_t n, struct sr_str *ref)
{
	for (size_t i = 0; i < ARRAY_SIZE(pseudo_alias); i++) {
		size_t fl = strlen(pseudo_alias[i].fs), al = strlen(pseudo_alias[i].as);

		if (n < fl || memcmp(s, pseudo_alias[i].fs, fl))
			continue;
		memcpy(s, pseudo_alias[i].as, al);
		memmove(s + al, s + fl, n - fl);
		memset(s + n - (fl - al), 0, fl - al);
		ref->len = n - (fl - al);
		return;
	}
}

static void unreverse_path(struct sr_event *e, struct sr_str *ref)
{
	char buf[SR_PATH_MAX];
	const char *s, *z;
	size_t n, end, out = 0;

	if (sr_event__str(e, *ref, &s, &n) || n == 0 || n > sizeof(buf))
		return;
	if (s[0] != 0) {
		if (s[0] != '/')
			name_pseudo((char *)s, n, ref);
		return;
	}
	for (end = n; end > 0; end = z - s) {
		z = memrchr(s, 0, end);		/* s[0] is one */
		buf[out++] = '/';
		memcpy(buf + out, z + 1, end - (z + 1 - s));
		out += end - (z + 1 - s);
	}
	memcpy((char *)s, buf, n);
}

/*
 * A cgroup made during the recording (bpf/sysrec.bpf.c's cgroup_mkdir: its
 * id, its name in 'path', its parent's id in the header's cgroup_id): its
 * path is learnt now, while the group may still be short of its first
 * record, and written when a record first names its id (append_rec()).
 */
static void learn_cgroup(struct rec *r, const struct sr_ev_cgroup *c)
{
	const char *name;
	size_t len;

	if (c->h.size < sizeof(*c) || c->path.off < sizeof(*c) ||
	    sr_event__str(&c->h, c->path, &name, &len))
		return;
	sr_cgroups__learn(r->cg, c->id, c->h.cgroup_id, name, len);
}

/*
 * Hand the records of a batch (8-aligned, back to back, as bpf/sysrec.bpf.c
 * gathers them) to the reorder buffer, their paths in order.  A tail
 * shorter than a record is padding.
 */
static void push_batch(struct rec *r, uint8_t *p, size_t left)
{
	while (left >= sizeof(struct sr_event)) {
		struct sr_event *e = (void *)p;

		if (e->size < sizeof(struct sr_event) || e->size > left || e->size % 8)
			break;
		if (e->type == SR_EV_CGROUP) {
			learn_cgroup(r, (struct sr_ev_cgroup *)e);
			p += e->size;
			left -= e->size;
			continue;
		}
		if (e->type == SR_EV_OPEN && e->size >= sizeof(struct sr_ev_open))
			unreverse_path(e, &((struct sr_ev_open *)e)->path);
		else if (e->type == SR_EV_EXEC && e->size >= sizeof(struct sr_ev_exec))
			unreverse_path(e, &((struct sr_ev_exec *)e)->path);
		if (sr_reorder__push(r->ro, e) && !r->err)
			r->err = -ENOMEM;
		p += e->size;
		left -= e->size;
	}
}

/* A perf sample holds one record or a batch of them. */
static enum bpf_perf_event_ret on_sample(void *ctx, int cpu, struct perf_event_header *hdr)
{
	struct rec *r = ctx;

	(void)cpu;	/* every record names its CPU itself */
	if (hdr->type == PERF_RECORD_SAMPLE) {
		const struct { struct perf_event_header h; __u32 size; __u8 data[]; } *s = (void *)hdr;
		/* the raw data sits 4 bytes into an 8-aligned record: realign it */
		static uint64_t copy[65536 / 8];
		size_t len = s->size < sizeof(copy) ? s->size : sizeof(copy);

		memcpy(copy, s->data, len);
		push_batch(r, (uint8_t *)copy, len);
	}
	/*
	 * PERF_RECORD_LOST is ignored: the kernel writes it only once a later
	 * record fits, and the BPF side counts every drop itself (see
	 * collect_drops()).
	 */
	return LIBBPF_PERF_EVENT_CONT;
}

/*
 * Have every CPU send the records waiting in its BPF batch.  Run before the
 * buffers are read, so that a record waits at most one poll in a batch.
 * Returns the number of online CPUs whose batch was busy (left for the next
 * call); offline[cpu] tells which CPUs could not run the flush at all.
 */
static int flush_batches(struct rec *r, bool *offline)
{
	int fd = bpf_program__fd(r->skel->progs.flush);
	int ncpu = libbpf_num_possible_cpus(), busy = 0;

	for (int cpu = 0; cpu < ncpu && cpu < MAX_CPUS; cpu++) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = cpu);
		int e = bpf_prog_test_run_opts(fd, &opts);

		if (offline)
			offline[cpu] = e == -ENXIO;
		if (!e && opts.retval)
			busy++;
	}
	return busy;
}

/*
 * After detach: a CPU taken offline during the recording cannot run the
 * flush, so the records left in its batch are read from the map itself
 * (nothing can touch them any more).  Online CPUs' batches are empty.
 */
static void drain_offline_batches(struct rec *r, const bool *offline)
{
	const struct bpf_map *map = r->skel->maps.batches;
	size_t vsize = bpf_map__value_size(map);
	int ncpu = libbpf_num_possible_cpus();
	__u32 zero = 0;
	uint8_t *vals;

	if (ncpu <= 0)
		return;
	vals = calloc(ncpu, vsize);
	if (!vals) {
		r->err = r->err ?: -ENOMEM;
		return;
	}
	if (!bpf_map__lookup_elem(map, &zero, sizeof(zero), vals, ncpu * vsize, 0)) {
		for (int cpu = 0; cpu < ncpu && cpu < MAX_CPUS; cpu++) {
			/* struct batch of bpf/sysrec.bpf.c */
			struct { __u32 len, nrec, busy, pad; } *b = (void *)(vals + cpu * vsize);

			if (offline[cpu] && b->len <= vsize - sizeof(*b)) {
				sr_dbg("CPU %d went offline: %u records read from its batch",
				       cpu, b->nrec);
				push_batch(r, (uint8_t *)(b + 1), b->len);
			}
		}
	}
	free(vals);
}

/* Turn new drops counted in BPF into lost records, one per CPU that lost. */
static void collect_drops(struct rec *r)
{
	static __u64 seen[MAX_CPUS];
	int ncpu = libbpf_num_possible_cpus();
	__u64 *vals;
	__u32 zero = 0;

	if (ncpu <= 0 || ncpu > MAX_CPUS)
		return;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return;
	if (!bpf_map__lookup_elem(r->skel->maps.drops, &zero, sizeof(zero), vals,
				  ncpu * sizeof(*vals), 0)) {
		for (int cpu = 0; cpu < ncpu; cpu++) {
			struct sr_ev_lost e = {};
			__u64 n = vals[cpu] - seen[cpu];

			if (!n)
				continue;
			seen[cpu] = vals[cpu];
			e.h.type = SR_EV_LOST;
			e.h.size = sizeof(e);
			e.h.cpu = cpu;
			e.h.ts = sr_mono_ns();
			e.count = n;
			r->lost_total += n;
			if (sr_reorder__push(r->ro, &e.h) && !r->err)
				r->err = -ENOMEM;
		}
	}
	free(vals);
}

static void status_line(struct rec *r, uint64_t now, uint64_t *last_ns, uint64_t *last_events)
{
	struct sr_writer_stats st;
	char b[32];
	double secs = (now - *last_ns) / 1e9;

	sr_writer__stats(r->w, &st);
	fprintf(stderr, "\r\033[Ksysrec: %llu events (%.0f/s), %s written, ratio %.1fx, lost %llu",
		(unsigned long long)r->events, (r->events - *last_events) / (secs > 0 ? secs : 1),
		sr_human_bytes(r->bytes_prev_files + st.file_bytes, b, sizeof(b)),
		st.file_bytes ? (double)st.raw_bytes / st.file_bytes : 0.0,
		(unsigned long long)r->lost_total);
	*last_ns = now;
	*last_events = r->events;
}

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

/* Whether the task whose stat file is 'path' runs: not gone, not a zombie. */
static int task_runs(const char *path)
{
	char buf[256], *p;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	p = p ? strrchr(buf, ')') : NULL;
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/*
 * -p: like perf, stop once every process asked for has exited (zombies
 * too).  A process lives while any of its threads does: a main thread
 * that called pthread_exit() stays a zombie while the others run.
 */
static int pids_alive(const struct opts *o)
{
	for (int i = 0; i < o->npids; i++) {
		char path[96];
		struct dirent *de;
		DIR *d;
		int alive = 0;

		snprintf(path, sizeof(path), "/proc/%u/stat", o->pids[i]);
		if (task_runs(path))
			return 1;
		snprintf(path, sizeof(path), "/proc/%u/task", o->pids[i]);
		d = opendir(path);
		if (!d)
			continue;
		while (!alive && (de = readdir(d))) {
			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%u/task/%.16s/stat", o->pids[i], de->d_name);
			alive = task_runs(path);
		}
		closedir(d);
		if (alive)
			return 1;
	}
	return 0;
}

/* --- the command to record --- */

/*
 * Wait for the command once recording is over, and take its status.  It is
 * sent SIGTERM when recording failed ('term') or a stop signal came, before
 * or during the wait; a signal is never taken for the command's end.
 */
static void wait_command(pid_t child, int *status, bool term)
{
	bool sent = false;

	for (;;) {
		struct timespec nap = { 0, 20 * 1000000 };
		pid_t p;

		if ((term || stop_signal) && !sent) {
			kill(child, SIGTERM);
			kill(child, SIGCONT);	/* a stopped command takes it only once running */
			sent = true;
		}
		/*
		 * Polled: a signal that came between the test above and a
		 * blocking waitpid() would not interrupt it.
		 */
		p = waitpid(child, status, WNOHANG);
		if (p == child || (p < 0 && errno != EINTR))
			return;
		nanosleep(&nap, NULL);
	}
}

/*
 * Fork the command stopped on a pipe, so its pid can be tracked before it
 * runs; a second, close-on-exec pipe carries exec's errno back.
 */
/*
 * The command's file, searched in PATH as execvp would, but before the
 * fork: the child then makes exactly one execve, and nothing the recorder's
 * child does before it is recorded.
 */
static char *find_command(const char *cmd)
{
	const char *env = getenv("PATH");
	char *paths, *dir, *save = NULL, *found = NULL;

	if (strchr(cmd, '/'))
		return strdup(cmd);
	paths = strdup(env && *env ? env : "/usr/local/bin:/usr/bin:/bin");
	if (!paths)
		return NULL;
	for (dir = strtok_r(paths, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *cand;
		struct stat st;

		if (asprintf(&cand, "%s/%s", *dir ? dir : ".", cmd) < 0)
			break;
		if (!stat(cand, &st) && S_ISREG(st.st_mode) && !access(cand, X_OK)) {
			found = cand;
			break;
		}
		free(cand);
	}
	free(paths);
	if (!found)
		errno = ENOENT;
	return found;
}

static int start_command(struct rec *r, int *go_fd, int *err_fd)
{
	int tracked_fd = bpf_map__fd(r->skel->maps.tracked);
	int go[2], ep[2];
	char *path;
	__u32 self;
	__u8 one = 1;
	pid_t pid;

	path = find_command(r->o->cmd[0]);
	if (!path)
		return -errno;
	if (pipe2(go, O_CLOEXEC) || pipe2(ep, O_CLOEXEC)) {
		free(path);
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		int e = errno;

		free(path);
		return -e;
	}
	if (!pid) {
		ssize_t n;
		char c;
		int e;

		close(go[1]);
		close(ep[0]);
		/* the recorder's handlers are ours until the exec: a signal only interrupts */
		while ((n = read(go[0], &c, 1)) < 0 && errno == EINTR)
			;
		if (n != 1)
			_exit(127);
		/*
		 * Track ourselves only now, so the only syscall recorded
		 * before the command runs is its execve.
		 */
		self = getpid();
		bpf_map_update_elem(tracked_fd, &self, &one, BPF_ANY);
		/*
		 * The recorder's SIGINT and SIGTERM handlers stay until the exec,
		 * which resets them: a signal meanwhile cannot kill the child
		 * between this point and the exec, where its EOF would read as
		 * an exec that succeeded.
		 */
		execv(path, r->o->cmd);
		e = errno;
		if (write(ep[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	free(path);
	close(go[0]);
	close(ep[1]);
	*go_fd = go[1];
	*err_fd = ep[0];
	r->child = pid;
	return 0;
}

static int open_cgroup(struct rec *r, int *fd)
{
	const char *mnt = sr_cgroups__mount(r->cg);
	char path[PATH_MAX], real[PATH_MAX];
	struct statfs sfs;
	size_t mlen;

	if (!mnt) {
		sr_err("--cgroup: no cgroup2 filesystem is mounted (see /proc/mounts)");
		return -ENOENT;
	}
	mlen = strlen(mnt);
	while (mlen > 1 && mnt[mlen - 1] == '/')
		mlen--;
	if (!strncmp(r->o->cgroup, mnt, strlen(mnt)))
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
		return -EINVAL;
	}
	/* as /proc/PID/cgroup names it, for the snapshot's filter */
	if (!realpath(path, real) || strncmp(real, mnt, mlen) ||
	    (real[mlen] && real[mlen] != '/')) {
		sr_err("--cgroup: %s is not below the cgroup2 mount %s", path, mnt);
		close(*fd);
		return -EINVAL;
	}
	snprintf(r->cg_rel, sizeof(r->cg_rel), "%s", real[mlen] ? real + mlen : "/");
	return 0;
}

static void describe(struct rec *r, int argc, char **argv)
{
	size_t len = 0;
	unsigned char id[16];

	for (int i = 0; i < argc && len < sizeof(r->cmdline) - 1; i++)
		len += snprintf(r->cmdline + len, sizeof(r->cmdline) - len, "%s%s",
				i ? " " : "sysrec ", argv[i]);
	len = 0;
	r->filters[0] = 0;
	for (int i = 0; i < r->o->npids; i++)
		len += snprintf(r->filters + len, sizeof(r->filters) - len, "%s%u",
				i ? "," : "pid=", r->o->pids[i]);
	if (r->o->cmd)
		len += snprintf(r->filters + len, sizeof(r->filters) - len, "%scommand=%s",
				len ? " " : "", r->o->cmd[0]);
	if (r->o->comm && len < sizeof(r->filters))
		len += snprintf(r->filters + len, sizeof(r->filters) - len, "%scomm=%s",
				len ? " " : "", r->o->comm);
	if (r->o->cgroup && len < sizeof(r->filters))
		snprintf(r->filters + len, sizeof(r->filters) - len, "%scgroup=%s",
			 len ? " " : "", r->o->cgroup);
	if (getrandom(id, sizeof(id), 0) != sizeof(id))
		for (size_t i = 0; i < sizeof(id); i++)
			id[i] = (unsigned char)(sr_mono_ns() >> (i % 8));
	for (size_t i = 0; i < sizeof(id); i++)
		sprintf(r->recording_id + 2 * i, "%02x", id[i]);
	gethostname(r->host, sizeof(r->host) - 1);
}

/* Under sudo, hand the file to the user who asked for it. */
static void find_owner(struct rec *r)
{
	const char *u = getenv("SUDO_UID"), *g = getenv("SUDO_GID");
	uint64_t v;

	r->owner_uid = (uid_t)-1;
	r->owner_gid = (gid_t)-1;
	if (geteuid() != 0 || !u || !g)
		return;
	if (!sr_parse_u64(u, 0, UINT32_MAX - 1, &v))
		r->owner_uid = (uid_t)v;
	if (!sr_parse_u64(g, 0, UINT32_MAX - 1, &v))
		r->owner_gid = (gid_t)v;
}

int cmd_record(int argc, char **argv)
{
	struct opts o = {};
	struct rec r = { .o = &o, .child = -1 };
	struct perf_event_attr attr = {};
	uint64_t now, end_ns = 0, last_status = 0, last_events = 0;
	int err, status = 0, go_fd = -1, err_fd = -1, cg_fd = -1, child_done = 0, exit_code;
	int tty;
	struct sigaction sa = { .sa_handler = on_signal };

	err = parse_opts(&r, argc, argv);
	if (err == 1) {
		fputs(sr_usage_record, stdout);
		return SR_EXIT_OK;
	}
	if (err)
		return SR_EXIT_USAGE;
	tty = isatty(STDERR_FILENO) && !o.quiet;
	/*
	 * First thing: a stop request must never be lost, and a background
	 * job of a non-interactive shell starts with SIGINT ignored.
	 */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	/*
	 * Buffers of a MiB and more (reorder, chunks) are allocated and given
	 * back as the event rate changes.  glibc would raise its mmap
	 * threshold after the first such free and serve the next ones from
	 * the heap, which fragments and never shrinks: a recorder running
	 * for days would creep.  A fixed threshold keeps them mmap()ed, so a
	 * free returns the memory.
	 */
	mallopt(M_MMAP_THRESHOLD, 128 << 10);
	if (check_privileges())
		return SR_EXIT_FAIL;
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		sr_err("this kernel has no BTF (/sys/kernel/btf/vmlinux): record needs CONFIG_DEBUG_INFO_BTF");
		return SR_EXIT_FAIL;
	}
	for (int i = 0; i < o.npids; i++) {
		long tgid = pid_tgid(o.pids[i]);

		if (tgid < 0 && kill(o.pids[i], 0) && errno == ESRCH) {
			sr_err("record: no process with pid %u", o.pids[i]);
			return SR_EXIT_FAIL;
		}
		/* the filter is by process: a thread id would match nothing */
		if (tgid > 0 && tgid != o.pids[i]) {
			sr_err("record: %u is a thread of process %ld: -p takes process ids",
			       o.pids[i], tgid);
			return SR_EXIT_FAIL;
		}
	}
	libbpf_set_print(libbpf_print);
	describe(&r, argc, argv);
	find_owner(&r);
	r.cg = sr_cgroups__new();
	r.ro = sr_reorder__new();
	if (!r.cg || !r.ro) {
		err = -ENOMEM;
		sr_err("out of memory");
		goto cleanup;
	}
	if (o.cgroup) {
		err = open_cgroup(&r, &cg_fd);
		if (err)
			goto cleanup;
	}

	r.skel = sysrec_bpf__open();
	if (!r.skel) {
		err = -errno;
		sr_err("cannot open the BPF object: %s", strerror(-err));
		goto cleanup;
	}
	/* run on demand by flush_batches(), never attached */
	bpf_program__set_autoattach(r.skel->progs.flush, false);
	/*
	 * sched_switch moves a switched-out task's pending syscall out of its
	 * CPU's slot: it must be attached for as long as sys_enter is.
	 */
	bpf_program__set_autoattach(r.skel->progs.sched_switch, false);
	r.skel->rodata->self_tgid = getpid();
	r.skel->rodata->filter_pids = o.npids || o.cmd;
	if (o.comm) {
		r.skel->rodata->filter_comm_on = 1;
		strncpy((char *)r.skel->rodata->filter_comm, o.comm, SR_COMM_LEN - 1);
	}
	r.skel->rodata->filter_cgroup = o.cgroup != NULL;
	r.skel->rodata->argv_max = (uint32_t)o.argv_max;
	r.skel->rodata->attach_only = o.attach_only;
	memcpy((void *)r.skel->rodata->sys_type, r.sys_type, sizeof(r.sys_type));
	for (int i = 0; i < SR_NR_MAX; i++)
		if (r.sys_type[i] == SR_EV_EXEC || r.sys_type[i] == SR_EV_FORK)
			r.skel->rodata->proc_on = 1;

	err = sysrec_bpf__load(r.skel);
	if (err) {
		sr_err("cannot load the BPF programs: %s (run with -v for the verifier's log)",
		       strerror(-err));
		goto cleanup;
	}
	/*
	 * Batches only once the flush runs here (BPF_F_TEST_RUN_ON_CPU, 5.10):
	 * a record must never wait for a batch to fill.  SYSREC_NO_BATCH=1
	 * sends every record alone, the path a kernel without it takes (tests,
	 * benchmarks).
	 */
	if (getenv("SYSREC_NO_BATCH") && *getenv("SYSREC_NO_BATCH") == '1') {
		sr_dbg("records sent one by one: SYSREC_NO_BATCH is set");
	} else {
		LIBBPF_OPTS(bpf_test_run_opts, topts);

		if (!bpf_prog_test_run_opts(bpf_program__fd(r.skel->progs.flush), &topts)) {
			r.skel->bss->batch_on = 1;
			sr_dbg("records gathered in per-CPU batches");
		} else {
			sr_dbg("records sent one by one: the flush program cannot run (%s)",
				 strerror(errno));
		}
	}
	if (cg_fd >= 0) {
		__u32 zero = 0;

		err = bpf_map__update_elem(r.skel->maps.cgroup_filter, &zero, sizeof(zero),
					   &cg_fd, sizeof(cg_fd), BPF_ANY);
		if (err) {
			sr_err("--cgroup: cannot set the filter: %s", strerror(-err));
			goto cleanup;
		}
	}
	for (int i = 0; i < o.npids; i++) {
		__u8 one = 1;

		bpf_map__update_elem(r.skel->maps.tracked, &o.pids[i], sizeof(__u32), &one, 1, BPF_ANY);
	}
	if (o.cmd) {
		err = start_command(&r, &go_fd, &err_fd);
		if (err) {
			sr_err("cannot run '%s': %s", o.cmd[0], strerror(-err));
			goto cleanup;
		}
	}

	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_BPF_OUTPUT;
	attr.sample_type = PERF_SAMPLE_RAW;
	attr.sample_period = 1;
	/* wake the reader when an eighth of a buffer is full, never per event */
	attr.watermark = 1;
	attr.wakeup_watermark = o.buffer_pages * sysconf(_SC_PAGESIZE) / 8;
	r.pb = perf_buffer__new_raw(bpf_map__fd(r.skel->maps.events), o.buffer_pages, &attr,
				    on_sample, &r, NULL);
	if (!r.pb) {
		err = -errno;
		if (err == -EPERM && geteuid() != 0)
			sr_err("cannot set up the perf buffers (%llu pages per CPU): more than "
			       "kernel.perf_event_mlock_kb lets a user lock without CAP_IPC_LOCK; "
			       "use a smaller --buffer-pages or add CAP_IPC_LOCK",
			       (unsigned long long)o.buffer_pages);
		else
			sr_err("cannot set up the perf buffers (%llu pages per CPU): %s",
			       (unsigned long long)o.buffer_pages, strerror(-err));
		goto cleanup;
	}

	r.window_ns = REORDER_WINDOW_NS;
	if (r.window_ns > o.flush_ns / 4)
		r.window_ns = o.flush_ns / 4;
	r.clock_offset = clock_offset();
	r.start_ns = sr_mono_ns();
	r.switch_link = bpf_program__attach(r.skel->progs.sched_switch);
	err = r.switch_link ? 0 : -errno;
	err = err ?: sysrec_bpf__attach(r.skel);
	if (err) {
		sr_err("cannot attach the BPF programs: %s", strerror(-err));
		goto cleanup;
	}
	if (o.print) {
		signal(SIGPIPE, SIG_IGN);
		r.printer = sr_printer__new(stdout, 0, 0, r.start_ns, r.clock_offset);
		if (!r.printer) {
			err = -ENOMEM;
			goto cleanup;
		}
	}
	err = take_first_snapshot(&r, r.start_ns);
	err = err ?: keep_until_exec(&r);
	err = err ?: open_file(&r, r.start_ns);
	if (err)
		goto cleanup;

	if (o.cmd) {
		int e = 0;
		ssize_t n;

		sighandler_t pipe_was;

		/* stopped before the command started: it never runs, FILE stays */
		if (stop_signal) {
			sr_err("interrupted before '%s' started", o.cmd[0]);
			discard_file(&r);
			err = -EINTR;
			goto cleanup;
		}
		/* a child gone already is an error to report, not a SIGPIPE to die of */
		pipe_was = signal(SIGPIPE, SIG_IGN);
		n = write(go_fd, "g", 1);
		err = n == 1 ? 0 : -errno;
		signal(SIGPIPE, pipe_was);
		if (err) {
			sr_err("cannot start '%s': %s", o.cmd[0], strerror(-err));
			r.reported = 1;
			discard_file(&r);
			goto cleanup;
		}
		close(go_fd);
		go_fd = -1;
		/* EOF: exec succeeded; a signal meanwhile does not tell */
		do
			n = read(err_fd, &e, sizeof(e));
		while (n < 0 && errno == EINTR);
		if (n == sizeof(e)) {
			sr_err("cannot run '%s': %s", o.cmd[0], strerror(e));
			waitpid(r.child, NULL, 0);
			r.child = -1;
			discard_file(&r);
			err = -e;
			goto cleanup;
		}
		/* the command runs: its trace takes FILE's place, stopped or not */
		err = replace_kept(&r);
		if (err)
			goto cleanup;
	}
	if (o.duration_ns)
		end_ns = r.start_ns + o.duration_ns;

	last_status = r.start_ns;

	while (!stop_signal) {
		err = perf_buffer__poll(r.pb, POLL_MS);
		if (err < 0 && err != -EINTR) {
			sr_err("polling the perf buffers: %s", strerror(-err));
			break;
		}
		now = sr_mono_ns();
		flush_batches(&r, NULL);
		perf_buffer__consume(r.pb);
		collect_drops(&r);
		err = r.err ?: sr_reorder__release(r.ro, now - r.window_ns, append_rec, &r);
		/*
		 * --rotate-time when no record comes to start the next file:
		 * every record up to the horizon is out, and none came after
		 * start + T (it would have rotated), so the file ends there, on
		 * time; or at the last record written, if a lost-events record
		 * (which starts no file) came later.  One rotation per poll: a
		 * file that would end more than T behind the horizon (a T
		 * shorter than a poll, or than the snapshot takes) spans the
		 * empty intervals up to the last one, so the recorder never
		 * falls behind.
		 */
		if (!err && r.w && rotation_time(&r, now - r.window_ns)) {
			uint64_t at = r.file_start_ns + (now - r.window_ns - r.file_start_ns) /
				      o.rotate_ns * o.rotate_ns;

			err = rotate(&r, at > r.max_ts ? at : r.max_ts);
		}
		err = err ?: (r.w ? sr_writer__error(r.w) : -EIO);
		if (err) {
			if (!r.reported)
				sr_err("writing %s: %s", r.path, strerror(-err));
			r.reported = 1;
			break;
		}
		/*
		 * A record reaches the file at most flush-interval after its
		 * time: it waited the reorder window before release, and the
		 * next poll may come POLL_MS late.
		 */
		if (r.chunk_first_ts &&
		    now + POLL_MS * 1000000ull >= r.chunk_first_ts + o.flush_ns) {
			sr_writer__flush(r.w);
			r.chunk_first_ts = 0;
		}
		if (r.printer) {
			sr_printer__flush(r.printer);
			/* the reader of --print went away: keep recording, stop printing */
			if (ferror(stdout)) {
				sr_printer__free(r.printer);
				r.printer = NULL;
			}
		}
		if (tty && now - last_status >= 1000000000ull)
			status_line(&r, now, &last_status, &last_events);
		if (end_ns && now >= end_ns)
			break;
		if (r.child > 0 && waitpid(r.child, &status, WNOHANG) == r.child) {
			child_done = 1;
			break;
		}
		if (o.npids && !pids_alive(&o))
			break;
	}
	if (err == -EINTR)
		err = 0;

	/* Detach first, then drain: nothing can arrive after the last read. */
	sysrec_bpf__detach(r.skel);
	bpf_link__destroy(r.switch_link);
	r.switch_link = NULL;
	if (r.w && !err) {
		static bool offline[MAX_CPUS];

		/* a program still running on some CPU holds its batch a few µs */
		for (int i = 0; i < 100 && flush_batches(&r, offline); i++)
			usleep(1000);
		drain_offline_batches(&r, offline);
		perf_buffer__consume(r.pb);
		collect_drops(&r);
		err = r.err ?: sr_reorder__release(r.ro, UINT64_MAX, append_rec, &r);
		if (err && !r.reported) {
			sr_err("writing %s: %s", r.path, strerror(-err));
			r.reported = 1;
		}
	}
	if (r.w) {
		int e = close_file(&r, sr_mono_ns());

		err = err ?: e;
	}
	if (tty)
		fputs("\r\033[K", stderr);
	if (!o.quiet && r.path && !err) {
		fprintf(stderr, "sysrec: %llu events, %llu lost, %llu bytes (%.1f bytes/event) in %s%s\n",
			(unsigned long long)r.events, (unsigned long long)r.lost_total,
			(unsigned long long)r.bytes_prev_files,
			r.events ? (double)r.bytes_prev_files / r.events : 0.0, r.path,
			r.rotation ? " and earlier files" : "");
	}

cleanup:
	if (go_fd >= 0)
		close(go_fd);
	if (err_fd >= 0)
		close(err_fd);
	if (cg_fd >= 0)
		close(cg_fd);
	if (r.child > 0 && !child_done) {
		wait_command(r.child, &status, err != 0);
		child_done = 1;
	}
	sr_printer__free(r.printer);
	free(r.presnap);
	perf_buffer__free(r.pb);
	sysrec_bpf__destroy(r.skel);	/* sys_enter and sys_exit go before sched_switch */
	bpf_link__destroy(r.switch_link);
	/*
	 * Never renamed: the command never ran, FILE stays as it was, and
	 * FILE.new goes if it was made (the writer is ours only then).
	 */
	if (r.final_path) {
		discard_file(&r);
		free(r.final_path);
	}
	if (r.w)
		sr_writer__free(r.w);
	sr_reorder__free(r.ro);
	sr_cgroups__free(r.cg);
	for (size_t i = 0; i < r.nkept; i++)
		free(r.kept[i]);
	free(r.kept);
	free(r.path);
	if (err)
		return SR_EXIT_FAIL;
	if (child_done && o.cmd) {
		if (WIFEXITED(status))
			exit_code = WEXITSTATUS(status);
		else if (WIFSIGNALED(status))
			exit_code = 128 + WTERMSIG(status);
		else
			exit_code = SR_EXIT_FAIL;
		return exit_code;
	}
	return SR_EXIT_OK;
}
