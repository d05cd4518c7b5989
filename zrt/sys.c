/*
 * sys.c - the runtime's entry, its signal handlers, and the system calls
 * that are not about files or signals: memory, time, randomness, identity,
 * limits, and the acts a sandboxed program may not do.
 *
 * Every call the seccomp wall does not allow raises SIGSYS; zrt_sigsys()
 * reads the number and arguments from the signal frame, answers (the table
 * of syscall.c), and puts the result in rax of the frame,
 * so the program continues after its `syscall` instruction as if the kernel
 * had answered; a signal the answer made deliverable is then set up on the
 * way out, as the kernel would (signal.c). docs/zrt.md lists every call
 * and what it does.
 */
#include <asm/unistd.h>
#include <linux/auxvec.h>
#include <linux/futex.h>
#include <linux/mman.h>
#include <linux/prctl.h>
#include <linux/random.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/sysinfo.h>
#include <linux/time.h>
#include <linux/times.h>
#include <linux/utsname.h>

#include "nvram.h"
#include "syscall.h"
#include "zrt.h"

/* ---- the header the supervisor reads (zrt_abi.h) ---------------------------- */

#define ALTSTACK_SIZE (256u << 10) /* mapped by boot outside guest memory */
struct zrt_info zrt_info;
unsigned char zrt_init_stack[128u << 10] __attribute__((aligned(16))); /* start.S */
void zrt_entry(void);

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

/* ---- time ----------------------------------------------------------------- */

/* ZEROVM.md section 7: the clock starts at [time] seconds and every read
 * advances it by one microsecond; sleeping advances it and returns. */
static uint64_t clock_ns, clock_start;

void clock_set(uint64_t ns)
{
	clock_ns = clock_start = ns;
}

uint64_t clock_peek(void)
{
	return clock_ns;
}

void clock_advance(uint64_t ns)
{
	clock_ns = ns > ZRT_CLOCK_MAX - clock_ns ? ZRT_CLOCK_MAX : clock_ns + ns;
}

uint64_t clock_tick(void)
{
	clock_advance(1000);
	return clock_ns;
}

struct ts {
	int64_t sec, nsec;
};

static long put_time(uint64_t ns, struct ts *t)
{
	if (!mem_user_ok((uint64_t)t, sizeof *t))
		return -EFAULT;
	t->sec = (int64_t)(ns / 1000000000u);
	t->nsec = (int64_t)(ns % 1000000000u);
	return 0;
}

/* The clocks of clock_gettime: up to CLOCK_TAI, less CLOCK_SGI_CYCLE. */
static bool clock_valid(long id)
{
	return id >= 0 && id <= CLOCK_TAI && id != CLOCK_SGI_CYCLE;
}

long sys_clock_gettime(const struct sys_call *c)
{
	long id = c->a[0];
	struct ts *t = (struct ts *)c->a[1];
	if (!clock_valid(id))
		return -EINVAL;
	uint64_t now = clock_tick();
	if (id == CLOCK_PROCESS_CPUTIME_ID || id == CLOCK_THREAD_CPUTIME_ID)
		now -= clock_start;
	return put_time(now, t);
}

long sys_clock_getres(const struct sys_call *c)
{
	long id = c->a[0];
	struct ts *t = (struct ts *)c->a[1];
	if (!clock_valid(id))
		return -EINVAL;
	if (!t)
		return 0;
	if (!mem_user_ok((uint64_t)t, 16))
		return -EFAULT;
	return put_time(1, t); /* high-resolution timers, as Linux reports */
}

