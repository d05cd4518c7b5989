/*
 * signals.c - conformance rows for signals a program sends itself:
 * handlers run synchronously, masks, pending signals, flags, the
 * alternate stack, siginfo, longjmp out of a handler, abort, default
 * actions.
 *
 * Handlers print what they see as they run, so the order of the lines is
 * part of what is compared. Left out: signals from outside (the sandbox
 * has no other process), real faults (SIGSEGV, SIGFPE: the runtime does not
 * hand them to the program's handlers), SIGSTOP and the stop signals,
 * kill(0) and kill(-1) (natively they reach the test runner too).
 */
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <ucontext.h>

#include "groups.h"

static volatile int hits, depth, maxdepth, entries;

static const char *signame(int s)
{
	switch (s) {
	case SIGUSR1: return "SIGUSR1";
	case SIGUSR2: return "SIGUSR2";
	case SIGTERM: return "SIGTERM";
	case SIGABRT: return "SIGABRT";
	case SIGPIPE: return "SIGPIPE";
	case SIGALRM: return "SIGALRM";
	case SIGHUP: return "SIGHUP";
	default: {
		static char b[16];
		snprintf(b, sizeof b, "SIG%d", s);
		return b;
	}
	}
}

static int blocked(int s)
{
	sigset_t cur;
	sigprocmask(SIG_BLOCK, 0, &cur);
	return sigismember(&cur, s);
}

static void on_sig(int s)
{
	hits++;
	say("  handler %s (USR1 blocked %d, USR2 blocked %d)", signame(s), blocked(SIGUSR1), blocked(SIGUSR2));
}

static void on_info(int s, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	hits++;
	say("  handler %s: si_signo %s si_code %s si_pid==getpid %d si_uid==getuid %d uc_sigmask has USR2 %d",
	    signame(s), signame(si->si_signo),
	    si->si_code == SI_USER    ? "SI_USER"
	    : si->si_code == SI_TKILL ? "SI_TKILL"
	    : si->si_code == SI_QUEUE ? "SI_QUEUE"
				      : "other",
	    si->si_pid == getpid(), si->si_uid == getuid(), sigismember(&uc->uc_sigmask, SIGUSR2));
	if (si->si_code == SI_QUEUE)
		say("  si_value %d", si->si_value.sival_int);
}

static void on_nest(int s)
{
	depth++;
	if (depth > maxdepth)
		maxdepth = depth;
	say("  enter %s depth %d", signame(s), depth);
	if (++entries < 3)
		raise(s);
	say("  leave %s depth %d", signame(s), depth);
	depth--;
}

static int act(int s, void (*h)(int), int flags, int maskedsig)
{
	struct sigaction sa = {0};
	sa.sa_handler = h;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (maskedsig)
		sigaddset(&sa.sa_mask, maskedsig);
	return sigaction(s, &sa, 0);
}

static int actinfo(int s)
{
	struct sigaction sa = {0};
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	return sigaction(s, &sa, 0);
}

static int mask(int how, int s1, int s2)
{
	sigset_t set;
	sigemptyset(&set);
	if (s1)
		sigaddset(&set, s1);
	if (s2)
		sigaddset(&set, s2);
	return sigprocmask(how, &set, 0);
}

static void pending(const char *name)
{
	sigset_t p;
	sigemptyset(&p);
	ROW(name, sigpending(&p));
	say("  pending USR1 %d USR2 %d TERM %d RTMIN %d", sigismember(&p, SIGUSR1), sigismember(&p, SIGUSR2),
	    sigismember(&p, SIGTERM), sigismember(&p, SIGRTMIN));
}

