/*
 * pread_hole: make the supervisor write channel data where the guest itself
 * may not write: the unmapped hole between the trampoline and the program
 * (0x20000).
 * Tries: zvm_pread(stdin, 0x20000UL, 16, 0).
 * Must:  -EINVAL (-22), nothing written there; the session ends "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try pread into the hole at 0x20000");
	saynum("pread", zvm_pread(0, (void *)(0x20000UL), 16, 0));
	return 0;
}
