/*
 * ptrace_traceme: become a tracee of the supervisor. Under a tracer, a
 * seccomp filter can be confused (older kernels ran the filter before the
 * tracer could change the system call).
 * Tries: ptrace(PTRACE_TRACEME, 0, 0, 0).
 * Must:  SIGSYS, exit 4.
 */
#include "attack.h"

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try ptrace PTRACE_TRACEME");
	long r = sys4(101, 0, 0, 0, 0);
	saynum("survived", r);
	return 0;
}
