/*
 * session.h - apply a plan: the session's files, zerovm, the end.
 *
 * What zvsh.c hands the checked command line over to.
 */
#ifndef ZVSH_SESSION_H
#define ZVSH_SESSION_H

#include "plan.h"
#include "util.h"

/* Descriptors 0, 1 and 2 closed at zvsh's start get /dev/null: called
 * first, before anything is opened. 0, or -1 (said in lg). */
int session_open_std(struct zvsh_log *lg);
/* Run the session of plan p: prepare its files, run zerovm, remove the
 * files (unless --keep). zvsh's exit status (EXIT STATUS in
 * docs/zvsh.1.md); failures said in lg. */
int session_run(const struct zvsh_plan *p, struct zvsh_log *lg);

#endif
