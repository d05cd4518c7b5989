/*
 * size_huge: a valid buffer start with a size far past guest memory
 * (INT32_MAX from the heap, Memory is 32 MiB).
 * Tries: zvm_pread(stdin, heap, INT32_MAX, 0).
 * Must:  -EINVAL (-22); "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try pread size INT32_MAX into the heap");
	saynum("pread", zvm_pread(0, MANIFEST->heap_ptr, 0x7fffffff, 0));
	return 0;
}
