/*
 * iopl: raise the I/O privilege level to talk to hardware ports and to
 * disable interrupts (cli) from user mode.
 * Tries: iopl(3).
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try iopl 3");
	long r = sys1(172, 3);
	saynum("survived", r);
	return 0;
}
