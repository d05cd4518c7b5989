/*
 * manifest.c - parser for the ZeroVM manifest, see manifest.h.
 *
 * The input is copied once; lines, keys and fields are cut in place in the
 * copy (NUL-terminated), so the parsed struct holds pointers into one
 * buffer. Every error names the line and the problem.
 */
#include "manifest.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum key_id { K_VERSION, K_PROGRAM, K_MEMORY, K_TIMEOUT, K_NODE, K_NAMESERVER, K_JOB, K_ETAG, K_CHANNEL, K_N };

static const char *const key_name[K_N] = {
	"Version", "Program", "Memory", "Timeout", "Node", "NameServer", "Job", "Etag", "Channel",
};
static const bool key_required[K_N] = {
	[K_VERSION] = true, [K_PROGRAM] = true, [K_MEMORY] = true, [K_TIMEOUT] = true, [K_CHANNEL] = true,
};

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

int manifest_parse_int(const char *s, int64_t *out)
{
	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return -EINVAL;
	/* Only non-negative numbers are meaningful in a manifest, and strtoll
	 * would accept a sign and leading space inside the field. */
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	while (isspace((unsigned char)*end))
		end++;
	if (*end || end == s)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Split s in place at every sep; up to max fields. Returns the field count,
 * or max + 1 when there are more. Fields are trimmed. */
static unsigned split(char *s, char sep, char **field, unsigned max)
{
	unsigned n = 0;
	for (;;) {
		char *p = strchr(s, sep);
		if (p)
			*p = 0;
		if (n == max)
			return max + 1;
		field[n++] = trim(s);
		if (!p)
			return n;
		s = p + 1;
	}
}

int manifest_channel_readable(const struct manifest_channel *c)
{
	return c->limit[LIMIT_GETS] > 0 && c->limit[LIMIT_GET_SIZE] > 0;
}

int manifest_channel_writable(const struct manifest_channel *c)
{
	return c->limit[LIMIT_PUTS] > 0 && c->limit[LIMIT_PUT_SIZE] > 0;
}

struct parse {
	struct manifest *m;
	struct zvm_error *err;
	unsigned line;
	unsigned key_line[K_N];
	size_t cap;
	/* The aliases seen, for duplicates: an open-addressing table of
	 * channel index + 1 (0: empty), at most half full. */
	uint32_t *seen;
	size_t nseen;
};

static uint64_t alias_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

/* Where alias is in the table, or the empty slot where it would go. */
static size_t seen_slot(const struct parse *p, const char *alias)
{
	size_t mask = p->nseen - 1, i = (size_t)alias_hash(alias) & mask;
	while (p->seen[i] && strcmp(p->m->channel[p->seen[i] - 1].alias, alias) != 0)
		i = (i + 1) & mask;
	return i;
}

/* Room for the channels parsed so far and one more. false when out of memory. */
static bool seen_room(struct parse *p)
{
	if (p->nseen && (p->m->nchannel + 1) * 2 <= p->nseen)
		return true;
	size_t n = p->nseen ? p->nseen * 2 : 64;
	uint32_t *old = p->seen;
	size_t oldn = p->nseen;
	if (!(p->seen = calloc(n, sizeof *p->seen))) {
		p->seen = old;
		return false;
	}
	p->nseen = n;
	for (size_t i = 0; i < oldn; i++)
		if (old[i])
			p->seen[seen_slot(p, p->m->channel[old[i] - 1].alias)] = old[i];
	free(old);
	return true;
}

__attribute__((format(printf, 3, 4))) static bool fail(struct parse *p, int code, const char *fmt, ...)
{
	char what[ZVM_ERROR_MSG_MAX - 64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (p->line)
		return zvm_fail(p->err, code, "manifest line %u: %s", p->line, what);
	return zvm_fail(p->err, code, "manifest: %s", what);
}

static bool parse_int_field(struct parse *p, const char *key, const char *what, const char *s, int64_t min,
			    int64_t *out)
{
	int r = manifest_parse_int(s, out);
	if (r == -ERANGE)
		return fail(p, ZVM_EXIT_MANIFEST, "%s: %s is out of range", key, what);
	if (r < 0)
		return fail(p, ZVM_EXIT_MANIFEST, "%s: %s is not an integer", key, what);
	if (*out < min)
		return fail(p, ZVM_EXIT_MANIFEST, "%s: %s must be >= %lld", key, what, (long long)min);
	return true;
}

int manifest_parse_ipv4(const char *s, size_t len, uint32_t *out)
{
	uint32_t ip = 0;
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		if (part && (i >= len || s[i++] != '.'))
			return -EINVAL;
		size_t start = i;
		unsigned v = 0;
		while (i < len && isdigit((unsigned char)s[i]) && i - start < 3)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
			return -EINVAL;
		ip = ip << 8 | v;
	}
	if (i != len)
		return -EINVAL;
	*out = ip;
	return 0;
}

/* Decimal digits only (no sign, no leading zero but "0" itself), at most
 * max. 0, or -EINVAL. */
static int parse_decimal(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	if (!len || (s[0] == '0' && len > 1))
		return -EINVAL;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > max)
			return -EINVAL;
	}
	*out = v;
	return 0;
}

