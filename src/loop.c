/*
 * loop.c - the supervisor's event loop: traps, the sandbox's end, the
 * deadline, the -t 2 tick and stop signals.
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
#include "loop.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tick.h"
#include "trap.h"

/*
 * What the signal handler shares with the loop. A handler cannot be given
 * a context, so this is the supervisor's one piece of static state; it is
 * set before the handlers are installed and reset after they are removed.
 * The flags are written by the handler only and read by the loop; the
 * descriptors and pid are written by the loop only, while every loop
 * signal is blocked.
 */
static struct {
	volatile sig_atomic_t stop_signal; /* SIGTERM, SIGINT or SIGHUP that asked us to stop */
	volatile sig_atomic_t child_ended; /* our sandbox ended (a SIGCHLD about it) */
	volatile sig_atomic_t timed_out;   /* the deadline timer fired */
	volatile sig_atomic_t tick_due;    /* -t 2: the one-second timer fired */
	volatile sig_atomic_t ending;      /* any of the above that ends the session */
	int pidfd, listener, devnull;      /* the sandbox's pidfd, its listener, /dev/null */
	int wake;                          /* eventfd, readable once the session is ending */
	pid_t pid;                         /* the sandbox */
} sig = {.pidfd = -1, .listener = -1, .devnull = -1, .wake = -1, .pid = -1};

/* The session is ending: a trap blocked on a network channel polls sig.wake
 * (channels.wake_fd) and gives up. */
static void ending(void)
{
	sig.ending = 1;
	uint64_t one = 1;
	if (sig.wake >= 0 && write(sig.wake, &one, sizeof one) < 0) {
		/* full (it never is: nobody reads it) or closed: nothing to do */
	}
}

/* Signals that did not come from where we expect (another process sending
 * SIGCHLD or SIGALRM by hand) are ignored: only our child's end and our own
 * timers count. SIGTERM, SIGINT and SIGHUP count from anyone. */
static void on_signal(int signo, siginfo_t *si, void *uc)
{
	(void)uc;
	int e = errno;
	switch (signo) {
	case SIGCHLD:
		if (si->si_pid != sig.pid ||
		    (si->si_code != CLD_EXITED && si->si_code != CLD_KILLED && si->si_code != CLD_DUMPED))
			break;
		sig.child_ended = 1;
		ending();
		if (sig.listener >= 0 && sig.devnull >= 0)
			dup2(sig.devnull, sig.listener);
		break;
	case SIGALRM:
		if (si->si_code != SI_TIMER)
			break;
		sig.timed_out = 1;
		ending();
		syscall(SYS_pidfd_send_signal, sig.pidfd, SIGKILL, NULL, 0);
		break;
	case SIGUSR1:
		if (si->si_code == SI_TIMER)
			sig.tick_due = 1;
		break;
	default:
		sig.stop_signal = signo;
		ending();
		syscall(SYS_pidfd_send_signal, sig.pidfd, SIGKILL, NULL, 0);
		break;
	}
	errno = e;
}

static const int loop_signals[] = {SIGCHLD, SIGALRM, SIGUSR1, SIGTERM, SIGINT, SIGHUP};

void loop_block_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof loop_signals / sizeof loop_signals[0]; i++)
		sigaddset(&set, loop_signals[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* The listener's ioctls through syscall(): C libraries disagree on the type
 * of ioctl's request (musl: int, glibc: unsigned long), and these requests
 * have the top bit set. */
static int notif_ioctl(int fd, unsigned long request, void *arg)
{
	return (int)syscall(SYS_ioctl, fd, request, arg);
}

/* Collect the sandbox: its CPU times and how it ended. */
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
	s->sys_time = timeval_seconds(ru.ru_stime) + timeval_seconds(self.ru_stime);
	s->user_time = timeval_seconds(ru.ru_utime) + timeval_seconds(self.ru_utime);
	s->peak_rss = (int64_t)ru.ru_maxrss * 1024;

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

/* The timers of one session. */
struct timers {
	timer_t deadline, tick;
	bool have_deadline, have_tick;
};

/* Handlers and timers in place, then every loop signal unblocked. false
 * (recorded in s->err, the sandbox killed) when there can be no timeout or
 * no safe wake-up. */
static bool arm(struct session *s, struct timers *t)
{
	/* A fresh session: a daemon's request runs in a copy of a process
	 * that already ran one (daemon.c), with these flags set. */
	sig.stop_signal = sig.child_ended = sig.timed_out = sig.tick_due = sig.ending = 0;
	sig.pidfd = s->sb.pidfd;
	sig.pid = s->sb.pid;
	sig.listener = s->sb.listener;
	sig.devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	sig.wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s->cs.stop = &sig.ending;
	s->cs.wake_fd = sig.wake;
	struct sigaction sa = {.sa_sigaction = on_signal, .sa_flags = SA_SIGINFO | SA_NOCLDSTOP};
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof loop_signals / sizeof loop_signals[0]; i++)
		sigaction(loop_signals[i], &sa, NULL);

	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM};
	struct itimerspec at = {
		.it_value = {.tv_sec = s->deadline_ms / 1000, .tv_nsec = s->deadline_ms % 1000 * 1000000}};
	t->have_deadline = timer_create(CLOCK_MONOTONIC, &ev, &t->deadline) == 0 &&
			   timer_settime(t->deadline, TIMER_ABSTIME, &at, NULL) == 0;
	int e = errno;
	if (s->report_mode == 2) {
		struct sigevent ev2 = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
		struct itimerspec every = {.it_value = {1, 0}, .it_interval = {1, 0}};
		t->have_tick = timer_create(CLOCK_MONOTONIC, &ev2, &t->tick) == 0;
		if (t->have_tick)
			timer_settime(t->tick, 0, &every, NULL);
	}
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (t->have_deadline && sig.devnull >= 0)
		return true;
	/* Without the timer there is no timeout; without /dev/null a signal
	 * just before a receive could leave us waiting. */
	zvm_fail(&s->err, ZVM_EXIT_NOMEM, "supervisor: cannot %s: %s",
		 t->have_deadline ? "open /dev/null" : "arm the timeout", strerror(t->have_deadline ? errno : e));
	sandbox_kill(&s->sb);
	return false;
}

