/*
 * pwrite_boot_image: leak memory that is not the guest's through a channel:
 * boot's image, outside guest memory.
 * Tries: zvm_pwrite(stdout, 0x7ffff7fe8000UL, 4096, 0).
 * Must:  -EINVAL (-22), nothing of it on stdout; the session ends "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try pwrite from boot image");
	saynum("pwrite", zvm_pwrite(1, (const void *)0x7ffff7fe8000UL, 4096, 0));
	return 0;
}
