/*
 * tick.h - zerovm -t 2: one accounting line a second while the program runs.
 */
#ifndef ZVM_TICK_H
#define ZVM_TICK_H

#include "session.h"

/* Write the accounting line (CPU times so far: ours and the sandbox's, from
 * /proc) to standard output, bounded by the session's deadline. */
void tick_report(struct session *s);

#endif
