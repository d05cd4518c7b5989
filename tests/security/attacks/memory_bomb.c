/*
 * memory_bomb: use far more memory than Memory (32 MiB): touch one byte in
 * every page from the heap up to 256 MiB beyond it.
 * Tries: stores every 4 KiB from heap_ptr to heap_ptr + 256 MiB.
 * Must:  SIGSEGV at the end of guest memory ("Signal 11", exit 4): the
 *        address space past Memory is not there to grow into.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	volatile char *heap = MANIFEST->heap_ptr;
	say("try touch 256 MiB from the heap");
	for (long i = 0; i < 256L << 20; i += 4096)
		heap[i] = 1;
	say("survived");
	return 0;
}
