/*
 * test_zvns.c - unit tests for the name server's rules
 * (tools/zvns/registry.c; docs/network.md, "The name server"): datagrams
 * in, replies captured, no sockets.
 *
 * Malformed datagrams are dropped without a reply; nodes outside the job,
 * peers outside it, a peer named twice, a request that contradicts the
 * node's first, and a peer that registered without a read channel for the
 * node are refused with the reason and the peer; a node is told to wait
 * until its peers have registered, then answered (and answered unasked
 * when the last peer registers) with each peer's address, as seen by the
 * server, and the port it listens on for this node.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "registry.h"

/* ---- building requests, capturing replies ------------------------------ */

struct sent {
	uint32_t ip;
	uint16_t port;
	size_t len;
	unsigned char d[256];
};

struct outbox {
	int n;
	struct sent m[8];
};

static void capture(void *ctx, uint32_t ip, uint16_t port, const unsigned char *d, size_t len)
{
	struct outbox *o = ctx;
	assert_true(o->n < 8);
	assert_true(len <= sizeof o->m[0].d);
	o->m[o->n] = (struct sent){.ip = ip, .port = port, .len = len};
	memcpy(o->m[o->n].d, d, len);
	o->n++;
}

/* A request from node: binds (peer, port) pairs, then connect peers. */
static size_t request(unsigned char *d, uint32_t node, int nb, const uint32_t *bind, int nc, const uint32_t *conn)
{
	memset(d, 0, NS_HDR_SIZE);
	memcpy(d, NS_MAGIC, 4);
	d[NS_HDR_VERSION] = NS_VERSION;
	d[NS_HDR_OP] = NS_OP_REQUEST;
	net_put32(d + NS_HDR_NODE, node);
	net_put32(d + NS_HDR_NBIND, (uint32_t)nb);
	net_put32(d + NS_HDR_NCONNECT, (uint32_t)nc);
	unsigned char *r = d + NS_HDR_SIZE;
	for (int i = 0; i < nb; i++, r += NS_REC_SIZE) {
		memset(r, 0, NS_REC_SIZE);
		net_put32(r + NS_REC_ID, bind[2 * i]);
		net_put16(r + NS_REC_PORT, (uint16_t)bind[2 * i + 1]);
	}
	for (int i = 0; i < nc; i++, r += NS_REC_SIZE) {
		memset(r, 0, NS_REC_SIZE);
		net_put32(r + NS_REC_ID, conn[i]);
	}
	return NS_HDR_SIZE + (size_t)(nb + nc) * NS_REC_SIZE;
}

static enum reg_result handle(struct registry *r, const unsigned char *d, size_t len, uint32_t ip, uint16_t port,
			      struct outbox *o)
{
	uint32_t node, detail;
	o->n = 0;
	return reg_handle(r, d, len, ip, port, capture, o, &node, &detail);
}

static struct registry job(size_t n)
{
	uint32_t ids[16];
	for (size_t i = 0; i < n; i++)
		ids[i] = (uint32_t)i + 1;
	struct registry r;
	assert_int_equal(reg_init(&r, ids, n), 0);
	return r;
}

#define IP_A 0x7f000001u
#define IP_B 0x7f000002u

/* ---- tests ------------------------------------------------------------- */

static void test_init(void **state)
{
	(void)state;
	struct registry r;
	assert_int_equal(reg_init(&r, NULL, 0), -1);
	const uint32_t ids[] = {9, 3, 9, 1, 3};
	assert_int_equal(reg_init(&r, ids, 5), 0);
	assert_int_equal(r.n, 3); /* duplicates merged, sorted */
	assert_int_equal(r.node[0].id, 1);
	assert_int_equal(r.node[1].id, 3);
	assert_int_equal(r.node[2].id, 9);
	reg_free(&r);
}

