/* cpu: a compute kernel with no I/O until the end: ITERS rounds of a 64-bit
 * mixing function (a dependent multiply/xor-shift chain, which the compiler
 * can neither vectorise nor fold) feeding updates of a 256 KiB table.
 * Prints the final hash, so that both builds can be checked to agree. */
#include "bench.h"

#ifndef ITERS
#define ITERS 300000000L
#endif

static uint64_t table[1 << 15];

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	uint64_t x = 0x9e3779b97f4a7c15ULL, h = 0;
	for (long i = 0; i < ITERS; i++) {
		x += 0x9e3779b97f4a7c15ULL;
		uint64_t z = x;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
		uint64_t *t = &table[z & ((1 << 15) - 1)];
		*t += z ^ h;
		h = (h ^ *t) * 0x100000001b3ULL;
	}
	return bench_put_hex(h);
}
