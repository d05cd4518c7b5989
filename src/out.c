/*
 * out.c - bounded writes to zerovm's own streams, see out.h.
 */
#include "out.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int64_t out_now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int out_write(int fd, const void *buf, size_t n, int64_t deadline_ms)
{
	const char *p = buf;
	while (n > 0) {
		int64_t left = deadline_ms ? deadline_ms - out_now_ms() : -1;
		if (deadline_ms && left <= 0)
			return -ETIMEDOUT;
		struct pollfd pf = {.fd = fd, .events = POLLOUT};
		int r = poll(&pf, 1, left < 0 ? -1 : left > INT_MAX ? INT_MAX : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			continue; /* the loop's top decides */
		if (pf.revents & POLLNVAL)
			return -EBADF;
		/* POLLERR and POLLHUP: the write below says what is wrong. */
		ssize_t w = write(fd, p, n < PIPE_BUF ? n : PIPE_BUF);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int out_printf(int fd, int64_t deadline_ms, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	return out_write(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1, deadline_ms);
}
