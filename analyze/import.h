/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * import.h - what the files of the importer (traces -> database) share;
 * private to them.
 *
 * One pass over the records of each recording (its files in rotation order)
 * keeps in memory what a record alone does not say: which process a pid is
 * right now, what each descriptor refers to, which (dev, ino) has which path.
 * Records come from a thread that reads ahead (readahead.c).  Events are
 * inserted as they come, with prepared statements in one transaction;
 * processes, files, descriptor lifetimes and the aggregation tables are
 * written when the recording ends, indexes after everything.  Every table
 * that grows with what the records claim counts its bytes in im->mem,
 * against the budget (--mem-limit): past it the import stops.
 *
 * Every record is hostile: its size was checked by the reader against the
 * fixed size of its type, strings go through sr_event__str, and nothing here
 * trusts a pid, a descriptor or a length to be sensible.
 *
 *   import.c            sr_an_import: the order of things
 *   import_inputs.c     the trace files: scanned, given twice, imported before,
 *                       grouped into recordings, opened again in turn
 *   import_recording.c  one recording: its row, its trace files read
 *   import_records.c    the handler of each kernel record type; the dispatcher
 *   import_snapshot.c   the handlers of the records the recorder writes
 *   import_sched.c      the cpu class: threads, switches, wakeups, syscall splits
 *   import_net.c        the net class, pipes, fd-to-fd moves: socket names,
 *                       endpoints (net_stats, net_errors, net_connects)
 *   import_threads.c    thread_cpu and proc_cpu rows when a recording ends
 *   import_syscalls.c   syscall names, their direction, sys_stats
 *   import_files.c      the file table: (dev, ino) or path -> file
 *   import_procs.c      the process table: pid -> process
 *   fdtrack.c           the descriptor tables (pure; fdtrack.h)
 *   import_rows.c       event rows in batches; the agg and tl buckets
 *   import_end.c        procs, files, fds, agg, tl rows when a recording ends
 *   import_stmts.c      the prepared statements; binding helpers
 */
#ifndef SYSREC_IMPORT_H
#define SYSREC_IMPORT_H

#include <stdint.h>
#include <sys/types.h>

#include "sysrec/format.h"
#include "sysrec/util.h"
#include "analyze.h"
#include "fdtrack.h"

#define NONE		UINT32_MAX
#define DEAD		(UINT32_MAX - 1)	/* alive map: the pid's process exited */
#define EV_COLS		SR_AN_EV_COLS	/* columns of table events */
_Static_assert(sizeof(((struct sr_an_evrow *)0)->comm) == SR_COMM_LEN, "sr_an_evrow.comm");
#define EV_COL_CPU	23	/* the first of its six cpu split columns */
#define EV_COL_COMM	13	/* the one text column */
#define EV_BATCH	32	/* event rows per INSERT */
#define FD_COLS		9	/* columns of table fds */
#define AGG_COLS	11	/* of agg */
#define AGGALL_COLS	10	/* of agg_all */
#define ROW_BATCH	32	/* rows per INSERT of fds, agg and agg_all */
#define START_SLACK_NS	50000000LL	/* /proc start times are in 10 ms ticks */
#define SYS_ID_MAX	(1u << 20)	/* names interned; packed in 20 bits in the agg key */

/* an_sys.rw: enum sr_dir's values, as the syscalls table stores them */
enum { RW_NONE = SR_DIR_NONE, RW_READ = SR_DIR_READ, RW_WRITE = SR_DIR_WRITE };

struct an_file {
	uint64_t dev, ino;
	char *path;		/* NULL until a record names it */
	size_t path_len;
	/*
	 * Descriptors of processes alive now that refer to it: while there
	 * are some, its inode cannot have been given to another file.
	 */
	uint32_t nopen;
	uint32_t sock;		/* its socket in an_imp.socks + 1; 0: no socket */
};

/* A socket of the recording, as its last sock record named it (import_net.c). */
struct an_sock {
	char proto[8];		/* "tcp", "udp", "unix"... */
	uint8_t inet;		/* AF_INET or AF_INET6 */
	uint8_t has_peer;	/* connected: its endpoint is its peer */
	uint8_t conn_pending;	/* a non-blocking connect in progress since conn_start */
	char *ep;		/* its remote endpoint, or NULL */
	size_t ep_len;
	int64_t conn_start;
	uint32_t conn_ep;
};

/* A remote endpoint of one process: what --net sums (table net_stats). */
struct an_ep {
	uint32_t proc;
	char *name;		/* "tcp 127.0.0.1:5432", "unix /run/x.sock" */
	size_t len;
	uint64_t connects, accepts, sends, recvs, sent, recvd, errors;
};

