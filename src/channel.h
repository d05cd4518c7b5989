/*
 * channel.h - the program's declared I/O channels, host side.
 *
 * Every channel source is opened before the program starts and closed after
 * it ends (truncating preallocated files to what was really written). The
 * trap handlers call channel_read()/channel_write() with a pointer into the
 * supervisor's mapping of guest memory, so data moves between the host file
 * and guest memory with one pread/pwrite and no bounce buffer.
 *
 * The call rules are split out as pure functions (channel_check,
 * channel_quota_charge) so that every rule of docs/traps.md is unit-tested
 * without files.
 */
#ifndef ZVM_CHANNEL_H
#define ZVM_CHANNEL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "etag.h"
#include "manifest.h"

enum source_kind { SOURCE_REGULAR, SOURCE_CHAR, SOURCE_FIFO, SOURCE_NET };

struct net_src;

struct channel {
	const struct manifest_channel *mc; /* alias, type, limits; owned by the manifest */
	int fd[CHANNEL_URIS_MAX];          /* one per source, -1 when closed */
	unsigned nfd;
	enum source_kind kind;
	bool readable, writable;
	bool seekable;          /* false for devices and FIFOs: offsets are ignored */
	bool preallocated;      /* regular file extended to put_size; trim at close */
	bool eof;               /* sequential end of input seen: sticky */
	bool stream;            /* --stream: a read returns what has arrived, as read(2) */
	bool to_stdout;         /* a source is zerovm's own standard output */
	uint32_t shared;        /* bit j: source j is a standard stream or inherited */
	uint32_t append;        /* bit j: source j was opened O_APPEND by its owner */
	int64_t size;           /* random-access size (0 for sequential channels) */
	int64_t putpos;         /* sequential write position */
	int64_t end;            /* furthest byte written, for the final truncation */
	int64_t used[LIMITS_N]; /* gets, bytes got, puts, bytes put */
	struct etag *etag;      /* NULL when etag is off */
	char hex[ETAG_HEX_LEN + 1];
	struct net_src *net; /* SOURCE_NET: one per source (netchan.h), else NULL */
	bool broken;         /* SOURCE_NET: a stream broke or replicas differed: -EIO */
	bool end_checked;    /* SOURCE_NET: the writers' digests were checked */
};

struct channel_opts {
	bool no_prealloc;    /* -P */
	int64_t fsize_limit; /* -l, bytes; a write past it ends the session */
	int64_t deadline_ms; /* the session's deadline (CLOCK_MONOTONIC ms): network waits end there */
	int verbosity;       /* -v: network channels say what they connect at 1 */
};

/* Inherited descriptors named "/dev/fd/N" (N > 2): duplicated as soon as
 * the manifest is read, before zerovm opens anything that could take the
 * number (channels_inherit), closed by channels_close. */
#define CHANNELS_INHERITED_MAX 16
struct channels_inherited {
	struct {
		int n, fd; /* the number the manifest names, our duplicate */
	} fd[CHANNELS_INHERITED_MAX];
	int n;
	bool std_only; /* a server's session: only the client's 0-2 are its */
};

#define CHANNEL_SCRATCH (64 << 10)

struct channels {
	struct channel *ch; /* in handle order: stdin, stdout, stderr, then by alias */
	uint32_t n;
	/* Set (by a signal handler) when the session is ending: a read or
	 * write blocked on a FIFO or terminal gives up instead of retrying
	 * after the interrupting signal. NULL: always retry. */
	const volatile sig_atomic_t *stop;
	/* Readable once the session is ending (the loop's eventfd, -1
	 * outside the loop): a network wait polls it, so a stop cannot slip
	 * in between a check of *stop and the wait. */
	int wake_fd;
	/* Accounting for the report: local calls and bytes, network ones. */
	int64_t reads, read_bytes, writes, write_bytes;
	int64_t net_reads, net_read_bytes, net_writes, net_write_bytes;
	/* The last byte a channel wrote to zerovm's standard output (0: none
	 * yet): the report starts on a line of its own (report.c). */
	char stdout_last;
	char *scratch; /* comparing replicas: CHANNEL_SCRATCH bytes, allocated on first use */
	struct channels_inherited inh;
	struct zvm_error *err; /* the session's: a broken stream is recorded as it is found */
	int64_t deadline_ms;   /* channel_opts' */
	int verbosity;
	/* Set by the caller before channels_close(): the program ended by
	 * itself and the session has no failure, so writers end their
	 * streams with the end marker; otherwise the readers see them cut. */
	bool ended_ok;
};

