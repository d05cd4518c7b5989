/*
 * mprotect_rt_write: the runtime's code (at ZRT_BASE, 0x100000) is mapped
 * from zerovm's own file, shared, from a descriptor opened read-only
 * (docs/memory.md). Make a page of it writable to patch it, which would
 * patch zerovm itself if the kernel allowed it.
 * Tries: mprotect(a whole page of the runtime's code, 4096,
 *        PROT_READ|PROT_WRITE), then a store into it.
 * Must:  -EACCES (-13) from the kernel; the store raises SIGSEGV;
 *        zerovm's file is unchanged (row check "zvm", which also checks
 *        that the runtime's code was mapped from it).
 */
#include "attack.h"

#define RT_PAGE 0x101000ul /* the runtime's second page of code */

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try mprotect runtime code rw");
	saynum("mprotect", sys3(10, (long)RT_PAGE, 4096, PROT_READ | PROT_WRITE));
	say("try store into runtime code");
	*(volatile unsigned char *)RT_PAGE = 0x90;
	say("survived store");
	return 0;
}
