/*
 * workdir.h - the work directory: where a tool writes its sessions' files.
 *
 * A private temporary directory (mode 0700, under $TMPDIR or /tmp) removed
 * at the end, or a directory given (zvsh --keep DIR), kept with what was
 * written into it. Every file the tool makes there is recorded, so that the end removes exactly those (a
 * kept directory's other files are never touched). Its path goes into the
 * manifest, so it is one that a manifest line can carry as it is.
 *
 * The temporary directory is made when its first file is (creating a
 * directory and files costs ~0.3 ms on an ext4 /tmp, as much as a tenth of
 * a zvsh session): a tool that sets mem_fd0 gets the small files zerovm
 * only reads or writes once (manifest, nvram, notes: workdir_mem) as
 * memfds instead, and a session that needs nothing else makes no directory
 * at all. Not with --keep, whose point is the files.
 */
#ifndef TOOL_WORKDIR_H
#define TOOL_WORKDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "tool.h"

/* Most memory files (workdir_mem) a work directory holds. */
#define WORKDIR_MEM_MAX 3

struct workdir {
	char *path;   /* absolute */
	bool made;    /* a private temporary directory, removed at the end */
	bool pending; /* that directory is still to be made (path is its mkdtemp template) */
	bool keep;    /* --keep: nothing is removed */
	char **files; /* paths created in it, removed at the end unless keep */
	size_t nfiles, filescap;
	/* Set by the tool after workdir_open(): >= 3 when its zerovm gets
	 * the memory files as descriptors mem_fd0, mem_fd0 + 1, ... (in
	 * their order, mem[]); 0: workdir_mem() makes ordinary files. */
	int mem_fd0;
	int mem[WORKDIR_MEM_MAX]; /* the tool's own descriptors */
	char *mem_path[WORKDIR_MEM_MAX];
	int nmem;
};

/* Create the work directory "<prefix>.XXXXXX", or take keep (--keep DIR,
 * created if missing) when not NULL. 0, or -1 (said in lg;
 * workdir_close() still due). */
int workdir_open(struct workdir *w, struct tool_log *lg, const char *keep, const char *prefix);
/* Create NAME in the work directory (replacing one left by an earlier
 * run in a kept directory), recorded for removal: a descriptor open for writing and
 * the path in *path (owned by w), or -1. */
int workdir_create(struct workdir *w, struct tool_log *lg, const char *name, mode_t mode, const char **path);
/* Create NAME (mode 0600) with the text of b: 0 and its path in *path
 * (owned by w), or -1; a b that ran out of memory is a failure. */
int workdir_write(struct workdir *w, struct tool_log *lg, const char *name, const struct tool_buf *b,
		  const char **path);
/* NAME with the text of b, for zerovm to read or write once: a memfd that
 * zerovm gets at descriptor w->mem_fd0 + k and opens as "/proc/self/fd/N",
 * when w->mem_fd0 is set and not --keep (else a file, as workdir_write).
 * 0 and the path for the manifest in *path (owned by w), or -1 (said). */
int workdir_mem(struct workdir *w, struct tool_log *lg, const char *name, const struct tool_buf *b, const char **path);
/* The tool's own descriptor for a path workdir_mem() gave as a memfd's,
 * or -1 for any other path. */
int workdir_mem_fd(const struct workdir *w, const char *path);
/* What a manifest line says for the absolute host path: the path itself
 * when a manifest line can carry it, else a symbolic link to it made in
 * the work directory. malloc'd, or NULL (said in lg). */
char *workdir_source(struct workdir *w, struct tool_log *lg, const char *path);
/* Remove the recorded files and a directory made here, unless --keep, and
 * free w. */
void workdir_close(struct workdir *w);

#endif
