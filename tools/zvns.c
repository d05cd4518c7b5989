/*
 * zvns - the name server of a job's network channels (docs/zvns.1.md).
 *
 *   zvns [--listen IPV4[:PORT]] [--port-file FILE] --nodes N|LIST
 *        [--timeout SECONDS] [-v]
 *
 * Tells each zerovm of a job where the peers of its tcp:<node id>:[port]
 * channels listen (the protocol: docs/network.md and abi/net_abi.h; the
 * rules: tools/zvns/registry.h). This file is the command line and the
 * event loop: one UDP socket, a signalfd, a deadline.
 *
 * Made to be started by a launcher (zvjob, a Swift middleware): it binds
 * an ephemeral port unless told one, and says which, as one line on its
 * standard output (then closes it, so a reader of a pipe sees the end) or
 * atomically in --port-file. It ends by itself: on SIGTERM, SIGINT or
 * SIGHUP, when its parent dies (PR_SET_PDEATHSIG, with the parent checked
 * against the race before it was set), or at --timeout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "zvns/registry.h"

#define ZVNS_VERSION "0.1.0"

static const char usage[] =
	"Usage: zvns [--listen IPV4[:PORT]] [--port-file FILE] --nodes N|LIST [--timeout SECONDS] [-v]\n"
	"The name server of one zerovm job: tells each node (Node = ID in its manifest) where\n"
	"the peers of its tcp:<node id>:[port] channels listen.\n"
	"\n"
	"  --listen IPV4[:PORT]  the UDP address to serve (default 127.0.0.1, any free port)\n"
	"  --port-file FILE      write the port there (atomically) instead of on standard output\n"
	"  --nodes N|LIST        the job's node ids: N is 1 to N; a LIST is ids and ranges\n"
	"                        separated by commas (1,3,5-9; one node 7 is 7-7)\n"
	"  --timeout SECONDS     exit after that long (default: no limit)\n"
	"  -v                    one line per datagram on standard error, counts at exit\n"
	"  --help, --version\n"
	"\n"
	"Prints the port on standard output, then serves until SIGTERM, SIGINT, SIGHUP, its\n"
	"parent's death or the timeout (exit 0). Exit 1 when it cannot serve, 2 on a bad\n"
	"command line.\n";

struct opts {
	uint32_t ip;
	uint16_t port;
	const char *port_file;
	uint32_t *ids;
	size_t nids;
	long timeout;
	int verbose;
};

__attribute__((noreturn, format(printf, 1, 2))) static void bad_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("zvns: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	fputs(usage, stderr);
	exit(2);
}

/* A decimal number lo..hi, nothing else. */
static bool number(const char *s, size_t len, unsigned long lo, unsigned long hi, unsigned long *out)
{
	if (!len || len > 10 || (s[0] == '0' && len > 1))
		return false;
	unsigned long v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	*out = v;
	return v >= lo && v <= hi;
}

static void parse_listen(struct opts *o, const char *arg)
{
	char host[32];
	const char *colon = strchr(arg, ':');
	size_t hl = colon ? (size_t)(colon - arg) : strlen(arg);
	unsigned long port = 0;
	struct in_addr a;
	if (hl >= sizeof host)
		bad_usage("--listen: '%s' is not IPV4[:PORT]", arg);
	memcpy(host, arg, hl);
	host[hl] = 0;
	if (inet_pton(AF_INET, host, &a) != 1 || (colon && !number(colon + 1, strlen(colon + 1), 0, 65535, &port)))
		bad_usage("--listen: '%s' is not IPV4[:PORT] (an IPv4 address, a port 0 to 65535)", arg);
	o->ip = ntohl(a.s_addr);
	o->port = (uint16_t)port;
}

static void add_id(struct opts *o, uint32_t id)
{
	if (o->nids == REG_NODES_MAX)
		bad_usage("--nodes: more than %u nodes", REG_NODES_MAX);
	o->ids[o->nids++] = id;
}

