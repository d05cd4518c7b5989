/*
 * plan.h - what the command line asked for.
 *
 * zvsh.c parses the command line into a struct zvsh_plan and checks it;
 * every later step only reads it. Nothing in a plan has touched the host:
 * paths are as typed, and whether they exist is found out later.
 */
#ifndef ZVSH_PLAN_H
#define ZVSH_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image.h"
#include "manifest.h"
#include "tool.h"

/* Defaults safe on a shared machine (docs/zvsh.1.md, LIMITS). */
#define ZVSH_MEMORY_DEFAULT ((uint64_t)1 << 30)      /* guest memory: what the program may touch */
#define ZVSH_MEMORY_MAX ((uint64_t)1 << 40)          /* zerovm's limit */
#define ZVSH_TIMEOUT_DEFAULT 600                     /* seconds of wall clock */
#define ZVSH_WRITE_LIMIT_DEFAULT ((uint64_t)1 << 30) /* bytes per output */
#define ZVSH_QUOTA_MAX ((uint64_t)1 << 40)           /* "no limit": reads, calls */
#define ZVSH_FILE_LIMIT_DEFAULT 4                    /* GiB: zerovm -l */
#define ZVSH_IMAGES_MAX 64                           /* the runtime's [fstab] limit */

/* An --in or --out. */
struct zvsh_io {
	const char *path; /* as typed */
	bool out;
};

#define ZVSH_BINDS_MAX 16 /* --bind and --ro-bind grants, together */
/* What a program may leave under all its --bind GUESTs together, as changed
 * bytes in the write-back archive: more and nothing is written back. */
#define ZVSH_BIND_QUOTA_DEFAULT ((uint64_t)1 << 30)
#define ZVSH_BIND_QUOTA_MAX ((uint64_t)1 << 40) /* the other channels' quotas */

/* A --bind or --ro-bind grant, as typed: HOST seen at GUEST (bind.c). */
struct zvsh_bind {
	const char *host; /* as typed */
	char *guest;      /* absolute, clean */
	bool writable;    /* --bind: changes reach HOST when the program ends by itself */
};

struct zvsh_plan {
	struct image *img; /* in --image order, at most ZVSH_IMAGES_MAX; spec is "--image TAR" */
	size_t nimg, imgcap;
	struct zvsh_bind *bind; /* --bind and --ro-bind, in order */
	size_t nbind, bindcap;
	uint64_t bind_quota;      /* --bind-quota: the write-back channels' bytes */
	struct manifest_env *env; /* defaults, then --env in order; names unique */
	size_t nenv, envcap;
	uint64_t memory, timeout;
	uint64_t read_calls, read_bytes, write_calls, write_bytes; /* per channel */
	uint64_t file_limit;                                       /* GiB, zerovm -l */
	const char *chdir;                                         /* --chdir: absolute, clean; NULL: "/" */
	struct zvsh_io *io;                                        /* --in, --out, in order */
	size_t nio, iocap;
	const char *json;  /* --json FILE */
	bool quiet;        /* -q: no warnings */
	int stream;        /* --stream 1, --no-stream 0, else -1: stream when stdin is a terminal */
	const char *trace; /* --trace FILE */
	const char *keep;  /* --keep DIR */
	bool getrc, report, verbose;
	bool no_snapshot;    /* --no-snapshot: never from a snapshot (snap.c) */
	const char *resume;  /* set by session.c: zerovm --resume this snapshot */
	const char *program; /* as typed: argv[0] of the program */
	char **args;         /* the program's arguments, as typed */
	int nargs;
};

/* The defaults (ZVSH_*_DEFAULT) and an environment of its own (PATH, HOME,
 * LANG). 0, or -1 when out of memory (said in lg). */
int plan_init(struct zvsh_plan *p, struct tool_log *lg);
/* Set the first nlen bytes of name to value in the program's environment:
 * replaced in place when present (so defaults keep their position), else
 * appended. 0, or -1 when out of memory. */
int plan_env_set(struct zvsh_plan *p, struct tool_log *lg, const char *name, size_t nlen, const char *value);
/* The value of NAME in the program's environment, or NULL. */
const char *plan_env_get(const struct zvsh_plan *p, const char *name);
/* Free what p holds (not the strings of argv it points to). */
void plan_free(struct zvsh_plan *p);

#endif
