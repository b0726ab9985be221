/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rng.h - the deterministic generator of the test programs (splitmix64):
 * the same seed gives the same records on every machine, so a failure
 * replays.
 */
#ifndef SYSREC_TEST_RNG_H
#define SYSREC_TEST_RNG_H

#include <stdint.h>

/* The next value of the sequence that @state (any seed) stands at. */
static inline uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

#endif /* SYSREC_TEST_RNG_H */
