/*
 * ioperm: access to the first serial port's I/O range (0x3f8-0x3ff), then
 * write to it with outb.
 * Tries: ioperm(0x3f8, 8, 1).
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try ioperm 0x3f8");
	long r = sys3(173, 0x3f8, 8, 1);
	saynum("survived", r);
	return 0;
}
