/*
 * process.c - one process, its threads: fork fails as on a Linux that may
 * not create another process; clone of a thread, the futex calls and the
 * thread calls are answered by the threads of thread.c; exit_group ends
 * the session (exit.c), exit ends one thread.
 */
#include <linux/futex.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/wait.h>

#include "clock.h"
#include "exit.h"
#include "log.h"
#include "syscall.h"
#include "thread.h"
#include "user.h"
#include "zrt.h"

/* fork, vfork, and a clone that is not a thread's: EAGAIN, what Linux
 * gives a process that may not create another (RLIMIT_NPROC 1), and one
 * line in the debug log ([debug] verbosity 1) saying which program act it
 * was. */
static long no_process(uint64_t flags)
{
	const char *what = (flags & CLONE_VFORK) ? "posix_spawn, system or popen (vfork): a sandbox runs one process"
						 : "fork: a sandbox runs one process";
	log_line(1, "zrt: %s (EAGAIN)", what);
	return -EAGAIN;
}

/* What a thread shares with its creator, as glibc, musl and Go ask for it. */
#define THREAD_FLAGS (uint64_t)(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)
/* What else a thread's clone may say: ZRT has one of each already (System
 * V semaphores, the io context) or does it (the tids, the thread pointer). */
#define THREAD_EXTRA                                                                                                \
	(uint64_t)(CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | \
		   CLONE_IO | CLONE_DETACHED)

/* clone and clone3: a thread (thread.c), or no process. A clone that
 * shares only part of what a thread shares (a process with its own
 * memory, vfork's CLONE_VM|CLONE_VFORK) is no process; one with CLONE_THREAD
 * but a flag ZRT does not do (a pidfd, a new namespace, ptrace) is EINVAL,
 * which glibc and musl never ask. */
static long clone_any(struct ucontext_k *uc, uint64_t flags, uint64_t stack, uint64_t ptid, uint64_t ctid, uint64_t tls)
{
	if (!(flags & CLONE_THREAD))
		return no_process(flags);
	if ((flags & THREAD_FLAGS) != THREAD_FLAGS || (flags & ~(THREAD_FLAGS | THREAD_EXTRA | 0xffull)) ||
	    (flags & 0xff))
		return -EINVAL;
	return thread_clone(uc, flags, stack, ptid, ctid, tls);
}

/* clone(flags, stack, parent_tid, child_tid, tls): x86-64's order. */
long sys_clone(const struct sys_call *c)
{
	return clone_any(c->uc, (uint64_t)c->a[0], (uint64_t)c->a[1], (uint64_t)c->a[2], (uint64_t)c->a[3],
			 (uint64_t)c->a[4]);
}

/* fork and vfork: clone(SIGCHLD), one process only. */
long sys_fork(const struct sys_call *c)
{
	(void)c;
	return no_process(SIGCHLD);
}

/* clone3(args, size): struct clone_args, of at least its first version's
 * 64 bytes (flags, pidfd, child_tid, parent_tid, exit_signal, stack,
 * stack_size, tls); the stack is given as its lowest address and size. */
long sys_clone3(const struct sys_call *c)
{
	uint64_t size = (uint64_t)c->a[1];
	if (size < 64 || size > PAGE)
		return -EINVAL;
	if (!user_ok((uint64_t)c->a[0], size))
		return -EFAULT;
	const uint64_t *a = (const uint64_t *)c->a[0];
	if (!(a[0] & CLONE_THREAD))
		return no_process(a[0]);
	if (a[4] || (a[5] && !a[6]) || (size >= 88 && (a[8] || a[9])) || (size > 88 && a[10]))
		return -EINVAL; /* an exit signal for a thread, a stack without size, set_tid, a cgroup */
	return clone_any(c->uc, a[0], a[5] ? a[5] + a[6] : 0, a[3], a[2], a[7]);
}

/* exit_group: write access=wo images back, then end the session. */
long sys_exit_group(const struct sys_call *c)
{
	exit_session((int)(c->a[0] & 0xff));
}

/* exit: the calling thread ends; the last one ends the session. */
long sys_exit(const struct sys_call *c)
{
	return thread_exit((int)(c->a[0] & 0xff));
}

long sys_gettid(const struct sys_call *c)
{
	(void)c;
	return thread_cur()->tid;
}

/* set_tid_address: the word cleared (and woken) when the thread ends. */
long sys_set_tid_address(const struct sys_call *c)
{
	thread_cur()->clear_tid = (uint64_t)c->a[0];
	return thread_cur()->tid;
}

/* set_robust_list(head, len): len must be struct robust_list_head's. */
long sys_set_robust_list(const struct sys_call *c)
{
	if (c->a[1] != 24)
		return -EINVAL;
	thread_cur()->robust_head = (uint64_t)c->a[0];
	return 0;
}

