// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fdtrack.c - the descriptor tables of analyze/fdtrack.c, as the
 * importer replays them: open, dup, dup2 onto an open descriptor, dup3 and
 * fcntl with close-on-exec, close, close_range (CLOEXEC, UNSHARE), fork,
 * exec and the end of a process.  Every step checks which descriptor refers
 * to which file, the lifetimes written to the fds table, and the count of
 * open descriptors per file that the file table relies on.
 */
#define TAP_PREFIX "fdtrack"
#include "unit/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "../../analyze/fdtrack.h"

#define NFILES		32
#define CLOSED		-1	/* fd_file(): the descriptor is not open */

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE	(1u << 1)
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC	(1u << 2)
#endif

static int refs[NFILES];	/* open descriptors per file, from the ref callback */

static void count_ref(void *ctx, uint32_t file, int delta)
{
	(void)ctx;
	if (file < NFILES)
		refs[file] += delta;
}

static void tracker(struct sr_fdtrack *t)
{
	memset(t, 0, sizeof(*t));
	memset(refs, 0, sizeof(refs));
	t->ref = count_ref;
}

/* The file of @fd in @proc, or CLOSED. */
static long long fd_file(struct sr_fdtrack *t, uint32_t proc, int32_t fd)
{
	struct sr_fd *f = sr_fdtrack__find(t, proc, fd);

	return f ? (long long)f->file : CLOSED;
}

static int fd_cloexec(struct sr_fdtrack *t, uint32_t proc, int32_t fd)
{
	struct sr_fd *f = sr_fdtrack__find(t, proc, fd);

	return f ? f->cloexec : -1;
}

static uint32_t nfds(struct sr_fdtrack *t, uint32_t proc)
{
	return proc < t->ntabs ? t->tabs[proc].nfds : 0;
}

/* A dup-family record: dup/dup2/dup3 (cmd 0) or fcntl (cmd). */
static struct sr_ev_dup dup_ev(int32_t fd, uint32_t cmd, uint32_t flags, uint64_t arg)
{
	struct sr_ev_dup e;

	memset(&e, 0, sizeof(e));
	e.fd = fd;
	e.newfd = -1;
	e.cmd = cmd;
	e.flags = flags;
	e.arg = arg;
	return e;
}

static void test_open_close(void)
{
	struct sr_fdtrack t;

	tracker(&t);
	ok_eq(sr_fdtrack__assign(&t, 0, 3, 10, 0, SR_FD_OPEN, 100), 0, "open fd 3");
	ok_eq(fd_file(&t, 0, 3), 10, "fd 3 is file 10");
	ok_eq(refs[10], 1, "file 10 has one descriptor");
	ok_eq(t.nlives, 1, "one lifetime");
	ok(t.lives[0].proc == 0 && t.lives[0].fd == 3 && t.lives[0].file == 10 &&
	   t.lives[0].how == SR_FD_OPEN && !t.lives[0].closed && t.lives[0].opened_ts == 100,
	   "the lifetime says proc 0, fd 3, file 10, open, since 100");
	ok_eq(sr_fdtrack__assign(&t, 0, -1, 11, 0, SR_FD_OPEN, 101), 0, "a negative fd");
	ok_eq(t.nlives, 1, "a negative fd is no descriptor");
	ok_eq(fd_file(&t, 1, 3), CLOSED, "another process does not have fd 3");

	sr_fdtrack__close(&t, 0, 3, 200);
	ok_eq(fd_file(&t, 0, 3), CLOSED, "close: fd 3 is gone");
	ok_eq(refs[10], 0, "close: file 10 has no descriptor");
	ok(t.lives[0].closed && t.lives[0].closed_ts == 200, "close: the lifetime ends at 200");
	sr_fdtrack__close(&t, 0, 3, 300);
	sr_fdtrack__close(&t, 7, 3, 300);
	ok(t.lives[0].closed_ts == 200 && t.nlives == 1,
	   "closing a closed fd or an unknown process changes nothing");

	/* far and many descriptors: the table is found by hash, not by index */
	ok_eq(sr_fdtrack__assign(&t, 0, 1 << 30, 12, 0, SR_FD_OPEN, 400), 0, "open fd 2^30");
	ok_eq(fd_file(&t, 0, 1 << 30), 12, "fd 2^30 is file 12");
	for (int fd = 0; fd < 1000; fd++)
		sr_fdtrack__assign(&t, 0, fd, (uint32_t)(fd % 4), 0, SR_FD_OPEN, 500);
	for (int fd = 0; fd < 1000; fd += 2)
		sr_fdtrack__close(&t, 0, fd, 600);
	{
		int right = 1;

		for (int fd = 0; fd < 1000; fd++)
			right &= fd_file(&t, 0, fd) == (fd % 2 ? fd % 4 : CLOSED);
		ok(right && nfds(&t, 0) == 501, "1000 opened, the even ones closed: the odd ones stay");
	}
	ok(refs[0] == 0 && refs[1] == 250 && refs[2] == 0 && refs[3] == 250 && refs[12] == 1,
	   "descriptor counts per file after closing the even fds");
	sr_fdtrack__clear(&t);
}

