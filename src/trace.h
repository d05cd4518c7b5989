/*
 * trace.h - zerovm -T FILE: one line per trap call, bounded like a channel.
 *
 * The file gets the original's header line ("[PID] " and 48 zeros), then
 * "START [DURATION]: NAME(ARGS) = RESULT" per call (docs/traps.md,
 * "Tracing with -T"). A program that makes calls as fast as it can must not
 * fill the host's disk through the trace: after TRACE_MAX_BYTES the trace
 * ends with one line saying so, and the report says it was cut. A write
 * error stops the trace too; the session then ends with exit code 5.
 */
#ifndef ZVM_TRACE_H
#define ZVM_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define TRACE_MAX_BYTES (16ll << 20)

struct trace {
	FILE *f; /* NULL: not tracing */
	const char *path;
	int64_t bytes;     /* written so far */
	int64_t max;       /* TRACE_MAX_BYTES */
	uint64_t untraced; /* calls after the cut */
	bool cut;
	int err; /* first write error (errno), 0 if none */
};

/* Open path for appending and write the header. -errno on failure. */
int trace_open(struct trace *t, const char *path);

/* One call: a[] are the trap's arguments as the supervisor read them. */
void trace_call(struct trace *t, const uint64_t *a, int64_t rc, double start, double end, double t0);

/* Close it: the cut line's count, and any error from the last writes. */
void trace_close(struct trace *t);

#endif
