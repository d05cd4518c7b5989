/*
 * net.c - one source of a network channel, socket side, see net.h.
 */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "out.h"

void net_src_init(struct net_src *s)
{
	memset(s, 0, sizeof *s);
	s->fd = s->lfd = -1;
}

void net_addr_text(char *buf, size_t n, uint32_t ip, uint16_t port)
{
	snprintf(buf, n, "%u.%u.%u.%u:%u", ip >> 24, ip >> 16 & 255, ip >> 8 & 255, ip & 255, port);
}

static struct sockaddr_in sockaddr_of(uint32_t ip, uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(ip)};
	return a;
}

__attribute__((format(printf, 2, 3))) static void broke(struct net_src *s, const char *fmt, ...)
{
	if (s->broken)
		return; /* the first reason stays */
	s->broken = true;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->why, sizeof s->why, fmt, ap);
	va_end(ap);
}

int net_wait(int fd, short events, int64_t until_ms, const struct net_wait *w)
{
	for (;;) {
		if (w->stop && *w->stop)
			return -EINTR;
		int64_t now = out_now_ms(), end = w->deadline_ms;
		if (end && now >= end)
			return -ETIMEDOUT;
		if (until_ms && (!end || until_ms < end))
			end = until_ms;
		if (end && now >= end)
			return 1;
		int64_t left = end ? end - now : -1;
		struct pollfd pf[2] = {{.fd = fd, .events = events}, {.fd = w->wake_fd, .events = POLLIN}};
		int r = poll(pf, 2, left < 0 ? -1 : left > INT_MAX ? INT_MAX : (int)left);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue; /* a signal (the loop's flags decide) or the time: the top says which */
		if (pf[1].revents)
			return -EINTR;
		if (pf[0].revents)
			return 0; /* POLLERR and POLLHUP too: the next call says what is wrong */
	}
}

/* Buffers the size a fast stream needs on a long path; on loopback they
 * let one write move a whole frame (docs/performance.md). A refusal is
 * harmless: the kernel's defaults still work. */
static void tune(int fd, int opt)
{
	int v = NET_SOCKBUF, one = 1;
	setsockopt(fd, SOL_SOCKET, opt, &v, sizeof v);
	/* Frames are sent whole, so Nagle's delay would only hold back the
	 * last small segment of a write (the end marker, say). */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

int net_listen(struct net_src *s)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A port left in TIME_WAIT by an earlier session can be bound again;
	 * Linux still refuses a second listener on it. */
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	tune(fd, SO_RCVBUF); /* inherited by the accepted connection */
	struct sockaddr_in a = sockaddr_of(s->ip, s->port);
	socklen_t len = sizeof a;
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, NET_BACKLOG) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	s->port = ntohs(a.sin_port);
	s->lfd = fd;
	return 0;
}

static bool retryable(int e)
{
	return e == ECONNREFUSED || e == ETIMEDOUT || e == EHOSTUNREACH || e == ENETUNREACH || e == ECONNRESET ||
	       e == EAGAIN;
}

int net_connect(struct net_src *s, const struct net_wait *w)
{
	int64_t pause = 2;
	for (;;) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		tune(fd, SO_SNDBUF);
		struct sockaddr_in a = sockaddr_of(s->ip, s->port);
		int e = 0;
		if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
			e = errno;
			if (e == EINPROGRESS) {
				int r = net_wait(fd, POLLOUT, 0, w);
				if (r < 0) {
					close(fd);
					return r;
				}
				socklen_t len = sizeof e;
				if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
					e = errno;
			}
		}
		if (!e) {
			s->fd = fd;
			return 0;
		}
		close(fd);
		s->last_errno = e;
		if (!retryable(e))
			return -e;
		/* Nobody listens yet: the peer's session may not have
		 * started. Try again soon, then every 200 ms. */
		int r = net_wait(-1, 0, out_now_ms() + pause, w);
		if (r < 0)
			return r;
		pause = pause < 100 ? pause * 2 : 200;
	}
}

/* Send all of iov (the caller's array, consumed). Returns the bytes sent,
 * which are fewer than asked only with *err set: -EPIPE, -EINTR,
 * -ETIMEDOUT or -errno. */
