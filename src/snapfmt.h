/*
 * snapfmt.h - the snapshot file's layout and its metadata codec, shared by
 * snapshot.c (writing) and snapload.c (reading). snapshot.h describes it.
 */
#ifndef ZVM_SNAPFMT_H
#define ZVM_SNAPFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "boot_abi.h"
#include "etag.h"
#include "zrt_abi.h"

#define SNAP_MAGIC "zvmSnap1"
#define SNAP_VERSION 2u   /* 2: the program's file-backed ranges, not their data */
#define SNAP_BUILD_LEN 40 /* hex SHA-1 of the build (snap_build.h) */
#define SNAP_DATA_ALIGN 4096u
#define SNAP_META_MAX (64u << 20)

/* Key options: what else makes guest memory differ. */
#define SNAP_F_RAW 0x1u     /* -Z: no runtime */
#define SNAP_F_CPUID 0x2u   /* -C */
#define SNAP_F_NOVALID 0x4u /* -s */

struct snap_head {
	char magic[8];
	uint32_t version, pad;
	char build[SNAP_BUILD_LEN];
	uint8_t meta_sha[ETAG_DIGEST_LEN]; /* SHA-1 of the metadata */
	uint8_t data_sum[ETAG_DIGEST_LEN]; /* XXH3-128 of the data, then 4 zero bytes */
	uint64_t meta_len;                 /* metadata follows the head */
	uint64_t data_off, data_len;
};

/* A file as the key knows it: cheap to take, and any change of its bytes
 * changes ctime at least (docs/snapshots.md). */
struct snap_ident {
	uint64_t dev, ino, size;
	int64_t mtime_s, mtime_ns, ctime_s, ctime_ns;
};

static inline void snap_ident_of(const struct stat *st, struct snap_ident *id)
{
	id->dev = (uint64_t)st->st_dev;
	id->ino = (uint64_t)st->st_ino;
	id->size = (uint64_t)st->st_size;
	id->mtime_s = (int64_t)st->st_mtim.tv_sec;
	id->mtime_ns = (int64_t)st->st_mtim.tv_nsec;
	id->ctime_s = (int64_t)st->st_ctim.tv_sec;
	id->ctime_ns = (int64_t)st->st_ctim.tv_nsec;
}

struct snap_chan {
	const char *alias; /* points into the metadata */
	uint32_t type;
	int64_t limit[4];
	uint32_t pre; /* 1: read before the fork (the rest below is set) */
	struct snap_ident id;
	int64_t pos;  /* its descriptor's position (sequential reads) */
	uint32_t eof; /* its sequential end was seen */
	uint32_t has_etag;
	uint8_t etag[ETAG_STATE_LEN];
};

struct snap_extent {
	uint64_t off, len;
};

/* Everything the metadata says, in order of encoding. */
struct snap_meta {
	uint64_t memory;
	uint32_t flags; /* SNAP_F_* */
	int32_t vstate;
	struct snap_ident prog;
	const char *prog_path;
	const char *zrt; /* hex SHA-1 of the embedded runtime */
	uint64_t size, prog_end, runtime_end, heap_start, heap_end, stack_start, interp_addr, interp_len;
	uint64_t man_end;
	uint64_t resume_entry, resume_sp;
	uint32_t nregion;
	struct boot_region region[BOOT_REGIONS_MAX];
	/* Guest memory's protections at the trap, as the kernel had them
	 * (zrt_abi.h, struct zrt_prot): what a runtime session's copy gets
	 * back through zrt_info.prot. Sorted, disjoint, page aligned. */
	uint32_t nprot;
	struct zrt_prot *prot;
	uint32_t nchan;
	struct snap_chan *ch;
	uint64_t next;
	struct snap_extent *ext;
	/* The program's file-backed ranges (docs/memory.md): not in the data;
	 * a resume maps them from the program's file, which the key names. */
	uint32_t nfmap;
	struct boot_fmap fmap[BOOT_FMAP_MAX];
};

/* A growing byte buffer for encoding. */
struct snap_buf {
	uint8_t *p;
	size_t len, cap;
	bool oom;
};

void snap_put(struct snap_buf *b, const void *src, size_t n);
void snap_put_u64(struct snap_buf *b, uint64_t v);
void snap_put_str(struct snap_buf *b, const char *s);
void snap_encode(struct snap_buf *b, const struct snap_meta *m);

/* Decode len bytes of metadata into m (strings point into p; ch and ext
 * are malloc'd, freed by snap_meta_free). 0, or -1 with what is wrong. */
int snap_decode(const uint8_t *p, size_t len, struct snap_meta *m, const char **what);
void snap_meta_free(struct snap_meta *m);

/* The checks on a decoded layout that every use depends on (snapload.c):
 * NULL, or what is wrong. */
const char *snap_layout_bad(const struct snap_meta *m, uint64_t data_len);

/* Is a resume entry zvm.h's stub (the trampoline page) rather than the
 * runtime's? Then the runtime takes no part in the resume: zrt_info says
 * nothing of it (resumed 0, no protections) and the boot regions must
 * give the protections the program had. */
static inline bool snap_entry_is_stub(uint64_t entry)
{
	return entry >= GUEST_TRAMPOLINE && entry < GUEST_LOW_END;
}

/* The data's checksum (XXH3, 128 bits; libxxhash's header, inlined): it
 * detects damage, not forgery (whoever can write the file can write any
 * checksum; the supervisor trusts nothing of the data anyway). A tenth of
 * SHA-1's time, which mattered: 6 ms of a 13 MiB Python snapshot's resume. */
struct snap_sum;
struct snap_sum *snap_sum_new(void);
void snap_sum_update(struct snap_sum *s, const void *p, size_t n);
/* Finish into out[ETAG_DIGEST_LEN] and free. */
void snap_sum_finish(struct snap_sum *s, uint8_t out[ETAG_DIGEST_LEN]);

/* Which build made it, and which runtime it embeds (generated). */
extern const char snap_build_id[], snap_zrt_id[];

#endif
