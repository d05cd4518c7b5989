/*
 * nameserver.h - the job's name server: zvns (docs/network.md), started
 * for a job whose nodes stream to each other, on loopback, knowing the
 * job's node ids; stopped when the job ends.
 */
#ifndef ZVJOB_NAMESERVER_H
#define ZVJOB_NAMESERVER_H

#include <sys/types.h>

#include "plan.h"
#include "tool.h"
#include "zerovm.h"

struct nameserver {
	pid_t pid;  /* -1 when not running */
	char *addr; /* "udp:127.0.0.1:PORT": the manifests' NameServer */
};

/* Start zvns for the nodes of p. 0, or -1 (said in lg). */
int nameserver_start(struct nameserver *ns, const struct plan *p, const struct zerovm_signals *sig,
		     struct tool_log *lg);
/* Stop it and free ns. */
void nameserver_stop(struct nameserver *ns);

#endif
