/*
 * run.c - a planned job from start to end (run.h).
 *
 * In order: the stop signals are kept (a Ctrl-C now still cleans up);
 * zerovm is found; the work directory is made; every node is prepared
 * (node.c) — a node that cannot be (a missing program, a missing object)
 * refuses the whole job before anything runs; the name server starts if
 * the job has channels; the nodes run (runner.c); the report is written;
 * the work directory goes. The last line said is the job's outcome.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nameserver.h"
#include "node.h"
#include "report.h"
#include "run.h"
#include "runner.h"
#include "workdir.h"
#include "zerovm.h"

/* Every node's files; a failure refuses the job (said in lg). */
static int prepare(const struct plan *p, const struct run_opts *o, struct workdir *wd, const char *ns,
		   struct node_files *f, struct tool_log *lg)
{
	struct node_env e = {.root = o->root,
			     .wd = wd,
			     .memory = o->memory,
			     .timeout = o->timeout,
			     .verbose = o->verbose,
			     .nameserver = ns};
	for (size_t i = 0; i < p->n; i++) {
		char where[1200];
		snprintf(where, sizeof where, "%s: node \"%s\"", p->job->source, p->node[i].name);
		lg->where = where;
		int r = node_prepare(&e, lg, p, &p->node[i], &f[i]);
		lg->where = NULL;
		if (r < 0)
			return -1;
	}
	return 0;
}

/* The outcome, said last. */
static void say_outcome(const struct plan *p, const struct node_result *r, const struct job_summary *s, int status,
			struct tool_log *lg)
{
	size_t n[NODE_STOPPED + 1] = {0};
	for (size_t i = 0; i < p->n; i++)
		n[r[i].status]++;
	if (status == 0)
		return;
	char counts[160];
	snprintf(counts, sizeof counts, "%zu ok, %zu failed, %zu stopped, %zu not run", n[NODE_OK], n[NODE_FAILED],
		 n[NODE_STOPPED], n[NODE_NOT_RUN]);
	if (status > 128)
		fprintf(stderr, "%s: the job was stopped by signal %d (%s): %s\n", lg->prog, status - 128,
			strsignal(status - 128), counts);
	else if (s->failed)
		fprintf(stderr, "%s: the job failed: node %s (id %u) failed: %s (%s)\n", lg->prog, s->failed->name,
			s->failed->id, s->reason, counts);
	else
		fprintf(stderr, "%s: the job failed (%s)\n", lg->prog, counts);
}

int run_job(const struct plan *p, const struct run_opts *o, struct tool_log *lg)
{
	struct zerovm_signals sig;
	zerovm_block_signals(&sig);
	struct workdir wd = {0};
	struct nameserver ns = {.pid = -1};
	struct node_files *f = calloc(p->n, sizeof *f);
	struct node_result *r = calloc(p->n, sizeof *r);
	struct job_summary s = {.status = "failed"};
	bool channels = false;
	for (size_t i = 0; i < p->n; i++)
		channels = channels || p->node[i].nout;
	char *zvm = zerovm_find(lg);
	int status;
	if (!f || !r) {
		status = (tool_oom(lg), RUN_EXIT_REFUSED);
	} else if (!zvm) {
		status = lg->status;
	} else if (workdir_open(&wd, lg, NULL, "zvjob") < 0 || (channels && nameserver_start(&ns, p, &sig, lg) < 0) ||
		   prepare(p, o, &wd, ns.addr, f, lg) < 0) {
		status = RUN_EXIT_REFUSED;
	} else {
		struct runner_opts ro = {.jobs = o->jobs,
					 .keep_going = o->keep_going,
					 .verbose = o->verbose,
					 .zerovm = zvm,
					 .sig = &sig};
		status = runner_run(p, f, r, &ro, &s, lg);
		if (status == 0 && lg->status)
			status = RUN_EXIT_FAILED; /* a node's collected output could not be printed whole */
		if (o->report && report_write(o->report, p, r, &s, lg) < 0 && status == 0)
			status = RUN_EXIT_FAILED;
		say_outcome(p, r, &s, status, lg);
	}
	nameserver_stop(&ns);
	workdir_close(&wd);
	for (size_t i = 0; f && r && i < p->n; i++) {
		node_free(&f[i]);
		free(r[i].reason);
		free(r[i].etags);
		free(r[i].accounting);
		free(r[i].state);
	}
	free(f);
	free(r);
	free(zvm);
	return status;
}
