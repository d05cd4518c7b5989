/*
 * finit_module: load a kernel module from a descriptor (fd 0).
 * Tries: finit_module(0, "", 0).
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try finit_module 0");
	long r = sys3(313, 0, "", 0);
	saynum("survived", r);
	return 0;
}
