/*
 * trap.h - the six trap calls, as the event loop (loop.c) hands them over.
 */
#ifndef ZVM_TRAP_H
#define ZVM_TRAP_H

#include <stdint.h>

#include "session.h"

#define TRAP_ARGS_MAX 6 /* id, reserved, and up to four arguments */

/*
 * One trap whose argument block is at guest address argp: read it into a[]
 * (zeros past what the call takes), do the call and return its result for
 * the guest (-errno on failure). TrapExit sets s->exited_by_trap and
 * s->user_code; a write past -l records "disk quota exceeded" and kills
 * the sandbox.
 */
int64_t trap_call(struct session *s, uint64_t argp, uint64_t a[TRAP_ARGS_MAX]);

#endif
