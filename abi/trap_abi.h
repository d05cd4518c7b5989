/*
 * trap_abi.h - the trap interface's numbers, for C and assembly alike.
 *
 * The contract between the guest side (the trampoline in abi/trampoline.S,
 * the runtime's zrt/start.S) and the supervisor (src/): where the trap
 * entry lives, the private system call it makes, and the ids of the calls
 * the trampoline itself acts on. Plain #defines only, so that .S files can
 * include it. The public guest header include/zvm.h has the same ids under
 * their ZeroVM names (enum TrapCalls); the supervisor checks at compile time
 * that the two agree (src/trap.c).
 */
#ifndef ZVM_TRAP_ABI_H
#define ZVM_TRAP_ABI_H

/* The private system call number used by the trap trampoline. It is far
 * above every real x86-64 syscall number, so the kernel would answer ENOSYS
 * if the filter ever let it through; the filter turns it into a user
 * notification for the supervisor. */
#define ZVM_TRAP_SYSCALL 0x7a76

/* Guest address space. */
#define GUEST_TRAMPOLINE 0x10000   /* trap entry, one page, read+exec */
#define GUEST_MANIFEST_PTR 0x10ff8 /* holds the struct UserManifest pointer */
#define GUEST_LOW_END 0x11000      /* program may not load below this */

/* Trap ids (args[0]): ASCII tags read little-endian. */
#define ZVM_TRAP_READ 0x64616552   /* "Read" */
#define ZVM_TRAP_WRITE 0x74697257  /* "Writ" */
#define ZVM_TRAP_JAIL 0x6c69614a   /* "Jail" */
#define ZVM_TRAP_UNJAIL 0x6c6a6e55 /* "Unjl" */
#define ZVM_TRAP_EXIT 0x74697845   /* "Exit" */
#define ZVM_TRAP_FORK 0x6b726f46   /* "Fork" */

/* The fork trap (docs/traps.md, docs/snapshots.md):
 *   args = {ZVM_TRAP_FORK, 0, resume_entry, resume_sp}
 * resume_entry and resume_sp are guest addresses inside guest memory where
 * a copy made at this trap (a snapshot, a daemon's request) starts: boot
 * jumps to resume_entry with rsp = resume_sp and every other register
 * undefined; registers, FPU state and the thread pointer are the guest's
 * to restore from guest memory. resume_entry == 0 means "not resumable"
 * (no snapshot is taken; a daemon refuses to start). A program built
 * against the old two-word form {ZVM_TRAP_FORK, 0} leaves words 2 and 3
 * to whatever follows on its stack: the supervisor takes them only if
 * resume_entry lies in an executable region and resume_sp in a writable
 * one, so such a copy can at worst crash inside its own sandbox.
 * The trap returns 0 to the session that made it (as without Job); what
 * a resumed copy sees is up to its resume code (raw programs: the stub
 * below; the runtime: zrt). */
#define ZVM_FORK_ARG_ENTRY 2
#define ZVM_FORK_ARG_SP 3

/* Raw programs' resumable zvm_fork (include/zvm.h) is a stub in the
 * trampoline page: `int32_t fork(void)` called at this address saves the
 * callee-saved registers and the FPU control words on the guest stack and
 * makes the trap with its own resume entry. A resumed copy returns from it
 * with ZVM_FORK_RESUMED_RET, the session that made the trap with the
 * trap's answer (0). */
#define GUEST_FORK_ENTRY (GUEST_TRAMPOLINE + 0x100)
#define ZVM_FORK_RESUMED_RET (-1) /* what the original's daemon copies got */

#endif
