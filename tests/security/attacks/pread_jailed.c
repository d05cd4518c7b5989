/*
 * pread_jailed: write code into executable memory without ever making it
 * writable: jail a heap chunk (read + execute), then let the supervisor
 * pread into it (it writes through its own mapping).
 * Tries: zvm_jail(heap, 65536), zvm_pread(stdin, heap, 16, 0).
 * Must:  jail 0, pread -EINVAL (-22); "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	void *heap = MANIFEST->heap_ptr;
	say("try pread into jailed memory");
	saynum("jail", zvm_jail(heap, 65536));
	saynum("pread", zvm_pread(0, heap, 16, 0));
	return 0;
}
