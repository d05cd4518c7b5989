/*
 * pread_wrap: make the supervisor write channel data where the guest itself
 * may not write: the last 8 bytes of the address space, so that the end
 * wraps to 8.
 * Tries: zvm_pread(stdin, 0xfffffffffffffff8UL, 16, 0).
 * Must:  -EINVAL (-22), nothing written there; the session ends "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try pread wrapping the address space");
	saynum("pread", zvm_pread(0, (void *)(0xfffffffffffffff8UL), 16, 0));
	return 0;
}
