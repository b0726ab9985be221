// SPDX-License-Identifier: GPL-2.0-only
/*
 * hashmap.c - a small hash map of three 64-bit keys to an index,
 * the growable arrays it and the importer use, and the counter of their
 * bytes against a limit (struct sr_mem).  Pure (tests/unit/test_analyze.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/util.h"
#include "analyze.h"

/* --- hash map --- */

/* What a slot costs: its three keys and its value. */
#define MAP_SLOT_BYTES	(3 * sizeof(uint64_t) + sizeof(uint32_t))

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
		uint64_t *nk;
		uint32_t *nv;

		if (sr_mem__take(m->mem, ncap * MAP_SLOT_BYTES))
			return -ENOMEM;
		nk = malloc(ncap * 3 * sizeof(*nk));
		nv = malloc(ncap * sizeof(*nv));
		if (!nk || !nv) {
			free(nk);
			free(nv);
			sr_mem__give(m->mem, ncap * MAP_SLOT_BYTES);
			return -ENOMEM;
		}
		sr_mem__give(m->mem, m->cap * MAP_SLOT_BYTES);
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
	struct sr_mem *mem = m->mem;

	sr_mem__give(mem, m->cap * MAP_SLOT_BYTES);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
	m->mem = mem;
}

/* Room for @need elements of @elsz bytes in *pp: the capacity doubles, from 16. */
int sr_grow_mem(struct sr_mem *m, void *pp, size_t *cap, size_t need, size_t elsz)
{
	void **p = pp;
	size_t ncap;
	void *n;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	while (ncap < need)
		ncap *= 2;
	if (ncap > SIZE_MAX / elsz)
		return -ENOMEM;
	/* realloc may hold the old array and the new one at once */
	if (sr_mem__take(m, (uint64_t)ncap * elsz))
		return -ENOMEM;
	n = realloc(*p, ncap * elsz);
	sr_mem__give(m, (uint64_t)(n ? *cap : ncap) * elsz);
	if (!n)
		return -ENOMEM;
	*p = n;
	*cap = ncap;
	return 0;
}

int sr_grow(void *pp, size_t *cap, size_t need, size_t elsz)
{
	return sr_grow_mem(NULL, pp, cap, need, elsz);
}

/* --- memory counted against a limit --- */

int sr_mem__take(struct sr_mem *m, uint64_t n)
{
	uint64_t u, p;

	if (!m)
		return 0;
	/* atomic: the reader's buffers are counted from the read-ahead thread */
	u = __atomic_load_n(&m->used, __ATOMIC_RELAXED);
	do {
		if (m->limit && (n > m->limit || u > m->limit - n)) {
			__atomic_store_n(&m->over, 1, __ATOMIC_RELAXED);
			return -ENOMEM;
		}
	} while (!__atomic_compare_exchange_n(&m->used, &u, u + n, 1, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	p = __atomic_load_n(&m->peak, __ATOMIC_RELAXED);
	while (u + n > p && !__atomic_compare_exchange_n(&m->peak, &p, u + n, 1, __ATOMIC_RELAXED,
							 __ATOMIC_RELAXED))
		;
	return 0;
}

void sr_mem__give(struct sr_mem *m, uint64_t n)
{
	uint64_t u;

	if (!m)
		return;
	u = __atomic_load_n(&m->used, __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(&m->used, &u, n < u ? u - n : 0, 1, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED))
		;
}