static void test_malformed_dropped(void **state)
{
	(void)state;
	struct registry r = job(2);
	struct outbox o;
	unsigned char d[128], bad[128];
	const uint32_t bind[] = {2, 5000}, conn[] = {2};
	size_t len = request(d, 1, 1, bind, 1, conn);
	assert_true(reg_well_formed(d, len));

	/* Each a one-byte change (or a length) of a good request. */
	struct {
		size_t at;
		unsigned char v;
		long dlen;
	} muts[] = {
		{NS_HDR_MAGIC, 'X', 0},
		{NS_HDR_VERSION, 2, 0},
		{NS_HDR_OP, NS_OP_ANSWER, 0}, /* an answer sent back at the server */
		{NS_HDR_OP, 0, 0},
		{NS_HDR_REASON + 1, 1, 0},                           /* a reason in a request */
		{NS_HDR_DETAIL + 3, 1, 0},                           /* a detail in a request */
		{NS_HDR_NBIND + 3, 2, 0},                            /* counts that disagree with the length */
		{NS_HDR_NCONNECT, 0x80, 0},                          /* ... by far */
		{NS_HDR_SIZE + NS_REC_PORT, 0, 0},                   /* keeps 5000's low byte: still a port */
		{NS_HDR_SIZE + NS_REC_ZERO, 1, 0},                   /* the record's zero field */
		{NS_HDR_SIZE + NS_REC_SIZE + NS_REC_PORT + 1, 1, 0}, /* a port in a connect */
		{0, 0, -1},                                          /* one byte short */
		{0, 0, 1},                                           /* one byte long */
		{0, 0, -(long)len + NS_HDR_SIZE - 1},                /* shorter than a header */
	};
	int kept = 0;
	for (size_t i = 0; i < sizeof muts / sizeof muts[0]; i++) {
		memcpy(bad, d, len);
		bad[len] = 0;
		size_t blen = (size_t)((long)len + muts[i].dlen);
		if (!muts[i].dlen)
			bad[muts[i].at] = muts[i].v;
		if (muts[i].at == NS_HDR_SIZE + NS_REC_PORT) {
			kept++; /* the row above is the control: port 0x0088 is still a port */
			assert_true(reg_well_formed(bad, blen));
			continue;
		}
		if (reg_well_formed(bad, blen))
			fail_msg("mutation %zu accepted", i);
		assert_int_equal(handle(&r, bad, blen, IP_A, 1000, &o), REG_DROPPED);
		assert_int_equal(o.n, 0);
	}
	assert_int_equal(kept, 1);
	/* A bind with port 0 and a record naming node 0. */
	const uint32_t bind0[] = {2, 0};
	len = request(d, 1, 1, bind0, 0, NULL);
	assert_int_equal(handle(&r, d, len, IP_A, 1000, &o), REG_DROPPED);
	const uint32_t conn0[] = {0};
	len = request(d, 1, 0, NULL, 1, conn0);
	assert_int_equal(handle(&r, d, len, IP_A, 1000, &o), REG_DROPPED);
	assert_int_equal(o.n, 0);
	assert_int_equal(r.st.dropped, sizeof muts / sizeof muts[0] - 1 + 2);
	assert_int_equal(r.st.requests, 0);
	/* Nothing was registered by any of them. */
	assert_false(r.node[0].registered);
	reg_free(&r);
}

static void expect_refused(struct outbox *o, uint32_t ip, uint16_t port, unsigned reason, uint32_t detail)
{
	assert_int_equal(o->n, 1);
	assert_int_equal(o->m[0].ip, ip);
	assert_int_equal(o->m[0].port, port);
	assert_int_equal(o->m[0].d[NS_HDR_OP], NS_OP_REFUSED);
	assert_int_equal(net_get16(o->m[0].d + NS_HDR_REASON), reason);
	assert_int_equal(net_get32(o->m[0].d + NS_HDR_DETAIL), detail);
}

