/*
 * jit_wx: skip jail/unjail and make heap memory writable and executable at
 * once, the way a naive JIT would.
 * Tries: write "mov $42, %eax; ret" into the heap, mprotect(heap, 64 KiB,
 *        PROT_READ|PROT_WRITE|PROT_EXEC), call it.
 * Must:  SIGSYS at the mprotect (W+X is never allowed), exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	unsigned char *heap = MANIFEST->heap_ptr;
	static const unsigned char code[] = {0xb8, 42, 0, 0, 0, 0xc3};
	memcpy(heap, code, sizeof code);
	say("try mprotect heap rwx");
	long r = sys3(10, heap, 65536, PROT_READ | PROT_WRITE | PROT_EXEC);
	saynum("survived", r);
	saynum("code returned", ((int (*)(void))(uintptr_t)heap)());
	return 0;
}
