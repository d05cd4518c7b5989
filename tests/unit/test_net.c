/*
 * test_net.c - unit tests for the pieces of network channels that need no
 * peer: the tcp: source parser (manifest_parse_tcp), the stream header's
 * check (net_header_check), the name-server client's datagrams
 * (ns_encode/ns_decode), and the stream's framing over a socketpair:
 * reads wait for the bytes asked whatever the frames' sizes, the end marker
 * (with its digest) ends the input, and a stream cut before it is an error
 * after the bytes before it (docs/network.md, "On the wire").
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "manifest.h"
#include "net.h"
#include "ns.h"
#include "out.h"

/* manifest_parse_tcp() itself: the two forms, and what each refuses. */
static void test_parse_tcp(void **state)
{
	(void)state;
	static const struct {
		const char *uri;
		int ok, node_form;
		uint32_t ipv4, node;
		uint16_t port;
	} rows[] = {
		{"tcp:127.0.0.1:5000", 1, 0, 0x7f000001, 0, 5000},
		{"tcp:0.0.0.0:1", 1, 0, 0, 0, 1},
		{"tcp:255.255.255.255:65535", 1, 0, 0xffffffff, 0, 65535},
		{"tcp:10.20.30.40:80", 1, 0, 0x0a141e28, 0, 80},
		{"tcp:2:", 1, 1, 0, 2, 0},
		{"tcp:2:0", 1, 1, 0, 2, 0},
		{"tcp:2:7000", 1, 1, 0, 2, 7000},
		{"tcp:4294967295:65535", 1, 1, 0, 4294967295u, 65535},
		{"tcp:", 0, 0, 0, 0, 0},
		{"tcp:1.2.3.4", 0, 0, 0, 0, 0},
		{"tcp:1.2.3.4:", 0, 0, 0, 0, 0},  /* an address needs its port */
		{"tcp:1.2.3.4:0", 0, 0, 0, 0, 0}, /* nobody could connect to it */
		{"tcp:1.2.3.4:65536", 0, 0, 0, 0, 0},
		{"tcp:1.2.3.4:080", 0, 0, 0, 0, 0}, /* no octal surprises */
		{"tcp:1.2.3.4:0x50", 0, 0, 0, 0, 0},
		{"tcp:1.2.3:80", 0, 0, 0, 0, 0},
		{"tcp:1.2.3.4.5:80", 0, 0, 0, 0, 0},
		{"tcp:256.1.1.1:80", 0, 0, 0, 0, 0},
		{"tcp:01.2.3.4:80", 0, 0, 0, 0, 0},
		{"tcp:1..3.4:80", 0, 0, 0, 0, 0},
		{"tcp:1.2.3.4 :80", 0, 0, 0, 0, 0},
		{"tcp:host.example:80", 0, 0, 0, 0, 0},
		{"tcp:localhost:80", 0, 0, 0, 0, 0},
		{"tcp::80", 0, 0, 0, 0, 0},
		{"tcp:0:", 0, 0, 0, 0, 0}, /* node ids start at 1 */
		{"tcp:02:", 0, 0, 0, 0, 0},
		{"tcp:4294967296:", 0, 0, 0, 0, 0},
		{"tcp:2:65536", 0, 0, 0, 0, 0},
		{"tcp:2:-1", 0, 0, 0, 0, 0},
		{"tcp:-2:", 0, 0, 0, 0, 0},
		{"tcp:1:2:80", 0, 0, 0, 0, 0},
		{"udp:1.2.3.4:80", 0, 0, 0, 0, 0},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct manifest_tcp t;
		const char *why = manifest_parse_tcp(rows[i].uri, &t);
		if (!why != !!rows[i].ok)
			fail_msg("manifest_parse_tcp(\"%s\"): %s", rows[i].uri, why ? why : "accepted");
		if (why)
			continue;
		if (t.node_form != !!rows[i].node_form || t.ipv4 != rows[i].ipv4 || t.node != rows[i].node ||
		    t.port != rows[i].port)
			fail_msg("manifest_parse_tcp(\"%s\"): node_form %d ipv4 %x node %u port %u", rows[i].uri,
				 t.node_form, t.ipv4, t.node, t.port);
	}
}

