/*
 * sigqueue_storm: queue real-time signals with data to itself until the
 * queue (RLIMIT_SIGPENDING) is full.
 * Tries: rt_sigqueueinfo(1, SIGRTMIN, &info) 100000 times.
 * Must:  SIGSYS at the first, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static int32_t info[32] = {34, 0, -1}; /* si_signo, si_errno, si_code SI_QUEUE */
	(void)argc, (void)argv;
	say("try rt_sigqueueinfo storm");
	for (int i = 0; i < 100000; i++) {
		long r = sys3(129, 1, 34, info);
		if (i == 0)
			saynum("survived", r);
	}
	return 0;
}
