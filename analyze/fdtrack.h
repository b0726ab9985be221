/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fdtrack.h - what each descriptor of each process refers to, replayed
 * from the records of a trace: one table per process (its threads share
 * it), every lifetime of a descriptor kept for the fds table.
 *
 * Pure bookkeeping: no SQLite, no records beyond struct sr_ev_dup, so
 * tests/unit/test_fdtrack.c checks it alone.  Processes and files are the
 * caller's indexes; file SR_FD_NONE is "not known".
 */
#ifndef SYSREC_FDTRACK_H
#define SYSREC_FDTRACK_H

#include <stdint.h>

#include "sysrec/event.h"
#include "analyze.h"

#define SR_FD_NONE	UINT32_MAX	/* no file, no process */

/* How a descriptor came to be (fds.how in the database). */
enum sr_fd_how { SR_FD_OPEN, SR_FD_DUP, SR_FD_INHERIT, SR_FD_SNAPSHOT };

/* An open descriptor of a process. */
struct sr_fd {
	int32_t fd;
	uint32_t file;		/* the caller's file index, or SR_FD_NONE */
	uint32_t life;		/* index in sr_fdtrack.lives */
	uint8_t cloexec;
};

/* One descriptor's life: from open (dup, fork...) to close, or still open. */
struct sr_fdlife {
	uint32_t proc, file;
	int32_t fd;
	uint8_t how, cloexec, closed;
	int64_t opened_ts, closed_ts;
};

/* One process's table: unsorted, found through sr_fdtrack.map. */
struct sr_fdtab {
	struct sr_fd *fds;
	uint32_t nfds, capfds;
};

/*
 * Called with +1 when a descriptor starts referring to @file, -1 when it
 * stops: the importer counts the open descriptors of each file.
 */
typedef void (*sr_fdtrack_ref_fn)(void *ctx, uint32_t file, int delta);

struct sr_fdtrack {
	struct sr_fdtab *tabs;		/* by process index */
	size_t ntabs, captabs;
	struct sr_fdlife *lives;	/* in the order they began */
	size_t nlives, caplives;
	/*
	 * (proc, fd) -> position in the process's table: opening, closing and
	 * looking up are O(1) whatever fds a (hostile) trace throws at us.
	 */
	struct sr_map map;
	sr_fdtrack_ref_fn ref;		/* may be NULL */
	void *ctx;
	/* where the tables' bytes are counted, or NULL; map.mem likewise */
	struct sr_mem *mem;
};

/* The open descriptor @fd of @proc, or NULL. */
struct sr_fd *sr_fdtrack__find(struct sr_fdtrack *t, uint32_t proc, int32_t fd);
/*
 * @fd of @proc now refers to @file: a new lifetime, closing the one @fd had
 * (dup2 onto an open descriptor).  A negative @fd changes nothing.
 * 0 or -ENOMEM.
 */
int sr_fdtrack__assign(struct sr_fdtrack *t, uint32_t proc, int32_t fd, uint32_t file,
		       int cloexec, enum sr_fd_how how, int64_t ts);
/* close(@fd): nothing when it is not open. */
void sr_fdtrack__close(struct sr_fdtrack *t, uint32_t proc, int32_t fd, int64_t ts);
/*
 * What a successful dup, dup2, dup3 or fcntl (@is_fcntl) that returned @ret
 * did: a new descriptor for @file, or (F_SETFD) a changed close-on-exec flag.
 */
int sr_fdtrack__dup(struct sr_fdtrack *t, uint32_t proc, const struct sr_ev_dup *e,
		    int64_t ret, int is_fcntl, uint32_t file, int64_t ts);
/*
 * A successful close_range(@first, @last, @flags).  With CLOSE_RANGE_UNSHARE
 * in a process that may have other threads (@threaded) nothing changes:
 * the table closed was the calling thread's new copy.
 */
void sr_fdtrack__close_range(struct sr_fdtrack *t, uint32_t proc, uint64_t first,
			     uint64_t last, uint64_t flags, int threaded, int64_t ts);
/* A fork: @child starts with a copy of @parent's table (fds it has stay). */
int sr_fdtrack__fork(struct sr_fdtrack *t, uint32_t parent, uint32_t child, int64_t ts);
/* A successful exec: the close-on-exec descriptors close. */
void sr_fdtrack__exec(struct sr_fdtrack *t, uint32_t proc, int64_t ts);
/* The process ended: every descriptor closes and its table is freed. */
void sr_fdtrack__end(struct sr_fdtrack *t, uint32_t proc, int64_t ts);
/* Frees everything but ref, ctx and mem; the tracker may be used again. */
void sr_fdtrack__clear(struct sr_fdtrack *t);

#endif /* SYSREC_FDTRACK_H */
