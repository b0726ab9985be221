// SPDX-License-Identifier: GPL-2.0-only
/*
 * import_sched.c - the cpu class's records: context switches, wakeups,
 * where each syscall's time went, and each thread's scheduler counters.
 *
 * PLACEHOLDER on the cpu-base branch: the records are accepted and not yet
 * imported; the analysis of issue #21 replaces these handlers.
 */
#include "import.h"

#define SCHED_HANDLER_(n)							\
int import_##n(struct an_imp *im, const struct sr_event *ev, uint32_t proc,	\
	       const struct sr_sys *s, uint32_t sys)				\
{										\
	(void)im; (void)ev; (void)proc; (void)s; (void)sys;			\
	return 0;								\
}
SCHED_HANDLER_(switch)
SCHED_HANDLER_(wakeup)
SCHED_HANDLER_(syscpu)
SCHED_HANDLER_(cputime)
