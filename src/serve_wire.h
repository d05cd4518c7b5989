/*
 * serve_wire.h - what a client (zerovm --connect) and a server (zerovm
 * --serve) say to each other on the server's Unix socket. Both sides are
 * this program, so the layout is native; the version says when it changes.
 *
 *   client -> server  struct serve_request, with four descriptors
 *                     (SCM_RIGHTS): the client's 0, 1, 2 and its working
 *                     directory; then req.len bytes: req.argc NUL-ended
 *                     strings, the client's command line (argv[0] first)
 *   server -> client  int32_t: zerovm's exit status of the session, after
 *                     the report was written to the client's descriptor 1
 *
 * The session's output, report and messages go to the client's own
 * descriptors, as if it had run them itself. A server that refuses a
 * request says why on the client's descriptor 2 (if it got it) and sends a
 * status.
 */
#ifndef ZVM_SERVE_WIRE_H
#define ZVM_SERVE_WIRE_H

#include <stdint.h>

#define SERVE_MAGIC 0x31767265536d767aULL /* "zvmServ1" */
#define SERVE_FDS 4                       /* 0, 1, 2, working directory */
#define SERVE_ARGS_MAX 256                /* strings in a command line */
#define SERVE_ARGV_MAX (64u << 10)        /* bytes of a command line */
#define SERVE_REQUEST_MS 5000             /* a request must arrive whole in this time */

struct serve_request {
	uint64_t magic;
	uint32_t argc;
	uint32_t len; /* bytes of argv that follow */
};

#endif