/* Failures with one errno at one endpoint (table net_errors). */
struct an_eperr {
	uint32_t ep;
	int32_t err;
	uint64_t n;
};
struct an_proc {
	uint32_t pid, ppid;
	uint32_t parent;	/* index in procs, or NONE */
	char comm[SR_COMM_LEN + 1];
	char *exe, *cmdline, *cwd, *argv;
	size_t argv_len;
	uint32_t uid, gid;
	uint64_t cgroup_id;
	int64_t start_ts, exit_ts;
	int64_t first_ts;	/* its first record's time (ORIGIN_SEEN) */
	int32_t exit_code;
	uint8_t has_start, exited, origin;
	uint32_t threads, execs;
	/*
	 * A thread other than the first was seen (a clone of one, or a record
	 * of one) since the process started or last exec'd: its table may be
	 * shared.  Threads that end are not counted off: this only errs on
	 * the side of "shared".
	 */
	uint8_t threaded;
	/* memory */
	uint64_t mmaps, mapped, munmaps, unmapped, brks, brk_first, brk_last;
	int64_t cur, peak;
	/*
	 * Its last agg and tl rows (index + 1, 0: none): the next event of a
	 * process mostly falls in the same ones, which spares two hash lookups.
	 */
	uint32_t agg_hint, tl_hint;
};

enum { ORIGIN_SNAPSHOT, ORIGIN_FORK, ORIGIN_SEEN };

struct an_agg {
	int64_t bucket;
	uint32_t proc, file;
	uint64_t cgroup;
	uint64_t events, opens, reads, read_bytes, writes, write_bytes;
};

/*
 * The timeline's finer buckets: events and bytes per 10 ms, process and
 * cgroup, and the time inside syscalls.  That time is kept as a rate (how
 * many calls are running) and what the 10 ms it changes in holds of it:
 * a call [s, e) adds sys_ns += end of s's bucket - s and sys_rate += 1 to
 * the bucket after s's, and the opposite at e, so that a long call costs
 * four numbers, not one per 10 ms it spans (docs/SCHEMA.md, tl).
 */
struct an_tl {
	int64_t bucket;
	uint32_t proc;
	uint64_t cgroup;
	uint64_t events, read_bytes, write_bytes;
	int64_t sys_ns, sys_rate;
};

/* Per syscall name: what --syscalls needs, gathered while importing. */
struct an_sys {
	char *name;
	uint8_t rw;		/* RW_*, from classify_rw() */
	uint8_t close_range;	/* closes (or marks) a range of descriptors */
	uint8_t fcntl;		/* its dup records are fcntl commands, not dup2/dup3 */
	uint8_t net;		/* what import_net.c does with its net records (net_kind()) */
	uint64_t calls, errors, total, max;
	uint64_t *durs;
	size_t ndurs, capdurs;
	/*
	 * The cpu class: calls and their time in recordings that have it
	 * (on-CPU is cpu_total - off_cpu - runq), and the recording's own
	 * figures until it ends and says whether it has it.
	 */
	uint64_t cpu_calls, cpu_total, off_cpu, blocked, runq, vol, invol;
	uint64_t rec_calls, rec_total;
};

/* Where one syscall's time went (struct sr_ev_syscpu, clamped to its duration). */
struct cpu_split {
	int64_t on_cpu, off_cpu, blocked, runq, vol, invol;
};

/* The scheduler counters of struct sr_ev_cputime. */
struct cpu_counters {
	uint64_t on_cpu, runq, timeslices, vol, invol;
};

/*
 * A thread of the recording met in a record of the cpu class (or a
 * switch/wakeup naming it), keyed by tid in an_imp.thread_map.
 */
struct an_thread {
	uint32_t tid, pid;
	uint32_t proc;		/* index in procs */
	int64_t first_trace;	/* the trace_id of the file that made it known */
	char comm[SR_COMM_LEN + 1];
	uint8_t has_base, has_last, ended;
	uint8_t running;	/* on a CPU: switched in and not out since */
	uint8_t runnable;	/* waiting for a CPU since runnable_ts */
	uint8_t pending;	/* a syscpu record waits for its syscall */
	struct cpu_counters base, last;
	uint64_t off_cpu, blocked;	/* summed from syscpu records */
	int64_t runnable_ts;
	/* the pending syscpu record */
	int64_t pend_ts;
	struct cpu_split pend;
	/* run-queue waits measured from switch/wakeup records */
	uint64_t *waits;
	size_t nwaits, capwaits;
};