/* A header as a writer sends it. */
static void header(unsigned char h[NET_HDR_SIZE], unsigned flags, uint32_t writer, uint32_t reader)
{
	memset(h, 0, NET_HDR_SIZE);
	memcpy(h + NET_HDR_MAGIC, NET_MAGIC, 4);
	h[NET_HDR_VERSION] = NET_VERSION;
	h[NET_HDR_FLAGS] = (unsigned char)flags;
	net_put32(h + NET_HDR_WRITER, writer);
	net_put32(h + NET_HDR_READER, reader);
}

static void test_header_check(void **state)
{
	(void)state;
	unsigned char h[NET_HDR_SIZE];
	bool etag = false;

	header(h, NET_FLAG_ETAG, 0, 0);
	assert_null(net_header_check(h, false, 0, 0, &etag));
	assert_true(etag);
	header(h, 0, 0, 0);
	assert_null(net_header_check(h, false, 0, 0, &etag));
	assert_false(etag);
	/* Without a name server the node ids are not looked at. */
	header(h, 0, 9, 9);
	assert_null(net_header_check(h, false, 0, 0, &etag));
	/* With one, the writer must be the expected node, writing to us. */
	header(h, 0, 2, 1);
	assert_null(net_header_check(h, true, 2, 1, &etag));
	assert_string_equal(net_header_check(h, true, 3, 1, &etag), "from another node");
	assert_string_equal(net_header_check(h, true, 2, 4, &etag), "meant for another node");

	header(h, 0, 0, 0);
	h[0] = 'X';
	assert_string_equal(net_header_check(h, false, 0, 0, &etag), "not a zerovm stream (bad magic)");
	header(h, 0, 0, 0);
	h[NET_HDR_VERSION] = 2;
	assert_string_equal(net_header_check(h, false, 0, 0, &etag), "unknown stream version");
	header(h, 0x02, 0, 0);
	assert_string_equal(net_header_check(h, false, 0, 0, &etag), "unknown flags");
	header(h, 0, 0, 0);
	h[NET_HDR_RESERVED + 1] = 1;
	assert_string_equal(net_header_check(h, false, 0, 0, &etag), "unknown flags");
}

/* Two readers (from nodes 5 and 6) and two writers (to nodes 7 and 8). */
static void sources(struct net_src s[4], struct ns_entry e[4])
{
	static const char *alias[4] = {"/dev/in/5", "/dev/out/7", "/dev/in/6", "/dev/out/8"};
	static const uint32_t node[4] = {5, 7, 6, 8};
	for (int i = 0; i < 4; i++) {
		net_src_init(&s[i]);
		s[i].node_form = true;
		s[i].node = node[i];
		s[i].reader = i % 2 == 0;
		s[i].port = s[i].reader ? (uint16_t)(40000 + i) : 0;
		e[i] = (struct ns_entry){&s[i], alias[i]};
	}
}

