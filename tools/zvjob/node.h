/*
 * node.h - one node's session, prepared: its program, its channels, its
 * manifest and nvram in the job's work directory.
 *
 * node_prepare() does everything that can be done, and checked, before
 * any node runs, touching nothing under the root: it finds the program
 * (a host file, an object, or a member of the node's image, extracted),
 * checks that the objects read exist and the folders written into do, and
 * writes the files zerovm needs. What a node writes under the root goes to
 * temporary names (node_files.temp) that the runner creates just before
 * the node starts (outputs.c) and renames when it has ended well.
 *
 * A node's channels (docs/jobs.md, "What a node sees"):
 *   /dev/stdin   its stdin object, else /dev/null
 *   /dev/stdout  its stdout object (temporary name), a spool file in the
 *                work directory when it has no path, else /dev/null
 *   /dev/stderr  the same for stderr
 *   /dev/nvram   the runtime's configuration
 *   /dev/input   the input object, read at random offsets
 *   /dev/output  the output object (temporary name) or a spool file
 *   /dev/image   the image object, mounted at /
 *   /dev/in/P    a network channel from node P, for each P streaming to it
 *   /dev/out/P   a network channel to node P, for each P it streams to
 * Every channel has its etag on, and every quota is NODE_LIMIT.
 */
#ifndef ZVJOB_NODE_H
#define ZVJOB_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "plan.h"
#include "tool.h"
#include "workdir.h"

#define NODE_LIMIT ((uint64_t)1 << 40) /* every quota: there to be numbers, not to limit */
#define NODE_FILE_LIMIT_GB "1024"      /* zerovm -l, agreeing with it */

/* What every node of a job shares. */
struct node_env {
	const char *root; /* absolute */
	struct workdir *wd;
	uint64_t memory, timeout;
	bool verbose;
	const char *nameserver; /* "udp:127.0.0.1:PORT" when the job has channels, else NULL */
};

/* A node's files. */
struct node_files {
	char *program;         /* the manifest's Program */
	const char *manifest;  /* its path (owned by the work directory) */
	char *spool[JOB_DEVS]; /* collected stdout, stderr, output: files in the work directory, or NULL */
	char *final[JOB_DEVS]; /* written objects: ROOT/account/container/object, or NULL */
	char *temp[JOB_DEVS];  /* their temporary names, beside them */
};

/* Prepare node n of p (nothing under the root is touched): 0, or -1 with
 * the problem said in lg (lg->where names the node: a missing program is
 * 127, anything else 2). */
int node_prepare(const struct node_env *e, struct tool_log *lg, const struct plan *p, const struct plan_node *n,
		 struct node_files *f);
void node_free(struct node_files *f);

#endif
