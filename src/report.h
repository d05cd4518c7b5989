/*
 * report.h - ZeroVM's six-line report (report.c, docs/report.md).
 */
#ifndef ZVM_REPORT_H
#define ZVM_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "session.h"

/* The six-line report to stdout or syslog, on lines of its own after the
 * program's output: a newline first when that output does not end with
 * one, and at the end of a standard output that is a file (a random-write
 * channel may have written anywhere in it). note, if not NULL, is appended
 * to the exit state ("; trace cut ..."). Written by deadline_ms at the
 * latest. 0, or -errno when it could not be written. */
int report_print(const struct session *s, const char *memory_etag, const char *note, int64_t deadline_ms);

/* The accounting line (report line 5) into buf. */
void report_accounting(const struct session *s, char *buf, size_t n);

#endif
