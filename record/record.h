/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * record.h - the recorder's internal pieces: the reorder buffer that merges
 * the per-CPU streams into one time order, the /proc snapshot, and the
 * recording in progress that the files of sysrec record share (options.c,
 * bpf_setup.c, target.c, output.c, ingest.c, record.c, live.c, top.c,
 * top_view.c).
 */
#ifndef SYSREC_RECORD_H
#define SYSREC_RECORD_H

#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <bpf/libbpf.h>

#include "sysrec/event.h"

/*
 * Records from all CPUs are pushed as they are read and released in
 * (ts, arrival) order once their time is older than a horizon the caller
 * chooses.  Owns copies of the records.
 */
struct sr_reorder;

typedef int (*sr_release_fn)(void *ctx, const struct sr_event *ev);

struct sr_reorder *sr_reorder__new(void);
/* Copy one record in; -ENOMEM when memory runs out, -EINVAL for a bad size. */
int sr_reorder__push(struct sr_reorder *r, const struct sr_event *ev);
/*
 * Hand every record with ts <= horizon to fn, in time order, then forget it.
 * UINT64_MAX releases everything.  Stops at fn's first error and returns it.
 */
int sr_reorder__release(struct sr_reorder *r, uint64_t horizon, sr_release_fn fn, void *ctx);
/* Records that arrived after records with a later ts had been released. */
uint64_t sr_reorder__late(const struct sr_reorder *r);
/* Records and bytes held now. */
size_t sr_reorder__held(const struct sr_reorder *r, size_t *bytes);
void sr_reorder__free(struct sr_reorder *r);

/* cgroup v2 ids and paths, found under the cgroup2 mount (from /proc/mounts). */
struct sr_cgroups;

/* NULL mount means no cgroup2 mount on this machine: every lookup fails. */
struct sr_cgroups *sr_cgroups__new(void);
const char *sr_cgroups__mount(const struct sr_cgroups *cg);
/*
 * The path of id below the mount ("/" for the root), or NULL.  An unknown id
 * rescans the tree once; ids still unknown are remembered as such.
 */
const char *sr_cgroups__path(struct sr_cgroups *cg, uint64_t id);
/*
 * A group made during the recording (the BPF side's cgroup_mkdir): named
 * 'name' (len bytes, not NUL-terminated) below its parent's path, when the
 * parent is known.  A no-op for a
 * group already named.
 */
void sr_cgroups__learn(struct sr_cgroups *cg, uint64_t id, uint64_t parent, const char *name,
		       size_t len);
/* Whether id was already handed out by sr_cgroups__first_seen(). */
int sr_cgroups__first_seen(struct sr_cgroups *cg, uint64_t id);
/* Forget which ids were seen (a new file of a rotated set names them again). */
void sr_cgroups__reset_seen(struct sr_cgroups *cg);
void sr_cgroups__free(struct sr_cgroups *cg);

/* Which processes the snapshot covers. */
struct sr_snap_filter {
	int (*want_pid)(void *ctx, uint32_t pid);	/* NULL: every pid */
	void *ctx;
	const char *comm;				/* NULL: any comm */
	const char *cgroup;	/* NULL: any; else this cgroup v2 and below ("/x/y") */
	uint32_t self;					/* never this tgid */
	uint32_t argv_max;
	int cputime;		/* also a CPUTIME record per thread (the cpu class) */
	int cputime_only;	/* only those: the totals a file ends with */
	uint16_t cputime_flags;	/* SR_F_CPU_START for the baseline a file begins with */
};

/* netsnap.c: the sockets of the namespaces the snapshot meets */
struct sr_netsnap;
struct sr_netsnap *sr_netsnap__new(void);
void sr_netsnap__free(struct sr_netsnap *ns);
/*
 * The body of a sock record (struct sr_ev_sock past its header, and its
 * unix name) for socket inode @ino of process @pid, at @rec: the record's
 * length before padding, or 0 when its tables do not list it.
 */
size_t sr_netsnap__sock(struct sr_netsnap *ns, uint32_t pid, uint64_t ino, uint8_t *rec);

