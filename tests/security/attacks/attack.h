/*
 * attack.h - what every attack guest of tests/security/attacks.sh shares:
 * raw system calls (the way hostile code makes them, no C library), a few
 * Linux constants, output lines on stdout (handle 1) and channel lookup by
 * alias. Include it in the one source file of an attack (it includes
 * zvm_start.h, which provides _start).
 *
 * Output convention (the runner joins lines with ';' and matches a regex):
 *   say("try ...")        before the forbidden thing
 *   saynum("survived", r) after a forbidden system call that returned
 *   saynum("pread", r)    the result of a trap call
 */
#ifndef ATTACK_H
#define ATTACK_H

#include "zvm_start.h"

/* The host directory the runner fills with canary files. */
#define CANARY_DIR "/tmp/zvm-attack-target"

#define AT_FDCWD (-100)
#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_CREAT 0100
#define O_TRUNC 01000
#define O_CLOEXEC 02000000
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSYS 31
#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define AF_INET 2
#define SOCK_STREAM 1
#define SOCK_DGRAM 2

struct sockaddr_in_ {
	uint16_t family;
	uint16_t port; /* network order */
	uint32_t addr; /* network order */
	uint8_t zero[8];
};

static inline uint16_t htons_(uint16_t v)
{
	return (uint16_t)((v >> 8) | (v << 8));
}

#define LOOPBACK 0x0100007fu /* 127.0.0.1 in network order, read little-endian */

static inline long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	long r;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}
#define sys0(n) sys6((n), 0, 0, 0, 0, 0, 0)
#define sys1(n, a) sys6((n), (long)(a), 0, 0, 0, 0, 0)
#define sys2(n, a, b) sys6((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(n, a, b, c) sys6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(n, a, b, c, d) sys6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define sys5(n, a, b, c, d, e) sys6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

static __attribute__((unused)) void say(const char *s)
{
	char line[256];
	size_t n = strlen(s);
	if (n > sizeof line - 1)
		n = sizeof line - 1;
	memcpy(line, s, n);
	line[n++] = '\n';
	zvm_pwrite(1, line, (int32_t)n, 0);
}

static __attribute__((unused)) void saynum(const char *label, long long v)
{
	char line[256], t[24];
	size_t n = strlen(label);
	if (n > sizeof line - 26)
		n = sizeof line - 26;
	memcpy(line, label, n);
	line[n++] = ' ';
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
	int i = 0;
	do
		t[i++] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		line[n++] = '-';
	while (i)
		line[n++] = t[--i];
	line[n++] = '\n';
	zvm_pwrite(1, line, (int32_t)n, 0);
}

/* The handle of the channel with this alias, or -1. */
static __attribute__((unused)) int handle_of(const char *alias)
{
	const struct UserManifest *m = MANIFEST;
	for (int i = 0; i < m->channels_count; i++) {
		const char *a = m->channels[i].name, *b = alias;
		while (*a && *a == *b)
			a++, b++;
		if (*a == *b)
			return i;
	}
	return -1;
}

/* A decimal number read from the channel with this alias (the runner puts
 * the pid of a host process or a port there), or -1. */
static __attribute__((unused)) long read_number(const char *alias)
{
	char b[32];
	int h = handle_of(alias);
	if (h < 0)
		return -1;
	int n = zvm_pread(h, b, sizeof b - 1, 0);
	if (n <= 0)
		return -1;
	long v = 0;
	for (int i = 0; i < n && b[i] >= '0' && b[i] <= '9'; i++)
		v = v * 10 + (b[i] - '0');
	return v;
}

/* End of guest memory: argv[0] ends at its last byte (docs/memory.md). */
static __attribute__((unused)) uintptr_t memory_end(char **argv)
{
	return (uintptr_t)argv[0] + strlen(argv[0]) + 1;
}

/* rt_sigreturn through a forged frame (struct ucontext of x86-64, read at
 * rsp): resume at rip with stack rsp, the given code and stack selectors
 * and signal mask. */
__attribute__((noreturn, unused)) static void forge_sigreturn(uint64_t rip, uint64_t rsp, uint64_t cs, uint64_t ss,
							      uint64_t mask)
{
	static uint64_t frame[64] __attribute__((aligned(16)));
	uint64_t *mc = &frame[5]; /* after uc_flags, uc_link, uc_stack (3 words) */
	mc[15] = rsp;
	mc[16] = rip;
	mc[17] = 0x202;         /* eflags */
	mc[18] = cs | ss << 48; /* cs, gs, fs, ss */
	frame[5 + 32] = mask;   /* uc_sigmask */
	__asm__ volatile("mov %0, %%rsp\n"
			 "mov $15, %%eax\n"
			 "syscall\n"
			 "hlt\n"
			 :
			 : "r"(frame)
			 : "memory");
	__builtin_unreachable();
}

#ifdef ATTACK_CODE32
/* code32: 32-bit code (reach it with selector 0x23) that makes the i386
 * call open("/etc/passwd") with int $0x80, then jumps back to 64-bit mode
 * (selector 0x33) and reports what the call returned, if it returned. */
volatile int32_t result32;
void code32(void);
__attribute__((used, noreturn)) void back64(void);
__asm__(".text\n"
	".code32\n"
	".globl code32\n"
	"code32:\n"
	"	mov $5, %eax\n"
	"	mov $passwd32, %ebx\n"
	"	xor %ecx, %ecx\n"
	"	int $0x80\n"
	"	mov %eax, result32\n"
	"	ljmp $0x33, $land64\n"
	".code64\n"
	"land64:\n"
	"	and $-16, %rsp\n"
	"	call back64\n"
	"	hlt\n"
	".section .rodata\n"
	"passwd32: .asciz \"/etc/passwd\"\n"
	".text\n");

void back64(void)
{
	saynum("survived", result32);
	zvm_exit(0);
}
#endif

#endif
