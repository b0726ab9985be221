// SPDX-License-Identifier: GPL-2.0-only
/*
 * an_util.c - pure helpers of sysrec analyze: cgroup paths, percentiles,
 * a small hash map, short human forms for tables.  No SQLite, no I/O, so
 * tests/unit/test_analyze.c can check them alone.
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

static int ends_with(const char *s, size_t len, const char *suf)
{
	size_t n = strlen(suf);

	return len >= n && !memcmp(s + len - n, suf, n);
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
	if (!ends_with(c, len, ".scope"))
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
		if (ends_with(c, cl, ".service") || ends_with(c, cl, ".scope"))
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
	size_t fl, ml, pl;

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
	/* "x" and "/x" alike */
	while (fl && filter[0] == '/') {
		filter++;
		fl--;
	}
	if (!fl)
		return 1;
	while (*path == '/')
		path++;
	pl = strlen(path);
	while (pl && path[pl - 1] == '/')
		pl--;
	if (pl < fl || memcmp(path, filter, fl))
		return 0;
	return pl == fl || path[fl] == '/';
}

/* --- percentiles --- */

uint64_t sr_percentile(const uint64_t *sorted, size_t n, double p)
{
	double r;
	size_t rank;

	if (!n)
		return 0;
	/* p * n is exact for the sizes we meet; the division rounds correctly */
	r = ceil(p * (double)n / 100.0);
	rank = r < 1 ? 1 : (r > (double)n ? n : (size_t)r);
	return sorted[rank - 1];
}

/* LSD radix sort: 10M durations sort in a fraction of qsort's time. */
void sr_sort_u64(uint64_t *v, size_t n)
{
	uint64_t *tmp, *src = v, *dst, *swap;
	size_t cnt[256];
	uint64_t all_or = 0;

	if (n < 64) {
		for (size_t i = 1; i < n; i++) {
			uint64_t x = v[i];
			size_t j = i;

			while (j && v[j - 1] > x) {
				v[j] = v[j - 1];
				j--;
			}
			v[j] = x;
		}
		return;
	}
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp) {
		/* no memory for the fast way: a slow but correct one */
		for (size_t gap = n / 2; gap; gap /= 2)
			for (size_t i = gap; i < n; i++)
				for (size_t j = i; j >= gap && v[j - gap] > v[j]; j -= gap) {
					uint64_t t = v[j];

					v[j] = v[j - gap];
					v[j - gap] = t;
				}
		return;
	}
	for (size_t i = 0; i < n; i++)
		all_or |= v[i];
	dst = tmp;
	for (int shift = 0; shift < 64; shift += 8) {
		size_t sum = 0;

		if (!((all_or >> shift) & 0xff))
			continue;	/* every value has 0 in this byte */
		memset(cnt, 0, sizeof(cnt));
		for (size_t i = 0; i < n; i++)
			cnt[(src[i] >> shift) & 0xff]++;
		for (int b = 0; b < 256; b++) {
			size_t c = cnt[b];

			cnt[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[(src[i] >> shift) & 0xff]++] = src[i];
		swap = src;
		src = dst;
		dst = swap;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
}

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

/* --- hash map --- */

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static size_t map_slot(uint64_t a, uint64_t b, uint64_t c)
{
	return (size_t)mix64(a ^ mix64(b ^ mix64(c)));
}

uint64_t sr_hash_bytes(const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return mix64(h);
}

uint32_t sr_map__get(const struct sr_map *m, uint64_t a, uint64_t b, uint64_t c)
{
	size_t mask, i;

	if (!m->cap)
		return UINT32_MAX;
	mask = m->cap - 1;
	for (i = map_slot(a, b, c) & mask; m->vals[i] != UINT32_MAX; i = (i + 1) & mask) {
		const uint64_t *k = m->keys + 3 * i;

		if (k[0] == a && k[1] == b && k[2] == c)
			return m->vals[i];
	}
	return UINT32_MAX;
}

static void map_put(uint64_t *keys, uint32_t *vals, size_t cap,
		    uint64_t a, uint64_t b, uint64_t c, uint32_t v, int *added)
{
	size_t mask = cap - 1, i;

	for (i = map_slot(a, b, c) & mask; vals[i] != UINT32_MAX; i = (i + 1) & mask) {
		uint64_t *k = keys + 3 * i;

		if (k[0] == a && k[1] == b && k[2] == c) {
			vals[i] = v;
			*added = 0;
			return;
		}
	}
	keys[3 * i] = a;
	keys[3 * i + 1] = b;
	keys[3 * i + 2] = c;
	vals[i] = v;
	*added = 1;
}

int sr_map__set(struct sr_map *m, uint64_t a, uint64_t b, uint64_t c, uint32_t v)
{
	int added;

	if ((m->n + 1) * 2 > m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 64;
		uint64_t *nk = malloc(ncap * 3 * sizeof(*nk));
		uint32_t *nv = malloc(ncap * sizeof(*nv));

		if (!nk || !nv) {
			free(nk);
			free(nv);
			return -ENOMEM;
		}
		memset(nv, 0xff, ncap * sizeof(*nv));
		for (size_t i = 0; i < m->cap; i++)
			if (m->vals[i] != UINT32_MAX)
				map_put(nk, nv, ncap, m->keys[3 * i], m->keys[3 * i + 1],
					m->keys[3 * i + 2], m->vals[i], &added);
		free(m->keys);
		free(m->vals);
		m->keys = nk;
		m->vals = nv;
		m->cap = ncap;
	}
	map_put(m->keys, m->vals, m->cap, a, b, c, v, &added);
	m->n += added;
	return 0;
}

int sr_map__del(struct sr_map *m, uint64_t a, uint64_t b, uint64_t c)
{
	size_t mask, i, j;

	if (!m->cap)
		return 0;
	mask = m->cap - 1;
	for (i = map_slot(a, b, c) & mask; m->vals[i] != UINT32_MAX; i = (i + 1) & mask) {
		const uint64_t *k = m->keys + 3 * i;

		if (k[0] == a && k[1] == b && k[2] == c)
			break;
	}
	if (m->vals[i] == UINT32_MAX)
		return 0;
	/*
	 * Backward shift: move up each later entry of the run that may live
	 * at i, so that no probe sequence crosses a hole.
	 */
	for (j = (i + 1) & mask; m->vals[j] != UINT32_MAX; j = (j + 1) & mask) {
		uint64_t *kj = m->keys + 3 * j;
		size_t home = map_slot(kj[0], kj[1], kj[2]) & mask;

		/* home cyclically in (i, j]: the entry stays */
		if (i <= j ? (home > i && home <= j) : (home > i || home <= j))
			continue;
		memcpy(m->keys + 3 * i, kj, 3 * sizeof(*kj));
		m->vals[i] = m->vals[j];
		i = j;
	}
	m->vals[i] = UINT32_MAX;
	m->n--;
	return 1;
}

void sr_map__clear(struct sr_map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* Room for @need elements of @elsz bytes in *pp: the capacity doubles, from 16. */
int sr_grow(void *pp, size_t *cap, size_t need, size_t elsz)
{
	void **p = pp;
	size_t ncap;
	void *n;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	while (ncap < need)
		ncap *= 2;
	n = realloc(*p, ncap * elsz);
	if (!n)
		return -ENOMEM;
	*p = n;
	*cap = ncap;
	return 0;
}
