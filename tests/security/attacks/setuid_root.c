/*
 * setuid_root: regain root (the sandbox runs as nobody).
 * Tries: setuid(0).
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try setuid 0");
	long r = sys1(105, 0);
	saynum("survived", r);
	return 0;
}
