/*
 * jail_size_highbits: a jail size with high bits set. The supervisor takes
 * the size as int32_t (ZeroVM's type), and so does the trampoline's
 * mprotect: 0x100010000 is one 64 KiB chunk for both. (An earlier
 * trampoline passed all 64 bits to mprotect and made the rest of guest
 * memory read+execute; only the guest suffered, but the two disagreed.)
 * Tries: trap({TrapJail, 0, heap, 0x100010000}).
 * Must:  0; the first heap chunk is jailed, the stack is untouched, so the
 *        guest carries on and ends normally.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	uint64_t a[4] = {TrapJail, 0, (uintptr_t)MANIFEST->heap_ptr, 0x100010000ULL};
	say("try jail with size 0x100010000");
	saynum("trap", TRAP(a));
	return 0;
}
