/*
 * daemon.h - the original's daemon mode (docs/snapshots.md, "Daemon mode"):
 * a manifest with `Job = <socket>` whose program reaches a resumable fork
 * ends its session there (report line 2: 1) and leaves a daemon behind that
 * serves copies of it, one session per request on the Job socket.
 */
#ifndef ZVM_DAEMON_H
#define ZVM_DAEMON_H

#include "options.h"
#include "session.h"

/* Listen on the session's Job socket (mode 0600). The descriptor, or -1
 * with the failure recorded in s->err. */
int daemon_listen(struct session *s);

/* Start the daemon process with the listener and s->daemon_snap; this
 * process goes on (and closes its copies). */
void daemon_spawn(struct session *s, const struct options *o, int listener);

#endif
