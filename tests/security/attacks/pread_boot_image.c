/*
 * pread_boot_image: make the supervisor write channel data where the guest
 * itself may not write: boot's data outside guest memory (0x7ffff7fec000).
 * Tries: zvm_pread(stdin, 0x7ffff7fec000UL, 16, 0).
 * Must:  -EINVAL (-22), nothing written there; the session ends "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try pread into boot data");
	saynum("pread", zvm_pread(0, (void *)(0x7ffff7fec000UL), 16, 0));
	return 0;
}
