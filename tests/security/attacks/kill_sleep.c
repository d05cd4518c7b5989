/*
 * kill_sleep: kill a specific host process: the runner's "sleep", whose
 * host pid it puts on the channel /dev/pid (an attacker would guess or
 * scan pids).
 * Tries: kill(PID, SIGKILL), then every pid from PID-50 to PID+50.
 * Must:  SIGSYS at the first kill, exit 4; the "sleep" is still alive.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	long pid = read_number("/dev/pid");
	say("try kill sleep pid SIGKILL");
	long r = sys2(62, pid, SIGKILL);
	saynum("survived", r);
	for (long p = pid - 50; p < pid + 50; p++)
		sys2(62, p, SIGKILL);
	return 0;
}
