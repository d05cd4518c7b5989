/*
 * ns.h - the name-server client: where do the peers of this node listen?
 *
 * A node whose manifest has sources of the form tcp:<node id>:[port] asks
 * the name server of its `NameServer` line (docs/network.md, "The name
 * server"): one UDP request registers the ports its read sources listen
 * on (for the node each expects) and asks where its write sources' nodes
 * listen for it. The server answers once every such peer has registered;
 * until then it says "wait" (and pushes the answer when it can), and the
 * node repeats the request now and then in case a datagram was lost, until
 * the session's deadline.
 *
 * ns_encode()/ns_decode() are pure (tests/unit/test_net.c); ns_resolve()
 * does the exchange.
 */
#ifndef ZVM_NS_H
#define ZVM_NS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "net.h"

/* A source of the node form, as the exchange sees it. */
struct ns_entry {
	struct net_src *src; /* reader: node and port registered; writer: node asked, ip and port filled */
	const char *alias;   /* its channel, for messages */
};

/* The request for these entries (readers' binds first, then writers'
 * connects, each in the order given) into buf; its length, or 0 when it
 * would not fit in a datagram. */
size_t ns_encode(unsigned char *buf, size_t cap, uint32_t node, const struct ns_entry *e, size_t n);

/*
 * A datagram d from the server, for the request req (of reqlen bytes).
 * Returns NS_OP_ANSWER (the writers' addresses filled in), NS_OP_WAIT or
 * NS_OP_REFUSED with *reason and *detail (the peer concerned, or 0) set,
 * or 0 for a datagram that is not an answer to req (ignored).
 */
int ns_decode(const unsigned char *d, size_t len, const unsigned char *req, size_t reqlen, struct ns_entry *e, size_t n,
	      unsigned *reason, uint32_t *detail);

/* The exchange with server ip:port (host byte order), bounded by w. 0, or
 * -1 with err set: exit code 4 when the deadline passed or a stop signal
 * woke us (-EINTR is returned for the caller to say which), 14 when the
 * server refused, 5 for a socket error. */
int ns_resolve(uint32_t ip, uint16_t port, uint32_t node, struct ns_entry *e, size_t n, const struct net_wait *w,
	       int verbosity, struct zvm_error *err);

/* What a refusal's reason means, for messages. */
const char *ns_reason_text(unsigned reason);

#endif
