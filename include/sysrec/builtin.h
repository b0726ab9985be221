/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * builtin.h - one function per subcommand, as git's builtin.h.
 * Each takes the arguments after the subcommand name (argv[0] is the
 * subcommand) and returns the process exit status (SR_EXIT_*).
 */
#ifndef SYSREC_BUILTIN_H
#define SYSREC_BUILTIN_H

int cmd_record(int argc, char **argv);	/* record/record.c */
int cmd_analyze(int argc, char **argv);	/* analyze/analyze.c */
int cmd_info(int argc, char **argv);	/* analyze/info.c */
int cmd_dump(int argc, char **argv);	/* analyze/dump.c */

/* Usage text of each command, printed by "sysrec help CMD" and "CMD --help". */
extern const char sr_usage_record[];
extern const char sr_usage_analyze[];
extern const char sr_usage_info[];
extern const char sr_usage_dump[];

/*
 * dump's line printer for one record at a time, without a reader (record
 * --print): names come from this build's tables.  Output is buffered until
 * sr_printer__flush().
 */
#include <stdint.h>
#include <stdio.h>
struct sr_event;
struct sr_printer;
struct sr_printer *sr_printer__new(FILE *f, int json, int rel, uint64_t base_ns,
				   int64_t clock_offset);
void sr_printer__event(struct sr_printer *p, const struct sr_event *ev);
void sr_printer__flush(struct sr_printer *p);
void sr_printer__free(struct sr_printer *p);

#endif /* SYSREC_BUILTIN_H */