static void test_ns_encode(void **state)
{
	(void)state;
	struct net_src s[4];
	struct ns_entry e[4];
	sources(s, e);
	unsigned char d[NS_HDR_SIZE + 4 * NS_REC_SIZE];
	size_t len = ns_encode(d, sizeof d, 3, e, 4);
	assert_int_equal(len, sizeof d);
	assert_memory_equal(d, "ZVNS", 4);
	assert_int_equal(d[NS_HDR_VERSION], NS_VERSION);
	assert_int_equal(d[NS_HDR_OP], NS_OP_REQUEST);
	assert_int_equal(net_get16(d + NS_HDR_REASON), 0);
	assert_int_equal(net_get32(d + NS_HDR_NODE), 3);
	assert_int_equal(net_get32(d + NS_HDR_DETAIL), 0);
	assert_int_equal(net_get32(d + NS_HDR_NBIND), 2);
	assert_int_equal(net_get32(d + NS_HDR_NCONNECT), 2);
	/* Binds first, then connects, each in the order given. */
	static const uint32_t id[4] = {5, 6, 7, 8};
	static const uint16_t port[4] = {40000, 40002, 0, 0};
	for (int i = 0; i < 4; i++) {
		const unsigned char *r = d + NS_HDR_SIZE + i * NS_REC_SIZE;
		assert_int_equal(net_get32(r + NS_REC_ID), id[i]);
		assert_int_equal(net_get16(r + NS_REC_PORT), port[i]);
		assert_int_equal(net_get16(r + NS_REC_ZERO), 0);
	}
	/* Too small a buffer: nothing. */
	assert_int_equal(ns_encode(d, sizeof d - 1, 3, e, 4), 0);
}

static void test_ns_decode(void **state)
{
	(void)state;
	struct net_src s[4];
	struct ns_entry e[4];
	sources(s, e);
	unsigned char req[NS_HDR_SIZE + 4 * NS_REC_SIZE], d[sizeof req];
	size_t len = ns_encode(req, sizeof req, 3, e, 4);
	unsigned reason;
	uint32_t detail;

	/* An answer: the connect records become address and port. */
	memcpy(d, req, len);
	d[NS_HDR_OP] = NS_OP_ANSWER;
	unsigned char *c = d + NS_HDR_SIZE + 2 * NS_REC_SIZE;
	net_put32(c + NS_REC_ID, 0x7f000001), net_put16(c + NS_REC_PORT, 5007);
	net_put32(c + NS_REC_SIZE + NS_REC_ID, 0x0a000002), net_put16(c + NS_REC_SIZE + NS_REC_PORT, 5008);
	assert_int_equal(ns_decode(d, len, req, len, e, 4, &reason, &detail), NS_OP_ANSWER);
	assert_int_equal(s[1].ip, 0x7f000001);
	assert_int_equal(s[1].port, 5007);
	assert_int_equal(s[3].ip, 0x0a000002);
	assert_int_equal(s[3].port, 5008);

	/* An answer with a port of 0 is not one. */
	s[1].ip = s[3].ip = 0, s[1].port = s[3].port = 0;
	net_put16(c + NS_REC_SIZE + NS_REC_PORT, 0);
	assert_int_equal(ns_decode(d, len, req, len, e, 4, &reason, &detail), 0);
	assert_int_equal(s[1].port, 0); /* nothing filled in */
	net_put16(c + NS_REC_SIZE + NS_REC_PORT, 5008);

	/* Not an echo of our request: another node, other binds, a length. */
	net_put32(d + NS_HDR_NODE, 4);
	assert_int_equal(ns_decode(d, len, req, len, e, 4, &reason, &detail), 0);
	net_put32(d + NS_HDR_NODE, 3);
	d[NS_HDR_SIZE + NS_REC_PORT + 1] ^= 1;
	assert_int_equal(ns_decode(d, len, req, len, e, 4, &reason, &detail), 0);
	d[NS_HDR_SIZE + NS_REC_PORT + 1] ^= 1;
	assert_int_equal(ns_decode(d, len - NS_REC_SIZE, req, len, e, 4, &reason, &detail), 0);
	assert_int_equal(ns_decode(d, NS_HDR_SIZE - 1, req, len, e, 4, &reason, &detail), 0);
	d[NS_HDR_MAGIC] = 'X';
	assert_int_equal(ns_decode(d, len, req, len, e, 4, &reason, &detail), 0);
	d[NS_HDR_MAGIC] = 'Z';
	d[NS_HDR_OP] = NS_OP_REQUEST; /* our own request, echoed by a mirror */
	assert_int_equal(ns_decode(d, len, req, len, e, 4, &reason, &detail), 0);

	/* Wait and refused carry the peer concerned. */
	memcpy(d, req, len);
	d[NS_HDR_OP] = NS_OP_WAIT;
	net_put32(d + NS_HDR_DETAIL, 7);
	assert_int_equal(ns_decode(d, len, req, len, e, 4, &reason, &detail), NS_OP_WAIT);
	assert_int_equal(detail, 7);
	d[NS_HDR_OP] = NS_OP_REFUSED;
	net_put16(d + NS_HDR_REASON, NS_REASON_NO_READER);
	net_put32(d + NS_HDR_DETAIL, 8);
	assert_int_equal(ns_decode(d, len, req, len, e, 4, &reason, &detail), NS_OP_REFUSED);
	assert_int_equal(reason, NS_REASON_NO_READER);
	assert_int_equal(detail, 8);
	assert_int_equal(s[3].port, 0);
	assert_string_equal(ns_reason_text(NS_REASON_NOT_IN_JOB), "this node is not in its job");
}

