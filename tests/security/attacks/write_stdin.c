/*
 * write_stdin: write into the input channel (its source is a host file the
 * platform may reuse).
 * Tries: zvm_pwrite(0, "pwned\n", 6, 0).
 * Must:  -EDQUOT (-122, stdin is not writable); the stdin file unchanged;
 *        "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try pwrite to stdin");
	saynum("pwrite", zvm_pwrite(0, "pwned\n", 6, 0));
	return 0;
}
