/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * record.h - the recorder's internal pieces: the reorder buffer that merges
 * the per-CPU streams into one time order, and the /proc snapshot.
 */
#ifndef SYSREC_RECORD_H
#define SYSREC_RECORD_H

#include <stddef.h>
#include <stdint.h>

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
};

/*
 * Emit proc, fd and cgroup records for every process alive now, all stamped
 * with ts, through fn.  Processes that vanish during the scan are skipped.
 */
int sr_snapshot(const struct sr_snap_filter *flt, struct sr_cgroups *cg, uint64_t ts,
		sr_release_fn fn, void *ctx);

/* Kernel-internal encoding of a user-space dev_t (what BPF reads from s_dev). */
uint64_t sr_kdev(uint64_t st_dev);

uint64_t sr_mono_ns(void);

#endif /* SYSREC_RECORD_H */
