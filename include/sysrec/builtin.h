/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * builtin.h - one function per subcommand, as git's builtin.h.
 * Each takes the arguments after the subcommand name (argv[0] is the
 * subcommand) and returns the process exit status (SR_EXIT_*).
 */
#ifndef SYSREC_BUILTIN_H
#define SYSREC_BUILTIN_H

int cmd_record(int argc, char **argv);	/* record/record.c */
int cmd_top(int argc, char **argv);	/* record/record.c: record's live view */
int cmd_analyze(int argc, char **argv);	/* analyze/analyze.c */
int cmd_info(int argc, char **argv);	/* analyze/info.c */
int cmd_dump(int argc, char **argv);	/* analyze/dump.c */
int cmd_diff(int argc, char **argv);	/* analyze/diff.c */
int cmd_export(int argc, char **argv);	/* analyze/export.c */
int cmd_report(int argc, char **argv);	/* analyze/html/report.c */

/* Usage text of each command, printed by "sysrec help CMD" and "CMD --help". */
extern const char sr_usage_record[];
extern const char sr_usage_top[];
extern const char sr_usage_analyze[];
extern const char sr_usage_info[];
extern const char sr_usage_dump[];
extern const char sr_usage_diff[];
extern const char sr_usage_export[];
extern const char sr_usage_report[];

#endif /* SYSREC_BUILTIN_H */
