/*
 * unjail_trampoline: make the trampoline page (0x10000, the chunk the
 * supervisor also reads the user-manifest pointer from) writable.
 * Tries: zvm_unjail(0x10000, 65536).
 * Must:  -EINVAL (-22); the trap still works; "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try unjail the trampoline");
	saynum("unjail", zvm_unjail((void *)0x10000UL, 65536));
	return 0;
}
