/*
 * beyond: a ready sandbox maps guest memory up to 2^40 whatever the
 * session's Memory (32 MiB here); make the part past Memory writable,
 * hoping to get more memory than the manifest gives.
 * Tries: mprotect(32 MiB, 1 MiB, rw) and mprotect(2^40 - 16 MiB, 32 MiB,
 *        rw) (the filter allows it: address below 2^40, length at most
 *        2^40; it reaches past the end of guest memory), then a store at
 *        32 MiB.
 * Must:  served: the first returns 0 (its own mapping) but the store
 *        raises SIGBUS (Signal 7): guest memory ends at Memory; the second
 *        returns -ENOMEM (-12): nothing past 2^40 can be reached. Cold:
 *        -ENOMEM for both and SIGSEGV.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try mprotect past memory rw");
	long r = sys3(10, 32UL << 20, 1 << 20, PROT_READ | PROT_WRITE);
	saynum("mprotect", r);
	say("try mprotect across 2^40 rw");
	r = sys3(10, (1UL << 40) - (16UL << 20), 32UL << 20, PROT_READ | PROT_WRITE);
	saynum("mprotect", r);
	say("try store past memory");
	*(volatile char *)(32UL << 20) = 1;
	say("survived store");
	return 0;
}
