/*
 * view: a ready sandbox's boot read its block through a read-only, private
 * view of guest memory's first page, which stays mapped at 0x28000000000
 * (above what the filter's mprotect rule reaches). Read it, make it
 * writable, write it.
 * Tries: a read of its first word, mprotect(view, 4096, rw), a store.
 * Must:  served: the read gives the boot block's magic ("zvmBoot1"); the
 *        mprotect never reaches the kernel (the runtime answers it, -12 or
 *        -22) and the store raises SIGSEGV. Cold: nothing is mapped there,
 *        the read raises SIGSEGV.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	volatile unsigned long *v = (volatile unsigned long *)0x28000000000UL;
	say("try read view");
	saynum("magic is zvmBoot1", v[0] == 0x31746f6f426d767aULL);
	say("try mprotect view rw");
	long r = sys3(10, 0x28000000000UL, 4096, PROT_READ | PROT_WRITE);
	saynum("mprotect", r);
	say("try store view");
	v[0] = 0;
	say("survived store");
	return 0;
}
