/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * export.h - "sysrec export": traces as timelines for other tools; private
 * to the export's files.
 *
 *   export.c           the command: options, the trace files merged into one
 *                      time order, the sinks opened and closed
 *   export_model.c     the timeline's state: processes, threads, counters,
 *                      thread states and CPUs (export_model.h: its inside)
 *   export_records.c   what each record is: syscall slices and their
 *                      arguments, exec/fork/exit instants, bytes, lost ranges
 *   export_perfetto.c  the Perfetto sink (protobuf, through pbuf.c)
 *   export_chrome.c    the Chrome JSON sink (Trace Event Format)
 *
 * The model keeps what a record alone does not say (names, parents, the
 * path behind a descriptor, a thread's state since its last switch, the
 * bytes of the current interval) in tables that grow with the processes and
 * threads, never with the events: a trace of any length is exported in
 * bounded memory.  A sink sees only the timeline's vocabulary below, so a
 * new output (a database, a ClickHouse URL) is one more struct
 * sr_exp_sink_ops and one more option in export.c's table.
 */
#ifndef SYSREC_EXPORT_H
#define SYSREC_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sysrec/event.h"
#include "analyze.h"

/* One argument of a slice or instant: an integer or a string. */
struct sr_exp_arg {
	const char *key;	/* a string literal (the Perfetto sink interns keys by address) */
	const char *s;		/* NULL: the value is i */
	size_t len;
	int64_t i;
};
#define SR_EXP_ARGS_MAX	10

/* A process: one per (recording, pid, life); a pid used again is a new one. */
struct sr_exp_proc {
	uint64_t uuid;		/* unique in the export: recording, pid, life */
	uint32_t pid, ppid;	/* ppid 0: not known */
	char name[SR_COMM_LEN + 1];
	char *cmdline;		/* NUL-separated argv (proc or exec record), or NULL */
	size_t cmdline_len;
	int announced;		/* the sinks know it (by this name) */
	int dead;		/* its last thread exited: the pid's next use is a new process */
	/*
	 * The recorder followed it (a snapshot's proc record, a syscall, an
	 * exit, a fork by a followed process, a wakeup of one of its threads):
	 * every switch of its threads is in the trace.  A switch record names
	 * the other thread too, followed or not; for that one it tells only
	 * the moments it met a followed thread, so it gets no states.
	 */
	int recorded;
	/* the I/O counters of the interval being summed (export_model.c) */
	uint64_t rd, wr;
	int rd_shown, wr_shown;	/* the last value shown was not 0 */
	int dirty;		/* in the list of processes whose counters change */
	int64_t mapped;		/* mmap'ed minus munmap'ed bytes, while recorded */
};

/* A thread: one per (recording, tid, life). */
struct sr_exp_thread {
	uint64_t uuid;
	unsigned int rec;	/* its recording */
	uint32_t tid;
	uint32_t proc;		/* index of its process */
	char name[SR_COMM_LEN + 1];
	int announced;
	int dead;
	int exiting;		/* exited, its last switch to come */
	/* scheduling (switch and wakeup records) */
	int state;		/* enum sr_exp_state */
	uint64_t since;		/* when it entered it */
	int cpu;		/* Running: its CPU; Runnable: the run queue's */
};

/* A thread's state, as the switch and wakeup records say. */
enum sr_exp_state {
	SR_EXP_NONE,		/* not known (before its first switch record, after exit) */
	SR_EXP_RUNNING,
	SR_EXP_RUNNABLE,
	SR_EXP_SLEEPING,
	SR_EXP_UNINTERRUPTIBLE,
	SR_EXP_STOPPED,
	SR_EXP_IDLE,
	SR_EXP_OTHER,
};
extern const char *const sr_exp_state_names[];

enum sr_exp_counter { SR_EXP_C_READ, SR_EXP_C_WRITTEN, SR_EXP_C_MAPPED, SR_EXP_C_COUNT };
extern const char *const sr_exp_counter_names[];

struct sr_exp_sink;

/*
 * What a sink does with the timeline.  Times are ns in the export's one
 * clock (the first recording's CLOCK_MONOTONIC, export.c).  Every call but
 * open and close may not fail: a sink keeps its first error and close
 * returns it (0 or -errno).
 */
