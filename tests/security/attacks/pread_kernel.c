/*
 * pread_kernel: make the supervisor write channel data where the guest
 * itself may not write: a kernel address (0xffffffff81000000).
 * Tries: zvm_pread(stdin, 0xffffffff81000000UL, 16, 0).
 * Must:  -EINVAL (-22), nothing written there; the session ends "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try pread into a kernel address");
	saynum("pread", zvm_pread(0, (void *)(0xffffffff81000000UL), 16, 0));
	return 0;
}
