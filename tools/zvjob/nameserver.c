/*
 * nameserver.c - the job's name server (nameserver.h).
 *
 * zvns (docs/zvns.1.md) is found as zerovm is: $ZVNS, else beside zvjob's
 * own executable, else in $PATH. It is started like a zerovm (its
 * descriptor 1 a pipe to zvjob, 0 and 2 /dev/null and zvjob's stderr;
 * SIGTERM when zvjob dies), told the job's node ids (--nodes N: 1..N) and
 * to serve 127.0.0.1 on a port of the kernel's choosing, which it prints
 * on its standard output and then closes. zvjob waits for that line at
 * most NS_START_SECONDS.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nameserver.h"

#define NS_START_SECONDS 10

/* $ZVNS, zvns beside zvjob, or zvns in $PATH: malloc'd, or NULL (said). */
static char *find_zvns(struct tool_log *lg)
{
	char *z = zerovm_find_companion("zvns", "ZVNS");
	if (!z)
		tool_fail(lg, TOOL_EXIT_NOTFOUND,
			  "connect: the name server zvns not found: set ZVNS, or put zvns beside %s or in PATH",
			  lg->prog);
	return z;
}

/* The port zvns prints on fd, within NS_START_SECONDS: 1..65535, or -1. */
static long read_port(int fd)
{
	char buf[32];
	size_t len = 0;
	for (int waited = 0; len < sizeof buf - 1;) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		int r = poll(&pf, 1, 100);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 && ++waited < NS_START_SECONDS * 10)
			continue;
		if (r <= 0)
			return -1;
		ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (memchr(buf, '\n', len))
			break;
	}
	buf[len] = 0;
	char *end;
	long port = strtol(buf, &end, 10);
	return end != buf && (*end == '\n' || *end == 0) && port > 0 && port <= 65535 ? port : -1;
}

int nameserver_start(struct nameserver *ns, const struct plan *p, const struct zerovm_signals *sig, struct tool_log *lg)
{
	ns->pid = -1;
	ns->addr = NULL;
	char *zvns = find_zvns(lg), nodes[24];
	if (!zvns)
		return -1;
	snprintf(nodes, sizeof nodes, "%zu", p->n);
	char *argv[] = {zvns, "--nodes", nodes, "--listen", "127.0.0.1", NULL};
	int out[2] = {-1, -1}, devnull = open("/dev/null", O_RDWR | O_CLOEXEC), r = -1;
	if (devnull < 0 || pipe2(out, O_CLOEXEC) < 0) {
		tool_fail(lg, TOOL_EXIT_USAGE, "connect: cannot start the name server: %s", strerror(errno));
		goto out;
	}
	int src[3] = {devnull, out[1], 2};
	struct zerovm_spawn sp = {.argv = argv, .src = src, .n = 3, .sig = sig};
	ns->pid = zerovm_start(&sp, lg);
	close(out[1]);
	out[1] = -1;
	if (ns->pid < 0)
		goto out;
	long port = read_port(out[0]);
	if (port < 0) {
		tool_fail(lg, TOOL_EXIT_USAGE, "connect: the name server %s did not say its port", zvns);
		nameserver_stop(ns);
		goto out;
	}
	if (asprintf(&ns->addr, "udp:127.0.0.1:%ld", port) < 0) {
		ns->addr = NULL;
		tool_oom(lg);
		nameserver_stop(ns);
		goto out;
	}
	r = 0;
out:
	if (out[0] >= 0)
		close(out[0]);
	if (out[1] >= 0)
		close(out[1]);
	if (devnull >= 0)
		close(devnull);
	free(zvns);
	return r;
}

void nameserver_stop(struct nameserver *ns)
{
	if (ns->pid > 0) {
		kill(ns->pid, SIGTERM);
		while (waitpid(ns->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	ns->pid = -1;
	free(ns->addr);
	ns->addr = NULL;
}
