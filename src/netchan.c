/*
 * netchan.c - network channels, the channel kind, see netchan.h.
 *
 * Messages name the channel and the peer: the address a reader listens on
 * or a writer connects to, and in the name-server form the peer's node id.
 */
#include "netchan.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "net.h"
#include "ns.h"
#include "out.h"

static struct net_wait wait_of(const struct channels *cs)
{
	return (struct net_wait){cs->deadline_ms, cs->wake_fd, cs->stop};
}

/* -v 1: what the network channels do, on standard error. */
__attribute__((format(printf, 2, 3))) static void say(const struct channels *cs, const char *fmt, ...)
{
	if (cs->verbosity < 1)
		return;
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	out_printf(STDERR_FILENO, cs->deadline_ms ? cs->deadline_ms + OUT_GRACE_MS : 0, "zerovm: %s\n", line);
}

bool netchan_open_source(struct channels *cs, struct channel *c, unsigned j, struct zvm_error *err)
{
	const struct manifest_channel *mc = c->mc;
	struct manifest_tcp t;
	if (manifest_parse_tcp(mc->uri[j], &t)) /* the manifest checked it */
		return zvm_fail(err, ZVM_EXIT_MANIFEST, "channel %s: bad network source %s", mc->alias, mc->uri[j]);
	if (j == 0) {
		if (!(c->net = calloc(mc->nuri, sizeof *c->net)))
			return zvm_fail(err, ZVM_EXIT_NOMEM, "channels: out of memory");
		for (unsigned k = 0; k < mc->nuri; k++)
			net_src_init(&c->net[k]);
		c->kind = SOURCE_NET;
		c->seekable = false; /* sequential whatever the type, as a FIFO */
	}
	c->nfd = j + 1;
	struct net_src *s = &c->net[j];
	s->reader = c->readable;
	s->node_form = t.node_form;
	s->node = t.node;
	s->ip = t.node_form ? 0 : t.ipv4; /* a node's reader listens on every address */
	s->port = t.port;
	char addr[32];
	if (!s->reader) {
		if (t.node_form)
			snprintf(s->peer, sizeof s->peer, "node %u", t.node);
		else
			net_addr_text(s->peer, sizeof s->peer, s->ip, s->port);
		return true;
	}
	int r = net_listen(s);
	net_addr_text(addr, sizeof addr, s->ip, s->port);
	if (r < 0)
		return zvm_fail(err, ZVM_EXIT_IO, "channel %s: cannot listen on %s: %s", mc->alias, addr, strerror(-r));
	/* Until a writer is accepted, messages name where it is awaited. */
	if (t.node_form)
		snprintf(s->peer, sizeof s->peer, "node %u (expected on %s)", t.node, addr);
	else
		snprintf(s->peer, sizeof s->peer, "%s", addr);
	say(cs, "channel %s: listening on %s", mc->alias, addr);
	return true;
}

/* ---- connecting ------------------------------------------------------------ */

static int stopped(int sfd, struct zvm_error *err)
{
	struct signalfd_siginfo si = {.ssi_signo = SIGTERM};
	if (read(sfd, &si, sizeof si) != (ssize_t)sizeof si)
		si.ssi_signo = SIGTERM;
	return zvm_fail(err, ZVM_EXIT_SIGNAL, "Signal %u from trusted code: session stopped", si.ssi_signo), -1;
}

/* Step 1: the name server, for the sources of the node form. */
static int resolve(struct channels *cs, const struct manifest *m, const struct net_wait *w, struct zvm_error *err)
{
	size_t n = 0;
	for (uint32_t i = 0; i < cs->n; i++)
		for (unsigned j = 0; cs->ch[i].net && j < cs->ch[i].nfd; j++)
			n += cs->ch[i].net[j].node_form;
	if (!n)
		return 0;
	struct ns_entry *e = malloc(n * sizeof *e);
	if (!e)
		return zvm_fail(err, ZVM_EXIT_NOMEM, "channels: out of memory"), -1;
	size_t k = 0;
	for (uint32_t i = 0; i < cs->n; i++)
		for (unsigned j = 0; cs->ch[i].net && j < cs->ch[i].nfd; j++)
			if (cs->ch[i].net[j].node_form)
				e[k++] = (struct ns_entry){&cs->ch[i].net[j], cs->ch[i].mc->alias};
	int r = ns_resolve(m->ns_ipv4, m->ns_port, (uint32_t)m->node, e, n, w, cs->verbosity, err);
	for (size_t i = 0; r == 0 && i < n; i++) {
		struct net_src *s = e[i].src;
		if (s->reader)
			continue;
		char addr[32];
		net_addr_text(addr, sizeof addr, s->ip, s->port);
		snprintf(s->peer, sizeof s->peer, "node %u (%s)", s->node, addr);
		say(cs, "channel %s: node %u listens on %s", e[i].alias, s->node, addr);
	}
	free(e);
	return r;
}

