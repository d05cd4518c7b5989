/*
 * jail_data: make the program's writable data segment executable (a 64 KiB
 * aligned address inside .bss).
 * Tries: zvm_jail(64 KiB aligned address in .bss, 65536).
 * Must:  -EINVAL (-22); "ok".
 */
#include "attack.h"

static char bss[3 << 16];

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	uintptr_t chunk = ((uintptr_t)bss + 0xffff) & ~(uintptr_t)0xffff;
	say("try jail .bss");
	saynum("jail", zvm_jail((void *)chunk, 65536));
	bss[0] = 1;
	return 0;
}
