/*
 * boot_abi.h - the contract between the supervisor (src/) and boot (boot/).
 * It lives in abi/ with the other contracts between trust domains.
 *
 * The supervisor prepares everything in the guest-memory memfd before it
 * starts the sandbox: program segments, user manifest, initial stack, the
 * trap trampoline and, in the first 64 KiB (which the guest never sees), a
 * boot block telling boot what to map and which seccomp filter to install.
 * Boot is exec'd with these descriptors:
 *
 *   fd 0    (BOOT_MEMFD_FD)  the guest-memory memfd
 *   fd 1021 (BOOT_RT_FD)     zerovm's own executable, opened O_RDONLY, only
 *                            when the boot block maps the runtime's code
 *                            from it (an fmap of src BOOT_FMAP_RUNTIME)
 *   fd 1022 (BOOT_PROG_FD)   the program's file, opened O_RDONLY, only when
 *                            the boot block maps parts of it (nfmap > 0)
 *   fd 1023 (BOOT_SYNC_FD)   a socket to the supervisor (high, so that the
 *                            runtime's descriptors never share its number)
 *
 * and nothing else (fd 2 holds boot's own file, close-on-exec). Boot maps
 * the regions, then the file-backed ranges over them, closes fd 0,
 * BOOT_RT_FD and BOOT_PROG_FD, installs the filter with a new notification
 * listener (which lands on fd 0, the lowest free descriptor), then closes
 * BOOT_SYNC_FD. The supervisor sees end-of-file on its end of the socket
 * and copies the listener out with pidfd_getfd(). If boot fails before
 * sealing it writes one struct boot_error to BOOT_SYNC_FD and exits.
 *
 * argv[1], when present, is BOOT_ARG_NODUMP: make the sandbox
 * non-dumpable before sealing (the supervisor's child decides, since only
 * it knows whether the supervisor can still reach a non-dumpable process).
 *
 * Guest address == memfd offset for every guest mapping, so the supervisor
 * reaches guest address A at (its mapping base + A).
 */
#ifndef ZVM_BOOT_ABI_H
#define ZVM_BOOT_ABI_H

#include <stdint.h>

#include "trap_abi.h" /* the trampoline, the trap's system call, the lowest guest address */

#define BOOT_MEMFD_FD 0
#define BOOT_SYNC_FD 1023
#define BOOT_PROG_FD 1022
#define BOOT_RT_FD 1021
#define BOOT_LISTENER_FD 0       /* where the seccomp listener lands in boot */
#define BOOT_ARG_NODUMP "nodump" /* argv[1]: make the sandbox non-dumpable */
#define BOOT_ARG_DUMP "dump"     /* argv[1]: leave it dumpable */
/* argv[2]: a ready sandbox (the server's pool), sealed before its session
 * is known (docs/performance.md, "The ready sandbox pool"). Boot starts
 * without guest memory and receives it first: one byte with one descriptor
 * (SCM_RIGHTS) on BOOT_SYNC_FD, which lands at BOOT_MEMFD_FD; end-of-file
 * instead means the supervisor gave up, and boot exits. The block it then
 * reads is the ready block: magic, filter, BOOT_F_RUNTIME | BOOT_F_TSC_SIGSEGV
 * and the runtime's handlers, no regions. Boot maps guest memory whole,
 * [BOOT_BLOCK_SIZE, BOOT_READY_END) of the memfd, PROT_NONE, and the
 * memfd's first page read-only and private at BOOT_READY_VIEW; seals as
 * usual (the supervisor takes the listener at end-of-file); and waits in
 * the trap {BOOT_TRAP_READY}, which the supervisor answers with
 * BOOT_READY_GO once the session's block, guest memory and limits are in
 * place. Boot then reads the session's block through the view, makes each
 * region R, R+W or R+X with mprotect, makes the trap {BOOT_TRAP_STARTED}
 * if BOOT_F_START_TRAP asks (-v 2 times the program's start by it), and
 * jumps. A block it cannot follow, or any other answer: boot makes a
 * system call the filter kills the process for (an x32 number). */
#define BOOT_ARG_READY "ready"
#define BOOT_READY_END (1ull << 40)      /* == GUEST_MEMORY_MAX (src/guest.h) */
#define BOOT_READY_VIEW 0x28000000000ull /* above what the filter's mprotect rule reaches (2^41) */
#define BOOT_TRAP_READY 0x79646552u      /* "Redy" (args[0]) */
#define BOOT_TRAP_STARTED 0x74727453u    /* "Strt" */
#define BOOT_READY_GO 0x6f47l            /* "Go": the answer that lets boot on */
#define BOOT_KILL_SYSCALL 0x40000000l    /* x32 bit: the filter kills the process */

