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
	(void)err;
	/* Through the supervisor's mapping of guest memory, which the boot
	 * block lives in (below the guest's lowest address). */
	size_t bytes = policy_length(runtime) * sizeof policy_bpf[0];
	memcpy(g->base + BOOT_FILTER_OFFSET, policy_program(runtime), bytes);
	return (int)policy_length(runtime);
}
