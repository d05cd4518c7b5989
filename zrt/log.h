/*
 * log.h - the runtime's diagnostics: one line each, "zrt: ...", on the
 * /dev/stderr channel, when there is one and the nvram's [debug]
 * verbosity asks for them.
 */
#ifndef ZRT_LOG_H
#define ZRT_LOG_H

#include "zrt.h"

extern int log_verbosity; /* the nvram's [debug] verbosity, 0 until read */

/* zrt_fmt's format, a newline added; level 0 is always written. */
void log_line(int level, const char *fmt, ...);

#endif
