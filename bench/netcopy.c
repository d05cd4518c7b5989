/*
 * netcopy - the native baseline of the network channel benchmark
 * (bench/run.sh, "network channel throughput"): the same bytes over a TCP
 * socket on loopback, in the same sizes, with plain system calls.
 *
 *   netcopy recv PORT            listen on 127.0.0.1:PORT, read one
 *                                connection to its end in 1 MiB reads,
 *                                print the byte count
 *   netcopy send PORT FILE       connect (retrying while nobody listens),
 *                                send FILE in 1 MiB reads and writes
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (1 << 20)
static char buf[CHUNK];

static int fail(const char *what)
{
	fprintf(stderr, "netcopy: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return fprintf(stderr, "usage: netcopy recv PORT | send PORT FILE\n"), 2;
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)atoi(argv[2])),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (strcmp(argv[1], "recv") == 0) {
		int one = 1, l = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 1) < 0)
			return fail("listen");
		int fd = accept(l, NULL, NULL);
		if (fd < 0)
			return fail("accept");
		long long total = 0;
		ssize_t n;
		while ((n = read(fd, buf, CHUNK)) > 0)
			total += n;
		if (n < 0)
			return fail("read");
		printf("%lld\n", total);
		return 0;
	}
	if (strcmp(argv[1], "send") != 0 || argc < 4)
		return fprintf(stderr, "usage: netcopy recv PORT | send PORT FILE\n"), 2;
	int in = open(argv[3], O_RDONLY), fd = -1;
	if (in < 0)
		return fail(argv[3]);
	for (int tries = 0;; tries++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
			break;
		if (tries == 2000)
			return fail("connect");
		close(fd);
		nanosleep(&(struct timespec){0, 1000000}, NULL);
	}
	ssize_t n;
	while ((n = read(in, buf, CHUNK)) > 0)
		for (ssize_t at = 0; at < n;) {
			ssize_t w = write(fd, buf + at, (size_t)(n - at));
			if (w < 0)
				return fail("write");
			at += w;
		}
	return n < 0 ? fail("read") : 0;
}
