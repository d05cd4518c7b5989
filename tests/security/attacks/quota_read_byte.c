/*
 * quota_read_byte: read one byte more than get_size allows: /dev/in is a
 * 20-byte file with get_size 10.
 * Tries: zvm_pread(/dev/in, buf, 10, 0), then 1 more byte.
 * Must:  10, then -EDQUOT (-122); only "0123456789" read; "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static char b[32];
	(void)argc, (void)argv;
	int h = handle_of("/dev/in");
	say("try read get_size + 1 bytes");
	saynum("pread", zvm_pread(h, b, 10, 0));
	saynum("pread", zvm_pread(h, b + 10, 1, 0));
	b[11] = 0;
	say(b);
	return 0;
}
