/*
 * int3_storm: a storm of CPU-raised signals, which need no system call:
 * breakpoint traps in a loop (under a debugger-like supervisor they would
 * all be reported to it).
 * Tries: int3 in an endless loop.
 * Must:  the first one kills the guest: "Signal 5 from untrusted code:
 *        Trace/breakpoint trap", exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try int3 storm");
	for (;;)
		__asm__ volatile("int3");
	return 0;
}
