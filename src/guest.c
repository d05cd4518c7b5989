/*
 * guest.c - guest memory layout and contents, see guest.h.
 */
#include "guest.h"

#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "zvm.h"
#include "fsize.h"

extern const unsigned char zvm_trampoline_start[], zvm_trampoline_end[];

#define PAGE 4096ull
#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))

int guest_create(struct guest *g, uint64_t size, struct zvm_error *err)
{
	return guest_create_from(g, -1, size, err);
}

int guest_create_from(struct guest *g, int memfd, uint64_t size, struct zvm_error *err)
{
	memset(g, 0, sizeof *g);
	g->memfd = -1;
	g->progfd = -1;
	g->rtfd = -1;
	size = ALIGN_DOWN(size, PAGE);
	if (size > GUEST_MEMORY_MAX || size < GUEST_LOW_END + 4 * GUEST_STACK_MIN) {
		if (memfd >= 0)
			close(memfd);
		if (size > GUEST_MEMORY_MAX)
			return zvm_fail(err, ZVM_EXIT_NOMEM, "memory: %llu bytes is more than the supported %llu",
					(unsigned long long)size, (unsigned long long)GUEST_MEMORY_MAX),
			       -1;
		return zvm_fail(err, ZVM_EXIT_NOMEM, "memory: %llu bytes is too small for any program",
				(unsigned long long)size),
		       -1;
	}
	g->size = size;
	g->runtime_in = memfd >= 0;
	g->memfd = memfd >= 0 ? memfd : memfd_create("zerovm-guest", MFD_CLOEXEC);
	if (g->memfd < 0)
		return zvm_fail(err, ZVM_EXIT_NOMEM, "memory: cannot create guest memory: %s", strerror(errno)), -1;
	struct fsize_lift lift;
	fsize_lift(&lift, size);
	int r = ftruncate(g->memfd, (off_t)size);
	fsize_restore(&lift);
	if (r < 0) {
		int e = errno;
		close(g->memfd);
		g->memfd = -1;
		return zvm_fail(err, ZVM_EXIT_NOMEM, "memory: cannot create %llu bytes of guest memory: %s%s",
				(unsigned long long)size, strerror(e),
				e == EFBIG ? " (the file size limit, ulimit -f, is lower and cannot be raised)" : ""),
		       -1;
	}
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, g->memfd, 0);
	if (p == MAP_FAILED) {
		int e = errno;
		close(g->memfd);
		g->memfd = -1;
		return zvm_fail(err, ZVM_EXIT_NOMEM, "memory: cannot map guest memory: %s", strerror(e)), -1;
	}
	g->base = p;
	return guest_add_region(g, GUEST_TRAMPOLINE, PAGE, PROT_READ | PROT_EXEC, err);
}

int guest_add_region(struct guest *g, uint64_t addr, uint64_t len, uint32_t prot, struct zvm_error *err)
{
	if (g->nregion == BOOT_REGIONS_MAX)
		return zvm_fail(err, ZVM_EXIT_NOEXEC, "program: too many memory regions"), -1;
	uint32_t i = g->nregion;
	while (i > 0 && g->region[i - 1].addr > addr) {
		g->region[i] = g->region[i - 1];
		i--;
	}
	g->region[i] = (struct boot_region){.addr = addr, .len = len, .prot = prot};
	g->nregion++;
	return 0;
}

int guest_write(struct guest *g, uint64_t addr, const void *src, size_t n)
{
	/* Guest memory is ours, not an output: the host's file size limit
	 * (ulimit -f) must not cut it (fsize.h). */
	struct fsize_lift lift;
	fsize_lift(&lift, addr + n);
	const char *p = src;
	int r = 0;
	while (n) {
		ssize_t w = pwrite(g->memfd, p, n, (off_t)addr);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			r = -1;
			break;
		}
		p += w, addr += (uint64_t)w, n -= (size_t)w;
	}
	int e = errno;
	fsize_restore(&lift);
	errno = e;
	return r;
}

