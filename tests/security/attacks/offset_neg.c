/*
 * offset_neg: a negative offset (-1) on a sequential channel; as an
 * unsigned file position it would be 2^64 - 1.
 * Tries: zvm_pread(stdin, buf, 1, -1).
 * Must:  the offset is ignored, as the original ignored every offset of a
 *        sequential channel: one byte read at the channel's own position
 *        (1); "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static char b[16];
	(void)argc, (void)argv;
	say("try pread offset -1");
	saynum("pread", zvm_pread(0, b, 1, -1));
	return 0;
}
