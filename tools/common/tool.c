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
#include <sys/stat.h>
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

/* Decimal digits at *s (at least one), advancing *s past them: 0 and the
 * number, or -1 when there is none or it overflows. */
static int parse_digits(const char **s, uint64_t *out)
{
	const char *p = *s;
	if (*p < '0' || *p > '9')
		return -1;
	uint64_t v = 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*s = p;
	*out = v;
	return 0;
}

int tool_parse_uint(const char *s, uint64_t *out)
{
	return parse_digits(&s, out) < 0 || *s ? -1 : 0;
}

int tool_parse_size(const char *s, uint64_t *out)
{
	uint64_t v;
	if (parse_digits(&s, &v) < 0)
		return -1;
	unsigned shift = 0;
	switch (*s) {
	case 'k':
	case 'K': shift = 10; break;
	case 'm':
	case 'M': shift = 20; break;
	case 'g':
	case 'G': shift = 30; break;
	case 't':
	case 'T': shift = 40; break;
	case 0: break;
	default: return -1;
	}
	if (shift && *++s)
		return -1;
	if (v > (UINT64_MAX >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

static int usage_error(struct tool_log *lg, const char *what, const char *arg)
{
	tool_fail(lg, TOOL_EXIT_USAGE, "%s%s", what, arg);
	fprintf(stderr, "Try '%s --help'.\n", lg->prog);
	return TOOL_OPT_BAD;
}

int tool_option(struct tool_log *lg, int argc, char **argv, int *i, const struct tool_option *opts, size_t n,
		const char **val)
{
	*val = NULL;
	if (*i >= argc)
		return TOOL_OPT_END;
	const char *a = argv[*i];
	if (strcmp(a, "--") == 0) {
		++*i;
		return TOOL_OPT_END;
	}
	if (a[0] != '-' || a[1] == 0)
		return TOOL_OPT_END; /* an operand; "-" alone is not an option either */
	size_t alen = strcspn(a, "=");
	const struct tool_option *o = NULL;
	for (size_t k = 0; k < n && !o; k++)
		if (strlen(opts[k].name) == alen && strncmp(a, opts[k].name, alen) == 0)
			o = &opts[k];
	/* A two-letter option with its value attached: -j4. */
	for (size_t k = 0; k < n && !o; k++)
		if (strlen(opts[k].name) == 2 && opts[k].arg == TOOL_ARG_REQUIRED && a[1] != '-' &&
		    strncmp(a, opts[k].name, 2) == 0) {
			o = &opts[k];
			*val = a + 2;
			++*i;
			return o->id;
		}
	if (!o)
		return usage_error(lg, "unknown option ", a);
	if (a[alen] == '=') {
		if (o->arg == TOOL_ARG_NONE)
			return usage_error(lg, "this option takes no value: ", a);
		*val = a + alen + 1;
	} else if (o->arg == TOOL_ARG_REQUIRED) {
		if (*i + 1 >= argc)
			return usage_error(lg, "this option needs a value: ", a);
		*val = argv[++*i];
	}
	++*i;
	return o->id;
}

int tool_mkdirs(char *path)
{
	for (char *s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		int r = mkdir(path, 0700);
		*s = '/';
		if (r < 0 && errno != EEXIST)
			return -1;
	}
	return mkdir(path, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int64_t tool_pread_fd(void *ctx, void *buf, size_t len, uint64_t off)
{
	int fd = *(const int *)ctx;
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (int64_t)done;
}
