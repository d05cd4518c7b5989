/*
 * zrt.h - the runtime inside the sandbox (ZRT): the base every file uses.
 *
 * ZRT is freestanding, untrusted code that lives in guest memory next to the
 * program (docs/zrt.md). Boot installs its SIGSYS handler before sealing the
 * sandbox; from then on every Linux system call of the program that the
 * seccomp wall does not allow arrives here and is answered from in-memory
 * state or turned into channel traps. Quotas, limits and accounting stay in
 * the supervisor: nothing in ZRT is trusted, and nothing it does can reach
 * past what the program itself could do with the trap interface.
 *
 * The signal handlers run on a stack outside guest memory (abi/boot_abi.h), so
 * nothing passed to a trap (argument arrays, buffers) may live on the
 * stack: the supervisor only reads and writes guest memory.
 *
 * Layers. A file uses (includes the header of) its own module and the
 * layers below its own, never a layer above it or another module of its
 * own layer, so dependencies run one way; tests/zrt/layers.sh checks every
 * file's includes against this list (`make zrt` runs it), and a file that
 * is not on it fails the check.
 *
 *   11  entry.c       the header at ZRT_BASE, the SIGSYS and SIGSEGV
 *                     handlers, start-up (zrt_main)
 *       syscall.c     the system-call table (syscall.h: the contract)
 *   10  mman.c identity.c process.c interp.c fork.c
 *                     memory calls; identity and limits; the process and
 *                     its thread calls (clone, futex, exit);
 *                     a dynamic program's interpreter (ld.so);
 *                     the fork file and the resume of a snapshot
 *    9  image/        tar images: mounted (access=ro), written back (wo)
 *    8  fs/           the filesystem: inodes, directories, paths,
 *                     descriptors, read and write, stat, ioctl, poll
 *    7  config.c      the nvram: read, parsed, applied to the channels
 *    6  pipe.c        in-memory pipes
 *       signal.c      the program's signals (sig.h)
 *    5  thread.c      the program's threads and their deterministic
 *                     scheduler
 *    4  exit.c        how the session ends
 *    3  log.c         diagnostics on /dev/stderr
 *    2  chan.c        the channel client: reads and writes are traps
 *       clock.c       the virtual clock
 *       rng.c         the deterministic generator
 *    1  mem.c         the heap
 *       user.c        guest memory as the program names it
 *    0  zrt.h syscall.h util.c start.S start.h zrt.ld.S, and what the
 *       runtime shares with other domains, through the include path:
 *       abi/ (zrt_abi.h, trap_abi.h: the contracts with the supervisor),
 *       untrusted/ (the nvram, tar and ELF parsers, built into zvsh, the
 *       unit tests and the fuzzers too), include/zvm.h, lib/zvm_mem.c
 *
 * Two calls go up, through pointers set at start: exit_session() runs the
 * write-back of image/ registered with exit_at(), and the table calls the
 * handlers of every layer.
 *
 * Names. Every extern carries its module's prefix (mem_, chan_, fs_, ...).
 * Handlers of system calls are sys_ and the call, wherever they live
 * (syscall.h); the runtime's edges (entry.c, start.S, util.c) are zrt_.
 * Errors are -errno inside; the table hands them to the program as they are.
 */
#ifndef ZRT_ZRT_H
#define ZRT_ZRT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libc.h"    /* untrusted/ */
#include "zrt_abi.h" /* abi/ */
#include "zvm.h"     /* include/ */

/* Linux's own values, from the kernel's headers (no libc here): errno
 * (the program sees -errno), open flags and AT_* (linux/fcntl.h), file
 * types and S_IS* (linux/stat.h), PATH_MAX and NAME_MAX. */
#include <asm-generic/errno.h>
#include <linux/fcntl.h>
#include <linux/limits.h>
#include <linux/stat.h>

#define ZRT_FD_MAX 1023 /* below BOOT_SYNC_FD (boot_abi.h), see fs/fd.c */
/* The largest in-memory file: no file can outgrow guest memory
 * (GUEST_MEMORY_MAX, 1 TiB). Writes, truncate, fallocate and lseek past it
 * fail as Linux fails past a filesystem's maximum (EFBIG, EINVAL). */
#define ZRT_FILE_MAX (1ull << 40)
/* Linux moves at most this much in one read or write (MAX_RW_COUNT). */
#define ZRT_RW_MAX 0x7ffff000ull
#define ZRT_PATH_MAX PATH_MAX
#define PAGE 4096ull
#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((uint64_t)(a)-1))
/* Page rounding that would wrap past 2^64 (ALIGN_UP gives 0 then). */
#define ALIGN_UP_WRAPS(x, a) ((uint64_t)(x) > UINT64_MAX - ((uint64_t)(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))

/* The one process and its one user. */
#define ZRT_PID 1
#define ZRT_UID 1000

/* ---- start.S ------------------------------------------------------------ */
void zrt_entry(void);
void zrt_resume_entry(void); /* a resumed session starts here (fork.c) */
void zrt_restorer(void);
/* Only the calls the wall allows (mprotect, exit_group). */
long zrt_syscall6(long nr, long a, long b, long c, long d, long e, long f);
int32_t zrt_trap(uint64_t *args); /* args: not on the signal stack */

/* ---- util.c ------------------------------------------------------------- */
/* %s %d %u %x %lld %llu %llx %c %zu into buf[0..n), NUL-terminated; the
 * length the whole text needs. */
size_t zrt_fmt(char *buf, size_t n, const char *fmt, ...);
size_t zrt_vfmt(char *buf, size_t n, const char *fmt, va_list ap);
/* The end: TrapExit with code, nothing written back (exit.c does that). */
__attribute__((noreturn)) void zrt_exit(int code);

/* ---- the interrupted program's registers -------------------------------- */
/* The x86-64 signal frame's struct ucontext, with the sigcontext inside. */
enum { R8, R9, R10, R11, R12, R13, R14, R15, RDI, RSI, RBP, RBX, RDX, RAX, RCX, RSP, RIP, EFL };
struct ucontext_k {
	uint64_t flags, link;
	uint64_t ss_sp, ss_flags, ss_size;
	uint64_t gregs[18];
	uint64_t cs_gs_fs_ss, err, trapno, oldmask, cr2, fpstate, reserved[8];
	uint64_t sigmask;
};
_Static_assert(__builtin_offsetof(struct ucontext_k, sigmask) == 296, "ucontext layout");

/* ---- entry.c: what boot and start.S call --------------------------------- */
struct start {
	uint64_t sp, entry;
};
struct start zrt_main(uint64_t *sp);
void zrt_sigsys(int sig, void *info, void *uc);
void zrt_sigsegv(int sig, void *info, void *uc);

#endif