static void put(struct guest *g, uint64_t addr, const void *src, size_t n)
{
	memcpy(g->base + addr, src, n);
}

/* Push n bytes below *sp (aligned to align) and return the new address. */
static uint64_t push(struct guest *g, uint64_t *sp, const void *src, size_t n, uint64_t align)
{
	*sp = ALIGN_DOWN(*sp - n, align);
	put(g, *sp, src, n);
	return *sp;
}

static int write_user_manifest(struct guest *g, const struct channels *cs, uint64_t at, uint64_t *end)
{
	uint64_t man = at;
	uint64_t chans = ALIGN_UP(man + sizeof(struct UserManifest), 16);
	uint64_t names = chans + (uint64_t)cs->n * sizeof(struct ZVMChannel);
	uint64_t p = names;
	for (uint32_t i = 0; i < cs->n; i++) {
		const struct channel *c = &cs->ch[i];
		size_t len = strlen(c->mc->alias) + 1;
		if (p + len > g->size)
			return -1;
		struct ZVMChannel zc;
		memset(&zc, 0, sizeof zc);
		for (int k = 0; k < LimitsNumber; k++)
			zc.limits[k] = c->mc->limit[k];
		zc.size = c->size;
		zc.type = (enum ChannelType)c->mc->type;
		zc.name = (char *)(uintptr_t)p;
		put(g, p, c->mc->alias, len);
		put(g, chans + (uint64_t)i * sizeof zc, &zc, sizeof zc);
		p += len;
	}
	*end = p;
	return 0;
}

