/*
 * server.c - the master of zerovm --serve (server.h): the socket, the
 * pool's bookkeeping, and shutdown.
 *
 * Bounds: at most --max-sessions sandboxes at once, ready or running; of
 * those, --pool ready ones are kept while there is room. Requests beyond
 * the running sessions wait in the socket's backlog (--queue); a client
 * that finds it full is told at once that the server is busy. A request's
 * size and the time it may take to arrive are bounded by the worker
 * (serve_wire.h).
 *
 * SIGTERM, SIGINT or SIGHUP: stop accepting (the socket is closed and
 * removed), end the ready workers, let running sessions finish (each within
 * its own Timeout), then exit 0. Workers and sandboxes die with the master
 * should it be killed (PR_SET_PDEATHSIG): nothing outlives it.
 */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"

struct worker {
	pid_t pid; /* 0: a free slot */
	bool busy; /* took a request */
};

struct master {
	const struct options *o;
	struct worker *w;
	int nw, idle, busy;
	int lfd, status_r, status_w, quit_r, quit_w;
	int failures;      /* workers in a row that ended before taking a request */
	int64_t refill_at; /* CLOCK_MONOTONIC us: no replacement before, while others are ready */
};

/* How long a taken sandbox's replacement waits while other sandboxes are
 * ready. Making one costs ~0.5 ms of CPU (clone, namespaces, exec of boot):
 * made at once, it competed on our two CPUs with the session that had just
 * taken its sandbox, between the request and the program's first
 * instruction, the time the pool is for (docs/performance.md). */
#define REFILL_DELAY_US 2000

static int64_t now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* The socket: created with mode 0600 (umask), so that only the server's
 * user (and root) may connect. A stale socket (nobody listening) is
 * replaced; a live one or any other file is an error. */
static int listen_on(const char *path, int backlog)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof a.sun_path) {
		fprintf(stderr, "zerovm: --serve %s: socket path longer than %zu characters\n", path,
			sizeof a.sun_path - 1);
		return -1;
	}
	memcpy(a.sun_path, path, strlen(path) + 1);
	struct stat st;
	if (lstat(path, &st) == 0) {
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		bool live = S_ISSOCK(st.st_mode) && probe >= 0 &&
			    (connect(probe, (struct sockaddr *)&a, sizeof a) == 0 || errno != ECONNREFUSED);
		if (probe >= 0)
			close(probe);
		if (!S_ISSOCK(st.st_mode) || live) {
			fprintf(stderr, "zerovm: --serve %s: %s\n", path,
				S_ISSOCK(st.st_mode) ? "a server listens there already" : "exists and is not a socket");
			return -1;
		}
		unlink(path);
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		perror("zerovm: --serve: socket");
		return -1;
	}
	mode_t old = umask(0177);
	int r = bind(fd, (struct sockaddr *)&a, sizeof a);
	int e = errno;
	umask(old);
	if (r < 0 || listen(fd, backlog) < 0) {
		fprintf(stderr, "zerovm: --serve %s: %s\n", path, strerror(r < 0 ? e : errno));
		if (r == 0)
			unlink(path);
		close(fd);
		return -1;
	}
	return fd;
}

static void spawn(struct master *m)
{
	int slot = 0;
	while (slot < m->nw && m->w[slot].pid)
		slot++;
	if (slot == m->nw)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		close(m->status_r), close(m->quit_w);
		server_worker(m->o, m->lfd, m->status_w, m->quit_r);
	}
	if (pid < 0) {
		perror("zerovm: server: fork");
		m->failures++;
		return;
	}
	m->w[slot] = (struct worker){.pid = pid, .busy = false};
	m->idle++;
}

static struct worker *find(struct master *m, pid_t pid)
{
	for (int i = 0; i < m->nw; i++)
		if (m->w[i].pid == pid)
			return &m->w[i];
	return NULL;
}

/* Workers report their pid when they take a request. */
static void read_status(struct master *m)
{
	pid_t pids[64];
	ssize_t n = read(m->status_r, pids, sizeof pids);
	for (ssize_t i = 0; n > 0 && i < n / (ssize_t)sizeof(pid_t); i++) {
		struct worker *w = find(m, pids[i]);
		if (w && !w->busy) {
			w->busy = true;
			m->idle--, m->busy++;
			m->failures = 0;
			m->refill_at = now_us() + REFILL_DELAY_US;
		}
	}
}

static void reap(struct master *m)
{
	int st;
	pid_t pid;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		struct worker *w = find(m, pid);
		if (!w)
			continue;
		if (w->busy) {
			m->busy--;
		} else {
			m->idle--;
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				m->failures++;
		}
		w->pid = 0;
	}
}

int server_main(const struct options *o)
{
	struct master m = {.o = o, .nw = o->max_sessions};
	m.w = calloc((size_t)m.nw, sizeof *m.w);
	int sp[2], qp[2];
	if (!m.w || pipe2(sp, O_CLOEXEC | O_NONBLOCK) < 0 || pipe2(qp, O_CLOEXEC) < 0) {
		perror("zerovm: server");
		return ZVM_EXIT_NOMEM;
	}
	m.status_r = sp[0], m.status_w = sp[1], m.quit_r = qp[0], m.quit_w = qp[1];
	sigset_t set;
	sigemptyset(&set);
	int sigs[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0)
		perror("zerovm: server: signalfd");
	else
		m.lfd = listen_on(o->serve, o->queue);
	if (sfd < 0 || m.lfd < 0) {
		free(m.w);
		return ZVM_EXIT_IO;
	}
	if (o->verbosity >= 1)
		fprintf(stderr, "zerovm: server: listening on %s (pool %d, at most %d sessions, queue %d)\n", o->serve,
			o->pool, o->max_sessions, o->queue);
	bool stopping = false;
	while (!stopping || m.idle + m.busy > 0) {
		int room = m.nw - m.busy;
		int want = stopping ? 0 : (o->pool < room ? o->pool : room);
		/* A worker that cannot make its sandbox ready says why; after
		 * three in a row, wait a second between tries. While sandboxes
		 * are ready, a replacement waits REFILL_DELAY_US; with none
		 * ready, requests wait: no delay. */
		int64_t hold = m.idle > 0 ? m.refill_at - now_us() : 0;
		while (hold <= 0 && m.idle < want && m.failures < 3)
			spawn(&m);
		int wait_ms = m.idle >= want ? -1 : hold > 0 ? (int)((hold + 999) / 1000) : 1000;
		struct pollfd pf[2] = {{.fd = m.status_r, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
		int r = poll(pf, 2, wait_ms);
		if (r == 0 && m.failures >= 3)
			m.failures = 2; /* one more try */
		if (r <= 0)
			continue;
		if (pf[0].revents & POLLIN)
			read_status(&m);
		if (pf[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
				if (si.ssi_signo == SIGCHLD) {
					read_status(&m); /* a pid may still be in the pipe */
					reap(&m);
				} else if (!stopping) {
					stopping = true;
					if (o->verbosity >= 1)
						fprintf(stderr,
							"zerovm: server: signal %u: stopping after %d running sessions\n",
							si.ssi_signo, m.busy);
					close(m.lfd);
					unlink(o->serve);
					close(m.quit_w); /* ready workers see the hang-up and leave */
				}
				break;
			}
		}
	}
	free(m.w);
	return 0;
}
