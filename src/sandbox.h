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
	uint64_t ready_id;   /* a ready sandbox: the trap boot waits in, held unanswered */
	double started;      /* sandbox_go with start_trap: when boot was at its jump (CLOCK_MONOTONIC s) */
	char isolation[160]; /* what namespaces we got, for -v */
};

struct sandbox_opts {
	int64_t timeout;     /* seconds, for RLIMIT_CPU as a second line */
	int64_t deadline_ms; /* monotonic ms: give up waiting for boot after */
	bool start_trap;     /* sandbox_go: wait for boot's last trap, right before the jump (-v 2) */
};

int sandbox_start(struct sandbox *s, const struct guest *g, const struct sandbox_opts *o, struct zvm_error *err);
/* A ready sandbox (the server's pool), sealed before its session is
 * known: the process in its namespaces, ids dropped, boot given memfd (a
 * runtime_spare() with runtime_ready_block() written, taken over), all of
 * guest memory mapped PROT_NONE there, the runtime's handlers and the
 * filter installed, the listener taken, and boot waiting in the trap
 * {BOOT_TRAP_READY} (held unanswered, s->ready_id). deadline_ms bounds
 * the wait for it. */
int sandbox_prepare(struct sandbox *s, int memfd, int64_t deadline_ms, struct zvm_error *err);
/* Start a session in a ready sandbox: g is its spare memory filled (the
 * boot block written, with the runtime and without -C: the ready block's
 * flags), limits set from outside (RLIMIT_AS, RLIMIT_CPU) and boot's trap
 * answered; then as sandbox_start. */
int sandbox_go(struct sandbox *s, const struct guest *g, const struct sandbox_opts *o, struct zvm_error *err);
/* Kill (if still running) and release descriptors. */
void sandbox_kill(struct sandbox *s);
void sandbox_close(struct sandbox *s);

#endif
