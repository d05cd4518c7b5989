/*
 * epoll.c - conformance rows for epoll in one thread: instances, the
 * interest list's errors, what epoll_wait reports for pipes (level and
 * edge triggered, one-shot), timeouts, compared with Linux. Waits that
 * another thread ends are tests/zrt/threads.sh's.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "groups.h"

static void report(const char *name, int ep, int max, int timeout)
{
	struct epoll_event ev[4];
	int n = epoll_wait(ep, ev, max, timeout);
	probe_calls++;
	if (n < 0) {
		say("%s = %s", name, errname(errno));
		return;
	}
	char b[256];
	int off = snprintf(b, sizeof b, "%d", n);
	for (int i = 0; i < n && off < (int)sizeof b; i++)
		off += snprintf(b + off, sizeof b - (size_t)off, " [data %llu events 0x%x]",
				(unsigned long long)ev[i].data.u64, ev[i].events);
	say("%s = %s", name, b);
}

void group_epoll(void)
{
	int p[2], q[2];
	if (pipe(p) < 0 || pipe(q) < 0)
		return;
	int file = open("/tmp/epoll-probe", O_RDWR | O_CREAT | O_TRUNC, 0600), dir = open("/", O_RDONLY);
	ROW("epoll_create(0)", epoll_create(0));
	ROW("epoll_create(-1)", epoll_create(-1));
	int e1 = OK("epoll_create(1)", epoll_create(1));
	ROW("epoll_create1(bad flags)", epoll_create1(1));
	int ep = OK("epoll_create1(EPOLL_CLOEXEC)", epoll_create1(EPOLL_CLOEXEC));
	ROW("  FD_CLOEXEC", fcntl(ep, F_GETFD));
	struct stat st;
	if (fstat(ep, &st) == 0)
		say("  fstat: type 0%o mode 0%o", st.st_mode & S_IFMT, st.st_mode & 07777);
	struct epoll_event e = {.events = EPOLLIN, .data.u64 = 1};
	ROW("ctl ADD a pipe's read end", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e));
	ROW("ctl ADD it again", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e));
	ROW("ctl ADD, event NULL", epoll_ctl(ep, EPOLL_CTL_ADD, q[0], NULL));
	ROW("ctl ADD, event NULL, a bad epfd", epoll_ctl(99, EPOLL_CTL_ADD, q[0], NULL));
	ROW("ctl DEL, event NULL", epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL));
	ROW("ctl, a bad epfd", epoll_ctl(99, EPOLL_CTL_ADD, q[0], &e));
	ROW("ctl, a bad fd", epoll_ctl(ep, EPOLL_CTL_ADD, 99, &e));
	ROW("ctl, a regular file", epoll_ctl(ep, EPOLL_CTL_ADD, file, &e));
	ROW("ctl, a directory", epoll_ctl(ep, EPOLL_CTL_ADD, dir, &e));
	ROW("ctl, the instance itself", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &e));
	ROW("ctl, epfd not an instance", epoll_ctl(p[0], EPOLL_CTL_ADD, q[0], &e));
	ROW("ctl, an unknown op", epoll_ctl(ep, 9, q[0], &e));
	ROW("ctl MOD, not added", epoll_ctl(ep, EPOLL_CTL_MOD, q[0], &e));
	ROW("ctl DEL, not added", epoll_ctl(ep, EPOLL_CTL_DEL, q[0], &e));
	struct epoll_event x = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.u64 = 9};
	ROW("ctl MOD with EPOLLEXCLUSIVE", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &x));
	x.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT;
	ROW("ctl ADD EPOLLEXCLUSIVE|EPOLLONESHOT", epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &x));
	x.events = EPOLLIN | EPOLLEXCLUSIVE;
	ROW("ctl ADD EPOLLEXCLUSIVE of an instance", epoll_ctl(ep, EPOLL_CTL_ADD, e1, &x));
	struct epoll_event ev[4];
	ROW("wait, maxevents 0", epoll_wait(ep, ev, 0, 0));
	ROW("wait, maxevents -1", syscall(SYS_epoll_wait, ep, ev, -1, 0));
	ROW("wait, events NULL, nothing ready", syscall(SYS_epoll_wait, ep, NULL, 1, 0));
	ROW("wait, events past the address space", syscall(SYS_epoll_wait, ep, (void *)-16L, 1, 0));
	ROW("wait, a bad fd", epoll_wait(99, ev, 1, 0));
	ROW("wait, not an instance", epoll_wait(p[0], ev, 1, 0));
	sigset_t none;
	sigemptyset(&none);
	ROW("pwait, a sigset of size 4", syscall(SYS_epoll_pwait, ep, ev, 1, 0, &none, 4));
	ROW("pwait, an empty sigset", epoll_pwait(ep, ev, 1, 0, &none));
	report("wait, nothing ready, timeout 0", ep, 4, 0);
	report("wait, nothing ready, timeout 5 ms", ep, 4, 5);
	write(p[1], "ab", 2);
	report("wait, data in the pipe", ep, 4, 0);
	report("wait, again (level-triggered)", ep, 4, 0);
	e = (struct epoll_event){.events = EPOLLOUT, .data.u64 = 2};
	ROW("ctl ADD the write end for EPOLLOUT", epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &e));
	report("wait, both", ep, 4, 0);
	report("wait, maxevents 1", ep, 1, 0);
	e = (struct epoll_event){.events = EPOLLIN | EPOLLET, .data.u64 = 3};
	ROW("ctl MOD the read end to EPOLLET", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e));
	ROW("ctl DEL the write end", epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL));
	report("wait, EPOLLET, ready", ep, 4, 0);
	report("wait, EPOLLET, nothing new", ep, 4, 0);
	write(p[1], "c", 1);
	report("wait, EPOLLET, written again", ep, 4, 0);
	char b[8];
	read(p[0], b, sizeof b);
	report("wait, EPOLLET, read empty", ep, 4, 0);
	e = (struct epoll_event){.events = EPOLLIN | EPOLLONESHOT, .data.u64 = 4};
	ROW("ctl MOD to EPOLLONESHOT", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e));
	write(p[1], "d", 1);
	report("wait, EPOLLONESHOT", ep, 4, 0);
	report("wait, EPOLLONESHOT, disabled", ep, 4, 0);
	ROW("ctl MOD re-arms it", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e));
	report("wait, re-armed", ep, 4, 0);
	e = (struct epoll_event){.events = EPOLLIN, .data.u64 = 5};
	ROW("ctl ADD the other pipe's read end", epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &e));
	close(q[1]);
	report("wait, its writer closed: EPOLLHUP", ep, 4, 0);
	e = (struct epoll_event){.events = EPOLLIN, .data.u64 = 6};
	ROW("ctl ADD the instance to another", epoll_ctl(e1, EPOLL_CTL_ADD, ep, &e));
	ROW("ctl ADD the other back (a loop)", epoll_ctl(ep, EPOLL_CTL_ADD, e1, &e));
	report("wait on the outer instance", e1, 4, 0);
	close(q[0]);
	report("wait, after closing a watched descriptor", ep, 4, 0);
	ROW("read of an instance", read(ep, b, sizeof b));
	ROW("write to an instance", write(ep, b, 8));
	ROW("pread of an instance", pread(ep, b, sizeof b, 0));
	ROW("lseek of an instance", lseek(ep, 0, SEEK_SET));
	close(file);
	unlink("/tmp/epoll-probe");
	close(dir);
	close(ep);
	close(e1);
}
