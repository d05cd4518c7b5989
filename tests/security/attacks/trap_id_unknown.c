/*
 * trap_id_unknown: guess at a hidden trap: an "Open" call (ASCII tag like
 * the real ones) with a host path.
 * Tries: trap({0x6e65704f "Open", 0, "/etc/passwd", O_RDONLY}).
 * Must:  -EPERM (-1); "ok".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	uint64_t a[6] = {0x6e65704f, 0, (uintptr_t) "/etc/passwd", O_RDONLY, 0, 0};
	say("try trap Open /etc/passwd");
	saynum("trap", TRAP(a));
	return 0;
}
