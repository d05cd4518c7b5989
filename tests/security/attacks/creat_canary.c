/*
 * creat_canary: plant a file in a host directory.
 * Tries: creat("/tmp/zvm-attack-target/owned", 0644) and write(2) to it.
 * Must:  SIGSYS at the creat, exit 4; the canary directory is unchanged and
 *        no /tmp/zvm-attack-target* entry appears.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try creat " CANARY_DIR "/owned");
	long fd = sys2(85, CANARY_DIR "/owned", 0644);
	saynum("survived", fd);
	sys3(1, fd, "owned\n", 6);
	return 0;
}
