// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_report.c - the report table of sysrec analyze (analyze/report.h),
 * from which the options, --help and the dispatch are made.
 */
#define TAP_PREFIX "report"
#include "unit/tap.h"

#include <stdio.h>
#include <string.h>

#include "../../analyze/report.h"

/* --help and the options are made from the table: each line names its option */
static void test_report_table(void)
{
	int args = 0;

	for (int i = 0; i < SR_REP_COUNT; i++) {
		const struct sr_report *r = &sr_reports[i];
		char want[64];
		size_t n;

		ok(r->run != NULL, "report %d has a function", i);
		if (!r->option) {
			ok(i == SR_REP_OVERVIEW && !*r->help, "only the overview has no option");
			continue;
		}
		n = (size_t)snprintf(want, sizeof(want), "  --%s%s", r->option,
				     r->arg ? " " : "");
		ok(!strncmp(r->help, want, n) && r->help[strlen(r->help) - 1] == '\n',
		   "--%s: lines of --help, the first starts with it", r->option);
		args += r->arg;
	}
	ok(args == 1 && sr_reports[SR_REP_SQL].arg, "only --sql takes a value (o->sql)");
}

int main(void)
{
	test_report_table();
	return tap_done();
}