static void parse_nodes(struct opts *o, const char *arg)
{
	unsigned long a, b;
	free(o->ids);
	o->nids = 0;
	if (!(o->ids = malloc(REG_NODES_MAX * sizeof *o->ids)))
		bad_usage("out of memory");
	if (!strpbrk(arg, ",-")) {
		if (!number(arg, strlen(arg), 1, REG_NODES_MAX, &a))
			bad_usage("--nodes: '%s' is not a count 1 to %u or a list", arg, REG_NODES_MAX);
		for (unsigned long i = 1; i <= a; i++)
			add_id(o, (uint32_t)i);
		return;
	}
	for (const char *p = arg;;) {
		size_t len = strcspn(p, ",");
		const char *dash = memchr(p, '-', len);
		if (dash ? !number(p, (size_t)(dash - p), 1, UINT32_MAX, &a) ||
				    !number(dash + 1, len - (size_t)(dash - p) - 1, a, UINT32_MAX, &b) ||
				    b - a >= REG_NODES_MAX
			 : !number(p, len, 1, UINT32_MAX, &a))
			bad_usage("--nodes: '%.*s' is not a node id (1 to 4294967295) or a range A-B", (int)len, p);
		for (unsigned long i = a; i <= (dash ? b : a); i++)
			add_id(o, (uint32_t)i);
		if (!p[len])
			break;
		p += len + 1;
	}
}

static void parse_options(int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof *o);
	o->ip = INADDR_LOOPBACK;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage, stdout);
			exit(0);
		}
		if (strcmp(a, "--version") == 0) {
			printf("zvns %s (name-server protocol %d)\n", ZVNS_VERSION, NS_VERSION);
			exit(0);
		}
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-v") == 0) {
			o->verbose = 1;
			continue;
		}
		bool known = !strcmp(a, "--listen") || !strcmp(a, "--port-file") || !strcmp(a, "--nodes") ||
			     !strcmp(a, "--timeout");
		if (!known)
			bad_usage("unknown argument '%s'", a);
		if (i + 1 == argc)
			bad_usage("%s needs a value", a);
		const char *v = argv[++i];
		unsigned long t;
		if (!strcmp(a, "--listen"))
			parse_listen(o, v);
		else if (!strcmp(a, "--port-file"))
			o->port_file = v;
		else if (!strcmp(a, "--nodes"))
			parse_nodes(o, v);
		else if (!number(v, strlen(v), 1, 100000000, &t))
			bad_usage("--timeout: '%s' is not a number of seconds (1 or more)", v);
		else
			o->timeout = (long)t;
	}
	if (!o->nids)
		bad_usage("--nodes is needed");
}

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void addr_text(char *buf, size_t n, uint32_t ip, uint16_t port)
{
	snprintf(buf, n, "%u.%u.%u.%u:%u", ip >> 24, ip >> 16 & 255, ip >> 8 & 255, ip & 255, port);
}

/* The port, where the launcher looks for it. */
static int tell_port(const struct opts *o, uint16_t port)
{
	if (!o->port_file) {
		printf("%u\n", port);
		if (fflush(stdout) != 0)
			return -1;
		/* Then standard output ends, so that `read` from a pipe sees
		 * the end and nothing more ever comes on it. */
		int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			close(fd);
		}
		return 0;
	}
	size_t n = strlen(o->port_file) + 16;
	char *tmp = malloc(n);
	if (!tmp)
		return -1;
	snprintf(tmp, n, "%s.tmp%d", o->port_file, (int)getpid());
	FILE *f = fopen(tmp, "we");
	int ok = f && fprintf(f, "%u\n", port) > 0;
	ok = f && fclose(f) == 0 && ok && rename(tmp, o->port_file) == 0;
	if (!ok)
		unlink(tmp);
	free(tmp);
	return ok ? 0 : -1;
}

struct sender {
	int fd;
	int verbose;
};

static void send_dgram(void *ctx, uint32_t ip, uint16_t port, const unsigned char *d, size_t len)
{
	const struct sender *s = ctx;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(ip)};
	if (sendto(s->fd, d, len, MSG_NOSIGNAL, (struct sockaddr *)&a, sizeof a) < 0 && s->verbose) {
		char t[32];
		addr_text(t, sizeof t, ip, port);
		fprintf(stderr, "zvns: sending to %s: %s\n", t, strerror(errno));
	}
}

static void log_one(enum reg_result res, uint32_t node, uint32_t detail, const char *from, size_t len,
		    const unsigned char *d)
{
	switch (res) {
	case REG_DROPPED:
		fprintf(stderr, "zvns: dropped a malformed datagram of %zu bytes from %s\n", len, from);
		break;
	case REG_WAIT: fprintf(stderr, "zvns: node %u (%s) registered, waits for node %u\n", node, from, detail); break;
	case REG_ANSWERED: fprintf(stderr, "zvns: node %u (%s) answered\n", node, from); break;
	case REG_REFUSED:
		fprintf(stderr, "zvns: node %u (%s) refused: reason %u, node %u\n", node, from,
			len >= NS_HDR_SIZE ? net_get16(d + NS_HDR_REASON) : 0, detail);
		break;
	}
}