int guest_finish(struct guest *g, const struct channels *cs, const char *argv0, struct zvm_error *err)
{
	/* Stack: an eighth of memory, 64 KiB to 8 MiB. */
	uint64_t stack = ALIGN_DOWN(g->size / 8, GUEST_JAIL_CHUNK);
	stack = stack < GUEST_STACK_MIN ? GUEST_STACK_MIN : stack > GUEST_STACK_MAX ? GUEST_STACK_MAX : stack;
	g->stack_start = g->size - stack;

	uint64_t man = ALIGN_UP(g->prog_end, PAGE), man_end;
	if (man >= g->stack_start || write_user_manifest(g, cs, man, &man_end) < 0 ||
	    ALIGN_UP(man_end, GUEST_JAIL_CHUNK) >= g->stack_start)
		return zvm_fail(err, ZVM_EXIT_NOMEM,
				"memory: %llu bytes leave no heap after the program and its %u channels",
				(unsigned long long)g->size, cs->n),
		       -1;
	/* An unmapped gap of at least one 64 KiB chunk separates the heap
	 * from the stack, as in the original: a buffer that touches the byte
	 * after the heap is refused, a stack that overflows faults, and the
	 * heap is whole jail chunks. */
	g->heap_start = ALIGN_UP(man_end, GUEST_JAIL_CHUNK);
	g->heap_end =
		g->stack_start > GUEST_HEAP_GAP ? ALIGN_DOWN(g->stack_start - GUEST_HEAP_GAP, GUEST_JAIL_CHUNK) : 0;
	if (g->heap_end <= g->heap_start)
		return zvm_fail(err, ZVM_EXIT_NOMEM,
				"memory: %llu bytes leave no heap after the program and its %u channels",
				(unsigned long long)g->size, cs->n),
		       -1;
	uint64_t heap = g->heap_end - g->heap_start;
	g->jailed = calloc(heap / GUEST_JAIL_CHUNK + 1, 1);
	if (!g->jailed)
		return zvm_fail(err, ZVM_EXIT_NOMEM, "memory: out of memory"), -1;

	g->man_end = man_end;
	guest_put_manifest(g, cs);

	if (guest_add_region(g, man, ALIGN_UP(man_end, PAGE) - man, PROT_READ, err) < 0 ||
	    guest_add_region(g, ALIGN_UP(man_end, PAGE), g->heap_end - ALIGN_UP(man_end, PAGE), PROT_READ | PROT_WRITE,
			     err) < 0 ||
	    guest_add_region(g, g->stack_start, stack, PROT_READ | PROT_WRITE, err) < 0)
		return -1;

	/* Initial stack (System V ABI): strings and AT_RANDOM bytes at the
	 * top, then auxv, envp, argv, argc. Everything is fixed: no ASLR, no
	 * entropy, so the same manifest gives the same bytes every run. */
	uint64_t sp = g->size;
	static const char platform[] = "x86_64";
	static const unsigned char random16[16] = "zerovm-at-random";
	uint64_t a_name = push(g, &sp, argv0, strlen(argv0) + 1, 1);
	uint64_t a_plat = push(g, &sp, platform, sizeof platform, 1);
	uint64_t a_rand = push(g, &sp, random16, sizeof random16, 16);
	const uint64_t aux[] = {
		AT_PHDR,     g->phdr,  AT_PHENT,  sizeof(Elf64_Phdr),
		AT_PHNUM,    g->phnum, AT_PAGESZ, PAGE,
		AT_BASE,     0,        AT_FLAGS,  0,
		AT_ENTRY,    g->entry, AT_UID,    1000,
		AT_EUID,     1000,     AT_GID,    1000,
		AT_EGID,     1000,     AT_SECURE, 0,
		AT_RANDOM,   a_rand,   AT_EXECFN, a_name,
		AT_PLATFORM, a_plat,   AT_HWCAP,  0,
		AT_CLKTCK,   100,      AT_NULL,   0,
	};
	const uint64_t vec[] = {1, a_name, 0, 0}; /* argc, argv[0], NULL, envp NULL */
	/* argc at rsp, and rsp 8 bytes off 16, as right after a call: ZeroVM
	 * programs write _start in C, and the compiler aligns its stack
	 * (movaps) expecting a return address below a 16-byte boundary. C
	 * libraries' own _start aligns the stack itself either way. */
	sp = ALIGN_DOWN(sp - sizeof aux - sizeof vec - 8, 16) + 8;
	put(g, sp, vec, sizeof vec);
	put(g, sp + sizeof vec, aux, sizeof aux);
	g->sp = sp;
	return 0;
}

int guest_put_manifest(struct guest *g, const struct channels *cs)
{
	uint64_t man = ALIGN_UP(g->prog_end, PAGE), end;
	uint64_t stack = g->size - g->stack_start, heap = g->heap_end - g->heap_start;
	if (write_user_manifest(g, cs, man, &end) < 0 || end != g->man_end)
		return -1;
	/* memset, not an initializer: the padding must be zero too, or bytes of
	 * our stack would reach the guest (and break determinism). */
	struct UserManifest um;
	memset(&um, 0, sizeof um);
	um.heap_ptr = (void *)(uintptr_t)g->heap_start;
	um.heap_size = heap > 0xffff0000ull ? 0xffff0000u : (uint32_t)heap;
	um.stack_size = (uint32_t)stack;
	um.channels_count = (int32_t)cs->n;
	um.channels = (struct ZVMChannel *)(uintptr_t)ALIGN_UP(man + sizeof um, 16);
	put(g, man, &um, sizeof um);
	uint64_t man_ptr = man;
	put(g, GUEST_MANIFEST_PTR, &man_ptr, sizeof man_ptr);
	size_t tlen = (size_t)(zvm_trampoline_end - zvm_trampoline_start);
	put(g, GUEST_TRAMPOLINE, zvm_trampoline_start, tlen);
	return 0;
}

