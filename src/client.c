/*
 * client.c - zerovm --connect (client.h, the wire in serve_wire.h).
 *
 * The command line was checked here already (main.c); the server checks it
 * again. The client hands over its descriptors 0-2 and its working
 * directory, so that the manifest's relative paths, /dev/stdin and the
 * report behave as in a session run here; then it waits for the status.
 */
#include "client.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "error.h"
#include "serve_wire.h"

static int say(int code, const char *sock, const char *what, int e)
{
	fprintf(stderr, "zerovm: server %s: %s%s%s\n", sock, what, e ? ": " : "", e ? strerror(e) : "");
	return code;
}

static int connect_to(const char *path, int *fd)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof a.sun_path)
		return -ENAMETOOLONG;
	memcpy(a.sun_path, path, strlen(path) + 1);
	/* Non-blocking connect: a full queue is EAGAIN at once (the server
	 * is busy), not a wait of unknown length. */
	*fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (*fd < 0)
		return -errno;
	if (connect(*fd, (struct sockaddr *)&a, sizeof a) < 0 || fcntl(*fd, F_SETFL, 0) < 0) {
		int e = errno;
		close(*fd);
		return -e;
	}
	return 0;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w, n -= (size_t)w;
	}
	return 0;
}

int client_main(const struct options *o, int argc, char **argv)
{
	size_t len = 0;
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if (argc > SERVE_ARGS_MAX || len > SERVE_ARGV_MAX)
		return say(ZVM_EXIT_INVAL, o->connect, "the command line is too long for a request", 0);
	int fd, r = connect_to(o->connect, &fd);
	if (r == -EAGAIN)
		return say(ZVM_EXIT_IO, o->connect, "busy (its queue of requests is full); try again later", 0);
	if (r == -ENOENT || r == -ECONNREFUSED)
		return say(ZVM_EXIT_IO, o->connect, "no server listens there (zerovm --serve starts one)", -r);
	if (r < 0)
		return say(ZVM_EXIT_IO, o->connect, "cannot connect", -r);
	int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0)
		cwd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0) {
		int e = errno;
		close(fd);
		return say(ZVM_EXIT_IO, o->connect, "cannot open the working directory (nor /) to send it", e);
	}
	char *buf = malloc(len ? len : 1);
	if (!buf) {
		close(cwd);
		close(fd);
		return say(ZVM_EXIT_NOMEM, o->connect, "preparing the request", ENOMEM);
	}
	char *p = buf;
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;
		memcpy(p, argv[i], n);
		p += n;
	}
	struct serve_request req = {.magic = SERVE_MAGIC, .argc = (uint32_t)argc, .len = (uint32_t)len};
	int fds[SERVE_FDS] = {0, 1, 2, cwd};
	struct iovec iov = {.iov_base = &req, .iov_len = sizeof req};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof fds)];
	} u;
	memset(&u, 0, sizeof u);
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof fds);
	memcpy(CMSG_DATA(c), fds, sizeof fds);
	ssize_t w;
	while ((w = sendmsg(fd, &mh, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	int e = errno;
	close(cwd);
	if (w != (ssize_t)sizeof req || send_all(fd, buf, len) < 0) {
		free(buf);
		close(fd);
		return say(ZVM_EXIT_IO, o->connect, "sending the request", w < 0 ? e : EPIPE);
	}
	free(buf);
	int32_t status;
	size_t got = 0;
	while (got < sizeof status) {
		ssize_t n = read(fd, (char *)&status + got, sizeof status - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return say(ZVM_EXIT_IO, o->connect, "the session ended without a status (server stopped?)",
				   n < 0 ? errno : 0);
		}
		got += (size_t)n;
	}
	close(fd);
	return status >= 0 && status < 256 ? status : ZVM_EXIT_IO;
}