/* Every datagram waiting on the socket. */
static void serve(int fd, struct registry *reg, int verbose, unsigned char *buf)
{
	struct sender s = {fd, verbose};
	for (;;) {
		struct sockaddr_in a;
		socklen_t alen = sizeof a;
		ssize_t len = recvfrom(fd, buf, NS_DGRAM_MAX + 1, 0, (struct sockaddr *)&a, &alen);
		if (len < 0)
			return; /* EAGAIN, or an ICMP error from an earlier reply */
		uint32_t ip = ntohl(a.sin_addr.s_addr), node, detail;
		uint16_t port = ntohs(a.sin_port);
		/* One byte more than the largest datagram tells a truncated one. */
		enum reg_result res = reg_handle(reg, buf, (size_t)len, ip, port, send_dgram, &s, &node, &detail);
		if (verbose) {
			char from[32];
			addr_text(from, sizeof from, ip, port);
			log_one(res, node, detail, from, (size_t)len, buf);
		}
	}
}

int main(int argc, char **argv)
{
	/* The parent before anything can change it: if it dies before the
	 * death signal is armed, getppid() below differs. */
	pid_t parent = getppid();
	struct opts o;
	parse_options(argc, argv, &o);

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent || sfd < 0) {
		fprintf(stderr, "zvns: %s\n", sfd < 0 ? strerror(errno) : "the parent has gone");
		return 1;
	}

	struct registry reg;
	unsigned char *buf = malloc(NS_DGRAM_MAX + 1);
	if (!buf || reg_init(&reg, o.ids, o.nids) < 0) {
		fprintf(stderr, "zvns: out of memory\n");
		return 1;
	}
	free(o.ids);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(o.port), .sin_addr.s_addr = htonl(o.ip)};
	socklen_t alen = sizeof a;
	char where[32];
	addr_text(where, sizeof where, o.ip, o.port);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &alen) < 0) {
		fprintf(stderr, "zvns: cannot listen on udp:%s: %s\n", where, strerror(errno));
		return 1;
	}
	uint16_t port = ntohs(a.sin_port);
	if (tell_port(&o, port) < 0) {
		fprintf(stderr, "zvns: cannot write the port to %s: %s\n",
			o.port_file ? o.port_file : "standard output", strerror(errno));
		return 1;
	}
	if (o.verbose)
		fprintf(stderr, "zvns: serving %zu nodes on udp:%u.%u.%u.%u:%u\n", reg.n, o.ip >> 24, o.ip >> 16 & 255,
			o.ip >> 8 & 255, o.ip & 255, port);

	int64_t end = o.timeout ? now_ms() + o.timeout * 1000 : 0;
	const char *why = "the timeout";
	for (;;) {
		int64_t left = end ? end - now_ms() : -1;
		if (end && left <= 0)
			break;
		struct pollfd pf[2] = {{.fd = fd, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
		int r = poll(pf, 2, left < 0 ? -1 : left > INT_MAX ? INT_MAX : (int)left);
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "zvns: poll: %s\n", strerror(errno));
			return 1;
		}
		if (r > 0 && pf[1].revents) {
			struct signalfd_siginfo si = {.ssi_signo = SIGTERM};
			if (read(sfd, &si, sizeof si) != (ssize_t)sizeof si)
				si.ssi_signo = SIGTERM;
			why = si.ssi_signo == SIGTERM && getppid() != parent ? "its parent's death"
									     : strsignal((int)si.ssi_signo);
			break;
		}
		if (r > 0 && pf[0].revents)
			serve(fd, &reg, o.verbose, buf);
	}
	if (o.verbose)
		fprintf(stderr,
			"zvns: ending (%s): %llu requests, %llu answers, %llu waits, %llu refusals, %llu pushed, %llu "
			"dropped\n",
			why, (unsigned long long)reg.st.requests, (unsigned long long)reg.st.answers,
			(unsigned long long)reg.st.waits, (unsigned long long)reg.st.refusals,
			(unsigned long long)reg.st.pushes, (unsigned long long)reg.st.dropped);
	close(fd);
	reg_free(&reg);
	free(buf);
	return 0;
}
