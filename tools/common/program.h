/*
 * program.h - the manifest's Program: a host file, or a member of an ro
 * image extracted into the work directory.
 */
#ifndef TOOL_PROGRAM_H
#define TOOL_PROGRAM_H

#include "image.h"
#include "tool.h"
#include "workdir.h"

/*
 * The manifest's Program for the program name, as typed, with the images
 * and PATH of s (a member found in an image: image_find): 0 with it in
 * *path (malloc'd; a path a manifest line can carry) and *in_image (when
 * not NULL) saying whether it came from an image, or -1 (said in lg: 127
 * when it is found nowhere, 126 when it cannot be used).
 */
int program_resolve(struct workdir *w, struct tool_log *lg, const struct image_search *s, const char *name, char **path,
		    bool *in_image);

#endif
