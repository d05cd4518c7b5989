/*
 * munmap_filetext: unmap a page of code mapped from the program's file
 * (to map something else there, or to make the supervisor's view and the
 * guest's differ).
 * Tries: munmap(a whole page of .text, 4096).
 * Must:  SIGSYS: munmap is not in the filter's allowlist (the runtime
 *        emulates it on the heap only); the program's file is unchanged.
 */
#include "attack.h"

__asm__(".text\n.balign 4096\n.globl filetext\nfiletext: .fill 8192, 1, 0xcc\n");
extern const unsigned char filetext[];

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try munmap file-backed code");
	saynum("survived", sys3(11, (long)(uintptr_t)filetext, 4096, 0));
	return 0;
}
