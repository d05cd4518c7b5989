/*
 * runtime.c - put the runtime (ZRT) into guest memory, see runtime.h.
 *
 * The image is ours, built with zrt/zrt.ld: two PT_LOAD segments at fixed
 * addresses, a struct zrt_header at ZRT_BASE. It is still checked, since a
 * broken build must fail loudly rather than start a broken sandbox.
 */
#include "runtime.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"
#include "zrt_abi.h"

extern const unsigned char zvm_zrt_start[], zvm_zrt_end[];

#define PAGE 4096ull
#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((uint64_t)(a)-1))

/* Where the embedded image lies in zerovm's own file: found through our
 * program headers (the PT_LOAD that holds it). */
static int blob_at(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	off_t *off = data;
	uintptr_t a = (uintptr_t)zvm_zrt_start - info->dlpi_addr;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];
		if (p->p_type == PT_LOAD && a >= p->p_vaddr && a - p->p_vaddr < p->p_filesz) {
			*off = (off_t)(p->p_offset + (a - p->p_vaddr));
			return 1;
		}
	}
	return 0;
}

/* The runtime's code (its non-writable segment ph) mapped from zerovm's
 * own file, as elf.c maps the program's (docs/memory.md): its whole pages
 * over our view, shared and read-only, a file-backed range for boot, the
 * descriptor in g->rtfd. Saves allocating, filling and at the end freeing
 * 28 pages of guest memory in every session (docs/performance.md). NULL
 * with *len the bytes mapped, or why nothing was (all is copied then). */
static const char *map_code(struct guest *g, const Elf64_Phdr *ph, uint64_t *len)
{
	*len = ph->p_filesz & ~(PAGE - 1);
	if (!*len || g->nfmap == BOOT_FMAP_MAX)
		return "no room";
	off_t off = -1;
	if (dl_iterate_phdr(blob_at, &off) != 1 || ((uint64_t)(off + (off_t)ph->p_offset) & (PAGE - 1)))
		return "its place in zerovm's file is not page-aligned";
	off += (off_t)ph->p_offset;
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return "zerovm's own file cannot be opened";
	unsigned char head[sizeof(struct zrt_header)];
	const char *why = guest_no_map(fd);
	if (!why && (pread(fd, head, sizeof head, off) != (ssize_t)sizeof head ||
		     memcmp(head, zvm_zrt_start + ph->p_offset, sizeof head)))
		why = "zerovm's file does not hold it where expected";
	if (!why && mmap(g->base + ph->p_vaddr, *len, PROT_READ, MAP_SHARED | MAP_FIXED, fd, off) == MAP_FAILED) {
		/* Our view as it was, the memfd. */
		mmap(g->base + ph->p_vaddr, *len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED | MAP_NORESERVE,
		     g->memfd, (off_t)ph->p_vaddr);
		why = "mmap of zerovm's file failed";
	}
	if (why) {
		close(fd);
		return why;
	}
	uint32_t i = g->nfmap; /* kept in address order */
	while (i > 0 && g->fmap[i - 1].addr > ph->p_vaddr) {
		g->fmap[i] = g->fmap[i - 1];
		i--;
	}
	g->fmap[i] = (struct boot_fmap){.addr = ph->p_vaddr,
					.len = *len,
					.off = (uint64_t)off,
					.prot = PROT_READ | PROT_EXEC,
					.src = BOOT_FMAP_RUNTIME};
	g->nfmap++;
	g->rtfd = fd;
	return NULL;
}

