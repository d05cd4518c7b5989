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

static bool valid_port(const char *s)
{
	int64_t port;
	return manifest_parse_int(s, &port) == 0 && port >= 1 && port <= 65535 && isdigit((unsigned char)*s);
}

/* "tcp:<host>:<port>": host is a dotted IPv4 address or a node id. */
static bool valid_tcp_uri(const char *u)
{
	const char *host = u + 4;
	const char *colon = strrchr(host, ':');
	if (!colon || colon == host)
		return false;
	for (const char *c = host; c < colon; c++)
		if (!isdigit((unsigned char)*c) && *c != '.')
			return false;
	return valid_port(colon + 1);
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
		if (strncmp(uri[i], "tcp:", 4) == 0) {
			if (!valid_tcp_uri(uri[i]))
				return fail(p, ZVM_EXIT_MANIFEST,
					    "Channel: bad network source '%s' (expected tcp:<host>:<port>)", uri[i]);
		} else if (uri[i][0] != '/') {
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
	if (strncmp(v, "udp:", 4) != 0 || !colon || colon <= v + 4 || !valid_port(colon + 1))
		return fail(p, ZVM_EXIT_MANIFEST, "NameServer: expected udp:<ipv4>:<port>, got '%s'%s", v, "");
	for (const char *c = v + 4; c < colon; c++)
		if (!isdigit((unsigned char)*c) && *c != '.')
			return fail(p, ZVM_EXIT_MANIFEST, "NameServer: '%s' is not an IPv4 address%s", v, "");
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
	return true;
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
