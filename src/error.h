/*
 * error.h - how the supervisor carries a failure to the report.
 *
 * Internally functions return -errno. The first failure that ends a session
 * is recorded once in a struct zvm_error: ZeroVM's process exit code (an
 * errno value, see docs/zerovm.1.md, EXIT STATUS), where it happened and a message.
 * Later failures never overwrite the first, so the report names the cause.
 */
#ifndef ZVM_ERROR_H
#define ZVM_ERROR_H

#include <stdarg.h>
#include <stdbool.h>

#define ZVM_ERROR_MSG_MAX 512

/* ZeroVM's process exit codes (errno values of the first failure). */
enum zvm_exit {
	ZVM_EXIT_OK = 0,
	ZVM_EXIT_NOENT = 2,     /* program missing */
	ZVM_EXIT_SIGNAL = 4,    /* EINTR: signal, timeout, disk quota (-l) */
	ZVM_EXIT_IO = 5,        /* EIO */
	ZVM_EXIT_NOEXEC = 8,    /* ENOEXEC: bad executable, validation failed */
	ZVM_EXIT_NOMEM = 12,    /* ENOMEM */
	ZVM_EXIT_MANIFEST = 14, /* EFAULT: manifest or configuration error */
	ZVM_EXIT_INVAL = 22,    /* EINVAL: bad command line, useless channel */
	ZVM_EXIT_NFILE = 23,    /* ENFILE: too many channels */
	ZVM_EXIT_PIPE = 32,     /* EPIPE: network etag mismatch */
	ZVM_EXIT_PROTO = 93,    /* EPROTONOSUPPORT: unsupported channel source */
};

struct zvm_error {
	int code;                    /* enum zvm_exit, 0 = no error yet */
	char msg[ZVM_ERROR_MSG_MAX]; /* "<where>: <message>" */
};

/* Record the first failure; later calls are ignored. Returns false so that
 * callers can write `return zvm_fail(...)` in bool functions. */
bool zvm_fail(struct zvm_error *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool zvm_vfail(struct zvm_error *e, int code, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

#endif
