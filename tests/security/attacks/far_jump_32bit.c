/*
 * far_jump_32bit: switch the CPU to 32-bit compatibility mode without any
 * system call (lret to the user 32-bit code selector 0x23, which every x86
 * Linux process may use), then make an i386 system call from there.
 * Tries: lretq to 0x23:code32; in 32-bit mode int $0x80 with eax = 5
 *        (open "/etc/passwd"); if it returned, ljmp back to 64-bit mode
 *        (selector 0x33) and report.
 * Must:  SIGSYS (the filter's architecture check), exit 4.
 */
#include "attack.h"

volatile int32_t result32;
void go32(void);
__attribute__((used, noreturn)) void back64(void);

__asm__(".text\n"
	".globl go32\n"
	"go32:\n"
	"	pushq $0x23\n"
	"	lea code32(%rip), %rax\n"
	"	pushq %rax\n"
	"	lretq\n"
	".code32\n"
	"code32:\n"
	"	mov $5, %eax\n"
	"	mov $passwd32, %ebx\n"
	"	xor %ecx, %ecx\n"
	"	int $0x80\n"
	"	mov %eax, result32\n"
	"	ljmp $0x33, $land64\n"
	".code64\n"
	"land64:\n"
	"	and $-16, %rsp\n"
	"	call back64\n"
	"	hlt\n"
	".section .rodata\n"
	"passwd32: .asciz \"/etc/passwd\"\n"
	".text\n");

void back64(void)
{
	saynum("survived", result32);
	zvm_exit(0);
}

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	say("try far jump to 32-bit code, int 0x80 open");
	go32();
	return 0;
}