void group_signals(void)
{
	ROW("sigaction SIGUSR1", act(SIGUSR1, on_sig, 0, 0));
	ROW("raise SIGUSR1", raise(SIGUSR1));
	say("hits %d", hits);
	ROW("kill self SIGUSR1", kill(getpid(), SIGUSR1));
	ROW("tgkill self SIGUSR1", syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1));
	ROW("tkill self SIGUSR1", syscall(SYS_tkill, syscall(SYS_gettid), SIGUSR1));
	say("hits %d", hits);
	ROW("sigaction SIGUSR1 SA_SIGINFO", actinfo(SIGUSR1));
	ROW("kill self", kill(getpid(), SIGUSR1));
	ROW("tgkill self", syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1));
	ROW("raise", raise(SIGUSR1));
	ROW("sigqueue self", sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 42}));
	ROW("block SIGUSR2", mask(SIG_BLOCK, SIGUSR2, 0));
	ROW("kill self with USR2 blocked", kill(getpid(), SIGUSR1));
	ROW("unblock SIGUSR2", mask(SIG_UNBLOCK, SIGUSR2, 0));
	struct sigaction old;
	ROW("sigaction query", sigaction(SIGUSR1, 0, &old));
	say("  SA_SIGINFO %d handler is ours %d", !!(old.sa_flags & SA_SIGINFO), old.sa_sigaction == on_info);
	ROW("sigaction SIG_IGN", act(SIGUSR1, SIG_IGN, 0, 0));
	hits = 0;
	ROW("raise an ignored signal", raise(SIGUSR1));
	say("hits %d", hits);
	ROW("raise SIGCHLD (default: ignore)", raise(SIGCHLD));
	ROW("raise SIGWINCH (default: ignore)", raise(SIGWINCH));
	ROW("raise SIGURG (default: ignore)", raise(SIGURG));
	ROW("sigaction SIGKILL", act(SIGKILL, on_sig, 0, 0));
	ROW("sigaction SIGSTOP", act(SIGSTOP, on_sig, 0, 0));
	ROW("sigaction signal 0", act(0, on_sig, 0, 0));
	ROW("sigaction signal 65", syscall(SYS_rt_sigaction, 65, 0, &old, 8));
	ROW("rt_sigaction bad sigsetsize", syscall(SYS_rt_sigaction, SIGUSR1, 0, &old, 4));
	ROW("sigaction query SIGKILL", sigaction(SIGKILL, 0, &old));
	ROW("kill self bad signal", kill(getpid(), 99));
	ROW("raise bad signal", raise(-1));
	ROW("tgkill wrong tgid", syscall(SYS_tgkill, 0x3fffffff, syscall(SYS_gettid), SIGUSR1));
	ROW("tgkill tid 0", syscall(SYS_tgkill, getpid(), 0, SIGUSR1));
}

void group_sigmask(void)
{
	act(SIGUSR1, on_sig, 0, 0);
	act(SIGUSR2, on_sig, 0, 0);
	ROW("block SIGUSR1", mask(SIG_BLOCK, SIGUSR1, 0));
	ROW("raise blocked SIGUSR1", raise(SIGUSR1));
	ROW("raise blocked SIGUSR1 again", raise(SIGUSR1));
	say("hits %d", hits);
	pending("sigpending");
	ROW("unblock SIGUSR1 (delivered now, once)", mask(SIG_UNBLOCK, SIGUSR1, 0));
	say("hits %d", hits);
	pending("sigpending");
	ROW("block USR1 and USR2", mask(SIG_BLOCK, SIGUSR1, SIGUSR2));
	raise(SIGUSR2);
	raise(SIGUSR1);
	pending("sigpending");
	ROW("unblock both at once", mask(SIG_UNBLOCK, SIGUSR1, SIGUSR2));
	ROW("SIG_SETMASK USR1", mask(SIG_SETMASK, SIGUSR1, 0));
	raise(SIGUSR1);
	ROW("SIG_SETMASK empty", mask(SIG_SETMASK, 0, 0));
	ROW("sigprocmask bad how", mask(7, SIGUSR1, 0));
	ROW("rt_sigprocmask bad size", syscall(SYS_rt_sigprocmask, SIG_BLOCK, 0, 0, 4));
	sigset_t all, got;
	sigfillset(&all);
	ROW("block everything", sigprocmask(SIG_SETMASK, &all, 0));
	sigprocmask(SIG_SETMASK, 0, &got);
	say("  KILL blocked %d STOP blocked %d USR1 blocked %d", sigismember(&got, SIGKILL), sigismember(&got, SIGSTOP),
	    sigismember(&got, SIGUSR1));
	raise(SIGTERM);
	pending("SIGTERM pending while blocked");
	ROW("ignore SIGTERM while it is pending", act(SIGTERM, SIG_IGN, 0, 0));
	pending("sigpending after SIG_IGN");
	act(SIGTERM, SIG_DFL, 0, 0);
	ROW("unblock everything", sigprocmask(SIG_SETMASK, &(sigset_t){0}, 0));
	struct sigaction sa = {0};
	sa.sa_handler = on_sig;
	sigaction(SIGRTMIN, &sa, 0);
	mask(SIG_BLOCK, SIGRTMIN, 0);
	raise(SIGRTMIN);
	raise(SIGRTMIN);
	raise(SIGRTMIN);
	pending("three SIGRTMIN blocked");
	hits = 0;
	ROW("unblock SIGRTMIN (queued: three)", mask(SIG_UNBLOCK, SIGRTMIN, 0));
	say("hits %d", hits);
	mask(SIG_BLOCK, SIGUSR1, 0);
	raise(SIGUSR1);
	hits = 0;
	sigset_t none;
	sigemptyset(&none);
	ROW("sigsuspend with USR1 pending", sigsuspend(&none));
	say("hits %d, USR1 blocked again %d", hits, blocked(SIGUSR1));
	mask(SIG_SETMASK, 0, 0);
}

