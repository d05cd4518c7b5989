/*
 * offset_max_write: write one byte at offset INT64_MAX of a random-access
 * output file (/dev/rout), an 8 EiB sparse file if it went through. Even
 * with put_size INT64_MAX (the largest there is) the offset is not below
 * put_size, the original's bound for random writes.
 * Tries: zvm_pwrite(/dev/rout, "x", 1, INT64_MAX).
 * Must:  -EINVAL (-22); the file stays empty.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try pwrite at INT64_MAX");
	saynum("pwrite", zvm_pwrite(handle_of("/dev/rout"), "x", 1, 0x7fffffffffffffffLL));
	return 0;
}
