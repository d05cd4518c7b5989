/*
 * fork.h - the fork file, /dev/fork (fork.c): where a program running on
 * the runtime can be snapshotted and resumed (docs/zrt.md, "Snapshots").
 */
#ifndef ZRT_FORK_H
#define ZRT_FORK_H

#include "zrt.h"

/* The private call the resume code makes to get a signal frame it can
 * fill with the program's saved context (not a Linux number: the wall
 * sends it to the runtime). Any other time it is ENOSYS. */
#define FORK_NR_RESUME 0x5a53

/* At start, before anything is allocated: the nvram preload area (and
 * room above the text for a longer one, FORK_NVRAM_ROOM) is reserved for
 * the whole session; /dev/fork's reads come here. */
#define FORK_NVRAM_ROOM (64u << 10)
void fork_init(void);
/* Every SIGSYS, first: the frame being answered (the call's number is
 * the thread's, thread.h). */
void fork_frame(struct ucontext_k *uc);
/* FORK_NR_RESUME: put the saved program back into frame uc (its read of
 * the fork file made again). false when no resume is under way. */
bool fork_resume_frame(struct ucontext_k *uc);
/* The resumed session, on the resume stack (start.S's zrt_resume_entry):
 * check and take the new session, then FORK_NR_RESUME. Never returns. */
__attribute__((noreturn)) void fork_resume(void);

#endif
