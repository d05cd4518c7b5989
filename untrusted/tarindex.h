/*
 * tarindex.h - an index of a tar image, so that mounting it reads the
 * index instead of walking every header (docs/images.md, "The index").
 *
 * Walking the headers of an image of 1,290 files costs ~280 reads of the
 * image's channel (a trap each) and ~18 MB copied, because headers lie
 * between the files' data; the index holds what the walk would report, in
 * the same order, so a mount costs two reads. It is the archive's first
 * entry, a regular file named TARINDEX_NAME, so the image stays an ordinary
 * tar (other tools extract the index as a small file; the runtime never
 * shows it). Written by scripts/tarindex.c (make images).
 *
 * The index's bytes (little-endian): the magic "ZRTINDX1", the record count
 * (u64) and the size of the whole archive it describes (u64); then one
 * record per entry: type (u8: enum tar_type), three zero bytes, mode (u32),
 * mtime (i64), size (u64), data offset (u64), the path's and the link's
 * lengths (u16 each), then their bytes (no NUL). A mount uses the index
 * only when it describes an archive of exactly the channel's size; else,
 * or when it is malformed, the runtime walks the headers as before.
 *
 * The index is as untrusted as the archive: tarindex_scan() gives every
 * entry it reports the guarantees of tar_scan() (tar.h): paths clean and
 * NUL-terminated, a file's data within the archive, link rules; anything
 * else makes the whole index malformed.
 */
#ifndef UNTRUSTED_TARINDEX_H
#define UNTRUSTED_TARINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tar.h"

#define TARINDEX_NAME ".zrt-index"
#define TARINDEX_HEAD 24         /* magic, count, archive size */
#define TARINDEX_REC 36          /* a record's fixed part */
#define TARINDEX_MAX (64u << 20) /* the largest index read */

/*
 * Check the index in buf[0..len) against an archive of archive_size bytes
 * and, when cb is not NULL, call cb(cbctx, e) for each entry in order, with
 * e (the caller's scratch entry) filled. Checking first with cb NULL makes
 * an index used all or nothing. Returns 0, the callback's nonzero value
 * (the walk stops), or -TAR_EINVAL when the index is malformed or describes
 * another archive size. st (may be NULL) counts the entries reported and
 * sets st->end to where the last entry's padded data ends: where the
 * archive's end marker must be (tarindex_current).
 */
int tarindex_scan(const unsigned char *buf, size_t len, uint64_t archive_size,
		  int (*cb)(void *cbctx, const struct tar_entry *e), void *cbctx, struct tar_entry *e,
		  struct tar_stats *st);

/*
 * Where the archive's index is: its first entry, when that is a regular
 * file named TARINDEX_NAME of at most TARINDEX_MAX bytes. true with *off
 * and *size its data's place, false when there is none (or the first
 * header cannot be read): then the archive is walked header by header.
 */
bool tarindex_find(tar_read_fn rd, void *ctx, uint64_t archive_size, uint64_t *off, uint64_t *size);

/*
 * Whether the archive still ends where its index says (end: st->end of
 * tarindex_scan): the TAR_BLOCK bytes there, read into block (the
 * caller's: in the runtime, a buffer a trap may use), are an end marker's
 * zeros. The index's archive size alone misses an entry appended with
 * `tar -r` that fits the archive's padding: its header takes the place of
 * the end marker, and this sees it. false also when the archive ends
 * there, or an entry the index leaves out follows (the headers are then
 * walked: slower, never wrong).
 */
bool tarindex_current(tar_read_fn rd, void *ctx, uint64_t archive_size, uint64_t end, unsigned char *block);

/* The index's head into out (TARINDEX_HEAD bytes). */
size_t tarindex_head(unsigned char *out, uint64_t count, uint64_t archive_size);

/* The bytes of e's record: TARINDEX_REC + its path's and link's lengths. */
size_t tarindex_record_size(const struct tar_entry *e);

/* e's record into out (tarindex_record_size(e) bytes), its data at
 * offset; returns the byte count. */
size_t tarindex_record(const struct tar_entry *e, uint64_t offset, unsigned char *out);

#endif
