/*
 * kill_all: kill every process the guest may signal.
 * Tries: kill(-1, SIGKILL).
 * Must:  SIGSYS, exit 4; the runner's "sleep" process is still alive.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try kill -1 SIGKILL");
	long r = sys2(62, -1, SIGKILL);
	saynum("survived", r);
	return 0;
}
