/*
 * zrt.h - the runtime inside the sandbox (ZRT): shared declarations.
 *
 * ZRT is freestanding, untrusted code that lives in guest memory next to the
 * program (docs/zrt.md). Boot installs its SIGSYS handler before sealing the
 * sandbox; from then on every Linux system call of the program that the
 * seccomp wall does not allow arrives here and is answered from in-memory
 * state or turned into channel traps. Quotas, limits and accounting stay in
 * the supervisor: nothing in ZRT is trusted, and nothing it does can reach
 * past what the program itself could do with the trap interface.
 *
 * The signal handlers run on a stack outside guest memory (boot_abi.h), so
 * nothing passed to a trap (argument arrays, buffers) may live on the
 * stack: the supervisor only reads and writes guest memory.
 */
#ifndef ZRT_ZRT_H
#define ZRT_ZRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../include/zvm.h"
#include "util.h"
#include "zrt_abi.h"

/* Linux's own values, from the kernel's headers (no libc here): errno
 * (the program sees -errno), open flags and AT_* (linux/fcntl.h), file
 * types and S_IS* (linux/stat.h), PATH_MAX and NAME_MAX. */
#include <asm-generic/errno.h>
#include <linux/fcntl.h>
#include <linux/limits.h>
#include <linux/stat.h>

#define ZRT_FD_MAX 1023 /* below BOOT_SYNC_FD (boot_abi.h), see fs.c */
/* The largest in-memory file: no file can outgrow guest memory
 * (GUEST_MEMORY_MAX, 1 TiB). Writes, truncate, fallocate and lseek past it
 * fail as Linux fails past a filesystem's maximum (EFBIG, EINVAL). */
#define ZRT_FILE_MAX (1ull << 40)
/* Linux moves at most this much in one read or write (MAX_RW_COUNT). */
#define ZRT_RW_MAX 0x7ffff000ull
#define ZRT_PATH_MAX PATH_MAX
#define PAGE 4096ull
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
/* Page rounding that would wrap past 2^64 (ALIGN_UP gives 0 then). */
#define ALIGN_UP_WRAPS(x, a) ((uint64_t)(x) > UINT64_MAX - ((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))

/* ---- util.c ------------------------------------------------------------ */
long zrt_syscall6(long nr, long a, long b, long c, long d, long e, long f);
int32_t zrt_trap(uint64_t *args);
__attribute__((noreturn)) void zrt_exit(int code);
void zrt_log(int level, const char *fmt, ...);       /* to /dev/stderr at [debug] verbosity >= level */
size_t zrt_fmt(char *buf, size_t n, const char *fmt, ...); /* %s %d %u %x %lld %llu %llx %c %zu */
extern int zrt_verbosity;

/* ---- mem.c: guest heap ------------------------------------------------- */
void mem_init(uint64_t heap_start, uint64_t heap_end);
void mem_reserve(uint64_t a, uint64_t b); /* pages holding data from before start */
uint64_t mem_brk(uint64_t want);
long mem_mmap(uint64_t addr, uint64_t len, int prot, int flags);
long mem_munmap(uint64_t addr, uint64_t len);
long mem_mremap(uint64_t old, uint64_t oldlen, uint64_t newlen, int flags, uint64_t newaddr);
long mem_mprotect(uint64_t addr, uint64_t len, int prot);
long mem_dontneed(uint64_t addr, uint64_t len); /* MADV_DONTNEED */
void *zalloc(size_t n);          /* zeroed, NULL when the heap is full */
void zfree(void *p, size_t n);   /* n: the size given to zalloc */
uint64_t mem_free_bytes(void);
uint64_t mem_total_bytes(void);
bool mem_user_ok(uint64_t addr, uint64_t len); /* inside guest memory at all */

