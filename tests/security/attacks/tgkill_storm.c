/*
 * tgkill_storm: a signal storm against itself (pid 1 in its namespace),
 * to keep the kernel and the supervisor busy.
 * Tries: tgkill(1, 1, SIGUSR1) 100000 times.
 * Must:  SIGSYS at the first, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try tgkill storm");
	for (int i = 0; i < 100000; i++) {
		long r = sys3(234, 1, 1, SIGUSR1);
		if (i == 0)
			saynum("survived", r);
	}
	return 0;
}
