/*
 * sysenter_open: the other 32-bit gate. On Intel CPUs sysenter works from
 * 64-bit code and enters the kernel's compat (i386) system call path.
 * Tries: sysenter with eax = 5 (i386 open), ebx = "/etc/passwd", and ebp
 *        pointing at readable stack (the kernel fetches a sixth argument
 *        there).
 * Must:  the process dies: SIGSYS from the architecture check (Intel), or
 *        SIGILL/SIGSEGV where sysenter is not usable in 64-bit mode (AMD);
 *        never "survived".
 */
#include "attack.h"

long do_sysenter(const char *path);
__asm__(".text\n"
	".globl do_sysenter\n"
	"do_sysenter:\n"
	"	push %rbx\n"
	"	push %rbp\n"
	"	mov %rdi, %rbx\n"
	"	xor %ecx, %ecx\n"
	"	mov $5, %eax\n"
	"	mov %rsp, %rbp\n"
	"	sysenter\n"
	"	pop %rbp\n"
	"	pop %rbx\n"
	"	ret\n");

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try sysenter open /etc/passwd");
	long r = do_sysenter("/etc/passwd");
	saynum("survived", r);
	return 0;
}
