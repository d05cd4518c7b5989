/*
 * mount_tmpfs: mount over a host directory (the canary directory).
 * Tries: mount("none", "/tmp/zvm-attack-target", "tmpfs", 0, NULL).
 * Must:  SIGSYS, exit 4; the canary directory unchanged.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try mount tmpfs on " CANARY_DIR);
	long r = sys5(165, "none", CANARY_DIR, "tmpfs", 0, 0);
	saynum("survived", r);
	return 0;
}
