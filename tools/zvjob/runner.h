/*
 * runner.h - run the prepared nodes of a plan: components started
 * together, at most -j nodes at a time, failures ending their peers,
 * outputs committed or removed, collected streams printed in node order.
 *
 * Scheduling. Components (nodes joined by channels) start whole, in plan
 * order, when there is room for all their nodes among -j; one that is
 * larger than -j starts alone, all its nodes at once, when nothing else
 * runs (its nodes wait for each other, so it cannot run in parts), and
 * nothing behind it starts before it: no component waits for ever.
 *
 * Failures. A node fails when zerovm's exit state is not ok or the
 * program's return code is not 0. Its running peers (its component) are
 * stopped at once (SIGTERM to their zerovm, which ends the session and
 * reports). Then, by default, every other running node is stopped too and
 * nothing more starts; with keep_going, independent components go on.
 * SIGINT, SIGTERM and SIGHUP to zvjob are passed to every running zerovm,
 * and nothing more starts.
 */
#ifndef ZVJOB_RUNNER_H
#define ZVJOB_RUNNER_H

#include <stdbool.h>

#include "node.h"
#include "plan.h"
#include "report.h"
#include "tool.h"
#include "zerovm.h"

struct runner_opts {
	unsigned jobs;   /* nodes at a time (-j), at least 1 */
	bool keep_going; /* -k: a failure stops its own component only */
	bool verbose;    /* zerovm -v 1, its messages shown */
	const char *zerovm;
	const char *connect; /* zerovm --connect SOCKET, or NULL */
	const struct zerovm_signals *sig;
};

/*
 * Run every node of p with its files f[0..p->n), filling r[0..p->n) and
 * s. Returns 0 when every node ended ok, 1 when one did not, 128 + N when
 * zvjob was stopped by signal N. Messages (a node that failed, and why)
 * are printed as it goes.
 */
int runner_run(const struct plan *p, struct node_files *f, struct node_result *r, const struct runner_opts *o,
	       struct job_summary *s, struct tool_log *lg);

#endif
