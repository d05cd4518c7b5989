/*
 * trap_fork_loop: the sanctioned fork: zvm_fork() 1000 times, hoping that
 * each one creates a process (a fork bomb through the door).
 * Tries: zvm_fork() x 1000 without a Job in the manifest.
 * Must:  every call returns 0 and does nothing (ZeroVM semantics): the
 *        session ends "ok", and no process is left behind.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	int nonzero = 0;
	say("try zvm_fork x 1000");
	for (int i = 0; i < 1000; i++)
		if (zvm_fork() != 0)
			nonzero++;
	saynum("nonzero", nonzero);
	return 0;
}
