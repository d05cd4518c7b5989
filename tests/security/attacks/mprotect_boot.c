/*
 * mprotect_boot: make boot's code (mapped above guest memory, at
 * 0x7ffff7fe8000 with ASLR off) writable, to patch the code that installed
 * the filter or reuse its gadgets.
 * Tries: mprotect(0x7ffff7fe8000, 0x4000, PROT_READ|PROT_WRITE).
 * Must:  SIGSYS (the filter allows mprotect only below 2^40), exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try mprotect boot image rw");
	long r = sys3(10, 0x7ffff7fe8000UL, 0x4000, PROT_READ | PROT_WRITE);
	saynum("survived", r);
	return 0;
}
