/*
 * fork_raw: a second process to escape the single-threaded model (and to
 * start a fork bomb).
 * Tries: fork(2) (syscall 57) in a loop.
 * Must:  SIGSYS at the first fork, exit 4; no process left behind.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try fork");
	for (int i = 0; i < 100; i++) {
		long r = sys0(57);
		saynum("survived", r);
	}
	return 0;
}
