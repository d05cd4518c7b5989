/*
 * sandbox.h - starting the sandbox process and taking its trap listener.
 *
 * sandbox_start() forks a child that enters fresh namespaces, drops every
 * privilege and execs boot (embedded in the zerovm binary) from a memfd.
 * It returns once boot has sealed the process, with the seccomp listener
 * and a pidfd for the event loop.
 */
#ifndef ZVM_SANDBOX_H
#define ZVM_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "guest.h"

struct sandbox {
	pid_t pid;
	int pidfd;
	int listener;        /* -1 if the program ended before we could take it */
	int sync;            /* boot's socket until it seals (-1 after) */
	bool sync_wakeup;    /* SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP on */
	int spare_memfd;     /* a ready sandbox's guest memory made ahead (runtime_spare), or -1 */
	char isolation[160]; /* what namespaces we got, for -v */
};

struct sandbox_opts {
	int64_t timeout;     /* seconds, for RLIMIT_CPU as a second line */
	int64_t deadline_ms; /* monotonic ms: give up waiting for boot after */
};

int sandbox_start(struct sandbox *s, const struct guest *g, const struct sandbox_opts *o, struct zvm_error *err);
/* A ready sandbox (the server's pool): the process in its namespaces, ids
 * dropped, limits set, boot exec'd and waiting on s->sync for guest memory;
 * nothing of any session in it yet. deadline_ms bounds the wait for the
 * child's first word. */
int sandbox_prepare(struct sandbox *s, int64_t deadline_ms, struct zvm_error *err);
/* Hand a ready sandbox its guest memory (the boot block written, as for
 * sandbox_start) and wait until it seals; then as sandbox_start. */
int sandbox_go(struct sandbox *s, const struct guest *g, const struct sandbox_opts *o, struct zvm_error *err);
/* Kill (if still running) and release descriptors. */
void sandbox_kill(struct sandbox *s);
void sandbox_close(struct sandbox *s);

#endif
