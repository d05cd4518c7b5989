/*
 * trap.c - the supervisor's event loop and the six trap calls.
 *
 * A notification is one trap: its argument is a pointer to the guest's
 * uint64_t args[]; we read them through our mapping of guest memory, check
 * everything (ZEROVM.md section 3), do the work and answer with the return
 * value. The guest is single-threaded and blocked while we work, so nothing
 * changes under us.
 *
 * The loop blocks in SECCOMP_IOCTL_NOTIF_RECV itself: two system calls per
 * trap (receive, send) instead of three with a poll() in front, about 1 us
 * less per trap (docs/performance.md). Everything else arrives as a signal
 * that interrupts the receive (no SA_RESTART):
 *   SIGCHLD   the sandbox ended
 *   SIGALRM   the deadline (a CLOCK_MONOTONIC timer) passed: kill it
 *   SIGUSR1   -t 2: time for the once-a-second accounting line
 *   SIGTERM, SIGINT, SIGHUP   stop the session: kill it
 * A signal can land just before we enter the receive and would then be
 * lost; so the SIGCHLD handler also dup2()s /dev/null over the listener's
 * descriptor number, which makes every later receive fail at once. All
 * signals are blocked until the loop starts, so none is missed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../include/zvm.h"
#include "out.h"
#include "session.h"

static volatile sig_atomic_t stop_signal; /* a signal asked the supervisor to stop */
static volatile sig_atomic_t child_ended, timed_out, fast_due;
static volatile sig_atomic_t ending; /* any of the above that ends the session */
static int sig_pidfd = -1, sig_listener = -1, sig_null = -1;
static pid_t sig_pid = -1;

/* Signals that did not come from where we expect (another process sending
 * SIGCHLD or SIGALRM by hand) are ignored: only our child's end and our own
 * timers count. SIGTERM, SIGINT and SIGHUP count from anyone. */
static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	int e = errno;
	switch (sig) {
	case SIGCHLD:
		if (si->si_pid != sig_pid || (si->si_code != CLD_EXITED && si->si_code != CLD_KILLED &&
					       si->si_code != CLD_DUMPED))
			break;
		child_ended = ending = 1;
		if (sig_listener >= 0 && sig_null >= 0)
			dup2(sig_null, sig_listener);
		break;
	case SIGALRM:
		if (si->si_code != SI_TIMER)
			break;
		timed_out = ending = 1;
		syscall(SYS_pidfd_send_signal, sig_pidfd, SIGKILL, NULL, 0);
		break;
	case SIGUSR1:
		if (si->si_code == SI_TIMER)
			fast_due = 1;
		break;
	default:
		stop_signal = sig;
		ending = 1;
		syscall(SYS_pidfd_send_signal, sig_pidfd, SIGKILL, NULL, 0);
		break;
	}
	errno = e;
}

static const int loop_signals[] = {SIGCHLD, SIGALRM, SIGUSR1, SIGTERM, SIGINT, SIGHUP};

