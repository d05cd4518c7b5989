/*
 * tool.c - messages, growable arrays and text, writing all of a buffer
 * (tool.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"

/* "<prog>: <message>" on stderr. */
__attribute__((format(printf, 2, 0))) static void vsay(const struct tool_log *lg, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", lg->prog ? lg->prog : "zerovm-tool");
	if (lg->where)
		fprintf(stderr, "%s: ", lg->where);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int tool_fail(struct tool_log *lg, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(lg, fmt, ap);
	va_end(ap);
	if (!lg->status)
		lg->status = status;
	return -1;
}

int tool_oom(struct tool_log *lg)
{
	return tool_fail(lg, TOOL_EXIT_USAGE, "out of memory");
}

void tool_note(const struct tool_log *lg, const char *fmt, ...)
{
	if (!lg->verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsay(lg, fmt, ap);
	va_end(ap);
}

void *tool_grow(void *arr, size_t *cap, size_t len, size_t elem)
{
	if (len < *cap)
		return arr;
	size_t n = *cap ? *cap * 2 : 8;
	void *p = reallocarray(arr, n, elem);
	if (p)
		*cap = n;
	return p;
}

void tool_buf_printf(struct tool_buf *b, const char *fmt, ...)
{
	if (b->oom)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		size_t room = b->cap - b->len;
		int n = vsnprintf(b->p ? b->p + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = b->cap ? b->cap : 1024;
		while (cap - b->len <= (size_t)n)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
}

int tool_write_all(int fd, const void *data, size_t len)
{
	const char *d = data;
	while (len) {
		ssize_t n = write(fd, d, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		d += n;
		len -= (size_t)n;
	}
	return 0;
}

int tool_put_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EAGAIN) {
			struct pollfd pf = {.fd = fd, .events = POLLOUT};
			poll(&pf, 1, -1);
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

char *tool_join(const char *dir, const char *name)
{
	char *s;
	size_t n = strlen(dir);
	if (asprintf(&s, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name) < 0)
		return NULL;
	return s;
}