/*
 * Emit proc, fd and cgroup records for every process alive now, and CPUTIME
 * records for each of its threads when asked, all stamped with ts, through
 * fn.  Processes and threads that vanish during the scan are skipped.
 */
int sr_snapshot(const struct sr_snap_filter *flt, struct sr_cgroups *cg, uint64_t ts,
		sr_release_fn fn, void *ctx);

/* Kernel-internal encoding of a user-space dev_t (what BPF reads from s_dev). */
uint64_t sr_kdev(uint64_t st_dev);

uint64_t sr_mono_ns(void);

/* --- the recording in progress (sysrec record) --- */

#define MAX_CPUS		1024

/* What the command line asked for (options.c). */
struct sr_rec_opts {
	const char *output;	/* NULL: no trace file (--print or top without -o) */
	int force;
	int quiet;
	int print;
	int json;		/* --json: --print's lines as NDJSON */
	int print_now;		/* --print-order cpu: each record as it is read */
	const char *print_to;	/* --print-to FILE or FD; NULL: stdout */
	uint64_t print_buffer;	/* bytes --print may queue for a slow output */
	int top;		/* sysrec top, record --top */
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
	int sched_switches;	/* --sched-switches all (1) or none (0) */
	char **cmd;
};

/* One recording, from the options to the last file; cmd_record() owns it. */
struct sr_rec {
	struct sr_rec_opts *o;
	struct sysrec_bpf *skel;
	struct sr_writer *w;
	struct sr_reorder *ro;
	struct sr_cgroups *cg;
	struct perf_buffer *pb;
	struct bpf_link *switch_link;	/* sched_switch: attached first, detached last */
	struct sr_live *live;		/* --print: its queue and thread (live.c) */
	int print_fd;			/* --print's output, opened before the command; -1 */
	struct sr_top *top;		/* sysrec top: the figures (top.c) and the screen */
	unsigned int poll_ms;		/* the poll loop's period */
	uint8_t *presnap;		/* the first file's snapshot, taken before it is created */
	size_t presnap_len, presnap_cap;
	uint8_t sys_type[SR_NR_MAX];
	uint32_t class_mask;	/* the enum sr_class bits -e named */
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
	int tty;			/* status line on stderr */
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
	int cg_fd;		/* --cgroup's directory, for the BPF filter; -1 */
	pid_t child;		/* the command; -1 */
	int go_fd;		/* written once to let the command exec; -1 */
	int err_fd;		/* exec's errno, or EOF once it ran; -1 */
	int child_done;		/* the command's status is taken */
	int status;		/* its wait status */
	int err;		/* first runtime error */
};

/* The stop signal taken (SIGINT, SIGTERM, SIGHUP), 0 before one (record.c). */
extern volatile sig_atomic_t sr_rec_stop_signal;

/* options.c: 0, 1 for --help, or -EINVAL after printing the one-line error. */
int sr_rec__parse_opts(struct sr_rec *r, int argc, char **argv);
/* -p names running processes, not threads; -ESRCH or -EINVAL, said. */
int sr_rec__check_pids(const struct sr_rec_opts *o);
/* --cgroup: open its directory (r->cg_fd) and name it below the mount (r->cg_rel). */
int sr_rec__open_cgroup(struct sr_rec *r);

/* bpf_setup.c: the BPF side, in the order cmd_record() calls it. */
int sr_rec__check_system(void);
int sr_rec__libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args);
int sr_rec__bpf_open(struct sr_rec *r);
void sr_rec__set_rodata(struct sr_rec *r);
int sr_rec__bpf_load(struct sr_rec *r);
int sr_rec__fill_maps(struct sr_rec *r);
void sr_rec__tracked_changed(struct sr_rec *r);
int sr_rec__bpf_attach(struct sr_rec *r);
void sr_rec__bpf_detach(struct sr_rec *r);
void sr_rec__bpf_destroy(struct sr_rec *r);

