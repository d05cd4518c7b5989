/*
 * image.h - tar images given to a session, and the program inside the ro
 * ones: found, and extracted into the work directory (image.c says how).
 */
#ifndef TOOL_IMAGE_H
#define TOOL_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "tool.h"
#include "workdir.h"

/* One image of a session. */
struct image {
	char *spec;  /* how the user named it, for messages ("--image x.tar", "node map: image") */
	char *host;  /* host path of the tar */
	char *mount; /* mountpoint: absolute, clean ("/", "/a/b") */
	bool wo;     /* written out at exit instead of mounted read-only */
};

/* What to look for, and where. */
struct image_search {
	const struct image *img; /* the session's images, in mount order (wo ones are skipped) */
	size_t nimg;
	const char *path;  /* the program's PATH, for a bare name; may be NULL */
	const char *out;   /* the name of the extracted file in the work directory ("program") */
	const char *cache; /* a directory where extracted programs are kept (zvsh's cache), or NULL */
};

/*
 * Find the program name (as typed) in the ro images of s and extract it
 * into the work directory w as s->out. With s->cache, it is extracted once
 * into the cache, as prog-<the image's device, inode, size, times>-<the
 * member's offset and size>, and that file is the program (a file in the
 * cache is never rewritten: a changed image gets a new name); in a kept
 * work directory (--keep) s->out is a hard link to it (a copy across
 * filesystems). Without a cache, or when it cannot be written, the member
 * is copied into w as s->out. Returns 0 with the host path in
 * *path (malloc'd), 1 when no image has it, -1 on an error (an unreadable
 * or malformed image; said in lg).
 */
int image_find(struct workdir *w, struct tool_log *lg, const struct image_search *s, const char *name, char **path);

#endif
