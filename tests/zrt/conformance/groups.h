/*
 * groups.h - the conformance probe's groups (one function each) and what
 * they share.
 */
#ifndef GROUPS_H
#define GROUPS_H

#include "probe.h"

extern const char *probe_arg; /* argv[2], for groups that take one */
extern char top_buf[4096];    /* scratch */

void group_args(void);
void group_open(void);
void group_openat2(void);
void group_rw(void);
void group_rwv(void);
void group_seek(void);
void group_size(void);
void group_sync(void);
void group_dirs(void);
void group_fds(void);
void group_pipe(void);
void group_mem(void);
void group_fmap(void);
void group_fmap_sandbox(void);
void group_dlopen(void);
void group_time(void);
void group_ident(void);
void group_process(void);
void group_setid(void);
void group_fd_edges(void);
void group_sig_edges(void);
void group_proc_edges(void);
void group_call_edges(void);
void group_signals(void);
void group_sigmask(void);
void group_sigflags(void);
void group_altstack(void);
void group_selfpipe(void);
void group_sigjmp(void);
void group_abort(void);
void group_abort_jump(void);
void group_sigterm(void);
void group_sigpipe(void);
void group_sigpipe_handled(void);
void group_bigsleep(void);
void group_pipe_block(void);
void group_futex(void);
void group_epoll(void);
void group_eventfd(void);

#endif
