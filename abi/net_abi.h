/*
 * net_abi.h - the wire contracts of network channels (docs/network.md).
 *
 * Two protocols, shared by the supervisor (src/net.c, src/ns.c), the name
 * server (tools/zvns) and the test peers (tests/func/netpeer.c,
 * tests/func/nsprobe.c):
 *
 *   the stream   one TCP connection per channel source, from the writing
 *                supervisor to the reading one: a 16-byte header, frames
 *                (a 4-byte length > 0, then that many bytes), and an end
 *                marker (a length of 0, then the writer's SHA-1 when the
 *                header says so);
 *   the name server   UDP datagrams between a supervisor and zvns: a
 *                24-byte header and 8-byte records.
 *
 * Every integer on the wire is big-endian. Layouts are given as byte
 * offsets, not structs, so that no compiler's padding is part of the
 * contract; the helpers at the end read and write them.
 */
#ifndef ZVM_NET_ABI_H
#define ZVM_NET_ABI_H

#include <stdint.h>

/* ---- the stream ----------------------------------------------------------- */

#define NET_MAGIC "ZVMS" /* 4 bytes, no NUL on the wire */
#define NET_VERSION 1
#define NET_HDR_SIZE 16u
#define NET_HDR_MAGIC 0    /* 4 bytes */
#define NET_HDR_VERSION 4  /* 1 byte: NET_VERSION */
#define NET_HDR_FLAGS 5    /* 1 byte: NET_FLAG_* */
#define NET_HDR_RESERVED 6 /* 2 bytes: 0 */
#define NET_HDR_WRITER 8   /* 4 bytes: the writer's node id (its Node, 0 without) */
#define NET_HDR_READER 12  /* 4 bytes: the reader's node id as the writer knows it (0: tcp:<ipv4>) */

#define NET_FLAG_ETAG 0x01 /* the end marker carries the writer's SHA-1 */
#define NET_FLAGS_KNOWN NET_FLAG_ETAG

#define NET_LEN_SIZE 4u           /* a frame's length field */
#define NET_FRAME_MAX 0x7fffffffu /* a length with the top bit set is a protocol error */
#define NET_DIGEST_SIZE 20u       /* SHA-1, after a length of 0 when NET_FLAG_ETAG */

/* ---- the name server ------------------------------------------------------ */

#define NS_MAGIC "ZVNS"
#define NS_VERSION 1
#define NS_HDR_SIZE 24
#define NS_HDR_MAGIC 0     /* 4 bytes */
#define NS_HDR_VERSION 4   /* 1 byte: NS_VERSION */
#define NS_HDR_OP 5        /* 1 byte: enum ns_op */
#define NS_HDR_REASON 6    /* 2 bytes: enum ns_reason (refusals), else 0 */
#define NS_HDR_NODE 8      /* 4 bytes: the requesting node's id */
#define NS_HDR_DETAIL 12   /* 4 bytes: the peer a wait or a refusal is about, else 0 */
#define NS_HDR_NBIND 16    /* 4 bytes: bind records (the node's read sources) */
#define NS_HDR_NCONNECT 20 /* 4 bytes: connect records (its write sources), after the binds */

/* A record: a node id or an IPv4 address (4), a port (2), 0 (2). */
#define NS_REC_SIZE 8
#define NS_REC_ID 0
#define NS_REC_PORT 4
#define NS_REC_ZERO 6

#define NS_DGRAM_MAX 65507                                          /* the largest UDP payload over IPv4 */
#define NS_RECORDS_MAX ((NS_DGRAM_MAX - NS_HDR_SIZE) / NS_REC_SIZE) /* 8185 */

enum ns_op {
	NS_OP_REQUEST = 1, /* node -> server: register the binds, ask for the connects */
	NS_OP_ANSWER = 2,  /* server -> node: the request, connect records resolved */
	NS_OP_WAIT = 3,    /* server -> node: registered; detail is a peer not registered yet */
	NS_OP_REFUSED = 4, /* server -> node: never answerable; reason and detail say why */
};

enum ns_reason {
	NS_REASON_NONE = 0,
	NS_REASON_NOT_IN_JOB = 1,      /* the requesting node is not in the server's job */
	NS_REASON_PEER_NOT_IN_JOB = 2, /* a record names a node outside the job (detail) */
	NS_REASON_CONFLICT = 3,        /* the request differs from the node's earlier one */
	NS_REASON_NO_READER = 4,       /* the peer (detail) registered without a bind for this node */
	NS_REASON_DUPLICATE = 5,       /* a peer (detail) is named twice among the binds or the connects */
};

/* ---- byte order ----------------------------------------------------------- */

static inline uint32_t net_get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline uint16_t net_get16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void net_put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static inline void net_put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8), p[1] = (unsigned char)v;
}

#endif
