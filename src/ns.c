/*
 * ns.c - the name-server client, see ns.h.
 */
#include "ns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "out.h"

#define NS_RESEND_FIRST_MS 50 /* then doubling up to */
#define NS_RESEND_MAX_MS 1000

size_t ns_encode(unsigned char *buf, size_t cap, uint32_t node, const struct ns_entry *e, size_t n)
{
	size_t nb = 0, nc = 0;
	for (size_t i = 0; i < n; i++)
		e[i].src->reader ? nb++ : nc++;
	if (nb + nc > NS_RECORDS_MAX || cap < NS_HDR_SIZE + (nb + nc) * NS_REC_SIZE)
		return 0;
	memset(buf, 0, NS_HDR_SIZE + (nb + nc) * NS_REC_SIZE);
	memcpy(buf + NS_HDR_MAGIC, NS_MAGIC, 4);
	buf[NS_HDR_VERSION] = NS_VERSION;
	buf[NS_HDR_OP] = NS_OP_REQUEST;
	net_put32(buf + NS_HDR_NODE, node);
	net_put32(buf + NS_HDR_NBIND, (uint32_t)nb);
	net_put32(buf + NS_HDR_NCONNECT, (uint32_t)nc);
	unsigned char *b = buf + NS_HDR_SIZE, *c = b + nb * NS_REC_SIZE;
	for (size_t i = 0; i < n; i++) {
		const struct net_src *s = e[i].src;
		unsigned char **r = s->reader ? &b : &c;
		net_put32(*r + NS_REC_ID, s->node);
		net_put16(*r + NS_REC_PORT, s->reader ? s->port : 0);
		*r += NS_REC_SIZE;
	}
	return NS_HDR_SIZE + (nb + nc) * NS_REC_SIZE;
}

int ns_decode(const unsigned char *d, size_t len, const unsigned char *req, size_t reqlen, struct ns_entry *e, size_t n,
	      unsigned *reason, uint32_t *detail)
{
	if (len < NS_HDR_SIZE || memcmp(d + NS_HDR_MAGIC, NS_MAGIC, 4) != 0 || d[NS_HDR_VERSION] != NS_VERSION ||
	    net_get32(d + NS_HDR_NODE) != net_get32(req + NS_HDR_NODE))
		return 0;
	int op = d[NS_HDR_OP];
	*reason = net_get16(d + NS_HDR_REASON);
	*detail = net_get32(d + NS_HDR_DETAIL);
	if (op == NS_OP_REFUSED)
		return op;
	if (op != NS_OP_ANSWER && op != NS_OP_WAIT)
		return 0;
	/* The echo of our request: the same counts and binds. */
	uint32_t nb = net_get32(req + NS_HDR_NBIND);
	if (len != reqlen || memcmp(d + NS_HDR_NBIND, req + NS_HDR_NBIND, 8) != 0 ||
	    memcmp(d + NS_HDR_SIZE, req + NS_HDR_SIZE, (size_t)nb * NS_REC_SIZE) != 0)
		return 0;
	if (op == NS_OP_WAIT)
		return op;
	const unsigned char *c = d + NS_HDR_SIZE + (size_t)nb * NS_REC_SIZE;
	for (size_t i = 0, k = 0; i < n; i++) {
		if (e[i].src->reader)
			continue;
		const unsigned char *r = c + k++ * NS_REC_SIZE;
		if (!net_get16(r + NS_REC_PORT) || net_get16(r + NS_REC_ZERO))
			return 0;
	}
	for (size_t i = 0, k = 0; i < n; i++) {
		if (e[i].src->reader)
			continue;
		const unsigned char *r = c + k++ * NS_REC_SIZE;
		e[i].src->ip = net_get32(r + NS_REC_ID);
		e[i].src->port = net_get16(r + NS_REC_PORT);
	}
	return op;
}

const char *ns_reason_text(unsigned reason)
{
	switch (reason) {
	case NS_REASON_NOT_IN_JOB: return "this node is not in its job";
	case NS_REASON_PEER_NOT_IN_JOB: return "a peer is not in its job";
	case NS_REASON_CONFLICT: return "this node registered before with other channels";
	case NS_REASON_NO_READER: return "a peer registered without a read channel from this node";
	case NS_REASON_DUPLICATE: return "a peer is named twice";
	default: return "unknown reason";
	}
}

