/*
 * personality_rie: READ_IMPLIES_EXEC would make every readable page
 * executable (defeating W^X for mprotect(PROT_READ) and the heap).
 * Tries: personality(READ_IMPLIES_EXEC).
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try personality READ_IMPLIES_EXEC");
	long r = sys1(135, 0x0400000);
	saynum("survived", r);
	return 0;
}
