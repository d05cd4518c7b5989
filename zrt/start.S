/*
 * start.S - the runtime's entry and its few instructions that C cannot say.
 *
 * zrt_entry: boot jumps here with the initial stack the supervisor built.
 * zrt_main() sets the session up and returns the program's stack pointer
 * (rax) and entry point (rdx); the program starts as the kernel would start
 * it: every general-purpose register 0 but rsp (rdx = 0: no atexit hook).
 * zrt_main runs on a stack of its own, because it writes the program's
 * initial stack right below the one boot entered with.
 */
#include <asm/unistd.h>

#include "start.h"
#include "trap_abi.h"
	.text
	.globl zrt_entry
zrt_entry:
	mov	%rsp, %rdi
	lea	zrt_init_stack+ZRT_INIT_STACK(%rip), %rsp	/* the program's new stack is */
	call	zrt_main				/* built below the old one */
	mov	%rax, %rsp
	push	%rdx
	xor	%eax, %eax
	xor	%ebx, %ebx
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%ebp, %ebp
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d
	ret

/* zrt_resume_entry: a session resumed from a snapshot starts here, on the
 * fork trap's resume stack (fork.c), with nothing else defined. */
	.globl zrt_resume_entry
zrt_resume_entry:
	and	$-16, %rsp
	call	fork_resume
	ud2

/* long zrt_syscall6(nr, a, b, c, d, e, f): only the calls the wall allows
 * (mprotect, exit_group); everything else would raise SIGSYS again. */
	.globl zrt_syscall6
zrt_syscall6:
	mov	%rdi, %rax
	mov	%rsi, %rdi
	mov	%rdx, %rsi
	mov	%rcx, %rdx
	mov	%r8, %r10
	mov	%r9, %r8
	mov	8(%rsp), %r9
	syscall
	ret

/* int32_t zrt_trap(uint64_t *args): the trampoline at GUEST_TRAMPOLINE. */
	.globl zrt_trap
zrt_trap:
	mov	$GUEST_TRAMPOLINE, %eax
	jmp	*%rax

/* The SA_RESTORER of the runtime's handlers. */
	.globl zrt_restorer
zrt_restorer:
	mov	$__NR_rt_sigreturn, %eax
	syscall
	hlt

	.section .note.GNU-stack,"",@progbits
