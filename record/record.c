// SPDX-License-Identifier: GPL-2.0-only
/* record/record.c - sysrec record (not written yet). */
#include "sysrec/builtin.h"
#include "sysrec/util.h"

const char sr_usage_record[] = "usage: sysrec record ...\n";

int cmd_record(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	sr_err("record: not implemented yet");
	return SR_EXIT_FAIL;
}
