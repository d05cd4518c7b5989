/*
 * server.h - zerovm --serve <socket>: the ready sandbox pool.
 *
 * A master process listens on a Unix socket and keeps --pool workers
 * ready. A worker is a supervisor that has already made its sandbox: the
 * process cloned into its namespaces, ids dropped, boot exec'd with guest
 * memory (the runtime in it), sealed and waiting in a trap the worker
 * holds (sandbox_prepare). The workers accept
 * connections themselves; the one that takes a request runs one session
 * for it exactly as `zerovm` would (run.c), then exits; the master
 * replaces it. A sandbox serves one session and is never reused: nothing
 * of one session can reach another. The wire is serve_wire.h's; the rules
 * (who may connect, the bounds, shutdown) are in docs/zerovm.1.md.
 */
#ifndef ZVM_SERVER_H
#define ZVM_SERVER_H

#include "options.h"

/* Serve until SIGTERM, SIGINT or SIGHUP; returns the exit status. */
int server_main(const struct options *o);

/* One worker (worker.c): make a sandbox ready, take one request from lfd,
 * run its session; reports its pid on status_w when it takes a request,
 * and leaves when quit_r hangs up while it is idle. Does not return. */
__attribute__((noreturn)) void server_worker(const struct options *so, int lfd, int status_w, int quit_r);

#endif
