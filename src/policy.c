/*
 * policy.c - the embedded seccomp filter, see policy.h.
 */
#include "policy.h"

#include <errno.h>
#include <linux/filter.h>
#include <string.h>
#include <unistd.h>

#include "policy_bpf.h" /* generated: build/gen/policy_bpf.h */

size_t policy_length(void)
{
	return sizeof policy_bpf / sizeof policy_bpf[0];
}

const void *policy_program(void)
{
	return policy_bpf;
}

int policy_write(const struct guest *g, struct zvm_error *err)
{
	_Static_assert(sizeof policy_bpf / sizeof policy_bpf[0] <= BOOT_FILTER_MAX, "filter too long");
	if (pwrite(g->memfd, policy_bpf, sizeof policy_bpf, BOOT_FILTER_OFFSET) != (ssize_t)sizeof policy_bpf)
		return zvm_fail(err, ZVM_EXIT_NOMEM, "policy: cannot write the filter: %s", strerror(errno)), -1;
	return (int)policy_length();
}