static void test_dup(void)
{
	struct sr_fdtrack t;
	struct sr_ev_dup e;

	tracker(&t);
	sr_fdtrack__assign(&t, 0, 3, 10, 0, SR_FD_OPEN, 100);
	sr_fdtrack__assign(&t, 0, 5, 20, 0, SR_FD_OPEN, 100);

	/* dup(3) = 4 */
	e = dup_ev(3, 0, 0, 0);
	ok_eq(sr_fdtrack__dup(&t, 0, &e, 4, 0, 10, 110), 0, "dup(3) = 4");
	ok(fd_file(&t, 0, 4) == 10 && fd_cloexec(&t, 0, 4) == 0, "dup: fd 4 is file 10, no cloexec");
	ok(t.nlives == 3 && t.lives[2].how == SR_FD_DUP && t.lives[2].fd == 4,
	   "dup: a lifetime made by dup");
	ok_eq(refs[10], 2, "dup: file 10 has two descriptors");

	/* dup2(3, 5): 5 was file 20 */
	e = dup_ev(3, 0, 0, 0);
	e.newfd = 5;
	ok_eq(sr_fdtrack__dup(&t, 0, &e, 5, 0, 10, 120), 0, "dup2(3, 5) onto an open fd");
	ok_eq(fd_file(&t, 0, 5), 10, "dup2: fd 5 is file 10 now");
	ok(t.lives[1].fd == 5 && t.lives[1].closed && t.lives[1].closed_ts == 120,
	   "dup2: fd 5's old lifetime (file 20) ends at 120");
	ok(t.lives[3].fd == 5 && t.lives[3].file == 10 && !t.lives[3].closed,
	   "dup2: fd 5's new lifetime (file 10) is open");
	ok(refs[10] == 3 && refs[20] == 0, "dup2: file 10 has three descriptors, file 20 none");
	ok_eq(nfds(&t, 0), 3, "dup2: fds 3, 4, 5");

	/* dup2(3, 3) changes nothing */
	e.newfd = 3;
	ok_eq(sr_fdtrack__dup(&t, 0, &e, 3, 0, 10, 130), 0, "dup2(3, 3)");
	ok(t.nlives == 4 && !t.lives[0].closed, "dup2(3, 3): no new lifetime, fd 3 still open");

	/* dup3(3, 6, O_CLOEXEC) */
	e = dup_ev(3, 0, O_CLOEXEC, 0);
	e.newfd = 6;
	ok_eq(sr_fdtrack__dup(&t, 0, &e, 6, 0, 10, 140), 0, "dup3(3, 6, O_CLOEXEC)");
	ok(fd_file(&t, 0, 6) == 10 && fd_cloexec(&t, 0, 6) == 1 && t.lives[4].cloexec == 1,
	   "dup3: fd 6 is file 10, close-on-exec");

	/* a failed dup changes nothing */
	e = dup_ev(9, 0, 0, 0);
	ok_eq(sr_fdtrack__dup(&t, 0, &e, -EBADF, 0, SR_FD_NONE, 150), 0, "dup(9) = -EBADF");
	ok_eq(t.nlives, 5, "a failed dup makes no descriptor");

	/* fcntl(3, F_DUPFD, 7) = 7, fcntl(3, F_DUPFD_CLOEXEC, 8) = 8 */
	e = dup_ev(3, F_DUPFD, 0, 7);
	ok_eq(sr_fdtrack__dup(&t, 0, &e, 7, 1, 10, 160), 0, "fcntl(3, F_DUPFD) = 7");
	ok(fd_file(&t, 0, 7) == 10 && fd_cloexec(&t, 0, 7) == 0, "F_DUPFD: fd 7 is file 10, no cloexec");
	e = dup_ev(3, F_DUPFD_CLOEXEC, 0, 8);
	ok_eq(sr_fdtrack__dup(&t, 0, &e, 8, 1, 10, 170), 0, "fcntl(3, F_DUPFD_CLOEXEC) = 8");
	ok(fd_file(&t, 0, 8) == 10 && fd_cloexec(&t, 0, 8) == 1,
	   "F_DUPFD_CLOEXEC: fd 8 is file 10, close-on-exec");

	/* fcntl(3, F_SETFD, FD_CLOEXEC) returns 0: no descriptor 0 */
	e = dup_ev(3, F_SETFD, 0, FD_CLOEXEC);
	ok_eq(sr_fdtrack__dup(&t, 0, &e, 0, 1, 10, 180), 0, "fcntl(3, F_SETFD, FD_CLOEXEC)");
	ok(fd_cloexec(&t, 0, 3) == 1 && t.lives[0].cloexec == 1 && fd_file(&t, 0, 0) == CLOSED,
	   "F_SETFD: fd 3 and its lifetime are close-on-exec, no fd 0");
	e = dup_ev(3, F_SETFD, 0, 0);
	sr_fdtrack__dup(&t, 0, &e, 0, 1, 10, 190);
	ok(fd_cloexec(&t, 0, 3) == 0 && t.lives[0].cloexec == 0, "F_SETFD 0: fd 3 is not");
	/* other fcntl commands change nothing, whatever they return */
	e = dup_ev(3, F_GETFL, 0, 0);
	sr_fdtrack__dup(&t, 0, &e, 2, 1, 10, 195);
	ok(t.nlives == 7 && fd_file(&t, 0, 2) == CLOSED, "F_GETFL returning 2 makes no fd 2");
	ok_eq(refs[10], 6, "file 10 has six descriptors: 3, 4, 5, 6, 7, 8");
	sr_fdtrack__clear(&t);
}

