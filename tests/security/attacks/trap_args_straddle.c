/*
 * trap_args_straddle: a pwrite argument block whose first two words (id,
 * reserved) are the last 16 bytes of guest memory and whose other four
 * words lie past its end, so that a supervisor that checks only the first
 * words reads beyond its mapping.
 * Tries: args = end - 16 = {TrapWrite, 0 | handle, buffer, size, offset
 *        past the end}; trap(args).
 * Must:  -EFAULT (-14); "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc;
	uint64_t *args = (uint64_t *)(memory_end(argv) - 16);
	args[0] = TrapWrite;
	args[1] = 0;
	say("try trap args straddling the end of memory");
	saynum("trap", TRAP(args));
	return 0;
}
