// SPDX-License-Identifier: GPL-2.0-only
/*
 * import_threads.c - what the cpu class leaves for the end of a recording:
 * the thread_cpu rows (each thread's counters within the recording, its
 * off-CPU time, its run-queue waits), the proc_cpu rows (the same per
 * process), the split of the event rows written before a record showed
 * the class, and the recording's syscall figures added to the import's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

/* A process's threads summed. */
struct proc_acc {
	uint64_t threads, counted;	/* threads; those with counters */
	struct cpu_counters sum;
	uint64_t off_cpu, blocked;
	uint64_t *waits;
	size_t nwaits, capwaits;
};

static uint64_t sub0(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

/* What the thread did within the recording: last minus baseline (none: 0). */
static void thread_delta(const struct an_thread *t, struct cpu_counters *d)
{
	static const struct cpu_counters zero;
	const struct cpu_counters *b = t->has_base ? &t->base : &zero;

	d->on_cpu = sub0(t->last.on_cpu, b->on_cpu);
	d->runq = sub0(t->last.runq, b->runq);
	d->timeslices = sub0(t->last.timeslices, b->timeslices);
	d->vol = sub0(t->last.vol, b->vol);
	d->invol = sub0(t->last.invol, b->invol);
}

/* Columns @at..: counters (NULL without), off-CPU, blocked, waits and percentiles. */
static void bind_cpu(struct an_imp *im, sqlite3_stmt *st, int at, const struct cpu_counters *c,
		     uint64_t off, uint64_t blocked, uint64_t *waits, size_t n)
{
	if (c) {
		sqlite3_bind_int64(st, at, (int64_t)c->on_cpu);
		sqlite3_bind_int64(st, at + 1, (int64_t)c->runq);
		sqlite3_bind_int64(st, at + 2, (int64_t)c->timeslices);
		sqlite3_bind_int64(st, at + 3, (int64_t)c->vol);
		sqlite3_bind_int64(st, at + 4, (int64_t)c->invol);
	} else {
		for (int k = 0; k < 5; k++)
			sqlite3_bind_null(st, at + k);
	}
	sqlite3_bind_int64(st, at + 5, (int64_t)off);
	sqlite3_bind_int64(st, at + 6, (int64_t)blocked);
	/* without switch records no wait was measured: NULL, not 0 */
	if (im->rec_switches)
		sqlite3_bind_int64(st, at + 7, (int64_t)n);
	else
		sqlite3_bind_null(st, at + 7);
	if (n) {
		sr_sort_u64(waits, n);
		sqlite3_bind_int64(st, at + 8, (int64_t)sr_percentile(waits, n, 50));
		sqlite3_bind_int64(st, at + 9, (int64_t)sr_percentile(waits, n, 99));
		sqlite3_bind_int64(st, at + 10, (int64_t)waits[n - 1]);
	} else {
		for (int k = 8; k <= 10; k++)
			sqlite3_bind_null(st, at + k);
	}
}

static int write_threads(struct an_imp *im, struct proc_acc *acc)
{
	sqlite3_stmt *st = im->ins_threadcpu;

	for (size_t i = 0; i < im->nthreads; i++) {
		struct an_thread *t = &im->threads[i];
		struct proc_acc *a = &acc[t->proc];
		struct cpu_counters d;

		a->threads++;
		if (t->has_last) {
			thread_delta(t, &d);
			a->counted++;
			a->sum.on_cpu += d.on_cpu;
			a->sum.runq += d.runq;
			a->sum.timeslices += d.timeslices;
			a->sum.vol += d.vol;
			a->sum.invol += d.invol;
		}
		a->off_cpu += t->off_cpu;
		a->blocked += t->blocked;
		if (t->nwaits) {
			if (sr_grow(&a->waits, &a->capwaits, a->nwaits + t->nwaits, sizeof(*a->waits)))
				return -ENOMEM;
			memcpy(a->waits + a->nwaits, t->waits, t->nwaits * sizeof(*t->waits));
			a->nwaits += t->nwaits;
		}
		sqlite3_bind_int64(st, 1, im->rec_id);
		sqlite3_bind_int64(st, 2, im->proc_base + t->proc);
		sqlite3_bind_int64(st, 3, t->pid);
		sqlite3_bind_int64(st, 4, t->tid);
		sqlite3_bind_text(st, 5, t->comm, -1, SQLITE_STATIC);
		bind_cpu(im, st, 6, t->has_last ? &d : NULL, t->off_cpu, t->blocked,
			 t->waits, t->nwaits);
		if (step_reset(im, st))
			return -EIO;
	}
	return 0;
}

static int write_procs_cpu(struct an_imp *im, struct proc_acc *acc)
{
	sqlite3_stmt *st = im->ins_proccpu;

	for (size_t i = 0; i < im->nprocs; i++) {
		struct proc_acc *a = &acc[i];

		if (!a->threads)
			continue;
		sqlite3_bind_int64(st, 1, im->proc_base + (int64_t)i);
		sqlite3_bind_int64(st, 2, im->rec_id);
		sqlite3_bind_int64(st, 3, (int64_t)a->threads);
		bind_cpu(im, st, 4, a->counted ? &a->sum : NULL, a->off_cpu, a->blocked,
			 a->waits, a->nwaits);
		if (step_reset(im, st))
			return -EIO;
	}
	return 0;
}

/*
 * A syscall record before the first record of the class, in a recording
 * whose metadata did not name it, got NULL: it never left its CPU.
 */
static int fix_late_rows(struct an_imp *im)
{
	sqlite3_stmt *st;
	int err;

	/* rows that went to a sink are its owner's to fix (sr_an_import_opts) */
	if (!im->cpu_rows_late || !im->event_rows || im->sink)
		return 0;
	err = sr_an_prepare(im->db, "UPDATE events SET on_cpu_ns = MIN(MAX(dur_ns, 0), ?3),"
			    " off_cpu_ns = 0, blocked_ns = 0, runq_ns = 0, vol_switches = 0,"
			    " invol_switches = 0 WHERE id BETWEEN ?1 AND ?2"
			    " AND dur_ns IS NOT NULL AND on_cpu_ns IS NULL", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, im->first_event);
	sqlite3_bind_int64(st, 2, im->next_event - 1);
	sqlite3_bind_int64(st, 3, SR_DUR_MAX);
	err = step_reset(im, st);
	sqlite3_finalize(st);
	return err;
}

int sched_end(struct an_imp *im)
{
	struct proc_acc *acc;
	int err;

	if (!im->rec_cpu)
		return 0;
	for (size_t i = 0; i < im->nsys; i++) {
		struct an_sys *y = &im->sys[i];

		y->cpu_calls += y->rec_calls;
		y->cpu_total = (uint64_t)sr_sum((int64_t)y->cpu_total, (int64_t)y->rec_total);
		y->rec_calls = y->rec_total = 0;
	}
	acc = calloc(im->nprocs + 1, sizeof(*acc));
	if (!acc)
		return -ENOMEM;
	err = write_threads(im, acc);
	if (!err)
		err = write_procs_cpu(im, acc);
	if (!err)
		err = fix_late_rows(im);
	for (size_t i = 0; i <= im->nprocs; i++)
		free(acc[i].waits);
	free(acc);
	return err;
}