static void test_refusals(void **state)
{
	(void)state;
	struct registry r = job(3);
	struct outbox o;
	unsigned char d[128];
	size_t len;

	/* A node outside the job. */
	len = request(d, 4, 0, NULL, 0, NULL);
	assert_int_equal(handle(&r, d, len, IP_A, 1000, &o), REG_REFUSED);
	expect_refused(&o, IP_A, 1000, NS_REASON_NOT_IN_JOB, 0);
	/* A peer outside it, in a bind or a connect. */
	const uint32_t bind9[] = {9, 5000}, conn9[] = {2, 9};
	len = request(d, 1, 1, bind9, 0, NULL);
	assert_int_equal(handle(&r, d, len, IP_A, 1000, &o), REG_REFUSED);
	expect_refused(&o, IP_A, 1000, NS_REASON_PEER_NOT_IN_JOB, 9);
	len = request(d, 1, 0, NULL, 2, conn9);
	assert_int_equal(handle(&r, d, len, IP_A, 1000, &o), REG_REFUSED);
	expect_refused(&o, IP_A, 1000, NS_REASON_PEER_NOT_IN_JOB, 9);
	/* A peer named twice in one direction; once in each is fine. */
	const uint32_t conn22[] = {2, 2};
	len = request(d, 1, 0, NULL, 2, conn22);
	assert_int_equal(handle(&r, d, len, IP_A, 1000, &o), REG_REFUSED);
	expect_refused(&o, IP_A, 1000, NS_REASON_DUPLICATE, 2);
	assert_false(r.node[0].registered); /* refused requests register nothing */

	const uint32_t bind2[] = {2, 5000}, conn2[] = {2};
	len = request(d, 1, 1, bind2, 1, conn2);
	assert_int_equal(handle(&r, d, len, IP_A, 1000, &o), REG_WAIT);
	/* The same node with other channels: a conflict; the first stays. */
	const uint32_t bind2b[] = {2, 5001};
	len = request(d, 1, 1, bind2b, 1, conn2);
	assert_int_equal(handle(&r, d, len, IP_A, 1000, &o), REG_REFUSED);
	expect_refused(&o, IP_A, 1000, NS_REASON_CONFLICT, 0);
	assert_int_equal(net_get16(r.node[0].rec + NS_REC_PORT), 5000);
	reg_free(&r);
}

static void expect_answer(const struct sent *m, uint32_t node, uint32_t ip, uint16_t port, size_t conn_at,
			  uint32_t peer_ip, uint16_t peer_port)
{
	assert_int_equal(m->ip, ip);
	assert_int_equal(m->port, port);
	assert_int_equal(m->d[NS_HDR_OP], NS_OP_ANSWER);
	assert_int_equal(net_get32(m->d + NS_HDR_NODE), node);
	const unsigned char *rec = m->d + NS_HDR_SIZE + conn_at * NS_REC_SIZE;
	assert_int_equal(net_get32(rec + NS_REC_ID), peer_ip);
	assert_int_equal(net_get16(rec + NS_REC_PORT), peer_port);
}

/* 1 writes to 2; 1 asks first, waits, and is answered when 2 registers. */
static void test_wait_then_push(void **state)
{
	(void)state;
	struct registry r = job(2);
	struct outbox o;
	unsigned char d1[128], d2[128];
	const uint32_t conn2[] = {2}, bind1[] = {1, 6000};
	size_t len1 = request(d1, 1, 0, NULL, 1, conn2);
	size_t len2 = request(d2, 2, 1, bind1, 0, NULL);

	assert_int_equal(handle(&r, d1, len1, IP_A, 1000, &o), REG_WAIT);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.m[0].d[NS_HDR_OP], NS_OP_WAIT);
	assert_int_equal(net_get32(o.m[0].d + NS_HDR_DETAIL), 2);
	assert_int_equal(o.m[0].len, len1); /* an echo of the request */
	/* Asking again (a lost reply): the same wait. */
	assert_int_equal(handle(&r, d1, len1, IP_A, 1000, &o), REG_WAIT);
	assert_int_equal(r.st.waits, 2);

	/* 2 registers from another address: answered itself, 1 pushed. */
	assert_int_equal(handle(&r, d2, len2, IP_B, 2000, &o), REG_ANSWERED);
	assert_int_equal(o.n, 2);
	assert_int_equal(o.m[0].ip, IP_B);
	assert_int_equal(o.m[0].d[NS_HDR_OP], NS_OP_ANSWER);
	assert_memory_equal(o.m[0].d + NS_HDR_SIZE, d2 + NS_HDR_SIZE, NS_REC_SIZE); /* binds echoed */
	expect_answer(&o.m[1], 1, IP_A, 1000, 0, IP_B, 6000);
	assert_int_equal(r.st.pushes, 1);

	/* Idempotent: 1 asks again, from a new port, and gets the answer there. */
	assert_int_equal(handle(&r, d1, len1, IP_A, 1001, &o), REG_ANSWERED);
	assert_int_equal(o.n, 1);
	expect_answer(&o.m[0], 1, IP_A, 1001, 0, IP_B, 6000);
	reg_free(&r);
}

