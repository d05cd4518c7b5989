/*
 * fsize.c - lifting the file size limit for zerovm's memfds, see fsize.h.
 */
#include "fsize.h"

#include <errno.h>

void fsize_lift(struct fsize_lift *l, uint64_t need)
{
	l->lifted = getrlimit(RLIMIT_FSIZE, &l->was) == 0 && l->was.rlim_cur != RLIM_INFINITY && l->was.rlim_cur < need;
	if (!l->lifted)
		return;
	struct rlimit up = {RLIM_INFINITY, RLIM_INFINITY};
	if (setrlimit(RLIMIT_FSIZE, &up) < 0) {
		up.rlim_cur = up.rlim_max = l->was.rlim_max;
		setrlimit(RLIMIT_FSIZE, &up);
	}
}

void fsize_restore(const struct fsize_lift *l)
{
	int e = errno;
	if (l->lifted)
		setrlimit(RLIMIT_FSIZE, &l->was);
	errno = e;
}
