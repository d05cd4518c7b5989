/*
 * thread.c - the program's threads and their deterministic scheduler
 * (thread.h, docs/zrt.md "Threads").
 *
 * A clone with CLONE_THREAD makes a user-level thread: a copy of the
 * caller's registers (rax 0, the stack and thread pointer it asked for)
 * and of its FPU state. Only one thread runs at a time, and threads
 * change only where the runtime already is: at the end of every emulated
 * system call, thread_schedule() picks the thread that runs next among
 * those that can run, with a generator seeded from the nvram ([threads]
 * seed, 0 by default), and puts its registers into the SIGSYS frame; the
 * kernel's sigreturn then resumes it. Nothing else decides: no timer, no
 * host scheduling, so the same program, inputs and seed give the same
 * interleaving every run.
 *
 * Switching saves the general registers into struct thread, the thread
 * pointer (arch_prctl, which the wall allows), and the FPU state of the
 * frame into the thread's slot at the bottom of the signal stack: outside
 * guest memory, since which parts of that state the kernel writes varies
 * from run to run (docs/memory.md).
 *
 * Waits (enum thread_wait): a futex wait is skipped until a wake, a
 * requeue and a wake, or its deadline on the virtual clock; a sleep until
 * its deadline; pause and rt_sigsuspend until a signal (thread_signal); a
 * pipe read or write, a poll or epoll_wait until any pipe changes, when
 * the thread makes its call again (back to its syscall instruction), or
 * its deadline. When no thread can run, the clock jumps to the earliest
 * deadline; when there is none, every thread waits for ever and the
 * session ends (deadlock).
 */
#include <asm/prctl.h>
#include <asm/sigcontext.h>
#include <asm/unistd.h>
#include <linux/signal.h>
#include <linux/futex.h>
#include <linux/sched.h>

#include "clock.h"
#include "exit.h"
#include "log.h"
#include "thread.h"
#include "user.h"
#include "zrt.h"

static struct thread threads[THREAD_MAX];
static int cur;                 /* the running thread's slot */
static int nlive;               /* running or waiting */
static long next_tid = 2;       /* tids count up, never reused */
static uint64_t rnd;            /* the scheduler's generator (splitmix64) */
static uint64_t wait_seq;       /* the order of waits: wakes take the oldest */
static bool yielded;            /* sched_yield: prefer another thread */
static int main_status;         /* the status of the main thread's exit */
static unsigned char *fp_slots; /* the bottom of the signal stack */

void thread_init(uint64_t seed)
{
	rnd = seed;
	threads[0] = (struct thread){.tid = ZRT_PID, .state = THREAD_RUNNING, .ss_flags = SS_DISABLE};
	cur = 0;
	nlive = 1;
}

struct thread *thread_cur(void)
{
	return &threads[cur];
}

struct thread *thread_find(long tid)
{
	for (int i = 0; i < THREAD_MAX; i++)
		if (threads[i].tid == tid && (threads[i].state == THREAD_RUNNING || threads[i].state == THREAD_WAITING))
			return &threads[i];
	return NULL;
}

struct thread *thread_slot(int i)
{
	struct thread *t = &threads[i];
	return t->state == THREAD_RUNNING || t->state == THREAD_WAITING ? t : NULL;
}