struct an_imp {
	sqlite3 *db;
	/* multi-row INSERTs: EV_BATCH or ROW_BATCH rows each */
	sqlite3_stmt *ins_events, *ins_fds, *ins_aggs, *ins_aggalls;
	sqlite3_stmt *ins_event, *ins_open, *ins_dup, *ins_mmap, *ins_fork,
		     *ins_exit, *ins_exec, *ins_sys, *ins_lost, *ins_cgroup,
		     *ins_proc, *ins_file, *ins_fd, *ins_agg, *ins_mem, *ins_trace,
		     *ins_tmeta, *ins_sysname, *ins_tl, *ins_aggall, *ins_memev,
		     *ins_filestats, *ins_cgstats, *ins_threadcpu, *ins_proccpu, *ins_sched,
		     *ins_netconn, *ins_netstat, *ins_neterr;
	int progress;
	int event_rows;		/* rows of events and ev_*, or only their ids counted */
	int64_t next_event;	/* events.id of the next event (also without rows) */
	int64_t file_base, proc_base;	/* ids of index 0 in this recording */
	int keep_durs;		/* the database was empty: sys_stats from memory */

	/* syscall names, interned over the whole import; sys_id = index + 1 */
	struct an_sys *sys;
	size_t nsys, capsys;
	struct sr_map sys_map;	/* (hash, len, 0) -> index */
	int32_t *nr_sys;	/* per trace: nr -> sys index + 1, 0 = not looked up */

	/* the recording being imported */
	int64_t rec_id;
	int64_t start;		/* bucket 0 begins here */
	int have_start, ts_sorted;
	/*
	 * From the metadata (0: not there, as in traces before they were
	 * written): the command record started, whose parent is the recorder.
	 */
	int64_t command_pid, recorder_pid;
	int64_t last_ts;
	int64_t first_event;
	uint64_t rec_events, rec_lost;
	int64_t rec_stop;
	struct an_file *files;
	size_t nfiles, capfiles;
	struct sr_map file_map;
	struct an_proc *procs;
	size_t nprocs, capprocs;
	struct sr_map alive;	/* pid -> proc index */
	struct sr_fdtrack fdt;	/* descriptors; file refs count an_file.nopen */
	struct an_agg *aggs;
	size_t naggs, capaggs;
	struct sr_map agg_map;
	struct an_tl *tls;
	size_t ntls, captls;
	struct sr_map tl_map;
	/* the cpu class */
	int rec_cpu;		/* the recording has it: metadata or a record of it */
	int rec_switches;	/* it holds switch records: run-queue waits are measured */
	int cpu_rows_late;	/* event rows written before rec_cpu was known */
	struct an_thread *threads;
	size_t nthreads, capthreads;
	struct sr_map thread_map;	/* tid -> index */
	uint64_t npending;	/* threads with a pending syscpu record */
	/* the net class (import_net.c) */
	struct an_sock *socks;
	size_t nsocks, capsocks;
	struct an_ep *eps;
	size_t neps, capeps;
	struct sr_map ep_map;	/* (hash, len, proc) -> index */
	struct an_eperr *eperrs;
	size_t neperrs, capeperrs;
	struct sr_map eperr_map;	/* (ep, errno) -> index */

	_Alignas(8) unsigned char tmp[65536];	/* a record with its ts clamped */

	/*
	 * Event rows wait here and go in EV_BATCH at a time: one multi-row
	 * INSERT costs SQLite about a third less per row than single ones.
	 */
	struct sr_an_evrow pend[EV_BATCH];
	int npend;
	/* sr_an_import_opts.event_sink: where the rows of events go instead */
	int (*sink)(void *ctx, const struct sr_an_evrow *rows, int n);
	void *sink_ctx;

	/* the trace being read */
	int64_t trace_id;
	const struct sr_an_feed *feed;	/* its records, read on another thread */
	const char *fname;
	uint64_t tr_events, tr_lost, tr_unknown;

	/*
	 * The bytes of every table above that grows with what the input
	 * claims (processes, files, descriptors, names, buckets, durations),
	 * and of the open reader's buffers, against the budget's share of them
	 * (--mem-limit).
	 */
	struct sr_mem mem;
	uint64_t reader_held;	/* the open reader's buffers (its thread's while it reads) */
	uint64_t reader_refused; /* what they would have held when refused, or 0 */
	uint64_t budget;	/* --mem-limit in bytes: 0, none */
	uint64_t sql_share;	/* SQLite's heap limit within it */
	int sql_nomem;		/* SQLite ran out of its share */
};

