/*
 * jail_stack: make the stack executable (then run code pushed on it).
 * Tries: zvm_jail(the 64 KiB chunk holding the stack pointer, 65536).
 * Must:  -EINVAL (-22): only the heap can be jailed; "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	char here;
	uintptr_t chunk = (uintptr_t)&here & ~(uintptr_t)0xffff;
	say("try jail the stack");
	saynum("jail", zvm_jail((void *)chunk, 65536));
	return 0;
}
