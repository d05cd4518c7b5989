/*
 * boot.c - the loader that runs inside the sandbox before it is sealed.
 *
 * Trusted until the seccomp filter is installed, untrusted after: boot keeps
 * no secrets and leaves nothing the program could use. It is freestanding
 * (no libc), linked as a tiny static-PIE and exec'd by the supervisor's
 * child with an empty environment, ASLR off and exactly the descriptors
 * named in boot_abi.h.
 *
 * Steps: read the boot block from the memfd, map every guest region at its
 * fixed address and the program's file-backed ranges over them, close the
 * memfd and the program's file, remove the vDSO (it would give the program
 * a clock outside our control), switch rdtsc to faulting, install the
 * filter (listener on fd 0), close the sync socket to tell the supervisor,
 * and jump to the program with a clean register file.
 *
 * A ready sandbox of the server's pool (argv[2], boot_abi.h) receives
 * guest memory first, maps it whole PROT_NONE instead of region by region,
 * seals the same way, then waits in a trap for its session (ready_go): the
 * regions are made accessible with mprotect only, after the answer.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <asm/unistd.h>
#include <linux/auxvec.h>
#include <linux/elf.h>
#include <linux/filter.h>
#include <linux/mman.h>
#include <linux/prctl.h>
#include <linux/seccomp.h>
#include <linux/signal.h>

#include "boot_abi.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* The range below the vDSO that may hold the kernel's vvar pages. Nothing
 * else lives there: guest memory is far below, boot's image far above. */
#define VVAR_SPAN (1ul << 20)
/* The kernel's initial stack lies around the initial stack pointer: what
 * grew below it (boot never ran on it) and the argument strings, auxv and
 * AT_RANDOM bytes above it. */
#define OLD_STACK_BELOW (64ul << 20)
#define OLD_STACK_ABOVE (64ul << 10)
#define USER_TOP_4LEVEL 0x7ffffffff000ull

long boot_syscall6(long nr, long a, long b, long c, long d, long e, long f);
__attribute__((noreturn)) void boot_enter(uint64_t entry, uint64_t sp);
__attribute__((noreturn)) void boot_resume(uint64_t entry, uint64_t sp);
__attribute__((noreturn)) void boot_main(const uint64_t *initial_sp);

#define sys(nr, a, b, c, d, e, f) boot_syscall6((nr), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

static struct boot_block block_buf;
static struct sock_filter filter_buf[BOOT_FILTER_MAX];

static void copy_str(char *dst, size_t n, const char *src)
{
	size_t i = 0;
	for (; i + 1 < n && src[i]; i++)
		dst[i] = src[i];
	dst[i] = 0;
}

__attribute__((noreturn)) static void fail(enum boot_stage stage, long ret, const char *what)
{
	struct boot_error e = {.stage = stage, .err = (int32_t)-ret};
	copy_str(e.what, sizeof e.what, what);
	sys(__NR_write, BOOT_SYNC_FD, &e, sizeof e, 0, 0, 0);
	for (;;)
		sys(__NR_exit_group, 127, 0, 0, 0, 0, 0);
}

static void read_full(void *dst, uint64_t len, uint64_t off, const char *what)
{
	char *p = dst;
	while (len) {
		long r = sys(__NR_pread64, BOOT_MEMFD_FD, p, len, off, 0, 0);
		if (r <= 0)
			fail(BOOT_STAGE_BLOCK, r ? r : -5, what);
		p += r;
		off += (uint64_t)r;
		len -= (uint64_t)r;
	}
}

/* Size of the vDSO image from its own program headers. */
static uint64_t vdso_size(uint64_t base)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + eh->e_phoff);
	uint64_t end = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr + ph[i].p_memsz > end)
			end = ph[i].p_vaddr + ph[i].p_memsz;
	return (end + 4095) & ~4095ull;
}

static void drop_vdso(const uint64_t *sp)
{
	uint64_t argc = *sp++;
	sp += argc + 1;
	while (*sp)
		sp++;
	for (sp++; sp[0] != AT_NULL; sp += 2) {
		if (sp[0] != AT_SYSINFO_EHDR || !sp[1])
			continue;
		uint64_t base = sp[1];
		uint64_t len = vdso_size(base);
		long r = sys(__NR_munmap, base - VVAR_SPAN, VVAR_SPAN + len, 0, 0, 0, 0);
		if (r < 0)
			fail(BOOT_STAGE_MAP, r, "munmap vdso");
	}
}

