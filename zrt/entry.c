/*
 * entry.c - the runtime's edges: the header the supervisor reads, the
 * SIGSYS handler every emulated call comes through, the SIGSEGV handler
 * that answers rdtsc and cpuid, and start-up.
 *
 * Every call the seccomp wall does not allow raises SIGSYS; zrt_sigsys()
 * reads the number and arguments from the signal frame, answers (the
 * table of syscall.c), and puts the result in rax of the frame, so the
 * program continues after its `syscall` instruction as if the kernel had
 * answered; a signal the answer made deliverable is then set up on the
 * way out, as the kernel would (signal.c). docs/zrt.md lists every call
 * and what it does.
 */
#include <asm/unistd.h>
#include <linux/auxvec.h>
#include <linux/signal.h>

#include "chan.h"
#include "clock.h"
#include "config.h"
#include "exit.h"
#include "fork.h"
#include "fs/fs.h"
#include "image/image.h"
#include "interp.h"
#include "log.h"
#include "mem.h"
#include "rng.h"
#include "sig.h"
#include "start.h"
#include "syscall.h"
#include "thread.h"
#include "user.h"
#include "zrt.h"

/* ---- the header the supervisor reads (zrt_abi.h) ---------------------------- */

/* Mapped by boot outside guest memory: 256 KiB for the handlers, and
 * below it the FPU state of the threads that are not running (thread.h). */
#define ALTSTACK_SIZE ((256u << 10) + THREAD_FP_AREA)
/* The stack zrt_main runs on (start.S). */
unsigned char zrt_init_stack[ZRT_INIT_STACK] __attribute__((aligned(16)));

__attribute__((section(".zrt_header"), used)) const struct zrt_header zrt_header = {
	.magic = ZRT_MAGIC,
	.entry = (uint64_t)zrt_entry,
	.sigsys = (uint64_t)zrt_sigsys,
	.sigsegv = (uint64_t)zrt_sigsegv,
	.restorer = (uint64_t)zrt_restorer,
	.altstack = 0,
	.altstack_size = ALTSTACK_SIZE,
	.info = (uint64_t)&zrt_info,
};

/* ---- the handlers ---------------------------------------------------------- */

void zrt_sigsys(int sig, void *info, void *ucv)
{
	(void)sig;
	struct ucontext_k *uc = ucv;
	uint64_t *g = uc->gregs;
	long nr = ((const siginfo_t *)info)->si_syscall;
	fork_frame(uc);
	if (nr == FORK_NR_RESUME && fork_resume_frame(uc))
		return; /* a resumed session: the program's read of /dev/fork is made again */
	const long a[6] = {(long)g[RDI], (long)g[RSI], (long)g[RDX], (long)g[R10], (long)g[R8], (long)g[R9]};
	const char *deferred = config_deferred_error();
	if (deferred) { /* the program needs the runtime, whose nvram is broken */
		log_line(0, "zrt: %s", deferred);
		zrt_exit(ZRT_EXIT_FAILED);
	}
	/* File mappings not yet filled are, before any call but those that
	 * may map over them (fs/fmap.c) and the end. */
	if (nr != __NR_mmap && nr != __NR_munmap && nr != __NR_exit_group && nr != __NR_exit)
		fmap_settle();
	long r = nr == ZRT_NR_SIGRETURN ? sig_return(uc) : sys_dispatch(nr, a, uc);
	if (r != THREAD_BLOCKED) /* else the caller waits: its result comes when woken */
		g[RAX] = (uint64_t)r;
	thread_schedule(uc); /* the only place threads change (thread.c) */
	sig_deliver(uc);     /* as the kernel does on its way back to the program */
}

/* cpuid from the table the supervisor recorded (zrt_abi.h): an exact
 * (leaf, subleaf) match for indexed leaves, the leaf alone otherwise;
 * unknown leaves read as zeros. */
