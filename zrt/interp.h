/*
 * interp.h - loading a dynamically linked program's interpreter (interp.c).
 */
#ifndef ZRT_INTERP_H
#define ZRT_INTERP_H

#include "zrt.h"

struct interp {
	uint64_t base;  /* where it was loaded (AT_BASE); 0: a static program */
	uint64_t entry; /* where the program starts: the interpreter's entry */
};

/* Load the interpreter zrt_info names, if any, from the filesystem, below
 * the heap. 0 (out->base 0 for a static program), or -1 with the reason in
 * err. After the images are mounted, before the program has a break. */
int interp_load(struct interp *out, char *err, size_t errlen);

#endif
