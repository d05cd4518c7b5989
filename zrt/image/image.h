/*
 * image.h - tar images ([fstab] in the nvram, docs/images.md): access=ro
 * images mounted at start, access=wo directories written back at the end,
 * and what was lost or refused told to the front end ([session] notes=).
 */
#ifndef ZRT_IMAGE_H
#define ZRT_IMAGE_H

#include "../zrt.h"

struct inode;
struct nvram_fstab;

/* Headers are read through a 64 KiB window so an image of many small files
 * costs a trap per window, not per header (mount.c). */
struct tarsrc {
	struct zchan *c;
	unsigned char *win; /* IMAGE_TAR_WIN bytes */
	uint64_t win_off, win_len;
};
#define IMAGE_TAR_WIN (64u << 10)
int64_t image_tar_read(void *ctx, void *buf, size_t len, uint64_t off); /* a tar_read_fn */

/* access=rw (bindback.c): the unchanged files under top, each with the
 * path of its member in the image f->channel; NULL when out of memory or
 * the image cannot be walked again. */
struct bindrefs;
struct bindrefs *bindback_refs(const struct nvram_fstab *f, struct inode *top);
/* The member n's bytes still are, or NULL when n was changed (or b NULL). */
const char *bindback_ref(const struct bindrefs *b, const struct inode *n);

/* Mount every [fstab] entry: -1 with the message in err if one cannot be. */
int image_mount_all(char *err, size_t errlen);
/* Write access=wo images back (once): false if one could not be written. */
bool image_writeback(void);
/* Tell the [session] notes channel, if any, which files are lost and
 * which read-only channels the program tried to write (notes.c): false if
 * the notes could not be written. */
bool image_write_notes(void);
/* What the end of the session does with files: both of the above, the
 * write-back first. false if either failed. */
bool image_at_end(void);

#endif
