/*
 * start.S - boot's entry, raw system calls and the final jump into the
 * program. Runs inside the sandbox; see boot.c.
 */
	.text
	.globl _start
	.type _start, @function
_start:
	xor	%ebp, %ebp
	mov	%rsp, %rdi		/* argc, argv, envp, auxv */
	/* Run on a stack inside boot's own image, so that boot can unmap the
	 * kernel's initial stack (it holds AT_RANDOM's 16 random bytes). */
	lea	boot_stack_top(%rip), %rsp
	call	boot_main
	hlt

	.bss
	.balign 16
	.space	16384
boot_stack_top:
	.text

/* long boot_syscall6(long nr, long a, long b, long c, long d, long e, long f) */
	.globl boot_syscall6
	.type boot_syscall6, @function
boot_syscall6:
	mov	%rdi, %rax
	mov	%rsi, %rdi
	mov	%rdx, %rsi
	mov	%rcx, %rdx
	mov	%r8, %r10
	mov	%r9, %r8
	mov	8(%rsp), %r9
	syscall
	ret

/* Every general register but rsp and r11 zeroed, so that nothing of boot
 * leaks across into the program (boot_enter, boot_resume). */
	.macro clear_but_r11
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
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d
	.endm

/* void boot_enter(uint64_t entry, uint64_t sp): the program starts with the
 * System V initial process state: rsp at argc, rdx = 0 (no atexit hook),
 * every other general register zero so nothing of boot leaks across. */
	.globl boot_enter
	.type boot_enter, @function
boot_enter:
	mov	%rsi, %rsp
	mov	%rdi, %r11
	clear_but_r11
	push	%r11
	xor	%r11d, %r11d
	ret

/* void boot_resume(uint64_t entry, uint64_t sp): a session resumed from a
 * snapshot (BOOT_F_RESUME). As boot_enter, but a jump: nothing is pushed,
 * so no byte of guest memory below sp changes (the copy's memory must be
 * the original's). r11 keeps the entry address, which the guest knows. */
	.globl boot_resume
	.type boot_resume, @function
boot_resume:
	mov	%rsi, %rsp
	mov	%rdi, %r11
	clear_but_r11
	jmp	*%r11

	.section .note.GNU-stack,"",@progbits
