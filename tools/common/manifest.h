/*
 * manifest.h - a session's configuration: zerovm's manifest and the
 * runtime's nvram, written into the work directory.
 *
 * The caller says what the session is (struct manifest_spec: program,
 * memory, timeout, channels, the program's words and environment, the
 * images to mount, what stat() says of channels, a node id and name
 * server for network channels); manifest_write() turns it into the two
 * files, checking the nvram with the runtime's own parser first.
 */
#ifndef TOOL_MANIFEST_H
#define TOOL_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tool.h"
#include "workdir.h"

/* What the runtime's stat() says a channel is ([mapping]). */
enum manifest_map { MANIFEST_MAP_DEFAULT, MANIFEST_MAP_PIPE, MANIFEST_MAP_CHAR, MANIFEST_MAP_FILE };

struct manifest_channel {
	const char *source;    /* the manifest's source field; NULL for /dev/nvram: the nvram written */
	const char *alias;     /* "/dev/..." */
	int type;              /* 0 sequential, 1 random read */
	bool write;            /* writable, else readable */
	bool etag;             /* the channel's etag field */
	enum manifest_map map; /* a [mapping] line, unless DEFAULT */
	uint64_t put_size;     /* a written channel's byte quota when not 0 (else the spec's limit) */
};

/* A variable of the program's environment. */
struct manifest_env {
	char *name, *value;
};

/* An image in the nvram's [fstab]. */
struct manifest_mount {
	const char *alias;     /* its channel */
	const char *mount;     /* absolute, clean */
	bool wo;               /* access=wo, else ro */
	const char *writeback; /* access=rw, writeback=this channel (wo ignored) */
	bool strict;           /* ro with overlay=no: changes are EROFS */
};

struct manifest_spec {
	const char *program; /* the manifest's Program */
	uint64_t memory, timeout;
	uint64_t limit; /* every quota of every channel, in the directions it is allowed... */
	/* ...unless given here (0: limit): calls and bytes, in and out */
	uint64_t read_calls, read_bytes, write_calls, write_bytes;
	const struct manifest_channel *ch;
	size_t nch;
	char *const *words; /* [args]: argv[0] first */
	size_t nwords;
	const struct manifest_env *env;
	size_t nenv;
	const struct manifest_mount *mnt;
	size_t nmnt;
	bool verbose;                           /* [debug] verbosity=1 */
	const char *cwd;                        /* [session] cwd=, or NULL */
	const char *notes;                      /* [session] notes= (a channel's alias), or NULL */
	unsigned node;                          /* Node = N, with nameserver; 0: none */
	const char *nameserver;                 /* NameServer = udp:ADDR:PORT, or NULL */
	const char *nvram_name, *manifest_name; /* their names in the work directory */
};

/*
 * Write the nvram (the program's arguments, environment, images, channel
 * mappings, clock; its path becomes the source of the channel whose source
 * is NULL), then the manifest, into w. 0 with the manifest's path in
 * *manifest (owned by w), or -1 (said in lg).
 */
int manifest_write(struct workdir *w, struct tool_log *lg, const struct manifest_spec *s, const char **manifest);

#endif
