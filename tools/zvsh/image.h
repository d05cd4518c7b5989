/*
 * image.h - the program inside the ro images: found, and extracted into
 * the work directory (image.c says how).
 */
#ifndef ZVSH_IMAGE_H
#define ZVSH_IMAGE_H

#include "plan.h"
#include "util.h"
#include "workdir.h"

/*
 * Find the program name (as typed) in the ro images of plan and extract it
 * into the work directory w as "program". Returns 0 with the host path in
 * *path (malloc'd), 1 when no image has it, -1 on an error (an unreadable
 * or malformed image; said in lg).
 */
int image_find(struct zvsh_workdir *w, struct zvsh_log *lg, const struct zvsh_plan *plan, const char *name,
	       char **path);

#endif
