/*
 * sigaction_sigsys: catch SIGSYS to survive the filter and keep probing
 * (what a runtime will do to emulate system calls).
 * Tries: rt_sigaction(SIGSYS, {handler, SA_SIGINFO|SA_RESTORER}, NULL, 8).
 * Must:  SIGSYS at the rt_sigaction itself, exit 4.
 */
#include "attack.h"

static void handler(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	static struct {
		void *handler;
		uint64_t flags;
		void *restorer;
		uint64_t mask;
	} act = {(void *)handler, 0x4 | 0x04000000, 0, 0};
	(void)argc, (void)argv;
	say("try rt_sigaction SIGSYS");
	long r = sys4(13, SIGSYS, &act, 0, 8);
	saynum("survived", r);
	return 0;
}
