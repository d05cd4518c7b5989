/*
 * policy.c - the seccomp allowlist, see policy.h and docs/security.md.
 *
 * Actions, in the order the filter applies them:
 *   1. any architecture but x86-64 (i386 int 0x80 / sysenter), and any
 *      x32 syscall number (bit 30 set)             -> kill the process
 *   2. the private trap number ZVM_TRAP_SYSCALL     -> user notification
 *   3. the short allowlist below                    -> allow
 *   4. everything else                              -> SIGSYS (the runtime
 *      emulates it; a raw guest without a handler dies of it)
 * Step 1 is hand-written BPF placed in front of libseccomp's program because
 * libseccomp's x86-64 filter sends x32 numbers to the default action.
 */
#include "policy.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define X32_SYSCALL_BIT 0x40000000u

static const struct sock_filter abi_guard[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 2),
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
};
#define GUARD_N (sizeof abi_guard / sizeof abi_guard[0])

/* Smallest power of two >= x. */
static uint64_t pow2_above(uint64_t x)
{
	uint64_t p = 1;
	while (p < x)
		p <<= 1;
	return p;
}

static int add_rules(scmp_filter_ctx ctx, const struct guest *g)
{
	int r = 0;
	/* The trap: served by the supervisor. */
	r |= seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, ZVM_TRAP_SYSCALL, 0);
	/* Ending the process: the trampoline's zvm_exit and any plain exit. */
	r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(exit_group), 0);
	r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(exit), 0);
	/* Returning from a signal handler (the runtime's SIGSYS handler);
	 * without a handler installed it only fails. */
	r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigreturn), 0);
	/* jail/unjail: mprotect inside guest memory to R, R+W or R+X (never
	 * W+X). Nothing else is mapped below the power of two above guest
	 * memory, so addr below it and len at most its size keep the call in
	 * guest memory. */
	uint64_t span = pow2_above(g->size);
	static const int prots[] = {PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE, PROT_READ | PROT_EXEC};
	for (size_t i = 0; i < sizeof prots / sizeof prots[0]; i++)
		r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 3,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, ~(span - 1), 0), SCMP_A1(SCMP_CMP_LE, span),
				      SCMP_A2(SCMP_CMP_EQ, (scmp_datum_t)prots[i]));
	/* Boot's last act before jumping to the program: closing its sync
	 * socket tells the supervisor the filter is in place. */
	r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(close), 1, SCMP_A0(SCMP_CMP_EQ, BOOT_SYNC_FD));
	return r;
}

int policy_build(const struct guest *g, struct zvm_error *err)
{
	int n = -1;
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!ctx) {
		zvm_fail(err, ZVM_EXIT_MANIFEST, "policy: libseccomp failed to start");
		return -1;
	}
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) < 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) < 0 || add_rules(ctx, g) != 0) {
		zvm_fail(err, ZVM_EXIT_MANIFEST, "policy: cannot build the seccomp filter");
		goto out;
	}
	if (pwrite(g->memfd, abi_guard, sizeof abi_guard, BOOT_FILTER_OFFSET) != (ssize_t)sizeof abi_guard ||
	    lseek(g->memfd, BOOT_FILTER_OFFSET + sizeof abi_guard, SEEK_SET) < 0 ||
	    seccomp_export_bpf(ctx, g->memfd) < 0) {
		zvm_fail(err, ZVM_EXIT_MANIFEST, "policy: cannot export the seccomp filter: %s", strerror(errno));
		goto out;
	}
	off_t end = lseek(g->memfd, 0, SEEK_CUR);
	n = (int)((end - BOOT_FILTER_OFFSET) / (off_t)sizeof(struct sock_filter));
	if (n <= (int)GUARD_N || (unsigned)n > BOOT_FILTER_MAX) {
		zvm_fail(err, ZVM_EXIT_MANIFEST, "policy: filter of %d instructions does not fit", n);
		n = -1;
	}
out:
	seccomp_release(ctx);
	return n;
}
