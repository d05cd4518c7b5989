/*
 * pwrite_kernel: leak memory that is not the guest's through a channel: a
 * kernel address.
 * Tries: zvm_pwrite(stdout, 0xffffffff81000000UL, 64, 0).
 * Must:  -EINVAL (-22), nothing of it on stdout; the session ends "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try pwrite from a kernel address");
	saynum("pwrite", zvm_pwrite(1, (const void *)0xffffffff81000000UL, 64, 0));
	return 0;
}
