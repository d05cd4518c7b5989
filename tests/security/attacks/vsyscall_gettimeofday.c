/*
 * vsyscall_gettimeofday: read the host clock through the legacy vsyscall
 * page (0xffffffffff600000 is gettimeofday), which is not a syscall
 * instruction in the program and might escape the filter.
 * Tries: call 0xffffffffff600000 with a timeval buffer.
 * Must:  the process dies: SIGSYS (the kernel's vsyscall emulation runs the
 *        seccomp filter) or SIGSEGV (no vsyscall page); never "survived".
 */
#include "attack.h"

int main(int argc, char **argv)
{
	static long tv[2];
	(void)argc, (void)argv;
	long (*gtod)(long *, void *) = (long (*)(long *, void *))0xffffffffff600000UL;
	say("try vsyscall gettimeofday");
	long r = gtod(tv, 0);
	saynum("survived", r);
	saynum("seconds", tv[0]);
	return 0;
}
