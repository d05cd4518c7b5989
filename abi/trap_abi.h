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

#endif
