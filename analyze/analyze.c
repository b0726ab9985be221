// SPDX-License-Identifier: GPL-2.0-only
/* analyze/analyze.c - sysrec analyze (not written yet). */
#include "sysrec/builtin.h"
#include "sysrec/util.h"

const char sr_usage_analyze[] = "usage: sysrec analyze ...\n";

int cmd_analyze(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	sr_err("analyze: not implemented yet");
	return SR_EXIT_FAIL;
}
