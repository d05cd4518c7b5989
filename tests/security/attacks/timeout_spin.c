/*
 * timeout_spin: never exit, never call anything: a pure CPU loop.
 * Tries: for (;;) {} with Timeout = 2.
 * Must:  "session timeout", exit 4, after about 2 s; the sandbox pid gone.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try spin forever");
	for (;;)
		__asm__ volatile("");
	return 0;
}