int runtime_load(struct guest *g, bool map, struct zvm_error *err)
{
	size_t size = (size_t)(zvm_zrt_end - zvm_zrt_start);
	Elf64_Ehdr eh;
	if (size < sizeof eh)
		return zvm_fail(err, ZVM_EXIT_NOEXEC, "runtime: the embedded image is broken"), -1;
	memcpy(&eh, zvm_zrt_start, sizeof eh);
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > size)
		return zvm_fail(err, ZVM_EXIT_NOEXEC, "runtime: the embedded image is broken"), -1;
	/* Every program region (after the trampoline) must lie above the
	 * runtime: the user manifest and heap follow the program. */
	uint64_t lo = ~0ull, hi = 0;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, zvm_zrt_start + eh.e_phoff + i * sizeof ph, sizeof ph);
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_offset + ph.p_filesz > size || ph.p_filesz > ph.p_memsz || ph.p_vaddr < ZRT_BASE ||
		    ph.p_vaddr + ph.p_memsz > ZRT_LIMIT || (ph.p_vaddr & (PAGE - 1)))
			return zvm_fail(err, ZVM_EXIT_NOEXEC, "runtime: the embedded image is broken"), -1;
		lo = ph.p_vaddr < lo ? ph.p_vaddr : lo;
		hi = ALIGN_UP(ph.p_vaddr + ph.p_memsz, PAGE) > hi ? ALIGN_UP(ph.p_vaddr + ph.p_memsz, PAGE) : hi;
	}
	for (uint32_t i = 0; i < g->nregion; i++)
		if (g->region[i].addr > GUEST_TRAMPOLINE && g->region[i].addr < hi)
			return zvm_fail(err, ZVM_EXIT_NOEXEC,
					"program: loads at 0x%llx, inside the runtime (0x%llx-0x%llx); link it at "
					"0x400000 or run it raw with -Z",
					(unsigned long long)g->region[i].addr, (unsigned long long)lo,
					(unsigned long long)hi),
			       -1;
	if (hi >= g->size)
		return zvm_fail(err, ZVM_EXIT_NOMEM, "memory: %llu bytes is too small for the runtime",
				(unsigned long long)g->size),
		       -1;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, zvm_zrt_start + eh.e_phoff + i * sizeof ph, sizeof ph);
		if (ph.p_type != PT_LOAD)
			continue;
		/* pwrite, not memcpy through our mapping: the kernel fills the
		 * memfd's pages in one call instead of one page fault each
		 * (about 40 us of a cold start, docs/performance.md). A pool's
		 * spare has them already (runtime_spare). */
		uint32_t prot = ((ph.p_flags & PF_R) ? PROT_READ : 0) | ((ph.p_flags & PF_W) ? PROT_WRITE : 0) |
				((ph.p_flags & PF_X) ? PROT_EXEC : 0);
		uint64_t mapped = 0;
		if (map && !g->runtime_in && prot == (PROT_READ | PROT_EXEC)) {
			g->rt_why = map_code(g, &ph, &mapped);
			if (g->rt_why)
				mapped = 0;
			g->rt_mapped = mapped;
		}
		if (!g->runtime_in &&
		    guest_write(g, ph.p_vaddr + mapped, zvm_zrt_start + ph.p_offset + mapped, ph.p_filesz - mapped) < 0)
			return zvm_fail(err, ZVM_EXIT_NOMEM, "runtime: cannot write guest memory: %s", strerror(errno)),
			       -1;
		if (guest_add_region(g, ph.p_vaddr, ALIGN_UP(ph.p_memsz, PAGE), prot, err) < 0)
			return -1;
	}
	struct zrt_header h;
	memcpy(&h, g->base + ZRT_BASE, sizeof h);
	if (h.magic != ZRT_MAGIC || h.info < lo || h.info + sizeof(struct zrt_info) > hi)
		return zvm_fail(err, ZVM_EXIT_NOEXEC, "runtime: the embedded image is broken"), -1;
	g->runtime_end = hi;
	return 0;
}

int runtime_spare(void)
{
	size_t size = (size_t)(zvm_zrt_end - zvm_zrt_start);
	Elf64_Ehdr eh;
	struct guest g = {.memfd = memfd_create("zerovm-guest", MFD_CLOEXEC)};
	if (g.memfd < 0 || size < sizeof eh)
		goto fail;
	memcpy(&eh, zvm_zrt_start, sizeof eh);
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > size)
		goto fail;
	/* Only the writes: runtime_load checks the image in the session, as
	 * for any other, and a broken one fails there. */
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, zvm_zrt_start + eh.e_phoff + i * sizeof ph, sizeof ph);
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_offset + ph.p_filesz > size || ph.p_vaddr < ZRT_BASE || ph.p_vaddr + ph.p_filesz > ZRT_LIMIT ||
		    guest_write(&g, ph.p_vaddr, zvm_zrt_start + ph.p_offset, ph.p_filesz) < 0)
			goto fail;
	}
	return g.memfd;
fail:
	if (g.memfd >= 0)
		close(g.memfd);
	return -1;
}

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static bool subleaf_indexed(uint32_t leaf)
{
	static const uint32_t idx[] = {4,    7,    0xb,  0xd,  0xf,  0x10, 0x12,       0x14,       0x17,      0x18,
				       0x1b, 0x1d, 0x1e, 0x1f, 0x20, 0x23, 0x8000001d, 0x80000020, 0x80000026};
	for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++)
		if (idx[i] == leaf)
			return true;
	return false;
}

