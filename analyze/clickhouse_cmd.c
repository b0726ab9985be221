// SPDX-License-Identifier: GPL-2.0-only
/*
 * clickhouse_cmd.c - sysrec export TRACE... --clickhouse URL: the command
 * entry of the ClickHouse sink.  Its options are parsed by one function,
 * sr_ch_export_option(), so that an export command with other sinks can
 * take them over as they are.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sysrec/builtin.h"
#include "sysrec/util.h"
#include "clickhouse.h"

const char sr_usage_export[] =
	"usage: sysrec export TRACE... --clickhouse URL [OPTIONS]\n"
	"\n"
	"Export trace files to a ClickHouse server over its HTTP interface\n"
	"(http://host:8123/, ?database=NAME for another database than default):\n"
	"the tables of docs/SCHEMA.md (\"ClickHouse\"), created when missing, one\n"
	"recording at a time exactly once: exporting it again, or after an export\n"
	"was killed, leaves each event once.  Then 'sysrec analyze --clickhouse URL'\n"
	"prints the reports of the whole fleet.\n"
	"\n"
	"Options:\n"
	"  --clickhouse URL    the server\n"
	"  --batch SIZE        RowBinary bytes per INSERT (K, M; default 16M)\n"
	"  --mem-limit SIZE    memory for the import that feeds the export\n"
	"  --no-progress       no progress bar while importing\n"
	"  -h, --help          this text\n"
	"\n"
	"Exit status: 0 done, 1 a file or the server failed, 2 bad usage or a build\n"
	"without ClickHouse support (libcurl).\n";

static const struct option opts[] = {
	SR_CH_EXPORT_OPTIONS,
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int sr_ch_export_option(int c, const char *arg, struct sr_ch_export_opts *o)
{
	uint64_t v;

	switch (c) {
	case SR_CH_OPT_CLICKHOUSE:
		o->url = arg;
		return 0;
	case SR_CH_OPT_BATCH:
		if (sr_parse_size(arg, &v) || v < 4096 || v > (1ull << 30)) {
			sr_err("export: bad --batch '%s' (a size from 4K to 1G)", arg);
			return -EINVAL;
		}
		o->batch_bytes = (size_t)v;
		return 0;
	case SR_CH_OPT_MEM_LIMIT:
		if (sr_parse_size(arg, &v) || v < SR_AN_MEM_MIN) {
			sr_err("export: bad --mem-limit '%s' (a size such as 512M, at least 16M)", arg);
			return -EINVAL;
		}
		o->mem_limit = v;
		return 0;
	case SR_CH_OPT_NO_PROGRESS:
		o->progress = 0;
		return 0;
	}
	return -ENOENT;
}

static void on_signal(int sig)
{
	(void)sig;
	sr_an_stop = 1;
}

int cmd_export(int argc, char **argv)
{
	struct sr_ch_export_opts o = { .progress = isatty(2), .batch_bytes = 16u << 20 };
	struct sigaction sa = { .sa_handler = on_signal };
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(sr_usage_export, stdout);
			return SR_EXIT_OK;
		}
		if (c == ':') {
			sr_err("export: option '%s' needs a value", argv[optind - 1]);
			return SR_EXIT_USAGE;
		}
		if (c == '?') {
			sr_err("export: unknown option '%s'", argv[optind - 1]);
			return SR_EXIT_USAGE;
		}
		if (sr_ch_export_option(c, optarg, &o))
			return SR_EXIT_USAGE;
	}
	if (!o.url) {
		sr_err("export: no sink given (--clickhouse URL)");
		return SR_EXIT_USAGE;
	}
	if (!sr_ch_supported()) {
		sr_err("export: this build of sysrec has no ClickHouse support (built without"
		       " libcurl: docs/BUILDING.md)");
		return SR_EXIT_USAGE;
	}
	if (optind >= argc) {
		sr_err("export: no trace file given");
		return SR_EXIT_USAGE;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return sr_ch_export(argv + optind, argc - optind, &o) ? SR_EXIT_FAIL : SR_EXIT_OK;
}
