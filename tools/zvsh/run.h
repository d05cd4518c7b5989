/*
 * run.h - run zerovm on the prepared manifest: the program's standard
 * streams on inherited descriptors, zerovm's report on a pipe of its own,
 * stop signals forwarded (run.c says how).
 */
#ifndef ZVSH_RUN_H
#define ZVSH_RUN_H

#include <signal.h>
#include <stdbool.h>

#include "channel.h"
#include "plan.h"
#include "util.h"
#include "workdir.h"

/* What zvsh was given, restored for zerovm. */
struct run_signals {
	sigset_t mask;        /* the signal mask before run_block_signals */
	bool sigpipe_ignored; /* SIGPIPE was ignored */
};

/* Block SIGINT, SIGTERM, SIGHUP and SIGCHLD for the signalfd of
 * run_zerovm (what was there before is kept in sig, for zerovm), ignore
 * SIGPIPE. */
void run_block_signals(struct run_signals *sig);
/* Run zerovm on the manifest (its channels cs) and wait for it: zvsh's
 * exit status (EXIT STATUS in docs/zvsh.1.md), messages printed. */
int run_zerovm(struct zvsh_workdir *w, struct zvsh_log *lg, const struct zvsh_plan *p, const struct zvsh_channels *cs,
	       const char *manifest, const struct run_signals *sig);

#endif