const char *manifest_parse_tcp(const char *uri, struct manifest_tcp *t)
{
	memset(t, 0, sizeof *t);
	if (strncmp(uri, "tcp:", 4) != 0)
		return "not a tcp: source";
	const char *host = uri + 4, *colon = strrchr(host, ':');
	if (!colon || colon == host)
		return "expected tcp:<ipv4>:<port> or tcp:<node id>:[<port>]";
	size_t hlen = (size_t)(colon - host), plen = strlen(colon + 1);
	uint64_t v;
	if (memchr(host, '.', hlen)) {
		if (manifest_parse_ipv4(host, hlen, &t->ipv4) < 0)
			return "the host is not an IPv4 address (four numbers 0-255, no leading zeros)";
		if (parse_decimal(colon + 1, plen, 65535, &v) < 0 || v == 0)
			return "the port must be 1 to 65535";
		t->port = (uint16_t)v;
		return NULL;
	}
	if (parse_decimal(host, hlen, UINT32_MAX, &v) < 0 || v == 0)
		return "a node id must be a decimal number 1 to 4294967295 (or the host an IPv4 address)";
	t->node_form = true;
	t->node = (uint32_t)v;
	if (plen && parse_decimal(colon + 1, plen, 65535, &v) < 0)
		return "the port must be empty or 0 to 65535";
	t->port = plen ? (uint16_t)v : 0;
	return NULL;
}