#define BOOT_MAGIC 0x31746f6f426d767aULL /* "zvmBoot1" */
#define BOOT_BLOCK_SIZE 0x10000u         /* the unmapped bottom 64 KiB */
#define BOOT_FILTER_OFFSET 0x1000u       /* sock_filter array in the block */
#define BOOT_FILTER_MAX ((BOOT_BLOCK_SIZE - BOOT_FILTER_OFFSET) / 8u)
#define BOOT_REGIONS_MAX 32u
#define BOOT_FMAP_MAX 8u

/* The runtime's signal stack: private anonymous memory that boot maps
 * outside guest memory (above 2^41, where the mprotect rule of the filter
 * cannot reach). The kernel writes FPU state into signal frames, and which
 * parts it writes depends on scheduling, so inside guest memory it would
 * make the memory etag vary from run to run. */
#define BOOT_ALTSTACK_ADDR 0x30000000000ull

/* Boot flags. */
#define BOOT_F_TSC_SIGSEGV 0x1u /* trap rdtsc with PR_SET_TSC */
#define BOOT_F_RUNTIME 0x2u     /* install the runtime's handlers (rt_* below) */
#define BOOT_F_CPUID_FAULT 0x4u /* make cpuid fault (ARCH_SET_CPUID), if the CPU can */
/* A resumed session (docs/snapshots.md): entry and sp are the fork trap's
 * resume_entry and resume_sp; guest memory already holds the snapshot's
 * bytes. Boot seals exactly as for a cold start (same filter, same
 * handlers with BOOT_F_RUNTIME) and jumps to entry with rsp = sp; the
 * supervisor checked that both lie inside mapped guest memory (entry in
 * an executable region, sp in a writable one). */
#define BOOT_F_RESUME 0x10u
/* A ready sandbox's session (BOOT_ARG_READY): the trap {BOOT_TRAP_STARTED}
 * right before the jump, so that -v 2 can time the program's start. */
#define BOOT_F_START_TRAP 0x20u

struct boot_region {
	uint64_t addr; /* guest address == memfd offset, page aligned */
	uint64_t len;  /* page multiple */
	uint32_t prot; /* PROT_* */
	uint32_t pad;
};

/* A file-backed range (docs/memory.md, "The program's read-only pages"):
 * whole pages of a non-writable segment of the program, mapped MAP_SHARED
 * from BOOT_PROG_FD (opened read-only, so no mprotect can make them
 * writable) over the memfd region that holds them, with that region's
 * protection; or (src BOOT_FMAP_RUNTIME) the whole pages of the runtime's
 * code, from zerovm's own file, BOOT_RT_FD. The memfd holds nothing (a
 * hole) at these offsets; the supervisor maps the same file range over
 * its own view. */
#define BOOT_FMAP_PROGRAM 0u
#define BOOT_FMAP_RUNTIME 1u
struct boot_fmap {
	uint64_t addr; /* guest address, page aligned, inside one region */
	uint64_t len;  /* page multiple */
	uint64_t off;  /* offset in the file, page aligned */
	uint32_t prot; /* the region's PROT_* (never PROT_WRITE) */
	uint32_t src;  /* BOOT_FMAP_PROGRAM or BOOT_FMAP_RUNTIME */
};

struct boot_block {
	uint64_t magic;
	uint64_t entry; /* guest entry point */
	uint64_t sp;    /* initial stack pointer (argc at *sp) */
	uint32_t nregions;
	uint32_t nfilter; /* sock_filter instructions at BOOT_FILTER_OFFSET */
	uint32_t flags;   /* BOOT_F_* */
	uint32_t pad;
	struct boot_region region[BOOT_REGIONS_MAX];
	/* BOOT_F_RUNTIME: the runtime's SIGSYS handler (and SIGSEGV handler,
	 * for rdtsc, with BOOT_F_TSC_SIGSEGV) on its own signal stack; entry
	 * is then the runtime's entry point (abi/zrt_abi.h). */
	uint64_t rt_sigsys, rt_sigsegv, rt_restorer, rt_altstack, rt_altstack_size;
	/* File-backed ranges, mapped from BOOT_PROG_FD after the regions. */
	uint32_t nfmap, pad2;
	struct boot_fmap fmap[BOOT_FMAP_MAX];
};

/* What boot writes to BOOT_SYNC_FD when it cannot seal. The pre-exec child
 * in the supervisor uses the same message. */
enum boot_stage {
	BOOT_STAGE_CHILD = 1, /* supervisor's child before exec */
	BOOT_STAGE_BLOCK,     /* reading the boot block */
	BOOT_STAGE_MAP,       /* mapping guest memory */
	BOOT_STAGE_PRCTL,     /* no_new_privs, tsc, death signal */
	BOOT_STAGE_FILTER,    /* installing the seccomp filter */
	BOOT_STAGE_EXEC,      /* exec of boot itself */
};

struct boot_error {
	uint32_t stage; /* enum boot_stage */
	int32_t err;    /* positive errno */
	char what[56];  /* short NUL-terminated detail */
};

#endif
