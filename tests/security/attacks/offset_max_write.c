/*
 * offset_max_write: write one byte at offset INT64_MAX of a random-access
 * output file (/dev/rout), an 8 EiB sparse file if it went through.
 * Tries: zvm_pwrite(/dev/rout, "x", 1, INT64_MAX).
 * Must:  the write would pass the -l file size limit (default 4 GB): the
 *        session ends "disk quota exceeded", exit 4; the file stays empty.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try pwrite at INT64_MAX");
	saynum("pwrite", zvm_pwrite(handle_of("/dev/rout"), "x", 1, 0x7fffffffffffffffLL));
	return 0;
}
