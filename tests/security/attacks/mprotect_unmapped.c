/*
 * mprotect_unmapped: mprotect is allowed below 2^40; use it on addresses
 * past the end of Memory (32 MiB) hoping to conjure memory there.
 * Tries: mprotect(0x40000000, 1 MiB, PROT_READ|PROT_WRITE), then a store.
 * Must:  the call returns -ENOMEM (-12): nothing is mapped there; the store
 *        raises SIGSEGV ("Signal 11", exit 4).
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try mprotect 0x40000000 rw");
	long r = sys3(10, 0x40000000UL, 1 << 20, PROT_READ | PROT_WRITE);
	saynum("mprotect", r);
	say("try store at 0x40000000");
	*(volatile char *)0x40000000UL = 1;
	say("survived store");
	return 0;
}
