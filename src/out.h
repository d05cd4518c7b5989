/*
 * out.h - zerovm's own writes to its standard streams and the trace, bounded
 * by a deadline.
 *
 * The session's timeout holds on the output side too: a reader that never
 * reads zerovm's standard output (or error) must not keep zerovm alive past
 * the session's deadline plus a short grace. Every write of zerovm's own
 * (the report, the per-second accounting line, its messages) waits for the
 * descriptor with poll() and writes at most PIPE_BUF bytes at a time, which
 * a pipe that polled writable takes without blocking; past the deadline it
 * gives up. What was already written stays in the pipe for the reader.
 */
#ifndef ZVM_OUT_H
#define ZVM_OUT_H

#include <stddef.h>
#include <stdint.h>

#define OUT_GRACE_MS 1000 /* after the session's deadline */

/* Write n bytes to fd, waiting for it no later than deadline_ms
 * (CLOCK_MONOTONIC milliseconds; 0: no deadline). 0, or -errno (-ETIMEDOUT
 * when the deadline passed first; bytes may have been written). */
int out_write(int fd, const void *buf, size_t n, int64_t deadline_ms);

/* The same for a formatted line (truncated at 4 KiB). */
int out_printf(int fd, int64_t deadline_ms, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* CLOCK_MONOTONIC now, in milliseconds. */
int64_t out_now_ms(void);

#endif