struct sr_exp_sink_ops {
	const char *option;	/* "perfetto": --perfetto OUT */
	/*
	 * 1: OUT is a file, which export.c opens for writing (s->f; "-" is
	 * standard output) before open() and closes after close(); 0: open()
	 * makes of s->path what it is (a URL, a database) and close() ends it.
	 */
	int writes_file;
	int (*open)(struct sr_exp_sink *s);
	/* a process or thread first used, or renamed (exec): before any of its events */
	void (*process)(struct sr_exp_sink *s, const struct sr_exp_proc *p, uint64_t ts);
	void (*thread)(struct sr_exp_sink *s, const struct sr_exp_thread *t,
		       const struct sr_exp_proc *p, uint64_t ts);
	/* a syscall from @start to @end on its thread */
	void (*slice)(struct sr_exp_sink *s, const struct sr_exp_thread *t,
		      const struct sr_exp_proc *p, uint64_t start, uint64_t end,
		      const char *name, const struct sr_exp_arg *a, int na);
	/*
	 * A moment on a thread (exec, fork, exit, a thread's start); @flow_out
	 * starts a flow (fork: parent to child), @flow_in ends one; 0: none.
	 */
	void (*instant)(struct sr_exp_sink *s, const struct sr_exp_thread *t,
			const struct sr_exp_proc *p, uint64_t ts, const char *name,
			const struct sr_exp_arg *a, int na, uint64_t flow_out, uint64_t flow_in);
	void (*counter)(struct sr_exp_sink *s, const struct sr_exp_proc *p,
			enum sr_exp_counter c, uint64_t ts, int64_t v);
	/* the thread was in @state from @start to @end (Running: on @cpu) */
	void (*state)(struct sr_exp_sink *s, const struct sr_exp_thread *t,
		      const struct sr_exp_proc *p, uint64_t start, uint64_t end,
		      enum sr_exp_state state, int cpu);
	/* @t ran on @cpu of recording @rec from @start to @end */
	void (*cpu)(struct sr_exp_sink *s, unsigned int rec, int cpu, uint64_t start,
		    uint64_t end, const struct sr_exp_thread *t, const struct sr_exp_proc *p);
	/* @count records of @cpu of recording @rec were lost between @start and @end */
	void (*lost)(struct sr_exp_sink *s, unsigned int rec, int cpu, uint64_t start,
		     uint64_t end, uint64_t count);
	/* finish the output and close it: 0, or the first error (-errno) */
	int (*close)(struct sr_exp_sink *s);
};

struct sr_exp_sink {
	const struct sr_exp_sink_ops *ops;
	const char *path;	/* OUT as given ("-": standard output) */
	FILE *f;		/* opened by export.c */
	void *priv;		/* the sink's own */
	int opened;		/* open() succeeded: close() is to be called */
	int err;		/* the first error, -errno */
};

extern const struct sr_exp_sink_ops sr_exp_perfetto;	/* export_perfetto.c */
extern const struct sr_exp_sink_ops sr_exp_chrome;	/* export_chrome.c */

#define SR_EXP_SINKS_MAX	4

/* The model (export_model.c). */
struct sr_exp;

/* What the model is told of the recording a record comes from. */
struct sr_exp_src {
	unsigned int rec;		/* the recording's index among those given */
	int cpu_class;			/* the file recorded the cpu class: syscalls have a split */
	uint64_t lo, hi;		/* the window (--since, --until) in the export's clock */
	/* the name the recording's syscall table gives @nr, or NULL */
	const char *(*sys_name)(void *ctx, unsigned int nr);
	void *ctx;
};

/*
 * A model handing the timeline to @sinks: only records of @pids (all when
 * @npids is 0), counters summed over @interval_ns.  NULL on ENOMEM.
 */
struct sr_exp *sr_exp__new(struct sr_exp_sink **sinks, int nsinks, const uint32_t *pids,
			   size_t npids, uint64_t interval_ns);
/* One record, at @ts in the export's clock: 0, or -ENOMEM. */
int sr_exp__event(struct sr_exp *x, const struct sr_exp_src *src, const struct sr_event *ev,
		  uint64_t ts);
/* The records are over: what is still open ends at the last time seen, within its window. */
void sr_exp__finish(struct sr_exp *x);
/* What was exported, for the summary line. */
struct sr_exp_counts {
	uint64_t records, slices, instants, counters, states, lost;
};
void sr_exp__counts(const struct sr_exp *x, struct sr_exp_counts *c);
void sr_exp__free(struct sr_exp *x);

/*
 * A slot of 1 << @bits for address @p, for the sinks' caches of string
 * literals: the addresses of literals are a few bytes apart, so their low
 * bits alone would put "fd" and "path" in one slot; a multiplication mixes
 * them all into the top bits.
 */
static inline size_t sr_exp_addr_slot(const void *p, unsigned int bits)
{
	return (size_t)(((uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull) >> (64 - bits));
}

/* What a sink has told once (a track described, a thread named): a growing bitmap. */
struct sr_exp_bits {
	uint8_t *v;
	size_t n;
};
/* 1 when bit @i was clear (and now is set), 0 when set; -ENOMEM. */
int sr_exp_bit_claim(struct sr_exp_bits *b, uint64_t i);

#endif /* SYSREC_EXPORT_H */
