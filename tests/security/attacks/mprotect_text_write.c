/*
 * mprotect_text_write: the program's whole pages of code are mapped from
 * its file, shared, from a descriptor opened read-only (docs/memory.md,
 * "The program's read-only pages"). Make one writable to patch it, which
 * would patch the host's file too if the kernel allowed it.
 * Tries: mprotect(a whole page of .text, 4096, PROT_READ|PROT_WRITE), then
 *        a store into it.
 * Must:  -EACCES (-13) from the kernel; the store raises SIGSEGV; the
 *        program's file is unchanged (row check "prog", which also checks
 *        that the page was mapped from the file).
 */
#include "attack.h"

/* Two whole pages of code (int3), so that the program has file-backed pages. */
__asm__(".text\n.balign 4096\n.globl filetext\nfiletext: .fill 8192, 1, 0xcc\n");
extern const unsigned char filetext[];

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try mprotect own code rw");
	saynum("mprotect", sys3(10, (long)(uintptr_t)filetext, 4096, PROT_READ | PROT_WRITE));
	say("try store into own code");
	*(volatile unsigned char *)filetext = 0x90;
	say("survived store");
	return 0;
}
