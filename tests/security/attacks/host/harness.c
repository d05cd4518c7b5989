/*
 * harness: host-side helper of tests/security/attacks.sh (not a guest).
 * Built with the host compiler; needs nothing but libc.
 *
 *   harness listen DIR
 *       Listen on 127.0.0.1 (TCP and UDP, the same ephemeral port), write
 *       the port number to DIR/port, and append one line to DIR/conn for
 *       every TCP connection accepted ("tcp") and every UDP datagram
 *       received ("udp"). Runs until SIGTERM, its parent's death or 300 s.
 *
 *   harness peek PID
 *       Try what a host process can do to another process it holds no
 *       capability over: PTRACE_ATTACH it (detaching at once if that
 *       worked), read its /proc/PID/maps, and read 8 bytes of
 *       /proc/PID/mem at guest address 0x10000 (the trampoline page, always
 *       mapped). Prints "attach E maps E mem E", each E "OK" or an errno
 *       name. Run as the sandbox's uid (setpriv) by tests/security/outside.sh.
 *
 *   harness run RESULT OUT ERR LIMIT_S -- COMMAND ARGS...
 *       Run COMMAND (zerovm) with stdin /dev/null, stdout OUT, stderr ERR,
 *       as a child subreaper: while it runs, record the pids of its
 *       children (the sandbox); once it has ended, give them 2 s to be gone
 *       and reap whatever was reparented to us. Writes RESULT:
 *           rc N            COMMAND's exit status (128+N if killed by N)
 *           sandbox PIDS    children of COMMAND seen while it ran
 *           leftover PIDS   processes still alive 2 s after COMMAND ended
 *                           (they are then killed)
 *           hung 0|1        COMMAND had to be killed after LIMIT_S seconds
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ptrace.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void note(const char *dir, const char *what)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/conn", dir);
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd >= 0) {
		if (write(fd, what, strlen(what)) < 0)
			perror("harness: write");
		close(fd);
	}
}

static int listen_main(const char *dir)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	alarm(300);
	int t = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof a;
	if (t < 0 || bind(t, (struct sockaddr *)&a, sizeof a) < 0 || listen(t, 16) < 0 ||
	    getsockname(t, (struct sockaddr *)&a, &al) < 0) {
		perror("harness: tcp listener");
		return 1;
	}
	int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (u >= 0 && bind(u, (struct sockaddr *)&a, sizeof a) < 0) {
		close(u);
		u = -1;
	}
	char path[4096], tmp[4096], num[32];
	snprintf(tmp, sizeof tmp, "%s/port.tmp", dir);
	snprintf(path, sizeof path, "%s/port", dir);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return 1;
	snprintf(num, sizeof num, "%u\n", (unsigned)ntohs(a.sin_port));
	fputs(num, f);
	fclose(f);
	rename(tmp, path);
	for (;;) {
		struct pollfd p[2] = {{.fd = t, .events = POLLIN}, {.fd = u, .events = POLLIN}};
		if (poll(p, u >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (p[0].revents & POLLIN) {
			int c = accept4(t, NULL, NULL, SOCK_CLOEXEC);
			if (c >= 0) {
				note(dir, "tcp\n");
				close(c);
			}
		}
		if (u >= 0 && (p[1].revents & POLLIN)) {
			char b[512];
			if (recv(u, b, sizeof b, 0) >= 0)
				note(dir, "udp\n");
		}
	}
}

#define MAXP 64
static pid_t seen[MAXP];
static int nseen;

static void add_seen(pid_t p)
{
	for (int i = 0; i < nseen; i++)
		if (seen[i] == p)
			return;
	if (nseen < MAXP)
		seen[nseen++] = p;
}

/* Children of every thread of PID, through /proc/PID/task/TID/children;
 * calls fn on each. */
static void children_of(pid_t pid, void (*fn)(pid_t))
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char cp[320], buf[4096];
		snprintf(cp, sizeof cp, "/proc/%d/task/%s/children", (int)pid, e->d_name);
		int fd = open(cp, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = 0;
		for (char *s = buf, *end; *s; s = end) {
			long v = strtol(s, &end, 10);
			if (end == s)
				break;
			fn((pid_t)v);
		}
	}
	closedir(d);
}

static pid_t left[MAXP];
static int nleft;
static void add_left(pid_t p)
{
	if (nleft < MAXP)
		left[nleft++] = p;
}

/* A process that exists and is not a zombie. */
static int alive(pid_t p)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)p);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	char *r = strrchr(buf, ')');
	return r && r[1] == ' ' && r[2] != 'Z' && r[2] != 'X';
}