static void cpuid_answer(uint64_t *g)
{
	uint32_t leaf = (uint32_t)g[RAX], sub = (uint32_t)g[RCX];
	uint32_t r[4] = {0, 0, 0, 0};
	for (uint32_t i = 0; i < zrt_info.ncpuid && i < ZRT_CPUID_MAX; i++) {
		const struct zrt_cpuid *c = &zrt_info.cpuid[i];
		if (c->leaf == leaf && (!c->indexed || c->subleaf == sub)) {
			r[0] = c->eax, r[1] = c->ebx, r[2] = c->ecx, r[3] = c->edx;
			break;
		}
	}
	g[RAX] = r[0], g[RBX] = r[1], g[RCX] = r[2], g[RDX] = r[3];
}

/* rdtsc and rdtscp fault (PR_SET_TSC); answer them from the virtual clock.
 * cpuid faults too (ARCH_SET_CPUID) and is answered from the table.
 * Any other SIGSEGV is a real fault: return with SIGSEGV blocked, so the
 * instruction faults again and the kernel ends the process with it. */
void zrt_sigsegv(int sig, void *info, void *ucv)
{
	(void)sig;
	struct ucontext_k *uc = ucv;
	uint64_t *g = uc->gregs;
	const unsigned char *ip = (const unsigned char *)g[RIP];
	unsigned len = 0;
	if (user_ok(g[RIP], 2) && ip[0] == 0x0f && ip[1] == 0xa2 && zrt_info.ncpuid) {
		cpuid_answer(g);
		g[RIP] += 2;
		return;
	}
	if (user_ok(g[RIP], 3) && ip[0] == 0x0f && ip[1] == 0x31)
		len = 2;
	else if (user_ok(g[RIP], 3) && ip[0] == 0x0f && ip[1] == 0x01 && ip[2] == 0xf9)
		len = 3, g[RCX] = 0;
	if (!len && fmap_fault((uint64_t)((const siginfo_t *)info)->si_addr))
		return; /* a file mapping not yet filled: it is now */
	if (!len) {
		log_line(1, "zrt: SIGSEGV at 0x%llx, address 0x%llx", (unsigned long long)g[RIP],
			 (unsigned long long)(uint64_t)((const siginfo_t *)info)->si_addr);
		uc->sigmask |= 1ull << (SIGSEGV - 1);
		return;
	}
	uint64_t t = clock_tick();
	g[RAX] = t & 0xffffffffu;
	g[RDX] = t >> 32;
	g[RIP] += len;
}

/* ---- start ------------------------------------------------------------------------ */

static uint64_t push_bytes(uint64_t *sp, const void *src, size_t n)
{
	*sp -= n;
	memcpy((void *)*sp, src, n);
	return *sp;
}

/* Build the program's initial stack below the one the supervisor made:
 * argv and environment from the nvram, the same auxiliary vector. The
 * stack pointer is 8 bytes off a 16-byte boundary, as after a call
 * (src/guest.c), unless aligned: the interpreter of a dynamic program
 * starts as Linux starts a process, on a 16-byte boundary (glibc's ld.so
 * keeps 16-byte values on its stack from there). */
