/*
 * zerovm.c - finding zerovm, its stop signals, starting it, its report
 * (zerovm.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zerovm.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

void zerovm_stop_set(sigset_t *s)
{
	sigemptyset(s);
	sigaddset(s, SIGINT);
	sigaddset(s, SIGTERM);
	sigaddset(s, SIGHUP);
	sigaddset(s, SIGCHLD);
}

void zerovm_block_signals(struct zerovm_signals *sig)
{
	sigset_t s;
	zerovm_stop_set(&s);
	sigprocmask(SIG_BLOCK, &s, &sig->mask);
	/* A write to a closed pipe (a reader gone) is EPIPE for the tool, not
	 * its end. */
	struct sigaction old, ign = {.sa_handler = SIG_IGN}, dfl = {.sa_handler = SIG_DFL};
	sigaction(SIGPIPE, &ign, &old);
	sig->sigpipe_ignored = old.sa_handler == SIG_IGN;
	sigaction(SIGCHLD, &dfl, NULL);
}

int zerovm_stop_pending(void)
{
	sigset_t pending, stops;
	zerovm_stop_set(&stops);
	sigpending(&pending);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGCHLD && sigismember(&stops, sig) == 1 && sigismember(&pending, sig) == 1)
			return sig;
	return 0;
}

static bool executable(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

char *zerovm_find_companion(const char *name, const char *env_name)
{
	const char *env = getenv(env_name);
	if (env && *env)
		return strdup(env);
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = 0;
		char *slash = strrchr(self, '/');
		if (slash && (size_t)(slash - self) + 2 + strlen(name) <= sizeof self) {
			strcpy(slash + 1, name);
			if (executable(self))
				return strdup(self);
		}
	}
	const char *path = getenv("PATH");
	for (const char *p = path ? path : "/bin:/usr/bin"; *p;) {
		size_t len = strcspn(p, ":");
		char *cand;
		if (len && asprintf(&cand, "%.*s/%s", (int)len, p, name) >= 0) {
			if (executable(cand))
				return cand;
			free(cand);
		}
		p += len + (p[len] == ':');
	}
	return NULL;
}

char *zerovm_find(struct tool_log *lg)
{
	char *z = zerovm_find_companion("zerovm", "ZEROVM");
	if (!z)
		tool_fail(lg, TOOL_EXIT_NOTFOUND, "zerovm not found: set ZEROVM, or put zerovm beside %s or in PATH",
			  lg->prog);
	return z;
}

/* In the child: descriptors in place, signals as the tool found them, then
 * exec; errno to errfd if that fails. Only async-signal-safe calls, and
 * nothing that writes the parent's memory (the child shares it): the
 * signal dispositions and mask changed here are the child's own. */
__attribute__((noreturn)) static void child(const struct zerovm_spawn *sp, pid_t parent, int errfd)
{
	int tmp[ZEROVM_FDS_MAX], e;
	/* zerovm stops the session (and reports) when the tool dies. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
		_exit(127);
	if (!sp->sig->sigpipe_ignored)
		signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, &sp->sig->mask, NULL);
	/* Copies above every target first, so no dup2 below overwrites a source. */
	for (int i = 0; i < sp->n; i++)
		if (sp->src[i] >= 0 && (tmp[i] = fcntl(sp->src[i], F_DUPFD_CLOEXEC, sp->n)) < 0)
			goto fail;
	for (int i = 0; i < sp->n; i++)
		if (sp->src[i] < 0 ? close(i) < 0 && errno != EBADF : dup2(tmp[i], i) < 0)
			goto fail;
	/* Nothing else the tool had reaches zerovm (CLOSE_RANGE_CLOEXEC needs
	 * Linux 5.11; before, one by one). The system call, not glibc's
	 * wrapper: zvsh is linked against musl, which has none. */
	if (syscall(SYS_close_range, (unsigned)sp->n, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		long max = sysconf(_SC_OPEN_MAX);
		for (int fd = sp->n; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	execvp(sp->argv[0], sp->argv);
fail:
	e = errno;
	if (write(errfd, &e, sizeof e) < 0)
		_exit(127);
	_exit(127);
}

struct child_arg {
	const struct zerovm_spawn *sp;
	pid_t parent;
	int errfd;
};

static int child_start(void *p)
{
	const struct child_arg *a = p;
	child(a->sp, a->parent, a->errfd);
}

pid_t zerovm_start(const struct zerovm_spawn *sp, struct tool_log *lg)
{
	int errp[2];
	if (sp->n > ZEROVM_FDS_MAX)
		return tool_fail(lg, TOOL_EXIT_USAGE, "cannot start zerovm: more than %d descriptors", ZEROVM_FDS_MAX);
	if (pipe2(errp, O_CLOEXEC) < 0)
		return tool_fail(lg, TOOL_EXIT_USAGE, "cannot start zerovm: %s", strerror(errno));
	/* The child shares our memory and we wait until it has exec'd
	 * (CLONE_VM | CLONE_VFORK, as posix_spawn does): no page tables to
	 * copy and no copy-on-write faults in zvsh afterwards, ~0.05 ms of
	 * every run (docs/performance.md). It runs on its own stack, a part
	 * of ours that stays untouched while we wait. */
	_Alignas(16) char stack[32768];
	struct child_arg a = {sp, getpid(), errp[1]};
	pid_t pid = clone(child_start, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &a);
	int e = errno;
	close(errp[1]);
	if (pid < 0) {
		close(errp[0]);
		return tool_fail(lg, TOOL_EXIT_USAGE, "cannot start zerovm: %s", strerror(e));
	}
	/* The pipe closes without a word when the exec succeeds (O_CLOEXEC). */
	ssize_t n;
	while ((n = read(errp[0], &e, sizeof e)) < 0 && errno == EINTR)
		;
	close(errp[0]);
	if (n == (ssize_t)sizeof e) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return tool_fail(lg, e == ENOENT ? TOOL_EXIT_NOTFOUND : TOOL_EXIT_NOEXEC, "cannot run %s: %s",
				 sp->argv[0], strerror(e));
	}
	return pid;
}

bool zerovm_report_split(char *text, size_t len, char *line[6])
{
	if (len && text[len - 1] == '\n')
		text[--len] = 0;
	int k = 6;
	size_t end = len;
	while (k > 0) {
		size_t start = end;
		while (start && text[start - 1] != '\n')
			start--;
		line[--k] = text + start;
		text[end] = 0;
		if (k && start == 0)
			return false;
		end = start ? start - 1 : 0;
	}
	return true;
}

bool zerovm_capture(int fd, struct tool_buf *b, bool echo)
{
	char buf[4096];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return true;
		if (n <= 0)
			return false;
		if (echo)
			tool_put_all(2, buf, (size_t)n);
		else if (b->len + (size_t)n <= ZEROVM_CAPTURE_MAX)
			tool_buf_printf(b, "%.*s", (int)n, buf);
	}
}
