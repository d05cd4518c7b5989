/*
 * registry.c - the name server's rules, see registry.h.
 */
#include "registry.h"

#include <stdlib.h>
#include <string.h>

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

int reg_init(struct registry *r, const uint32_t *ids, size_t n)
{
	memset(r, 0, sizeof *r);
	if (!n || n > REG_NODES_MAX)
		return -1;
	uint32_t *sorted = malloc(n * sizeof *sorted);
	r->node = calloc(n, sizeof *r->node);
	r->reply = malloc(NS_DGRAM_MAX);
	if (!sorted || !r->node || !r->reply) {
		free(sorted);
		reg_free(r);
		return -1;
	}
	memcpy(sorted, ids, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, cmp_u32);
	for (size_t i = 0; i < n; i++)
		if (!r->n || r->node[r->n - 1].id != sorted[i])
			r->node[r->n++].id = sorted[i];
	free(sorted);
	return 0;
}

void reg_free(struct registry *r)
{
	for (size_t i = 0; r->node && i < r->n; i++)
		free(r->node[i].rec);
	free(r->node);
	free(r->reply);
	memset(r, 0, sizeof *r);
}

static struct reg_node *find(struct registry *r, uint32_t id)
{
	size_t lo = 0, hi = r->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->node[mid].id == id)
			return &r->node[mid];
		if (r->node[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool reg_well_formed(const unsigned char *d, size_t len)
{
	if (len < NS_HDR_SIZE || len > NS_DGRAM_MAX || memcmp(d + NS_HDR_MAGIC, NS_MAGIC, 4) != 0 ||
	    d[NS_HDR_VERSION] != NS_VERSION || d[NS_HDR_OP] != NS_OP_REQUEST || net_get16(d + NS_HDR_REASON) ||
	    net_get32(d + NS_HDR_DETAIL))
		return false;
	uint64_t nb = net_get32(d + NS_HDR_NBIND), nc = net_get32(d + NS_HDR_NCONNECT);
	if (nb + nc > NS_RECORDS_MAX || len != NS_HDR_SIZE + (nb + nc) * NS_REC_SIZE)
		return false;
	for (uint64_t i = 0; i < nb + nc; i++) {
		const unsigned char *rec = d + NS_HDR_SIZE + i * NS_REC_SIZE;
		bool bind = i < nb;
		if (net_get16(rec + NS_REC_ZERO) || !net_get32(rec + NS_REC_ID) ||
		    (bind ? !net_get16(rec + NS_REC_PORT) : net_get16(rec + NS_REC_PORT) != 0))
			return false;
	}
	return true;
}

/* A reply to n: its request with op, reason and detail set. */
static size_t reply_head(struct registry *r, const struct reg_node *n, int op, unsigned reason, uint32_t detail)
{
	unsigned char *d = r->reply;
	size_t nrec = (size_t)n->nbind + n->nconnect;
	memset(d, 0, NS_HDR_SIZE);
	memcpy(d + NS_HDR_MAGIC, NS_MAGIC, 4);
	d[NS_HDR_VERSION] = NS_VERSION;
	d[NS_HDR_OP] = (unsigned char)op;
	net_put16(d + NS_HDR_REASON, (uint16_t)reason);
	net_put32(d + NS_HDR_NODE, n->id);
	net_put32(d + NS_HDR_DETAIL, detail);
	net_put32(d + NS_HDR_NBIND, n->nbind);
	net_put32(d + NS_HDR_NCONNECT, n->nconnect);
	memcpy(d + NS_HDR_SIZE, n->rec, nrec * NS_REC_SIZE);
	return NS_HDR_SIZE + nrec * NS_REC_SIZE;
}

/* The port peer p listens on for node id, or 0 when it has no bind for it. */
static uint16_t bind_port(const struct reg_node *p, uint32_t id)
{
	for (uint32_t i = 0; i < p->nbind; i++)
		if (net_get32(p->rec + i * NS_REC_SIZE + NS_REC_ID) == id)
			return net_get16(p->rec + i * NS_REC_SIZE + NS_REC_PORT);
	return 0;
}

/* Answer registered node n if it can be: ANSWER, WAIT or REFUSED, sent to
 * its last address. */
static enum reg_result respond(struct registry *r, struct reg_node *n, reg_send_fn *send, void *ctx, uint32_t *detail)
{
	size_t len = reply_head(r, n, NS_OP_ANSWER, 0, 0);
	unsigned char *c = r->reply + NS_HDR_SIZE + (size_t)n->nbind * NS_REC_SIZE;
	uint32_t missing = 0;
	for (uint32_t i = 0; i < n->nconnect; i++) {
		unsigned char *rec = c + (size_t)i * NS_REC_SIZE;
		struct reg_node *p = find(r, net_get32(rec + NS_REC_ID)); /* in the job: checked */
		if (!p->registered) {
			missing = missing ? missing : p->id;
			continue;
		}
		uint16_t port = bind_port(p, n->id);
		if (!port) {
			len = reply_head(r, n, NS_OP_REFUSED, NS_REASON_NO_READER, p->id);
			send(ctx, n->ip, n->port, r->reply, len);
			n->settled = true;
			r->st.refusals++;
			*detail = p->id;
			return REG_REFUSED;
		}
		net_put32(rec + NS_REC_ID, p->ip);
		net_put16(rec + NS_REC_PORT, port);
	}
	if (missing) {
		len = reply_head(r, n, NS_OP_WAIT, 0, missing);
		send(ctx, n->ip, n->port, r->reply, len);
		r->st.waits++;
		*detail = missing;
		return REG_WAIT;
	}
	send(ctx, n->ip, n->port, r->reply, len);
	n->settled = true;
	r->st.answers++;
	*detail = 0;
	return REG_ANSWERED;
}

/* A refusal of the request d (not stored) to ip:port. */
static enum reg_result refuse(struct registry *r, const unsigned char *d, size_t len, uint32_t ip, uint16_t port,
			      unsigned reason, uint32_t detail, reg_send_fn *send, void *ctx)
{
	memcpy(r->reply, d, len);
	r->reply[NS_HDR_OP] = NS_OP_REFUSED;
	net_put16(r->reply + NS_HDR_REASON, (uint16_t)reason);
	net_put32(r->reply + NS_HDR_DETAIL, detail);
	send(ctx, ip, port, r->reply, len);
	r->st.refusals++;
	return REG_REFUSED;
}

/* The records name nodes of the job, each once per direction. 0, or the
 * reason with *detail the peer. */
static unsigned check_peers(struct registry *r, const unsigned char *rec, uint32_t nb, uint32_t nc, uint32_t *detail)
{
	for (uint32_t i = 0; i < nb + nc; i++) {
		uint32_t id = net_get32(rec + (size_t)i * NS_REC_SIZE + NS_REC_ID);
		*detail = id;
		if (!find(r, id))
			return NS_REASON_PEER_NOT_IN_JOB;
		uint32_t from = i < nb ? 0 : nb;
		for (uint32_t k = from; k < i; k++)
			if (net_get32(rec + (size_t)k * NS_REC_SIZE + NS_REC_ID) == id)
				return NS_REASON_DUPLICATE;
	}
	*detail = 0;
	return 0;
}

enum reg_result reg_handle(struct registry *r, const unsigned char *d, size_t len, uint32_t ip, uint16_t port,
			   reg_send_fn *send, void *ctx, uint32_t *node, uint32_t *detail)
{
	*node = *detail = 0;
	if (!reg_well_formed(d, len)) {
		r->st.dropped++;
		return REG_DROPPED;
	}
	r->st.requests++;
	uint32_t id = net_get32(d + NS_HDR_NODE);
	uint32_t nb = net_get32(d + NS_HDR_NBIND), nc = net_get32(d + NS_HDR_NCONNECT);
	const unsigned char *rec = d + NS_HDR_SIZE;
	*node = id;
	struct reg_node *n = find(r, id);
	if (!n)
		return refuse(r, d, len, ip, port, NS_REASON_NOT_IN_JOB, 0, send, ctx);
	unsigned reason = check_peers(r, rec, nb, nc, detail);
	if (reason)
		return refuse(r, d, len, ip, port, reason, *detail, send, ctx);
	size_t bytes = ((size_t)nb + nc) * NS_REC_SIZE;
	if (n->registered && (n->nbind != nb || n->nconnect != nc || memcmp(n->rec, rec, bytes) != 0))
		return refuse(r, d, len, ip, port, NS_REASON_CONFLICT, 0, send, ctx);
	if (!n->registered) {
		if (!(n->rec = malloc(bytes ? bytes : 1))) {
			r->st.dropped++; /* out of memory: as if lost; the node asks again */
			return REG_DROPPED;
		}
		memcpy(n->rec, rec, bytes);
		n->nbind = nb, n->nconnect = nc;
		n->registered = true;
	}
	n->ip = ip, n->port = port; /* a node asks again from where it now is */
	enum reg_result res = respond(r, n, send, ctx, detail);
	/* Nodes waiting for this one may be answerable now. */
	for (size_t i = 0; i < r->n; i++) {
		struct reg_node *y = &r->node[i];
		if (y == n || !y->registered || y->settled)
			continue;
		for (uint32_t k = 0; k < y->nconnect; k++) {
			if (net_get32(y->rec + ((size_t)y->nbind + k) * NS_REC_SIZE + NS_REC_ID) != id)
				continue;
			uint32_t ignored;
			if (respond(r, y, send, ctx, &ignored) != REG_WAIT)
				r->st.pushes++;
			break;
		}
	}
	return res;
}
