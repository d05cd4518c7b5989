/*
 * trampoline.S - the trap entry the guest calls at GUEST_TRAMPOLINE.
 *
 * Runs inside the sandbox (untrusted). Assembled into the supervisor only as
 * bytes: the supervisor copies them to guest address GUEST_TRAMPOLINE
 * (abi/trap_abi.h) before start.
 *
 *   int32_t trap(uint64_t *args)      rdi = args
 *
 * The private syscall becomes a seccomp user notification; the supervisor
 * does the work and answers with the return value. A jail or unjail the
 * supervisor accepted needs a native action after the answer, because the
 * supervisor cannot change the guest's address space:
 *   mprotect(addr, size, R+X or R+W)
 * which the filter allows only inside guest memory. Exit is never
 * answered: the supervisor ends the process itself (src/trap.c).
 */
#include "trap_abi.h"

	.section .rodata.trampoline, "a"
	.globl zvm_trampoline_start, zvm_trampoline_end
zvm_trampoline_start:
	mov	$ZVM_TRAP_SYSCALL, %eax
	syscall
	test	%eax, %eax
	jnz	1f			/* error or byte count: done */
	mov	(%rdi), %edx
	mov	$5, %r10d		/* PROT_READ|PROT_EXEC */
	cmp	$ZVM_TRAP_JAIL, %edx
	je	2f
	mov	$3, %r10d		/* PROT_READ|PROT_WRITE */
	cmp	$ZVM_TRAP_UNJAIL, %edx
	jne	1f
2:	mov	%r10, %rdx		/* prot */
	movslq	24(%rdi), %rsi		/* int32 size, as the supervisor read it, */
	add	$0xffff, %rsi		/* rounded up to whole 64 KiB chunks as */
	and	$-0x10000, %rsi		/* it counts them (ZeroVM's page size) */
	mov	16(%rdi), %rdi		/* addr */
	mov	$10, %eax		/* __NR_mprotect */
	syscall
1:	ret

/*
 * int32_t fork(void) at GUEST_FORK_ENTRY (trap_abi.h): raw programs'
 * resumable zvm_fork. Called like any C function; it keeps what a C
 * caller expects to survive a call (rbx, rbp, r12-r15, the MXCSR and x87
 * control words) in a frame on the guest's own stack, and makes the fork
 * trap with args = {Fork, 0, resume, frame} in that frame:
 *
 *   frame+0   args[4]       frame+32  MXCSR     frame+36  x87 control word
 *   frame+40  r15 r14 r13 r12 rbx rbp, then the caller's return address
 *
 * The session that made the trap returns the trap's answer. A copy
 * started from a snapshot of it enters at resume with rsp = frame, and
 * returns ZVM_FORK_RESUMED_RET from the same call.
 */
	.org	zvm_trampoline_start + (GUEST_FORK_ENTRY - GUEST_TRAMPOLINE)
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	sub	$40, %rsp
	stmxcsr	32(%rsp)
	fnstcw	36(%rsp)
	movw	$0, 38(%rsp)		/* the padding: no stale bytes */
	movq	$ZVM_TRAP_FORK, (%rsp)
	movq	$0, 8(%rsp)
	lea	3f(%rip), %rax
	mov	%rax, 16(%rsp)
	mov	%rsp, 24(%rsp)
	mov	%rsp, %rdi
	mov	$ZVM_TRAP_SYSCALL, %eax
	syscall
	jmp	4f
3:	mov	$ZVM_FORK_RESUMED_RET, %eax
4:	ldmxcsr	32(%rsp)
	fldcw	36(%rsp)
	add	$40, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret
zvm_trampoline_end:

	.section .note.GNU-stack,"",@progbits
