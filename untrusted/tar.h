/*
 * tar.h - reading and writing tar archives, for ZRT's images.
 *
 * ZRT mounts tar images read-only ([fstab] access=ro) and loads them lazily:
 * at mount time tar_scan() walks the headers through random-access reads of
 * the image's channel and reports each entry with the offset of its data;
 * the data itself is read later, when the program reads the file. An
 * access=wo mount is written back at exit with tar_header(), the data,
 * tar_padding() zeros and tar_end(). docs/images.md is the user's reference.
 *
 * tar.c is compiled twice: freestanding inside the sandbox (no C library,
 * only what util.h declares, no allocator, stack frames well under 16 KiB)
 * and hosted for the unit tests, the fuzzer and zvsh (which extracts the
 * program from an image with the same reader).
 *
 * Archives are untrusted. What the reader guarantees for every entry it
 * reports (the fuzzer checks each of these):
 *   - path is relative and clean: no leading '/', no empty, "." or ".."
 *     component, no trailing '/'; "" only for the archive's root directory;
 *   - a hard link's target is clean in the same way and not empty; a
 *     symbolic link's target is not empty and is kept as stored (it is
 *     resolved later inside the sandbox's own filesystem, never the host's);
 *   - a file's data [offset, offset + size) lies within the archive;
 *   - both strings are NUL-terminated within TAR_PATH_MAX bytes.
 */
#ifndef ZRT_TAR_H
#define ZRT_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TAR_BLOCK 512
#define TAR_PATH_MAX 4096      /* bytes of a path or link target, with the NUL */
#define TAR_HDR_MAX 10240      /* most bytes tar_header() writes for one entry */
#define TAR_PAX_MAX (1u << 20) /* largest pax extended header read; more is malformed */

/* The errors tar_scan() returns (negated): Linux's values, named here
 * because the freestanding build has no errno.h. */
#define TAR_EIO 5     /* the read function failed, or came back short */
#define TAR_EINVAL 22 /* the archive is malformed */

enum tar_type { TAR_FILE, TAR_DIR, TAR_SYMLINK, TAR_HARDLINK };

struct tar_entry {
	char path[TAR_PATH_MAX]; /* sanitized, relative: "a/b/c"; "" is the archive root */
	char link[TAR_PATH_MAX]; /* symlink target as stored; hard-link target sanitized; else "" */
	enum tar_type type;
	uint32_t mode;   /* permission bits (07777) */
	uint64_t size;   /* data bytes, 0 unless TAR_FILE */
	uint64_t offset; /* where the data starts in the archive (just after the header) */
	int64_t mtime;   /* seconds since the epoch; may be negative */
	uint32_t uid, gid;
};

/*
 * Reads len bytes at off into buf; returns the bytes read (short only at
 * the end of the archive), or a negative errno.
 */
typedef int64_t (*tar_read_fn)(void *ctx, void *buf, size_t len, uint64_t off);

struct tar_stats {
	uint64_t entries; /* entries reported to the callback */
	uint64_t skipped; /* entries left out (see tar_scan) */
	uint64_t end;     /* where the walk ended: the end marker's offset, or the end of the data */
	bool marker;      /* it ended at a zero block (an end marker), not at the end of the data */
};

/*
 * Walk the archive of archive_size bytes read through rd(ctx, ...), header
 * by header, and call cb(cbctx, e) for each usable entry in archive order.
 * Only headers and the bodies of extended headers (pax 'x' and 'g', GNU 'L'
 * and 'K') are read; file data is skipped by offset, never read. The entry
 * passed to cb is valid during the call only.
 *
 * Formats: ustar (with its prefix field), pax ('x' records path, linkpath,
 * size, mtime, uid, gid; other records and 'g' global headers ignored), GNU
 * (long names 'L' and 'K', base-256 numbers), old GNU and v7 headers.
 * Entries not usable are skipped and counted in st->skipped: a path with a
 * ".." component, or empty after sanitizing unless a directory (the root);
 * a hard link whose target has ".." or is empty; a symbolic link with an
 * empty target; devices, FIFOs, sparse files and every other type.
 *
 * Returns 0 at the end of the archive (a zero block, or the end of the data
 * after a whole entry), the callback's value when it returns nonzero (the
 * walk stops there), -TAR_EIO when rd fails or comes back short before
 * archive_size, or -TAR_EINVAL when the archive is malformed: a truncated
 * header, a bad checksum, a numeric field that does not parse or is out of
 * range, data reaching past the end, a name record or pax value longer than
 * TAR_PATH_MAX - 1 bytes, a pax header larger than TAR_PAX_MAX or with a
 * malformed record, extended headers with no entry after them. Entries
 * reported before an error stay reported. st may be NULL; it is zeroed first.
 */
int tar_scan(tar_read_fn rd, void *ctx, uint64_t archive_size, int (*cb)(void *cbctx, const struct tar_entry *e),
	     void *cbctx, struct tar_stats *st);

/*
 * Sanitize the path in[0..len) (it ends earlier at a NUL byte): drop
 * leading '/', empty and "." components and a trailing '/'. Writes the
 * result and a NUL to out, which needs room for min(len, TAR_PATH_MAX - 1)
 * + 1 bytes; in and out may be the same buffer. Returns the result's length
 * ("" for "/", "." or "./"), or -1 when a component is ".." or the result
 * would be longer than TAR_PATH_MAX - 1 bytes; out is then unspecified.
 */
int tar_sanitize(const char *in, size_t len, char *out);

/*
 * Format the header block(s) for e into out (room for TAR_HDR_MAX bytes).
 * A ustar header when the path fits the name and prefix fields and the link
 * target the linkname field; otherwise a pax extended header ('x') comes
 * first, with path, then linkpath, then size (>= 8 GiB), mtime (negative or
 * from year 2242 on), uid and gid (>= 2^21) as needed; numbers that do not
 * fit in octal are also written base-256 in the ustar fields. A directory's
 * name field gets a trailing '/' (its pax path does not: the type says it),
 * the root ("") is "./". Only the path's and link's
 * bytes up to the NUL (at most TAR_PATH_MAX - 1) are used; link only for
 * links; size only for files. Deterministic: same entry, same bytes; no
 * user or group names, no device numbers. Returns the byte count, a
 * multiple of TAR_BLOCK and at most TAR_HDR_MAX.
 */
size_t tar_header(const struct tar_entry *e, unsigned char *out);

/* Bytes of zero padding after size bytes of data (0..511). */
size_t tar_padding(uint64_t size);

/* The end-of-archive marker: two zero blocks; writes and returns 1024. */
size_t tar_end(unsigned char *out);

#endif