void guest_write_boot_block(struct guest *g, uint32_t nfilter, uint32_t flags)
{
	struct boot_block *b = (struct boot_block *)g->base;
	memset(b, 0, sizeof *b);
	b->magic = BOOT_MAGIC;
	b->entry = g->entry;
	b->sp = g->sp;
	b->nfilter = nfilter;
	b->flags = flags;
	/* Adjacent regions of the same protection as one: boot maps (or, in
	 * a ready sandbox, mprotects) each region with one call, and a heap
	 * followed by the stack, or two read-only segments, need only one. */
	uint32_t n = 0;
	for (uint32_t i = 0; i < g->nregion; i++) {
		const struct boot_region *r = &g->region[i];
		struct boot_region *last = n ? &b->region[n - 1] : NULL;
		if (last && last->prot == r->prot && last->addr + last->len == r->addr)
			last->len += r->len;
		else
			b->region[n++] = *r;
	}
	b->nregions = n;
	b->nfmap = g->nfmap;
	memcpy(b->fmap, g->fmap, g->nfmap * sizeof g->fmap[0]);
}

/* The program's file shrinking under a session (docs/memory.md): our
 * reads of its mapped pages past the new end raise SIGBUS. A zero page
 * takes the place of such a page in our view, and the read goes on. */
static struct guest *guarded;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	struct guest *g = guarded;
	uint8_t *a = si->si_addr;
	if (g && a >= g->base && a < g->base + g->size) {
		uint64_t off = (uint64_t)(a - g->base);
		for (uint32_t i = 0; i < g->nfmap; i++) {
			if (off < g->fmap[i].addr || off - g->fmap[i].addr >= g->fmap[i].len)
				continue;
			void *page = g->base + ALIGN_DOWN(off, PAGE);
			if (mmap(page, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
				g->prog_shrank = true;
				return;
			}
		}
	}
	signal(sig, SIG_DFL); /* not ours: the fault comes again, and kills */
}

void guest_guard_prog(struct guest *g)
{
	guarded = g;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

const char *guest_no_map(int fd)
{
	const char *force = getenv("ZEROVM_TEST_COPY_PROGRAM");
	if (force && *force)
		return "ZEROVM_TEST_COPY_PROGRAM is set";
	struct statvfs vf;
	if (fstatvfs(fd, &vf) == 0 && (vf.f_flag & ST_NOEXEC))
		return "its file system is mounted noexec";
	return NULL;
}

int guest_map_prog(struct guest *g, int fd, const struct boot_fmap *f, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (mmap(g->base + f[i].addr, f[i].len, PROT_READ, MAP_SHARED | MAP_FIXED, fd, (off_t)f[i].off) !=
		    MAP_FAILED)
			continue;
		/* Our view as it was (the memfd) for those done already. */
		for (uint32_t j = 0; j < i; j++)
			mmap(g->base + f[j].addr, f[j].len, PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_FIXED | MAP_NORESERVE, g->memfd, (off_t)f[j].addr);
		return -1;
	}
	memcpy(g->fmap, f, n * sizeof f[0]);
	g->nfmap = n;
	g->progfd = fd;
	guest_guard_prog(g);
	return 0;
}

void guest_close_prog(struct guest *g)
{
	if (g->progfd >= 0)
		close(g->progfd);
	g->progfd = -1;
	if (g->rtfd >= 0)
		close(g->rtfd);
	g->rtfd = -1;
}

bool guest_range_ok(const struct guest *g, uint64_t addr, uint64_t len, bool write)
{
	if (len == 0)
		return true;
	if (addr + len < addr || addr + len > g->size)
		return false;
	uint64_t end = addr + len;
	for (uint32_t i = 0; i < g->nregion && addr < end; i++) {
		const struct boot_region *r = &g->region[i];
		if (addr < r->addr)
			return false; /* a hole */
		if (addr >= r->addr + r->len)
			continue;
		if (!(r->prot & (write ? PROT_WRITE : PROT_READ)))
			return false;
		uint64_t stop = end < r->addr + r->len ? end : r->addr + r->len;
		if (write && addr < g->heap_end && stop > g->heap_start) {
			uint64_t a = addr > g->heap_start ? addr : g->heap_start;
			uint64_t e = stop < g->heap_end ? stop : g->heap_end;
			for (uint64_t c = (a - g->heap_start) / GUEST_JAIL_CHUNK;
			     c <= (e - 1 - g->heap_start) / GUEST_JAIL_CHUNK; c++)
				if (g->jailed[c])
					return false;
		}
		addr = stop;
	}
	return addr >= end;
}

