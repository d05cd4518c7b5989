/*
 * openat2_canary: create a host file through the newest open call, which
 * an allowlist written for older kernels might forget.
 * Tries: openat2(AT_FDCWD, "/tmp/zvm-attack-target/owned2",
 *        {O_CREAT|O_WRONLY|O_TRUNC, 0600, 0}, 24).
 * Must:  SIGSYS, exit 4; canary directory unchanged.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static uint64_t how[3] = {O_CREAT | O_WRONLY | O_TRUNC, 0600, 0};
	(void)argc, (void)argv;
	say("try openat2 " CANARY_DIR "/owned2");
	long fd = sys4(437, AT_FDCWD, CANARY_DIR "/owned2", how, sizeof how);
	saynum("survived", fd);
	return 0;
}
