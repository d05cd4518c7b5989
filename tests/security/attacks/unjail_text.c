/*
 * unjail_text: unjail makes memory read + write: ask for the program's
 * code (the 64 KiB chunk at 0x400000 holding headers and .text) so it can
 * be patched.
 * Tries: zvm_unjail(0x400000, 65536).
 * Must:  -EINVAL (-22); "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try unjail .text");
	saynum("unjail", zvm_unjail((void *)0x400000UL, 65536));
	return 0;
}
