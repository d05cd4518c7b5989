/*
 * cstart: a ZeroVM-era raw program, written as its authors wrote them:
 * _start in C, no start file, string literals passed straight to
 * zvm_pwrite. gcc keeps the 16-byte vector below on the stack with aligned
 * SSE stores (movaps), relative to the stack pointer it assumes at a
 * function's entry (8 bytes off 16, after a call): entered any other way,
 * the program faults at its first store. It prints argc and argv[0], found
 * at the entry stack pointer, and ends with zvm_exit(x[2]) = 3.
 */
#include "zvm.h"
#include "zvm_mem.h"

typedef float v4 __attribute__((vector_size(16)));

static void put_num(long v)
{
	char t[24];
	int i = 0;
	do
		t[i++] = (char)('0' + v % 10);
	while (v /= 10);
	while (i)
		zvm_pwrite(1, &t[--i], 1, 0);
}

void _start(void);
void _start(void)
{
	/* With a frame pointer, the entry stack pointer is rbp + 8. */
	long *entry_sp = (long *)__builtin_frame_address(0) + 1;
	volatile v4 x = {1.0f, 2.0f, 3.0f, 4.0f};
	zvm_pwrite(1, "cstart: argc ", 13, 0);
	put_num(entry_sp[0]);
	zvm_pwrite(1, " argv[0] ", 9, 0);
	const char *a0 = (const char *)entry_sp[1];
	zvm_pwrite(1, a0, (int32_t)strlen(a0), 0);
	zvm_pwrite(1, "\n", 1, 0);
	zvm_exit((int32_t)x[2]);
}