/* target.c: the command and the -p processes. */
int sr_rec__fork_command(struct sr_rec *r);
int sr_rec__run_command(struct sr_rec *r);
int sr_rec__targets_ended(struct sr_rec *r);
void sr_rec__wait_command(struct sr_rec *r, bool term);
int sr_rec__exit_status(const struct sr_rec *r, int err);

/* output.c: the trace files, their metadata, rotation and --keep. */
void sr_rec__describe(struct sr_rec *r, int argc, char **argv);
void sr_rec__find_owner(struct sr_rec *r);
int64_t sr_rec__clock_offset(void);
int sr_rec__open_first_file(struct sr_rec *r);
int sr_rec__replace_kept(struct sr_rec *r);
void sr_rec__discard_file(struct sr_rec *r);
int sr_rec__close_file(struct sr_rec *r, uint64_t stop_ns);
int sr_rec__need_rotation(struct sr_rec *r, uint64_t ts);
int sr_rec__rotate(struct sr_rec *r, uint64_t ts);
int sr_rec__rotate_on_time(struct sr_rec *r, uint64_t horizon);
int sr_rec__write(struct sr_rec *r, const struct sr_event *ev);
void sr_rec__free_files(struct sr_rec *r);

/* ingest.c: from the perf buffers through the reorder buffer to the file and --print. */
int sr_rec__open_buffers(struct sr_rec *r);
void sr_rec__close_buffers(struct sr_rec *r);
int sr_rec__ingest(struct sr_rec *r, uint64_t horizon);
int sr_rec__drain(struct sr_rec *r);
int sr_rec__append(void *ctx, const struct sr_event *ev);
int sr_rec__put(void *ctx, const struct sr_event *ev);
/* What the snapshot of /proc keeps: the processes the BPF filters record (output.c). */
struct sr_snap_filter sr_rec__snap_filter(struct sr_rec *r);

/*
 * live.c: --print.  The poll loop queues each record (a copy) for a thread
 * of its own that formats and writes it, so a slow or stopped output never
 * holds the reading of the perf buffers: a record the full queue has no
 * room for is dropped, counted, and said in the output where it was left
 * out, and in the summary.
 */
struct sr_live;
/* --print-to: open the output before the command is forked (it never inherits it). */
int sr_rec__print_prepare(struct sr_rec *r);
/* The printer and its thread; after attach (it needs the start time). */
int sr_rec__print_open(struct sr_rec *r);
/* Without a trace file: the snapshot of /proc, learnt by the printer (the fds' paths). */
int sr_rec__print_snapshot(struct sr_rec *r);
/* Queue one record to print, or (note) only to learn from. */
void sr_rec__print_event(struct sr_rec *r, const struct sr_event *ev);
void sr_rec__print_note(struct sr_rec *r, const struct sr_event *ev);
/* Whether the output went away (EPIPE, EIO): nothing more is printed. */
int sr_rec__print_gone(const struct sr_rec *r);
/* Everything queued written (or given up on after a second without progress), the thread ended. */
void sr_rec__print_close(struct sr_rec *r);

/*
 * top.c: sysrec top's figures per process, summed from each record as it
 * is read (the poll loop's thread), taken by the screen's thread each
 * second (top_view.c).
 */
struct sr_top;
struct sr_top *sr_top__new(struct sr_rec *r);
void sr_top__free(struct sr_top *t);
/* One record, at once: the caller's thread is the poll loop's. */
void sr_top__event(struct sr_top *t, const struct sr_event *ev);
/* Every record older than ts has been read (the running threads' time is counted to it). */
void sr_top__read_up_to(struct sr_top *t, uint64_t ts);
/* top_view.c: the screen, on a thread of its own. */
int sr_top__check_terminal(void);
int sr_top__start_view(struct sr_top *t);
/*
 * The terminal given back; -EIO when the screen could not be set up
 * (said).  A thread held by a terminal that takes nothing is waited for
 * 2 s, then left for a later call (and then to the exit).
 */
int sr_top__stop_view(struct sr_top *t);

#endif /* SYSREC_RECORD_H */
