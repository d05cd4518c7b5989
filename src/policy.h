/*
 * policy.h - the seccomp filter: the security boundary of the sandbox.
 *
 * Built with libseccomp and exported as raw BPF straight into the boot
 * block, where boot installs it. The allowlist is the table in policy.c;
 * docs/security.md gives the reason for every entry.
 */
#ifndef ZVM_POLICY_H
#define ZVM_POLICY_H

#include <stdint.h>

#include "error.h"
#include "guest.h"

/* Write the filter for g at BOOT_FILTER_OFFSET of its memfd. Returns the
 * number of BPF instructions, or -1 with err set. */
int policy_build(const struct guest *g, struct zvm_error *err);

#endif
