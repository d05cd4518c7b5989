/*
 * ptrace_attach_1: take control of pid 1 (in the host's view, init) and
 * poke code into it.
 * Tries: ptrace(PTRACE_ATTACH, 1, 0, 0).
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try ptrace PTRACE_ATTACH 1");
	long r = sys4(101, 16, 1, 0, 0);
	saynum("survived", r);
	return 0;
}
