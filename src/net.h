/*
 * net.h - one source of a network channel, on the socket side: listening,
 * connecting, accepting the right writer, and the stream's framing
 * (docs/network.md, "On the wire"; the constants are abi/net_abi.h's).
 *
 * A reader listens from the moment the channel is opened, accepts one
 * writer whose header is right (other connections are closed, and do not
 * block it), and reads the stream: frames of any size, then an end marker
 * that may carry the writer's SHA-1. Reads block until they have the bytes
 * asked for or the end, so what a program reads never depends on how the
 * writer sized its writes or on packet timing. A stream that stops before
 * its end marker, or that breaks the framing, is "broken": the bytes before
 * are delivered, then every read is -EIO.
 *
 * A writer connects (retrying until the peer listens), sends the header,
 * one frame per write, and the end marker only when told to.
 *
 * Data moves between the socket and the caller's buffer (the supervisor's
 * mapping of guest memory) without a bounce buffer: a frame goes out as one
 * sendmsg() of its 4-byte length and the caller's bytes; a read receives
 * straight into the caller's buffer, with a small buffer behind it in the
 * same recvmsg() for whatever follows (the next frame's length, small
 * frames), so that small frames cost one system call per 64 KiB, not two
 * per frame.
 *
 * Every wait is bounded: by a deadline, and by a "wake" descriptor that
 * turns readable when the session ends (the event loop's eventfd, or a
 * signalfd for stop signals while the channels are being connected).
 * Sockets are non-blocking and close-on-exec; writes never raise SIGPIPE.
 */
#ifndef ZVM_NET_H
#define ZVM_NET_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net_abi.h"

#define NET_RBUF_SIZE (64u << 10) /* a reader's buffer behind the caller's */
#define NET_BACKLOG 16            /* connections the kernel holds before accept */
#define NET_PENDING_MAX 16        /* connections whose header is awaited at once */
#define NET_HEADER_WAIT_MS 2000   /* a connection must send its header within */
#define NET_SOCKBUF (4u << 20)    /* SO_SNDBUF / SO_RCVBUF asked for (docs/performance.md) */

/* How long a call may wait. */
struct net_wait {
	int64_t deadline_ms;               /* CLOCK_MONOTONIC ms; 0: no deadline */
	int wake_fd;                       /* readable: give up now (-1: none) */
	const volatile sig_atomic_t *stop; /* set: give up now (NULL: none) */
};

struct net_src {
	int fd;  /* the connection, -1 before it is made */
	int lfd; /* reader: the listening socket, until the writer is accepted */
	bool reader;
	bool node_form; /* tcp:<node id>:[port] */
	uint32_t node;  /* node form: the peer's node id */
	uint32_t ip;    /* reader: the address listened on; writer: the peer's (host byte order) */
	uint16_t port;  /* reader: the port listened on (chosen by the kernel for 0); writer: the peer's */
	char peer[80];  /* the peer, for messages */

	/* The stream. */
	bool etag;                             /* the end marker carries a digest (reader: the writer said so) */
	bool ended;                            /* reader: the end marker was read */
	bool broken;                           /* cut, reset, bad framing (reader) or peer gone (writer) */
	char why[160];                         /* what broke it, for the exit state */
	uint32_t left;                         /* reader: payload bytes left in the current frame */
	unsigned char digest[NET_DIGEST_SIZE]; /* reader: the writer's, when etag */
	unsigned char *rbuf;                   /* reader: NET_RBUF_SIZE bytes */
	uint32_t rpos, rlen;                   /* unread bytes of rbuf: [rpos, rlen) */
	int64_t bytes;                         /* payload moved */
	int last_errno;                        /* writer: why the last connect failed */
	unsigned rejected;                     /* reader: connections refused for their header */
	char rejected_why[96];                 /* ... the last reason */
};

void net_src_init(struct net_src *s);

/* Reader: bind ip:port (SO_REUSEADDR) and listen; s->port becomes the port
 * really bound. 0 or -errno. */
int net_listen(struct net_src *s);

/* Writer: connect to ip:port, retrying while nobody listens (connection
 * refused, unreachable) until the deadline. 0, -ETIMEDOUT, -EINTR (woken),
 * or -errno for an error retrying cannot help. */
int net_connect(struct net_src *s, const struct net_wait *w);

/* Writer: the 16-byte header. writer/reader: the node ids it carries. */
int net_send_header(struct net_src *s, uint32_t writer, uint32_t reader, bool etag, const struct net_wait *w);

/* Is h a header this reader takes? NULL and *etag set, or the reason. In
 * the node form the writer's id must be `writer` and the reader's `self`. */
const char *net_header_check(const unsigned char h[NET_HDR_SIZE], bool node_form, uint32_t writer, uint32_t self,
			     bool *etag);

/* Reader: accept connections until one sends a header net_header_check()
 * takes (others are closed), then stop listening. 0, -ETIMEDOUT, -EINTR,
 * -errno. */
int net_accept(struct net_src *s, uint32_t writer, uint32_t self, const struct net_wait *w);

/*
 * Reader: up to n bytes into dst, waiting until all n have come or the end
 * marker. Returns the bytes (fewer than n only at the end, when the stream
 * broke, or when the wait gave up: s->ended, s->broken tell), 0 at the end,
 * -EIO when the stream broke before any byte (s->why says how), or -EINTR /
 * -ETIMEDOUT when the wait gave up before any byte.
 */
int64_t net_recv(struct net_src *s, void *dst, int64_t n, const struct net_wait *w);
/* The same for --stream: waits only until some bytes (or the end) have
 * come, then returns what has arrived, as read(2) does. */
int64_t net_recv_some(struct net_src *s, void *dst, int64_t n, const struct net_wait *w);

/*
 * Writer: one frame of n bytes (0 < n <= NET_FRAME_MAX). Returns n, the
 * bytes sent when the wait gave up midway (the stream is then broken: a
 * frame is cut), -EPIPE when the reader has gone (connection reset or
 * closed), -EINTR / -ETIMEDOUT when nothing was sent, or -errno.
 */
int64_t net_send(struct net_src *s, const void *src, int64_t n, const struct net_wait *w);

/* Writer: the end marker, with digest when non-NULL. 0 or as net_send. */
int net_send_end(struct net_src *s, const unsigned char *digest, const struct net_wait *w);

/* Close everything; the struct can be reused after net_src_init(). */
void net_close(struct net_src *s);

/* "a.b.c.d:port" into buf. */
void net_addr_text(char *buf, size_t n, uint32_t ip, uint16_t port);

/* Wait for events on fd (-1: none, only the deadline, wake and until_ms),
 * no longer than until_ms (0: the deadline alone). 0 when fd is ready,
 * 1 when until_ms passed, -ETIMEDOUT past the deadline, -EINTR when woken. */
int net_wait(int fd, short events, int64_t until_ms, const struct net_wait *w);

#endif
