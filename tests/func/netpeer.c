/*
 * netpeer - a test peer that speaks the wire formats of network channels
 * (docs/network.md, abi/net_abi.h) from the host, for tests/func/net.sh:
 * it plays a zerovm writer or reader where a test needs one that misbehaves
 * in a chosen way, and speaks raw datagrams to a name server.
 *
 *   netpeer port
 *       print a free TCP port of 127.0.0.1 (bound, then released)
 *   netpeer send IPV4:PORT FILE [FRAME] [MODE]
 *       connect (retrying for 10 s), send the header and FILE in frames of
 *       FRAME bytes (default 4096), then end as MODE says:
 *         end          the end marker alone (the header without etag)
 *         etag         the end marker and FILE's SHA-1 (default)
 *         bad-etag     the end marker and a SHA-1 with one bit flipped
 *         cut          close without the end marker
 *         hang         wait, connected, without sending anything more
 *       prints "sent BYTES"
 *   netpeer recv PORTFILE OUT
 *       listen on 127.0.0.1 (a free port, written to PORTFILE), accept one
 *       connection, check its header, write the data to OUT and print
 *       "end BYTES" with " etag HEX" when a digest came, or "cut BYTES" when
 *       the stream stopped without its end marker
 *   netpeer dgram IPV4:PORT HEX WAIT_MS
 *       send one UDP datagram (the bytes in HEX) and print the first reply
 *       within WAIT_MS as "reply op=N reason=R detail=D", or "no reply"
 *
 * Exit 0 when it did what was asked, 1 otherwise (a message on stderr).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net_abi.h"

static void die(const char *what)
{
	fprintf(stderr, "netpeer: %s: %s\n", what, errno ? strerror(errno) : "failed");
	exit(1);
}

static struct sockaddr_in addr_of(const char *s)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	struct sockaddr_in a = {.sin_family = AF_INET};
	if (!colon || (size_t)(colon - s) >= sizeof host)
		errno = EINVAL, die(s);
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = 0;
	if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
		errno = EINVAL, die(s);
	a.sin_port = htons((uint16_t)atoi(colon + 1));
	return a;
}

static void write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t r = write(fd, c, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die("write");
		c += r, n -= (size_t)r;
	}
}

/* 1 when n bytes were read, 0 at the end of the stream before them. */
static int read_all(int fd, void *p, size_t n)
{
	char *c = p;
	while (n) {
		ssize_t r = read(fd, c, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == ECONNRESET)
			return 0;
		if (r < 0)
			die("read");
		if (r == 0)
			return 0;
		c += r, n -= (size_t)r;
	}
	return 1;
}

static int cmd_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		die("port");
	printf("%u\n", ntohs(a.sin_port));
	close(fd);
	return 0;
}

static int cmd_send(int argc, char **argv)
{
	if (argc < 4)
		errno = EINVAL, die("send IPV4:PORT FILE [FRAME] [MODE]");
	struct sockaddr_in a = addr_of(argv[2]);
	size_t frame = argc > 4 ? (size_t)atol(argv[4]) : 4096;
	const char *mode = argc > 5 ? argv[5] : "etag";
	bool etag = strcmp(mode, "etag") == 0 || strcmp(mode, "bad-etag") == 0;
	FILE *f = fopen(argv[3], "rb");
	if (!f || !frame)
		die(argv[3]);
	int fd = -1;
	for (int tries = 0;; tries++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			die("socket");
		if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
			break;
		if (tries == 200)
			die("connect");
		close(fd);
		nanosleep(&(struct timespec){0, 50000000}, NULL);
	}
	unsigned char h[NET_HDR_SIZE] = {0};
	memcpy(h + NET_HDR_MAGIC, NET_MAGIC, 4);
	h[NET_HDR_VERSION] = NET_VERSION;
	h[NET_HDR_FLAGS] = etag ? NET_FLAG_ETAG : 0;
	write_all(fd, h, sizeof h);
	if (strcmp(mode, "hang") == 0)
		for (;;)
			pause();
	EVP_MD_CTX *sha = EVP_MD_CTX_new();
	if (!sha || !EVP_DigestInit_ex(sha, EVP_sha1(), NULL))
		die("sha1");
	unsigned char *buf = malloc(NET_LEN_SIZE + frame);
	size_t n, total = 0;
	if (!buf)
		die("malloc");
	while ((n = fread(buf + NET_LEN_SIZE, 1, frame, f)) > 0) {
		net_put32(buf, (uint32_t)n);
		write_all(fd, buf, NET_LEN_SIZE + n);
		EVP_DigestUpdate(sha, buf + NET_LEN_SIZE, n);
		total += n;
	}
	fclose(f);
	if (strcmp(mode, "cut") != 0) {
		unsigned char end[NET_LEN_SIZE + NET_DIGEST_SIZE] = {0};
		EVP_DigestFinal_ex(sha, end + NET_LEN_SIZE, NULL);
		if (strcmp(mode, "bad-etag") == 0)
			end[NET_LEN_SIZE + 7] ^= 0x10;
		write_all(fd, end, NET_LEN_SIZE + (etag ? NET_DIGEST_SIZE : 0));
	}
	/* A reader that is done closes; wait for that, so the end marker is
	 * not lost to a reset. */
	shutdown(fd, SHUT_WR);
	while (read(fd, buf, 1) > 0)
		;
	close(fd);
	free(buf);
	EVP_MD_CTX_free(sha);
	printf("sent %zu\n", total);
	return 0;
}

