/*
 * options.h - zerovm's command line, parsed the same way for a session run
 * here and for one a server runs for a client (its argv travels in the
 * request, server.h).
 */
#ifndef ZVM_OPTIONS_H
#define ZVM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct options {
	const char *manifest;
	int64_t fsize_gb;
	bool skip_validation, stop_before_run, no_prealloc, skip_selfcheck, raw, cpuid;
	int report_mode, verbosity;
	const char *trace;
	const char *json;       /* --json */
	const char *stream[16]; /* --stream */
	int nstream;
	/* Snapshots (docs/snapshots.md). */
	const char *snapshot; /* --snapshot <file> */
	const char *resume;   /* --resume <file> */
	/* Set by a daemon for its requests (daemon.c), never by argv. */
	int resume_fd;             /* the daemon's snapshot (-1: none) */
	int report_fd;             /* -1: standard output */
	const char *request_error; /* a request that could not be read: report this */
	/* Server mode (docs/zerovm.1.md, SERVER MODE). */
	const char *serve;   /* --serve <socket> */
	const char *connect; /* --connect <socket> */
	int pool;            /* --pool: sealed sandboxes kept ready */
	int max_sessions;    /* --max-sessions: sessions at once */
	int queue;           /* --queue: requests waiting for a sandbox */
};

extern const char options_usage[];

/* Parse argv into o. 0, or -1 with a message in msg (for "zerovm: %s").
 * --help and --version are the caller's. Resets getopt first, so that it
 * can run more than once in a process. */
int options_parse(int argc, char **argv, struct options *o, char *msg, size_t msglen);

#endif