void trap_block_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof loop_signals / sizeof loop_signals[0]; i++)
		sigaddset(&set, loop_signals[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

double session_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static unsigned trap_argc(uint64_t id)
{
	switch (id) {
	case TrapRead:
	case TrapWrite: return 6;
	case TrapJail:
	case TrapUnjail: return 4;
	case TrapExit: return 3;
	default: return 2;
	}
}

/* pread and pwrite: the handle, then the buffer, then channel_check()'s
 * rules (docs/traps.md). The buffer is checked before its size, as the
 * original did: a call of size 0 (or less) must still name a byte the
 * program may write (pread) or read (pwrite), so pread(h, NULL, 0, 0) is
 * -EINVAL. */
static int64_t trap_io(struct session *s, const uint64_t *a, bool write)
{
	int32_t h = (int32_t)a[2];
	uint64_t buf = a[3];
	int32_t size = (int32_t)a[4];
	int64_t off = (int64_t)a[5];
	if (h < 0 || (uint32_t)h >= s->cs.n)
		return -EINVAL;
	if (!guest_range_ok(&s->g, buf, size > 0 ? (uint64_t)size : 1, !write))
		return -EINVAL;
	struct channel *c = &s->cs.ch[h];
	if (!write)
		return channel_read(&s->cs, c, s->g.base + buf, size, off);
	int32_t r = channel_write(&s->cs, c, s->g.base + buf, size, off, &s->copts);
	if (r == CHANNEL_FSIZE_EXCEEDED) {
		zvm_fail(&s->err, ZVM_EXIT_SIGNAL, "disk quota exceeded");
		sandbox_kill(&s->sb);
		return -EDQUOT;
	}
	return r;
}

static int64_t trap_call(struct session *s, uint64_t argp, uint64_t *a)
{
	memset(a, 0, 6 * sizeof *a);
	if (!guest_range_ok(&s->g, argp, 2 * sizeof *a, false))
		return -EFAULT;
	memcpy(a, s->g.base + argp, 2 * sizeof *a);
	unsigned n = trap_argc(a[0]);
	if (!guest_range_ok(&s->g, argp, n * sizeof *a, false))
		return -EFAULT;
	memcpy(a, s->g.base + argp, n * sizeof *a);

	switch (a[0]) {
	case TrapRead: return trap_io(s, a, false);
	case TrapWrite: return trap_io(s, a, true);
	case TrapJail:
	case TrapUnjail: return guest_jail(&s->g, a[2], (int32_t)a[3], a[0] == TrapJail);
	case TrapExit:
		s->user_code = (int32_t)a[2];
		s->exited_by_trap = true;
		return 0; /* trap_serve ends the session */
	case TrapFork:
		/* Daemon mode needs a Job socket (not implemented yet); without
		 * one fork does nothing, as in ZeroVM. */
		return s->m.job ? -ENOSYS : 0;
	default: return -EPERM;
	}
}

static double seconds(struct timeval t)
{
	return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

static void reap(struct session *s)
{
	siginfo_t info;
	struct rusage ru;
	memset(&info, 0, sizeof info);
	memset(&ru, 0, sizeof ru);
	while (syscall(SYS_waitid, P_PIDFD, s->sb.pidfd, &info, WEXITED, &ru) < 0 && errno == EINTR)
		;
	struct rusage self;
	getrusage(RUSAGE_SELF, &self);
	s->sys_time = seconds(ru.ru_stime) + seconds(self.ru_stime);
	s->user_time = seconds(ru.ru_utime) + seconds(self.ru_utime);

	if (s->exited_by_trap)
		return; /* killed by us after zvm_exit: a normal end */
	if (info.si_code == CLD_EXITED) {
		s->user_code = info.si_status;
		return;
	}
	/* Killed: by us (the reason is already recorded) or by its own fault. */
	zvm_fail(&s->err, ZVM_EXIT_SIGNAL, "Signal %d from untrusted code: %s", info.si_status,
		 strsignal(info.si_status));
}

/* CPU time so far: ours from getrusage, the sandbox's from its
 * /proc/<pid>/stat (utime and stime, fields 14 and 15, in clock ticks). */
static void cpu_so_far(struct session *s)
{
	struct rusage self;
	getrusage(RUSAGE_SELF, &self);
	double user = seconds(self.ru_utime), sys = seconds(self.ru_stime);
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)s->sb.pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	if (fd >= 0)
		close(fd);
	const char *p = n > 0 ? (buf[n] = 0, strrchr(buf, ')')) : NULL;
	unsigned long long ut, st;
	/* after ")": state ppid pgrp session tty tpgid flags minflt cminflt
	 * majflt cmajflt utime stime */
	if (p && sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) == 2) {
		long hz = sysconf(_SC_CLK_TCK);
		user += (double)ut / (double)hz;
		sys += (double)st / (double)hz;
	}
	s->user_time = user;
	s->sys_time = sys;
}

static void fast_report(struct session *s)
{
	char line[256];
	cpu_so_far(s);
	report_accounting(s, line, sizeof line);
	size_t n = strlen(line);
	line[n++] = '\n';
	/* Bounded: a reader that stops reading must not hold the loop. */
	if (out_write(STDOUT_FILENO, line, n, s->deadline_ms) == 0)
		s->cs.stdout_last = '\n';
}

void trap_serve(struct session *s)
{
	struct seccomp_notif_sizes sz;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0) {
		sz.seccomp_notif = sizeof(struct seccomp_notif);
		sz.seccomp_notif_resp = sizeof(struct seccomp_notif_resp);
	}
	/* The kernel's structs may be larger than our headers' (newer kernel). */
	struct seccomp_notif *req = calloc(1, sz.seccomp_notif > sizeof *req ? sz.seccomp_notif : sizeof *req);
	struct seccomp_notif_resp *resp =
		calloc(1, sz.seccomp_notif_resp > sizeof *resp ? sz.seccomp_notif_resp : sizeof *resp);
	if (!req || !resp) {
		zvm_fail(&s->err, ZVM_EXIT_NOMEM, "supervisor: out of memory");
		sandbox_kill(&s->sb);
		reap(s);
		free(req), free(resp);
		return;
	}

	sig_pidfd = s->sb.pidfd;
	sig_pid = s->sb.pid;
	s->cs.stop = &ending;
	sig_listener = s->sb.listener;
	sig_null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	struct sigaction sa = {.sa_sigaction = on_signal, .sa_flags = SA_SIGINFO | SA_NOCLDSTOP};
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof loop_signals / sizeof loop_signals[0]; i++)
		sigaction(loop_signals[i], &sa, NULL);

	timer_t deadline = 0, tick = 0;
	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM};
	struct itimerspec at = {.it_value = {.tv_sec = s->deadline_ms / 1000, .tv_nsec = s->deadline_ms % 1000 * 1000000}};
	bool have_deadline = timer_create(CLOCK_MONOTONIC, &ev, &deadline) == 0 &&
			     timer_settime(deadline, TIMER_ABSTIME, &at, NULL) == 0;
	if (s->report_mode == 2) {
		struct sigevent ev2 = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
		struct itimerspec every = {.it_value = {1, 0}, .it_interval = {1, 0}};
		if (timer_create(CLOCK_MONOTONIC, &ev2, &tick) == 0)
			timer_settime(tick, 0, &every, NULL);
	}
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (!have_deadline || sig_null < 0) {
		/* Without the timer there is no timeout; without /dev/null a
		 * signal just before a receive could leave us waiting. */
		zvm_fail(&s->err, ZVM_EXIT_NOMEM, "supervisor: cannot %s: %s",
			 have_deadline ? "open /dev/null" : "arm the timeout", strerror(errno));
		sandbox_kill(&s->sb);
	}

	int listener = s->sb.listener;
	while (listener >= 0 && !child_ended) {
		if (fast_due) {
			fast_due = 0;
			fast_report(s);
		}
		memset(req, 0, sz.seccomp_notif);
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
			if (errno == EINTR)
				continue; /* a signal: the loop condition decides */
			if (errno != ENOENT)
				break; /* listener replaced (sandbox ended) or broken */
			/* ENOENT: the sandbox is going away (the filter has no
			 * task left, or the trap's caller died). The receive
			 * would fail at once again: wait for the end instead of
			 * spinning, which would steal the CPU its exit needs. */
			struct pollfd pf[2] = {{.fd = listener, .events = POLLIN}, {.fd = s->sb.pidfd, .events = POLLIN}};
			if (poll(pf, 2, -1) > 0 && (pf[0].revents & POLLIN))
				continue;
			while (!child_ended && poll(&pf[1], 1, -1) < 0 && errno == EINTR)
				;
			break;
		}
		uint64_t a[6];
		double t = s->trace.f ? session_now() : 0;
		int64_t rc = trap_call(s, req->data.args[0], a);
		if (s->exited_by_trap) {
			/* zvm_exit ends the session whatever the program does
			 * next: it is killed, not answered, and the trap's code
			 * is the user return code (reap() knows). */
			sandbox_kill(&s->sb);
			if (s->trace.f)
				trace_call(&s->trace, a, (int32_t)a[2], t, session_now(), s->t0);
			continue;
		}
		memset(resp, 0, sz.seccomp_notif_resp);
		resp->id = req->id;
		resp->val = rc;
		ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp); /* ENOENT: it died */
		if (s->trace.f)
			trace_call(&s->trace, a, rc, t, session_now(), s->t0);
	}
	/* The loop also ends if the listener broke without the sandbox ending:
	 * make sure it ends, then collect it. */
	if (!child_ended)
		sandbox_kill(&s->sb);
	if (stop_signal)
		zvm_fail(&s->err, ZVM_EXIT_SIGNAL, "Signal %d from trusted code: session stopped", (int)stop_signal);
	else if (timed_out)
		zvm_fail(&s->err, ZVM_EXIT_SIGNAL, "session timeout");
	reap(s);

	trap_block_signals();
	if (tick)
		timer_delete(tick);
	if (have_deadline)
		timer_delete(deadline);
	sig_listener = sig_pidfd = -1;
	s->cs.stop = NULL;
	if (sig_null >= 0)
		close(sig_null);
	for (size_t i = 0; i < sizeof loop_signals / sizeof loop_signals[0]; i++)
		signal(loop_signals[i], SIG_DFL);
	free(req);
	free(resp);
}