void group_sigflags(void)
{
	ROW("SA_RESETHAND", act(SIGUSR1, on_sig, SA_RESETHAND, 0));
	ROW("raise", raise(SIGUSR1));
	struct sigaction old;
	sigaction(SIGUSR1, 0, &old);
	say("  handler after SA_RESETHAND is SIG_DFL %d", old.sa_handler == SIG_DFL);
	ROW("nesting without SA_NODEFER", act(SIGUSR1, on_nest, 0, 0));
	raise(SIGUSR1);
	say("max depth %d", maxdepth);
	maxdepth = 0, entries = 0;
	ROW("nesting with SA_NODEFER", act(SIGUSR1, on_nest, SA_NODEFER, 0));
	raise(SIGUSR1);
	say("max depth %d", maxdepth);
	ROW("sa_mask USR2", act(SIGUSR1, on_sig, 0, SIGUSR2));
	act(SIGUSR2, on_sig, 0, 0);
	raise(SIGUSR1);
	say("after: USR1 blocked %d USR2 blocked %d", blocked(SIGUSR1), blocked(SIGUSR2));
	ROW("SA_NODEFER with sa_mask USR2", act(SIGUSR1, on_sig, SA_NODEFER, SIGUSR2));
	raise(SIGUSR1);
	ROW("SA_RESTART|SA_SIGINFO", actinfo(SIGUSR1));
	ROW("block USR2, then raise", mask(SIG_BLOCK, SIGUSR2, 0));
	raise(SIGUSR1);
	mask(SIG_UNBLOCK, SIGUSR2, 0);
	act(SIGUSR1, SIG_DFL, 0, 0);
}

static char altstack[65536] __attribute__((aligned(16)));

static void on_alt(int s)
{
	char here;
	stack_t cur;
	sigaltstack(0, &cur);
	say("  handler %s on the alternate stack %d, SS_ONSTACK %d", signame(s),
	    &here >= altstack && &here < altstack + sizeof altstack, !!(cur.ss_flags & SS_ONSTACK));
}

void group_altstack(void)
{
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0}, old;
	ROW("sigaltstack query", sigaltstack(0, &old));
	say("  disabled %d", !!(old.ss_flags & SS_DISABLE));
	ROW("sigaltstack set", sigaltstack(&ss, 0));
	ROW("sigaltstack query", sigaltstack(0, &old));
	say("  ours %d flags %d", old.ss_sp == altstack && old.ss_size == sizeof altstack, old.ss_flags);
	ROW("sigaltstack too small", sigaltstack(&(stack_t){.ss_sp = altstack, .ss_size = 100}, 0));
	ROW("sigaltstack bad flags",
	    sigaltstack(&(stack_t){.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 8}, 0));
	ROW("SA_ONSTACK handler", act(SIGUSR1, on_alt, SA_ONSTACK, 0));
	raise(SIGUSR1);
	ROW("handler without SA_ONSTACK", act(SIGUSR1, on_alt, 0, 0));
	raise(SIGUSR1);
	ROW("sigaltstack SS_DISABLE", sigaltstack(&(stack_t){.ss_flags = SS_DISABLE}, 0));
	act(SIGUSR1, on_alt, SA_ONSTACK, 0);
	raise(SIGUSR1);
}

