/*
 * elfdyn.h - reading the headers of a dynamically linked ELF object.
 *
 * Used in two places (untrusted/README.md): inside the sandbox, by the
 * runtime, to load a program's interpreter (ld.so) from its filesystem
 * (zrt/interp.c); and on the host, by zvsh, to find the interpreter and the
 * libraries a host program needs (tools/zvsh/deps.c). The object is
 * untrusted in both: every field is checked against the file's size before
 * it is used, every sum for overflow, and all reading goes through the
 * caller's read function, at most a few KiB at a time into the caller's
 * structures. Nothing of libc but libc.h.
 */
#ifndef UNTRUSTED_ELFDYN_H
#define UNTRUSTED_ELFDYN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELFDYN_SEG_MAX 16     /* PT_LOAD segments kept */
#define ELFDYN_PHNUM_MAX 64   /* program headers read */
#define ELFDYN_NEEDED_MAX 128 /* DT_NEEDED entries kept */
#define ELFDYN_STR_MAX 4096   /* a string of the dynamic section, with its NUL */

/* Reads len bytes at off into buf; returns the bytes read (short only at the
 * end of the file), or a negative errno. */
typedef int64_t (*elfdyn_read_fn)(void *ctx, void *buf, size_t len, uint64_t off);

struct elfdyn_seg {
	uint64_t vaddr, memsz, offset, filesz;
	uint32_t flags; /* PF_R 4, PF_W 2, PF_X 1 */
};

struct elfdyn {
	uint16_t type; /* 2 ET_EXEC, 3 ET_DYN */
	uint64_t entry;
	unsigned nseg;
	struct elfdyn_seg seg[ELFDYN_SEG_MAX]; /* in address order, not overlapping */
	uint64_t lo, hi;                       /* page-rounded span of the segments */
	bool has_interp;                       /* a PT_INTERP (at most one) */
	uint64_t interp_off, interp_len;       /* PT_INTERP in the file */
	uint64_t dyn_off, dyn_len;             /* PT_DYNAMIC in the file; len 0: none */
	uint64_t phdr_vaddr;                   /* where the program headers are loaded, 0: not */
	uint16_t phnum;
};

/* What the dynamic section says: offsets into the string table. */
struct elfdyn_deps {
	uint64_t strtab, strsz; /* the string table, as a file offset */
	unsigned nneeded;
	uint64_t needed[ELFDYN_NEEDED_MAX];
	bool has_runpath, has_rpath;
	uint64_t runpath, rpath;
};

/*
 * Read and check the ELF header and the program headers of an object of
 * fsize bytes: a 64-bit little-endian x86-64 ET_EXEC or ET_DYN with at least
 * one PT_LOAD, every segment inside the file, page-congruent, in address
 * order, not overlapping and ending below 2^46 (the most guest memory
 * holds); at most one PT_INTERP, which like PT_DYNAMIC lies inside the file.
 * Returns 0, or -1 with *why saying what is wrong (a static string).
 */
int elfdyn_parse(elfdyn_read_fn rd, void *ctx, uint64_t fsize, struct elfdyn *e, const char **why);

/* What a loader must refuse before running the object (what the supervisor's
 * validation refuses in a program): a segment writable and executable, an
 * entry point outside every executable segment. 0, or -1 with *why. */
int elfdyn_check_exec(const struct elfdyn *e, const char **why);

/* The interpreter's path (PT_INTERP) into buf (len bytes, NUL-terminated):
 * 0, 1 when there is no PT_INTERP, -1 with *why when it is malformed (empty,
 * not one NUL-terminated string) or longer than len. */
int elfdyn_interp(elfdyn_read_fn rd, void *ctx, const struct elfdyn *e, char *buf, size_t len, const char **why);

/* The dynamic section's DT_NEEDED, DT_RUNPATH and DT_RPATH: 0 (nneeded 0
 * when there is no dynamic section), -1 with *why. */
int elfdyn_deps(elfdyn_read_fn rd, void *ctx, uint64_t fsize, const struct elfdyn *e, struct elfdyn_deps *d,
		const char **why);

/* The string at offset off of the dynamic string table into buf (len
 * bytes): 0, or -1 with *why (outside the table, not terminated in len). */
int elfdyn_string(elfdyn_read_fn rd, void *ctx, const struct elfdyn_deps *d, uint64_t off, char *buf, size_t len,
		  const char **why);

#endif
