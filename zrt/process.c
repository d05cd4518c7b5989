/*
 * process.c - one process, one thread: fork and threads fail as on a
 * Linux that may not create another process, a futex wait could never be
 * woken, and the exit calls end the session (exit.c).
 */
#include <linux/futex.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/wait.h>

#include "exit.h"
#include "log.h"
#include "syscall.h"
#include "user.h"
#include "zrt.h"

/* clone, clone3, fork, vfork: EAGAIN, what Linux gives a process that may
 * not create another (RLIMIT_NPROC 0), and one line in the debug log
 * ([debug] verbosity 1) saying which program act it was. */
static long no_process(uint64_t flags)
{
	const char *what = (flags & CLONE_THREAD)  ? "pthread_create (clone of a thread): a sandbox runs one thread"
			   : (flags & CLONE_VFORK) ? "posix_spawn, system or popen (vfork): a sandbox runs one process"
						   : "fork: a sandbox runs one process";
	log_line(1, "zrt: %s (EAGAIN)", what);
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
	return no_process(user_ok((uint64_t)c->a[0], 8) ? *(const uint64_t *)c->a[0] : 0);
}

/* exit and exit_group: write access=wo images back, then end the session. */
long sys_exit(const struct sys_call *c)
{
	exit_session((int)(c->a[0] & 0xff));
}

/* futex: one thread, so no waiter is ever woken or requeued (0) and a
 * wait whose value matches could only time out. Linux's checks stay: an
 * address not 4-byte aligned is EINVAL, and one that cannot be read is
 * EFAULT where the kernel reads it (a wait, a compare, a shared futex's
 * key); a zero bitset, negative counts EINVAL; other commands ENOSYS. */
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
	case FUTEX_WAIT_BITSET:
		if (cmd == FUTEX_WAIT_BITSET && !(uint32_t)c->a[5])
			return -EINVAL;
		if (!futex_key(uaddr, shared, &err))
			return err;
		if (!user_ok(uaddr, 4))
			return -EFAULT;
		return *(const uint32_t *)uaddr != (uint32_t)val ? -EAGAIN
								 : -ETIMEDOUT; /* no other thread can wake it */
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		if (cmd == FUTEX_WAKE_BITSET && !(uint32_t)c->a[5])
			return -EINVAL;
		return futex_key(uaddr, shared, &err) ? 0 : err;
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
		return 0;
	default: return -ENOSYS;
	}
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
