/*
 * util.c - the C library pieces the runtime needs, its formatter, and its
 * way out.
 *
 * memcpy, memmove, memset, memcmp and strlen are the raw guests' own
 * (lib/zvm_mem.c, built into the runtime too); the string functions below
 * are the rest. Nothing
 * here has state or uses another file of the runtime.
 */
#include <asm/unistd.h>
#include <stdarg.h>

#include "zrt.h"

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return 0;
	}
}

/* ---- formatting ---------------------------------------------------------- */

struct out {
	char *buf;
	size_t n, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->n)
		o->buf[o->len] = c;
	o->len++;
}

static void put_u(struct out *o, unsigned long long v, unsigned base)
{
	char tmp[24];
	int i = 0;
	do {
		tmp[i++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (i)
		put(o, tmp[--i]);
}

size_t zrt_vfmt(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct out o = {buf, n, 0};
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		int lng = 0;
		fmt++;
		while (*fmt == 'l' || *fmt == 'z')
			lng++, fmt++;
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			for (s = s ? s : "(null)"; *s; s++)
				put(&o, *s);
			break;
		}
		case 'c': put(&o, (char)va_arg(ap, int)); break;
		case 'd': {
			long long v = lng ? va_arg(ap, long long) : va_arg(ap, int);
			if (v < 0)
				put(&o, '-'), put_u(&o, 0ull - (unsigned long long)v, 10);
			else
				put_u(&o, (unsigned long long)v, 10);
			break;
		}
		case 'u': put_u(&o, lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned), 10); break;
		case 'x': put_u(&o, lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned), 16); break;
		case '%': put(&o, '%'); break;
		default: put(&o, '?'); break;
		}
	}
	if (n)
		buf[o.len < n ? o.len : n - 1] = 0;
	return o.len;
}

size_t zrt_fmt(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t r = zrt_vfmt(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

/* The end: the supervisor ends the sandbox on TrapExit and reports code. */
__attribute__((noreturn)) void zrt_exit(int code)
{
	static uint64_t a[6]; /* read by the supervisor: not on the signal stack */
	a[0] = TrapExit, a[2] = (uint64_t)(int64_t)code;
	for (;;) {
		zrt_trap(a);
		zrt_syscall6(__NR_exit_group, code, 0, 0, 0, 0, 0); /* not reached */
	}
}
