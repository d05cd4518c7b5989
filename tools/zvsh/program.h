/*
 * program.h - the manifest's Program: a host file, or a member of an ro
 * image extracted into the work directory.
 */
#ifndef ZVSH_PROGRAM_H
#define ZVSH_PROGRAM_H

#include "plan.h"
#include "util.h"
#include "workdir.h"

/*
 * The manifest's Program for the program of p, as typed: 0 with it in
 * *path (malloc'd; a path a manifest line can carry), or -1 (said in lg:
 * 127 when it is found nowhere, 126 when it cannot be used).
 */
int program_resolve(struct zvsh_workdir *w, struct zvsh_log *lg, const struct zvsh_plan *p, char **path);

#endif