/* A ring of three, each reading from the one before and writing to the
 * next, registering in any order: all answered, none twice unasked. */
static void test_ring(void **state)
{
	(void)state;
	struct registry r = job(3);
	struct outbox o;
	unsigned char d[3][128];
	size_t len[3];
	for (uint32_t i = 1; i <= 3; i++) {
		uint32_t prev = i == 1 ? 3 : i - 1, next = i == 3 ? 1 : i + 1;
		const uint32_t bind[] = {prev, 7000 + i}, conn[] = {next};
		len[i - 1] = request(d[i - 1], i, 1, bind, 1, conn);
	}
	/* 2 first: 3 is missing. */
	assert_int_equal(handle(&r, d[1], len[1], IP_B, 2002, &o), REG_WAIT);
	assert_int_equal(net_get32(o.m[0].d + NS_HDR_DETAIL), 3);
	/* 1 next: 2 is there and listens for it; nobody waits for 1. */
	assert_int_equal(handle(&r, d[0], len[0], IP_A, 2001, &o), REG_ANSWERED);
	assert_int_equal(o.n, 1);
	expect_answer(&o.m[0], 1, IP_A, 2001, 1, IP_B, 7002);
	/* 3 last: answered, and 2's answer pushed; 1, answered, is left alone. */
	assert_int_equal(handle(&r, d[2], len[2], IP_A, 2003, &o), REG_ANSWERED);
	assert_int_equal(o.n, 2);
	expect_answer(&o.m[0], 3, IP_A, 2003, 1, IP_A, 7001);
	expect_answer(&o.m[1], 2, IP_B, 2002, 1, IP_A, 7003);
	assert_int_equal(r.st.pushes, 1);
	assert_int_equal(r.st.answers, 3);
	reg_free(&r);
}

/* A peer that registered without a read channel for the node. */
static void test_no_reader(void **state)
{
	(void)state;
	struct registry r = job(2);
	struct outbox o;
	unsigned char d[128];
	const uint32_t conn2[] = {2};
	size_t len = request(d, 1, 0, NULL, 1, conn2);
	assert_int_equal(handle(&r, d, len, IP_A, 1000, &o), REG_WAIT);
	len = request(d, 2, 0, NULL, 0, NULL); /* 2 reads from nobody */
	assert_int_equal(handle(&r, d, len, IP_B, 2000, &o), REG_ANSWERED);
	assert_int_equal(o.n, 2);
	assert_int_equal(o.m[1].ip, IP_A);
	assert_int_equal(o.m[1].d[NS_HDR_OP], NS_OP_REFUSED);
	assert_int_equal(net_get16(o.m[1].d + NS_HDR_REASON), NS_REASON_NO_READER);
	assert_int_equal(net_get32(o.m[1].d + NS_HDR_DETAIL), 2);
	reg_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),     cmocka_unit_test(test_malformed_dropped),
		cmocka_unit_test(test_refusals), cmocka_unit_test(test_wait_then_push),
		cmocka_unit_test(test_ring),     cmocka_unit_test(test_no_reader),
	};
	return cmocka_run_group_tests_name("zvns registry", tests, NULL, NULL) ? 1 : 0;
}
