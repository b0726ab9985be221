// SPDX-License-Identifier: GPL-2.0-only
/*
 * cgroup.c - cgroup v2 paths: container ids and units from a path, and the
 * --cgroup filter.  Pure: no SQLite, no I/O (tests/unit/test_analyze.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/util.h"
#include "analyze.h"

/* --- cgroup paths --- */

static int is_id_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '_';
}

static int all_hex(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static void copy_str(char *dst, size_t size, const char *s, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, s, len);
	dst[len] = 0;
}

/*
 * The scopes the runtimes create under systemd: PREFIX<id>.scope.  The
 * conmon scopes of podman and CRI-O hold the monitor, not the container.
 */
static const struct {
	const char *prefix;
	const char *runtime;
} cg_scopes[] = {
	{ "docker-",		"docker" },
	{ "cri-containerd-",	"containerd" },
	{ "crio-",		"crio" },
	{ "libpod-",		"podman" },
};

static int scope_id(const char *c, size_t len, struct sr_cg_info *ci)
{
	if (!sr_ends_with(c, len, ".scope"))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(cg_scopes); i++) {
		size_t pl = strlen(cg_scopes[i].prefix);
		size_t idl;

		if (len <= pl + 6 || memcmp(c, cg_scopes[i].prefix, pl))
			continue;
		idl = len - pl - 6;
		for (size_t k = 0; k < idl; k++)
			if (!is_id_char(c[pl + k]))
				return 0;
		copy_str(ci->runtime, sizeof(ci->runtime), cg_scopes[i].runtime,
			 strlen(cg_scopes[i].runtime));
		copy_str(ci->id, sizeof(ci->id), c + pl, idl);
		return 1;
	}
	return 0;
}

void sr_cg_parse(const char *path, size_t len, struct sr_cg_info *ci)
{
	const char *prev = NULL;
	size_t prevlen = 0;
	size_t i = 0;

	memset(ci, 0, sizeof(*ci));
	if (!path)
		return;
	while (i < len) {
		const char *c;
		size_t cl;

		while (i < len && path[i] == '/')
			i++;
		c = path + i;
		while (i < len && path[i] != '/')
			i++;
		cl = (size_t)(path + i - c);
		if (!cl)
			break;
		if (sr_ends_with(c, cl, ".service") || sr_ends_with(c, cl, ".scope"))
			copy_str(ci->unit, sizeof(ci->unit), c, cl);
		if (!scope_id(c, cl, ci) && cl >= 12 && all_hex(c, cl)) {
			/* cgroupfs driver: /docker/<id>, /kubepods/.../<id> */
			if (prev && prevlen == 6 && !memcmp(prev, "docker", 6))
				copy_str(ci->runtime, sizeof(ci->runtime), "docker", 6);
			else if (cl == 64)
				copy_str(ci->runtime, sizeof(ci->runtime), "container", 9);
			else
				goto next;
			copy_str(ci->id, sizeof(ci->id), c, cl);
		}
next:
		prev = c;
		prevlen = cl;
	}
}

/* Length of s without trailing slashes (but "/" stays "/"). */
static size_t trim_slash(const char *s)
{
	size_t n = strlen(s);

	while (n > 1 && s[n - 1] == '/')
		n--;
	return n;
}

int sr_cg_under(const char *path, const char *mount, const char *filter)
{
	size_t fl, ml;

	if (!path || !filter)
		return 0;
	fl = trim_slash(filter);
	if (mount && *mount) {
		ml = trim_slash(mount);
		if (ml == 1 && mount[0] == '/')
			ml = 0;
		if (ml && fl >= ml && !memcmp(filter, mount, ml) &&
		    (fl == ml || filter[ml] == '/')) {
			filter += ml;
			fl -= ml;
		}
	}
	/* "x" and "/x" alike; the root filter takes every record, unknown cgroups too */
	while (fl && filter[0] == '/') {
		filter++;
		fl--;
	}
	if (!fl)
		return 1;
	return sr_cgroup_under(path, strlen(path), filter, fl);
}
