/*
 * trap_args_boot_image: an argument block in boot's writable data
 * (0x7ffff7fec000): the guest can store there, but it is not guest memory
 * and the supervisor's mapping base + that address is somewhere in the
 * supervisor.
 * Tries: trap(0x7ffff7fec000).
 * Must:  -EFAULT (-14); "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try trap args in boot data");
	saynum("trap", TRAP((uint64_t *)0x7ffff7fec000UL));
	return 0;
}
