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

#define ZVSH_MEMORY_DEFAULT ((uint64_t)4 << 30) /* only touched pages cost host memory */
#define ZVSH_MEMORY_MAX ((uint64_t)1 << 40)     /* zerovm's limit */
#define ZVSH_TIMEOUT_DEFAULT 3600
#define ZVSH_IMAGES_MAX 64 /* the runtime's [fstab] limit */

struct zvsh_plan {
	struct image *img; /* in --image order, at most ZVSH_IMAGES_MAX; spec is "--image TAR" */
	size_t nimg, imgcap;
	struct manifest_env *env; /* defaults, then --env in order; names unique */
	size_t nenv, envcap;
	uint64_t memory, timeout;
	const char *trace; /* --trace FILE */
	const char *keep;  /* --keep DIR */
	bool getrc, report, verbose;
	const char *program; /* as typed: argv[0] of the program */
	char **args;         /* the program's arguments, as typed */
	int nargs;
};

/* The defaults: 4 GiB of memory, an hour, and an environment of its own
 * (PATH, HOME, LANG). 0, or -1 when out of memory (said in lg). */
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
