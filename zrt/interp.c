/*
 * interp.c - loading a dynamically linked program's interpreter (ld.so).
 *
 * The supervisor loads the program and, for one with PT_INTERP, tells the
 * runtime where the interpreter's path lies in guest memory (zrt_info).
 * The interpreter itself comes from the runtime's own filesystem: a mounted
 * image usually, as zvsh packs a host program's ld.so and libraries, or a
 * file the program's images hold. It is loaded as Linux's binfmt_elf loads
 * it: an ET_DYN object placed at the first 64 KiB boundary after the
 * program (the bottom of the heap, which then starts above it), its
 * segments read from the file once each, the gaps between them and the
 * bss zero, each segment given its own protection; AT_BASE in the
 * auxiliary vector says where it is, and the program starts at its entry
 * point. It is checked as the supervisor checks a program (untrusted/
 * elfdyn.c): no segment both writable and executable, which the wall would
 * refuse to map anyway, and an entry point in an executable segment.
 * Everything the interpreter loads after that (the libraries) it maps
 * itself with mmap (fs/fmap.c).
 */
#include <asm/unistd.h>
#include <linux/mman.h>

#include "elfdyn.h" /* untrusted/ */
#include "fs/fs.h"
#include "interp.h"
#include "mem.h"
#include "user.h"
#include "zrt.h"

#define INTERP_ALIGN 0x10000ull

static int64_t read_ino(void *ctx, void *buf, size_t len, uint64_t off)
{
	uint64_t adv;
	return file_read(ctx, buf, len, off, &adv);
}

static int prot_of(uint32_t f)
{
	return (f & 4 ? PROT_READ : 0) | (f & 2 ? PROT_WRITE : 0) | (f & 1 ? PROT_EXEC : 0);
}

static int load(struct inode *n, const char *path, struct interp *out, char *err, size_t errlen)
{
	struct elfdyn e;
	const char *why;
	if (elfdyn_parse(read_ino, n, n->size, &e, &why) < 0 || elfdyn_check_exec(&e, &why) < 0)
		return zrt_fmt(err, errlen, "interpreter %s: %s", path, why), -1;
	if (e.type != 3)
		return zrt_fmt(err, errlen, "interpreter %s: not position-independent (ET_DYN)", path), -1;
	uint64_t at = ALIGN_UP(zrt_info.heap_start, INTERP_ALIGN);
	uint64_t span = e.hi - e.lo, top = ALIGN_UP(at + span, INTERP_ALIGN);
	if (span > zrt_info.heap_end - at || top >= zrt_info.heap_end || mem_set_floor(top) < 0)
		return zrt_fmt(err, errlen, "interpreter %s: does not fit in the heap (raise Memory)", path), -1;
	uint64_t bias = at - e.lo;
	for (unsigned i = 0; i < e.nseg; i++) {
		const struct elfdyn_seg *s = &e.seg[i];
		if (s->filesz && read_ino(n, (void *)(bias + s->vaddr), s->filesz, s->offset) != (int64_t)s->filesz)
			return zrt_fmt(err, errlen, "interpreter %s: read error", path), -1;
	}
	/* Gaps between segments are inaccessible, each segment gets its own
	 * protection; a page two segments share, the union of theirs. */
	zrt_syscall6(__NR_mprotect, (long)at, (long)span, PROT_NONE, 0, 0, 0);
	uint64_t last_end = 0;
	int last_prot = 0;
	for (unsigned i = 0; i < e.nseg; i++) {
		const struct elfdyn_seg *s = &e.seg[i];
		uint64_t a = ALIGN_DOWN(bias + s->vaddr, PAGE), b = ALIGN_UP(bias + s->vaddr + s->memsz, PAGE);
		int prot = prot_of(s->flags);
		if (a < last_end) {
			int both = prot | last_prot;
			if ((both & PROT_WRITE) && (both & PROT_EXEC))
				return zrt_fmt(err, errlen,
					       "interpreter %s: segments share a page that would be writable and "
					       "executable",
					       path),
				       -1;
			zrt_syscall6(__NR_mprotect, (long)a, (long)PAGE, both, 0, 0, 0);
			a += PAGE;
		}
		if (a < b && zrt_syscall6(__NR_mprotect, (long)a, (long)(b - a), prot, 0, 0, 0) < 0)
			return zrt_fmt(err, errlen, "interpreter %s: cannot protect a segment", path), -1;
		last_end = b;
		last_prot = prot;
	}
	out->base = bias;
	out->entry = bias + e.entry;
	return 0;
}

int interp_load(struct interp *out, char *err, size_t errlen)
{
	out->base = out->entry = 0;
	uint64_t addr = zrt_info.interp_addr, len = zrt_info.interp_len;
	if (!addr)
		return 0;
	const char *path = (const char *)addr;
	if (len < 2 || len > PATH_MAX || !user_ok(addr, len) || path[len - 1] != '\0' || strlen(path) != len - 1)
		return zrt_fmt(err, errlen, "the program's interpreter path (PT_INTERP) is malformed"), -1;
	struct inode *n;
	long r = path_at(AT_FDCWD, path, 0, &n);
	if (r == -ENOENT || r == -ENOTDIR)
		return zrt_fmt(err, errlen,
			       "%s: the program's interpreter is not in the sandbox (mount an image that holds it and "
			       "its libraries; zvsh does this for a host program)",
			       path),
		       -1;
	if (r < 0)
		return zrt_fmt(err, errlen, "%s: the program's interpreter cannot be opened (errno %ld)", path, -r), -1;
	if (!S_ISREG(n->mode))
		return zrt_fmt(err, errlen, "%s: the program's interpreter is not a regular file", path), -1;
	if (!(n->mode & 0111))
		return zrt_fmt(err, errlen, "%s: the program's interpreter is not executable", path), -1;
	return load(n, path, out, err, errlen);
}
