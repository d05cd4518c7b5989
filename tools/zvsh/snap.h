/*
 * snap.h - warm starts: Python from an image resumed from a snapshot of
 * its zygote, cached (snap.c; docs/zvsh.1.md, SNAPSHOTS; docs/python.md).
 */
#ifndef ZVSH_SNAP_H
#define ZVSH_SNAP_H

#include <stdbool.h>

#include "channel.h"
#include "plan.h"
#include "tool.h"
#include "workdir.h"
#include "zerovm.h"

struct snap {
	char *file; /* the cached snapshot to resume from, or NULL: run cold */
	bool fresh; /* made by this run */
};

/*
 * Whether this session runs from a snapshot: Python (p->program python3
 * or python3.11, found in an image: from_image) with a form of arguments
 * the zygote runs (cs->words), no PYTHON* variable, no --bind, and not
 * --no-snapshot. Then the cached snapshot for the session's key (zerovm,
 * the program, the images, the manifest's channels and the nvram less
 * the arguments and environment the zygote takes over; docs/zvsh.1.md),
 * taken now if missing by a run of the zygote (manifest: the session's).
 * sn->file NULL: run cold (not eligible, or no snapshot could be made:
 * remembered, so that the next run does not try again). Never fails.
 */
void snap_prepare(struct snap *sn, struct tool_log *lg, struct workdir *w, const struct zvsh_plan *p,
		  const struct zvsh_channels *cs, const char *program, bool from_image, const char *manifest,
		  const struct zerovm_signals *sig);
/* The cached snapshot is stale (zerovm refused it): removed, made again
 * as by snap_prepare. */
void snap_rebuild(struct snap *sn, struct tool_log *lg, struct workdir *w, const struct zvsh_plan *p,
		  const struct zvsh_channels *cs, const char *program, const char *manifest,
		  const struct zerovm_signals *sig);
void snap_free(struct snap *sn);

/* zvsh --clear-cache: remove the cached snapshots (snap-*). 0, or -1 (said). */
int snap_clear_cache(struct tool_log *lg);

#endif