/* A sleep passes on the virtual clock at once. */
static long sleep_on(long id, const struct ts *req, bool absolute)
{
	/* clock_nanosleep sleeps on REALTIME, MONOTONIC, BOOTTIME, TAI, the
	 * alarm clocks and the process CPU clock (thread CPU: EINVAL). */
	if (id != CLOCK_REALTIME && id != CLOCK_MONOTONIC && id != CLOCK_PROCESS_CPUTIME_ID && id != CLOCK_BOOTTIME &&
	    id != CLOCK_REALTIME_ALARM && id != CLOCK_BOOTTIME_ALARM && id != CLOCK_TAI)
		return id == CLOCK_THREAD_CPUTIME_ID ? -EINVAL : clock_valid(id) ? -EOPNOTSUPP : -EINVAL;
	if (!mem_user_ok((uint64_t)req, sizeof *req))
		return -EFAULT;
	if (req->nsec < 0 || req->nsec >= 1000000000 || req->sec < 0)
		return -EINVAL;
	uint64_t ns = (uint64_t)req->sec > ZRT_CLOCK_MAX / 1000000000u ? ZRT_CLOCK_MAX
									: (uint64_t)req->sec * 1000000000u + (uint64_t)req->nsec;
	if (absolute)
		clock_ns = ns > clock_ns ? ns : clock_ns;
	else
		clock_advance(ns);
	return 0;
}

long sys_nanosleep(const struct sys_call *c)
{
	return sleep_on(CLOCK_MONOTONIC, (const struct ts *)c->a[0], false);
}

long sys_clock_nanosleep(const struct sys_call *c)
{
	return sleep_on(c->a[0], (const struct ts *)c->a[2], c->a[1] & TIMER_ABSTIME);
}

long sys_gettimeofday(const struct sys_call *c)
{
	const long *a = c->a;
	uint64_t now = clock_tick();
	if (a[0]) {
		if (!mem_user_ok((uint64_t)a[0], sizeof(struct timeval)))
			return -EFAULT;
		int64_t *tv = (int64_t *)a[0];
		tv[0] = (int64_t)(now / 1000000000u);
		tv[1] = (int64_t)(now % 1000000000u) / 1000;
	}
	if (a[1] && mem_user_ok((uint64_t)a[1], sizeof(struct timezone)))
		memset((void *)a[1], 0, sizeof(struct timezone));
	return 0;
}

long sys_time(const struct sys_call *c)
{
	int64_t t = (int64_t)(clock_tick() / 1000000000u);
	if (c->a[0]) {
		if (!mem_user_ok((uint64_t)c->a[0], 8))
			return -EFAULT;
		*(int64_t *)c->a[0] = t;
	}
	return t;
}

/* getitimer and setitimer: REAL, VIRTUAL, PROF, none of which ever fires;
 * what a timer has left is zero. */
static long itimer(long which, long value)
{
	if ((unsigned long)which > ITIMER_PROF)
		return -EINVAL;
	if (value && mem_user_ok((uint64_t)value, sizeof(struct itimerval)))
		memset((void *)value, 0, sizeof(struct itimerval));
	return 0;
}

long sys_getitimer(const struct sys_call *c)
{
	return itimer(c->a[0], c->a[1]);
}

long sys_setitimer(const struct sys_call *c)
{
	return itimer(c->a[0], c->a[2]);
}

/* getrusage: SELF, CHILDREN, THREAD; no time was ever used. */
long sys_getrusage(const struct sys_call *c)
{
	if (c->a[0] != RUSAGE_SELF && c->a[0] != RUSAGE_CHILDREN && c->a[0] != RUSAGE_THREAD)
		return -EINVAL;
	if (!mem_user_ok((uint64_t)c->a[1], sizeof(struct rusage)))
		return -EFAULT;
	memset((void *)c->a[1], 0, sizeof(struct rusage));
	return 0;
}

long sys_times(const struct sys_call *c)
{
	if (c->a[0] && mem_user_ok((uint64_t)c->a[0], sizeof(struct tms)))
		memset((void *)c->a[0], 0, sizeof(struct tms));
	return (long)(clock_tick() / 10000000u);
}

/* ---- randomness: xoshiro256**, seeded by the configuration ------------------ */

