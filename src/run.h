/*
 * run.h - one session of zerovm: what main() runs for the command line, and
 * what a server's worker runs for a client's request (server.c).
 */
#ifndef ZVM_RUN_H
#define ZVM_RUN_H

#include "options.h"
#include "sandbox.h"

/* Run the session o describes and print its report; returns zerovm's exit
 * status. ready: a sandbox made by sandbox_prepare() that waits for its
 * guest memory, or NULL to start one. t0: the session's start
 * (session_now()), from which -v 2 counts and the timeout runs. Once per
 * process (the session is static). */
int session_run(const struct options *o, struct sandbox *ready, double t0);

#endif