/* The host's CPUID leaves with every APIC id (and AMD's core and node
 * ids) zeroed (zrt_abi.h): whatever CPU records the table, it is the same,
 * and so is the memory etag of a program that keeps what cpuid said. */
static void cpuid_table(struct zrt_info *info)
{
	uint32_t r[4], n = 0;
	static const uint32_t bases[] = {0, 0x80000000u};
	for (int b = 0; b < 2; b++) {
		cpuid(bases[b], 0, r);
		uint32_t max = r[0] < bases[b] || r[0] > bases[b] + 0x40 ? bases[b] : r[0];
		for (uint32_t leaf = bases[b]; leaf <= max; leaf++) {
			bool ix = subleaf_indexed(leaf);
			for (uint32_t sub = 0; sub < (ix ? 8u : 1u) && n < ZRT_CPUID_MAX; sub++) {
				struct zrt_cpuid *c = &info->cpuid[n++];
				cpuid(leaf, sub, r);
				if (leaf == 1)
					r[1] &= 0x00ffffffu; /* initial APIC id */
				if (leaf == 0xb || leaf == 0x1f)
					r[3] = 0;         /* x2APIC id */
				if (leaf == 0x8000001e) { /* AMD topology */
					r[0] = 0;         /* extended APIC id */
					r[1] &= ~0xffu;   /* core (compute unit) id */
					r[2] &= ~0xffu;   /* node id */
				}
				if (leaf == 0x80000026)
					r[3] = 0; /* AMD extended topology: x2APIC id */
				*c = (struct zrt_cpuid){leaf, sub, r[0], r[1], r[2], r[3], ix, 0};
			}
		}
	}
	info->ncpuid = n;
}

/*
 * The runtime's configuration (zrt/zrt_abi.h): when "/dev/nvram" is a
 * readable channel whose first source is a regular file zerovm opened
 * itself, copy its first bytes (no more than get_size allows, and no more
 * than the parser takes plus one) to the top of the heap. It costs the
 * channel nothing: what the program may read of it is unchanged, and the
 * bytes are the ones its first read would get. Other sources (a pipe, a
 * standard stream) cannot be read without consuming them: the runtime then
 * reads the channel itself, as before.
 */
static void preload_nvram(struct guest *g, const struct channels *cs, struct zrt_info *info)
{
	const struct channel *c = NULL;
	for (uint32_t i = 0; i < cs->n && !c; i++)
		if (strcmp(cs->ch[i].mc->alias, "/dev/nvram") == 0)
			c = &cs->ch[i];
	if (!c || !c->readable || c->kind != SOURCE_REGULAR || (c->shared & 1u))
		return;
	struct stat st;
	if (fstat(c->fd[0], &st) < 0)
		return;
	uint64_t want = (uint64_t)st.st_size;
	if (want > (uint64_t)c->mc->limit[LIMIT_GET_SIZE])
		want = (uint64_t)c->mc->limit[LIMIT_GET_SIZE];
	if (want > ZRT_NVRAM_PRELOAD_MAX)
		want = ZRT_NVRAM_PRELOAD_MAX;
	uint64_t heap = g->heap_end - g->heap_start;
	if (ALIGN_UP(want, PAGE) > heap / 2)
		return; /* too little heap: the runtime reads the channel and says so */
	uint64_t at = g->heap_end - ALIGN_UP(want, PAGE);
	uint64_t got = 0;
	while (got < want) {
		ssize_t r = pread(c->fd[0], g->base + at + got, want - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (uint64_t)r;
	}
	if (got < want) { /* a read error: leave it to the runtime's own read */
		memset(g->base + at, 0, want);
		return;
	}
	info->nvram_addr = at;
	info->nvram_len = got;
	info->nvram_given = 1;
}

/* The runtime's header from the embedded image itself: in a resumed
 * session guest memory is the snapshot's, which the guest could write. */
static bool blob_header(struct zrt_header *h)
{
	Elf64_Ehdr eh;
	size_t size = (size_t)(zvm_zrt_end - zvm_zrt_start);
	memcpy(&eh, zvm_zrt_start, sizeof eh);
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, zvm_zrt_start + eh.e_phoff + i * sizeof ph, sizeof ph);
		if (ph.p_type == PT_LOAD && ph.p_vaddr == ZRT_BASE && ph.p_filesz >= sizeof *h &&
		    ph.p_offset + sizeof *h <= size) {
			memcpy(h, zvm_zrt_start + ph.p_offset, sizeof *h);
			return h->magic == ZRT_MAGIC;
		}
	}
	return false;
}

