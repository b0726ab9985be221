/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * top.h - the inside of sysrec top, shared by top.c (the figures, summed
 * on the poll loop's thread) and top_view.c (the screen, on its own).
 */
#ifndef SYSREC_RECORD_TOP_H
#define SYSREC_RECORD_TOP_H

#include <pthread.h>
#include <stdint.h>

#include "record.h"

/* What a process did since it was first seen: sums, never rates. */
struct top_sums {
	uint32_t pid;
	int dead;			/* the whole process exited */
	char comm[SR_COMM_LEN + 1];
	char cgroup[96];		/* its cgroup v2 below the mount, "" unknown */
	uint64_t syscalls;
	uint64_t errors;		/* calls that returned -errno */
	uint64_t opens;
	uint64_t read_bytes;
	uint64_t write_bytes;
	uint64_t oncpu_ns;
};

struct top_proc {
	struct top_proc *next;		/* the hash bucket's chain */
	struct top_sums s;
	uint64_t cgroup_id;
	int shown_dead;			/* a copy showed it gone: dropped at the next */
};

/* Who runs on a CPU since when, from its switches. */
struct top_cpu {
	uint64_t since;			/* 0: no switch seen yet */
	uint32_t pid, tid;
	uint8_t comm[SR_COMM_LEN];
};

struct top_totals {
	uint64_t events;
	uint64_t lost;
	uint64_t read_ns;
};

struct sr_top {
	pthread_mutex_t mu;		/* the sums below, between the two threads */
	struct top_proc **buckets;
	size_t nprocs;
	struct top_cpu cpus[MAX_CPUS];
	uint64_t events, lost;
	uint64_t read_ns;		/* every record older than this was read */
	int filtered;			/* -p, a command, -c or --cgroup */
	struct sr_rec *rec;
	struct sr_cgroups *cg;
	struct top_view *view;		/* top_view.c: the screen's thread */
};

int sr_top__take(struct sr_top *t, struct top_sums **rows, size_t *n, struct top_totals *tot);

#endif /* SYSREC_RECORD_TOP_H */
