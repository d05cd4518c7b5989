/*
 * prlimit_raise: lift the sandbox's address-space limit (a second line
 * behind Memory) to grow past it.
 * Tries: prlimit64(0, RLIMIT_AS, {RLIM_INFINITY, RLIM_INFINITY}, NULL).
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static uint64_t lim[2] = {~0ULL, ~0ULL};
	(void)argc, (void)argv;
	say("try prlimit64 RLIMIT_AS infinity");
	long r = sys4(302, 0, 9, lim, 0);
	saynum("survived", r);
	return 0;
}
