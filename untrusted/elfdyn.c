/*
 * elfdyn.c - reading the headers of a dynamically linked ELF object, see
 * elfdyn.h. The layouts are the System V x86-64 ABI's (the same as
 * Elf64_Ehdr, Elf64_Phdr and Elf64_Dyn of <elf.h>, which the runtime,
 * having no C library, cannot include).
 */
#include "elfdyn.h"

#include "libc.h"

#define PAGE 4096u

struct ehdr {
	unsigned char ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct dyn {
	int64_t tag;
	uint64_t val;
};

enum { PT_LOAD_ = 1, PT_DYNAMIC_ = 2, PT_INTERP_ = 3, PT_PHDR_ = 6 };
enum { DT_NULL_ = 0, DT_NEEDED_ = 1, DT_STRTAB_ = 5, DT_STRSZ_ = 10, DT_RPATH_ = 15, DT_RUNPATH_ = 29 };
enum { PF_X_ = 1, PF_W_ = 2 };

static int fail(const char **why, const char *what)
{
	*why = what;
	return -1;
}

static int read_all(elfdyn_read_fn rd, void *ctx, void *buf, size_t len, uint64_t off)
{
	int64_t r = rd(ctx, buf, len, off);
	return r == (int64_t)len ? 0 : -1;
}

int elfdyn_parse(elfdyn_read_fn rd, void *ctx, uint64_t fsize, struct elfdyn *e, const char **why)
{
	memset(e, 0, sizeof *e);
	struct ehdr h;
	if (fsize < sizeof h || read_all(rd, ctx, &h, sizeof h, 0) < 0)
		return fail(why, "truncated ELF header");
	if (memcmp(h.ident, "\177ELF", 4) != 0)
		return fail(why, "not an ELF file (bad magic)");
	if (h.ident[4] != 2 || h.ident[5] != 1 || h.ident[6] != 1 || h.machine != 62)
		return fail(why, "not a 64-bit little-endian x86-64 ELF");
	if (h.type != 2 && h.type != 3)
		return fail(why, "not an executable or shared object");
	if (h.phentsize != sizeof(struct phdr) || h.phnum == 0 || h.phnum > ELFDYN_PHNUM_MAX || h.phoff > fsize ||
	    (uint64_t)h.phnum * sizeof(struct phdr) > fsize - h.phoff)
		return fail(why, "bad or truncated program header table");
	struct phdr ph[ELFDYN_PHNUM_MAX];
	if (read_all(rd, ctx, ph, h.phnum * sizeof ph[0], h.phoff) < 0)
		return fail(why, "bad or truncated program header table");
	e->type = h.type;
	e->entry = h.entry;
	e->phnum = h.phnum;
	uint64_t last_end = 0;
	for (unsigned i = 0; i < h.phnum; i++) {
		const struct phdr *p = &ph[i];
		if (p->type == PT_INTERP_ || p->type == PT_DYNAMIC_) {
			if (p->offset > fsize || p->filesz > fsize - p->offset)
				return fail(why, "truncated or malformed segment");
			if (p->type == PT_INTERP_ && e->has_interp)
				return fail(why, "more than one interpreter (PT_INTERP)");
			if (p->type == PT_INTERP_)
				e->has_interp = true, e->interp_off = p->offset, e->interp_len = p->filesz;
			else
				e->dyn_off = p->offset, e->dyn_len = p->filesz;
		}
		if (p->type == PT_PHDR_)
			e->phdr_vaddr = p->vaddr;
		if (p->type != PT_LOAD_ || p->memsz == 0)
			continue;
		if (e->nseg == ELFDYN_SEG_MAX)
			return fail(why, "too many loadable segments");
		if (p->filesz > p->memsz || p->offset > fsize || p->filesz > fsize - p->offset)
			return fail(why, "truncated or malformed segment");
		if (p->vaddr >= (1ull << 46) || p->memsz > (1ull << 46) - p->vaddr)
			return fail(why, "a segment does not fit in guest memory");
		if ((p->vaddr - p->offset) % PAGE)
			return fail(why, "segment offset and address disagree modulo the page size");
		uint64_t start = p->vaddr & ~(uint64_t)(PAGE - 1);
		uint64_t end = (p->vaddr + p->memsz + PAGE - 1) & ~(uint64_t)(PAGE - 1);
		if (e->nseg && start < last_end)
			return fail(why, "segments overlap or are not in address order");
		e->seg[e->nseg++] = (struct elfdyn_seg){p->vaddr, p->memsz, p->offset, p->filesz, p->flags};
		if (e->nseg == 1)
			e->lo = start;
		last_end = end;
	}
	if (!e->nseg)
		return fail(why, "no loadable segment");
	e->hi = last_end;
	return 0;
}

int elfdyn_check_exec(const struct elfdyn *e, const char **why)
{
	bool entry_ok = false;
	for (unsigned i = 0; i < e->nseg; i++) {
		const struct elfdyn_seg *s = &e->seg[i];
		if ((s->flags & PF_W_) && (s->flags & PF_X_))
			return fail(why, "a segment is both writable and executable");
		if ((s->flags & PF_X_) && e->entry >= s->vaddr && e->entry - s->vaddr < s->memsz)
			entry_ok = true;
	}
	return entry_ok ? 0 : fail(why, "entry point is not inside an executable segment");
}

int elfdyn_interp(elfdyn_read_fn rd, void *ctx, const struct elfdyn *e, char *buf, size_t len, const char **why)
{
	if (!e->has_interp)
		return 1;
	if (e->interp_len > len || e->interp_len < 2)
		return fail(why, "the interpreter's path is empty or too long");
	if (read_all(rd, ctx, buf, (size_t)e->interp_len, e->interp_off) < 0)
		return fail(why, "the interpreter's path cannot be read");
	if (buf[e->interp_len - 1] != '\0' || strlen(buf) != e->interp_len - 1)
		return fail(why, "the interpreter's path is not one string");
	return 0;
}

/* The file offset of the virtual address v, through the segment holding it
 * in its file part. */
static int file_offset(const struct elfdyn *e, uint64_t v, uint64_t *off, uint64_t *avail)
{
	for (unsigned i = 0; i < e->nseg; i++) {
		const struct elfdyn_seg *s = &e->seg[i];
		if (v >= s->vaddr && v - s->vaddr < s->filesz) {
			*off = s->offset + (v - s->vaddr);
			*avail = s->filesz - (v - s->vaddr);
			return 0;
		}
	}
	return -1;
}

int elfdyn_deps(elfdyn_read_fn rd, void *ctx, uint64_t fsize, const struct elfdyn *e, struct elfdyn_deps *d,
		const char **why)
{
	memset(d, 0, sizeof *d);
	(void)fsize;
	if (!e->dyn_len)
		return 0;
	struct dyn buf[64];
	bool have_strtab = false, have_strsz = false;
	uint64_t strtab_v = 0;
	for (uint64_t at = 0; at + sizeof buf[0] <= e->dyn_len;) {
		uint64_t n = (e->dyn_len - at) / sizeof buf[0];
		if (n > 64)
			n = 64;
		if (read_all(rd, ctx, buf, (size_t)n * sizeof buf[0], e->dyn_off + at) < 0)
			return fail(why, "the dynamic section cannot be read");
		for (uint64_t i = 0; i < n; i++) {
			const struct dyn *x = &buf[i];
			if (x->tag == DT_NULL_)
				goto done;
			if (x->tag == DT_NEEDED_) {
				if (d->nneeded == ELFDYN_NEEDED_MAX)
					return fail(why, "too many needed libraries");
				d->needed[d->nneeded++] = x->val;
			} else if (x->tag == DT_STRTAB_) {
				strtab_v = x->val, have_strtab = true;
			} else if (x->tag == DT_STRSZ_) {
				d->strsz = x->val, have_strsz = true;
			} else if (x->tag == DT_RUNPATH_) {
				d->runpath = x->val, d->has_runpath = true;
			} else if (x->tag == DT_RPATH_) {
				d->rpath = x->val, d->has_rpath = true;
			}
		}
		at += n * sizeof buf[0];
	}
done:
	if (!d->nneeded && !d->has_runpath && !d->has_rpath)
		return 0;
	if (!have_strtab || !have_strsz)
		return fail(why, "the dynamic section has no string table");
	uint64_t avail;
	if (file_offset(e, strtab_v, &d->strtab, &avail) < 0 || d->strsz > avail)
		return fail(why, "the dynamic string table is outside the file");
	return 0;
}

int elfdyn_string(elfdyn_read_fn rd, void *ctx, const struct elfdyn_deps *d, uint64_t off, char *buf, size_t len,
		  const char **why)
{
	if (off >= d->strsz || len < 2)
		return fail(why, "a dynamic string is outside the string table");
	uint64_t n = d->strsz - off;
	if (n > len)
		n = len;
	int64_t r = rd(ctx, buf, (size_t)n, d->strtab + off);
	if (r != (int64_t)n)
		return fail(why, "a dynamic string cannot be read");
	for (uint64_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			return 0;
	return fail(why, "a dynamic string is not terminated");
}