static bool parse_channel(struct parse *p, char *value)
{
	char *f[8];
	unsigned n = split(value, ',', f, 8);
	if (n != 8)
		return fail(p, ZVM_EXIT_MANIFEST, "Channel: expected 8 comma-separated fields, got %s",
			    n > 8 ? "more" : "fewer");

	struct manifest *m = p->m;
	if (m->nchannel == CHANNELS_MAX)
		return fail(p, ZVM_EXIT_NFILE, "too many channels (the limit is %u)", CHANNELS_MAX);
	if (m->nchannel == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		void *q = realloc(m->channel, cap * sizeof *m->channel);
		if (!q)
			return fail(p, ZVM_EXIT_NOMEM, "out of memory");
		m->channel = q;
		p->cap = cap;
	}
	struct manifest_channel *c = &m->channel[m->nchannel];
	memset(c, 0, sizeof *c);
	c->line = p->line;

	char *uri[CHANNEL_URIS_MAX];
	unsigned nu = split(f[0], ';', uri, CHANNEL_URIS_MAX);
	if (nu > CHANNEL_URIS_MAX)
		return fail(p, ZVM_EXIT_MANIFEST, "Channel: more than 16 sources");
	for (unsigned i = 0; i < nu; i++) {
		if (!*uri[i])
			return fail(p, ZVM_EXIT_MANIFEST, "Channel: empty source");
		bool net = strncmp(uri[i], "tcp:", 4) == 0;
		if (i && net != c->net)
			return fail(p, ZVM_EXIT_MANIFEST, "Channel: network and file sources cannot be mixed");
		c->net = net;
		struct manifest_tcp t;
		const char *why;
		if (net && (why = manifest_parse_tcp(uri[i], &t)))
			return fail(p, ZVM_EXIT_MANIFEST, "Channel: bad network source '%s' (%s)", uri[i], why);
		if (!net && uri[i][0] != '/') {
			return fail(p, ZVM_EXIT_MANIFEST,
				    "Channel: source '%s' is neither an absolute path nor tcp:<host>:<port>", uri[i]);
		}
		c->uri[i] = uri[i];
	}
	c->nuri = nu;

	if (!*f[1])
		return fail(p, ZVM_EXIT_MANIFEST, "Channel: empty alias");
	c->alias = f[1];

	int64_t v;
	if (!parse_int_field(p, "Channel", "type", f[2], 0, &v))
		return false;
	if (v > 3)
		return fail(p, ZVM_EXIT_MANIFEST, "Channel: type must be 0, 1, 2 or 3, not %s", f[2]);
	c->type = (enum channel_type)v;
	if (!parse_int_field(p, "Channel", "etag", f[3], 0, &v))
		return false;
	if (v > 1)
		return fail(p, ZVM_EXIT_MANIFEST, "Channel: etag must be 0 or 1, not %s", f[3]);
	c->etag = (int)v;
	static const char *const limit_name[LIMITS_N] = {"gets", "get_size", "puts", "put_size"};
	for (int i = 0; i < LIMITS_N; i++)
		if (!parse_int_field(p, "Channel", limit_name[i], f[4 + i], 0, &c->limit[i]))
			return false;
	if (!manifest_channel_readable(c) && !manifest_channel_writable(c))
		return fail(
			p, ZVM_EXIT_INVAL,
			"Channel %s: neither readable (gets and get_size > 0) nor writable (puts and put_size > 0)%s",
			c->alias, "");
	if (c->net && manifest_channel_readable(c) && manifest_channel_writable(c))
		return fail(p, ZVM_EXIT_MANIFEST,
			    "Channel %s: a network channel is read or written, not both (set gets/get_size or "
			    "puts/put_size to 0)",
			    c->alias);

	if (!seen_room(p))
		return fail(p, ZVM_EXIT_NOMEM, "out of memory");
	size_t slot = seen_slot(p, c->alias);
	if (p->seen[slot])
		return fail(p, ZVM_EXIT_MANIFEST, "duplicate channel alias %s (first on line %u)", c->alias,
			    m->channel[p->seen[slot] - 1].line);
	p->seen[slot] = (uint32_t)++m->nchannel;
	return true;
}

static bool parse_memory(struct parse *p, char *value)
{
	char *f[2];
	unsigned n = split(value, ',', f, 2);
	if (n != 2)
		return fail(p, ZVM_EXIT_MANIFEST, "Memory: expected '<bytes>, <etag 0|1>'");
	/* A negative size is a memory error (12) in the original, not a
	 * malformed number (14). */
	int64_t neg;
	if (f[0][0] == '-' && manifest_parse_int(f[0] + 1, &neg) == 0)
		return fail(p, ZVM_EXIT_NOMEM, "Memory: invalid memory size %s", f[0]);
	if (!parse_int_field(p, "Memory", "bytes", f[0], 0, &p->m->memory))
		return false;
	if (p->m->memory == 0) /* ZeroVM counts this as a memory error */
		return fail(p, ZVM_EXIT_NOMEM, "Memory: invalid memory size %s", f[0]);
	int64_t e;
	if (!parse_int_field(p, "Memory", "etag", f[1], 0, &e))
		return false;
	if (e > 1)
		return fail(p, ZVM_EXIT_MANIFEST, "Memory: etag must be 0 or 1, not %s", f[1]);
	p->m->memory_etag = (int)e;
	return true;
}

