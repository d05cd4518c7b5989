/*
 * trap_args_hole: an argument block in the unmapped hole between the
 * trampoline and the program (0x20000): inside Memory, but not memory the
 * guest can read; the supervisor's mapping has it (zeros).
 * Tries: trap(0x20000).
 * Must:  -EFAULT (-14); "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try trap args in the hole");
	saynum("trap", TRAP((uint64_t *)0x20000UL));
	return 0;
}
