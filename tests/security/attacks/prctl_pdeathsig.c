/*
 * prctl_pdeathsig: survive the supervisor: clear the parent-death signal
 * that kills the sandbox when zerovm dies.
 * Tries: prctl(PR_SET_PDEATHSIG, 0).
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try prctl PR_SET_PDEATHSIG 0");
	long r = sys2(157, 1, 0);
	saynum("survived", r);
	return 0;
}
