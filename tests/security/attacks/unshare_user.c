/*
 * unshare_user: become root in a new user namespace, a step to mounting
 * and to kernel code reachable only with capabilities.
 * Tries: unshare(CLONE_NEWUSER|CLONE_NEWNS).
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try unshare CLONE_NEWUSER CLONE_NEWNS");
	long r = sys1(272, 0x10000000 | 0x00020000);
	saynum("survived", r);
	return 0;
}