/* get_robust_list(pid, head_ptr, len_ptr): the list a thread of this
 * process set (pid 0: the caller); musl asks it once before it makes a
 * mutex robust, and refuses to if the call fails. */
long sys_get_robust_list(const struct sys_call *c)
{
	const struct thread *t = c->a[0] ? thread_find(c->a[0]) : thread_cur();
	uint64_t head = (uint64_t)c->a[1], len = (uint64_t)c->a[2];
	if (!t)
		return -ESRCH;
	if (!user_ok(len, 8) || !user_ok(head, 8))
		return -EFAULT;
	*(uint64_t *)len = 24;
	*(uint64_t *)head = t->robust_head;
	return 0;
}

long sys_sched_yield(const struct sys_call *c)
{
	(void)c;
	thread_yield();
	return 0;
}

/* futex: the waits and wakes of thread.c. Linux's checks stay, in its
 * order: the timeout's memory (EFAULT) and value (EINVAL); an address not
 * 4-byte aligned EINVAL, and one that cannot be read EFAULT where the
 * kernel reads it (a wait, a compare, a shared futex's key); a zero
 * bitset, negative counts EINVAL; a value that changed EAGAIN; other
 * commands (the priority-inheritance ones) ENOSYS. Private and shared
 * futexes are one: there is one process. */
static bool futex_key(uint64_t addr, bool shared, long *err)
{
	if (addr & 3)
		*err = -EINVAL;
	else if (shared && !user_ok(addr, 4))
		*err = -EFAULT;
	else
		return true;
	return false;
}

/* A wait's timeout on the virtual clock: none (NULL), a time from now
 * (FUTEX_WAIT), or a time on the clock (FUTEX_WAIT_BITSET: the virtual
 * clock's monotonic and real time are the same clock). */
static long futex_deadline(uint64_t ts, bool absolute, bool *timed, uint64_t *at)
{
	*timed = ts != 0;
	*at = 0;
	if (!ts)
		return 0;
	if (!user_ok(ts, sizeof(struct __kernel_timespec)))
		return -EFAULT;
	const struct __kernel_timespec *t = (const struct __kernel_timespec *)ts;
	if (t->tv_sec < 0 || t->tv_nsec < 0 || t->tv_nsec >= 1000000000)
		return -EINVAL;
	uint64_t sec = (uint64_t)t->tv_sec, now = clock_peek();
	uint64_t ns = sec >= ZRT_CLOCK_MAX / 1000000000u ? ZRT_CLOCK_MAX : sec * 1000000000u + (uint64_t)t->tv_nsec;
	*at = absolute ? ns : ns > ZRT_CLOCK_MAX - now ? ZRT_CLOCK_MAX : now + ns;
	return 0;
}

static long futex_wait(uint64_t uaddr, bool shared, uint32_t val, uint32_t bitset, uint64_t ts, bool absolute)
{
	bool timed;
	uint64_t at;
	long err = futex_deadline(ts, absolute, &timed, &at);
	if (err)
		return err;
	if (!bitset)
		return -EINVAL;
	if (!futex_key(uaddr, shared, &err))
		return err;
	if (!user_ok(uaddr, 4))
		return -EFAULT;
	if (*(const uint32_t *)uaddr != val)
		return -EAGAIN;
	if (timed && at <= clock_peek())
		return -ETIMEDOUT;
	return thread_wait(uaddr, bitset, timed, at);
}

/* FUTEX_WAKE_OP: *uaddr2 changes by the encoded operation, waiters of
 * uaddr are woken, and those of uaddr2 too if the old value passes the
 * encoded comparison. */
static long futex_wake_op(uint64_t uaddr, uint64_t uaddr2, bool shared, long n, long n2, uint32_t enc)
{
	long err = 0;
	if (!futex_key(uaddr, shared, &err) || !futex_key(uaddr2, shared, &err))
		return err;
	if (!user_ok(uaddr2, 4))
		return -EFAULT;
	uint32_t op = (enc >> 28) & 7, cmp = (enc >> 24) & 15;
	int32_t oparg = (int32_t)(enc << 8) >> 20, cmparg = (int32_t)(enc << 20) >> 20;
	if (enc & ((uint32_t)FUTEX_OP_OPARG_SHIFT << 28))
		oparg = (oparg < 0 || oparg > 31) ? 0 : (int32_t)(1u << oparg);
	uint32_t *w = (uint32_t *)uaddr2, old = *w, arg = (uint32_t)oparg;
	switch (op) {
	case FUTEX_OP_SET: *w = arg; break;
	case FUTEX_OP_ADD: *w = old + arg; break;
	case FUTEX_OP_OR: *w = old | arg; break;
	case FUTEX_OP_ANDN: *w = old & ~arg; break;
	case FUTEX_OP_XOR: *w = old ^ arg; break;
	default: return -ENOSYS;
	}
	int32_t o = (int32_t)old;
	bool pass;
	switch (cmp) {
	case FUTEX_OP_CMP_EQ: pass = o == cmparg; break;
	case FUTEX_OP_CMP_NE: pass = o != cmparg; break;
	case FUTEX_OP_CMP_LT: pass = o < cmparg; break;
	case FUTEX_OP_CMP_LE: pass = o <= cmparg; break;
	case FUTEX_OP_CMP_GT: pass = o > cmparg; break;
	case FUTEX_OP_CMP_GE: pass = o >= cmparg; break;
	default: return -ENOSYS;
	}
	long done = thread_wake(uaddr, FUTEX_BITSET_MATCH_ANY, n);
	if (pass)
		done += thread_wake(uaddr2, FUTEX_BITSET_MATCH_ANY, n2);
	return done;
}

