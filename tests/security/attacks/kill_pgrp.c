/*
 * kill_pgrp: kill the caller's process group, which outside the sandbox
 * holds zerovm, the test runner and its "sleep".
 * Tries: kill(0, SIGKILL).
 * Must:  SIGSYS, exit 4; zerovm reports normally, the "sleep" is alive.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try kill 0 SIGKILL");
	long r = sys2(62, 0, SIGKILL);
	saynum("survived", r);
	return 0;
}
