/*
 * netchan.h - network channels, the channel kind (docs/network.md): a
 * channel whose sources are tcp:<ipv4>:<port> or, with a name server,
 * tcp:<node id>:[<port>].
 *
 * channel.c opens, serves and closes channels; for this kind it calls the
 * functions below, which speak to the peers through net.c (one source's
 * socket and framing) and ns.c (the name server). A network channel is read
 * or written, never both, and sequential whatever its declared type. The
 * quotas, etags and the trap rules are channel.c's, as for every kind.
 *
 * The order that lets any number of sessions start in any order without
 * waiting for each other:
 *   channels_open()   every read source listens (netchan_open_source)
 *   netchan_connect() 1. with a name server, register and resolve
 *                     2. every write source connects and sends its header
 *                        (the peer's kernel completes a connection to a
 *                        listening socket before the peer accepts it)
 *                     3. every read source accepts its writer
 * each step bounded by the session's deadline and by stop signals.
 */
#ifndef ZVM_NETCHAN_H
#define ZVM_NETCHAN_H

#include <stdbool.h>
#include <stdint.h>

#include "channel.h"

/* Source j of network channel c: parse it, and a reader starts listening.
 * false with err set (5: the address cannot be listened on). */
bool netchan_open_source(struct channels *cs, struct channel *c, unsigned j, struct zvm_error *err);

/*
 * Connect every network channel of cs (above). Stop signals (SIGTERM,
 * SIGINT, SIGHUP) must be blocked by the caller: a pending one ends the
 * wait. 0, or -1 with err set: 4 when the deadline passed before a peer
 * appeared (the state names the channel and the peer) or a stop signal
 * came, 14 when the name server refused, 5 for socket errors.
 */
int netchan_connect(struct channels *cs, const struct manifest *m, struct zvm_error *err);

/* Read n > 0 bytes (channel.c has charged nothing yet). The bytes, fewer
 * than n at the end of the streams (c->eof is then set) or when the session
 * is ending; -EIO once a stream broke (the session's state says how). */
int64_t netchan_read(struct channels *cs, struct channel *c, void *dst, int64_t n);

/* After the read that reached the end: the writers' digests against the
 * channel's etag ("corrupted upon eof", exit 32, on a mismatch). */
void netchan_check_end(struct channels *cs, struct channel *c);

/* Write n > 0 bytes to every source still there. n, fewer when the session
 * is ending, -EPIPE when no reader is left, or -errno. */
int64_t netchan_write(struct channels *cs, struct channel *c, const void *src, int64_t n);

/* Close c's sources; a writer first sends the end marker (and its digest)
 * when cs->ended_ok. */
void netchan_close(struct channels *cs, struct channel *c, struct zvm_error *err);

#endif
