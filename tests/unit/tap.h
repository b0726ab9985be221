/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tap.h - the tiny test protocol every sysrec test speaks, in C.
 *
 * Each check prints one line: "ok NAME", "not ok NAME: why" or "skip NAME: why";
 * tests/run.sh counts them.  A test program exits 0 when nothing failed.
 */
#ifndef SYSREC_TAP_H
#define SYSREC_TAP_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int tap_failed;

/* Prefix for the names of this program's checks ("format", "util", ...). */
#ifndef TAP_PREFIX
#define TAP_PREFIX "unit"
#endif

/*
 * A check's verdict and name, counted; the caller ends the line, with the
 * reason on failure.
 */
#define tap_start(pass, ...) do {					\
	if (!(pass))							\
		tap_failed++;						\
	printf("%s " TAP_PREFIX ": ", (pass) ? "ok" : "not ok");	\
	printf(__VA_ARGS__);						\
} while (0)

#define ok(cond, ...) do {						\
	int _pass = !!(cond);						\
	tap_start(_pass, __VA_ARGS__);					\
	if (_pass)							\
		printf("\n");						\
	else								\
		printf(": %s at %s:%d\n", #cond, __FILE__, __LINE__);	\
	fflush(stdout);							\
} while (0)

/* Equality of two integers, printing both on failure. */
#define ok_eq(got, want, ...) do {					\
	long long _g = (long long)(got), _w = (long long)(want);	\
	tap_start(_g == _w, __VA_ARGS__);				\
	if (_g == _w)							\
		printf("\n");						\
	else								\
		printf(": got %lld, want %lld at %s:%d\n", _g, _w,	\
		       __FILE__, __LINE__);				\
	fflush(stdout);							\
} while (0)

#define tap_done() (tap_failed ? 1 : 0)

#endif /* SYSREC_TAP_H */
