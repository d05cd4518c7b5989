/* allowlist.h - see allowlist.c. Build-time only (needs libseccomp). */
#ifndef ZVM_POLICY_ALLOWLIST_H
#define ZVM_POLICY_ALLOWLIST_H

#include <seccomp.h>

#include <stdbool.h>

/* Add the allowlist to ctx; 0 on success. runtime: the filter for sessions
 * with the in-sandbox runtime (ZRT) instead of raw guests. */
int policy_allowlist(scmp_filter_ctx ctx, bool runtime);

#endif
