/*
 * handle_max: a channel handle out of range: INT32_MAX.
 * Tries: zvm_pread(0x7fffffff, b, 16, 0).
 * Must:  -EINVAL (-22); "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static char b[16] = "pwned";
	(void)argc, (void)argv;
	say("try handle 0x7fffffff");
	saynum("result", zvm_pread(0x7fffffff, b, 16, 0));
	return 0;
}