/* The columns of an events row that depend on the record's type. */
struct ev_row {
	int32_t fd;		/* -1: none */
	uint32_t file;
	int has_len, has_off, has_arg;
	uint64_t len;
	int64_t off, arg;
	uint8_t io;		/* RW_READ/RW_WRITE: io_bytes moved (records other than rw) */
	uint64_t io_bytes;
};

/* --- the files of a recording --- */

struct an_input {
	char *path;
	dev_t dev;			/* the file itself, to see it named twice */
	ino_t ino;
	/*
	 * Open only while the file is read (and from the scan on for a pipe,
	 * which cannot be opened twice): memory and descriptors do not grow
	 * with the number of files.
	 */
	struct sr_reader *r;
	int reopen;			/* a regular file: closed after the scan */
	char *recording_id;		/* a copy (im->mem), or NULL */
	int64_t rotation;
	int has_stop;			/* stop_ns of its metadata, clamped */
	int64_t stop_ns;
	int skip;
	/* damage found by the reader */
	uint64_t ndamage, first_off;
	char first_what[160];
};

/* A string field of a record, or NULL/0 when it points outside the record. */
static inline const char *ev_str(const struct sr_event *ev, struct sr_str ref, size_t *len)
{
	const char *s;

	if (sr_event__str(ev, ref, &s, len) || !*len) {
		*len = 0;
		return NULL;
	}
	return s;
}

static inline size_t comm_len(const uint8_t *comm)
{
	size_t n = 0;

	while (n < SR_COMM_LEN && comm[n])
		n++;
	return n;
}

static inline int is_err(int64_t ret)
{
	return ret < 0 && ret >= -4095;
}

/* The files of one recording: sorted files[start .. start + n), the first given first. */
struct an_recset {
	size_t start, n;
	const struct an_input *first;	/* the first of them on the command line */
};

/* import_inputs.c */
/*
 * Read the metadata of the @n files into in[], one at a time, each closed
 * again: those that cannot be read, that are given twice or that the
 * database holds already are marked skip (and counted in *nfailed when that
 * is a failure).  0, or -ENOMEM past the budget.
 */
int scan_inputs(struct an_imp *im, struct an_input *in, char **files, int n, int *nfailed);
/*
 * Open a scanned file again for its turn: 0, or -errno said (-ENOMEM with
 * im->mem.over set, unsaid, when its buffers do not fit the budget).
 */
int reopen_input(struct an_imp *im, struct an_input *in);
void close_input(struct an_input *in);
/*
 * The files not skipped, sorted by (recording, rotation) into *files, and
 * the recordings they make in the order of their first file given, in
 * *sets (both freed by the caller).  0 or -ENOMEM.
 */
int group_inputs(struct an_input *in, int n, struct an_input ***files,
		 struct an_recset **sets, size_t *nsets);
int same_recording(const struct an_input *a, const struct an_input *b);
int64_t meta_int(const struct sr_reader *r, const char *key, int64_t def);
/* A time from the metadata, clamped to [0, SR_TS_MAX]. */
int64_t meta_ts(const struct sr_reader *r, const char *key);

/* import_recording.c */
void rec_reset(struct an_imp *im);
int begin_recording(struct an_imp *im, struct an_input *first);
int import_trace(struct an_imp *im, struct an_input *in, int *nfailed);

/* import_records.c */
int do_record(struct an_imp *im, const struct sr_event *ev);
/*
 * A record whose syscall do_record() names (sys_of()): every event but exit.
 * The feed looks the name up when it reads the first of each number.
 */
int record_has_sys(const struct sr_event *ev);

/* import_snapshot.c: the records of SR_ORIGIN_USER */
int import_lost(struct an_imp *im, const struct sr_event *ev);
int import_proc(struct an_imp *im, const struct sr_event *ev);
int import_fd(struct an_imp *im, const struct sr_event *ev);
int import_cgroup(struct an_imp *im, const struct sr_event *ev);

/* import_sched.c: the cpu class */
int import_switch(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		  const struct sr_sys *s, uint32_t sys);
int import_wakeup(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		  const struct sr_sys *s, uint32_t sys);
int import_syscpu(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		  const struct sr_sys *s, uint32_t sys);
int import_cputime(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		   const struct sr_sys *s, uint32_t sys);

/* import_sched.c: also */
/* A thread's entry (made when @make and the pid is a live process), or NONE. */
uint32_t thread_get(struct an_imp *im, uint32_t pid, uint32_t tid, uint32_t proc, int make);
/*
 * The split of syscall record @h: 1 with *sp filled when its recording has
 * the cpu class (its syscpu record's, else all on-CPU), 0 when it has not.
 */
