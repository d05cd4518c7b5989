/*
 * pwrite_boot_block: leak memory that is not the guest's through a channel:
 * the boot block at 0, never mapped in the sandbox.
 * Tries: zvm_pwrite(stdout, 0x0UL, 65536, 0).
 * Must:  -EINVAL (-22), nothing of it on stdout; the session ends "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try pwrite from the boot block");
	saynum("pwrite", zvm_pwrite(1, (const void *)0x0UL, 65536, 0));
	return 0;
}
