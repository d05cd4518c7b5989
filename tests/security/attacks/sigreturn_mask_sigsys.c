/*
 * sigreturn_mask_sigsys: rt_sigprocmask is forbidden, but rt_sigreturn
 * restores the signal mask from the forged frame. Block every signal,
 * SIGSYS included, so that the filter's SIGSYS would stay pending and the
 * forbidden call would just return, then open a host file.
 * Tries: rt_sigreturn with uc_sigmask = all ones, resuming in a function
 *        that calls open("/etc/passwd").
 * Must:  the kernel forces SIGSYS through the mask: SIGSYS, exit 4; the
 *        line printed after the sigreturn shows the mask trick itself ran.
 */
#include "attack.h"

static uint64_t stack2[4096] __attribute__((aligned(16)));

__attribute__((noreturn, used)) static void resumed(void)
{
	say("mask set, try open /etc/passwd");
	long fd = sys2(2, "/etc/passwd", O_RDONLY);
	saynum("survived", fd);
	zvm_exit(0);
}

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try rt_sigreturn blocking SIGSYS");
	/* rsp as after a call; uc_sigmask: everything */
	forge_sigreturn((uintptr_t)resumed, (uintptr_t)&stack2[4000] - 8, 0x33, 0x2b, ~0ULL);
}
