/*
 * io_uring_setup: io_uring performs file and network I/O from kernel
 * workers, out of reach of the caller's seccomp filter once the ring
 * exists.
 * Tries: io_uring_setup(8, &params).
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static uint32_t params[30];
	(void)argc, (void)argv;
	say("try io_uring_setup");
	long r = sys2(425, 8, params);
	saynum("survived", r);
	return 0;
}
