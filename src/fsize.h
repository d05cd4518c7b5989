/*
 * fsize.h - the host's file size limit (ulimit -f) and zerovm's own memory
 * files.
 *
 * RLIMIT_FSIZE is meant for the files a session writes, and there it
 * stays: a channel write past it is EFBIG for the program (SIGXFSZ is
 * ignored). But the kernel applies it to memfds too, and zerovm keeps the
 * guest's memory and boot's image in memfds: sizing them lifts the soft
 * limit as far as the hard one (or further, for root with CAP_SYS_RESOURCE)
 * for that one call, then puts it back.
 */
#ifndef ZVM_FSIZE_H
#define ZVM_FSIZE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>

struct fsize_lift {
	struct rlimit was;
	bool lifted;
};

/* Lift the limit if it is below need bytes. */
void fsize_lift(struct fsize_lift *l, uint64_t need);
/* Put back what fsize_lift() changed (errno is preserved). */
void fsize_restore(const struct fsize_lift *l);

#endif
