/*
 * userfaultfd: a classic exploitation primitive: stall the kernel on a
 * page fault of the attacker's choosing to widen a race.
 * Tries: userfaultfd(O_CLOEXEC|O_NONBLOCK).
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try userfaultfd");
	long r = sys1(323, O_CLOEXEC | 04000);
	saynum("survived", r);
	return 0;
}
