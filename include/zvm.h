/*
 * zvm.h - the ZeroVM guest API: the trap interface seen from inside.
 *
 * Names and semantics follow the original ZeroVM api/zvm.h (manifest version
 * 20130611) so that ZeroVM-era programs compile unchanged. The layout is the
 * x86-64 one of this implementation: pointers are 64-bit, and the pointer to
 * the user manifest lives at ZVM_MANIFEST_PTR instead of 0xFEFFFFFC.
 *
 * Every call returns -errno on failure (see docs/traps.md):
 *   zvm_pread / zvm_pwrite  bytes moved, 0 at end of input, -EDQUOT when a
 *                           quota is used up, -EINVAL bad handle or buffer
 *   zvm_jail / zvm_unjail   0; addr must be 64 KiB aligned inside the heap
 *   zvm_exit                never returns
 *   zvm_fork                0; -1 in a copy resumed from a snapshot
 */
#ifndef ZVM_API_H__
#define ZVM_API_H__

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Trap ids: ASCII tags read little-endian ("Read", "Writ", ...). */
enum TrapCalls {
	TrapRead = 0x64616552,
	TrapWrite = 0x74697257,
	TrapJail = 0x6c69614a,
	TrapUnjail = 0x6c6a6e55,
	TrapExit = 0x74697845,
	TrapFork = 0x6b726f46,
};

/* Channel access: bit 0 random read, bit 1 random write. */
enum ChannelType {
	SGetSPut = 0, /* sequential read, sequential write */
	RGetSPut = 1, /* random read, sequential write */
	SGetRPut = 2, /* sequential read, random write */
	RGetRPut = 3, /* random read, random write */
};

enum ChannelLimits {
	GetsLimit,    /* number of reads */
	GetSizeLimit, /* bytes read */
	PutsLimit,    /* number of writes */
	PutSizeLimit, /* bytes written */
	LimitsNumber,
};

struct ZVMChannel {
	int64_t limits[LimitsNumber];
	int64_t size; /* bytes for random-read channels, 0 for sequential */
	enum ChannelType type;
	char *name; /* the alias, e.g. "/dev/stdin" */
};

struct UserManifest {
	void *heap_ptr;     /* first byte of the heap, 64 KiB aligned */
	uint32_t heap_size; /* bytes (saturates at 4 GiB - 64 KiB) */
	uint32_t stack_size;
	int32_t channels_count;
	struct ZVMChannel *channels; /* handle i is channels[i] */
};

/* Fixed guest addresses of this implementation. */
#define ZVM_TRAMPOLINE 0x10000UL   /* int32_t trap(uint64_t *args) */
#define ZVM_MANIFEST_PTR 0x10ff8UL /* holds the struct UserManifest pointer */

#define TRAP ((int32_t(*)(uint64_t *))ZVM_TRAMPOLINE)
#define MANIFEST ((const struct UserManifest *)*((const uintptr_t *)ZVM_MANIFEST_PTR))

static inline int32_t zvm_pread(int desc, void *buffer, int32_t size, int64_t offset)
{
	uint64_t a[] = {TrapRead, 0, (uint64_t)desc, (uintptr_t)buffer, (uint64_t)(int64_t)size, (uint64_t)offset};
	return TRAP(a);
}

static inline int32_t zvm_pwrite(int desc, const void *buffer, int32_t size, int64_t offset)
{
	uint64_t a[] = {TrapWrite, 0, (uint64_t)desc, (uintptr_t)buffer, (uint64_t)(int64_t)size, (uint64_t)offset};
	return TRAP(a);
}

static inline int32_t zvm_jail(const void *buffer, int32_t size)
{
	uint64_t a[] = {TrapJail, 0, (uintptr_t)buffer, (uint64_t)(int64_t)size};
	return TRAP(a);
}

static inline int32_t zvm_unjail(const void *buffer, int32_t size)
{
	uint64_t a[] = {TrapUnjail, 0, (uintptr_t)buffer, (uint64_t)(int64_t)size};
	return TRAP(a);
}

__attribute__((noreturn)) static inline void zvm_exit(int32_t code)
{
	uint64_t a[] = {TrapExit, 0, (uint64_t)(int64_t)code};
	TRAP(a);
	__builtin_unreachable();
}

/* The fork trap through the resumable stub in the trampoline page
 * (docs/traps.md, "fork"): 0 in the session that made it, -1 in a copy
 * resumed from a snapshot of it (--resume, a daemon's request), as the
 * original daemon's copies got. */
#define ZVM_FORK_ENTRY 0x10100UL
static inline int32_t zvm_fork(void)
{
	return ((int32_t(*)(void))ZVM_FORK_ENTRY)();
}

#ifdef __cplusplus
}
#endif
#endif
