/*
 * pread_boot_block: make the supervisor write channel data where the guest
 * itself may not write: the boot block below 0x10000 (it holds the seccomp
 * filter program).
 * Tries: zvm_pread(stdin, 0x8000UL, 16, 0).
 * Must:  -EINVAL (-22), nothing written there; the session ends "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try pread into the boot block");
	saynum("pread", zvm_pread(0, (void *)(0x8000UL), 16, 0));
	return 0;
}
