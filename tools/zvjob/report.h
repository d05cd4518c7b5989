/*
 * report.h - what became of each node, and the job's report file
 * (--report FILE, docs/jobs.md "The report").
 */
#ifndef ZVJOB_REPORT_H
#define ZVJOB_REPORT_H

#include <stdbool.h>

#include "plan.h"
#include "tool.h"

enum node_status {
	NODE_NOT_RUN, /* never started: the job stopped first */
	NODE_RUNNING,
	NODE_OK,      /* ended by itself with return code 0, exit state ok */
	NODE_FAILED,  /* anything else, on its own */
	NODE_STOPPED, /* ended by zvjob: a peer failed, or zvjob was stopped */
};

/* What zerovm said of a node, and what zvjob made of it. */
struct node_result {
	enum node_status status;
	char *reason;      /* why it is not ok ("return code 1", "stopped: node map-2 failed"), or NULL */
	bool reported;     /* zerovm printed its report; the fields below are read from it */
	int validator;     /* report line 1 */
	long long retcode; /* line 3: the program's return code */
	char *etags;       /* line 4 */
	char *accounting;  /* line 5 */
	char *state;       /* line 6: the exit state */
	int exit_code;     /* zerovm's exit code, or 128 + N when it died of signal N; -1 when not run */
	double wall;       /* seconds from start to end */
};

/* What the job came to. */
struct job_summary {
	const char *status;             /* "ok", "failed", "interrupted" */
	const struct plan_node *failed; /* the first node that failed on its own, or NULL */
	const char *reason;             /* why, or NULL */
	double wall;
};

const char *report_status_name(enum node_status s);
/* Write the report of p (results r[0..p->n), s) to path: a temporary name
 * beside it, then renamed. 0, or -1 (said in lg). */
int report_write(const char *path, const struct plan *p, const struct node_result *r, const struct job_summary *s,
		 struct tool_log *lg);

#endif