static int cmd_recv(int argc, char **argv)
{
	if (argc < 4)
		errno = EINVAL, die("recv PORTFILE OUT");
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 4) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &len) < 0)
		die("listen");
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", argv[2]);
	FILE *pf = fopen(tmp, "w");
	if (!pf || fprintf(pf, "%u\n", ntohs(a.sin_port)) < 0 || fclose(pf) != 0 || rename(tmp, argv[2]) != 0)
		die(argv[2]);
	int fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	close(lfd);
	FILE *out = fopen(argv[3], "wb");
	if (!out)
		die(argv[3]);
	unsigned char h[NET_HDR_SIZE];
	bool etag;
	if (!read_all(fd, h, sizeof h) || memcmp(h + NET_HDR_MAGIC, NET_MAGIC, 4) != 0 ||
	    h[NET_HDR_VERSION] != NET_VERSION || h[NET_HDR_FLAGS] & ~NET_FLAGS_KNOWN)
		errno = EPROTO, die("header");
	etag = h[NET_HDR_FLAGS] & NET_FLAG_ETAG;
	static unsigned char buf[1 << 16];
	size_t total = 0;
	for (;;) {
		unsigned char l[NET_LEN_SIZE];
		if (!read_all(fd, l, sizeof l))
			break;
		uint32_t n = net_get32(l);
		if (n > NET_FRAME_MAX)
			errno = EPROTO, die("frame length");
		if (n == 0) {
			unsigned char d[NET_DIGEST_SIZE];
			if (etag && !read_all(fd, d, sizeof d))
				break;
			fclose(out);
			printf("end %zu", total);
			if (etag) {
				printf(" etag ");
				for (size_t i = 0; i < sizeof d; i++)
					printf("%02x", d[i]);
			}
			printf("\n");
			close(fd);
			return 0;
		}
		while (n) {
			size_t k = n < sizeof buf ? n : sizeof buf;
			if (!read_all(fd, buf, k))
				goto cut;
			fwrite(buf, 1, k, out);
			n -= (uint32_t)k, total += k;
		}
	}
cut:
	fclose(out);
	printf("cut %zu\n", total);
	close(fd);
	return 0;
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int cmd_dgram(int argc, char **argv)
{
	if (argc < 5)
		errno = EINVAL, die("dgram IPV4:PORT HEX WAIT_MS");
	struct sockaddr_in a = addr_of(argv[2]);
	size_t hl = strlen(argv[3]), n = hl / 2;
	unsigned char *d = malloc(n + 1), r[NS_DGRAM_MAX];
	for (size_t i = 0; d && i < n; i++) {
		int hi = hexval(argv[3][2 * i]), lo = hexval(argv[3][2 * i + 1]);
		if (hi < 0 || lo < 0)
			errno = EINVAL, die("hex");
		d[i] = (unsigned char)(hi << 4 | lo);
	}
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (!d || fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0 || send(fd, d, n, 0) != (ssize_t)n)
		die("send");
	struct pollfd p = {.fd = fd, .events = POLLIN};
	ssize_t len;
	if (poll(&p, 1, atoi(argv[4])) == 1 && (len = recv(fd, r, sizeof r, 0)) >= NS_HDR_SIZE)
		printf("reply op=%u reason=%u detail=%u\n", r[NS_HDR_OP], net_get16(r + NS_HDR_REASON),
		       net_get32(r + NS_HDR_DETAIL));
	else
		printf("no reply\n");
	free(d);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc >= 2 && strcmp(argv[1], "port") == 0)
		return cmd_port();
	if (argc >= 2 && strcmp(argv[1], "send") == 0)
		return cmd_send(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "recv") == 0)
		return cmd_recv(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "dgram") == 0)
		return cmd_dgram(argc, argv);
	fprintf(stderr, "usage: netpeer port | send IPV4:PORT FILE [FRAME] [MODE] | recv PORTFILE OUT | "
			"dgram IPV4:PORT HEX WAIT_MS\n");
	return 2;
}
