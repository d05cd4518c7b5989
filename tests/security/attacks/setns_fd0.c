/*
 * setns_fd0: join another namespace through a descriptor (fd 0, the only
 * one the sandbox has, would be a namespace file if it had leaked).
 * Tries: setns(0, 0) (any namespace type).
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try setns 0");
	long r = sys2(308, 0, 0);
	saynum("survived", r);
	return 0;
}
