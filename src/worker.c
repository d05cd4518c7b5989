/*
 * worker.c - one worker of the ready sandbox pool (server.h): a sandbox
 * made ready, one request, one session, exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "out.h"
#include "run.h"
#include "runtime.h"
#include "serve_wire.h"
#include "server.h"
#include "session.h"

static void reply(int conn, int32_t status)
{
	if (send(conn, &status, sizeof status, MSG_NOSIGNAL) != (ssize_t)sizeof status) {
		/* the client is gone: nobody to tell */
	}
}

/* Refuse a request: why on the client's standard error when we have it
 * (waiting for a reader no longer than a request may take, out.h: a client
 * whose stderr is never read must not hold the worker), and the status. */
__attribute__((format(printf, 3, 4))) static void refuse(int conn, int err_fd, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (err_fd >= 0)
		out_printf(err_fd, out_now_ms() + SERVE_REQUEST_MS, "zerovm: server: %s\n", msg);
	reply(conn, ZVM_EXIT_INVAL);
}

/* Receive the header and its four descriptors. 0, or -1 (refused). */
static int receive_header(int conn, struct serve_request *req, int fds[SERVE_FDS])
{
	struct iovec iov = {.iov_base = req, .iov_len = sizeof *req};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * SERVE_FDS)];
	} u;
	memset(&u, 0, sizeof u);
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
	ssize_t n;
	while ((n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC | MSG_WAITALL)) < 0 && errno == EINTR)
		;
	int got = 0;
	/* One control message is all a client sends (and all the buffer
	 * holds): its descriptors beyond the four are closed. */
	struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL;
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
			if (got < SERVE_FDS)
				fds[got++] = fd;
			else
				close(fd);
		}
	}
	struct stat st;
	int err_fd = got >= 3 ? fds[2] : -1;
	if (n != (ssize_t)sizeof *req || req->magic != SERVE_MAGIC)
		return refuse(conn, err_fd, "not a zerovm request (a client of another version?)"), -1;
	if (got != SERVE_FDS || (mh.msg_flags & MSG_CTRUNC) || fstat(fds[3], &st) < 0 || !S_ISDIR(st.st_mode))
		return refuse(conn, err_fd, "a request must carry descriptors 0, 1, 2 and a working directory"), -1;
	if (req->argc < 1 || req->argc > SERVE_ARGS_MAX || req->len > SERVE_ARGV_MAX)
		return refuse(conn, err_fd, "the command line is longer than %d strings or %u bytes", SERVE_ARGS_MAX,
			      SERVE_ARGV_MAX),
		       -1;
	return 0;
}

/* Read the command line; split it into argv (argc strings, each ended by
 * its NUL, nothing after the last). */
