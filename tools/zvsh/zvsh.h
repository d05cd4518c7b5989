/*
 * zvsh.h - the front end's state: what the command line asked for, and the
 * session it turns into.
 *
 * zvsh is a pipeline of three steps, one file each, over one struct zvsh:
 *
 *   zvsh.c         parse the command line (nothing on the host is touched);
 *   zvsh/config.c  prepare: the work directory, the program (a host file, or
 *                  a member of a --image tar: zvsh/image.c), the channels
 *                  (standard streams, nvram, images, @hostfile arguments),
 *                  then the manifest and the nvram files;
 *   zvsh/run.c     run zerovm with the program's streams on inherited
 *                  descriptors and its report on a pipe of its own, forward
 *                  signals, read the report and turn it into an exit status.
 *
 * Every function that can fail prints "zvsh: <what>" itself (zvsh_fail),
 * records the exit status of the first failure in z->log and returns -1.
 * docs/zvsh.1.md is the user's reference.
 */
#ifndef ZVSH_H
#define ZVSH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "channel.h"
#include "plan.h"
#include "run.h"
#include "util.h"
#include "workdir.h"

struct zvsh {
	/* The command line (zvsh.c, plan.h). */
	const struct zvsh_plan *plan;

	/* The session (zvsh/config.c). */
	struct zvsh_workdir wd;
	char *program_path; /* the manifest's Program */
	struct zvsh_channels cs;
	char *manifest_path;

	/* What zvsh was given, restored for zerovm (run.h). */
	struct run_signals sig;

	/* Failures said, the first one's status (util.h). */
	struct zvsh_log log;
};

/* ---- zvsh/session.c: the files of the session ---------------------------- */

/* Work directory, program, channels, manifest and nvram. 0, or -1 (the
 * message printed, z->status set; zvsh_cleanup() removes what was made). */
int zvsh_prepare(struct zvsh *z);
/* Remove the work directory and its files (unless --keep), free z. */
void zvsh_cleanup(struct zvsh *z);

#endif
