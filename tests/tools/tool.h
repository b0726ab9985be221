/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tool.h - what the test tools (one program per .c here) share: their usage
 * errors, the parser of their numeric options and the options they give the
 * trace writer.  A header alone, as each tool is built from its one .c.
 */
#ifndef SYSREC_TOOL_H
#define SYSREC_TOOL_H

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "sysrec/format.h"
#include "sysrec/util.h"

/* The usage on stderr and exit status 2: the call's words were off. */
static inline void __attribute__((noreturn)) tool_usage(const char *usage)
{
	fputs(usage, stderr);
	exit(2);
}

/* The value of option @opt: a whole number in [min, max], or exit status 2. */
static inline uint64_t tool_num(const char *opt, const char *s, uint64_t min, uint64_t max)
{
	uint64_t v;

	if (sr_parse_u64(s, min, max, &v)) {
		fprintf(stderr, "%s: %s: '%s' is not a number from %llu to %llu\n",
			program_invocation_short_name, opt, s, (unsigned long long)min,
			(unsigned long long)max);
		exit(2);
	}
	return v;
}

/* The codes of the long options below that have no letter. */
enum { TOOL_OPT_LEVEL = 0x100, TOOL_OPT_CHUNK };

/* For an option table: the writer's --level L and --chunk BYTES. */
#define TOOL_WRITER_OPTIONS						\
	{ "level", required_argument, NULL, TOOL_OPT_LEVEL },		\
	{ "chunk", required_argument, NULL, TOOL_OPT_CHUNK }

/* For an option table: -f/--force and -h/--help, which every tool takes. */
#define TOOL_COMMON_OPTIONS						\
	{ "force", no_argument, NULL, 'f' },				\
	{ "help", no_argument, NULL, 'h' }

/*
 * One of the options above, into @wo.  --help prints @usage and exits 0; any
 * other option (getopt's '?' among them) prints it and exits 2.
 */
static inline void tool_option(int c, struct sr_writer_opts *wo, const char *usage)
{
	switch (c) {
	case 'f':
		wo->force = 1;
		break;
	case TOOL_OPT_LEVEL:
		wo->level = atoi(optarg);	/* zstd's levels go below 0 */
		break;
	case TOOL_OPT_CHUNK:
		wo->chunk_bytes = tool_num("--chunk", optarg, 0, SIZE_MAX);
		break;
	case 'h':
		fputs(usage, stdout);
		exit(0);
	default:
		tool_usage(usage);
	}
}

#endif /* SYSREC_TOOL_H */
