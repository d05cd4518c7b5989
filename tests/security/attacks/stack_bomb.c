/*
 * stack_bomb: unbounded recursion. There is no guard page: the stack grows
 * down through the heap; it must stop at the read-only user manifest
 * below the heap, not run over anything outside guest memory.
 * Tries: recursion with 4 KiB frames until something gives.
 * Must:  SIGSEGV ("Signal 11", exit 4).
 */
#include "attack.h"

static volatile int never;

static long deep(long n)
{
	if (never)
		return 0;
	volatile char frame[4096];
	frame[0] = (char)n;
	frame[4095] = (char)n;
	return deep(n + 1) + frame[0] + frame[4095];
}

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try unbounded recursion");
	saynum("survived", deep(0));
	return 0;
}
