/*
 * vfork_raw: vfork(2) shares the address space with the parent, a cheap
 * way to get a second thread of control that a filter might have
 * overlooked.
 * Tries: vfork (syscall 58).
 * Must:  SIGSYS, exit 4; no process left behind.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try vfork");
	long r = sys0(58);
	saynum("survived", r);
	return 0;
}
