/*
 * zrt_abi.h - the contract between the supervisor (src/), boot (boot/) and
 * the runtime (zrt/).
 *
 * The runtime is linked at a fixed guest address (ZRT_BASE, below the
 * 0x400000 where static programs are linked) by zrt/zrt.ld.S (which takes
 * ZRT_BASE from here: this header is also read by the preprocessor for
 * the linker script, so its C parts are hidden from it) and embedded in
 * zerovm. The first bytes of its image are a struct zrt_header: where its
 * entry point and signal handlers are, and where the supervisor writes the
 * struct zrt_info that describes the session. The supervisor copies the
 * image into guest memory, fills zrt_info, and tells boot (boot block) to
 * install the handlers on the alternate signal stack before sealing, then
 * to jump to zrt_header.entry instead of the program's entry point. The
 * runtime finds the program's entry in the auxiliary vector (AT_ENTRY).
 */
#ifndef ZRT_ABI_H
#define ZRT_ABI_H

#define ZRT_BASE 0x100000
#define ZRT_LIMIT 0x400000 /* the runtime's image ends below this */

#ifndef __ASSEMBLER__
#include <stdint.h>

#define ZRT_MAGIC 0x315452527a5a767aull /* "zvZzRRT1" */

struct zrt_header {
	uint64_t magic;
	uint64_t entry;         /* void zrt_entry(void), rsp = initial stack */
	uint64_t sigsys;        /* SIGSYS handler (SA_SIGINFO) */
	uint64_t sigsegv;       /* SIGSEGV handler: rdtsc emulation */
	uint64_t restorer;      /* SA_RESTORER: rt_sigreturn */
	uint64_t altstack;      /* unused (0): boot maps the signal stack */
	uint64_t altstack_size; /* at BOOT_ALTSTACK_ADDR, outside guest memory */
	uint64_t info;          /* guest address of struct zrt_info */
};

/* CPUID answers: the host's, recorded by the supervisor, with the APIC ids
 * (which tell the CPU the program happens to run on) set to 0. The runtime
 * answers the faulting cpuid instruction from this table. */
#define ZRT_CPUID_MAX 512
struct zrt_cpuid {
	uint32_t leaf, subleaf; /* subleaf only matters when indexed */
	uint32_t eax, ebx, ecx, edx;
	uint32_t indexed, pad;
};

/* Guest memory's protections at the fork trap, for a resumed session
 * (docs/snapshots.md): what the program and its ld.so set after start
 * with mmap and mprotect, which the boot regions do not say (Python's
 * libraries are R+X pages inside the heap). The supervisor reads them
 * when it takes the snapshot (the kernel's: /proc/PID/maps of the sandbox
 * process, every mapped range within guest memory, coalesced), keeps
 * them in the snapshot, and on resume writes them here: sorted, disjoint,
 * page-aligned, prot a PROT_* combination (PROT_READ|PROT_WRITE included;
 * never W+X, which the wall refuses); boot maps the regions as for a cold
 * start. The runtime applies each with mprotect before the program goes
 * on, then clears the table (so the memory etag of a resumed session is a
 * cold one's). More ranges than ZRT_PROT_MAX: the supervisor refuses to
 * take the snapshot. nprot == 0: nothing to apply. */
#define ZRT_PROT_MAX 4096
struct zrt_prot {
	uint64_t addr, len;
	uint32_t prot, pad;
};

/* The runtime's configuration (the nvram) is handed over by the
 * supervisor, not read through the channel: the first bytes of a regular
 * file that is the readable channel "/dev/nvram", at most this many (one
 * more than the parser takes, so that "too large" is still seen), copied
 * to the top of the heap before start. The channel itself stays untouched
 * (no get charged, position and etag unchanged): a raw program that
 * declares its own /dev/nvram gets it as under the original, and the
 * runtime complains about a text it cannot parse only when the program
 * asks it for something (docs/zrt.md, "How a session starts"). */
#define ZRT_NVRAM_PRELOAD_MAX ((1u << 20) + 1)

struct zrt_info {
	uint64_t memory_size; /* bytes of guest memory */
	uint64_t heap_start;  /* the heap the runtime manages: brk, mmap, files */
	uint64_t heap_end;
	uint64_t stack_start; /* the stack runs from here to memory_size */
	uint64_t prog_start;  /* the program's first and last mapped byte + 1 */
	uint64_t prog_end;
	uint64_t nvram_addr;  /* the preloaded nvram text (page aligned, at */
	uint64_t nvram_len;   /* the top of the heap) and its length */
	uint32_t nvram_given; /* 1: preloaded; 0: read the channel, if any */
	uint32_t ncpuid;      /* 0: cpuid is not trapped on this host */
	/* A dynamically linked program: where its PT_INTERP string is in
	 * guest memory (inside a loaded segment) and its length with the
	 * NUL; 0 for a static program. The runtime loads the interpreter
	 * from its own filesystem (zrt/interp.c). */
	uint64_t interp_addr;
	uint64_t interp_len;
	/* 1: this session was resumed from a snapshot (docs/snapshots.md):
	 * guest memory holds the snapshot's bytes, except this struct and the
	 * nvram preload area, which the supervisor rewrote for the new
	 * session exactly as a cold start of its manifest would (the runtime
	 * keeps that area reserved for the whole session); boot jumped to the
	 * fork trap's resume_entry. 0 on a cold start. The runtime sets it
	 * back to 0 once it has read it: this flag is the only byte of guest
	 * memory by which a copy differs from a cold run of its manifest, so
	 * left at 1 it makes the copy's memory etag differ (docs/snapshots.md;
	 * measured with a raw program under the runtime).
	 * The user manifest (struct UserManifest at *GUEST_MANIFEST_PTR, its
	 * channel array and names) is rewritten too, as for raw programs: the
	 * channels are the same (aliases, types, limits, order), so its layout
	 * is the snapshot's and the runtime's pointers into it stay valid, but
	 * sizes are the new session's (the runtime re-reads them at resume).
	 * Protections: guest memory's page protections at the trap are not
	 * the boot regions' for a runtime session: the program and its ld.so
	 * change them after start with mmap/mprotect (the wall lets mprotect
	 * through; Python's libraries are R+X pages inside the heap, RELRO
	 * pages R, PROT_NONE gaps), and the runtime cannot read them back. So
	 * the snapshot records the protections as they are at the trap (from
	 * the kernel: /proc/PID/maps of the sandbox process) and a resume
	 * maps guest memory with them; a heap restored R+W only faults at the
	 * first instruction of a library (found with python3 -c under zvsh).
	 * A resume through include/zvm.h's stub (resume_entry in the
	 * trampoline page: a raw program under the runtime) does not pass
	 * through the runtime: then resumed stays 0 and nprot 0, and the
	 * supervisor took the snapshot only if the protections were the boot
	 * regions'. */
	uint32_t resumed;
	/* A resumed session: how many entries of prot[] the supervisor filled
	 * (see struct zrt_prot). 0 on a cold start. */
	uint32_t nprot;
	struct zrt_cpuid cpuid[ZRT_CPUID_MAX];
	struct zrt_prot prot[ZRT_PROT_MAX];
};

#endif /* __ASSEMBLER__ */
#endif
