/*
 * fuzz_elfdyn: libFuzzer target for the dynamic ELF reader
 * (untrusted/elfdyn.c), which reads untrusted objects in two places: zvsh on
 * the host (a program's libraries) and the runtime (the interpreter).
 *
 * The input is an object file. Every function of elfdyn.h runs on it as its
 * callers run them (parse, check, the interpreter's path, the dynamic
 * section, each of its strings), without crashing or overrunning (built
 * with ASan and UBSan), and keeps the promises of elfdyn.h; a broken promise
 * abort()s:
 *   - reads: only inside the file;
 *   - parse: at least one and at most ELFDYN_SEG_MAX segments, each with
 *     its file part inside the file and no larger than its memory part,
 *     page-congruent, in address order and not overlapping, all within
 *     [lo, hi), page-aligned, below 2^46; PT_INTERP and PT_DYNAMIC inside
 *     the file;
 *   - the interpreter's path: NUL-terminated, exactly interp_len bytes;
 *   - the dynamic section: at most ELFDYN_NEEDED_MAX names; a string table
 *     inside the file when there is any name;
 *   - a string: NUL-terminated within the caller's buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elfdyn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct file {
	const uint8_t *p;
	size_t n;
};

static int64_t rd(void *ctx, void *buf, size_t len, uint64_t off)
{
	const struct file *f = ctx;
	if (off > f->n || len > f->n - off)
		abort(); /* a read outside the file: a check missing */
	memcpy(buf, f->p + off, len);
	return (int64_t)len;
}

static void check_parse(const struct elfdyn *e, uint64_t size)
{
	const uint64_t page = 4096, top = 1ull << 46;
	if (e->nseg == 0 || e->nseg > ELFDYN_SEG_MAX || e->lo % page || e->hi % page || e->lo >= e->hi || e->hi > top)
		abort();
	uint64_t last = 0;
	for (unsigned i = 0; i < e->nseg; i++) {
		const struct elfdyn_seg *s = &e->seg[i];
		if (s->filesz > s->memsz || s->offset > size || s->filesz > size - s->offset)
			abort();
		if ((s->vaddr - s->offset) % page || s->vaddr < e->lo || s->memsz > e->hi - s->vaddr)
			abort();
		if (i && s->vaddr / page * page < last)
			abort();
		last = (s->vaddr + s->memsz + page - 1) / page * page;
	}
	if (e->interp_off > size || e->interp_len > size - e->interp_off)
		abort();
	if (e->dyn_off > size || e->dyn_len > size - e->dyn_off)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct file f = {data, size};
	struct elfdyn e;
	const char *why = NULL;
	if (elfdyn_parse(rd, &f, size, &e, &why) < 0) {
		if (!why)
			abort();
		return 0;
	}
	check_parse(&e, size);
	(void)elfdyn_check_exec(&e, &why);

	char path[4096];
	int r = elfdyn_interp(rd, &f, &e, path, sizeof path, &why);
	if (r == 0 && (e.interp_len == 0 || strnlen(path, sizeof path) != e.interp_len - 1))
		abort();
	if (r == 1 && e.has_interp)
		abort();

	struct elfdyn_deps d;
	if (elfdyn_deps(rd, &f, size, &e, &d, &why) < 0)
		return 0;
	if (d.nneeded > ELFDYN_NEEDED_MAX)
		abort();
	if ((d.nneeded || d.has_runpath || d.has_rpath) && (d.strtab > size || d.strsz > size - d.strtab))
		abort();
	char s[256];
	for (unsigned i = 0; i <= d.nneeded; i++) {
		uint64_t off = i < d.nneeded ? d.needed[i] : d.has_runpath ? d.runpath : d.rpath;
		if (i == d.nneeded && !d.has_runpath && !d.has_rpath)
			break;
		if (elfdyn_string(rd, &f, &d, off, s, sizeof s, &why) == 0 && strnlen(s, sizeof s) == sizeof s)
			abort();
	}
	return 0;
}
