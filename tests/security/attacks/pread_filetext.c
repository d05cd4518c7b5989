/*
 * pread_filetext: make the supervisor write channel data into a page of
 * the program's code that is mapped from the program's file (the
 * supervisor maps the same file range over its own view of guest memory,
 * read-only: docs/memory.md).
 * Tries: zvm_pread(stdin, a whole page of .text, 16, 0).
 * Must:  -EINVAL (-22), nothing written there (the page still holds its
 *        int3 bytes); "ok"; the program's file is unchanged (row check
 *        "prog").
 */
#include "attack.h"

__asm__(".text\n.balign 4096\n.globl filetext\nfiletext: .fill 8192, 1, 0xcc\n");
extern const unsigned char filetext[];

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try pread into file-backed code");
	saynum("pread", zvm_pread(0, (void *)(uintptr_t)filetext, 16, 0));
	int same = 1;
	for (int i = 0; i < 16; i++)
		same &= filetext[i] == 0xcc;
	say(same ? "code intact" : "code changed");
	return 0;
}
