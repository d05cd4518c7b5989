/*
 * registry.h - the name server's state and rules, pure: datagrams in,
 * replies out through a callback, no sockets (tools/zvns.c owns those), so
 * that every rule of docs/network.md, "The name server", is unit-tested
 * (tests/unit/test_zvns.c).
 *
 * The job's node ids are fixed when the registry is made. A node registers
 * with its first request: the ports its read sources listen on (a bind
 * record per writer it expects) and the peers its write sources go to (a
 * connect record each). It is answered once every such peer has registered
 * with a bind record for it: each connect record then carries the peer's
 * address (where the peer's request came from) and the port it listens on
 * for this node. Until then it is told to wait (naming a missing peer), and
 * the answer is pushed to it when the last peer registers. Requests are
 * idempotent; one that differs from the node's first is refused, as are
 * node ids outside the job. Malformed datagrams are dropped without a
 * reply, so the server never answers what it cannot parse.
 *
 * Memory: the node table, plus one stored request per registered node (at
 * most NS_DGRAM_MAX bytes each), plus one reply buffer.
 */
#ifndef ZVNS_REGISTRY_H
#define ZVNS_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net_abi.h"

#define REG_NODES_MAX (1u << 20) /* node ids in one job */

struct reg_node {
	uint32_t id;
	bool registered;
	bool settled; /* answered or refused for good: no more pushes */
	uint32_t ip;  /* where its last request came from (host byte order) */
	uint16_t port;
	uint32_t nbind, nconnect;
	unsigned char *rec; /* its records as it sent them */
};

struct reg_stats {
	uint64_t requests, answers, waits, refusals, dropped, pushes;
};

struct registry {
	struct reg_node *node; /* sorted by id */
	size_t n;
	unsigned char *reply; /* NS_DGRAM_MAX bytes */
	struct reg_stats st;
};

/* Send len bytes of d to ip:port (host byte order). */
typedef void reg_send_fn(void *ctx, uint32_t ip, uint16_t port, const unsigned char *d, size_t len);

/* What happened to a datagram, for logging. */
enum reg_result { REG_DROPPED, REG_REFUSED, REG_WAIT, REG_ANSWERED };

/* A registry for the ids (any order; duplicates are merged). 0, or -1 when
 * out of memory or there are none or more than REG_NODES_MAX. */
int reg_init(struct registry *r, const uint32_t *ids, size_t n);
void reg_free(struct registry *r);

/* One datagram from ip:port. Replies (to it, and answers pushed to nodes
 * that were waiting for it) go through send. *node and *detail say whom it
 * was about, for logging (0 when unknown). */
enum reg_result reg_handle(struct registry *r, const unsigned char *d, size_t len, uint32_t ip, uint16_t port,
			   reg_send_fn *send, void *ctx, uint32_t *node, uint32_t *detail);

/* Is the datagram a well-formed request? (reg_handle drops it if not.) */
bool reg_well_formed(const unsigned char *d, size_t len);

#endif
