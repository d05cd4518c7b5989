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

static uint64_t frame[64] __attribute__((aligned(16)));
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
	uint64_t *mc = &frame[5];
	mc[15] = (uintptr_t)&stack2[4000] - 8;	/* rsp, as after a call */
	mc[16] = (uintptr_t)resumed;		/* rip */
	mc[17] = 0x202;				/* eflags */
	mc[18] = 0x33 | (uint64_t)0x2b << 48;	/* cs, gs, fs, ss */
	frame[5 + 32] = ~0ULL;			/* uc_sigmask: everything */
	say("try rt_sigreturn blocking SIGSYS");
	__asm__ volatile("mov %0, %%rsp\n"
			 "mov $15, %%eax\n"
			 "syscall\n"
			 "hlt\n"
			 :
			 : "r"(frame)
			 : "memory");
	return 0;
}
