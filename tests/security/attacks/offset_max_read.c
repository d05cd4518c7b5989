/*
 * offset_max_read: read a random-access channel (/dev/rin, 10 bytes) at
 * offset INT64_MAX.
 * Tries: zvm_pread(/dev/rin, buf, 16, INT64_MAX).
 * Must:  -EFAULT (-14): past the end of the channel, as the original; "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static char b[16];
	(void)argc, (void)argv;
	say("try pread at INT64_MAX");
	saynum("pread", zvm_pread(handle_of("/dev/rin"), b, 16, 0x7fffffffffffffffLL));
	return 0;
}
