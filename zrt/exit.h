/*
 * exit.h - how the session ends once the program runs: access=wo images
 * are written back first (the function registered with exit_at()), and a
 * write-back that fails turns the status into ZRT_EXIT_FAILED.
 */
#ifndef ZRT_EXIT_H
#define ZRT_EXIT_H

#include "zrt.h"

#define ZRT_EXIT_FAILED 127 /* the runtime could not do its part (start-up, write-back) */
#define ZRT_EXIT_WAIT 124   /* a wait nothing could end (what zvsh gives a timeout) */

/* What to run before the end (image/writeback.c): false if it failed. */
void exit_at(bool (*before)(void));
__attribute__((noreturn)) void exit_session(int code);
/* A wait only this program could end, which would last for ever: said on
 * stderr with what, the session ends with ZRT_EXIT_WAIT (docs/zrt.md, "Pipes"). */
__attribute__((noreturn)) void exit_would_block(const char *what);

#endif
