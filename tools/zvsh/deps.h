/*
 * deps.h - a dynamically linked host program's interpreter and libraries,
 * packed into a read-only image, cached (deps.c; docs/zvsh.1.md, DYNAMICALLY
 * LINKED PROGRAMS).
 */
#ifndef ZVSH_DEPS_H
#define ZVSH_DEPS_H

#include "tool.h"

/*
 * The image holding what the host program at path (name: as typed, for
 * messages) needs to start: its interpreter (PT_INTERP) and every library
 * its DT_NEEDED entries ask for, found as ld.so would find them on this
 * host. Built once per set of inputs into the cache directory and reused;
 * *tar is its path (free it). 0, or -1 (said: 126 for a library or
 * interpreter that is not on the host, 2 otherwise).
 */
int deps_image(struct tool_log *lg, const char *path, const char *name, char **tar);

/* The cache directory ($XDG_CACHE_HOME/zvsh, else $HOME/.cache/zvsh), a
 * new string, or NULL when neither variable is set to an absolute path. */
char *deps_cache_dir(void);

/* Remove the cache directory's files whose names start with one of
 * prefix (NULL-terminated): 0, or -1 (said). No directory: 0. */
int deps_cache_remove(struct tool_log *lg, const char *const *prefix);

/* zvsh --clear-cache: remove the cached images. 0, or -1 (said). */
int deps_clear_cache(struct tool_log *lg);

#endif
