/*
 * manifest.h - the ZeroVM manifest (version 20130611), parsed.
 *
 * manifest_parse() is pure: text in, struct out, no file or network access,
 * so every rule is unit-tested (tests/unit/test_manifest.c). Checks that need
 * the host (does the program exist, what is a channel's source) happen later
 * in elf.c and channel.c.
 *
 * Language (docs/manifest.md): one "Key = Value" per line; a line counts only
 * if it splits on '=' into exactly two parts; whitespace around key and value
 * is trimmed; unknown keys are ignored; integers take decimal, octal (leading
 * 0) and hex (0x) with no trailing junk.
 */
#ifndef ZVM_MANIFEST_H
#define ZVM_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define MANIFEST_VERSION "20130611"
#define MANIFEST_MAX_BYTES (512u * 1024u) /* as the original */
#define CHANNELS_MAX 10915u               /* as the original */
#define CHANNEL_URIS_MAX 16u              /* replicated sources per channel */
#define JOB_PATH_MAX 108u                 /* sizeof sun_path */

enum limit_index { LIMIT_GETS, LIMIT_GET_SIZE, LIMIT_PUTS, LIMIT_PUT_SIZE, LIMITS_N };

enum channel_type {
	CHANNEL_SEQ_READ_SEQ_WRITE = 0,
	CHANNEL_RAND_READ_SEQ_WRITE = 1,
	CHANNEL_SEQ_READ_RAND_WRITE = 2,
	CHANNEL_RAND_READ_RAND_WRITE = 3,
};

struct manifest_channel {
	const char *uri[CHANNEL_URIS_MAX]; /* absolute path or tcp:host:port */
	unsigned nuri;
	bool net; /* the sources are tcp: (all of them, or none) */
	const char *alias;
	enum channel_type type;
	int etag;                /* 0 or 1 */
	int64_t limit[LIMITS_N]; /* all >= 0 */
	unsigned line;           /* manifest line, for messages */
};

struct manifest {
	char *text; /* owned copy of the input; every string below points in */
	const char *program;
	int64_t memory;          /* bytes, > 0 */
	int memory_etag;         /* 0 or 1 */
	int64_t timeout;         /* seconds, >= 1 */
	int64_t node;            /* 0 when absent */
	const char *name_server; /* NULL when absent */
	uint32_t ns_ipv4;        /* NameServer's address (host byte order) and port */
	uint16_t ns_port;
	const char *job; /* NULL when absent */
	struct manifest_channel *channel;
	size_t nchannel;
};

/*
 * Parse len bytes of manifest text. On success returns 0 and fills *m, which
 * the caller releases with manifest_free(). On failure returns -1, records
 * the problem in *err naming the line (code 14; 12 for a Memory of 0 or
 * less; 22 for a channel that can be neither read nor written; 23 for too
 * many channels; 12 when out of memory), and leaves *m empty
 * (manifest_free() is still safe).
 */
int manifest_parse(const char *text, size_t len, struct manifest *m, struct zvm_error *err);
void manifest_free(struct manifest *m);

/* Parse a whole ZeroVM integer ("12", "012", "0xA"), trimmed. 0 or -EINVAL
 * (junk, empty) or -ERANGE. */
int manifest_parse_int(const char *s, int64_t *out);

/*
 * A network source (docs/network.md): "tcp:<ipv4>:<port>" (a dotted quad,
 * port 1-65535), or the name-server form "tcp:<node id>:[<port>]" (a
 * decimal node id 1 to 2^32-1, and an empty port or 0 to 65535; empty and
 * 0 mean any free port). manifest_parse_tcp() returns NULL and fills *t,
 * or says what is wrong.
 */
struct manifest_tcp {
	bool node_form;
	uint32_t ipv4; /* tcp:<ipv4>: host byte order */
	uint32_t node; /* node form: the peer's node id */
	uint16_t port; /* 0: any free port (node form only) */
};
const char *manifest_parse_tcp(const char *uri, struct manifest_tcp *t);
/* A dotted-quad IPv4 address: four decimal numbers 0-255 without leading
 * zeros. 0 and the address (host byte order), or -EINVAL. */
int manifest_parse_ipv4(const char *s, size_t len, uint32_t *out);

/* A channel is readable only if both read limits are positive, writable
 * only if both write limits are. */
int manifest_channel_readable(const struct manifest_channel *c);
int manifest_channel_writable(const struct manifest_channel *c);

#endif
