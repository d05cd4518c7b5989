/*
 * handle_min: a channel handle out of range: INT32_MIN (negative, and huge
 * as unsigned).
 * Tries: zvm_pread((int)0x80000000, b, 16, 0).
 * Must:  -EINVAL (-22); "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static char b[16] = "pwned";
	(void)argc, (void)argv;
	say("try handle 0x80000000");
	saynum("result", zvm_pread((int)0x80000000, b, 16, 0));
	return 0;
}