static void reap_all(void)
{
	while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
		;
}

static int run_main(char **argv)
{
	const char *result = argv[0], *out = argv[1], *err = argv[2];
	double limit = atof(argv[3]);
	char **cmd = argv + 5;
	/* If the runner goes away, so do we, and zerovm after us (it stops
	 * its session cleanly on SIGTERM). */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("harness: PR_SET_CHILD_SUBREAPER");
		return 1;
	}
	pid_t z = fork();
	if (z < 0) {
		perror("harness: fork");
		return 1;
	}
	if (z == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		int i = open("/dev/null", O_RDONLY), o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644),
		    e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (i < 0 || o < 0 || e < 0)
			_exit(127);
		dup2(i, 0), dup2(o, 1), dup2(e, 2);
		execv(cmd[0], cmd);
		_exit(127);
	}
	double t0 = now();
	int status = 0, hung = 0;
	for (;;) {
		pid_t r = waitpid(z, &status, WNOHANG);
		if (r == z)
			break;
		children_of(z, add_seen);
		if (!hung && now() - t0 > limit) {
			hung = 1;
			kill(z, SIGKILL);
		}
		usleep(500);
	}
	/* COMMAND has ended: its sandbox must be gone too. Whatever it left
	 * was reparented to us (subreaper). */
	double t1 = now();
	for (;;) {
		reap_all();
		int any = 0;
		for (int i = 0; i < nseen; i++)
			any |= alive(seen[i]);
		nleft = 0;
		children_of(getpid(), add_left);
		for (int i = 0; i < nleft; i++)
			any |= alive(left[i]);
		if (!any || now() - t1 > 2.0)
			break;
		usleep(5000);
	}
	FILE *f = fopen(result, "w");
	if (!f)
		return 1;
	fprintf(f, "rc %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	fprintf(f, "sandbox");
	for (int i = 0; i < nseen; i++)
		fprintf(f, " %d", (int)seen[i]);
	fprintf(f, "\nleftover");
	for (int i = 0; i < nseen; i++)
		if (alive(seen[i])) {
			fprintf(f, " %d", (int)seen[i]);
			kill(seen[i], SIGKILL);
		}
	for (int i = 0; i < nleft; i++) {
		int dup = 0;
		for (int j = 0; j < nseen; j++)
			dup |= seen[j] == left[i];
		if (!dup && alive(left[i])) {
			fprintf(f, " %d", (int)left[i]);
			kill(left[i], SIGKILL);
		}
	}
	fprintf(f, "\nhung %d\n", hung);
	fclose(f);
	usleep(10000);
	reap_all();
	return 0;
}

static const char *errname(int e)
{
	switch (e) {
	case 0: return "OK";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ESRCH: return "ESRCH";
	case EIO: return "EIO";
	case ENOENT: return "ENOENT";
	default: return "other";
	}
}

static int peek_main(const char *pidstr)
{
	pid_t pid = (pid_t)atoi(pidstr);
	int attach = 0;
	if (ptrace(PTRACE_ATTACH, pid, 0, 0) < 0) {
		attach = errno;
	} else {
		/* Wait for the attach's SIGSTOP before detaching: detached
		 * first, the process would stop on it afterwards, for good. */
		int st;
		waitpid(pid, &st, __WALL);
		ptrace(PTRACE_DETACH, pid, 0, 0);
	}
	char path[64], line[256];
	unsigned long addr = 0x10000; /* the trampoline page: always mapped */
	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	int maps = 0;
	FILE *f = fopen(path, "r");
	if (!f || !fgets(line, sizeof line, f))
		maps = errno ? errno : EIO;
	if (f)
		fclose(f);
	snprintf(path, sizeof path, "/proc/%d/mem", (int)pid);
	int mem = 0, fd = open(path, O_RDONLY);
	char buf[8];
	if (fd < 0 || pread(fd, buf, sizeof buf, (off_t)addr) != (ssize_t)sizeof buf)
		mem = errno ? errno : EIO;
	if (fd >= 0)
		close(fd);
	printf("attach %s maps %s mem %s\n", errname(attach), errname(maps), errname(mem));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "peek") == 0)
		return peek_main(argv[2]);
	if (argc == 3 && strcmp(argv[1], "listen") == 0)
		return listen_main(argv[2]);
	if (argc >= 8 && strcmp(argv[1], "run") == 0 && strcmp(argv[6], "--") == 0)
		return run_main(argv + 2);
	fprintf(stderr,
		"usage: harness listen DIR | harness peek PID | harness run RESULT OUT ERR LIMIT_S -- COMMAND...\n");
	return 2;
}