static int64_t send_all(struct net_src *s, struct iovec *iov, int cnt, const struct net_wait *w, int *err)
{
	int64_t sent = 0;
	*err = 0;
	while (cnt > 0) {
		struct msghdr mh = {.msg_iov = iov, .msg_iovlen = (size_t)cnt};
		ssize_t r = sendmsg(s->fd, &mh, MSG_NOSIGNAL);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				int e = net_wait(s->fd, POLLOUT, 0, w);
				if (e < 0) {
					*err = e;
					return sent;
				}
				continue;
			}
			*err = errno == ECONNRESET || errno == EPIPE || errno == ENOTCONN ? -EPIPE : -errno;
			return sent;
		}
		sent += r;
		for (size_t k = (size_t)r; cnt > 0 && k >= iov->iov_len; iov++, cnt--)
			k -= iov->iov_len, r = (ssize_t)k;
		if (cnt > 0) {
			iov->iov_base = (char *)iov->iov_base + r;
			iov->iov_len -= (size_t)r;
		}
	}
	return sent;
}

int net_send_header(struct net_src *s, uint32_t writer, uint32_t reader, bool etag, const struct net_wait *w)
{
	unsigned char h[NET_HDR_SIZE] = {0};
	memcpy(h + NET_HDR_MAGIC, NET_MAGIC, 4);
	h[NET_HDR_VERSION] = NET_VERSION;
	h[NET_HDR_FLAGS] = etag ? NET_FLAG_ETAG : 0;
	net_put32(h + NET_HDR_WRITER, writer);
	net_put32(h + NET_HDR_READER, reader);
	s->etag = etag;
	struct iovec iov = {h, sizeof h};
	int err;
	if (send_all(s, &iov, 1, w, &err) != (int64_t)sizeof h) {
		broke(s, "sending the header to %s: %s", s->peer, strerror(-err));
		return err;
	}
	return 0;
}

int64_t net_send(struct net_src *s, const void *src, int64_t n, const struct net_wait *w)
{
	if (s->broken)
		return -EPIPE;
	unsigned char len[NET_LEN_SIZE];
	net_put32(len, (uint32_t)n);
	struct iovec iov[2] = {{len, sizeof len}, {(void *)src, (size_t)n}};
	int err;
	int64_t sent = send_all(s, iov, 2, w, &err);
	if (!err) {
		s->bytes += n;
		return n;
	}
	if (err == -EPIPE) {
		broke(s, "%s has gone", s->peer);
		return -EPIPE;
	}
	if (sent == 0 && (err == -EINTR || err == -ETIMEDOUT))
		return err; /* nothing sent: the stream is still whole */
	broke(s, "a frame to %s was cut: %s", s->peer, strerror(-err));
	sent -= NET_LEN_SIZE;
	s->bytes += sent > 0 ? sent : 0;
	return sent > 0 ? sent : err;
}

int net_send_end(struct net_src *s, const unsigned char *digest, const struct net_wait *w)
{
	if (s->broken)
		return -EPIPE;
	unsigned char end[NET_LEN_SIZE + NET_DIGEST_SIZE] = {0};
	size_t n = NET_LEN_SIZE;
	if (digest) {
		memcpy(end + NET_LEN_SIZE, digest, NET_DIGEST_SIZE);
		n += NET_DIGEST_SIZE;
	}
	struct iovec iov = {end, n};
	int err;
	send_all(s, &iov, 1, w, &err);
	if (err)
		broke(s, "ending the stream to %s: %s", s->peer, strerror(-err));
	return err;
}

/* ---- the reader ------------------------------------------------------------ */

const char *net_header_check(const unsigned char h[NET_HDR_SIZE], bool node_form, uint32_t writer, uint32_t self,
			     bool *etag)
{
	if (memcmp(h + NET_HDR_MAGIC, NET_MAGIC, 4) != 0)
		return "not a zerovm stream (bad magic)";
	if (h[NET_HDR_VERSION] != NET_VERSION)
		return "unknown stream version";
	if (h[NET_HDR_FLAGS] & ~NET_FLAGS_KNOWN || net_get16(h + NET_HDR_RESERVED))
		return "unknown flags";
	if (node_form && net_get32(h + NET_HDR_WRITER) != writer)
		return "from another node";
	if (node_form && net_get32(h + NET_HDR_READER) != self)
		return "meant for another node";
	*etag = h[NET_HDR_FLAGS] & NET_FLAG_ETAG;
	return NULL;
}

struct pending {
	int fd;
	unsigned got;
	int64_t until;
	unsigned char h[NET_HDR_SIZE];
	char from[32];
};

static void drop(struct net_src *s, struct pending *p, const char *why)
{
	close(p->fd);
	p->fd = -1;
	if (why) {
		s->rejected++;
		snprintf(s->rejected_why, sizeof s->rejected_why, "%s: %s", p->from, why);
	}
}

/* A pending connection is readable: take what it sent of its header. 1:
 * the header is whole and right (the caller keeps the connection). */