static int receive_argv(int conn, const struct serve_request *req, char *buf, char **argv)
{
	size_t got = 0;
	while (got < req->len) {
		ssize_t n = read(conn, buf + got, req->len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	size_t k = 0, at = 0;
	for (size_t i = 0; i < req->len; i++)
		if (buf[i] == 0) {
			if (k == req->argc)
				return -1;
			argv[k++] = buf + at;
			at = i + 1;
		}
	if (k != req->argc || at != req->len)
		return -1;
	argv[k] = NULL;
	return 0;
}

/* Serve the request on conn: 0-2 become the client's, its directory ours. */
static int32_t serve(int conn, struct sandbox *sb, double t0)
{
	struct timeval tv = {.tv_sec = SERVE_REQUEST_MS / 1000, .tv_usec = SERVE_REQUEST_MS % 1000 * 1000};
	setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	/* The socket is its owner's only (mode 0600); the peer's uid is
	 * checked too, should the mode be changed. */
	struct ucred cred;
	socklen_t clen = sizeof cred;
	if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 || (cred.uid != geteuid() && cred.uid != 0)) {
		refuse(conn, -1, "not the server's user");
		return ZVM_EXIT_INVAL;
	}
	struct serve_request req;
	int fds[SERVE_FDS] = {-1, -1, -1, -1};
	static char buf[SERVE_ARGV_MAX];
	static char *argv[SERVE_ARGS_MAX + 1];
	if (receive_header(conn, &req, fds) < 0)
		return ZVM_EXIT_INVAL;
	if (receive_argv(conn, &req, buf, argv) < 0) {
		refuse(conn, fds[2], "the command line of the request is cut or malformed");
		return ZVM_EXIT_INVAL;
	}
	for (int i = 0; i < 3; i++)
		if (dup2(fds[i], i) < 0)
			return reply(conn, ZVM_EXIT_IO), ZVM_EXIT_IO;
	if (fchdir(fds[3]) < 0) {
		refuse(conn, 2, "cannot enter the client's working directory: %s", strerror(errno));
		return ZVM_EXIT_INVAL;
	}
	for (int i = 0; i < SERVE_FDS; i++)
		if (fds[i] > 2)
			close(fds[i]);
	struct options o;
	char msg[256];
	if (options_parse((int)req.argc, argv, &o, msg, sizeof msg) < 0 || o.serve) {
		refuse(conn, 2, "%s", o.serve ? "a request cannot start a server" : msg);
		return ZVM_EXIT_INVAL;
	}
	int32_t status = session_run(&o, sb, t0);
	reply(conn, status);
	return status;
}

void server_worker(const struct options *so, int lfd, int status_w, int quit_r)
{
	pid_t master = getppid();
	/* Die with the master: no worker (and so no sandbox) outlives it. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != master)
		_exit(1);
	struct sandbox sb;
	struct zvm_error err = {0};
	/* Guest memory with the runtime in it and the ready block, made now
	 * rather than after the request; the sandbox maps it whole and seals
	 * (sandbox.h). */
	int spare = runtime_spare();
	if (spare < 0 || runtime_ready_block(spare) < 0) {
		fprintf(stderr, "zerovm: server: cannot make guest memory ready: %s\n", strerror(errno));
		_exit(1);
	}
	if (sandbox_prepare(&sb, spare, out_now_ms() + SERVE_REQUEST_MS, &err) < 0) {
		fprintf(stderr, "zerovm: server: cannot make a sandbox ready: %s\n", err.msg);
		_exit(1);
	}
	if (so->verbosity >= 2)
		fprintf(stderr, "zerovm: server: sandbox %d ready (%s)\n", (int)sb.pid, sb.isolation);
	/* One epoll set: the listening socket with EPOLLEXCLUSIVE, so that a
	 * request wakes one ready worker, not all of them; the master's
	 * hang-up (stop); the ready sandbox's pidfd (it died). */
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev[3] = {{.events = EPOLLIN | EPOLLEXCLUSIVE, .data.u32 = 0},
				    {.events = EPOLLIN, .data.u32 = 1},
				    {.events = EPOLLIN, .data.u32 = 2}};
	int conn = -1;
	bool stop = ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev[0]) < 0 ||
		    epoll_ctl(ep, EPOLL_CTL_ADD, quit_r, &ev[1]) < 0 ||
		    epoll_ctl(ep, EPOLL_CTL_ADD, sb.pidfd, &ev[2]) < 0;
	while (!stop && conn < 0) {
		struct epoll_event got;
		int n = epoll_wait(ep, &got, 1, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || got.data.u32 != 0 || (got.events & (EPOLLERR | EPOLLHUP)))
			break; /* the server stops, or the ready sandbox broke */
		conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (conn < 0 && errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			break;
	}
	if (ep >= 0)
		close(ep);
	if (conn < 0) {
		/* Reaped before we leave: when the master has exited, none of
		 * its workers' sandboxes is still dying (tests/func/serve.sh). */
		sandbox_kill(&sb);
		if (sb.pid > 0)
			while (waitpid(sb.pid, NULL, 0) < 0 && errno == EINTR)
				;
		_exit(0);
	}
	double t0 = session_now();
	pid_t me = getpid();
	if (write(status_w, &me, sizeof me) != (ssize_t)sizeof me) {
		/* the master is gone; PDEATHSIG ends us */
	}
	close(lfd), close(status_w), close(quit_r);
	int32_t status = serve(conn, &sb, t0);
	close(conn);
	exit(status == 0 ? 0 : 2);
}
