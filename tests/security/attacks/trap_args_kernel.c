/*
 * trap_args_kernel: hand the supervisor an argument block at a kernel
 * address, hoping it dereferences the pointer itself.
 * Tries: trap(0xffffffff81000000).
 * Must:  -EFAULT (-14); "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try trap args at a kernel address");
	saynum("trap", TRAP((uint64_t *)0xffffffff81000000UL));
	return 0;
}
