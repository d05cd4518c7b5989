/*
 * bench.h - included by every benchmark guest instead of zvm_start.h.
 * Built normally it is a raw ZeroVM guest (traps); built with -DZVM_NATIVE
 * it is a native static program (system calls), from the same source.
 */
#ifndef BENCH_H
#define BENCH_H

#ifdef ZVM_NATIVE
#include "../native_zvm.h"
#else
#include "zvm_start.h"
#endif

/* Writes v as 16 hex digits and a newline to handle 1. */
static inline int bench_put_hex(uint64_t v)
{
	char s[17];
	for (int i = 15; i >= 0; i--, v >>= 4)
		s[i] = "0123456789abcdef"[v & 15];
	s[16] = '\n';
	return zvm_pwrite(1, s, 17, 0) == 17 ? 0 : 1;
}

#endif
