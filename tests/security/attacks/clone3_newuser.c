/*
 * clone3_newuser: the same through clone3(2), whose flags live in memory
 * where a classic BPF filter cannot inspect them.
 * Tries: clone3({flags = CLONE_NEWUSER|CLONE_NEWNS, exit_signal = SIGCHLD},
 *        88).
 * Must:  SIGSYS, exit 4; no process left.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static uint64_t args[11] = {0x10000000 | 0x00020000, 0, 0, 0, 17};
	(void)argc, (void)argv;
	say("try clone3 CLONE_NEWUSER");
	long r = sys2(435, args, sizeof args);
	if (r == 0)
		for (;;)
			sys1(60, 0);
	saynum("survived", r);
	return 0;
}
