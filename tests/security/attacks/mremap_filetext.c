/*
 * mremap_filetext: move a page of code mapped from the program's file
 * elsewhere (MREMAP_MAYMOVE), to get a second, differently protected
 * mapping of the file.
 * Tries: mremap(a whole page of .text, 4096, 8192, MREMAP_MAYMOVE).
 * Must:  SIGSYS: mremap is not in the filter's allowlist; the program's
 *        file is unchanged.
 */
#include "attack.h"

__asm__(".text\n.balign 4096\n.globl filetext\nfiletext: .fill 8192, 1, 0xcc\n");
extern const unsigned char filetext[];

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try mremap file-backed code");
	saynum("survived", sys6(25, (long)(uintptr_t)filetext, 4096, 8192, 1, 0, 0));
	return 0;
}
