/*
 * daemon.c - daemon mode (daemon.h, docs/snapshots.md).
 *
 * The daemon is a process of its own (the zerovm that started it returns
 * with its report, as the original's did): it holds the snapshot taken at
 * the fork in a memfd and the listening socket, and nothing else. Each
 * accepted connection is one request, served by a child process of its
 * own that reads the request, runs one session resumed from the snapshot
 * and writes the report back; the daemon waits for it before it accepts
 * the next (one request at a time). A request can fail only in its own
 * process: the daemon never reads what a client sends.
 *
 * Request (the original's): "0x" and six hex digits giving the length of
 * a manifest text (decimal digits are taken too), then the text.
 * Answer: the same frame, then the six-line report.
 */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

#define REQUEST_IO_TIMEOUT_S 10 /* a client that sends nothing is dropped after this */

int daemon_listen(struct session *s)
{
	const char *path = s->m.job;
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof a.sun_path, "%s", path); /* the manifest checked its length */
	struct stat st;
	/* A socket left by an earlier daemon is replaced, as the original
	 * did; anything else at that path is not ours to remove. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	mode_t um = umask(0177);
	int r = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&a, sizeof a);
	umask(um);
	if (r == 0)
		r = listen(fd, 64);
	if (r < 0) {
		zvm_fail(&s->err, ZVM_EXIT_IO, "Job %s: cannot listen there: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static volatile sig_atomic_t stop_asked;

static void on_stop(int signo)
{
	stop_asked = signo;
}

static int read_full(int fd, char *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r, n -= (size_t)r;
	}
	return 0;
}

/* One request, in its own process: never returns. */
__attribute__((noreturn)) static void serve_request(int conn, int snap, const struct options *daemon_opts)
{
	double t0 = session_now();
	struct timeval tv = {REQUEST_IO_TIMEOUT_S, 0};
	setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	struct options o = *daemon_opts;
	o.manifest = NULL;
	o.snapshot = o.resume = o.json = o.trace = NULL;
	o.nstream = 0;
	o.resume_fd = snap;
	o.report_fd = conn;
	o.request_error = NULL;

	char head[9] = {0}, *end = NULL, path[64];
	long long len = -1;
	if (read_full(conn, head, 8) == 0) {
		errno = 0;
		len = strtoll(head, &end, 0);
		if (errno || end != head + 8)
			len = -1;
	}
	char *text = NULL;
	int mfd = -1;
	if (len <= 0 || len > (long long)MANIFEST_MAX_BYTES)
		o.request_error = "daemon: bad request: expected \"0x\" and six hex digits of manifest length, then "
				  "the manifest";
	else if (!(text = malloc((size_t)len)) || read_full(conn, text, (size_t)len) < 0)
		o.request_error = "daemon: bad request: the manifest was cut short";
	else if ((mfd = memfd_create("zerovm-request", MFD_CLOEXEC)) < 0 || write(mfd, text, (size_t)len) != len)
		o.request_error = "daemon: cannot keep the request's manifest";
	snprintf(path, sizeof path, "/proc/self/fd/%d", mfd);
	o.manifest = path;
	free(text);
	int code = session_run(&o, NULL, t0);
	_exit(code);
}

/* Close every descriptor above 2 but a and b (the original closed them
 * all too): a pipe inherited by zerovm must not stay open for as long as
 * the daemon lives, or whoever waits for its end waits for ever. */
static void close_others(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;
	if (lo > 3)
		syscall(SYS_close_range, 3u, (unsigned)lo - 1u, 0u);
	if (hi > lo + 1)
		syscall(SYS_close_range, (unsigned)lo + 1u, (unsigned)hi - 1u, 0u);
	syscall(SYS_close_range, (unsigned)hi + 1u, ~0u, 0u);
}

__attribute__((noreturn)) static void serve(int listener, int snap, const char *path, const struct options *o)
{
	setsid();
	close_others(listener, snap);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0)
		for (int fd = 0; fd < 3; fd++)
			dup2(null, fd);
	if (null > 2)
		close(null);
	struct stat mine;
	bool have = fstat(listener, &mine) == 0 && stat(path, &mine) == 0;
	struct sigaction sa = {.sa_handler = on_stop}; /* no SA_RESTART: accept() returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	while (!stop_asked) {
		int c = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0) {
			if (errno != EINTR)
				usleep(10000); /* out of descriptors, say: try again shortly */
			continue;
		}
		pid_t pid = fork();
		if (pid == 0) {
			close(listener);
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			signal(SIGHUP, SIG_DFL);
			serve_request(c, snap, o);
		}
		close(c);
		/* One at a time; a stop waits for the request to end (drains). */
		while (pid > 0 && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	close(listener);
	struct stat now;
	if (have && stat(path, &now) == 0 && now.st_ino == mine.st_ino && now.st_dev == mine.st_dev)
		unlink(path);
	_exit(0);
}

void daemon_spawn(struct session *s, const struct options *o, int listener)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (s->g.memfd >= 0)
			close(s->g.memfd);
		if (s->g.base)
			munmap(s->g.base, s->g.size);
		serve(listener, s->daemon_snap, s->m.job, o);
	}
	int e = errno;
	close(listener);
	if (pid < 0) {
		/* The report is out already: the message is said here, or the
		 * user sees only the exit status. */
		const char *why = strerror(e);
		zvm_fail(&s->err, ZVM_EXIT_NOMEM, "Job %s: cannot start the daemon: %s", s->m.job, why);
		dprintf(STDERR_FILENO, "zerovm: Job %s: cannot start the daemon: %s\n", s->m.job, why);
		unlink(s->m.job);
	} else if (o->verbosity >= 1) {
		dprintf(STDERR_FILENO, "zerovm: daemon %d serves %s\n", (int)pid, s->m.job);
	}
}
