/*
 * plan.h - a job expanded into instances and channels (the planner's
 * second half, after job.h).
 *
 * plan_build() turns the groups of a parsed job into nodes, with ids 1..N
 * in the job's order: a group with a '*' in a device that is read becomes
 * one node per object of the listing that matches (name-1..name-N, in the
 * objects' sorted order; the matched part replaces the '*' of the paths it
 * writes), a group with a count of N > 1 becomes N nodes (the instance's
 * number replaces the '*' of the paths it writes), any other one node of
 * the group's name. Each connect edge between groups becomes a channel
 * from every instance of one to every instance of the other, and nodes
 * joined by channels form components, which run together. Checks what
 * only the expansion tells: a wildcard that matches nothing, instances
 * that would write the same object, an object written by one node and
 * read by another, a name taken twice, too many nodes.
 *
 * Pure: it reads the job and the listing, and writes only memory. The
 * plan is the contract shared with the Swift middleware (docs/jobs.md,
 * "The plan"), printed by planjson.c.
 */
#ifndef ZVJOB_PLAN_H
#define ZVJOB_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "job.h"
#include "listing.h"

/* A device of a node: its object, resolved. */
struct plan_device {
	bool present;
	char *object; /* "account/container/object", or NULL: collected by the runner */
};

struct plan_node {
	unsigned id; /* 1..N, in plan order */
	char *name;  /* the group's name, or name-K for instance K */
	const struct job_group *g;
	unsigned instance; /* 1..count of its group */
	char *match;       /* what the group's '*' matched, or NULL */
	struct plan_device dev[JOB_DEVS];
	unsigned *out; /* ids of the nodes it streams to (/dev/out/NAME), ascending */
	size_t nout;
	unsigned *in; /* ids of the nodes that stream to it (/dev/in/NAME), ascending */
	size_t nin;
	unsigned component; /* 1..ncomp, numbered by their smallest node id */
};

struct plan {
	const struct job *job;
	struct plan_node *node; /* node[i].id == i + 1 */
	size_t n;
	unsigned ncomp;
};

/* Expand job with ls (the containers its wildcards read; listing.h) into
 * p. 0, or -1 with the problem in err; plan_free is due after both. */
int plan_build(const struct job *job, const struct listing *ls, struct plan *p, struct job_error *err);
void plan_free(struct plan *p);
/* argv[0] of node n's program: exec.name, or exec.path as given. */
const char *plan_argv0(const struct plan_node *n);

#endif