static int take_header(struct net_src *s, struct pending *p, uint32_t writer, uint32_t self)
{
	ssize_t r = recv(p->fd, p->h + p->got, NET_HDR_SIZE - p->got, 0);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (r <= 0) {
		drop(s, p, r == 0 ? "closed before its header" : strerror(errno));
		return 0;
	}
	p->got += (unsigned)r;
	if (p->got < NET_HDR_SIZE)
		return 0;
	const char *why = net_header_check(p->h, s->node_form, writer, self, &s->etag);
	if (why) {
		drop(s, p, why);
		return 0;
	}
	return 1;
}

/* Accept what the listening socket holds into free slots. */
static void accept_more(struct net_src *s, struct pending *p, int64_t now)
{
	for (int k = 0; k < NET_PENDING_MAX; k++) {
		if (p[k].fd >= 0)
			continue;
		struct sockaddr_in a;
		socklen_t len = sizeof a;
		int fd = accept4(s->lfd, (struct sockaddr *)&a, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return; /* EAGAIN, or an error the next poll shows again */
		p[k] = (struct pending){.fd = fd, .until = now + NET_HEADER_WAIT_MS};
		net_addr_text(p[k].from, sizeof p[k].from, ntohl(a.sin_addr.s_addr), ntohs(a.sin_port));
	}
}

int net_accept(struct net_src *s, uint32_t writer, uint32_t self, const struct net_wait *w)
{
	struct pending p[NET_PENDING_MAX];
	for (int k = 0; k < NET_PENDING_MAX; k++)
		p[k].fd = -1;
	int rc = 0, chosen = -1;
	while (chosen < 0) {
		struct pollfd pf[NET_PENDING_MAX + 2];
		int n = 0, free_slot = 0;
		int64_t now = out_now_ms(), until = 0;
		for (int k = 0; k < NET_PENDING_MAX; k++) {
			if (p[k].fd >= 0 && now >= p[k].until)
				drop(s, &p[k], "no header in time");
			if (p[k].fd < 0) {
				free_slot = 1;
				continue;
			}
			if (!until || p[k].until < until)
				until = p[k].until;
		}
		/* While every slot is taken, further connections wait in
		 * the kernel's backlog. */
		pf[n++] = (struct pollfd){.fd = free_slot ? s->lfd : -1, .events = POLLIN};
		for (int k = 0; k < NET_PENDING_MAX; k++)
			pf[n++] = (struct pollfd){.fd = p[k].fd, .events = POLLIN};
		pf[n++] = (struct pollfd){.fd = w->wake_fd, .events = POLLIN};
		if (w->stop && *w->stop) {
			rc = -EINTR;
			break;
		}
		int64_t end = w->deadline_ms;
		if (until && (!end || until < end))
			end = until;
		if (w->deadline_ms && now >= w->deadline_ms) {
			rc = -ETIMEDOUT;
			break;
		}
		int64_t left = end ? end - now : -1;
		int r = poll(pf, (nfds_t)n, left < 0 ? -1 : left > INT_MAX ? INT_MAX : (int)left);
		if (r < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		if (r <= 0)
			continue;
		if (pf[n - 1].revents) {
			rc = -EINTR;
			break;
		}
		for (int k = 0; k < NET_PENDING_MAX && chosen < 0; k++)
			if (p[k].fd >= 0 && pf[1 + k].revents && take_header(s, &p[k], writer, self))
				chosen = k;
		if (chosen < 0 && pf[0].revents)
			accept_more(s, p, out_now_ms());
	}
	for (int k = 0; k < NET_PENDING_MAX; k++)
		if (p[k].fd >= 0 && k != chosen)
			drop(s, &p[k], NULL);
	if (chosen < 0)
		return rc;
	s->fd = p[chosen].fd;
	int one = 1;
	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	/* One writer per source: later connections are refused by the kernel. */
	close(s->lfd);
	s->lfd = -1;
	/* From now on the peer is the writer. */
	if (s->node_form)
		snprintf(s->peer, sizeof s->peer, "node %u (%s)", s->node, p[chosen].from);
	else
		snprintf(s->peer, sizeof s->peer, "%s", p[chosen].from);
	if (!(s->rbuf = malloc(NET_RBUF_SIZE))) {
		broke(s, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/* Receive into iov, waiting until something comes. The bytes (> 0), or
 * -EIO (the stream broke: the end of the connection, a reset), -EINTR,
 * -ETIMEDOUT. */
static ssize_t recv_some(struct net_src *s, struct iovec *iov, int cnt, const struct net_wait *w)
{
	for (;;) {
		struct msghdr mh = {.msg_iov = iov, .msg_iovlen = (size_t)cnt};
		ssize_t r = recvmsg(s->fd, &mh, 0);
		if (r > 0)
			return r;
		if (r == 0) {
			broke(s, "the stream from %s ended without its end marker", s->peer);
			return -EIO;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) {
			int e = net_wait(s->fd, POLLIN, 0, w);
			if (e < 0)
				return e;
			continue;
		}
		if (errno == ECONNRESET)
			broke(s, "the stream from %s was cut (connection reset) before its end marker", s->peer);
		else
			broke(s, "reading the stream from %s: %s", s->peer, strerror(errno));
		return -EIO;
	}
}

/* At least k bytes in rbuf (k <= NET_RBUF_SIZE). 0 or as recv_some(). */
static int fill(struct net_src *s, uint32_t k, const struct net_wait *w)
{
	if (s->rpos + k > NET_RBUF_SIZE) {
		memmove(s->rbuf, s->rbuf + s->rpos, s->rlen - s->rpos);
		s->rlen -= s->rpos;
		s->rpos = 0;
	}
	while (s->rlen - s->rpos < k) {
		struct iovec iov = {s->rbuf + s->rlen, NET_RBUF_SIZE - s->rlen};
		ssize_t r = recv_some(s, &iov, 1, w);
		if (r < 0)
			return (int)r;
		s->rlen += (uint32_t)r;
	}
	return 0;
}

/* The next frame's length, or the end marker (and its digest). */
static int next_frame(struct net_src *s, const struct net_wait *w)
{
	int r = fill(s, NET_LEN_SIZE, w);
	if (r < 0)
		return r;
	uint32_t len = net_get32(s->rbuf + s->rpos);
	if (len > NET_FRAME_MAX) {
		broke(s, "bad frame length %u from %s", len, s->peer);
		return -EIO;
	}
	if (len) {
		s->rpos += NET_LEN_SIZE;
		s->left = len;
		return 0;
	}
	if (s->etag && (r = fill(s, NET_LEN_SIZE + NET_DIGEST_SIZE, w)) < 0)
		return r;
	if (s->etag)
		memcpy(s->digest, s->rbuf + s->rpos + NET_LEN_SIZE, NET_DIGEST_SIZE);
	s->rpos += NET_LEN_SIZE + (s->etag ? NET_DIGEST_SIZE : 0u);
	s->ended = true;
	return 0;
}

/* Whether the next step of a read would have to wait: nothing of the
 * frame's bytes, or not the whole next length (and digest), is buffered. */
static bool would_wait(const struct net_src *s)
{
	uint32_t have = s->rlen - s->rpos;
	return s->left ? have == 0 : have < NET_LEN_SIZE + (s->etag ? NET_DIGEST_SIZE : 0u);
}

static int64_t recv_upto(struct net_src *s, void *dst, int64_t n, bool some, const struct net_wait *w)
{
	char *d = dst;
	int64_t done = 0;
	int err = 0;
	while (done < n && !s->ended && !s->broken && !(some && done && would_wait(s))) {
		if (!s->left) {
			if ((err = next_frame(s, w)) < 0)
				break;
			continue;
		}
		uint64_t want = (uint64_t)(n - done) < s->left ? (uint64_t)(n - done) : s->left;
		if (s->rpos < s->rlen) {
			uint64_t k = s->rlen - s->rpos < want ? s->rlen - s->rpos : want;
			memcpy(d + done, s->rbuf + s->rpos, k);
			s->rpos += (uint32_t)k, s->left -= (uint32_t)k, done += (int64_t)k;
			continue;
		}
		/* Straight into the caller's buffer; what follows the bytes
		 * wanted (the next length, small frames) into rbuf. */
		s->rpos = s->rlen = 0;
		struct iovec iov[2] = {{d + done, want}, {s->rbuf, NET_RBUF_SIZE}};
		ssize_t r = recv_some(s, iov, 2, w);
		if (r < 0) {
			err = (int)r;
			break;
		}
		uint64_t k = (uint64_t)r < want ? (uint64_t)r : want;
		s->left -= (uint32_t)k, done += (int64_t)k;
		s->rlen = (uint32_t)((uint64_t)r - k);
	}
	s->bytes += done;
	if (done || s->ended)
		return done;
	if (s->broken)
		return -EIO;
	return err;
}

int64_t net_recv(struct net_src *s, void *dst, int64_t n, const struct net_wait *w)
{
	return recv_upto(s, dst, n, false, w);
}

int64_t net_recv_some(struct net_src *s, void *dst, int64_t n, const struct net_wait *w)
{
	return recv_upto(s, dst, n, true, w);
}

void net_close(struct net_src *s)
{
	if (s->fd >= 0)
		close(s->fd);
	if (s->lfd >= 0)
		close(s->lfd);
	free(s->rbuf);
	s->rbuf = NULL;
	s->fd = s->lfd = -1;
}
