/*
 * snapshot.h - warm starts: a session's guest memory at its first resumable
 * fork trap, written to a file (zerovm --snapshot) or kept by a daemon (Job),
 * and new sessions started from it (zerovm --resume, a daemon's requests).
 * docs/snapshots.md says what a snapshot holds, what it depends on and when
 * it is refused.
 *
 * File layout (all integers little-endian):
 *
 *   struct snap_head    magic, format version, the zerovm build it came
 *                       from, SHA-1 of the metadata and of the data, where
 *                       the data starts and how long it is
 *   metadata            the key (program identity, memory size, runtime,
 *                       options, channel layout, the channels read before
 *                       the fork and their state), guest layout (regions,
 *                       heap, stack), resume entry and stack, the extents
 *   data                the bytes of each extent, in order, from a page
 *                       aligned offset
 *
 * Nothing read from a snapshot is trusted: the metadata is parsed with
 * bounds, every address checked against guest memory, and the data only
 * ever lands in guest memory.
 */
#ifndef ZVM_SNAPSHOT_H
#define ZVM_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "session.h"

struct options;

/* The fork trap (args read into a[0..1] already): take the snapshot the
 * session was asked for, or start the daemon's. The value for the guest. */
int64_t snapshot_trap(struct session *s, uint64_t argp, uint64_t a[]);

/* A loaded snapshot's metadata. */
struct snap;

/* Open and check a snapshot (path, or fd >= 0 for a daemon's own memfd,
 * whose data is then not re-hashed) against what the session can know
 * before guest memory exists: build, program, memory size, runtime,
 * options. On a refusal err says why (code 14; 2 for a missing file). */
struct snap *snapshot_open(const char *path, int fd, const struct session *s, const struct options *o,
			   struct zvm_error *err);
void snapshot_free(struct snap *sn);

/* Guest memory (created at the snapshot's size) gets the snapshot's bytes,
 * layout and regions. 0, or -1 with err set. */
int snapshot_fill(const struct snap *sn, struct guest *g, const char *program, struct zvm_error *err);

/* After the channels are open: same layout as the snapshot's, the channels
 * read before the fork unchanged (their position and etag carried over).
 * Then the user manifest, the boot block and (runtime) zrt_info are
 * rewritten for the new session. nfilter: the filter already written. */
int snapshot_resume(const struct snap *sn, struct session *s, const struct options *o, uint32_t nfilter);

/* The validation state recorded with the snapshot. */
int snapshot_vstate(const struct snap *sn);

#endif
