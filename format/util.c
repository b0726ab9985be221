// SPDX-License-Identifier: GPL-2.0-only
/* util.c - errors, escaping, number and time formatting (see sysrec/util.h). */
#include <stdarg.h>
#include <stdio.h>

#include "sysrec/util.h"

int sr_verbose;
int sr_json_errors;

void sr_err(const char *fmt, ...)
{
	va_list ap;

	fputs("sysrec: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void sr_dbg(const char *fmt, ...)
{
	va_list ap;

	if (!sr_verbose)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
