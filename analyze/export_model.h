/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * export_model.h - the inside of struct sr_exp, shared by export_model.c
 * (the tables, counters, thread states and CPUs) and export_records.c (what
 * each record means on the timeline); export.h is the model's API.
 */
#ifndef SYSREC_EXPORT_MODEL_H
#define SYSREC_EXPORT_MODEL_H

#include "sysrec/format.h"
#include "sysrec/print.h"
#include "sysrec/util.h"
#include "export.h"

#define EXP_CPUS	1024		/* CPUs followed per recording; records of others are not */
#define NIL		UINT32_MAX
#define EXP_TCACHE_BITS	8

struct exp_cpu {
	uint32_t cur;			/* thread index, or NIL (idle, or not known) */
	uint64_t since;
	uint64_t last;			/* ts of its last record */
	int has_last;
};

/*
 * A SYSCPU record, kept for the syscall record that follows it (same tid,
 * same ts): direct-mapped by tid, as present/ keeps them for dump.
 */
#define EXP_SPLIT_SLOTS	64
struct exp_split {
	uint32_t tid;
	int valid;
	uint64_t ts;
	uint64_t off_cpu_ns, runq_ns;
};

/* What the model keeps of each recording. */
struct exp_rec {
	struct exp_split split[EXP_SPLIT_SLOTS];
	struct pr_fdpath *fds;		/* descriptors' paths, by pid */
	struct exp_cpu *cpus;		/* EXP_CPUS */
	uint8_t *dir;			/* by syscall nr: 1 + enum sr_dir, 0 not looked up */
	uint64_t lo, hi;		/* its window */
};

struct sr_exp {
	struct sr_exp_sink **sinks;
	int nsinks;
	const uint32_t *pids;
	size_t npids;
	uint64_t iv;			/* counter interval, ns */

	struct sr_map pmap, tmap;	/* (rec, pid, 0) -> process; (rec, tid, 1) -> thread */
	uint32_t tcache[1 << EXP_TCACHE_BITS];	/* tmap's last answers, by tid (NIL: none) */
	struct sr_exp_proc *procs;
	size_t nprocs, capprocs;
	struct sr_exp_thread *threads;
	size_t nthreads, capthreads;
	struct exp_rec *recs;
	size_t nrecs;

	uint32_t *dirty;		/* processes whose I/O counters are not 0 yet */
	size_t ndirty, capdirty;
	uint64_t cur_iv;		/* the interval being summed */
	int have_iv;

	uint64_t ts_last;
	uint64_t flows;
	struct sr_exp_counts n;
	char scratch[4096];		/* an exec's argv as one line */
};

/* Every sink, one call. */
#define EACH(x, fn, ...)							\
	do {									\
		for (int i_ = 0; i_ < (x)->nsinks; i_++)			\
			(x)->sinks[i_]->ops->fn((x)->sinks[i_], __VA_ARGS__);	\
	} while (0)

/* export_model.c */
int exp_wanted(const struct sr_exp *x, uint32_t pid);
/* What the model keeps of the recording of @src, made on first use (NULL: ENOMEM). */
struct exp_rec *exp_rec_of(struct sr_exp *x, const struct sr_exp_src *src);
/* The comm of a record as a string into @dst (SR_COMM_LEN + 1 bytes). */
void exp_set_name(char *dst, const uint8_t *comm);
/*
 * The process (rec, pid) or thread (rec, tid) alive now, made when missing
 * or when the last one died; NULL on ENOMEM.  Either may move the tables:
 * pointers into them taken before are stale.
 */
struct sr_exp_proc *exp_get_proc(struct sr_exp *x, unsigned int rec, uint32_t pid,
				 const uint8_t *comm);
struct sr_exp_thread *exp_get_thread(struct sr_exp *x, unsigned int rec, uint32_t tid,
				     uint32_t pid, const uint8_t *comm);
static inline struct sr_exp_proc *exp_proc_of(struct sr_exp *x, const struct sr_exp_thread *t)
{
	return &x->procs[t->proc];
}
/* The sinks learn of @t and its process before its first event. */
void exp_announce(struct sr_exp *x, struct sr_exp_thread *t, uint64_t ts);
/* A record's comm differs from the name known (prctl, exec): the sinks are told. */
void exp_rename_thread(struct sr_exp *x, struct sr_exp_thread *t, const uint8_t *comm,
		       uint64_t ts);
/* @p moved bytes in this interval: 0 or -ENOMEM. */
int exp_mark_dirty(struct sr_exp *x, struct sr_exp_proc *p);
/* Time moved to @ts: the counters of the intervals before its own are shown. */
void exp_advance(struct sr_exp *x, uint64_t ts);
static inline int exp_in_win(const struct exp_rec *r, uint64_t ts)
{
	return ts >= r->lo && ts < r->hi;
}
/* @t enters @state at @ts: the state it leaves is shown, within the window. */
void exp_set_state(struct sr_exp *x, struct exp_rec *r, struct sr_exp_thread *t,
		   uint64_t ts, int state, int cpu);
int exp_on_switch(struct sr_exp *x, const struct sr_exp_src *src, struct exp_rec *r,
		  const struct sr_event *ev, uint64_t ts);
int exp_on_wakeup(struct sr_exp *x, const struct sr_exp_src *src, struct exp_rec *r,
		  const struct sr_event *ev, uint64_t ts);

#endif /* SYSREC_EXPORT_MODEL_H */
