/*
 * zerovm.h - running zerovm: finding it, the stop signals, starting it on
 * chosen descriptors, and reading its six-line report (docs/report.md).
 *
 * What a tool does while zerovm runs (relaying streams, serving many
 * sessions at once) is the tool's own; these are the steps every tool
 * takes the same way.
 */
#ifndef TOOL_ZEROVM_H
#define TOOL_ZEROVM_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "tool.h"

/* Most descriptors zerovm is started with (0, 1, 2 and those above). */
#define ZEROVM_FDS_MAX 32

/* What the tool was given, restored for zerovm. */
struct zerovm_signals {
	sigset_t mask;        /* the signal mask before zerovm_block_signals */
	bool sigpipe_ignored; /* SIGPIPE was ignored */
};

/* SIGINT, SIGTERM, SIGHUP and SIGCHLD: what a tool reads from a signalfd
 * while zerovm runs. */
void zerovm_stop_set(sigset_t *s);
/* Block the set of zerovm_stop_set (what was there before is kept in sig,
 * for zerovm), ignore SIGPIPE, and take SIGCHLD's default action back (an
 * inherited SIG_IGN would reap zerovm behind the tool's back). */
void zerovm_block_signals(struct zerovm_signals *sig);
/* A stop signal (not SIGCHLD) that came while blocked: its number, or 0. */
int zerovm_stop_pending(void);

/* $ZEROVM; else "zerovm" beside the tool's own executable; else in
 * $PATH. malloc'd, or NULL (said in lg, 127). */
char *zerovm_find(struct tool_log *lg);
/* What a tool keeps of zerovm's report pipe or messages: a report is six
 * short lines; more is dropped (and then no report is found). */
#define ZEROVM_CAPTURE_MAX 65536
/* Append what the non-blocking fd has to b, up to ZEROVM_CAPTURE_MAX, or
 * copy it to stderr when echo. false at its end or on an error, true when
 * nothing more is there for now. */
bool zerovm_capture(int fd, struct tool_buf *b, bool echo);

/* The same search for another program of the build (zvns): $env_name,
 * name beside the tool's executable, name in $PATH. malloc'd, or NULL
 * (not found, or out of memory; nothing said). */
char *zerovm_find_companion(const char *name, const char *env_name);

/* How to start zerovm. */
struct zerovm_spawn {
	char **argv;                      /* argv[0] is zerovm's path */
	const int *src;                   /* the tool's descriptor for each of zerovm's 0..n-1 (-1: closed there) */
	int n;                            /* at most ZEROVM_FDS_MAX */
	const struct zerovm_signals *sig; /* restored in zerovm */
};

/*
 * Fork and exec zerovm with the descriptors of sp (nothing else of the
 * tool's reaches it; it gets SIGTERM when the tool dies), and wait until
 * the exec has happened. The child's pid, or -1 when it could not be run
 * (said in lg: 127 when not found, 126 else; the child is reaped).
 */
pid_t zerovm_start(const struct zerovm_spawn *sp, struct tool_log *lg);

/*
 * The last six lines of text (zerovm's report) into line[0..5], in place
 * (text[0..len) must be writable and text[len] a NUL). false when there
 * are fewer than six.
 */
bool zerovm_report_split(char *text, size_t len, char *line[6]);

#endif
