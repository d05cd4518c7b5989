/*
 * log.c - the runtime's diagnostics on the /dev/stderr channel (log.h).
 */
#include "chan.h"
#include "log.h"
#include "zrt.h"

int log_verbosity;

/* Diagnostics go to the /dev/stderr channel, when there is one and the
 * nvram's [debug] verbosity asks for them (level 0: always). */
void log_line(int level, const char *fmt, ...)
{
	if (level > log_verbosity)
		return;
	static char buf[512]; /* written by a trap: not on the signal stack */
	va_list ap;
	va_start(ap, fmt);
	size_t n = zrt_vfmt(buf, sizeof buf - 1, fmt, ap);
	va_end(ap);
	if (n > sizeof buf - 2)
		n = sizeof buf - 2;
	buf[n++] = '\n';
	struct zchan *c = chan_find("/dev/stderr");
	if (c && c->writable) {
		/* The runtime's own lines do not stop a fork (fork.c): a
		 * resumed session simply does not repeat them. */
		bool was = c->was_written;
		chan_pwrite(c, buf, n, 0);
		c->was_written = was;
	}
}
