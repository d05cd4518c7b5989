/*
 * channel.h - the session's channels: what the manifest's Channel lines
 * and the nvram's [mapping] say, and the descriptors zerovm inherits.
 *
 * Channels, in the manifest's order:
 *   /dev/stdin   source /dev/fd/0  zerovm's descriptor 0 is zvsh's stdin
 *   /dev/stdout  source /dev/fd/3  a copy of zvsh's stdout (run.c)
 *   /dev/stderr  source /dev/fd/4  a copy of zvsh's stderr
 *   /dev/nvram   the nvram file, read at random offsets
 *   /dev/zvsh.notes  what the runtime tells zvsh at the end (notes.c)
 *   /dev/imageN.tar  one per --image: ro read at random offsets, wo written
 *   PATH         one per distinct @FILE, --in FILE, --out FILE: PATH is
 *                where the program sees it (channel_guest_path)
 * Quotas: the plan's (--read-limit and the others, plan.h).
 */
#ifndef ZVSH_CHANNEL_H
#define ZVSH_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "manifest.h"
#include "plan.h"
#include "tool.h"
#include "workdir.h"

/*
 * zerovm's descriptors. 0 is the program's standard input; 1 is a pipe that
 * carries zerovm's report to zvsh, 2 one that carries zerovm's own messages
 * (so that a failure is said once, as "zvsh: ..."); the program's standard
 * output and error are 3 and 4 ("/dev/fd/3", "/dev/fd/4" in the manifest),
 * 5-7 the work directory's memory files (manifest, nvram, notes; closed
 * with --keep), opened by zerovm as /proc/self/fd/N, so not inherited
 * channels; descriptors named by @/dev/fd/N arguments follow from 8. zerovm
 * takes at most 16 inherited descriptors above 2 (3, 4 and these).
 */
#define ZVSH_FD_OUT 3
#define ZVSH_FD_ERR 4
#define ZVSH_FD_MEM 5 /* the work directory's memory files (workdir_mem), up to WORKDIR_MEM_MAX */
#define ZVSH_FD_PASS 8
#define ZVSH_PASS_MAX 14

/* The nvram's channel: its index in zvsh_channels.ch. */
#define CHANNEL_NVRAM 3
/* The notes channel's alias. */
#define ZVSH_NOTES_ALIAS "/dev/zvsh.notes"

struct zvsh_channel {
	char *source;          /* the manifest's source field */
	char *alias;           /* where the program sees it: "/dev/...", or an @FILE's path */
	char *key;             /* what makes two @arguments the same channel; NULL: never shared */
	int type;              /* 0 sequential, 1 random read */
	bool write;            /* writable (sequential), else readable */
	bool create;           /* a new output: zvsh creates it before zerovm runs */
	enum manifest_map map; /* [mapping] line, unless DEFAULT */
	uint64_t put_size;     /* a written channel's byte quota, when not ZVSH_LIMIT (0) */
	int passfd;            /* zvsh's descriptor handed to zerovm, or -1 */
	int childfd;           /* its number in zerovm ("/dev/fd/N", the source), or -1 */
};

struct zvsh_channels {
	struct zvsh_channel *ch; /* in the manifest's order */
	size_t nch, chcap;
	int npass;                /* channels with passfd >= 0 */
	int img[ZVSH_IMAGES_MAX]; /* the channel of each --image */
	char **words;             /* the [args] words: program as typed, then the arguments */
	size_t nwords;
	int notes;              /* the notes channel's index, -1 before channel_notes() */
	const char *notes_path; /* its file (owned by the work directory) */
};

/* The standard streams' channels, and the nvram's (its source is filled in
 * when the file is written). Called first, on an empty cs. 0, or -1 (said
 * in lg). */
int channel_std(struct zvsh_channels *cs, struct tool_log *lg);
/* One channel per --image of p, in order (cs->img). 0, or -1. */
int channel_images(struct zvsh_channels *cs, struct tool_log *lg, struct workdir *w, const struct zvsh_plan *p);
/* The channel of p->img[i] alone (an image added after the others). */
int channel_image(struct zvsh_channels *cs, struct tool_log *lg, struct workdir *w, const struct zvsh_plan *p,
		  size_t i);
/* The notes channel: a file in w (or in memory, workdir_mem) the runtime
 * writes at the end. 0, or -1. */
int channel_notes(struct zvsh_channels *cs, struct tool_log *lg, struct workdir *w);
/* The [args] words (cs->words): the program as typed, then each argument
 * as typed, @FILE without its '@' (a channel made or shared for FILE, seen
 * at that name) and @@x as @x. 0, or -1. */
int channel_args(struct zvsh_channels *cs, struct tool_log *lg, struct workdir *w, const struct zvsh_plan *p);
/* A channel for each --in and --out of p. 0, or -1. */
int channel_inout(struct zvsh_channels *cs, struct tool_log *lg, struct workdir *w, const struct zvsh_plan *p);
/* typed, as the program sees it from cwd: absolute, with ".", ".." and
 * repeated slashes resolved by name ("/.." is "/"). NULL when out of memory. */
char *channel_guest_path(const char *cwd, const char *typed);
/* Create the new outputs (channels with create set), empty, as a shell's
 * > would; the last step before zerovm runs. 0, or -1. */
int channel_create_outputs(struct zvsh_channels *cs, struct tool_log *lg);
/* Free what cs holds. */
void channel_free(struct zvsh_channels *cs);

#endif
