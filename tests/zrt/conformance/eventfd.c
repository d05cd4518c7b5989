/*
 * eventfd.c - conformance rows for eventfd in one thread: the counter's
 * reads and writes, EFD_SEMAPHORE, EFD_NONBLOCK's EAGAIN, sizes and
 * values that are EINVAL, poll and epoll, compared with Linux.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "groups.h"

static void rd(const char *name, int fd, size_t len)
{
	uint64_t v = 0;
	char b[16];
	long r = read(fd, b, len);
	probe_calls++;
	if (r < 0)
		say("%s = %s", name, errname(errno));
	else {
		memcpy(&v, b, 8);
		say("%s = %ld, value %llu", name, r, (unsigned long long)v);
	}
}

static long wr(int fd, uint64_t v, size_t len)
{
	char b[16] = {0};
	memcpy(b, &v, 8);
	return write(fd, b, len);
}

static int events(int fd)
{
	struct pollfd p = {fd, POLLIN | POLLOUT, 0};
	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

void group_eventfd(void)
{
	ROW("eventfd2, bad flags", syscall(SYS_eventfd2, 0, 0x10));
	int e = OK("eventfd(5)", syscall(SYS_eventfd, 5));
	struct stat st;
	if (fstat(e, &st) == 0)
		say("  fstat: type 0%o mode 0%o size %lld", st.st_mode & S_IFMT, st.st_mode & 07777,
		    (long long)st.st_size);
	ROW("  F_GETFL & O_ACCMODE", fcntl(e, F_GETFL) & O_ACCMODE);
	ROW("  poll", events(e));
	rd("read 4 bytes", e, 4);
	rd("read 8 bytes", e, 8);
	ROW("  poll after", events(e));
	int n = OK("eventfd2(0, EFD_NONBLOCK|EFD_CLOEXEC)", eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
	ROW("  FD_CLOEXEC", fcntl(n, F_GETFD));
	ROW("  F_GETFL & O_NONBLOCK", !!(fcntl(n, F_GETFL) & O_NONBLOCK));
	rd("read, counter 0, nonblocking", n, 8);
	ROW("write 4 bytes", wr(n, 1, 4));
	ROW("write 2^64 - 1", wr(n, UINT64_MAX, 8));
	ROW("write 0", wr(n, 0, 8));
	ROW("write 2^64 - 2", wr(n, UINT64_MAX - 1, 8));
	ROW("  poll, full", events(n));
	ROW("write 1 more, nonblocking", wr(n, 1, 8));
	rd("read 16 bytes", n, 16);
	ROW("write to a bad buffer", syscall(SYS_write, n, 8, 8));
	rd("read after", n, 8);
	ROW("write 7", wr(n, 7, 8));
	ROW("read to a bad buffer", syscall(SYS_read, n, 8, 8));
	rd("read after a bad buffer", n, 8);
	int s = OK("eventfd2(3, EFD_SEMAPHORE|EFD_NONBLOCK)", eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK));
	rd("semaphore read", s, 8);
	rd("semaphore read", s, 8);
	rd("semaphore read", s, 8);
	rd("semaphore read, 0", s, 8);
	char b[8];
	ROW("pread", pread(s, b, 8, 0));
	ROW("lseek", lseek(s, 0, SEEK_SET));
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u64 = 7}, got[2];
	ROW("epoll_ctl ADD, EPOLLET", epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev));
	ROW("epoll_wait, counter 0", epoll_wait(ep, got, 2, 0));
	ROW("write 2", wr(e, 2, 8));
	ROW("epoll_wait", epoll_wait(ep, got, 2, 0));
	ROW("epoll_wait, nothing new", epoll_wait(ep, got, 2, 0));
	ROW("write 3", wr(e, 3, 8));
	ROW("epoll_wait, written again", epoll_wait(ep, got, 2, 0));
	rd("read", e, 8);
	close(ep);
	close(s);
	close(n);
	close(e);
}
