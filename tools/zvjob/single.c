/*
 * single.c - one node of a plan, run alone (single.h).
 *
 * The steps of run.c for one node: prepare it against the whole plan (its
 * channels name its peers), then hand the runner a plan of that node only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node.h"
#include "report.h"
#include "runner.h"
#include "single.h"
#include "workdir.h"
#include "zerovm.h"

/* "udp:" IPv4 ":" port: what a manifest's NameServer takes. */
static bool nameserver_ok(const char *s)
{
	unsigned a, b, c, d, port;
	char end;
	return sscanf(s, "udp:%u.%u.%u.%u:%u%c", &a, &b, &c, &d, &port, &end) == 5 && a < 256 && b < 256 && c < 256 &&
	       d < 256 && port > 0 && port < 65536;
}

int single_run(const struct plan *p, const struct single_opts *o, struct tool_log *lg)
{
	if (o->node == 0 || o->node > p->n)
		return tool_fail(lg, TOOL_EXIT_USAGE, "--node %u: the plan has nodes 1 to %zu", o->node, p->n),
		       TOOL_EXIT_USAGE;
	const struct plan_node *n = &p->node[o->node - 1];
	if (n->nin + n->nout && !o->nameserver)
		return tool_fail(lg, TOOL_EXIT_USAGE,
				 "--node %u: node %s has network channels: give the job's --nameserver udp:IP:PORT",
				 o->node, n->name),
		       TOOL_EXIT_USAGE;
	if (o->nameserver && !nameserver_ok(o->nameserver))
		return tool_fail(lg, TOOL_EXIT_USAGE, "--nameserver '%s': expected udp:IPv4:PORT", o->nameserver),
		       TOOL_EXIT_USAGE;
	struct zerovm_signals sig;
	zerovm_block_signals(&sig);
	struct workdir wd = {0};
	struct node_files f = {0};
	struct node_result r = {0};
	struct job_summary s = {.status = "failed"};
	/* The runner's plan: this node alone, its own component. */
	struct plan_node one = *n;
	one.component = 1;
	struct plan sub = {.job = p->job, .node = &one, .n = 1, .ncomp = 1};
	struct node_env e = {.root = o->root,
			     .memory = o->memory,
			     .timeout = o->timeout,
			     .verbose = o->verbose,
			     .nameserver = n->nin + n->nout ? o->nameserver : NULL};
	char where[96];
	char *zvm = zerovm_find(lg);
	int status = TOOL_EXIT_USAGE;
	if (!zvm) {
		status = lg->status;
		goto out;
	}
	if (workdir_open(&wd, lg, NULL, "zvjob") < 0)
		goto out;
	e.wd = &wd;
	snprintf(where, sizeof where, "node %s", n->name);
	lg->where = where;
	int prep = node_prepare(&e, lg, p, n, &f);
	lg->where = NULL;
	if (prep < 0)
		goto out;
	struct runner_opts ro = {.jobs = 1, .verbose = o->verbose, .zerovm = zvm, .connect = o->connect, .sig = &sig};
	status = runner_run(&sub, &f, &r, &ro, &s, lg);
	if (o->report && report_write(o->report, &sub, &r, &s, lg) < 0 && status == 0)
		status = 1;
out:
	workdir_close(&wd);
	node_free(&f);
	free(r.reason);
	free(r.etags);
	free(r.accounting);
	free(r.state);
	free(zvm);
	return status;
}
