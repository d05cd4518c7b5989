/*
 * output_flood: fill the disk: write 4 KiB blocks to /dev/out (put_size
 * 1000003, not a multiple of 4096) until something stops it.
 * Tries: zvm_pwrite(/dev/out, 4 KiB, 0) in a loop, up to 100000 times.
 * Must:  writes stop at exactly put_size: a total of 1000003 bytes, then
 *        -EDQUOT (-122); the file holds exactly 1000003 bytes; "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static char b[4096];
	(void)argc, (void)argv;
	int h = handle_of("/dev/out");
	long total = 0, r = 0;
	memset(b, 'F', sizeof b);
	say("try flood /dev/out");
	for (int i = 0; i < 100000; i++) {
		r = zvm_pwrite(h, b, sizeof b, 0);
		if (r < 0)
			break;
		total += r;
	}
	saynum("total", total);
	saynum("then", r);
	return 0;
}
