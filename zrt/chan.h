/*
 * chan.h - the channel client: the manifest's channels, read and written
 * through traps the supervisor checks and counts.
 */
#ifndef ZRT_CHAN_H
#define ZRT_CHAN_H

#include "zrt.h"

struct zchan {
	const struct ZVMChannel *zc;
	int handle;
	const char *alias;
	bool readable, writable, random_read, random_write;
	int mode;           /* ZCHAN_PIPE, ZCHAN_CHAR, ZCHAN_FILE: what stat says */
	uint64_t size;      /* bytes known to exist (random channels) */
	unsigned char *win; /* read-ahead window of a random-read channel */
	uint64_t win_off, win_len;
	bool was_read, was_written; /* a trap moved bytes (fork.c: what a snapshot cannot carry) */
};
enum { ZCHAN_PIPE, ZCHAN_CHAR, ZCHAN_FILE };

int chan_init(void); /* the manifest's channels; -ENOMEM */
/* A resumed session (fork.c): the manifest now is the new session's, with
 * the same channels; take their sizes, forget what was read ahead from
 * channels that may be written. -1 with the message in err when the
 * channels are not the snapshot's. */
int chan_resume(char *err, size_t errlen);
int chan_count(void);
struct zchan *chan_at(int i); /* 0 <= i < chan_count() */
struct zchan *chan_find(const char *alias);
/* Reads and writes at off (ignored by sequential channels): the bytes
 * moved, or the trap's -errno when none were. A random-read channel is
 * read no further than its size. */
int64_t chan_pread(struct zchan *c, void *buf, uint64_t len, uint64_t off);
int64_t chan_pwrite(struct zchan *c, const void *buf, uint64_t len, uint64_t off);
/* chan_pread for a program's read: small reads of a random-read channel
 * come from a read-ahead window. */
int64_t chan_read_cached(struct zchan *c, void *buf, uint64_t len, uint64_t off);

#endif