/* ---- the stream over a socketpair ------------------------------------ */

struct pair {
	struct net_src w, r;
	struct net_wait wait;
};

static void pair_open(struct pair *p)
{
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	net_src_init(&p->w);
	net_src_init(&p->r);
	p->w.fd = sv[0];
	p->r.fd = sv[1];
	p->r.reader = true;
	p->r.rbuf = malloc(NET_RBUF_SIZE);
	assert_non_null(p->r.rbuf);
	snprintf(p->r.peer, sizeof p->r.peer, "the writer");
	snprintf(p->w.peer, sizeof p->w.peer, "the reader");
	/* Nothing here may wait: the writer has sent all before the reads. */
	p->wait = (struct net_wait){.deadline_ms = 0, .wake_fd = -1, .stop = NULL};
}

static void pair_close(struct pair *p)
{
	net_close(&p->w);
	net_close(&p->r);
}

/* Frames of sizes 1, 2, 3, ... carrying bytes 0, 1, 2, ... */
static int64_t send_frames(struct pair *p, int nframes)
{
	unsigned char buf[64];
	int64_t at = 0;
	for (int f = 1; f <= nframes; f++) {
		for (int i = 0; i < f; i++)
			buf[i] = (unsigned char)(at + i);
		assert_int_equal(net_send(&p->w, buf, f, &p->wait), f);
		at += f;
	}
	return at;
}

static void test_stream_reads_ignore_frames(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p);
	int64_t total = send_frames(&p, 40); /* 820 bytes in 40 frames */
	unsigned char digest[NET_DIGEST_SIZE];
	memset(digest, 0xab, sizeof digest);
	p.r.etag = true; /* as the header would have said */
	assert_int_equal(net_send_end(&p.w, digest, &p.wait), 0);

	/* Reads of 100 get 100 each, across frame boundaries, until the end. */
	unsigned char got[128];
	int64_t at = 0;
	for (;;) {
		int64_t r = net_recv(&p.r, got, 100, &p.wait);
		assert_true(r >= 0);
		for (int64_t i = 0; i < r; i++)
			assert_int_equal(got[i], (unsigned char)(at + i));
		at += r;
		if (r < 100)
			break;
	}
	assert_int_equal(at, total);
	assert_true(p.r.ended);
	assert_false(p.r.broken);
	assert_memory_equal(p.r.digest, digest, sizeof digest);
	assert_int_equal(p.r.bytes, total);
	/* The end is sticky. */
	assert_int_equal(net_recv(&p.r, got, 1, &p.wait), 0);
	assert_int_equal(net_recv(&p.r, got, 1, &p.wait), 0);
	pair_close(&p);
}

/* --stream: a read returns what has arrived, across frames, without
 * waiting for the rest of the size asked; the end still comes as 0. */
