/*
 * probe.h - the conformance probe's printing helpers.
 *
 * Every row prints one line, "name = result": a value, "ok", a relation
 * that holds ("ok") or does not ("FAILED ..."), or the errno's *name*.
 * Nothing host-specific is printed (no pids, times, inode numbers, uids,
 * host paths), so the native run and the sandboxed run print the same text
 * when the runtime answers as Linux does. Output goes straight to
 * descriptor 1 with write(): nothing is lost in a stdio buffer when a group
 * ends by a signal.
 */
#ifndef PROBE_H
#define PROBE_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern int probe_calls; /* rows printed, reported at the end of a group */

static inline const char *errname(int e)
{
	/* One name per errno the probe may meet. */
	// clang-format off
#define E(x) case x: return #x;
	switch (e) {
	E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(ENXIO) E(E2BIG) E(ENOEXEC) E(EBADF) E(ECHILD)
	E(EAGAIN) E(ENOMEM) E(EACCES) E(EFAULT) E(EBUSY) E(EEXIST) E(EXDEV) E(ENODEV) E(ENOTDIR)
	E(EISDIR) E(EINVAL) E(ENFILE) E(EMFILE) E(ENOTTY) E(EFBIG) E(ENOSPC) E(ESPIPE) E(EROFS)
	E(EMLINK) E(EPIPE) E(ERANGE) E(ENAMETOOLONG) E(ENOSYS) E(ENOTEMPTY) E(ELOOP) E(ENODATA)
	E(EOVERFLOW) E(ENOTSOCK) E(EOPNOTSUPP) E(ETIMEDOUT) E(EDQUOT)
	default: {
		static char buf[32];
		snprintf(buf, sizeof buf, "E%d", e);
		return buf;
	}
	}
#undef E
	// clang-format on
}

__attribute__((format(printf, 1, 2))) static inline void say(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof buf - 2)
		n = (int)sizeof buf - 2;
	buf[n++] = '\n';
	for (int off = 0; off < n;) {
		ssize_t w = write(1, buf + off, (size_t)(n - off));
		if (w <= 0)
			return;
		off += (int)w;
	}
}

/* A call that returns -1 and sets errno on failure: its value or errno. */
static inline long row_(const char *name, long r, int e)
{
	probe_calls++;
	if (r == -1)
		say("%s = %s", name, errname(e));
	else
		say("%s = %ld", name, r);
	return r;
}
#define ROW(name, call)                 \
	({                              \
		errno = 0;              \
		long r_ = (long)(call); \
		row_(name, r_, errno);  \
	})

/* The same, printing "ok" for success whatever the value (a descriptor
 * number, an address). */
static inline long rowok_(const char *name, long r, int e)
{
	probe_calls++;
	if (r == -1)
		say("%s = %s", name, errname(e));
	else
		say("%s = ok", name);
	return r;
}
#define OK(name, call)                   \
	({                               \
		errno = 0;               \
		long r_ = (long)(call);  \
		rowok_(name, r_, errno); \
	})

/* A call that returns an error number (pthread_*, posix_spawn). */
static inline int rowerr_(const char *name, int r)
{
	probe_calls++;
	say("%s = %s", name, r ? errname(r) : "0");
	return r;
}
#define ERR(name, call) rowerr_(name, (call))

/* A relation that must hold; the value is printed only when it does not. */
#define REL(name, cond) say("%s = %s", name, (cond) ? "ok" : "FAILED")

#endif
