/*
 * policy.c - the embedded seccomp filter, see policy.h.
 */
#include "policy.h"

#include <errno.h>
#include <linux/filter.h>
#include <string.h>
#include <unistd.h>

#include "policy_bpf.h" /* generated: build/gen/policy_bpf.h */

size_t policy_length(bool runtime)
{
	return runtime ? sizeof policy_zrt_bpf / sizeof policy_zrt_bpf[0] : sizeof policy_bpf / sizeof policy_bpf[0];
}

const void *policy_program(bool runtime)
{
	return runtime ? (const void *)policy_zrt_bpf : (const void *)policy_bpf;
}

int policy_write(const struct guest *g, bool runtime, struct zvm_error *err)
{
	_Static_assert(sizeof policy_bpf / sizeof policy_bpf[0] <= BOOT_FILTER_MAX, "filter too long");
	_Static_assert(sizeof policy_zrt_bpf / sizeof policy_zrt_bpf[0] <= BOOT_FILTER_MAX, "filter too long");
	size_t bytes = policy_length(runtime) * sizeof policy_bpf[0];
	if (pwrite(g->memfd, policy_program(runtime), bytes, BOOT_FILTER_OFFSET) != (ssize_t)bytes)
		return zvm_fail(err, ZVM_EXIT_NOMEM, "policy: cannot write the filter: %s", strerror(errno)), -1;
	return (int)policy_length(runtime);
}
