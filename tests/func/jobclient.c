/* jobclient: a client of zerovm's daemon mode (Job), for tests.
 *
 *   jobclient SOCKET MANIFEST     send MANIFEST's text as a request
 *   jobclient SOCKET -raw TEXT    send TEXT exactly as given (bad requests)
 *
 * A request is "0x" and six hex digits of length, then the manifest text;
 * the answer is the same frame and the six-line report, which is printed
 * on stdout. Exit 0 when a whole framed answer came, 1 otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			return -1;
		p += w, n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, char *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);
		if (r <= 0)
			return -1;
		p += r, n -= (size_t)r;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3 || (strcmp(argv[2], "-raw") == 0 && argc < 4)) {
		fprintf(stderr, "usage: jobclient SOCKET MANIFEST | jobclient SOCKET -raw TEXT\n");
		return 2;
	}
	static char req[1 << 20];
	size_t len;
	if (strcmp(argv[2], "-raw") == 0) {
		len = strlen(argv[3]);
		memcpy(req, argv[3], len);
	} else {
		FILE *f = fopen(argv[2], "r");
		if (!f)
			return perror(argv[2]), 2;
		size_t n = fread(req + 8, 1, sizeof req - 9, f);
		fclose(f);
		char head[9];
		snprintf(head, sizeof head, "0x%06zx", n);
		memcpy(req, head, 8);
		len = n + 8;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof a.sun_path, "%s", argv[1]);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
		return perror("connect"), 1;
	if (write_all(fd, req, len) < 0)
		return perror("write"), 1;
	shutdown(fd, SHUT_WR);
	char head[9] = {0};
	if (read_all(fd, head, 8) < 0)
		return fprintf(stderr, "jobclient: no answer\n"), 1;
	long n = strtol(head, NULL, 16);
	if (n <= 0 || n > (long)sizeof req || read_all(fd, req, (size_t)n) < 0)
		return fprintf(stderr, "jobclient: bad answer [%s]\n", head), 1;
	fwrite(req, 1, (size_t)n, stdout);
	return 0;
}
