/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * print.h - records as lines of text or NDJSON, for "sysrec dump" and
 * "record --print".  Implemented in present/, which depends on format/
 * only, so that both the recorder and the analyser may use it.
 *
 * Types this build knows are printed by hand-picked fields (text) or by
 * their schema (JSON); other types from the schema the file carries.
 * Output is buffered (no allocation per record) until sr_printer__flush().
 */
#ifndef SYSREC_PRINT_H
#define SYSREC_PRINT_H

#include <stdint.h>
#include <stdio.h>

struct sr_event;
struct sr_reader;
struct sr_printer;

/*
 * A printer writing to @f: JSON when @json, else text with times relative to
 * @base_ns when @rel, else wall-clock times (ts + @clock_offset).  Names come
 * from this build's tables until sr_printer__set_trace().  NULL on ENOMEM.
 */
struct sr_printer *sr_printer__new(FILE *f, int json, int rel, uint64_t base_ns,
				   int64_t clock_offset);
/* The start of the recording, for relative times. */
void sr_printer__set_base(struct sr_printer *p, uint64_t base_ns);
/*
 * The records that follow come from @r (NULL: none): its syscall table and
 * schema name them; @have_offset says whether it has a wall clock.  The
 * reader is borrowed, and must be set again (or NULL) before it is freed.
 */
void sr_printer__set_trace(struct sr_printer *p, const struct sr_reader *r, int have_offset,
			   int64_t clock_offset);
/*
 * The record classes the records come from (enum sr_class bits), for a
 * printer with no trace (record --print): with the cpu class, a syscall
 * without a SYSCPU record ran all its time on CPU, as in dump.
 */
void sr_printer__set_classes(struct sr_printer *p, uint32_t classes);
/*
 * One record, one line.  Text lines show a descriptor's path as strace -y
 * does (fd=3</etc/passwd>), from the records given so far.
 */
void sr_printer__event(struct sr_printer *p, const struct sr_event *ev);
/*
 * A record read but not printed (a filter left it out): the printer still
 * learns from it what it needs for the records it prints (a SYSCPU
 * record's split, for the line of its syscall; the descriptors an open,
 * dup or close changes, for the paths on later lines).
 */
void sr_printer__note(struct sr_printer *p, const struct sr_event *ev);
/*
 * A line in place of @count records that were not printed (record --print
 * with an output slower than the records): "# N events not printed here:
 * the output was too slow", or in JSON {"type":"not_printed","count":N}.
 */
void sr_printer__skipped(struct sr_printer *p, uint64_t count);
/* Write out what is buffered and fflush the stream. */
void sr_printer__flush(struct sr_printer *p);
/* Flushes, then frees; NULL is fine. */
void sr_printer__free(struct sr_printer *p);

/*
 * The path behind each descriptor of each process, as far as the records
 * given tell (present/fdpath.c): text lines show it, and sysrec export
 * names the file of a read or a close with it.
 */
struct pr_fdpath;
/* An empty table (NULL on ENOMEM: lines then show no paths). */
struct pr_fdpath *pr_fdpath__new(void);
void pr_fdpath__free(struct pr_fdpath *t);
/* What record @ev changes: opens, dups, closes, fd records, forks, execs, exits. */
void pr_fdpath__track(struct pr_fdpath *t, const struct sr_event *ev);
/* 1 and the path of @fd of @pid in *s, *len (not NUL-terminated for the caller); 0: unknown. */
int pr_fdpath__get(const struct pr_fdpath *t, uint32_t pid, int64_t fd,
		   const char **s, size_t *len);

#endif /* SYSREC_PRINT_H */
