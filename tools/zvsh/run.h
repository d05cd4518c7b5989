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
#include "report.h"
#include "tool.h"
#include "workdir.h"
#include "zerovm.h"

/* What run_zerovm returns when zerovm refused the snapshot p->resume
 * names (stale, damaged; snap.c): nothing ran, nothing was said. */
#define RUN_SNAPSHOT_REFUSED (-1000)

/* Run zerovm on the manifest (its channels cs) and wait for it: zvsh's
 * exit status (EXIT STATUS in docs/zvsh.1.md), messages printed. */
int run_zerovm(struct workdir *w, struct tool_log *lg, const struct zvsh_plan *p, const struct zvsh_channels *cs,
	       const char *manifest, const struct zerovm_signals *sig, struct report_end *end);

#endif