/* Step 2: one write source. */
static int connect_source(struct channels *cs, struct channel *c, struct net_src *s, uint32_t self,
			  const struct net_wait *w, struct zvm_error *err)
{
	const char *alias = c->mc->alias;
	int r = net_connect(s, w);
	if (r == 0)
		r = net_send_header(s, self, s->node_form ? s->node : 0, c->etag != NULL, w);
	if (r == -EINTR)
		return r;
	if (r == -ETIMEDOUT && !s->last_errno)
		return zvm_fail(err, ZVM_EXIT_SIGNAL, "channel %s: no connection to %s by the session's deadline",
				alias, s->peer),
		       -1;
	if (r == -ETIMEDOUT)
		return zvm_fail(err, ZVM_EXIT_SIGNAL,
				"channel %s: nobody listened on %s by the session's deadline (%s)", alias, s->peer,
				strerror(s->last_errno)),
		       -1;
	if (r < 0)
		return zvm_fail(err, ZVM_EXIT_IO, "channel %s: cannot connect to %s: %s", alias, s->peer, strerror(-r)),
		       -1;
	say(cs, "channel %s: connected to %s", alias, s->peer);
	return 0;
}

/* Step 3: one read source. */
static int accept_source(struct channels *cs, struct channel *c, struct net_src *s, uint32_t self,
			 const struct net_wait *w, struct zvm_error *err)
{
	const char *alias = c->mc->alias;
	int r = net_accept(s, s->node, self, w);
	if (s->rejected)
		say(cs, "channel %s: refused %u connection%s, the last from %s", alias, s->rejected,
		    s->rejected > 1 ? "s" : "", s->rejected_why);
	if (r == -EINTR)
		return r;
	if (r == -ETIMEDOUT) {
		char also[160] = "";
		if (s->rejected)
			snprintf(also, sizeof also, "; refused %u connection%s, the last from %s", s->rejected,
				 s->rejected > 1 ? "s" : "", s->rejected_why);
		if (s->node_form)
			return zvm_fail(err, ZVM_EXIT_SIGNAL,
					"channel %s: %s never connected by the session's deadline%s", alias, s->peer,
					also),
			       -1;
		return zvm_fail(err, ZVM_EXIT_SIGNAL,
				"channel %s: no writer connected to %s by the session's deadline%s", alias, s->peer,
				also),
		       -1;
	}
	if (r < 0)
		return zvm_fail(err, ZVM_EXIT_IO, "channel %s: accepting on %s: %s", alias, s->peer, strerror(-r)), -1;
	say(cs, "channel %s: writer %s connected", alias, s->peer);
	return 0;
}

