/*
 * bind.h - --bind and --ro-bind grants: HOST packed into a tar the runtime
 * mounts at GUEST, and, for --bind, the program's changes applied to HOST
 * when it ends by itself (apply.h).
 *
 * A directory grant is a tar of HOST (a root entry "./" first, then every
 * file, directory and symbolic link, in byte order of their names)
 * mounted at GUEST; a file grant is a tar of one member, named as GUEST's
 * last component, mounted at GUEST's parent. Read-only grants are mounted
 * with overlay=no (changes are EROFS); writable ones with access=rw and a
 * write-back channel of --bind-quota bytes. docs/zvsh.1.md, BINDS, is the
 * user's reference.
 */
#ifndef ZVSH_BIND_H
#define ZVSH_BIND_H

#include <stdbool.h>
#include <stddef.h>

#include "apply.h"
#include "channel.h"
#include "manifest.h"
#include "plan.h"
#include "report.h"
#include "tool.h"
#include "workdir.h"

/* A grant as prepared. */
struct zvsh_bound {
	const struct zvsh_bind *g;
	bool file;              /* HOST is a file */
	char *root;             /* where changes are applied: HOST, or a file's directory */
	char *host_name;        /* a file grant: HOST's last component */
	char *member;           /* a file grant: GUEST's last component, its name in the tar */
	char *mount;            /* the mountpoint: GUEST, or a file's GUEST's parent */
	struct apply_tree orig; /* what was packed (a file grant: one member, host_name) */
	const char *wb;         /* --bind: the write-back file (owned by the work directory) */
	size_t img_ch, wb_ch;   /* their channels' indices */
};

struct zvsh_binds {
	struct zvsh_bound *b;
	size_t n;
};

/* Check the grants of p against each other and the images, pack each
 * HOST into the work directory and add its channels to cs (before the
 * @FILE arguments' channels, whose aliases then avoid theirs). 0, or -1
 * (said in lg). */
int bind_prepare(struct zvsh_binds *bs, struct zvsh_channels *cs, struct tool_log *lg, struct workdir *w,
		 const struct zvsh_plan *p);
/* The grants' [fstab] lines into out (room for bs->n). */
void bind_mounts(const struct zvsh_binds *bs, const struct zvsh_channels *cs, struct manifest_mount *out);
/* After the session: apply each --bind's changes when the program ended
 * by itself, else say that nothing was written back. Returns the exit
 * status: status, or TOOL_EXIT_USAGE when status was 0 and a grant's
 * changes could not be applied. */
int bind_finish(struct zvsh_binds *bs, struct tool_log *lg, const struct zvsh_plan *p, const struct report_end *end,
		int status);
void bind_free(struct zvsh_binds *bs);

#endif