/* The self-pipe pattern: the handler writes a byte, the main loop polls. */
static int selfpipe[2];

static void on_pipe(int s)
{
	char c = (char)s;
	write(selfpipe[1], &c, 1);
}

void group_selfpipe(void)
{
	ROW("pipe2 O_NONBLOCK", pipe2(selfpipe, O_NONBLOCK | O_CLOEXEC));
	act(SIGUSR1, on_pipe, 0, 0);
	act(SIGUSR2, on_pipe, 0, 0);
	struct pollfd p = {selfpipe[0], POLLIN, 0};
	ROW("poll before any signal", poll(&p, 1, 0));
	raise(SIGUSR1);
	kill(getpid(), SIGUSR2);
	ROW("poll after two signals", poll(&p, 1, 0));
	say("  revents IN %d", !!(p.revents & POLLIN));
	char b[8];
	ROW("read the bytes", read(selfpipe[0], b, sizeof b));
	say("  signals %d %d", b[0], b[1]);
	ROW("read again", read(selfpipe[0], b, sizeof b));
	ROW("poll after draining", poll(&p, 1, 0));
}

static sigjmp_buf sjb;
static jmp_buf jb;

static void on_jump(int s)
{
	say("  handler %s jumps", signame(s));
	siglongjmp(sjb, s);
}

static void on_plainjump(int s)
{
	say("  handler %s jumps (longjmp)", signame(s));
	longjmp(jb, s);
}

void group_sigjmp(void)
{
	act(SIGUSR1, on_jump, 0, 0);
	int r = sigsetjmp(sjb, 1);
	if (r == 0) {
		raise(SIGUSR1);
		say("not reached");
	}
	say("sigsetjmp returned %s, USR1 blocked after siglongjmp %d", signame(r), blocked(SIGUSR1));
	act(SIGUSR1, on_plainjump, 0, 0);
	r = setjmp(jb);
	if (r == 0) {
		raise(SIGUSR1);
		say("not reached");
	}
	say("setjmp returned %s, USR1 blocked after longjmp %d", signame(r), blocked(SIGUSR1));
	mask(SIG_SETMASK, 0, 0);
	/* Floating point state survives a handler. */
	act(SIGUSR1, on_sig, 0, 0);
	volatile double x = 1.25;
	double y = x * 3;
	raise(SIGUSR1);
	y += x;
	say("floating point after a handler %.4f", y);
	probe_calls += 4;
}

static void on_abrt(int s)
{
	say("  handler %s returns", signame(s));
}

/* Groups that end by a signal print their count first. */
static void last_call(const char *what)
{
	probe_calls++;
	say("calls %d", probe_calls);
	say("%s", what);
}

void group_abort(void)
{
	ROW("sigaction SIGABRT", act(SIGABRT, on_abrt, 0, 0));
	last_call("abort with a handler that returns");
	abort();
}

static void on_abrt_jump(int s)
{
	say("  handler %s jumps out of abort", signame(s));
	siglongjmp(sjb, 1);
}

void group_abort_jump(void)
{
	ROW("sigaction SIGABRT", act(SIGABRT, on_abrt_jump, 0, 0));
	if (sigsetjmp(sjb, 1) == 0) {
		abort();
		say("not reached");
	}
	probe_calls++;
	say("after abort: SIGABRT blocked %d", blocked(SIGABRT));
	struct sigaction old;
	ROW("sigaction query", sigaction(SIGABRT, 0, &old));
	say("  handler still ours %d", old.sa_handler == on_abrt_jump);
}

void group_sigterm(void)
{
	last_call("raise SIGTERM, default action");
	raise(SIGTERM);
	say("not reached");
}

void group_sigpipe(void)
{
	int p[2];
	ROW("pipe", pipe(p));
	ROW("close the read end", close(p[0]));
	last_call("write with no reader, SIGPIPE default");
	write(p[1], "x", 1);
	say("not reached");
}

void group_sigpipe_handled(void)
{
	int p[2];
	act(SIGPIPE, on_sig, 0, 0);
	ROW("pipe", pipe(p));
	ROW("close the read end", close(p[0]));
	ROW("write with no reader, SIGPIPE handled", write(p[1], "x", 1));
}