static void test_close_range(void)
{
	struct sr_fdtrack t;

	tracker(&t);
	for (int fd = 0; fd < 10; fd++)
		sr_fdtrack__assign(&t, 0, fd, (uint32_t)fd, 0, SR_FD_OPEN, 100);

	sr_fdtrack__close_range(&t, 0, 3, 5, 0, 0, 200);
	{
		int right = 1;

		for (int fd = 0; fd < 10; fd++)
			right &= fd_file(&t, 0, fd) == (fd >= 3 && fd <= 5 ? CLOSED : fd);
		ok(right, "close_range(3, 5): 3..5 closed, 0..2 and 6..9 open");
	}
	ok(t.lives[4].closed && t.lives[4].closed_ts == 200 && !t.lives[6].closed,
	   "close_range: lifetimes of 3..5 end at 200, the others go on");

	sr_fdtrack__close_range(&t, 0, 8, ~0ull, CLOSE_RANGE_CLOEXEC, 0, 210);
	ok(fd_file(&t, 0, 8) == 8 && fd_cloexec(&t, 0, 8) == 1 && fd_cloexec(&t, 0, 9) == 1 &&
	   fd_cloexec(&t, 0, 7) == 0 && t.lives[9].cloexec == 1 && !t.lives[9].closed,
	   "close_range(8, ~0, CLOEXEC): 8, 9 marked close-on-exec, still open; 7 not");

	/* UNSHARE: the calling thread closes in a copy of its own */
	sr_fdtrack__close_range(&t, 0, 0, 2, CLOSE_RANGE_UNSHARE, 1, 220);
	ok(fd_file(&t, 0, 0) == 0 && fd_file(&t, 0, 2) == 2,
	   "close_range(0, 2, UNSHARE) in a threaded process: nothing closes");
	sr_fdtrack__close_range(&t, 0, 0, 1, CLOSE_RANGE_UNSHARE, 0, 230);
	ok(fd_file(&t, 0, 0) == CLOSED && fd_file(&t, 0, 1) == CLOSED && fd_file(&t, 0, 2) == 2,
	   "close_range(0, 1, UNSHARE) with one thread: 0 and 1 close");
	sr_fdtrack__close_range(&t, 0, 0, ~0ull, 0, 1, 240);
	ok_eq(nfds(&t, 0), 0, "close_range(0, ~0) without UNSHARE closes even when threaded");
	sr_fdtrack__close_range(&t, 5, 0, ~0ull, 0, 0, 250);
	ok_eq(t.nlives, 10, "close_range in a process with no table changes nothing");
	sr_fdtrack__clear(&t);
}

