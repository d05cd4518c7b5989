/*
 * session.h - one run of one program: everything the event loop and the
 * report need, passed around as one context (no globals).
 */
#ifndef ZVM_SESSION_H
#define ZVM_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "channel.h"
#include "elf.h"
#include "error.h"
#include "guest.h"
#include "manifest.h"
#include "sandbox.h"
#include "trace.h"

struct session {
	struct manifest m;
	struct guest g;
	struct channels cs;
	struct channel_opts copts;
	struct sandbox sb;
	struct zvm_error err;
	enum validation_state vstate;

	int report_mode; /* -t: 0 stdout, 1 syslog, 2 stdout + per-second accounting */
	int verbosity;   /* -v */
	struct trace trace; /* -T (trace.f NULL when off) */
	double t0;       /* session start, seconds (CLOCK_MONOTONIC) */
	double last;     /* time of the previous trace line */
	int64_t deadline_ms;

	int32_t user_code;
	bool exited_by_trap;
	double sys_time, user_time; /* sandbox + supervisor, seconds */
};

double session_now(void);

/* Block the signals the trap loop waits for; call before starting the
 * sandbox so that none is lost before the loop runs. */
void trap_block_signals(void);

/* Serve traps until the program ends, the timeout expires or the session
 * must stop (disk quota, supervisor signal). Leaves the outcome in s->err
 * (nothing for a normal end) and s->user_code. */
void trap_serve(struct session *s);

/* The six-line report (docs/report.md) to stdout or syslog, on lines of
 * its own after the program's output: a newline first when that output
 * does not end with one, and at the end of a standard output that is a
 * file (a random-write channel may have written anywhere in it). note, if
 * not NULL, is appended to the exit state ("; trace cut ..."). Written by
 * deadline_ms at the latest. 0, or -errno when it could not be written. */
int report_print(const struct session *s, const char *memory_etag, const char *note, int64_t deadline_ms);
/* The accounting line (report line 5) into buf. */
void report_accounting(const struct session *s, char *buf, size_t n);

#endif