/* The channel of the entry whose peer is node (or "?"). */
static const char *alias_of(const struct ns_entry *e, size_t n, uint32_t node, int reader)
{
	for (size_t i = 0; i < n; i++)
		if (e[i].src->node == node && (reader < 0 || e[i].src->reader == reader))
			return e[i].alias;
	return "?";
}

static int refused(char *srv, unsigned reason, uint32_t detail, uint32_t node, const struct ns_entry *e, size_t n,
		   struct zvm_error *err)
{
	if (!detail || reason == NS_REASON_NOT_IN_JOB)
		return zvm_fail(err, ZVM_EXIT_MANIFEST, "name server %s: refused node %u: %s", srv, node,
				ns_reason_text(reason)),
		       -1;
	return zvm_fail(err, ZVM_EXIT_MANIFEST, "name server %s: refused node %u: %s (node %u, channel %s)", srv, node,
			ns_reason_text(reason), detail, alias_of(e, n, detail, reason == NS_REASON_NO_READER ? 0 : -1)),
	       -1;
}

int ns_resolve(uint32_t ip, uint16_t port, uint32_t node, struct ns_entry *e, size_t n, const struct net_wait *w,
	       int verbosity, struct zvm_error *err)
{
	char srv[40] = "udp:";
	net_addr_text(srv + 4, sizeof srv - 4, ip, port);
	unsigned char *req = malloc(2 * NS_DGRAM_MAX);
	if (!req)
		return zvm_fail(err, ZVM_EXIT_NOMEM, "name server %s: out of memory", srv), -1;
	unsigned char *ans = req + NS_DGRAM_MAX;
	size_t reqlen = ns_encode(req, NS_DGRAM_MAX, node, e, n);
	int fd = reqlen ? socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) : -1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(ip)};
	int rc = -1;
	if (!reqlen) {
		zvm_fail(err, ZVM_EXIT_MANIFEST, "name server %s: more than %d network sources of the node form", srv,
			 NS_RECORDS_MAX);
		goto out;
	}
	/* Connected: the kernel drops datagrams from anyone but the server. */
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		zvm_fail(err, ZVM_EXIT_IO, "name server %s: %s", srv, strerror(errno));
		goto out;
	}
	int64_t every = NS_RESEND_FIRST_MS;
	uint32_t waiting_for = 0;
	bool heard = false;
	for (;;) {
		send(fd, req, reqlen, MSG_NOSIGNAL); /* a lost or refused datagram is sent again */
		int64_t next = out_now_ms() + every;
		every = every * 2 < NS_RESEND_MAX_MS ? every * 2 : NS_RESEND_MAX_MS;
		int r;
		while ((r = net_wait(fd, POLLIN, next, w)) == 0) {
			ssize_t len = recv(fd, ans, NS_DGRAM_MAX, 0);
			if (len < 0)
				continue; /* ECONNREFUSED: no server there yet */
			unsigned reason;
			uint32_t detail;
			int op = ns_decode(ans, (size_t)len, req, reqlen, e, n, &reason, &detail);
			if (op == NS_OP_ANSWER) {
				if (verbosity >= 1)
					out_printf(2, w->deadline_ms + OUT_GRACE_MS,
						   "zerovm: name server %s answered\n", srv);
				rc = 0;
				goto out;
			}
			if (op == NS_OP_REFUSED) {
				rc = refused(srv, reason, detail, node, e, n, err);
				goto out;
			}
			if (op == NS_OP_WAIT) {
				heard = true;
				waiting_for = detail;
			}
		}
		if (r == 1)
			continue;
		if (r == -EINTR) {
			rc = -EINTR;
		} else if (r == -ETIMEDOUT && waiting_for) {
			zvm_fail(
				err, ZVM_EXIT_SIGNAL,
				"name server %s: node %u never registered by the session's deadline (channel %s writes "
				"to it)",
				srv, waiting_for, alias_of(e, n, waiting_for, 0));
		} else if (r == -ETIMEDOUT) {
			zvm_fail(err, ZVM_EXIT_SIGNAL, "name server %s: %s by the session's deadline", srv,
				 heard ? "no answer" : "no reply");
		} else {
			zvm_fail(err, ZVM_EXIT_IO, "name server %s: %s", srv, strerror(-r));
		}
		goto out;
	}
out:
	if (fd >= 0)
		close(fd);
	free(req);
	return rc;
}