static void test_stream_recv_some(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p);
	int64_t total = send_frames(&p, 3); /* 6 bytes in 3 frames, no end yet */
	/* A deadline far enough that reaching it means net_recv_some waited
	 * for the 100 bytes, as net_recv does (it would return 6 then too). */
	p.wait.deadline_ms = out_now_ms() + 5000;
	unsigned char got[100];
	assert_int_equal(net_recv_some(&p.r, got, sizeof got, &p.wait), total);
	assert_true(out_now_ms() < p.wait.deadline_ms);
	for (int64_t i = 0; i < total; i++)
		assert_int_equal(got[i], (unsigned char)i);
	assert_false(p.r.ended);
	assert_false(p.r.broken);
	assert_int_equal(net_send_end(&p.w, NULL, &p.wait), 0);
	assert_int_equal(net_recv_some(&p.r, got, sizeof got, &p.wait), 0);
	assert_true(p.r.ended);
	pair_close(&p);
}

static void test_stream_cut_is_an_error(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p);
	int64_t total = send_frames(&p, 10); /* 55 bytes */
	close(p.w.fd);                       /* the writer dies: no end marker */
	p.w.fd = -1;
	unsigned char got[100];
	/* The bytes before come, then an error, never a silent end. */
	assert_int_equal(net_recv(&p.r, got, sizeof got, &p.wait), total);
	assert_true(p.r.broken);
	assert_false(p.r.ended);
	assert_int_equal(net_recv(&p.r, got, sizeof got, &p.wait), -EIO);
	assert_string_equal(p.r.why, "the stream from the writer ended without its end marker");
	pair_close(&p);
}

static void test_stream_cut_inside_a_frame(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p);
	unsigned char raw[4 + 3];
	net_put32(raw, 10); /* a frame of 10 announced, 3 sent */
	memcpy(raw + 4, "abc", 3);
	assert_int_equal(write(p.w.fd, raw, sizeof raw), (ssize_t)sizeof raw);
	close(p.w.fd);
	p.w.fd = -1;
	unsigned char got[10];
	assert_int_equal(net_recv(&p.r, got, sizeof got, &p.wait), 3);
	assert_memory_equal(got, "abc", 3);
	assert_int_equal(net_recv(&p.r, got, sizeof got, &p.wait), -EIO);
	pair_close(&p);
}

static void test_stream_bad_length(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p);
	unsigned char raw[4];
	net_put32(raw, 0x80000000u);
	assert_int_equal(write(p.w.fd, raw, sizeof raw), (ssize_t)sizeof raw);
	unsigned char got[10];
	assert_int_equal(net_recv(&p.r, got, sizeof got, &p.wait), -EIO);
	assert_true(p.r.broken);
	assert_non_null(strstr(p.r.why, "bad frame length 2147483648"));
	pair_close(&p);
}

/* A writer whose reader has gone gets -EPIPE, not SIGPIPE. */
static void test_stream_reader_gone(void **state)
{
	(void)state;
	struct pair p;
	pair_open(&p);
	close(p.r.fd);
	p.r.fd = -1;
	assert_int_equal(net_send(&p.w, "x", 1, &p.wait), -EPIPE);
	assert_true(p.w.broken);
	assert_int_equal(net_send_end(&p.w, NULL, &p.wait), -EPIPE);
	pair_close(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_tcp),
		cmocka_unit_test(test_header_check),
		cmocka_unit_test(test_ns_encode),
		cmocka_unit_test(test_ns_decode),
		cmocka_unit_test(test_stream_reads_ignore_frames),
		cmocka_unit_test(test_stream_recv_some),
		cmocka_unit_test(test_stream_cut_is_an_error),
		cmocka_unit_test(test_stream_cut_inside_a_frame),
		cmocka_unit_test(test_stream_bad_length),
		cmocka_unit_test(test_stream_reader_gone),
	};
	return cmocka_run_group_tests_name("net", tests, NULL, NULL) ? 1 : 0;
}