static uint64_t build_stack(const uint64_t *old, const struct nvram *nv, bool aligned)
{
	uint64_t argc = old[0];
	const uint64_t *oargv = old + 1, *oenv = old + argc + 2, *aux = oenv;
	while (*aux)
		aux++;
	aux++;
	size_t naux = 0;
	while (aux[naux * 2] != 0)
		naux++;
	naux++;
	int nargc = nv->argc > 0 ? nv->argc : (int)argc;
	uint64_t sp = (uint64_t)old - 256;
	uint64_t *ptrs = mem_alloc(((size_t)nargc + (size_t)nv->envc + 2) * 8);
	if (!ptrs)
		return (uint64_t)old;
	for (int i = 0; i < nargc; i++) {
		const char *s = nv->argc > 0 ? nv->argv[i] : (const char *)oargv[i];
		ptrs[i] = push_bytes(&sp, s, strlen(s) + 1);
	}
	for (int i = 0; i < nv->envc; i++)
		ptrs[nargc + 1 + i] = push_bytes(&sp, nv->envp[i], strlen(nv->envp[i]) + 1);
	size_t words = 1 + (size_t)nargc + 1 + (size_t)nv->envc + 1 + naux * 2;
	sp = ALIGN_DOWN(sp - words * 8 - 8, 16) + (aligned ? 0 : 8);
	uint64_t *w = (uint64_t *)sp;
	*w++ = (uint64_t)nargc;
	for (int i = 0; i < nargc; i++)
		*w++ = ptrs[i];
	*w++ = 0;
	for (int i = 0; i < nv->envc; i++)
		*w++ = ptrs[nargc + 1 + i];
	*w++ = 0;
	memcpy(w, aux, naux * 16);
	mem_free(ptrs, ((size_t)nargc + (size_t)nv->envc + 2) * 8);
	return sp;
}

static uint64_t *auxv_find(uint64_t *sp, uint64_t key)
{
	uint64_t *p = sp + sp[0] + 2;
	while (*p)
		p++;
	for (p++; p[0]; p += 2)
		if (p[0] == key)
			return &p[1];
	return NULL;
}

/* The session's state, in the order its pieces are made (the heap hands
 * out pages in that order): the channels, the root, the configuration,
 * /dev and /tmp, what [mapping] says of channels, the channels' and
 * devices' nodes, the images, the working directory ([session] cwd),
 * descriptors 0 to 2. */
static int start_up(char *err, size_t errlen)
{
	if (chan_init() < 0 || fs_init() < 0)
		return zrt_fmt(err, errlen, "out of memory"), -1;
	if (config_load(err, errlen) < 0)
		return -1;
	if (fs_init_dirs() < 0)
		return zrt_fmt(err, errlen, "out of memory"), -1;
	if (config_map_channels(err, errlen) < 0 || fs_add_nodes(err, errlen) < 0 || image_mount_all(err, errlen) < 0 ||
	    fs_start_cwd(config_nvram.cwd, err, errlen) < 0 || fs_open_stdio(err, errlen) < 0)
		return -1;
	return 0;
}

struct start zrt_main(uint64_t *sp)
{
	exit_at(image_at_end);
	mem_init(zrt_info.heap_start, zrt_info.heap_end);
	fork_init(); /* the nvram's area reserved before anything is allocated over it */
	char err[256];
	if (start_up(err, sizeof err) < 0) {
		log_line(0, "zrt: %s", err);
		zrt_exit(ZRT_EXIT_FAILED);
	}
	const struct nvram *nv = &config_nvram;
	/* The clock counts nanoseconds in 64 bits: it reaches the year 2554. */
	uint64_t secs = nv->has_time ? (uint64_t)nv->time_seconds : 0, max = UINT64_MAX / 1000000000u / 2;
	clock_set((secs < max ? secs : max) * 1000000000u);
	rng_seed(config_seed());
	thread_init(nv->has_seed ? (uint64_t)nv->seed : 0);
	uint64_t *at_entry = auxv_find(sp, AT_ENTRY), *at_base = auxv_find(sp, AT_BASE);
	uint64_t entry = at_entry ? *at_entry : 0;
	struct interp in;
	if (interp_load(&in, err, sizeof err) < 0) {
		log_line(0, "zrt: %s", err);
		zrt_exit(ZRT_EXIT_FAILED);
	}
	if (in.base) { /* AT_ENTRY stays the program's, as Linux leaves it */
		if (at_base)
			*at_base = in.base;
		entry = in.entry;
	}
	uint64_t nsp = (nv->argc > 0 || nv->envc > 0 || in.base) ? build_stack(sp, nv, in.base != 0) : (uint64_t)sp;
	return (struct start){nsp, entry};
}