/* Duplicate the inherited descriptors that "/dev/fd/N" sources name (N > 2),
 * before zerovm opens anything of its own. 5 when one is not open. */
int channels_inherit(struct channels *cs, const struct manifest *m, struct zvm_error *err);

/* Open every channel of m in handle order (cs starts zeroed but for what
 * channels_inherit() put there). On failure returns -1 with *err
 * set (93 unsupported source, 5 open failure, 14 bad combination, 12 out of
 * memory) and everything opened so far closed again. */
int channels_open(struct channels *cs, const struct manifest *m, const struct channel_opts *o, struct zvm_error *err);

/* Close every source; trim preallocated files; finish etags into c->hex.
 * Errors are recorded in err (first one wins) but every channel is closed. */
void channels_close(struct channels *cs, struct zvm_error *err);

/*
 * The guest's read/write, after the handle and the buffer were checked by
 * the caller. Return bytes moved (>= 0) or -errno for the guest. A write
 * past the -l file size limit returns CHANNEL_FSIZE_EXCEEDED: the caller
 * ends the session with "disk quota exceeded".
 */
#define CHANNEL_FSIZE_EXCEEDED (-1000)
int32_t channel_read(struct channels *cs, struct channel *c, void *dst, int32_t size, int64_t offset);
int32_t channel_write(struct channels *cs, struct channel *c, const void *src, int32_t size, int64_t offset,
		      const struct channel_opts *o);

/*
 * The rules of a pread/pwrite, pure (docs/traps.md, "pread and pwrite"):
 * what the supervisor checks after the handle and the buffer, in the
 * original ZeroVM's order. v describes the channel in the call's direction:
 */
struct channel_view {
	const int64_t *limit, *used; /* the manifest's limits, usage so far */
	bool random;                 /* random access in this direction */
	bool readable;               /* writes: the channel is read-write */
	int64_t size;                /* random channels: the current size */
};
/*
 * channel_check() returns the bytes the call may move (> 0), 0 for a call
 * that moves nothing and is not charged, or -errno:
 *   sequential: the offset is ignored entirely (negative ones too);
 *   random read: the size is first clipped to size - offset, so a read at
 *     the end asks for 0 bytes (returns 0) and one past it for fewer than
 *     0 (-EFAULT, as the original);
 *   then size 0 -> 0; size < 0 -EFAULT; random offset < 0 -EINVAL;
 *   call quota used up -EDQUOT;
 *   random write: write-only, offset >= put_size -EINVAL; read-write,
 *     offset >= size + bytes put_size still allows -EINVAL;
 *   byte quota used up -EDQUOT; else the size clipped to what is left.
 * dir is 0 for reads, 1 for writes.
 */
int64_t channel_check(const struct channel_view *v, int dir, int64_t size, int64_t offset);
/* Charge one call and n bytes. */
void channel_quota_charge(int64_t used[LIMITS_N], int dir, int64_t n);

/* zerovm --stream ALIAS: reads of the channel return what has arrived
 * instead of waiting for the whole size (docs/zerovm.1.md). It must be a
 * readable, sequential channel of one source; 0, or -1 with err set. */
int channels_stream(struct channels *cs, const char *alias, struct zvm_error *err);

static inline bool channel_random_read(const struct channel *c)
{
	return c->seekable && (c->mc->type & 1);
}
static inline bool channel_random_write(const struct channel *c)
{
	return c->seekable && (c->mc->type & 2);
}

#endif
