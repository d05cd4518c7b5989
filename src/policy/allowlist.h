/* allowlist.h - see allowlist.c. Build-time only (needs libseccomp). */
#ifndef ZVM_POLICY_ALLOWLIST_H
#define ZVM_POLICY_ALLOWLIST_H

#include <seccomp.h>

/* Add the allowlist to ctx; 0 on success. */
int policy_allowlist(scmp_filter_ctx ctx);

#endif
