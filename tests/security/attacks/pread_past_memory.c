/*
 * pread_past_memory: the first byte past guest memory (Memory = 32 MiB),
 * where the supervisor's own mapping of the memfd ends.
 * Tries: zvm_pread(stdin, end of Memory, 16, 0).
 * Must:  -EINVAL (-22); "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc;
	say("try pread past the end of memory");
	saynum("pread", zvm_pread(0, (void *)memory_end(argv), 16, 0));
	return 0;
}
