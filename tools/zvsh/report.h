/*
 * report.h - zerovm's report (docs/report.md) turned into zvsh's exit
 * status.
 */
#ifndef ZVSH_REPORT_H
#define ZVSH_REPORT_H

#include "plan.h"
#include "tool.h"
#include "workdir.h"
#include "zerovm.h"

/* What zvsh saw of a zerovm that ran. */
struct report_input {
	struct tool_buf report; /* its standard output: the report */
	struct tool_buf msg;    /* its standard error: its own messages, unless --verbose showed them */
	int wstatus;            /* its wait status */
	int forwarded;          /* the last signal zvsh passed on to it, 0 if none */
};

/* How the program ended, for what depends on it (--bind's write-back). */
struct report_end {
	bool ended;    /* by itself: the exit state is "ok" */
	char why[200]; /* when not: "the program was killed by signal 11", ... */
};

/*
 * zvsh's exit status (EXIT STATUS in docs/zvsh.1.md) from what zerovm left
 * in in; prints what the user should see ("zvsh: <exit state>", the report
 * when asked for, zerovm's messages when there is no report) and, with
 * --keep, writes the report into w. in->report is made a string.
 */
int report_outcome(struct workdir *w, struct tool_log *lg, const struct zvsh_plan *p, struct report_input *in,
		   struct report_end *end);

#endif
