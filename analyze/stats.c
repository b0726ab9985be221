// SPDX-License-Identifier: GPL-2.0-only
/*
 * stats.c - exact nearest-rank percentiles and the sort they need.  Pure:
 * no SQLite, no I/O (tests/unit/test_analyze.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/util.h"
#include "analyze.h"

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
