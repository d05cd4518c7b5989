/*
 * report_json.h - the report as JSON, for programs (zerovm --json FILE;
 * docs/report.md, "The JSON report").
 */
#ifndef ZVM_REPORT_JSON_H
#define ZVM_REPORT_JSON_H

#include "session.h"

/* Write the report of s to path as one JSON object: every field of the
 * six lines named, each channel's accounting and etag, wall and CPU time,
 * peak memory, the exit state as text and as zerovm's exit code (code).
 * Atomically: written to a temporary name in path's folder, then renamed
 * over path, with mode 0666 less the umask. 0, or -errno (nothing at path
 * changed, the temporary file removed). */
int report_json(const struct session *s, const char *memory_etag, const char *note, int code, const char *path);

#endif
