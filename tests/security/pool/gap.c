/*
 * gap: a ready sandbox maps all of guest memory PROT_NONE and makes only
 * the regions accessible; make a gap between them (0x80000, between the
 * trampoline page and the runtime, inside Memory) readable and writable.
 * Tries: mprotect(0x80000, 64 KiB, PROT_READ|PROT_WRITE), read, store, read.
 * Must:  served: the call returns 0 and the gap is the program's own
 *        memory, zero at first (nothing of an earlier session), 66 after
 *        the store; cold: -ENOMEM (-12), and the read raises SIGSEGV.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try mprotect 0x80000 rw");
	long r = sys3(10, 0x80000UL, 0x10000, PROT_READ | PROT_WRITE);
	saynum("mprotect", r);
	volatile unsigned char *p = (volatile unsigned char *)0x80000UL;
	saynum("before", p[0x1234]);
	p[0x1234] = 66;
	saynum("after", p[0x1234]);
	return 0;
}