static bool parse_name_server(struct parse *p, const char *v)
{
	const char *colon = strrchr(v, ':');
	uint64_t port;
	if (strncmp(v, "udp:", 4) != 0 || !colon || colon <= v + 4 ||
	    parse_decimal(colon + 1, strlen(colon + 1), 65535, &port) < 0 || port == 0)
		return fail(p, ZVM_EXIT_MANIFEST, "NameServer: expected udp:<ipv4>:<port>, got '%s'%s", v, "");
	if (manifest_parse_ipv4(v + 4, (size_t)(colon - v - 4), &p->m->ns_ipv4) < 0)
		return fail(p, ZVM_EXIT_MANIFEST, "NameServer: '%s' is not an IPv4 address%s", v, "");
	p->m->ns_port = (uint16_t)port;
	p->m->name_server = v;
	return true;
}

static bool parse_line(struct parse *p, char *line)
{
	char *eq = strchr(line, '=');
	if (!eq || strchr(eq + 1, '='))
		return true; /* not exactly two parts: ignored by the language */
	*eq = 0;
	char *key = trim(line), *value = trim(eq + 1);

	int k;
	for (k = 0; k < K_N; k++)
		if (strcmp(key, key_name[k]) == 0)
			break;
	if (k == K_N)
		return true; /* unknown keys are ignored */
	if (k != K_CHANNEL && p->key_line[k])
		return fail(p, ZVM_EXIT_MANIFEST, "duplicate %s keyword (first on line %u)", key_name[k],
			    p->key_line[k]);
	if (!p->key_line[k])
		p->key_line[k] = p->line;
	if (!*value && k != K_ETAG)
		return fail(p, ZVM_EXIT_MANIFEST, "%s has an empty value%s", key_name[k], "");

	struct manifest *m = p->m;
	switch (k) {
	case K_VERSION:
		if (strcmp(value, MANIFEST_VERSION) != 0)
			return fail(p, ZVM_EXIT_MANIFEST, "Version: '%s' is not supported (expected %s)", value,
				    MANIFEST_VERSION);
		return true;
	case K_PROGRAM: m->program = value; return true;
	case K_MEMORY: return parse_memory(p, value);
	case K_TIMEOUT: return parse_int_field(p, "Timeout", "seconds", value, 1, &m->timeout);
	case K_NODE: return parse_int_field(p, "Node", "id", value, 0, &m->node);
	case K_NAMESERVER: return parse_name_server(p, value);
	case K_JOB:
		if (strlen(value) >= JOB_PATH_MAX)
			return fail(p, ZVM_EXIT_MANIFEST, "Job: socket path longer than 107 characters");
		m->job = value;
		return true;
	case K_ETAG: return true; /* accepted and ignored, as the original */
	default: return parse_channel(p, value);
	}
}

/* The name-server form: NameServer and Node are needed, and a peer may be
 * named once per direction: the name server knows a pair of nodes by their
 * ids, so two sources between the same two nodes in the same direction
 * could not be told apart. Sorted, so that 10915 channels stay cheap. */
struct node_use {
	uint32_t node;
	int rd;
	unsigned line; /* the channel's line: sorts duplicates into manifest order */
	const struct manifest_channel *c;
};

