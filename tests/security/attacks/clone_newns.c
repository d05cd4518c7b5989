/*
 * clone_newns: a child in fresh user, mount, pid and network namespaces,
 * where it would be root and could mount things.
 * Tries: clone(CLONE_NEWUSER|CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWNET|SIGCHLD).
 * Must:  SIGSYS, exit 4; no process left.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try clone new user, mount, pid, net namespaces");
	long flags = 0x10000000 | 0x00020000 | 0x20000000 | 0x40000000 | 17;
	long r = sys5(56, flags, 0, 0, 0, 0);
	if (r == 0)
		for (;;)
			sys1(60, 0);
	saynum("survived", r);
	return 0;
}
