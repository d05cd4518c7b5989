/*
 * pwrite_hole_span: leak memory that is not the guest's through a channel: 4
 * MiB from the trampoline, across the unmapped hole below the program.
 * Tries: zvm_pwrite(stdout, 0x10000UL, 0x400000, 0).
 * Must:  -EINVAL (-22), nothing of it on stdout; the session ends "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try pwrite across the hole");
	saynum("pwrite", zvm_pwrite(1, (const void *)0x10000UL, 0x400000, 0));
	return 0;
}
