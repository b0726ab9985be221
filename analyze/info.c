// SPDX-License-Identifier: GPL-2.0-only
/* analyze/info.c - sysrec info (not written yet). */
#include "sysrec/builtin.h"
#include "sysrec/util.h"

const char sr_usage_info[] = "usage: sysrec info ...\n";

int cmd_info(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	sr_err("info: not implemented yet");
	return SR_EXIT_FAIL;
}
