/*
 * offset_overflow_read: offset + size overflows int64 on a random-access
 * read (/dev/rin, 10 bytes): INT64_MAX - 8 plus 16.
 * Tries: zvm_pread(/dev/rin, buf, 16, INT64_MAX - 8).
 * Must:  -EFAULT (-14), past the end, without overflowing; "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static char b[16];
	(void)argc, (void)argv;
	say("try pread at INT64_MAX - 8, size 16");
	saynum("pread", zvm_pread(handle_of("/dev/rin"), b, 16, 0x7fffffffffffffffLL - 8));
	return 0;
}
