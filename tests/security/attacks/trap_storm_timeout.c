/*
 * trap_storm_timeout: never exit, but keep the supervisor busy serving
 * traps (zero-size reads: free, not counted) so that it might never get
 * to its deadline.
 * Tries: zvm_pread(0, buf, 0, 0) forever with Timeout = 2.
 * Must:  "session timeout", exit 4; the sandbox pid gone.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static char b[1];
	(void)argc, (void)argv;
	say("try trap storm forever");
	for (;;)
		zvm_pread(0, b, 0, 0);
	return 0;
}