static int cmp_node_use(const void *a, const void *b)
{
	const struct node_use *x = a, *y = b;
	if (x->rd != y->rd)
		return x->rd - y->rd;
	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static bool check_node_sources(struct parse *p)
{
	const struct manifest *m = p->m;
	size_t n = 0;
	for (size_t i = 0; i < m->nchannel; i++)
		n += m->channel[i].net ? m->channel[i].nuri : 0;
	if (!n)
		return true;
	struct node_use *u = malloc(n * sizeof *u);
	if (!u)
		return fail(p, ZVM_EXIT_NOMEM, "out of memory");
	size_t k = 0;
	for (size_t i = 0; i < m->nchannel; i++) {
		const struct manifest_channel *c = &m->channel[i];
		for (unsigned j = 0; c->net && j < c->nuri; j++) {
			struct manifest_tcp t;
			if (manifest_parse_tcp(c->uri[j], &t) || !t.node_form)
				continue;
			if (!m->name_server || !m->node) {
				free(u);
				return fail(p, ZVM_EXIT_MANIFEST,
					    "channel %s: %s names a node: NameServer and Node are needed", c->alias,
					    c->uri[j]);
			}
			u[k++] = (struct node_use){t.node, manifest_channel_readable(c), c->line, c};
		}
	}
	qsort(u, k, sizeof *u, cmp_node_use);
	for (size_t i = 1; i < k; i++) {
		if (u[i].rd != u[i - 1].rd || u[i].node != u[i - 1].node)
			continue;
		const struct node_use a = u[i - 1], b = u[i];
		free(u);
		return fail(p, ZVM_EXIT_MANIFEST,
			    "channel %s: node %u is named twice among the %s sources (also by channel %s): the "
			    "name server could not tell them apart",
			    b.c->alias, b.node, b.rd ? "read" : "write", a.c->alias);
	}
	free(u);
	return true;
}

static bool check_complete(struct parse *p)
{
	p->line = 0;
	for (int k = 0; k < K_N; k++)
		if (key_required[k] && !p->key_line[k])
			return fail(p, ZVM_EXIT_MANIFEST, "%s not specified%s", key_name[k], "");
	static const char *const std[] = {"/dev/stdin", "/dev/stdout", "/dev/stderr"};
	for (int s = 0; s < 3; s++) {
		size_t i;
		for (i = 0; i < p->m->nchannel; i++)
			if (strcmp(p->m->channel[i].alias, std[s]) == 0)
				break;
		if (i == p->m->nchannel)
			return fail(p, ZVM_EXIT_MANIFEST, "channel %s not specified%s", std[s], "");
	}
	if (p->m->name_server && p->m->node < 1)
		return fail(p, ZVM_EXIT_MANIFEST, "Node must be >= 1 when a NameServer is used");
	if (p->m->name_server && p->m->node > UINT32_MAX)
		return fail(p, ZVM_EXIT_MANIFEST, "Node must be at most 4294967295 when a NameServer is used");
	return check_node_sources(p);
}

void manifest_free(struct manifest *m)
{
	free(m->channel);
	free(m->text);
	memset(m, 0, sizeof *m);
}

int manifest_parse(const char *text, size_t len, struct manifest *m, struct zvm_error *err)
{
	struct parse p = {.m = m, .err = err};
	memset(m, 0, sizeof *m);
	if (len > MANIFEST_MAX_BYTES) {
		fail(&p, ZVM_EXIT_MANIFEST, "larger than 512 KiB");
		return -1;
	}
	if (memchr(text, 0, len)) {
		fail(&p, ZVM_EXIT_MANIFEST, "contains a NUL byte");
		return -1;
	}
	m->text = malloc(len + 1);
	if (!m->text) {
		fail(&p, ZVM_EXIT_NOMEM, "out of memory");
		return -1;
	}
	memcpy(m->text, text, len);
	m->text[len] = 0;

	char *line = m->text;
	bool ok = true;
	while (ok && line) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		p.line++;
		ok = parse_line(&p, line);
		line = nl ? nl + 1 : NULL;
	}
	if (ok)
		ok = check_complete(&p);
	free(p.seen);
	if (!ok) {
		manifest_free(m);
		return -1;
	}
	return 0;
}
