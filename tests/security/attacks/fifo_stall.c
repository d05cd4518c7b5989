/*
 * fifo_stall: block the supervisor instead of the guest: read a FIFO
 * channel whose writer (started by the runner) keeps it open and never
 * writes, so the supervisor sits in read(2) on the guest's behalf.
 * Tries: zvm_pread(/dev/fifo, buf, 4096, 0) with Timeout = 2.
 * Must:  the timeout still ends the session: "session timeout", exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static char b[4096];
	(void)argc, (void)argv;
	say("try read a silent fifo");
	saynum("pread", zvm_pread(handle_of("/dev/fifo"), b, sizeof b, 0));
	return 0;
}
