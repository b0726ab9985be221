// SPDX-License-Identifier: GPL-2.0-only
/*
 * clickhouse_cmd.c - sysrec export TRACE... --clickhouse URL: the entry of
 * the ClickHouse sink from export.c.  Its options are parsed by one
 * function, sr_ch_export_option(), so that export.c's table of options
 * takes them as they are; the export itself reads the traces through the
 * importer (clickhouse_export.c), not through export.c's timeline.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sysrec/builtin.h"
#include "sysrec/util.h"
#include "clickhouse.h"

int sr_ch_export_option(int c, const char *arg, struct sr_ch_export_opts *o)
{
	uint64_t v;

	switch (c) {
	case SR_CH_OPT_CLICKHOUSE:
		o->url = arg;
		return 0;
	case SR_CH_OPT_BATCH:
		if (sr_parse_size(arg, &v) || v < 4096 || v > (1ull << 30)) {
			sr_usage_err("export", "bad --batch '%s' (a size from 4K to 1G)", arg);
			return -EINVAL;
		}
		o->batch_bytes = (size_t)v;
		return 0;
	case SR_CH_OPT_MEM_LIMIT:
		return sr_an_parse_mem_limit("export", arg, &o->mem_limit);
	case SR_CH_OPT_NO_PROGRESS:
		o->no_progress = 1;
		return 0;
	}
	return -ENOENT;
}

static void on_signal(int sig)
{
	(void)sig;
	sr_an_stop = 1;
}

int sr_ch_export_check(const struct sr_ch_export_opts *o, int nsinks, int filters)
{
	if (!o->url && (o->batch_bytes || o->mem_limit || o->no_progress)) {
		sr_err("export: --batch, --mem-limit and --no-progress go with --clickhouse URL."
		       " See 'sysrec export --help'.");
		return -EINVAL;
	}
	if (o->url && nsinks) {
		sr_err("export: --clickhouse goes alone, not with --perfetto or --chrome-json."
		       " See 'sysrec export --help'.");
		return -EINVAL;
	}
	if (o->url && filters) {
		sr_err("export: --clickhouse exports whole recordings: no --pid, --since,"
		       " --until or --interval (analyze --clickhouse filters)."
		       " See 'sysrec export --help'.");
		return -EINVAL;
	}
	return 0;
}

int sr_ch_export_cmd(char **files, int n, const struct sr_ch_export_opts *opts)
{
	struct sr_ch_export_opts o = *opts;
	struct sigaction sa = { .sa_handler = on_signal };

	o.progress = !o.no_progress && isatty(2);
	if (!o.batch_bytes)
		o.batch_bytes = 64u << 20;	/* fewer, larger parts: docs/PERFORMANCE.md */
	if (!sr_ch_supported()) {
		sr_err("export: this build of sysrec has no ClickHouse support (built without"
		       " libcurl: docs/BUILDING.md)");
		return SR_EXIT_USAGE;
	}
	if (n <= 0) {
		sr_err("export: no trace file given. See 'sysrec export --help'.");
		return SR_EXIT_USAGE;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return sr_ch_export(files, n, &o) ? SR_EXIT_FAIL : SR_EXIT_OK;
}
