/*
 * rename_canary: move a host file away (a rename needs no open descriptor).
 * Tries: renameat2(AT_FDCWD, ".../canary1", AT_FDCWD, ".../stolen", 0).
 * Must:  SIGSYS, exit 4; canary directory unchanged.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try renameat2 " CANARY_DIR "/canary1");
	long r = sys5(316, AT_FDCWD, CANARY_DIR "/canary1", AT_FDCWD, CANARY_DIR "/stolen", 0);
	saynum("survived", r);
	return 0;
}
