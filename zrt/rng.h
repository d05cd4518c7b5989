/*
 * rng.h - the deterministic generator behind getrandom and /dev/urandom:
 * xoshiro256**, seeded from the configuration. Not secret: whoever knows
 * the nvram knows the bytes (docs/zrt.md).
 */
#ifndef ZRT_RNG_H
#define ZRT_RNG_H

#include "zrt.h"

void rng_seed(uint64_t seed);
void rng_fill(void *buf, size_t n);

#endif
