/*
 * apply.h - a writable grant's changes (zvsh --bind) applied to the host.
 *
 * bind.c packs HOST into a tar (its members: struct apply_tree) that the
 * runtime mounts with access=rw; at exit the runtime writes the tree it
 * left as a tar to the grant's write-back channel, in which a file never
 * written is a hard-link entry naming its member in the packed tar
 * (docs/images.md, "Writable mounts"). apply_writeback() reads that tar,
 * which the program could have forged (it is untrusted input, read with
 * untrusted/tar.c), and makes HOST match it:
 *
 *   - every file that has to be written (new or changed data, a renamed or
 *     linked original, a symbolic link) is first made in a staging folder
 *     inside HOST, then renamed into place: each file changes atomically,
 *     never half-written; a renamed original is hard-linked, not copied;
 *   - what the program removed is removed, directories it made are made,
 *     modes are set;
 *   - every path is walked one component at a time from HOST with
 *     O_NOFOLLOW: no symbolic link, "..", or absolute name can lead a
 *     change outside HOST.
 */
#ifndef ZVSH_APPLY_H
#define ZVSH_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tar.h"
#include "tool.h"

/* A member of the packed tar: a file, directory or symbolic link of HOST. */
struct apply_member {
	char *path; /* relative, clean, as in the tar ("a/b") */
	enum tar_type type;
	uint32_t mode;
	char *link; /* a symbolic link's target; else NULL */
};

/* HOST as packed: members sorted by path (strcmp). */
struct apply_tree {
	struct apply_member *m;
	size_t n, cap;
};

struct apply_spec {
	const char *root;  /* the host directory the paths are relative to */
	const char *shown; /* HOST as typed, for messages */
	const char *only;  /* a file grant: the one name of the archive applied (never removed); NULL: a directory */
	const char *host_name; /* a file grant: what `only` is called in root (and in orig) */
	const struct apply_tree *orig;
	const char *tar; /* the write-back archive */
};

enum apply_result {
	APPLY_DONE,       /* HOST matches the program's tree */
	APPLY_INCOMPLETE, /* the archive is not complete: nothing was touched */
	APPLY_REFUSED,    /* the archive is complete but unusable (said): nothing was touched */
	APPLY_PARTLY,     /* something could not be applied (said); the rest was */
};

/* Apply the archive s->tar to s->root. *size gets the archive's size. */
enum apply_result apply_writeback(struct tool_log *lg, const struct apply_spec *s, uint64_t *size);
/* Sort t by path (after packing). */
void apply_tree_sort(struct apply_tree *t);
void apply_tree_free(struct apply_tree *t);

#endif