int syscall_split(struct an_imp *im, const struct sr_event *h, const struct sr_sys *s,
		  struct cpu_split *sp);
/* The metadata of a recording's first file says whether it has the class. */
void sched_begin(struct an_imp *im, const struct sr_reader *first);
void sched_reset(struct an_imp *im);

/*
 * import_threads.c: when a recording ends, its thread_cpu and proc_cpu
 * rows, the split of the event rows written before the class was known,
 * and its syscalls' figures added to the whole import's.
 */
int sched_end(struct an_imp *im);

/* import_syscalls.c */
int load_sysnames(struct an_imp *im);
/* The sys index for nr in the current trace (the file's own table first). */
uint32_t sys_of(struct an_imp *im, unsigned int nr);
int write_sys_stats(struct an_imp *im);

/* import_files.c */
uint32_t file_get(struct an_imp *im, uint64_t dev, uint64_t ino, const char *path, size_t len);
uint32_t file_of_open(struct an_imp *im, uint64_t dev, uint64_t ino, const char *path, size_t len);
/* A descriptor starts (+1) or stops (-1) referring to @file (sr_fdtrack_ref_fn). */
void file_ref(void *im, uint32_t file, int delta);
/* The file behind a descriptor: the record's dev/ino first, else what we tracked. */
uint32_t file_of_fd(struct an_imp *im, uint32_t proc, int32_t fd, uint64_t dev, uint64_t ino);

/* import_procs.c */
uint32_t proc_new(struct an_imp *im, uint32_t pid, const struct sr_event *h, int origin);
/* The live process of the record's pid, made up when none was seen. */
uint32_t proc_of(struct an_imp *im, const struct sr_event *h);
void set_str(struct an_imp *im, char **dst, const char *s, size_t len);
/* argv as one line: NULs between arguments become spaces. */
void set_argv(struct an_imp *im, struct an_proc *p, const char *s, size_t len);
/* A copy of @len bytes of @s and a NUL, counted in im->mem; NULL past the budget. */
char *imp_memdup0(struct an_imp *im, const char *s, size_t len);
/* Free a copy imp_memdup0() made of @len bytes (NULL: nothing). */
void imp_free_str(struct an_imp *im, char *s, size_t len);

/* import_rows.c */
/* Write the waiting event rows: a full batch in one statement, a rest one by one. */
int flush_events(struct an_imp *im);
/* An event: its row, its buckets, its syscall's statistics. */
int insert_event(struct an_imp *im, const struct sr_event *h, uint32_t proc,
		 const struct sr_sys *s, uint32_t sys, const struct ev_row *x);
/* @bytes read or written (@dir) on @file by the event @h, not its own row's file. */
int agg_io(struct an_imp *im, const struct sr_event *h, uint32_t proc, uint32_t file, int dir,
	   uint64_t bytes);

/* import_net.c */
int import_net(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
	       const struct sr_sys *s, uint32_t sys);
int import_sock(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		const struct sr_sys *s, uint32_t sys);
int import_pipe(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		const struct sr_sys *s, uint32_t sys);
int import_xfer(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		const struct sr_sys *s, uint32_t sys);
/* What a syscall's net records are to the importer, by its name. */
uint8_t net_kind(const char *name);
/*
 * An I/O of @ev on @file (a read or write, @dir, of @bytes, or failed with
 * @ret) counted at its socket's endpoint (@a: a datagram's address); no
 * socket, nothing.  0 or -ENOMEM.
 */
int net_io(struct an_imp *im, const struct sr_event *ev, uint32_t proc, uint32_t file,
	   int dir, int64_t ret, uint64_t bytes, const struct sr_addr *a);
int net_end(struct an_imp *im);
void net_reset(struct an_imp *im);

/* import_end.c */
int end_recording(struct an_imp *im, struct an_input *last);

/* import_stmts.c */
int imp_prepare(struct an_imp *im);
void imp_free(struct an_imp *im);
void bind_text_or_null(sqlite3_stmt *st, int i, const char *s, size_t len);
void bind_id_or_null(sqlite3_stmt *st, int i, int64_t base, uint32_t idx);
/*
 * sqlite3_step and reset: 0, or -EIO said on stderr, or -ENOMEM (unsaid,
 * sql_nomem set) when SQLite ran out of its share of the budget.
 */
int step_reset(struct an_imp *im, sqlite3_stmt *st);
/* sr_an_exec() with the same -ENOMEM as step_reset(). */
int imp_exec(struct an_imp *im, const char *sql);

#endif /* SYSREC_IMPORT_H */
