/*
 * guest.h - guest memory: one memfd, mapped by the supervisor and, at fixed
 * addresses, by the sandbox.
 *
 * Layout (guest address == memfd offset; docs/memory.md):
 *
 *   0x00000 - 0x0ffff  never mapped in the guest; holds the boot block
 *   0x10000            trap trampoline page (R+X); MANIFEST pointer at 0x10ff8
 *   program            PT_LOAD segments at their link address (static),
 *                      or at GUEST_PIE_BASE (static-PIE)
 *   user manifest      read-only, right after the program
 *   heap               64 KiB aligned, whole 64 KiB chunks (R+W)
 *   gap                64 KiB to 128 KiB, never mapped: the heap never
 *                      runs into the stack (as in the original)
 *   stack              top of memory (R+W), argc/argv/envp/auxv at the top
 *
 * The supervisor fills all of it before the sandbox starts; boot only maps.
 */
#ifndef ZVM_GUEST_H
#define ZVM_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "boot_abi.h"
#include "channel.h"
#include "error.h"

#define GUEST_PIE_BASE 0x400000ull
#define GUEST_MEMORY_MAX (1ull << 40) /* 1 TiB: far below boot's image */
#define GUEST_STACK_MAX (8ull << 20)
#define GUEST_STACK_MIN (64ull << 10)
#define GUEST_JAIL_CHUNK 0x10000ull
#define GUEST_HEAP_GAP 0x10000ull /* at least this much unmapped below the stack */

struct guest {
	int memfd;
	uint8_t *base; /* supervisor's mapping: guest address A is base + A */
	uint64_t size; /* bytes of guest memory (page multiple) */
	uint64_t entry, sp;
	uint64_t prog_end;                /* first page after the program */
	uint64_t runtime_end;             /* first page after the runtime's image (0 with -Z) */
	uint64_t phdr, phnum;             /* for the auxiliary vector */
	uint64_t interp_addr, interp_len; /* PT_INTERP's path in guest memory (0: static) */
	uint64_t heap_start, heap_end, stack_start;
	uint64_t man_end; /* the user manifest's end (it starts at the page after prog_end) */
	struct boot_region region[BOOT_REGIONS_MAX]; /* sorted by address */
	uint32_t nregion;
	uint8_t *jailed; /* one byte per heap chunk: 1 = jailed (R+X) */
	bool runtime_in; /* the memfd holds the runtime's image already (a pool's spare, runtime_spare) */
	/* The program's file-backed ranges (elf.c; docs/memory.md): mapped
	 * from progfd, not copied into the memfd. progfd is open (read-only,
	 * close-on-exec) only while nfmap > 0 and until the sandbox has it. */
	struct boot_fmap fmap[BOOT_FMAP_MAX]; /* sorted by address */
	uint32_t nfmap;
	int progfd;
	int rtfd;                            /* zerovm's own file, when the runtime's code is mapped (runtime.c) */
	uint64_t rt_mapped;                  /* bytes of the runtime's code mapped from it (-v 2) */
	const char *rt_why;                  /* why none was (NULL: mapped, or not tried) */
	uint64_t mapped_bytes, copied_bytes; /* of the program's file parts (-v 2) */
	const char *copy_why;                /* why nothing was mapped (NULL: something was) */
	volatile bool prog_shrank;           /* the file shrank: pages of our view read as zeros */
};

/* Create guest memory of size bytes (Memory key). 12 on failure. */
int guest_create(struct guest *g, uint64_t size, struct zvm_error *err);
/* The same on memfd (taken over; closed on failure), made before the
 * session with the runtime's image in it (runtime_spare): only sized and
 * mapped here. */
int guest_create_from(struct guest *g, int memfd, uint64_t size, struct zvm_error *err);

/* Add a region to the boot map (program segments, etc.). */
/* Copy n bytes to guest address addr with pwrite on the memfd (no page
 * faults through our mapping). 0, or -1 with errno. */
int guest_write(struct guest *g, uint64_t addr, const void *src, size_t n);

int guest_add_region(struct guest *g, uint64_t addr, uint64_t len, uint32_t prot, struct zvm_error *err);

/* After the program is loaded: lay out the user manifest, heap and stack,
 * write the trampoline and the initial stack. argv0 is the program name the
 * guest sees. */
int guest_finish(struct guest *g, const struct channels *cs, const char *argv0, struct zvm_error *err);

/* Write the user manifest for the channels cs at the page after prog_end,
 * with the heap and stack already laid out, and the trampoline page (a
 * resumed session's guest memory gets the new session's, snapshot.h).
 * 0, or -1 when it would not end at man_end. */
int guest_put_manifest(struct guest *g, const struct channels *cs);

/* Write the boot block (regions, entry, stack, flags); the filter must
 * already be at BOOT_FILTER_OFFSET with nfilter instructions. */
void guest_write_boot_block(struct guest *g, uint32_t nfilter, uint32_t flags);

/* May the guest read (write) [addr, addr+len)? Follows the mapped regions
 * and jail state; len 0 is always allowed. */
bool guest_range_ok(const struct guest *g, uint64_t addr, uint64_t len, bool write);

/* jail/unjail rules (docs/traps.md, "jail and unjail"): 0 or -EINVAL. On success the
 * jail map is updated (the mprotect itself is done inside the sandbox). */
int guest_jail(struct guest *g, uint64_t addr, int64_t size, bool jail);

/* Call fn for every page of guest memory from the trampoline up that may
 * hold data (the memfd's data extents, and with files the file-backed
 * ranges), in address order, and that is not all zeros. Stops at fn's
 * first non-zero result and returns it. */
int guest_each_page(const struct guest *g, bool files, int (*fn)(void *ctx, uint64_t addr), void *ctx);

/* Why the file open at fd may not be mapped into guest memory, or NULL
 * when it may: the test-only ZEROVM_TEST_COPY_PROGRAM (HACKING.md) is set,
 * or its file system is mounted noexec (an executable mapping of it would
 * be refused). The program's and the runtime's files ask the same. */
const char *guest_no_map(int fd);

/* Map the file-backed ranges f[0..n) of the program open at fd over our
 * view of guest memory (elf.c's plan, or a snapshot's): g->fmap, g->progfd
 * (fd, taken) and the SIGBUS guard are set. 0, or -1 when a mapping
 * failed (our view is the memfd again, fd is not taken). */
int guest_map_prog(struct guest *g, int fd, const struct boot_fmap *f, uint32_t n);

/* From here on, a read of our view of a file-backed page that the file no
 * longer holds (it shrank) reads zeros and sets g->prog_shrank, instead
 * of killing the supervisor with SIGBUS. */
void guest_guard_prog(struct guest *g);

/* Close the program's file (the sandbox has its own copy of it). */
void guest_close_prog(struct guest *g);

/* SHA-1 of every non-zero page of guest memory, each prefixed by its
 * address: the memory etag. hex gets ETAG_HEX_LEN + 1 bytes. */
int guest_memory_etag(const struct guest *g, char *hex);

#endif
