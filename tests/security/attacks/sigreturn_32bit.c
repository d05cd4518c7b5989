/*
 * sigreturn_32bit: rt_sigreturn is allowed (a runtime's SIGSYS handler
 * needs it) and loads every register from memory the program controls,
 * including CS and SS. Forge a signal frame that "returns" into 32-bit
 * compatibility mode, then make an i386 system call there.
 * Tries: rt_sigreturn with rip = code32, cs = 0x23, ss = 0x2b; the 32-bit
 *        code does int $0x80 open("/etc/passwd").
 * Must:  SIGSYS, exit 4 (never "survived").
 */
#include "attack.h"

volatile int32_t result32;
__attribute__((used, noreturn)) void back64(void);
void code32(void);

__asm__(".text\n"
	".code32\n"
	".globl code32\n"
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

/* struct ucontext as rt_sigreturn reads it at rsp (x86-64). */
static uint64_t frame[64] __attribute__((aligned(16)));
static uint64_t stack32[1024] __attribute__((aligned(16)));

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	uint64_t *mc = &frame[5]; /* uc_flags, uc_link, uc_stack (3 words) */
	mc[15] = (uintptr_t)&stack32[1000];	   /* rsp */
	mc[16] = (uintptr_t)code32;		   /* rip */
	mc[17] = 0x202;				   /* eflags */
	mc[18] = 0x23 | (uint64_t)0x2b << 48;	   /* cs, gs, fs, ss */
	frame[5 + 32] = 0;			   /* uc_sigmask */
	say("try rt_sigreturn into 32-bit mode, int 0x80 open");
	__asm__ volatile("mov %0, %%rsp\n"
			 "mov $15, %%eax\n"
			 "syscall\n"
			 "hlt\n"
			 :
			 : "r"(frame)
			 : "memory");
	return 0;
}
