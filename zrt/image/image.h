/*
 * image.h - tar images ([fstab] in the nvram, docs/images.md): access=ro
 * images mounted at start, access=wo directories written back at the end.
 */
#ifndef ZRT_IMAGE_H
#define ZRT_IMAGE_H

#include "../zrt.h"

/* Mount every [fstab] entry: -1 with the message in err if one cannot be. */
int image_mount_all(char *err, size_t errlen);
/* Write access=wo images back (once): false if one could not be written. */
bool image_writeback(void);

#endif
