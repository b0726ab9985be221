// SPDX-License-Identifier: GPL-2.0-only
/*
 * sysrec.c - the command dispatcher: one table of subcommands, exact names only.
 */
#include <stdio.h>
#include <string.h>

#include "sysrec/builtin.h"
#include "sysrec/util.h"

#ifdef SR_NO_RECORD
/*
 * The analyzer-only build (make NO_BPF=1, docs/BUILDING.md) has neither
 * libbpf nor the BPF objects, so no recorder: record stays a command so
 * that it says so in one line instead of "not a sysrec command".
 */
static int no_record(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	sr_err("this build cannot record: it was made with NO_BPF=1 (analyze, info and dump only)");
	return SR_EXIT_USAGE;
}

static const char no_record_usage[] =
	"usage: sysrec record [options] [-- COMMAND [ARG...]]\n"
	"\n"
	"This sysrec cannot record: it was built with NO_BPF=1, without libbpf and\n"
	"the BPF programs.  It analyses traces recorded elsewhere (analyze, info,\n"
	"dump).  Build sysrec with 'make' on a Linux machine with BTF to record.\n";

static const char no_top_usage[] =
	"usage: sysrec top [options] [-- COMMAND [ARG...]]\n"
	"\n"
	"This sysrec cannot watch processes live: it was built with NO_BPF=1,\n"
	"without libbpf and the BPF programs.  Build sysrec with 'make' on a Linux\n"
	"machine with BTF for sysrec top.\n";

#define RECORD_CMD	no_record
#define RECORD_USAGE	no_record_usage
#define RECORD_SUMMARY	"(not in this build, made with NO_BPF=1: it cannot record)"
#define TOP_CMD		no_record
#define TOP_USAGE	no_top_usage
#define TOP_SUMMARY	"(not in this build, made with NO_BPF=1)"
#else
#define RECORD_CMD	cmd_record
#define RECORD_USAGE	sr_usage_record
#define RECORD_SUMMARY	"record process, memory and file activity with BPF into a trace"
#define TOP_CMD		cmd_top
#define TOP_USAGE	sr_usage_top
#define TOP_SUMMARY	"watch processes live, full screen: syscalls, I/O, CPU, errors"
#endif

static const char usage[] =
	"usage: sysrec [--version] [--help] <command> [<args>]\n"
	"\n"
	"Commands:\n"
	"   record    " RECORD_SUMMARY "\n"
	"   top       " TOP_SUMMARY "\n"
	"   analyze   import traces into SQLite and print reports\n"
	"   info      what a trace holds: host, time range, events, integrity\n"
	"   dump      print a trace event by event\n"
	"   diff      compare two recordings: syscalls, files, processes\n"
	"   export    write traces as a timeline for Perfetto or Chrome's JSON, or to ClickHouse\n"
	"   report    write the reports as one self-contained HTML page with charts\n"
	"   help      show help for a command\n"
	"\n"
	"See 'sysrec help <command>', or 'man sysrec' for more ('man ./docs/sysrec.1'\n"
	"in the source tree until 'make install' has put the page in place).\n";

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
} cmds[] = {
	{ "record",	RECORD_CMD,	RECORD_USAGE },
	{ "top",	TOP_CMD,	TOP_USAGE },
	{ "analyze",	cmd_analyze,	sr_usage_analyze },
	{ "info",	cmd_info,	sr_usage_info },
	{ "dump",	cmd_dump,	sr_usage_dump },
	{ "diff",	cmd_diff,	sr_usage_diff },
	{ "export",	cmd_export,	sr_usage_export },
	{ "report",	cmd_report,	sr_usage_report },
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
