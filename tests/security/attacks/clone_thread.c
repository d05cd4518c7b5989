/*
 * clone_thread: a second thread in the same address space would break the
 * supervisor's assumption that the guest is stopped while a trap is served
 * (trap arguments could change under it: a TOCTOU on buffer checks).
 * Tries: clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|
 *        CLONE_SYSVSEM, child stack) as pthread_create does.
 * Must:  SIGSYS, exit 4; no thread or process left.
 */
#include "attack.h"

static char stack[65536] __attribute__((aligned(16)));

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try clone CLONE_THREAD");
	long flags = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000;
	long r = sys5(56, flags, stack + sizeof stack, 0, 0, 0);
	if (r == 0)
		for (;;)
			sys1(60, 0); /* the thread: exit */
	saynum("survived", r);
	return 0;
}
