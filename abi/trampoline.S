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
zvm_trampoline_end:

	.section .note.GNU-stack,"",@progbits