int guest_jail(struct guest *g, uint64_t addr, int64_t size, bool jail)
{
	if (size <= 0 || addr % GUEST_JAIL_CHUNK || addr < g->heap_start || addr >= g->heap_end ||
	    (uint64_t)size > g->heap_end - addr)
		return -EINVAL;
	uint64_t first = (addr - g->heap_start) / GUEST_JAIL_CHUNK;
	uint64_t last = (addr + (uint64_t)size - 1 - g->heap_start) / GUEST_JAIL_CHUNK;
	for (uint64_t c = first; c <= last; c++)
		g->jailed[c] = jail;
	return 0;
}

static bool page_is_zero(const uint8_t *p)
{
	const uint64_t *q = (const uint64_t *)p;
	for (size_t i = 0; i < PAGE / 8; i++)
		if (q[i])
			return false;
	return true;
}

/* The pages of [a, e) that are not all zeros. */
static int each_in(const struct guest *g, uint64_t a, uint64_t e, int (*fn)(void *, uint64_t), void *ctx)
{
	for (; a < e; a += PAGE) {
		if (page_is_zero(g->base + a))
			continue;
		int r = fn(ctx, a);
		if (r)
			return r;
	}
	return 0;
}

/* The memfd's data extents within [off, end): only pages the memfd really
 * holds can be non-zero, so its holes are never read (nor faulted in). */
static int each_memfd(const struct guest *g, uint64_t off, uint64_t end, int (*fn)(void *, uint64_t), void *ctx)
{
	while (off < end) {
		off_t data = lseek(g->memfd, (off_t)off, SEEK_DATA);
		if (data < 0 || (uint64_t)data >= end)
			break;
		off_t hole = lseek(g->memfd, data, SEEK_HOLE);
		uint64_t h = hole < 0 || (uint64_t)hole > end ? end : (uint64_t)hole;
		int r = each_in(g, ALIGN_DOWN((uint64_t)data, PAGE), h, fn, ctx);
		if (r)
			return r;
		off = h;
	}
	return 0;
}

int guest_each_page(const struct guest *g, bool files, int (*fn)(void *ctx, uint64_t addr), void *ctx)
{
	/* File-backed ranges are holes of the memfd with the file's bytes in
	 * our view: the memfd's extents between them, then each of them, in
	 * address order, so that the pages come out as a copy would give. */
	uint64_t off = GUEST_TRAMPOLINE;
	for (uint32_t i = 0; i < g->nfmap; i++) {
		const struct boot_fmap *f = &g->fmap[i];
		int r = each_memfd(g, off, f->addr, fn, ctx);
		if (!r && files)
			r = each_in(g, f->addr, f->addr + f->len, fn, ctx);
		if (r)
			return r;
		off = f->addr + f->len;
	}
	return each_memfd(g, off, g->size, fn, ctx);
}

struct etag_walk {
	struct etag *t;
	const struct guest *g;
};

static int etag_page(void *ctx, uint64_t a)
{
	struct etag_walk *w = ctx;
	etag_update(w->t, &a, sizeof a);
	etag_update(w->t, w->g->base + a, PAGE);
	return 0;
}

int guest_memory_etag(const struct guest *g, char *hex)
{
	struct etag_walk w = {.t = etag_new(), .g = g};
	if (!w.t)
		return -ENOMEM;
	guest_each_page(g, true, etag_page, &w);
	etag_finish(w.t, hex);
	return 0;
}
