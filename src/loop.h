/*
 * loop.h - the supervisor's event loop (loop.c): serve traps until the
 * session ends.
 */
#ifndef ZVM_LOOP_H
#define ZVM_LOOP_H

#include "session.h"

/* Block the signals the loop waits for; call before starting the sandbox
 * so that none is lost before the loop runs. */
void loop_block_signals(void);

/* Serve traps until the program ends, the timeout expires or the session
 * must stop (disk quota, a stop signal to zerovm). Leaves the outcome in
 * s->err (nothing for a normal end), s->user_code and the CPU times, with
 * the loop's signals blocked again. */
void loop_serve(struct session *s);

#endif
