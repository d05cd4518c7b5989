/*
 * pread_trampoline: make the supervisor write channel data where the guest
 * itself may not write: the trampoline page at 0x10000.
 * Tries: zvm_pread(stdin, 0x10000UL, 16, 0).
 * Must:  -EINVAL (-22), nothing written there; the trap still works
 *        afterwards; the session ends "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try pread into the trampoline");
	saynum("pread", zvm_pread(0, (void *)(0x10000UL), 16, 0));
	say("trampoline intact");
	return 0;
}