/* The kernel's struct sigaction for rt_sigaction. */
struct ksigaction {
	uint64_t handler, flags, restorer, mask;
};
#define K_SA_SIGINFO 0x4ul
#define K_SA_ONSTACK 0x08000000ul
#define K_SA_RESTORER 0x04000000ul

/* The runtime answers the program's system calls from a SIGSYS handler
 * and rdtsc from a SIGSEGV handler, on its own stack (mapped here, outside
 * guest memory: boot_abi.h) with every signal blocked. The filter will not let the program change them (rt_sigaction
 * and sigaltstack are not allowed; the runtime emulates them). */
static void install_runtime(const struct boot_block *b)
{
	long r = sys(__NR_mmap, b->rt_altstack, b->rt_altstack_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (r < 0 || (uint64_t)r != b->rt_altstack)
		fail(BOOT_STAGE_MAP, r < 0 ? r : -14, "signal stack");
	struct {
		uint64_t sp;
		int32_t flags, pad;
		uint64_t size;
	} ss = {b->rt_altstack, 0, 0, b->rt_altstack_size};
	r = sys(__NR_sigaltstack, &ss, 0, 0, 0, 0, 0);
	if (r < 0)
		fail(BOOT_STAGE_PRCTL, r, "sigaltstack");
	struct ksigaction sa = {b->rt_sigsys, K_SA_SIGINFO | K_SA_ONSTACK | K_SA_RESTORER, b->rt_restorer, ~0ull};
	r = sys(__NR_rt_sigaction, SIGSYS, &sa, 0, 8, 0, 0);
	if (r < 0)
		fail(BOOT_STAGE_PRCTL, r, "SIGSYS handler");
	if (b->flags & BOOT_F_TSC_SIGSEGV) {
		sa.handler = b->rt_sigsegv;
		r = sys(__NR_rt_sigaction, SIGSEGV, &sa, 0, 8, 0, 0);
		if (r < 0)
			fail(BOOT_STAGE_PRCTL, r, "SIGSEGV handler");
	}
}

/* The kernel's struct msghdr and a control message with one descriptor. */
struct kiovec {
	void *base;
	uint64_t len;
};
struct kmsghdr {
	void *name;
	int32_t namelen, pad0;
	struct kiovec *iov;
	uint64_t iovlen;
	void *control;
	uint64_t controllen;
	int32_t flags, pad1;
};
struct kcmsg_fd {
	uint64_t len;
	int32_t level, type;
	int32_t fd, pad;
};
#define K_SOL_SOCKET 1
#define K_SCM_RIGHTS 1

/* A ready sandbox (argv[2]): wait for guest memory, one byte with one
 * descriptor that must land at BOOT_MEMFD_FD. End-of-file: the supervisor
 * gave up on this sandbox; leave without a word. */
static void receive_memory(void)
{
	char byte = 0;
	struct kiovec iov = {&byte, 1};
	struct kcmsg_fd c = {0};
	struct kmsghdr mh = {0};
	mh.iov = &iov;
	mh.iovlen = 1;
	mh.control = &c;
	mh.controllen = sizeof c;
	long r;
	do
		r = sys(__NR_recvmsg, BOOT_SYNC_FD, &mh, 0, 0, 0, 0);
	while (r == -4); /* EINTR */
	if (r == 0)
		for (;;)
			sys(__NR_exit_group, 0, 0, 0, 0, 0, 0);
	if (r != 1 || mh.controllen < 20 || c.level != K_SOL_SOCKET || c.type != K_SCM_RIGHTS || c.len != 20 ||
	    c.fd != BOOT_MEMFD_FD || (mh.flags & 0x8 /* MSG_CTRUNC */))
		fail(BOOT_STAGE_BLOCK, r < 0 ? r : -22, "receiving guest memory");
}

/* ---- a ready sandbox (BOOT_ARG_READY, boot_abi.h) ---------------------- */

__attribute__((noreturn)) static void ready_die(void)
{
	for (;;)
		sys(BOOT_KILL_SYSCALL, 0, 0, 0, 0, 0, 0); /* the filter kills the process */
}

/* Guest memory whole, PROT_NONE, and the view of its first page. */
static void ready_map(void)
{
	long r = sys(__NR_mmap, BOOT_BLOCK_SIZE, BOOT_READY_END - BOOT_BLOCK_SIZE, PROT_NONE,
		     MAP_SHARED | MAP_FIXED_NOREPLACE, BOOT_MEMFD_FD, BOOT_BLOCK_SIZE);
	if (r < 0 || (uint64_t)r != BOOT_BLOCK_SIZE)
		fail(BOOT_STAGE_MAP, r < 0 ? r : -14, "mmap guest memory");
	/* Private: a write to it (which the program cannot make: read-only,
	 * and out of the filter's mprotect reach) would never reach the memfd. */
	r = sys(__NR_mmap, BOOT_READY_VIEW, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE, BOOT_MEMFD_FD, 0);
	if (r < 0 || (uint64_t)r != BOOT_READY_VIEW)
		fail(BOOT_STAGE_MAP, r < 0 ? r : -14, "mmap boot block view");
}

static bool ready_prot_ok(uint32_t prot)
{
	return prot == PROT_READ || prot == (PROT_READ | PROT_WRITE) || prot == (PROT_READ | PROT_EXEC);
}

/* Sealed: wait for the session, then make its regions and jump. Every
 * call from here on is one the filter allows: the two traps and mprotect
 * below 2^40. ready is the ready block, whose handlers are installed. */
__attribute__((noreturn)) static void ready_go(const struct boot_block *ready)
{
	if (sys(ZVM_TRAP_SYSCALL, BOOT_TRAP_READY, 0, 0, 0, 0, 0) != BOOT_READY_GO)
		ready_die();
	const volatile struct boot_block *v = (const volatile struct boot_block *)BOOT_READY_VIEW;
	uint32_t n = v->nregions;
	/* No file-backed ranges: mmap is the filter's to refuse now, so a
	 * served session's program is copied (src/run.c) and nfmap is 0. */
	if (v->magic != BOOT_MAGIC || n > BOOT_REGIONS_MAX || v->nfmap != 0 ||
	    (v->flags & ~BOOT_F_START_TRAP) != ready->flags || v->rt_sigsys != ready->rt_sigsys ||
	    v->rt_sigsegv != ready->rt_sigsegv || v->rt_restorer != ready->rt_restorer)
		ready_die();
	for (uint32_t i = 0; i < n; i++) {
		uint64_t a = v->region[i].addr, len = v->region[i].len;
		uint32_t prot = v->region[i].prot;
		if (a < BOOT_BLOCK_SIZE || len > BOOT_READY_END || a > BOOT_READY_END - len || !ready_prot_ok(prot) ||
		    sys(__NR_mprotect, a, len, prot, 0, 0, 0) != 0)
			ready_die();
	}
	uint64_t entry = v->entry, sp = v->sp;
	if (v->flags & BOOT_F_START_TRAP)
		sys(ZVM_TRAP_SYSCALL, BOOT_TRAP_STARTED, 0, 0, 0, 0, 0);
	boot_enter(entry, sp);
}

__attribute__((noreturn)) void boot_main(const uint64_t *initial_sp)
{
	struct boot_block *b = &block_buf;
	long r;
	/* argv (boot_abi.h), read before the stack is unmapped. */
	const uint64_t argc = initial_sp[0];
	const bool nodump = argc >= 2 && ((const char *)initial_sp[2])[0] == 'n';
	const bool ready = argc >= 3;
	if (ready)
		receive_memory();

	read_full(b, sizeof *b, 0, "boot block");
	if (b->magic != BOOT_MAGIC || b->nregions > BOOT_REGIONS_MAX || b->nfilter == 0 || b->nfilter > BOOT_FILTER_MAX)
		fail(BOOT_STAGE_BLOCK, -22, "bad boot block");
	read_full(filter_buf, (uint64_t)b->nfilter * sizeof filter_buf[0], BOOT_FILTER_OFFSET, "filter");

	if (ready)
		ready_map();
	for (uint32_t i = 0; !ready && i < b->nregions; i++) {
		const struct boot_region *g = &b->region[i];
		r = sys(__NR_mmap, g->addr, g->len, g->prot, MAP_SHARED | MAP_FIXED_NOREPLACE, BOOT_MEMFD_FD, g->addr);
		if (r < 0)
			fail(BOOT_STAGE_MAP, r, "mmap guest region");
		if ((uint64_t)r != g->addr)
			fail(BOOT_STAGE_MAP, -14, "guest region misplaced");
	}
	/* The program's file-backed ranges over their regions (boot_abi.h):
	 * shared, from a descriptor opened read-only, so the kernel refuses
	 * to make them writable. The descriptor goes with the memfd. */
	if (b->nfmap > BOOT_FMAP_MAX)
		fail(BOOT_STAGE_BLOCK, -22, "bad boot block");
	for (uint32_t i = 0; i < b->nfmap; i++) {
		const struct boot_fmap *f = &b->fmap[i];
		long fd = f->src == BOOT_FMAP_RUNTIME ? BOOT_RT_FD : BOOT_PROG_FD;
		r = sys(__NR_mmap, f->addr, f->len, f->prot, MAP_SHARED | MAP_FIXED, fd, f->off);
		if (r < 0)
			fail(BOOT_STAGE_MAP, r, "mmap program file");
		if ((uint64_t)r != f->addr)
			fail(BOOT_STAGE_MAP, -14, "program file misplaced");
	}
	sys(__NR_close, BOOT_MEMFD_FD, 0, 0, 0, 0, 0);
	sys(__NR_close, BOOT_PROG_FD, 0, 0, 0, 0, 0);
	sys(__NR_close, BOOT_RT_FD, 0, 0, 0, 0, 0);
	drop_vdso(initial_sp);
	/* The kernel's initial stack holds 16 random bytes (AT_RANDOM) and
	 * this machine's auxv: a program could read them and differ between
	 * runs. Boot runs on its own stack (start.S), so drop it whole. */
	uint64_t sp_page = (uint64_t)initial_sp & ~4095ull;
	uint64_t end = sp_page + OLD_STACK_ABOVE;
	if (sp_page < USER_TOP_4LEVEL && end > USER_TOP_4LEVEL)
		end = USER_TOP_4LEVEL; /* munmap refuses ranges past the user top */
	r = sys(__NR_munmap, sp_page - OLD_STACK_BELOW, end - (sp_page - OLD_STACK_BELOW), 0, 0, 0, 0);
	if (r < 0)
		fail(BOOT_STAGE_MAP, r, "munmap initial stack");

	/* Already set by the supervisor's child; repeated here because boot is
	 * the last trusted code and must not depend on its caller. */
	r = sys(__NR_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0);
	if (r < 0)
		fail(BOOT_STAGE_PRCTL, r, "no_new_privs");
	r = sys(__NR_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0, 0);
	if (r < 0)
		fail(BOOT_STAGE_PRCTL, r, "pdeathsig");
	/* argv[1] (boot_abi.h): no core dump and no core helper started for
	 * a crash, no ptrace or /proc/PID/mem for host processes of the
	 * sandbox's uid. Set here, after exec, which resets it. */
	if (nodump) {
		r = sys(__NR_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0, 0);
		if (r < 0)
			fail(BOOT_STAGE_PRCTL, r, "dumpable");
	}
	if (b->flags & BOOT_F_TSC_SIGSEGV) {
		r = sys(__NR_prctl, PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0, 0);
		if (r < 0)
			fail(BOOT_STAGE_PRCTL, r, "PR_SET_TSC");
	}
	/* cpuid tells the program which CPU it runs on (APIC ids): with the
	 * runtime it faults and is answered from a fixed table. A CPU without
	 * CPUID faulting (ENODEV) leaves it native, as documented. */
	if (b->flags & BOOT_F_CPUID_FAULT) {
		r = sys(__NR_arch_prctl, 0x1012 /* ARCH_SET_CPUID */, 0, 0, 0, 0, 0);
		if (r < 0 && r != -19)
			fail(BOOT_STAGE_PRCTL, r, "ARCH_SET_CPUID");
	}

	if (b->flags & BOOT_F_RUNTIME)
		install_runtime(b);

	struct sock_fprog prog = {.len = (unsigned short)b->nfilter, .filter = filter_buf};
	unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	r = sys(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog, 0, 0, 0);
	if (r == -22) { /* kernels before 6.0 lack WAIT_KILLABLE_RECV */
		flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
		r = sys(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog, 0, 0, 0);
	}
	if (r < 0)
		fail(BOOT_STAGE_FILTER, r, "seccomp");
	if (r != BOOT_LISTENER_FD)
		fail(BOOT_STAGE_FILTER, -9, "listener fd");

	/* Sealed. The filter allows exactly this close; the supervisor wakes up
	 * on end-of-file and takes the listener. */
	sys(__NR_close, BOOT_SYNC_FD, 0, 0, 0, 0, 0);
	if (ready)
		ready_go(b);
	if (b->flags & BOOT_F_RESUME)
		boot_resume(b->entry, b->sp);
	boot_enter(b->entry, b->sp);
}
