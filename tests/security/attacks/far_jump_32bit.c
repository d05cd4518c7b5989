/*
 * far_jump_32bit: switch the CPU to 32-bit compatibility mode without any
 * system call (lret to the user 32-bit code selector 0x23, which every x86
 * Linux process may use), then make an i386 system call from there.
 * Tries: lretq to 0x23:code32; in 32-bit mode int $0x80 with eax = 5
 *        (open "/etc/passwd"); if it returned, ljmp back to 64-bit mode
 *        (selector 0x33) and report.
 * Must:  SIGSYS (the filter's architecture check), exit 4.
 */
#define ATTACK_CODE32
#include "attack.h"

void go32(void);
__asm__(".text\n"
	".globl go32\n"
	"go32:\n"
	"	pushq $0x23\n"
	"	lea code32(%rip), %rax\n"
	"	pushq %rax\n"
	"	lretq\n");

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try far jump to 32-bit code, int 0x80 open");
	go32();
	return 0;
}
