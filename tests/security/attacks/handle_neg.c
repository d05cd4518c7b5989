/*
 * handle_neg: a channel handle out of range: -1 (an index before the channel
 * table).
 * Tries: zvm_pwrite(-1, b, 5, 0).
 * Must:  -EINVAL (-22); "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static char b[16] = "pwned";
	(void)argc, (void)argv;
	say("try handle -1");
	saynum("result", zvm_pwrite(-1, b, 5, 0));
	return 0;
}
