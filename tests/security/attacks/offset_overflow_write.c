/*
 * offset_overflow_write: offset + size overflows int64 on a random-access
 * write: a supervisor computing "offset + size > limit" naively sees a
 * negative end and lets it through. put_size is INT64_MAX, so that only the
 * file size limit stands in the way.
 * Tries: zvm_pwrite(/dev/rout, buf, 16, INT64_MAX - 8).
 * Must:  "disk quota exceeded", exit 4; the file stays empty.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static const char b[16] = "0123456789abcdef";
	(void)argc, (void)argv;
	say("try pwrite at INT64_MAX - 8, size 16");
	saynum("pwrite", zvm_pwrite(handle_of("/dev/rout"), b, 16, 0x7fffffffffffffffLL - 8));
	return 0;
}
