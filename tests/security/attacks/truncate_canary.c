/*
 * truncate_canary: destroy a host file without opening it.
 * Tries: truncate("/tmp/zvm-attack-target/canary1", 0).
 * Must:  SIGSYS, exit 4; canary1 keeps its content, size and mtime.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try truncate " CANARY_DIR "/canary1");
	long r = sys2(76, CANARY_DIR "/canary1", 0);
	saynum("survived", r);
	return 0;
}
