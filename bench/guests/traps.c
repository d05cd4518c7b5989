/* traps: NTRAPS one-byte writes to handle 1 (/dev/null), each one a trap
 * round trip under zerovm (a pwrite64 system call natively). Built with
 * NTRAPS = 0 as well, to subtract the start-up cost. */
#include "bench.h"

#ifndef NTRAPS
#define NTRAPS 200000
#endif

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	static const char c = 'x';
	for (long i = 0; i < NTRAPS; i++)
		if (zvm_pwrite(1, &c, 1, 0) != 1)
			return 1;
	return 0;
}
