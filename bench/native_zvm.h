/*
 * native_zvm.h - the zvm.h guest API on plain Linux system calls, so that a
 * benchmark guest builds both as a ZeroVM guest and as a native static
 * program from the same source (bench/run.sh compiles with -DZVM_NATIVE).
 *
 *   zvm_pread/zvm_pwrite  pread64/pwrite64 on the file descriptor; read/write
 *                         for descriptors that cannot seek (pipes, terminals)
 *   zvm_exit              exit_group
 *
 * Channels: handles 0, 1, 2 are the inherited stdin/stdout/stderr; every
 * command-line argument is opened read-only by _start, in order, as handles
 * 3, 4, ... (the native stand-in for the manifest's extra channels).
 * Errors come back as -errno, like the trap interface.
 */
#ifndef BENCH_NATIVE_ZVM_H
#define BENCH_NATIVE_ZVM_H

#include <stddef.h>
#include <stdint.h>

#define NZ_SYS_read 0
#define NZ_SYS_write 1
#define NZ_SYS_pread64 17
#define NZ_SYS_pwrite64 18
#define NZ_SYS_open 2
#define NZ_SYS_exit_group 231

static inline long nz_syscall4(long n, long a, long b, long c, long d)
{
	long ret;
	register long r10 __asm__("r10") = d;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
	return ret;
}

/* Descriptors that cannot seek (pipes, terminals: -ESPIPE) fall back to
 * read/write, like a sequential channel; remembered per descriptor. */
#define NZ_ESPIPE 29
#define NZ_MAXFD 64
static unsigned char nz_stream[NZ_MAXFD];

static inline int32_t nz_rw(long pnr, long nr, int desc, long buffer, int32_t size, int64_t offset)
{
	long r;
	if (desc >= 0 && desc < NZ_MAXFD && nz_stream[desc])
		return (int32_t)nz_syscall4(nr, desc, buffer, size, 0);
	r = nz_syscall4(pnr, desc, buffer, size, (long)offset);
	if (r == -NZ_ESPIPE && desc >= 0 && desc < NZ_MAXFD) {
		nz_stream[desc] = 1;
		r = nz_syscall4(nr, desc, buffer, size, 0);
	}
	return (int32_t)r;
}

static inline int32_t zvm_pread(int desc, void *buffer, int32_t size, int64_t offset)
{
	return nz_rw(NZ_SYS_pread64, NZ_SYS_read, desc, (long)buffer, size, offset);
}

static inline int32_t zvm_pwrite(int desc, const void *buffer, int32_t size, int64_t offset)
{
	return nz_rw(NZ_SYS_pwrite64, NZ_SYS_write, desc, (long)buffer, size, offset);
}

__attribute__((noreturn)) static inline void zvm_exit(int32_t code)
{
	for (;;)
		nz_syscall4(NZ_SYS_exit_group, code, 0, 0, 0);
}

int main(int argc, char **argv);

__attribute__((used, noreturn)) static void nz_start_c(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	for (int i = 1; i < argc; i++)
		if (nz_syscall4(NZ_SYS_open, (long)argv[i], 0 /* O_RDONLY */, 0, 0) < 0)
			zvm_exit(127);
	zvm_exit(main(argc, argv));
}

__asm__(".text\n"
	".globl _start\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call nz_start_c\n"
	"	hlt\n");

#include "zvm_mem.h" /* the same freestanding mem* as the guest build */

#endif
