/*
 * pidfd_sleep: the modern, race-free way to signal a process: a pidfd for
 * the runner's "sleep" (pid on /dev/pid), then pidfd_send_signal.
 * Tries: pidfd_open(PID, 0), pidfd_send_signal(fd, SIGKILL, NULL, 0).
 * Must:  SIGSYS at pidfd_open, exit 4; the "sleep" is still alive.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	long pid = read_number("/dev/pid");
	say("try pidfd_open sleep pid");
	long fd = sys2(434, pid, 0);
	saynum("survived", fd);
	sys4(424, fd, SIGKILL, 0, 0);
	return 0;
}