int netchan_connect(struct channels *cs, const struct manifest *m, struct zvm_error *err)
{
	bool any = false;
	for (uint32_t i = 0; i < cs->n; i++)
		any |= cs->ch[i].net != NULL;
	if (!any)
		return 0;
	/* The stop signals are blocked: a signalfd is how the waits below
	 * learn of one. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		return zvm_fail(err, ZVM_EXIT_NOMEM, "channels: signalfd: %s", strerror(errno)), -1;
	const struct net_wait w = {cs->deadline_ms, sfd, NULL};
	uint32_t self = m->node > 0 && m->node <= UINT32_MAX ? (uint32_t)m->node : 0;
	int r = resolve(cs, m, &w, err);
	for (uint32_t i = 0; r == 0 && i < cs->n; i++) {
		struct channel *c = &cs->ch[i];
		for (unsigned j = 0; r == 0 && c->net && !c->readable && j < c->nfd; j++)
			r = connect_source(cs, c, &c->net[j], self, &w, err);
	}
	for (uint32_t i = 0; r == 0 && i < cs->n; i++) {
		struct channel *c = &cs->ch[i];
		for (unsigned j = 0; r == 0 && c->net && c->readable && j < c->nfd; j++)
			r = accept_source(cs, c, &c->net[j], self, &w, err);
	}
	if (r == -EINTR)
		r = stopped(sfd, err);
	close(sfd);
	return r < 0 ? -1 : 0;
}

/* ---- serving --------------------------------------------------------------- */

/* Source j (a replica) must carry the same got bytes as dst, and end where
 * source 0 did. 0, -EIO (they differ, or j broke), or -EINTR/-ETIMEDOUT. */
static int replica_same(struct channels *cs, struct channel *c, unsigned j, const char *dst, int64_t got, bool end,
			const struct net_wait *w)
{
	if (!cs->scratch && !(cs->scratch = malloc(CHANNEL_SCRATCH)))
		return -ENOMEM;
	struct net_src *s = &c->net[j];
	int64_t done = 0, r = 0;
	while (done < got) {
		int64_t want = got - done < CHANNEL_SCRATCH ? got - done : CHANNEL_SCRATCH;
		r = net_recv(s, cs->scratch, want, w);
		if (s->broken || r < 0)
			break;
		if (r < want)
			return s->ended ? -EIO : -EINTR; /* shorter, or the session is ending */
		if (memcmp(cs->scratch, dst + done, (size_t)r) != 0)
			return -EIO;
		done += r;
	}
	if (done == got && end && !s->broken) /* only the end marker may follow */
		r = net_recv(s, cs->scratch, 1, w);
	if (s->broken) {
		zvm_fail(cs->err, ZVM_EXIT_IO, "channel %s: %s", c->mc->alias, s->why);
		return -EIO;
	}
	if (r < 0)
		return (int)r;
	return !end || (r == 0 && s->ended) ? 0 : -EIO;
}

int64_t netchan_read(struct channels *cs, struct channel *c, void *dst, int64_t n)
{
	if (c->broken)
		return -EIO;
	const struct net_wait w = wait_of(cs);
	struct net_src *s0 = &c->net[0];
	int64_t got = c->stream ? net_recv_some(s0, dst, n, &w) : net_recv(s0, dst, n, &w);
	if (s0->broken) {
		c->broken = true;
		zvm_fail(cs->err, ZVM_EXIT_IO, "channel %s: %s", c->mc->alias, s0->why);
		return got > 0 ? got : -EIO;
	}
	if (got < 0)
		return got; /* the session is ending */
	for (unsigned j = 1; j < c->nfd; j++) {
		int r = replica_same(cs, c, j, dst, got, s0->ended, &w);
		if (r == -EIO) {
			c->broken = true;
			zvm_fail(cs->err, ZVM_EXIT_IO, "channel %s: the streams from %s and %s differ", c->mc->alias,
				 s0->peer, c->net[j].peer);
		}
		if (r < 0)
			return r;
	}
	if (s0->ended)
		c->eof = true;
	return got;
}

void netchan_check_end(struct channels *cs, struct channel *c)
{
	c->end_checked = true;
	unsigned char md[ETAG_DIGEST_LEN];
	if (!c->etag || etag_peek(c->etag, md) < 0)
		return;
	for (unsigned j = 0; j < c->nfd; j++) {
		const struct net_src *s = &c->net[j];
		if (!s->etag || memcmp(md, s->digest, sizeof md) == 0)
			continue;
		char theirs[ETAG_HEX_LEN + 1], ours[ETAG_HEX_LEN + 1];
		etag_hex(s->digest, theirs);
		etag_hex(md, ours);
		out_printf(STDERR_FILENO, cs->deadline_ms ? cs->deadline_ms + OUT_GRACE_MS : 0,
			   "zerovm: channel %s: the writer %s sent digest %s, the data read has %s\n", c->mc->alias,
			   s->peer, theirs, ours);
		/* The original's exit state, word for word. */
		zvm_fail(cs->err, ZVM_EXIT_PIPE, "corrupted upon eof");
	}
}

int64_t netchan_write(struct channels *cs, struct channel *c, const void *src, int64_t n)
{
	const struct net_wait w = wait_of(cs);
	bool any = false;
	for (unsigned j = 0; j < c->nfd; j++) {
		struct net_src *s = &c->net[j];
		if (s->broken)
			continue; /* a reader that went away is left out */
		int64_t r = net_send(s, src, n, &w);
		if (r == -EPIPE) {
			say(cs, "channel %s: %s", c->mc->alias, s->why);
			continue;
		}
		if (r < n)
			return r; /* the session is ending, or a socket error */
		any = true;
	}
	return any ? n : -EPIPE;
}

void netchan_close(struct channels *cs, struct channel *c, struct zvm_error *err)
{
	/* The end marker waits for room no longer than the report does. */
	const struct net_wait w = {cs->deadline_ms ? cs->deadline_ms + OUT_GRACE_MS : 0, -1, NULL};
	/* Zeros if libcrypto failed: the reader then reports the stream as
	 * corrupted rather than taking it for good. */
	unsigned char md[ETAG_DIGEST_LEN] = {0};
	if (c->etag)
		etag_peek(c->etag, md);
	for (unsigned j = 0; j < c->nfd; j++) {
		struct net_src *s = &c->net[j];
		if (!s->reader && s->fd >= 0 && !s->broken && cs->ended_ok) {
			int r = net_send_end(s, s->etag ? md : NULL, &w);
			if (r == -EPIPE)
				say(cs, "channel %s: %s", c->mc->alias, s->why);
			else if (r < 0)
				zvm_fail(err, ZVM_EXIT_IO, "channel %s: cannot end the stream to %s: %s", c->mc->alias,
					 s->peer, strerror(-r));
		}
		net_close(s);
	}
	free(c->net);
	c->net = NULL;
}