/* Undo arm(): signals blocked again and back to their defaults. */
static void disarm(struct session *s, struct timers *t)
{
	loop_block_signals();
	if (t->have_tick)
		timer_delete(t->tick);
	if (t->have_deadline)
		timer_delete(t->deadline);
	sig.listener = sig.pidfd = -1;
	sig.pid = -1;
	s->cs.stop = NULL;
	s->cs.wake_fd = -1;
	if (sig.devnull >= 0)
		close(sig.devnull);
	if (sig.wake >= 0)
		close(sig.wake);
	sig.devnull = sig.wake = -1;
	for (size_t i = 0; i < sizeof loop_signals / sizeof loop_signals[0]; i++)
		signal(loop_signals[i], SIG_DFL);
}

/* Receive one notification into req. true: there is one to serve; false:
 * the loop is over (the sandbox ended, or the listener broke). */
static bool receive(struct session *s, struct seccomp_notif *req, size_t size)
{
	int listener = s->sb.listener;
	for (;;) {
		if (sig.child_ended)
			return false;
		if (sig.tick_due) {
			sig.tick_due = 0;
			tick_report(s);
		}
		memset(req, 0, size);
		if (notif_ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) == 0)
			return true;
		if (errno == EINTR)
			continue; /* a signal: the flags decide */
		if (errno != ENOENT)
			return false; /* listener replaced (sandbox ended) or broken */
		/* ENOENT: the sandbox is going away (the filter has no task
		 * left, or the trap's caller died). The receive would fail at
		 * once again: wait for the end instead of spinning, which would
		 * steal the CPU its exit needs. */
		struct pollfd pf[2] = {{.fd = listener, .events = POLLIN}, {.fd = s->sb.pidfd, .events = POLLIN}};
		if (poll(pf, 2, -1) > 0 && (pf[0].revents & POLLIN))
			continue;
		while (!sig.child_ended && poll(&pf[1], 1, -1) < 0 && errno == EINTR)
			;
		return false;
	}
}

void loop_serve(struct session *s)
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

	struct timers t = {0};
	bool armed = arm(s, &t);
	while (armed && s->sb.listener >= 0 && receive(s, req, sz.seccomp_notif)) {
		uint64_t a[TRAP_ARGS_MAX];
		double start = s->trace.f ? session_now() : 0;
		int64_t rc = trap_call(s, req->data.args[0], a);
		if (s->exited_by_trap) {
			/* zvm_exit ends the session whatever the program does
			 * next: it is killed, not answered, and the trap's code
			 * is the user return code (reap() knows). */
			sandbox_kill(&s->sb);
			if (s->trace.f)
				trace_call(&s->trace, a, (int32_t)a[2], start, session_now(), s->t0);
			continue;
		}
		memset(resp, 0, sz.seccomp_notif_resp);
		resp->id = req->id;
		resp->val = rc;
		notif_ioctl(s->sb.listener, SECCOMP_IOCTL_NOTIF_SEND, resp); /* ENOENT: it died */
		if (s->trace.f)
			trace_call(&s->trace, a, rc, start, session_now(), s->t0);
	}
	/* The loop also ends if the listener broke without the sandbox ending:
	 * make sure it ends, then collect it. */
	if (!sig.child_ended)
		sandbox_kill(&s->sb);
	if (sig.stop_signal)
		zvm_fail(&s->err, ZVM_EXIT_SIGNAL, "Signal %d from trusted code: session stopped",
			 (int)sig.stop_signal);
	else if (sig.timed_out)
		zvm_fail(&s->err, ZVM_EXIT_SIGNAL, "session timeout");
	reap(s);
	disarm(s, &t);
	free(req);
	free(resp);
}
