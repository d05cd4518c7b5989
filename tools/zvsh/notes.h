/*
 * notes.h - what the runtime noted at the end of the session (its notes
 * channel, ZVSH_NOTES_ALIAS; zrt/image/notes.c), told to the user: each
 * file written inside the sandbox and discarded, each read-only file the
 * program tried to write, one warning line each, with what to do instead.
 */
#ifndef ZVSH_NOTES_H
#define ZVSH_NOTES_H

#include "channel.h"
#include "plan.h"
#include "tool.h"
#include "workdir.h"

/* Print the warnings for the notes in cs->notes_path (nothing when the
 * runtime wrote none: a program that crashed or was stopped). */
void notes_tell(const struct zvsh_channels *cs, const struct zvsh_plan *p, const struct workdir *w,
		const struct tool_log *lg);

#endif
