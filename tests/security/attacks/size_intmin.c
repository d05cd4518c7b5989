/*
 * size_intmin: a negative size that becomes 2 GiB (or 16 EiB) if the
 * supervisor converts it to an unsigned length.
 * Tries: zvm_pread(stdin, buf, INT32_MIN, 0).
 * Must:  -EFAULT (-14); "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static char b[16];
	(void)argc, (void)argv;
	say("try pread size INT32_MIN");
	saynum("pread", zvm_pread(0, b, (int32_t)0x80000000u, 0));
	return 0;
}
