// SPDX-License-Identifier: GPL-2.0-only
/*
 * sysrec.c - the command dispatcher: one table of subcommands, exact names only.
 */
#include <stdio.h>
#include <string.h>

#include "sysrec/builtin.h"
#include "sysrec/util.h"

static const char usage[] =
	"usage: sysrec [--version] [--help] <command> [<args>]\n"
	"\n"
	"Commands:\n"
	"   record    record process, memory and file activity with BPF into a trace\n"
	"   analyze   import traces into SQLite and print reports\n"
	"   info      what a trace holds: host, time range, events, integrity\n"
	"   dump      print a trace event by event\n"
	"   diff      compare two recordings: syscalls, files, processes\n"
	"   help      show help for a command\n"
	"\n"
	"See 'sysrec help <command>' or 'man sysrec' for more.\n";

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
} cmds[] = {
	{ "record",	cmd_record,	sr_usage_record },
	{ "analyze",	cmd_analyze,	sr_usage_analyze },
	{ "info",	cmd_info,	sr_usage_info },
	{ "dump",	cmd_dump,	sr_usage_dump },
	{ "diff",	cmd_diff,	sr_usage_diff },
};

static int find_cmd(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(cmds[i].name, name))
			return (int)i;
	return -1;
}

static int do_help(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		fputs(usage, stdout);
		return SR_EXIT_OK;
	}
	i = find_cmd(argv[1]);
	if (i < 0) {
		sr_err("no help for '%s': not a sysrec command. See 'sysrec --help'.", argv[1]);
		return SR_EXIT_USAGE;
	}
	fputs(cmds[i].usage, stdout);
	return SR_EXIT_OK;
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		fputs(usage, stderr);
		return SR_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return do_help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("sysrec %s\n", SYSREC_VERSION);
		return SR_EXIT_OK;
	}
	if (!strcmp(argv[1], "help"))
		return do_help(argc - 1, argv + 1);
	i = find_cmd(argv[1]);
	if (i < 0) {
		sr_err("'%s' is not a sysrec command. See 'sysrec --help'.", argv[1]);
		return SR_EXIT_USAGE;
	}
	return cmds[i].fn(argc - 1, argv + 1);
}
