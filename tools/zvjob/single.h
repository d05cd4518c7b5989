/*
 * single.h - one node of a plan, run alone (zvjob --node ID).
 *
 * How the Swift object filter (zerocloud/objectd.py) runs the node the
 * proxy placed on its server: the whole job is planned again from the same
 * text and listing (the planner is deterministic, so every server sees the
 * same ids, names and channels), and only node ID is prepared and run,
 * with the job's swift:// paths under --root (the filter fills it: the
 * object it holds, the objects pushed to it, folders for what is written).
 * Its network channels, if any, are resolved by a name server that runs
 * elsewhere (--nameserver udp:IP:PORT, the one the proxy runs for the
 * job), since its peers run on other machines.
 *
 * Otherwise as a whole job: the node's outputs are written to temporary
 * names and renamed only when it ended ok, its collected streams are
 * printed, and --report writes a report of one node.
 */
#ifndef ZVJOB_SINGLE_H
#define ZVJOB_SINGLE_H

#include <stdbool.h>
#include <stdint.h>

#include "plan.h"
#include "tool.h"

struct single_opts {
	const char *root;   /* where swift:// paths are, absolute */
	const char *report; /* --report FILE, or NULL */
	uint64_t memory, timeout;
	bool verbose;
	unsigned node;          /* the node's id (1..N) */
	const char *nameserver; /* "udp:IP:PORT", or NULL (then the node must have no channels) */
	const char *connect;    /* a zerovm --serve socket to run the session in, or NULL */
};

/* Run node o->node of p alone: 0 when it ended ok, 1 when it did not, 2
 * when it could not be run (said in lg; nothing ran), 127 when zerovm is
 * missing, 128 + N when stopped by signal N. */
int single_run(const struct plan *p, const struct single_opts *o, struct tool_log *lg);

#endif
