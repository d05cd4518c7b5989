/*
 * image.h - tar images ([fstab] in the nvram, docs/images.md): access=ro
 * images mounted at start, access=wo directories written back at the end,
 * and what was lost or refused told to the front end ([session] notes=).
 */
#ifndef ZRT_IMAGE_H
#define ZRT_IMAGE_H

#include "../zrt.h"

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
