/*
 * handle_count: a channel handle out of range: 3 with exactly 3 channels
 * (one past the table).
 * Tries: zvm_pwrite(3, b, 5, 0).
 * Must:  -EINVAL (-22); "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static char b[16] = "pwned";
	(void)argc, (void)argv;
	say("try handle 3");
	saynum("result", zvm_pwrite(3, b, 5, 0));
	return 0;
}