/* A resumed session: the old session's preloaded nvram goes (a cold start
 * of the new manifest has zeros where it was, but for its own). */
static void clear_old_nvram(struct guest *g, uint64_t info_at)
{
	struct zrt_info old;
	memcpy(&old, g->base + info_at, offsetof(struct zrt_info, cpuid));
	if (!old.nvram_given || old.nvram_len == 0)
		return;
	uint64_t a = old.nvram_addr & ~(PAGE - 1);
	uint64_t e = ALIGN_UP(old.nvram_addr + old.nvram_len, PAGE);
	if (a < g->heap_start || e > g->heap_end || e < a)
		return;
	memset(g->base + a, 0, e - a);
}

void runtime_finish(struct guest *g, const struct channels *cs, bool cpuid, bool resumed, const struct zrt_prot *prot,
		    uint32_t nprot)
{
	struct zrt_header h;
	memcpy(&h, g->base + ZRT_BASE, sizeof h);
	if (resumed) {
		if (!blob_header(&h) || h.info < ZRT_BASE || h.info + sizeof(struct zrt_info) > g->size)
			return; /* cannot be: runtime_load() checked the same image */
		clear_old_nvram(g, h.info);
	}
	/* 110 KiB, static: zero padding, no stack bytes. Only the part up to
	 * the tables is cleared: cpuid_table() writes each entry it counts
	 * whole and only those are copied out, and clearing all of it cost
	 * every session 27 fresh pages of its own (~30 us). */
	static struct zrt_info info;
	memset(&info, 0, offsetof(struct zrt_info, cpuid));
	info.memory_size = g->size;
	info.heap_start = g->heap_start;
	info.heap_end = g->heap_end;
	info.stack_start = g->stack_start;
	info.prog_start = g->runtime_end;
	info.prog_end = g->prog_end;
	info.interp_addr = g->interp_addr;
	info.interp_len = g->interp_len;
	info.resumed = resumed && prot; /* not for a resume through zvm.h's stub */
	preload_nvram(g, cs, &info);
	if (cpuid)
		cpuid_table(&info);
	/* Only what is set: the rest of the table is zero in guest memory
	 * already, and copying zeros would only allocate its pages. */
	if (resumed && prot && nprot <= ZRT_PROT_MAX) {
		info.nprot = nprot;
		memcpy(g->base + h.info + offsetof(struct zrt_info, prot), prot, nprot * sizeof *prot);
	}
	memcpy(g->base + h.info, &info, offsetof(struct zrt_info, cpuid) + info.ncpuid * sizeof info.cpuid[0]);
	struct boot_block *b = (struct boot_block *)g->base;
	if (!resumed)
		b->entry = h.entry;
	b->flags |= BOOT_F_RUNTIME | (cpuid ? BOOT_F_CPUID_FAULT : 0);
	b->rt_sigsys = h.sigsys;
	b->rt_sigsegv = h.sigsegv;
	b->rt_restorer = h.restorer;
	b->rt_altstack = BOOT_ALTSTACK_ADDR;
	b->rt_altstack_size = h.altstack_size;
}

int runtime_ready_block(int memfd)
{
	struct zrt_header h;
	if (!blob_header(&h))
		return errno = ENOEXEC, -1;
	/* The same values runtime_finish() writes for a session without -C:
	 * boot checks that the session's block has them. */
	struct boot_block b;
	memset(&b, 0, sizeof b);
	b.magic = BOOT_MAGIC;
	b.nfilter = (uint32_t)policy_length(true);
	b.flags = BOOT_F_TSC_SIGSEGV | BOOT_F_RUNTIME;
	b.rt_sigsys = h.sigsys;
	b.rt_sigsegv = h.sigsegv;
	b.rt_restorer = h.restorer;
	b.rt_altstack = BOOT_ALTSTACK_ADDR;
	b.rt_altstack_size = h.altstack_size;
	size_t fl = b.nfilter * 8u;
	if (pwrite(memfd, policy_program(true), fl, BOOT_FILTER_OFFSET) != (ssize_t)fl ||
	    pwrite(memfd, &b, sizeof b, 0) != (ssize_t)sizeof b)
		return -1;
	return 0;
}
