/*
 * elf.c - ELF checks and loading into guest memory, see elf.h.
 *
 * The file is untrusted: every header field is bounds-checked before use,
 * sizes are checked for overflow. The whole pages of read-only segments
 * are mapped from the file (plan_fmaps); the rest of each segment's bytes
 * is copied into the memfd by the kernel (no intermediate copy, so a
 * program of hundreds of MiB costs one pass).
 */
#include "elf.h"
#include "fsize.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE 4096ull

static int bad(struct zvm_error *err, const char *path, const char *what)
{
	zvm_fail(err, ZVM_EXIT_NOEXEC, "program %s: %s", path, what);
	return -1;
}

static int read_at(int fd, void *buf, size_t n, off_t off)
{
	size_t done = 0;
	while (done < n) {
		ssize_t r = pread(fd, (char *)buf + done, n - done, off + (off_t)done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -ENODATA;
		done += (size_t)r;
	}
	return 0;
}

/* n bytes of the file at off into guest memory at addr. sendfile() into
 * the memfd, not pread() into our mapping of it: the kernel then fills the
 * memfd's pages in one call (no page fault per page, no zeroing of pages it
 * overwrites whole), which for a 2 MB busybox took the load from ~1.2 ms
 * to ~0.3 ms (docs/performance.md). Whatever sendfile() refuses is read
 * with pread() as before, which also names the error. */
static int load_at(struct guest *g, uint64_t addr, int fd, size_t n, off_t off)
{
	struct fsize_lift lift; /* guest memory is not an output (fsize.h) */
	fsize_lift(&lift, addr + n);
	int r = 0;
	size_t done = 0;
	if (lseek(g->memfd, (off_t)addr, SEEK_SET) < 0)
		r = -errno;
	while (r == 0 && done < n) {
		off_t o = off + (off_t)done;
		ssize_t w = sendfile(g->memfd, fd, &o, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			r = -errno;
		else if (w == 0)
			r = -ENODATA;
		else
			done += (size_t)w;
	}
	fsize_restore(&lift);
	if (r < 0 && r != -ENODATA) /* the rest as before; pread says the error */
		r = read_at(fd, g->base + addr + done, n - done, off + (off_t)done);
	return r;
}

/* r from read_at(): say which error, or that the file ended early. */
static void read_error(struct zvm_error *err, const char *path, int r, const char *when)
{
	zvm_fail(err, ZVM_EXIT_IO, "program %s: read error%s: %s", path, when,
		 r == -ENODATA ? "the file ends before its headers say" : strerror(-r));
}

static uint32_t prot_of(uint32_t flags)
{
	return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
}

/* Page-granular regions of the PT_LOAD segments. Segments that share a page
 * share one region with the union of their permissions. */
static int add_segments(struct guest *g, const Elf64_Phdr *ph, unsigned n, uint64_t base, bool validate,
			const char *path, struct zvm_error *err)
{
	uint64_t last_end = 0; /* page end of the previous segment */
	uint32_t last_prot = 0;
	for (unsigned i = 0; i < n; i++) {
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		uint64_t start = (base + ph[i].p_vaddr) & ~(PAGE - 1);
		uint64_t end = (base + ph[i].p_vaddr + ph[i].p_memsz + PAGE - 1) & ~(PAGE - 1);
		uint32_t prot = prot_of(ph[i].p_flags);
		if (start < last_end - (last_end ? PAGE : 0))
			return bad(err, path, "segments overlap or are not in address order");
		if (start < last_end) { /* shares the previous segment's last page */
			uint32_t both = prot | last_prot;
			if (validate && (both & PROT_WRITE) && (both & PROT_EXEC))
				return bad(
					err, path,
					"validation failed: segments share a page that would be writable and executable");
			g->region[g->nregion - 1].len -= PAGE;
			if (g->region[g->nregion - 1].len == 0)
				g->nregion--;
			if (guest_add_region(g, start, PAGE, both, err) < 0)
				return -1;
			start += PAGE;
		}
		if (start < end && guest_add_region(g, start, end - start, prot, err) < 0)
			return -1;
		last_end = end;
		last_prot = prot;
	}
	return 0;
}

/* The file-backed ranges (docs/memory.md, "The program's read-only
 * pages"): in each non-writable segment, the whole pages inside its file
 * part that share no page with another segment. Each is mapped over our
 * view of guest memory, read-only and shared, from the file opened
 * read-only; the sandbox maps the same (boot_abi.h). Nothing is planned,
 * and copy_why says why, when the file cannot be mapped so. */
static void plan_fmaps(struct guest *g, const Elf64_Phdr *ph, unsigned n, uint64_t base, int fd)
{
	if ((g->copy_why = guest_no_map(fd)))
		return;
	int prev = -1;
	for (unsigned i = 0; i < n; i++) {
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		int next = -1;
		for (unsigned j = i + 1; j < n && next < 0; j++)
			if (ph[j].p_type == PT_LOAD && ph[j].p_memsz)
				next = (int)j;
		const Elf64_Phdr *p = &ph[i];
		uint64_t lo = base + p->p_vaddr;
		uint64_t a = (lo + PAGE - 1) & ~(PAGE - 1), e = (lo + p->p_filesz) & ~(PAGE - 1);
		if (prev >= 0) {
			uint64_t pe = (base + ph[prev].p_vaddr + ph[prev].p_memsz + PAGE - 1) & ~(PAGE - 1);
			a = a > pe ? a : pe;
		}
		if (next >= 0) {
			uint64_t ns = (base + ph[next].p_vaddr) & ~(PAGE - 1);
			e = e < ns ? e : ns;
		}
		prev = (int)i;
		if ((p->p_flags & PF_W) || a >= e || g->nfmap == BOOT_FMAP_MAX)
			continue;
		g->fmap[g->nfmap++] = (struct boot_fmap){
			.addr = a, .len = e - a, .off = p->p_offset + (a - lo), .prot = prot_of(p->p_flags)};
	}
	if (!g->nfmap) {
		g->copy_why = "no whole read-only page";
		return;
	}
	struct boot_fmap plan[BOOT_FMAP_MAX];
	uint32_t nf = g->nfmap;
	memcpy(plan, g->fmap, nf * sizeof plan[0]);
	g->nfmap = 0;
	if (guest_map_prog(g, fd, plan, nf) < 0)
		g->copy_why = "mmap of the file failed";
}

/* The file part of segment p, but its file-backed ranges, into the memfd. */
static int load_segment(struct guest *g, const Elf64_Phdr *p, uint64_t base, int fd)
{
	uint64_t lo = base + p->p_vaddr, end = lo + p->p_filesz, cur = lo;
	for (uint32_t i = 0; i <= g->nfmap; i++) {
		uint64_t stop = end, skip = 0;
		if (i < g->nfmap) {
			if (g->fmap[i].addr < lo || g->fmap[i].addr >= end)
				continue;
			stop = g->fmap[i].addr, skip = g->fmap[i].len;
			g->mapped_bytes += skip;
		}
		if (stop > cur) {
			int r = load_at(g, cur, fd, stop - cur, (off_t)(p->p_offset + (cur - lo)));
			if (r < 0)
				return r;
			g->copied_bytes += stop - cur;
		}
		cur = stop + skip;
	}
	return 0;
}

int elf_load(struct guest *g, const char *path, bool validate, bool runtime, bool map, enum validation_state *state,
	     struct zvm_error *err)
{
	int rc = -1;
	*state = VALIDATION_NOT_RUN;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		zvm_fail(err, errno == ENOENT ? ZVM_EXIT_NOENT : ZVM_EXIT_IO, "program %s: cannot open: %s", path,
			 strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		zvm_fail(err, ZVM_EXIT_IO, "program %s: not a regular file", path);
		goto out;
	}
	uint64_t fsize = (uint64_t)st.st_size;

	Elf64_Ehdr eh;
	if (fsize < sizeof eh) {
		bad(err, path, "truncated ELF header");
		goto out;
	}
	int r = read_at(fd, &eh, sizeof eh, 0);
	if (r < 0) {
		read_error(err, path, r, "");
		goto out;
	}
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
		bad(err, path, "not an ELF file (bad magic)");
		goto out;
	}
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_ident[EI_VERSION] != EV_CURRENT || eh.e_machine != EM_X86_64) {
		bad(err, path, "not a 64-bit little-endian x86-64 ELF");
		goto out;
	}
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
		bad(err, path, "not an executable (ELF type is neither EXEC nor DYN)");
		goto out;
	}
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum > ELF_PHNUM_MAX ||
	    eh.e_phoff > fsize || (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > fsize - eh.e_phoff) {
		bad(err, path, "bad or truncated program header table");
		goto out;
	}
	Elf64_Phdr ph[ELF_PHNUM_MAX];
	r = read_at(fd, ph, eh.e_phnum * sizeof ph[0], (off_t)eh.e_phoff);
	if (r < 0) {
		read_error(err, path, r, "");
		goto out;
	}

	/* Loading checks: these always run. */
	uint64_t base = eh.e_type == ET_DYN ? GUEST_PIE_BASE : 0;
	bool interp = false, dynamic = false, any = false;
	uint64_t phdr_addr = 0;
	const Elf64_Phdr *interp_ph = NULL;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];
		if (p->p_type == PT_INTERP) {
			interp = true;
			interp_ph = p;
		}
		if (p->p_type == PT_DYNAMIC)
			dynamic = true;
		if (p->p_type != PT_LOAD)
			continue;
		any = true;
		uint64_t lo = base + p->p_vaddr, hi = lo + p->p_memsz;
		if (p->p_filesz > p->p_memsz || p->p_offset > fsize || p->p_filesz > fsize - p->p_offset) {
			bad(err, path, "truncated or malformed segment");
			goto out;
		}
		if (p->p_vaddr > GUEST_MEMORY_MAX || p->p_memsz > GUEST_MEMORY_MAX || lo < GUEST_LOW_END ||
		    hi > g->size - GUEST_STACK_MIN) {
			bad(err, path,
			    "a segment does not fit in guest memory (raise Memory, or check the link address)");
			goto out;
		}
		if ((p->p_vaddr - p->p_offset) % PAGE) {
			bad(err, path, "segment offset and address disagree modulo the page size");
			goto out;
		}
		if (eh.e_phoff >= p->p_offset && eh.e_phoff - p->p_offset < p->p_filesz)
			phdr_addr = lo + (eh.e_phoff - p->p_offset);
		if (hi > g->prog_end)
			g->prog_end = hi;
	}
	if (!any) {
		bad(err, path, "no loadable segment");
		goto out;
	}
	/* The runtime reads the interpreter's path where the program's
	 * segments put it: it must be in the file part of one of them. */
	if (interp && runtime) {
		const Elf64_Phdr *q = interp_ph;
		for (unsigned i = 0; i < eh.e_phnum && !g->interp_addr; i++) {
			const Elf64_Phdr *p = &ph[i];
			if (p->p_type == PT_LOAD && q->p_offset >= p->p_offset && q->p_filesz >= 2 &&
			    q->p_filesz <= ELF_INTERP_MAX && q->p_offset - p->p_offset <= p->p_filesz &&
			    q->p_filesz <= p->p_filesz - (q->p_offset - p->p_offset))
				g->interp_addr = base + p->p_vaddr + (q->p_offset - p->p_offset);
		}
		if (!g->interp_addr) {
			bad(err, path, "the interpreter's path (PT_INTERP) is not inside a loaded segment");
			goto out;
		}
		g->interp_len = q->p_filesz;
	}

	if (validate) {
		*state = VALIDATION_FAILED;
		const char *why = NULL;
		bool entry_ok = false;
		for (unsigned i = 0; i < eh.e_phnum; i++) {
			const Elf64_Phdr *p = &ph[i];
			if (p->p_type != PT_LOAD)
				continue;
			if ((p->p_flags & PF_W) && (p->p_flags & PF_X))
				why = "a segment is both writable and executable";
			if ((p->p_flags & PF_X) && eh.e_entry >= p->p_vaddr && eh.e_entry - p->p_vaddr < p->p_memsz)
				entry_ok = true;
		}
		if (interp && !runtime)
			why = "dynamically linked: its interpreter is loaded by the runtime, so it cannot run raw (-Z)";
		else if (!interp && dynamic && eh.e_type == ET_EXEC)
			why = "dynamically linked without an interpreter";
		else if (!entry_ok)
			why = "entry point is not inside an executable segment";
		if (why) {
			zvm_fail(err, ZVM_EXIT_NOEXEC, "program %s: validation failed: %s", path, why);
			goto out;
		}
	}
	/* Also the last validation check: segments sharing a page. */
	if (add_segments(g, ph, eh.e_phnum, base, validate, path, err) < 0)
		goto out;
	if (validate)
		*state = VALIDATION_PASSED;
	if (map)
		plan_fmaps(g, ph, eh.e_phnum, base, fd);
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];
		if (p->p_type != PT_LOAD || !p->p_filesz)
			continue;
		r = load_segment(g, p, base, fd);
		if (r < 0) {
			read_error(err, path, r, " while loading");
			goto out;
		}
	}
	g->entry = base + eh.e_entry;
	g->phdr = phdr_addr;
	g->phnum = eh.e_phnum;
	rc = 0;
out:
	if (fd != g->progfd)
		close(fd);
	return rc;
}
