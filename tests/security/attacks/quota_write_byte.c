/*
 * quota_write_byte: write one byte more than put_size allows: /dev/out
 * has put_size 10.
 * Tries: zvm_pwrite(/dev/out, "0123456789", 10, 0), then "X".
 * Must:  10, then -EDQUOT (-122); the file holds exactly 10 bytes; "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	int h = handle_of("/dev/out");
	say("try write put_size + 1 bytes");
	saynum("pwrite", zvm_pwrite(h, "0123456789", 10, 0));
	saynum("pwrite", zvm_pwrite(h, "X", 1, 0));
	return 0;
}
