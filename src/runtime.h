/*
 * runtime.h - the in-sandbox runtime (ZRT, zrt/) from the supervisor's side:
 * its image goes into guest memory at ZRT_BASE, and boot is told where its
 * entry point and signal handlers are (zrt/zrt_abi.h).
 */
#ifndef ZVM_RUNTIME_H
#define ZVM_RUNTIME_H

#include <stdbool.h>

#include "error.h"
#include "guest.h"

/* Copy the runtime's segments into guest memory (after the program was
 * loaded: the program must lie above the runtime). 8 (ENOEXEC) when the
 * program overlaps it, 12 when memory is too small. */
int runtime_load(struct guest *g, bool map, struct zvm_error *err);

/* A pool's spare guest memory, made before its request: a new memfd with
 * the runtime's segments written at their addresses (what runtime_load
 * writes), for guest_create_from(). The descriptor, or -1 (then the
 * session makes its own). */
int runtime_spare(void);

/* Write a ready sandbox's boot block into a spare (runtime_spare): the
 * runtime's filter and handlers, BOOT_F_RUNTIME | BOOT_F_TSC_SIGSEGV, no
 * regions (boot_abi.h, BOOT_ARG_READY). 0, or -1 with errno. */
int runtime_ready_block(int memfd);

/* After guest_finish(): describe the session to the runtime (struct
 * zrt_info) and point the boot block at its entry and handlers. cpuid:
 * record the host's CPUID table (APIC ids zeroed) and make cpuid fault in
 * the sandbox, so that the CPU a program runs on cannot reach its memory
 * (zerovm -C; docs/zrt.md says what it costs). The nvram is preloaded from
 * the channel "/dev/nvram" when its source allows (zrt/zrt_abi.h). */
/* resumed: a session started from a snapshot (snapshot.h): zrt_info is
 * written afresh, the old nvram preload area cleared first, and the boot
 * block's entry (the resume entry) kept; with prot (a resume through the
 * runtime's own entry) also resumed = 1 and the protections at the fork
 * (prot, nprot: zrt_abi.h). */
struct zrt_prot;
void runtime_finish(struct guest *g, const struct channels *cs, bool cpuid, bool resumed, const struct zrt_prot *prot,
		    uint32_t nprot);

#endif
