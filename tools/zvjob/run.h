/*
 * run.h - run a planned job: prepare every node, start the name server
 * when the job has channels, run the nodes, write the report, clean up.
 *
 * Layers. zvjob is tools/zvjob.c and the files of tools/zvjob/, one module
 * each (a .c and its .h), over the modules it shares with zvsh in
 * tools/common/ (tool.h lists them). A file uses its own module, the
 * layers below its own and tools/common/, never a layer above it or
 * another module of its own layer; tests/func/tools-layers.sh checks it.
 *
 *   10 zvjob.c      the command line: read the job, plan it, print the plan
 *                   or hand it over (docs/zvjob.1.md)
 *   9  run.c        this: a plan run from start to end
 *   8  runner.c     the nodes started, served, reaped, stopped
 *   7  outputs.c    objects written all or nothing; collected streams
 *      report.c     the nodes' results and the report file
 *   6  planjson.c   the plan as JSON (--plan; the Swift middleware's contract)
 *      node.c       one node's program, channels, manifest and nvram
 *      nameserver.c the job's name server (zvns)
 *   5  plan.c       the job expanded into nodes and channels (pure)
 *   4  job.c        the job's JSON parsed and checked (pure)
 *      listing.c    what containers hold, for wildcards
 *   common          tool.c, workdir.c, image.c, manifest.c, zerovm.c,
 *                   program.c (../common/tool.h)
 *
 * The planner is job.c, listing.c, plan.c and planjson.c: they start no
 * process and write no file, so that the Swift middleware can ask for a
 * plan (zvjob --plan) without running anything.
 */
#ifndef ZVJOB_RUN_H
#define ZVJOB_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "plan.h"
#include "tool.h"

#define RUN_EXIT_FAILED 1  /* a node did not end ok, or its collected output could not be printed */
#define RUN_EXIT_REFUSED 2 /* a bad command line or job: nothing ran */

struct run_opts {
	const char *root;   /* where swift:// paths are, absolute */
	const char *report; /* --report FILE, or NULL */
	unsigned jobs;      /* -j */
	uint64_t memory, timeout;
	bool keep_going, verbose;
};

/* Run plan p: zvjob's exit status (0 all ok, 1 a node failed, 2 refused
 * before anything ran, 127 zerovm not found, 128 + N stopped by signal
 * N); messages printed. */
int run_job(const struct plan *p, const struct run_opts *o, struct tool_log *lg);

#endif