long sys_futex(const struct sys_call *c)
{
	uint64_t uaddr = (uint64_t)c->a[0], uaddr2 = (uint64_t)c->a[4];
	long op = c->a[1], val = c->a[2], err = 0;
	bool shared = !(op & FUTEX_PRIVATE_FLAG);
	long cmd = op & ~(long)(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT_REQUEUE_PI &&
	    cmd != FUTEX_LOCK_PI2)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
		return futex_wait(uaddr, shared, (uint32_t)val, FUTEX_BITSET_MATCH_ANY, (uint64_t)c->a[3], false);
	case FUTEX_WAIT_BITSET:
		return futex_wait(uaddr, shared, (uint32_t)val, (uint32_t)c->a[5], (uint64_t)c->a[3], true);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		if (cmd == FUTEX_WAKE_BITSET && !(uint32_t)c->a[5])
			return -EINVAL;
		if (!futex_key(uaddr, shared, &err))
			return err;
		return thread_wake(uaddr, cmd == FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : (uint32_t)c->a[5], (int)val);
	case FUTEX_WAKE_OP: return futex_wake_op(uaddr, uaddr2, shared, (int)val, (int)c->a[3], (uint32_t)c->a[5]);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		if ((int)val < 0 || (int)c->a[3] < 0)
			return -EINVAL;
		if (!futex_key(uaddr, shared, &err) || !futex_key(uaddr2, shared, &err))
			return err;
		if (cmd == FUTEX_CMP_REQUEUE) {
			if (!user_ok(uaddr, 4))
				return -EFAULT;
			if (*(const uint32_t *)uaddr != (uint32_t)c->a[5])
				return -EAGAIN;
		}
		return thread_requeue(uaddr, uaddr2, (int)val, (int)c->a[3]);
	default: return -ENOSYS;
	}
}

/* nanosleep and clock_nanosleep: the caller waits until the virtual clock
 * reaches the end of its sleep while the other threads run; when none can,
 * the clock jumps there (thread.c). Alone, it jumps at once. A signal
 * ends the sleep with EINTR and the time left in rem (a relative sleep). */
long sys_nanosleep(const struct sys_call *c)
{
	uint64_t at;
	long err = clock_sleep_deadline(CLOCK_MONOTONIC, (const struct __kernel_timespec *)c->a[0], false, &at);
	return err ? err : thread_sleep(at, (uint64_t)c->a[1]);
}

long sys_clock_nanosleep(const struct sys_call *c)
{
	uint64_t at;
	bool absolute = c->a[1] & TIMER_ABSTIME;
	long err = clock_sleep_deadline(c->a[0], (const struct __kernel_timespec *)c->a[2], absolute, &at);
	return err ? err : thread_sleep(at, absolute ? 0 : (uint64_t)c->a[3]);
}

/* wait4 and waitid: there is never a child (ECHILD), once the options and
 * ids have passed Linux's checks (kernel_wait4, kernel_waitid). */
long sys_wait4(const struct sys_call *c)
{
	long pid = c->a[0], options = c->a[2];
	if (options & ~(long)(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH; /* -INT_MIN is no pid */
	return -ECHILD;
}

long sys_waitid(const struct sys_call *c)
{
	long which = c->a[0], pid = c->a[1], options = c->a[3];
	if (options & ~(long)(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	switch (which) {
	case P_ALL: break;
	case P_PID:
		if (pid <= 0)
			return -EINVAL;
		break;
	case P_PGID:
		if (pid < 0)
			return -EINVAL;
		break;
	case P_PIDFD: /* no descriptor is a pidfd */ return pid < 0 ? -EINVAL : -EBADF;
	default: return -EINVAL;
	}
	return -ECHILD;
}
