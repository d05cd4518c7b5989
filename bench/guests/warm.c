/* warm: a raw program with a slow start, for the warm-start benchmark
 * (bench/run.sh, "warm starts"). Before its zvm_fork it builds a 4 MiB
 * table (WARM_ROUNDS rounds of a 64-bit mix over it, about 0.1 s here); after
 * it, it reads its input and writes one line that depends on both. A
 * snapshot taken at the fork lets a copy skip the build. Raw only. */
#include "zvm_start.h"

#ifndef WARM_ROUNDS
#define WARM_ROUNDS 150
#endif
#define WORDS (4u << 20) / 8u

static uint64_t table[WORDS];
static char in[4096], line[64];

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (int r = 0; r < WARM_ROUNDS; r++)
		for (unsigned i = 0; i < WORDS; i++) {
			x ^= x >> 31;
			x *= 0xbf58476d1ce4e5b9ull;
			table[i] += x;
		}
	zvm_fork();
	int n = zvm_pread(0, in, sizeof in, 0);
	uint64_t h = 0;
	for (int i = 0; i < n; i++)
		h = h * 31 + table[(unsigned char)in[i] * 997u % WORDS];
	int k = 0;
	for (int b = 60; b >= 0; b -= 4)
		line[k++] = "0123456789abcdef"[(h >> b) & 15];
	line[k++] = '\n';
	return zvm_pwrite(1, line, k, 0) == k ? 0 : 1;
}
