// SPDX-License-Identifier: GPL-2.0-only
/* analyze/dump.c - sysrec dump (not written yet). */
#include "sysrec/builtin.h"
#include "sysrec/util.h"

const char sr_usage_dump[] = "usage: sysrec dump ...\n";

int cmd_dump(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	sr_err("dump: not implemented yet");
	return SR_EXIT_FAIL;
}