static void test_fork_exec_end(void)
{
	struct sr_fdtrack t;

	tracker(&t);
	/* process 0: 0 -> file 1, 1 -> file 2 (cloexec), 2 -> file 3 */
	sr_fdtrack__assign(&t, 0, 0, 1, 0, SR_FD_OPEN, 100);
	sr_fdtrack__assign(&t, 0, 1, 2, 1, SR_FD_OPEN, 100);
	sr_fdtrack__assign(&t, 0, 2, 3, 0, SR_FD_OPEN, 100);
	/* process 1 was seen before its fork record: its fd 2 is file 9 */
	sr_fdtrack__assign(&t, 1, 2, 9, 0, SR_FD_OPEN, 110);

	ok_eq(sr_fdtrack__fork(&t, 0, 1, 120), 0, "fork: 0 -> 1");
	ok(fd_file(&t, 1, 0) == 1 && fd_file(&t, 1, 1) == 2 && fd_cloexec(&t, 1, 1) == 1,
	   "fork: the child has 0 -> file 1, 1 -> file 2 close-on-exec");
	ok_eq(fd_file(&t, 1, 2), 9, "fork: the child's own fd 2 stays file 9");
	ok(t.nlives == 6 && t.lives[4].how == SR_FD_INHERIT && t.lives[4].proc == 1 &&
	   t.lives[4].opened_ts == 120, "fork: inherited lifetimes of process 1 from 120");
	ok(refs[1] == 2 && refs[2] == 2 && refs[3] == 1 && refs[9] == 1,
	   "fork: files 1 and 2 have a descriptor in each process");

	/* the child's table is a copy: closing in one leaves the other */
	sr_fdtrack__close(&t, 1, 0, 130);
	ok(fd_file(&t, 1, 0) == CLOSED && fd_file(&t, 0, 0) == 1,
	   "close in the child: the parent's fd 0 stays");
	sr_fdtrack__assign(&t, 0, 5, 4, 0, SR_FD_OPEN, 140);
	ok(fd_file(&t, 0, 5) == 4 && fd_file(&t, 1, 5) == CLOSED,
	   "open in the parent after the fork: not in the child");

	/* a fork into a process of a new index grows the tables */
	ok_eq(sr_fdtrack__fork(&t, 0, 40, 145), 0, "fork: 0 -> 40");
	ok(fd_file(&t, 40, 0) == 1 && fd_file(&t, 40, 5) == 4 && nfds(&t, 40) == 4,
	   "fork: process 40 has the parent's 4 descriptors");
	ok_eq(sr_fdtrack__fork(&t, 39, 41, 146), 0, "fork from a process with no table");
	ok_eq(nfds(&t, 41), 0, "fork from a process with no table: none");

	/* exec closes the close-on-exec ones only */
	sr_fdtrack__exec(&t, 0, 150);
	ok(fd_file(&t, 0, 0) == 1 && fd_file(&t, 0, 1) == CLOSED && fd_file(&t, 0, 2) == 3 &&
	   fd_file(&t, 0, 5) == 4, "exec: fd 1 (close-on-exec) closes, 0, 2, 5 stay");
	ok(t.lives[1].closed && t.lives[1].closed_ts == 150 && !t.lives[0].closed,
	   "exec: fd 1's lifetime ends at 150");
	ok(fd_file(&t, 1, 1) == 2, "exec in the parent: the child's fd 1 stays");

	/* the end of a process closes everything it had */
	sr_fdtrack__end(&t, 1, 160);
	ok(nfds(&t, 1) == 0 && fd_file(&t, 1, 2) == CLOSED && t.lives[3].closed_ts == 160,
	   "end: the child has no descriptors, its lifetimes end at 160");
	sr_fdtrack__end(&t, 0, 170);
	sr_fdtrack__end(&t, 40, 170);
	sr_fdtrack__end(&t, 99, 170);
	{
		int zero = 1;

		for (int i = 0; i < NFILES; i++)
			zero &= refs[i] == 0;
		ok(zero, "every process ended: no file has a descriptor");
	}
	{
		int closed = 1;

		for (size_t i = 0; i < t.nlives; i++)
			closed &= t.lives[i].closed;
		ok(closed, "every process ended: every lifetime is closed");
	}
	/* a pid used again: the new process starts with an empty table */
	sr_fdtrack__assign(&t, 0, 0, 5, 0, SR_FD_SNAPSHOT, 180);
	ok(fd_file(&t, 0, 0) == 5 && nfds(&t, 0) == 1, "after the end, a table starts empty");
	sr_fdtrack__clear(&t);
	ok(t.ntabs == 0 && t.nlives == 0 && fd_file(&t, 0, 0) == CLOSED, "clear: nothing is left");
}

int main(void)
{
	test_open_close();
	test_dup();
	test_close_range();
	test_fork_exec_end();
	return tap_done();
}
