/*
 * config.h - the session's configuration: zerovm's manifest and the
 * runtime's nvram, written into the work directory.
 */
#ifndef ZVSH_CONFIG_H
#define ZVSH_CONFIG_H

#include "channel.h"
#include "plan.h"
#include "util.h"
#include "workdir.h"

/*
 * Write the nvram (the program's arguments, environment, images, channel
 * mappings, clock; its path becomes the nvram channel's source), then the
 * manifest (program, memory, timeout, the channels of cs) into w. 0 with
 * the manifest's path in *manifest (malloc'd), or -1 (said in lg).
 */
int config_write(struct zvsh_workdir *w, struct zvsh_log *lg, const struct zvsh_plan *p, struct zvsh_channels *cs,
		 const char *program, char **manifest);

#endif
