/*
 * policy.h - the seccomp filter the sandbox runs under.
 *
 * The filter is generated at build time from src/policy/allowlist.c with
 * libseccomp (src/policy/gen.c) and embedded here; docs/security.md gives
 * the reason for every entry.
 */
#ifndef ZVM_POLICY_H
#define ZVM_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "guest.h"

/* Write the filter (runtime: the one for sessions with ZRT) at
 * BOOT_FILTER_OFFSET of guest memory, through the supervisor's mapping.
 * Returns the number of BPF instructions (it cannot fail; err is kept for
 * the interface). */
int policy_write(const struct guest *g, bool runtime, struct zvm_error *err);

/* The filter itself (for tests): instruction count and program. */
size_t policy_length(bool runtime);
const void *policy_program(bool runtime);

#endif
