/*
 * allowlist.c - the seccomp policy: the security boundary of the sandbox.
 *
 * This table is compiled into the build-time generator (gen.c), which turns
 * it into BPF with libseccomp; the supervisor embeds the result
 * (src/policy.c). It is the one place where the sandbox's kernel interface
 * is decided. docs/security.md explains every entry.
 *
 * Actions, in the order the filter applies them:
 *   1. any architecture but x86-64 (i386 int 0x80 / sysenter), and any x32
 *      syscall number (bit 30 set)                  -> kill the process
 *      (hand-written prefix in gen.c: libseccomp's x86-64 filter would send
 *      x32 numbers to the default action)
 *   2. the private trap number ZVM_TRAP_SYSCALL      -> user notification
 *   3. the allowlist below                           -> allow
 *   4. everything else                               -> SIGSYS: the runtime
 *      (ZRT) emulates it; a raw guest without a handler dies of it
 */
#include <seccomp.h>
#include <sys/mman.h>

#include "boot_abi.h"
#include "../guest.h"
#include "allowlist.h"

int policy_allowlist(scmp_filter_ctx ctx, bool runtime)
{
	int r = 0;
	/* The trap: served by the supervisor. */
	r |= seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, ZVM_TRAP_SYSCALL, 0);
	if (!runtime) {
		/* A raw program may end itself (zvm_exit is ended by the
		 * supervisor). With the runtime, exit and exit_group go to it
		 * (SIGSYS) so that it can write access=wo images back first; it
		 * ends the session with the exit trap. */
		r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(exit_group), 0);
		r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(exit), 0);
	} else {
		/* C libraries set their thread pointer (TLS) with
		 * arch_prctl(ARCH_SET_FS) before anything else; it changes a
		 * register of this process only. ARCH_GET_FS reads it back. */
		r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(arch_prctl), 1,
				      SCMP_A0(SCMP_CMP_EQ, 0x1002 /* ARCH_SET_FS */));
		r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(arch_prctl), 1,
				      SCMP_A0(SCMP_CMP_EQ, 0x1003 /* ARCH_GET_FS */));
	}
	/* Returning from a signal handler (the runtime's SIGSYS handler);
	 * without a handler installed it can only fail. */
	r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigreturn), 0);
	/* jail/unjail: mprotect to none, R, R+W or R+X (never W+X) of an
	 * address below GUEST_MEMORY_MAX with a length of at most that. The
	 * sandbox has nothing but guest memory mapped below twice that limit
	 * (boot's image and stack are far above), so the call can only touch
	 * guest memory. */
	static const int prots[] = {PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE, PROT_READ | PROT_EXEC};
	for (size_t i = 0; i < sizeof prots / sizeof prots[0]; i++)
		r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 3,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, ~(GUEST_MEMORY_MAX - 1), 0),
				      SCMP_A1(SCMP_CMP_LE, GUEST_MEMORY_MAX),
				      SCMP_A2(SCMP_CMP_EQ, (scmp_datum_t)prots[i]));
	/* Boot's last act before jumping to the program: closing its sync
	 * socket tells the supervisor the filter is in place. Only that
	 * descriptor number (1023, above every descriptor the runtime hands
	 * out, so a program's close() of its own descriptors reaches the
	 * runtime); the guest can create no descriptors to reuse it. */
	r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(close), 1, SCMP_A0(SCMP_CMP_EQ, BOOT_SYNC_FD));
	return r;
}
