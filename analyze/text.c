// SPDX-License-Identifier: GPL-2.0-only
/*
 * text.c - short human forms for tables: text shortened in the middle,
 * paths at their start (their end tells them apart), counts and durations.  Pure (tests/unit/test_analyze.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sysrec/util.h"
#include "analyze.h"

/* --- text --- */

size_t sr_shorten_middle(const char *s, size_t len, size_t width, char *out)
{
	size_t cps = 0, head, tail, hb, tb, k;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			cps++;
	if (cps <= width) {
		memcpy(out, s, len);
		out[len] = 0;
		return len;
	}
	if (width < 4) {
		memset(out, '.', width);
		out[width] = 0;
		return width;
	}
	head = (width - 3) / 2;
	tail = width - 3 - head;
	/* byte offset after head code points */
	for (hb = 0, k = 0; hb < len; hb++) {
		if (((unsigned char)s[hb] & 0xc0) != 0x80) {
			if (k == head)
				break;
			k++;
		}
	}
	/* byte offset where the last tail code points begin */
	for (tb = len, k = 0; tb > 0 && k < tail;) {
		tb--;
		if (((unsigned char)s[tb] & 0xc0) != 0x80)
			k++;
	}
	memcpy(out, s, hb);
	memcpy(out + hb, "...", 3);
	memcpy(out + hb + 3, s + tb, len - tb);
	out[hb + 3 + len - tb] = 0;
	return hb + 3 + len - tb;
}

size_t sr_shorten_path(const char *s, size_t len, size_t width, char *out)
{
	size_t cps = 0, tb, k, slash;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			cps++;
	if (cps <= width || width < 4)
		return sr_shorten_middle(s, len, width, out);
	/* byte offset where the last width - 3 code points begin */
	for (tb = len, k = 0; tb > 0 && k < width - 3;) {
		tb--;
		if (((unsigned char)s[tb] & 0xc0) != 0x80)
			k++;
	}
	/* start at a directory when the rest still names one: .../dir/file.c */
	for (slash = tb; slash < len && s[slash] != '/'; slash++)
		;
	if (slash < len && memchr(s + slash + 1, '/', len - slash - 1))
		tb = slash;
	memcpy(out, "...", 3);
	memcpy(out + 3, s + tb, len - tb);
	out[3 + len - tb] = 0;
	return 3 + len - tb;
}

const char *sr_human_short(uint64_t v, char *buf, size_t n)
{
	static const char units[] = "KMGTPE";
	double d = (double)v;
	int u = -1;

	if (v < 1024) {
		snprintf(buf, n, "%" PRIu64, v);
		return buf;
	}
	while (d >= 1024 && u < 5) {
		d /= 1024;
		u++;
	}
	if (d >= 1023.95 && u < 5) {	/* would print as 1024.0 */
		d /= 1024;
		u++;
	}
	snprintf(buf, n, "%.1f%c", d, units[u]);
	return buf;
}

const char *sr_human_dur(uint64_t ns, char *buf, size_t n)
{
	if (ns < 1000)
		snprintf(buf, n, "%" PRIu64 "ns", ns);
	else if (ns < 1000000)
		snprintf(buf, n, "%.1fus", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, n, "%.2fms", ns / 1e6);
	else
		snprintf(buf, n, "%.3fs", ns / 1e9);
	return buf;
}

/*
 * The inverse of sr_fmt_wall: "2026-11-26 21:00:15.123456" (or a 'T' for
 * the space, any number of decimals up to nine, none), local time, into
 * wall-clock ns.  0, or -EINVAL when @s is not such a time.
 */
int sr_parse_wall(const char *s, int64_t *wall_ns)
{
	struct tm tm = { .tm_isdst = -1 };
	int64_t frac = 0, scale = 100000000;
	const char *p;
	time_t t;

	p = strptime(s, "%Y-%m-%d", &tm);
	if (!p || (*p != ' ' && *p != 'T'))
		return -EINVAL;
	p = strptime(p + 1, "%H:%M:%S", &tm);
	if (!p)
		return -EINVAL;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (!scale)
				return -EINVAL;
			frac += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (*p)
		return -EINVAL;
	t = mktime(&tm);
	if (t == (time_t)-1 || t > INT64_MAX / 1000000000 || t < INT64_MIN / 1000000000 + 1)
		return -EINVAL;
	*wall_ns = (int64_t)t * 1000000000 + frac;
	return 0;
}