static uint64_t next_random(void)
{
	uint64_t z = (rnd += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* ---- FPU state and the thread pointer ------------------------------------------- */

/* The size of the FPU state of a SIGSYS frame: the legacy 512 bytes, or
 * the extended size its software bytes give (with the trailing magic). */
static uint64_t fp_size(const struct ucontext_k *uc)
{
	const unsigned char *fp = (const unsigned char *)uc->fpstate;
	if (!fp)
		return 0;
	const size_t sw = __builtin_offsetof(struct _fpstate_64, sw_reserved);
	uint32_t magic, ext;
	memcpy(&magic, fp + sw + __builtin_offsetof(struct _fpx_sw_bytes, magic1), 4);
	memcpy(&ext, fp + sw + __builtin_offsetof(struct _fpx_sw_bytes, extended_size), 4);
	const uint32_t legacy = sizeof(struct _fpstate_64);
	return magic == FP_XSTATE_MAGIC1 && ext >= legacy ? ext : legacy;
}

static unsigned char *fp_slot(const struct ucontext_k *uc, int i)
{
	if (!fp_slots)
		fp_slots = (unsigned char *)uc->ss_sp; /* the signal stack boot mapped */
	return fp_slots + (size_t)i * THREAD_FP_SLOT;
}

static uint64_t get_fs(void)
{
	uint64_t v = 0;
	zrt_syscall6(__NR_arch_prctl, ARCH_GET_FS, (long)&v, 0, 0, 0, 0);
	return v;
}

static void set_fs(uint64_t v)
{
	zrt_syscall6(__NR_arch_prctl, ARCH_SET_FS, (long)v, 0, 0, 0, 0);
}

/* ---- creating and ending threads ------------------------------------------------- */

long thread_clone(struct ucontext_k *uc, uint64_t flags, uint64_t stack, uint64_t ptid, uint64_t ctid, uint64_t tls)
{
	uint64_t fsz = fp_size(uc);
	if (fsz > THREAD_FP_SLOT) {
		log_line(1, "zrt: pthread_create: FPU state of %llu bytes, more than a slot holds (EAGAIN)",
			 (unsigned long long)fsz);
		return -EAGAIN;
	}
	if ((flags & CLONE_PARENT_SETTID) && !user_ok(ptid, 4))
		return -EFAULT;
	if ((flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) && ctid && !user_ok(ctid, 4))
		return -EFAULT;
	int i = 0;
	while (i < THREAD_MAX && threads[i].state != THREAD_FREE)
		i++;
	if (i == THREAD_MAX) {
		log_line(1, "zrt: pthread_create: %d threads alive already (EAGAIN)", THREAD_MAX);
		return -EAGAIN;
	}
	struct thread *t = &threads[i], *self = &threads[cur];
	*t = (struct thread){
		.tid = next_tid++, .state = THREAD_RUNNING, .sigmask = self->sigmask, .ss_flags = SS_DISABLE};
	memcpy(t->gregs, uc->gregs, sizeof t->gregs);
	t->gregs[RAX] = 0;
	if (stack)
		t->gregs[RSP] = stack;
	t->fsbase = (flags & CLONE_SETTLS) ? tls : get_fs();
	if (fsz)
		memcpy(fp_slot(uc, i), (const void *)uc->fpstate, fsz);
	if (flags & CLONE_PARENT_SETTID)
		*(uint32_t *)ptid = (uint32_t)t->tid;
	if ((flags & CLONE_CHILD_SETTID) && ctid)
		*(uint32_t *)ctid = (uint32_t)t->tid;
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_tid = ctid;
	nlive++;
	return t->tid;
}

/* The robust futex list at a thread's exit (set_robust_list), as Linux
 * walks it: every futex the thread still owns gets FUTEX_OWNER_DIED and
 * one waiter is woken. A list that is not the program's, or longer than
 * Linux walks (2048), ends the walk. struct robust_list_head: next,
 * futex_offset, list_op_pending. */
static void robust_walk(const struct thread *t)
{
	uint64_t head = t->robust_head;
	if (!head || !user_ok(head, 24))
		return;
	const uint64_t *h = (const uint64_t *)head;
	int64_t off = (int64_t)h[1];
	uint64_t pending = h[2], e = h[0];
	for (int n = 0; n <= 2048; n++) {
		bool last = e == head;
		if (last)
			e = pending, pending = 0; /* the one being taken or released, if any */
		if (!e)
			break;
		uint64_t next = user_ok(e & ~1ull, 8) ? *(const uint64_t *)(e & ~1ull) : 0;
		uint64_t word = (e & ~1ull) + (uint64_t)off;
		if (!(word & 3) && user_ok(word, 4)) {
			uint32_t *w = (uint32_t *)word, v = *w;
			if ((v & FUTEX_TID_MASK) == (uint32_t)t->tid) {
				*w = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
				if (v & FUTEX_WAITERS)
					thread_wake(word, FUTEX_BITSET_MATCH_ANY, 1);
			}
		}
		if (last || !next)
			break;
		e = next;
	}
}

long thread_exit(int code)
{
	struct thread *t = &threads[cur];
	if (t->tid == ZRT_PID)
		main_status = code;
	if (nlive == 1) /* the last: the process ends with its main thread's status */
		exit_session(t->tid == ZRT_PID ? code : main_status);
	robust_walk(t);
	if (t->clear_tid && !(t->clear_tid & 3) && user_ok(t->clear_tid, 4)) {
		*(uint32_t *)t->clear_tid = 0;
		thread_wake(t->clear_tid, FUTEX_BITSET_MATCH_ANY, 1);
	}
	t->state = THREAD_DEAD;
	nlive--;
	return THREAD_BLOCKED;
}

/* ---- futexes ------------------------------------------------------------------------ */

static long block(enum thread_wait kind, bool timed, uint64_t deadline)
{
	struct thread *t = &threads[cur];
	t->state = THREAD_WAITING;
	t->wait = kind;
	t->wait_seq = wait_seq++;
	t->timed = timed;
	t->deadline = deadline;
	t->futex = 0;
	return THREAD_BLOCKED;
}

long thread_wait(uint64_t uaddr, uint32_t bitset, bool timed, uint64_t deadline)
{
	block(WAIT_FUTEX, timed, deadline);
	threads[cur].futex = uaddr;
	threads[cur].bitset = bitset;
	return THREAD_BLOCKED;
}

bool thread_alone(void)
{
	return nlive == 1;
}

long thread_sleep(uint64_t deadline, uint64_t rem)
{
	uint64_t now = clock_peek();
	if (deadline <= now)
		return 0;
	if (nlive == 1) { /* nothing else can happen meanwhile */
		clock_advance(deadline - now);
		return 0;
	}
	block(WAIT_SLEEP, true, deadline);
	threads[cur].timeout_result = 0;
	threads[cur].sleep_rem = rem;
	return THREAD_BLOCKED;
}

long thread_pause(void)
{
	return block(WAIT_SIGNAL, false, 0);
}

long thread_io_wait(bool restartable, bool timed, uint64_t deadline, long timeout_result)
{
	block(WAIT_IO, timed, deadline);
	threads[cur].restartable = restartable;
	threads[cur].timeout_result = timeout_result;
	return THREAD_BLOCKED;
}

static void wake(struct thread *t, long result)
{
	t->state = THREAD_RUNNING;
	t->gregs[RAX] = (uint64_t)result;
}

void thread_call_again(uint64_t *gregs, long call)
{
	gregs[RIP] -= 2;
	gregs[RAX] = (uint64_t)call;
}

static void restart(struct thread *t)
{
	t->state = THREAD_RUNNING;
	thread_call_again(t->gregs, t->call);
}

void thread_io_changed(void)
{
	if (nlive == 1)
		return;
	for (int i = 0; i < THREAD_MAX; i++)
		if (threads[i].state == THREAD_WAITING && threads[i].wait == WAIT_IO)
			restart(&threads[i]);
}

/* The oldest waiter on uaddr whose bitset meets bitset, or NULL. */
static struct thread *oldest(uint64_t uaddr, uint32_t bitset)
{
	struct thread *best = NULL;
	for (int i = 0; i < THREAD_MAX; i++) {
		struct thread *t = &threads[i];
		if (t->state == THREAD_WAITING && t->wait == WAIT_FUTEX && t->futex == uaddr && (t->bitset & bitset) &&
		    (!best || t->wait_seq < best->wait_seq))
			best = t;
	}
	return best;
}

static long wake_some(uint64_t uaddr, uint32_t bitset, long n)
{
	long done = 0;
	struct thread *t;
	while (done < n && (t = oldest(uaddr, bitset)) != NULL) {
		wake(t, 0);
		done++;
	}
	return done;
}

/* A count of 0 or less still wakes one waiter, as Linux's futex_wake. */
long thread_wake(uint64_t uaddr, uint32_t bitset, long n)
{
	return wake_some(uaddr, bitset, n > 0 ? n : 1);
}

long thread_requeue(uint64_t from, uint64_t to, long nwake, long nmove)
{
	long done = wake_some(from, FUTEX_BITSET_MATCH_ANY, nwake), moved = 0;
	struct thread *t;
	while (moved < nmove && from != to && (t = oldest(from, FUTEX_BITSET_MATCH_ANY)) != NULL) {
		t->futex = to;
		t->wait_seq = wait_seq++;
		moved++;
	}
	return done + moved;
}

void thread_signal(struct thread *t, bool sa_restart)
{
	if (t->state != THREAD_WAITING)
		return;
	if (t->wait == WAIT_IO && t->restartable && sa_restart) {
		restart(t); /* the handler's frame returns to the call */
		return;
	}
	if (t->wait == WAIT_SLEEP && t->sleep_rem && user_ok(t->sleep_rem, 16)) {
		uint64_t left = t->deadline - clock_peek(), *rem = (uint64_t *)t->sleep_rem;
		rem[0] = left / 1000000000u, rem[1] = left % 1000000000u;
	}
	wake(t, -EINTR);
}

void thread_yield(void)
{
	yielded = true;
}

/* ---- the scheduler ---------------------------------------------------------------- */

/* Timed waits whose deadline the clock has reached end (ETIMEDOUT). With
 * jump, when nothing can run: the clock first moves to the earliest
 * deadline. false: no timed wait at all. */
static bool expire(bool jump)
{
	uint64_t now = clock_peek(), first = UINT64_MAX;
	for (int i = 0; i < THREAD_MAX; i++)
		if (threads[i].state == THREAD_WAITING && threads[i].timed && threads[i].deadline < first)
			first = threads[i].deadline;
	if (first == UINT64_MAX)
		return false;
	if (jump && first > now)
		clock_advance(first - now), now = clock_peek();
	for (int i = 0; i < THREAD_MAX; i++)
		if (threads[i].state == THREAD_WAITING && threads[i].timed && threads[i].deadline <= now)
			wake(&threads[i], threads[i].wait == WAIT_FUTEX ? -ETIMEDOUT : threads[i].timeout_result);
	return true;
}

/* Every thread waits and none has a deadline: say what each waits on, and
 * end the session as a wait nothing can end does (exit.c). */
__attribute__((noreturn)) static void deadlock(void)
{
	char what[512];
	size_t n = 0;
	for (int i = 0; i < THREAD_MAX && n < sizeof what; i++) {
		const struct thread *t = &threads[i];
		if (t->state != THREAD_WAITING)
			continue;
		n += zrt_fmt(what + n, sizeof what - n, "%sthread %lld ", n ? ", " : "", (long long)t->tid);
		if (n >= sizeof what)
			break;
		if (t->wait == WAIT_FUTEX)
			n += zrt_fmt(what + n, sizeof what - n, "waits on futex 0x%llx", (unsigned long long)t->futex);
		else
			n += zrt_fmt(what + n, sizeof what - n, "%s",
				     t->wait == WAIT_SIGNAL ? "waits for a signal" : "waits on a descriptor");
	}
	log_line(0, "zrt: deadlock: every thread waits for ever (%s); the session ends", what);
	exit_session(ZRT_EXIT_WAIT);
}

/* The next thread to run: one of those that can, chosen by the generator;
 * after a sched_yield, not the caller if another can run. -1: none. */
static int pick(void)
{
	int can[THREAD_MAX], n = 0;
	for (int i = 0; i < THREAD_MAX; i++)
		if (threads[i].state == THREAD_RUNNING && !(yielded && i == cur))
			can[n++] = i;
	if (!n && yielded && threads[cur].state == THREAD_RUNNING)
		can[n++] = cur;
	yielded = false;
	if (!n)
		return -1;
	return n == 1 ? can[0] : can[next_random() % (uint64_t)n];
}

void thread_schedule(struct ucontext_k *uc)
{
	struct thread *self = &threads[cur];
	if (nlive == 1 && self->state == THREAD_RUNNING) {
		yielded = false;
		return; /* one thread: nothing to choose */
	}
	memcpy(self->gregs, uc->gregs, sizeof self->gregs);
	expire(false);
	int next = pick();
	while (next < 0) {
		if (!expire(true))
			deadlock();
		next = pick();
	}
	if (next != cur) {
		uint64_t fsz = fp_size(uc);
		if (self->state != THREAD_DEAD) {
			self->fsbase = get_fs();
			if (fsz)
				memcpy(fp_slot(uc, cur), (const void *)uc->fpstate, fsz);
		} else {
			self->state = THREAD_FREE;
		}
		set_fs(threads[next].fsbase);
		if (fsz)
			memcpy((void *)uc->fpstate, fp_slot(uc, next), fsz);
		cur = next;
	}
	memcpy(uc->gregs, threads[cur].gregs, sizeof uc->gregs);
}

/* ---- for the fork file (fork.c): what a snapshot must carry of the one thread -- */

int thread_live(void)
{
	return nlive;
}

uint64_t thread_fp_bytes(const struct ucontext_k *uc)
{
	return fp_size(uc);
}

uint64_t thread_fs_get(void)
{
	return get_fs();
}

void thread_fs_set(uint64_t v)
{
	set_fs(v);
}