static uint64_t rs[4];

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void rng_seed(uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		rs[i] = splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(void)
{
	uint64_t r = rotl(rs[1] * 5, 7) * 9, t = rs[1] << 17;
	rs[2] ^= rs[0];
	rs[3] ^= rs[1];
	rs[1] ^= rs[2];
	rs[0] ^= rs[3];
	rs[2] ^= t;
	rs[3] = rotl(rs[3], 45);
	return r;
}

void rng_fill(void *buf, size_t n)
{
	unsigned char *p = buf;
	while (n) {
		uint64_t r = rng_next();
		size_t k = n < 8 ? n : 8;
		memcpy(p, &r, k);
		p += k;
		n -= k;
	}
}

long sys_getrandom(const struct sys_call *c)
{
	const long *a = c->a;
	if (a[2] & ~(long)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((a[2] & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if (!mem_user_ok((uint64_t)a[0], (uint64_t)a[1]))
		return -EFAULT;
	rng_fill((void *)a[0], (size_t)a[1]);
	return a[1];
}

/* ---- identity and limits ------------------------------------------------------ */

static long put_str(char *dst, const char *s)
{
	size_t n = strlen(s);
	memcpy(dst, s, n + 1);
	return 0;
}

long sys_uname(const struct sys_call *c)
{
	struct new_utsname *u = (struct new_utsname *)c->a[0];
	if (!mem_user_ok((uint64_t)u, sizeof *u))
		return -EFAULT;
	memset(u, 0, sizeof *u);
	put_str(u->sysname, "Linux");
	put_str(u->nodename, "zerovm");
	put_str(u->release, "6.1.0-zerovm");
	put_str(u->version, "#1 SMP zerovm");
	put_str(u->machine, "x86_64");
	put_str(u->domainname, "(none)");
	return 0;
}

long sys_sysinfo(const struct sys_call *c)
{
	struct sysinfo *s = (struct sysinfo *)c->a[0];
	if (!mem_user_ok((uint64_t)s, sizeof *s))
		return -EFAULT;
	memset(s, 0, sizeof *s);
	s->uptime = (long)((clock_tick() - clock_start) / 1000000000u);
	s->totalram = mem_total_bytes();
	s->freeram = mem_free_bytes();
	s->procs = 1;
	s->mem_unit = 1;
	return 0;
}

static void limit_of(long res, uint64_t lim[2])
{
	lim[0] = lim[1] = RLIM64_INFINITY;
	if (res == RLIMIT_STACK)
		lim[0] = lim[1] = zrt_info.memory_size - zrt_info.stack_start;
	else if (res == RLIMIT_NOFILE)
		lim[0] = lim[1] = ZRT_FD_MAX;
	else if (res == RLIMIT_AS || res == RLIMIT_DATA)
		lim[0] = lim[1] = zrt_info.memory_size;
	else if (res == RLIMIT_NPROC)
		lim[0] = lim[1] = 1;
	else if (res == RLIMIT_CORE)
		lim[0] = lim[1] = 0;
}

static long prlimit(long pid, long res, const uint64_t *newl, uint64_t *old)
{
	if (pid != 0 && pid != ZRT_PID)
		return -ESRCH;
	if (res < 0 || res >= RLIM_NLIMITS)
		return -EINVAL;
	if (newl && !mem_user_ok((uint64_t)newl, 16))
		return -EFAULT;
	if (newl && newl[0] > newl[1])
		return -EINVAL; /* soft above hard */
	if (old) {
		if (!mem_user_ok((uint64_t)old, 16))
			return -EFAULT;
		limit_of(res, old);
	}
	return 0; /* new limits are accepted and change nothing */
}

/* getresuid, getresgid: real, effective and saved are the one user. */
long sys_getresid(const struct sys_call *c)
{
	uint32_t *p[3] = {(uint32_t *)c->a[0], (uint32_t *)c->a[1], (uint32_t *)c->a[2]};
	for (int i = 0; i < 3; i++) {
		if (!mem_user_ok((uint64_t)p[i], 4))
			return -EFAULT;
		*p[i] = ZRT_UID;
	}
	return 0;
}

/* The set*id family: to the one user (or -1, unchanged) is allowed and
 * changes nothing; to anyone else is EPERM. */
long sys_setid(const struct sys_call *c)
{
	long id = c->a[0];
	return (id == ZRT_UID || id == -1) ? 0 : -EPERM;
}

long sys_setgroups(const struct sys_call *c)
{
	return c->a[0] ? -EPERM : 0;
}

/* getpgid and getsid: of this process (0 or its pid) only. */
long sys_getpgid(const struct sys_call *c)
{
	return (c->a[0] == 0 || c->a[0] == ZRT_PID) ? ZRT_PID : -ESRCH;
}

long sys_prlimit64(const struct sys_call *c)
{
	return prlimit(c->a[0], c->a[1], (const uint64_t *)c->a[2], (uint64_t *)c->a[3]);
}

long sys_getrlimit(const struct sys_call *c)
{
	return prlimit(0, c->a[0], 0, (uint64_t *)c->a[1]);
}

long sys_setrlimit(const struct sys_call *c)
{
	return prlimit(0, c->a[0], (const uint64_t *)c->a[1], 0);
}

/* sched_getaffinity: one CPU. */
long sys_sched_getaffinity(const struct sys_call *c)
{
	if ((uint64_t)c->a[1] < 8 || !mem_user_ok((uint64_t)c->a[2], 8))
		return -EINVAL;
	memset((void *)c->a[2], 0, 8);
	*(unsigned char *)c->a[2] = 1;
	return 8;
}

long sys_getcpu(const struct sys_call *c)
{
	if (c->a[0] && mem_user_ok((uint64_t)c->a[0], 4))
		*(uint32_t *)c->a[0] = 0;
	if (c->a[1] && mem_user_ok((uint64_t)c->a[1], 4))
		*(uint32_t *)c->a[1] = 0;
	return 0;
}

/* personality: only the query (0xffffffff) and the default, 0. */
long sys_personality(const struct sys_call *c)
{
	return (c->a[0] == 0xffffffff || c->a[0] == 0) ? 0 : -EINVAL;
}

static char comm[16] = "program";

long sys_prctl(const struct sys_call *c)
{
	long op = c->a[0], a = c->a[1];
	switch (op) {
	case PR_SET_NAME:
		if (!mem_user_ok((uint64_t)a, 1))
			return -EFAULT;
		for (int i = 0; i < 15; i++) {
			comm[i] = ((const char *)a)[i];
			if (!comm[i])
				break;
		}
		comm[15] = 0;
		return 0;
	case PR_GET_NAME:
		if (!mem_user_ok((uint64_t)a, 16))
			return -EFAULT;
		memcpy((void *)a, comm, 16);
		return 0;
	case PR_GET_DUMPABLE:
		return 0;
	case PR_SET_DUMPABLE:
	case PR_SET_PDEATHSIG:
	case PR_SET_NO_NEW_PRIVS:
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		return 1;
	default:
		return -EINVAL;
	}
}

/* ---- memory ----------------------------------------------------------------- */

long sys_madvise(const struct sys_call *c)
{
	uint64_t addr = (uint64_t)c->a[0], len = (uint64_t)c->a[1];
	long advice = c->a[2];
	if (addr & (PAGE - 1))
		return -EINVAL;
	/* The advice Linux 6.1 knows (KSM and THP built in); none changes
	 * anything here but MADV_DONTNEED. */
	if (!((advice >= MADV_NORMAL && advice <= MADV_DONTNEED) || (advice >= MADV_FREE && advice <= MADV_COLLAPSE)))
		return -EINVAL;
	if (ALIGN_UP_WRAPS(len, PAGE) || addr + ALIGN_UP(len, PAGE) < addr)
		return -EINVAL;
	if (advice == MADV_DONTNEED && len) /* fresh zero pages */
		return mem_dontneed(addr, len);
	return 0;
}

long sys_futex(const struct sys_call *c)
{
	uint32_t *uaddr = (uint32_t *)c->a[0];
	long op = c->a[1], val = c->a[2];
	switch (op & (FUTEX_PRIVATE_FLAG - 1)) { /* the command, without PRIVATE, CLOCK_REALTIME and above */
	case FUTEX_WAIT: /* no other thread can ever wake it */
	case FUTEX_WAIT_BITSET:
		if (!mem_user_ok((uint64_t)uaddr, 4))
			return -EFAULT;
		return *uaddr != (uint32_t)val ? -EAGAIN : -ETIMEDOUT;
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		return 0;
	default:
		return -ENOSYS;
	}
}

/* ---- processes and threads: one of each ---------------------------------------- */

/* clone, clone3, fork, vfork: EAGAIN, what Linux gives a process that may
 * not create another (RLIMIT_NPROC 0), and one line in the debug log
 * ([debug] verbosity 1) saying which program act it was. */
static long no_process(uint64_t flags)
{
	const char *what = (flags & CLONE_THREAD) ? "pthread_create (clone of a thread): a sandbox runs one thread"
			   : (flags & CLONE_VFORK)   ? "posix_spawn, system or popen (vfork): a sandbox runs one process"
						     : "fork: a sandbox runs one process";
	zrt_log(1, "zrt: %s (EAGAIN)", what);
	return -EAGAIN;
}

long sys_clone(const struct sys_call *c)
{
	return no_process((uint64_t)c->a[0]);
}

/* fork and vfork: clone(SIGCHLD), one process only. */
long sys_fork(const struct sys_call *c)
{
	(void)c;
	return no_process(SIGCHLD);
}

long sys_clone3(const struct sys_call *c)
{
	return no_process(mem_user_ok((uint64_t)c->a[0], 8) ? *(const uint64_t *)c->a[0] : 0);
}

/* exit and exit_group: write access=wo images back, then end the session. */
long sys_exit(const struct sys_call *c)
{
	fs_exit((int)(c->a[0] & 0xff));
}

/* ---- memory ---------------------------------------------------------------- */

long sys_brk(const struct sys_call *c)
{
	return (long)mem_brk((uint64_t)c->a[0]);
}

long sys_munmap(const struct sys_call *c)
{
	return mem_munmap((uint64_t)c->a[0], (uint64_t)c->a[1]);
}

long sys_mremap(const struct sys_call *c)
{
	return mem_mremap((uint64_t)c->a[0], (uint64_t)c->a[1], (uint64_t)c->a[2], (int)c->a[3], (uint64_t)c->a[4]);
}

void zrt_sigsys(int sig, void *info, void *ucv)
{
	(void)sig;
	struct ucontext_k *uc = ucv;
	uint64_t *g = uc->gregs;
	long nr = *(const int32_t *)((const char *)info + 24); /* si_syscall */
	const long a[6] = {(long)g[RDI], (long)g[RSI], (long)g[RDX], (long)g[R10], (long)g[R8], (long)g[R9]};
	const char *deferred = fs_deferred_error();
	if (deferred) { /* the program needs the runtime, whose nvram is broken */
		zrt_log(0, "zrt: %s", deferred);
		zrt_exit(ZRT_EXIT_FAILED);
	}
	g[RAX] = (uint64_t)(nr == ZRT_NR_SIGRETURN ? sig_return(uc) : sys_dispatch(nr, a, uc));
	sig_deliver(uc); /* as the kernel does on its way back to the program */
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
	if (mem_user_ok(g[RIP], 2) && ip[0] == 0x0f && ip[1] == 0xa2 && zrt_info.ncpuid) {
		cpuid_answer(g);
		g[RIP] += 2;
		return;
	}
	if (mem_user_ok(g[RIP], 3) && ip[0] == 0x0f && ip[1] == 0x31)
		len = 2;
	else if (mem_user_ok(g[RIP], 3) && ip[0] == 0x0f && ip[1] == 0x01 && ip[2] == 0xf9)
		len = 3, g[RCX] = 0;
	if (!len) {
		zrt_log(1, "zrt: SIGSEGV at 0x%llx, address 0x%llx", (unsigned long long)g[RIP],
			(unsigned long long)*(const uint64_t *)((const char *)info + 16));
		uc->sigmask |= 1ull << (SIGSEGV - 1);
		return;
	}
	uint64_t t = clock_tick();
	g[RAX] = t & 0xffffffffu;
	g[RDX] = t >> 32;
	g[RIP] += len;
}

/* ---- start ------------------------------------------------------------------------ */

struct start {
	uint64_t sp, entry;
};

static uint64_t push_bytes(uint64_t *sp, const void *src, size_t n)
{
	*sp -= n;
	memcpy((void *)*sp, src, n);
	return *sp;
}

/* Build the program's initial stack below the one the supervisor made:
 * argv and environment from the nvram, the same auxiliary vector. */
static uint64_t build_stack(const uint64_t *old, const struct nvram *nv)
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
	uint64_t *ptrs = zalloc(((size_t)nargc + (size_t)nv->envc + 2) * 8);
	if (!ptrs)
		return (uint64_t)old;
	for (int i = 0; i < nargc; i++) {
		const char *s = nv->argc > 0 ? nv->argv[i] : (const char *)oargv[i];
		ptrs[i] = push_bytes(&sp, s, strlen(s) + 1);
	}
	for (int i = 0; i < nv->envc; i++)
		ptrs[nargc + 1 + i] = push_bytes(&sp, nv->envp[i], strlen(nv->envp[i]) + 1);
	size_t words = 1 + (size_t)nargc + 1 + (size_t)nv->envc + 1 + naux * 2;
	sp = ALIGN_DOWN(sp - words * 8 - 8, 16) + 8; /* as after a call, see src/guest.c */
	uint64_t *w = (uint64_t *)sp;
	*w++ = (uint64_t)nargc;
	for (int i = 0; i < nargc; i++)
		*w++ = ptrs[i];
	*w++ = 0;
	for (int i = 0; i < nv->envc; i++)
		*w++ = ptrs[nargc + 1 + i];
	*w++ = 0;
	memcpy(w, aux, naux * 16);
	zfree(ptrs, ((size_t)nargc + (size_t)nv->envc + 2) * 8);
	return sp;
}

static uint64_t auxv_get(const uint64_t *sp, uint64_t key)
{
	const uint64_t *p = sp + sp[0] + 2;
	while (*p)
		p++;
	for (p++; p[0]; p += 2)
		if (p[0] == key)
			return p[1];
	return 0;
}

extern struct nvram zrt_nvram;
struct start zrt_main(uint64_t *sp);

struct start zrt_main(uint64_t *sp)
{
	mem_init(zrt_info.heap_start, zrt_info.heap_end);
	if (zrt_info.nvram_given) /* before anything is allocated over it */
		mem_reserve(zrt_info.nvram_addr, zrt_info.nvram_addr + ALIGN_UP(zrt_info.nvram_len, PAGE));
	char err[256];
	if (fs_init(err, sizeof err) < 0) {
		zrt_log(0, "zrt: %s", err);
		zrt_exit(ZRT_EXIT_FAILED);
	}
	const struct nvram *nv = &zrt_nvram;
	/* The clock counts nanoseconds in 64 bits: it reaches the year 2554. */
	uint64_t secs = nv->has_time ? (uint64_t)nv->time_seconds : 0, max = UINT64_MAX / 1000000000u / 2;
	clock_set((secs < max ? secs : max) * 1000000000u);
	rng_seed(fs_seed());
	uint64_t entry = auxv_get(sp, AT_ENTRY);
	uint64_t nsp = (nv->argc > 0 || nv->envc > 0) ? build_stack(sp, nv) : (uint64_t)sp;
	return (struct start){nsp, entry};
}
