/*
 * pread_straddle_end: a buffer that starts inside guest memory (the last 8
 * bytes of the stack) and ends 56 bytes past it.
 * Tries: zvm_pread(stdin, end - 8, 64, 0).
 * Must:  -EINVAL (-22): the whole buffer is checked, not its start; "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc;
	say("try pread straddling the end of memory");
	saynum("pread", zvm_pread(0, (void *)(memory_end(argv) - 8), 64, 0));
	return 0;
}
