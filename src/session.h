/*
 * session.h - one run of one program: everything the event loop and the
 * report need, passed around as one context (no globals).
 */
#ifndef ZVM_SESSION_H
#define ZVM_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

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

	int report_mode;     /* -t: 0 stdout, 1 syslog, 2 stdout + per-second accounting */
	int verbosity;       /* -v */
	struct trace trace;  /* -T (trace.f NULL when off) */
	double t0;           /* session start, seconds (CLOCK_MONOTONIC) */
	int64_t deadline_ms; /* when the sandbox is killed (CLOCK_MONOTONIC ms) */

	/* Snapshots and daemon mode (docs/snapshots.md, snapshot.h). */
	const char *snap_path; /* --snapshot: where the first resumable fork is written */
	bool snap_taken;       /* that snapshot was written */
	uint32_t snap_flags;   /* SNAP_F_* (snapfmt.h): the options a snapshot depends on */
	bool resumed;          /* this session started from a snapshot */
	bool served;           /* run by a --serve worker: Job does not make a daemon */
	bool daemon;           /* Job: the fork made this session a daemon (report line 2) */
	int daemon_snap;       /* Job: memfd holding the daemon's snapshot (-1: none) */
	int report_fd;         /* where the report goes (STDOUT_FILENO) */
	bool report_framed;    /* a daemon's request: "0x%06x" length first, as the original */

	int32_t user_code;
	bool exited_by_trap;
	double sys_time, user_time; /* sandbox + supervisor, seconds */
	int64_t peak_rss;           /* the sandbox's peak resident memory, bytes (0: it never ran) */
};

/* CLOCK_MONOTONIC now, in seconds. */
static inline double session_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static inline double timeval_seconds(struct timeval t)
{
	return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

#endif