/* ---- time --------------------------------------------------------------- */
uint64_t clock_tick(void);
uint64_t clock_peek(void);       /* the clock without advancing it */       /* the virtual clock in ns, +1 us per call */
void clock_advance(uint64_t ns); /* saturates at ZRT_CLOCK_MAX */
/* The clock counts nanoseconds in 64 bits and stops at INT64_MAX (the year
 * 2262): as a signed time_t/timespec it never goes back. */
#define ZRT_CLOCK_MAX ((uint64_t)INT64_MAX)
void clock_set(uint64_t ns);

/* ---- channels ------------------------------------------------------------- */
struct zchan {
	const struct ZVMChannel *zc;
	int handle;
	const char *alias;
	bool readable, writable, random_read, random_write;
	int mode;        /* ZCHAN_PIPE, ZCHAN_CHAR, ZCHAN_FILE: what stat says */
	uint64_t size;   /* bytes known to exist (random channels) */
	unsigned char *win; /* read-ahead window of a random-read channel */
	uint64_t win_off, win_len;
};
enum { ZCHAN_PIPE, ZCHAN_CHAR, ZCHAN_FILE };
int64_t chan_pread(struct zchan *c, void *buf, uint64_t len, uint64_t off);
int64_t chan_pwrite(struct zchan *c, const void *buf, uint64_t len, uint64_t off);
struct zchan *chan_find(const char *alias);

/* ---- pipe.c: pipes inside the process ----------------------------------------- */
/* A read or write that could only wait for ever (one thread): the caller
 * ends the session (fs.c). Not an errno. */
#define ZRT_WOULD_BLOCK (-4096l)
struct zpipe;
struct zpipe *pipe_new(void);          /* one reader, one writer */
int64_t pipe_read(struct zpipe *p, void *buf, uint64_t len, bool nonblock);
int64_t pipe_write(struct zpipe *p, const void *buf, uint64_t len, bool nonblock); /* -EPIPE: no reader */
void pipe_close(struct zpipe *p, bool reader);
void pipe_free(struct zpipe *p);
int pipe_poll(const struct zpipe *p, bool reader, bool writer);
uint64_t pipe_avail(const struct zpipe *p);
long pipe_size(struct zpipe *p, bool set, uint64_t want);

/* ---- fs.c ------------------------------------------------------------------ */
int fs_init(char *err, size_t errlen); /* the nvram: preloaded, or read from its channel */
/* A preloaded nvram the runtime could not parse: NULL, or the message the
 * runtime ends the session with when the program first asks it for
 * something (a raw program never does). */
const char *fs_deferred_error(void);
/* Write access=wo images back (once): false if one could not be written.
 * fs_exit: write back, then end the session with code, or with
 * ZRT_EXIT_FAILED (said on stderr) if the write-back failed. */
bool fs_writeback(void);
__attribute__((noreturn)) void fs_exit(int code);
#define ZRT_EXIT_FAILED 127 /* the runtime could not do its part (start-up, write-back) */
uint64_t fs_seed(void);

/* ---- signal.c: signals the program sends itself -------------------------------- */
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
/* The private call of the frame's return trampoline (signal.c): not a
 * Linux number, so the wall sends it to ZRT. */
#define ZRT_NR_SIGRETURN 0x5a52
#define ZRT_STR_(x) #x
#define ZRT_STR(x) ZRT_STR_(x)
#define ZRT_PID 1
#define ZRT_UID 1000
long sig_return(struct ucontext_k *uc); /* ZRT_NR_SIGRETURN */
void sig_deliver(struct ucontext_k *uc); /* before returning to the program */
void sig_send_self(int sig, int code);   /* queue a signal (SIGPIPE from a write) */

/* ---- sys.c ------------------------------------------------------------------ */
void zrt_sigsys(int sig, void *info, void *uc);
void zrt_sigsegv(int sig, void *info, void *uc);
void zrt_restorer(void);
void rng_fill(void *buf, size_t n);
void rng_seed(uint64_t seed);

extern struct zrt_info zrt_info;
extern unsigned char zrt_init_stack[];

#endif
