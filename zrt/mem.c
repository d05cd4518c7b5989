/*
 * mem.c - the program's heap: brk, mmap, munmap, mremap, and the runtime's
 * own allocations (files, directories, open files) from the same pages.
 *
 * The heap is [heap_start, heap_end) of guest memory, page-aligned and
 * already mapped R+W by boot; nothing here asks the kernel for memory. brk
 * grows up from the bottom; mmap and the runtime's allocations are carved
 * from the top of the highest free extent down, so the two meet only when
 * the heap is full. Free space is a sorted array of page extents. Small
 * objects of the runtime come from 64 KiB slabs with a free list per size
 * class, a new slab's objects cut in address order as they are needed (a
 * page of it is touched when its first object is used); slab pages are
 * never given back.
 *
 * Memory handed out must read as zeros, as fresh kernel pages do. Pages
 * never used are zero already (guest memory starts as a zero-filled memfd);
 * two watermarks bound the pages ever handed out (brk_hwm from below,
 * top_low from above), and only those are cleared on reuse.
 *
 * Free pages are always R+W. The program changes protections itself
 * (mprotect inside guest memory is allowed by the wall and never reaches
 * ZRT), so ZRT does not know them: every path that takes pages back or
 * writes over pages the program may own (munmap, brk shrinking, mremap,
 * MAP_FIXED, MADV_DONTNEED) makes them R+W first, with the same mprotect.
 *
 * Invariants, between any two calls (mem_check() tests each, and a build
 * with -DZRT_MEM_DEBUG runs it at every entry; tests/unit/test_mem.c does
 * that, and checks what the allocator hands out against a model):
 *   E1  nfr <= EXT_MAX, and fr[0..nfr) are non-empty, page-aligned extents
 *       within [heap_lo, heap_hi);
 *   E2  sorted and disjoint, and never touching: a run of free pages is
 *       one extent (give() merges a freed range with its neighbours);
 *   E3  free_bytes is the sum of their sizes;
 *   B1  heap_lo <= brk_cur, and no page below the break, [heap_lo,
 *       ALIGN_UP(brk_cur)), is free;
 *   W1  heap_lo <= ALIGN_UP(brk_cur) <= brk_hwm and top_low <= heap_hi;
 *       every page ever handed out lies below brk_hwm or at or above
 *       top_low, so the pages in [brk_hwm, top_low) are free;
 *   S1  every object on a slab free list lies in the heap, outside the
 *       free extents (its slab is allocated), aligned to its class's size
 *       within the slab;
 *   S2  each class's uncut rest [carve, carve_end) is empty, or lies in
 *       the heap outside the free extents, aligned to the class's size.
 * What the allocator therefore never hands out: memory outside the heap,
 * a page that is still handed out (brk, a mapping, an object), or a page
 * that does not read as zeros, unless the program itself wrote to pages it
 * did not own (guest memory is all its own: nothing here can stop that).
 */
#include <asm/unistd.h>
#include <linux/mman.h>

#include "mem.h"
#include "zrt.h"

#define EXT_MAX 16384
#define USER_TOP (1ull << 47) /* TASK_SIZE: no user range reaches past it */

struct ext {
	uint64_t start, end;
};

static struct ext fr[EXT_MAX];
static int nfr;
static uint64_t heap_lo, heap_hi, brk_cur, brk_hwm, top_low, free_bytes;

/* Small objects come from 64 KiB slabs in power-of-two classes of 16 bytes
 * to 2 KiB with a free list each; anything larger is whole pages. */
#define SLAB (64u << 10)
#define CLASSES 8 /* 16 .. 2048 */

struct freeobj {
	struct freeobj *next;
};
static struct freeobj *freelist[CLASSES];
/* The unused rest of each class's newest slab, [carve, carve_end): objects
 * are cut from it in address order when the free list is empty (the order
 * a list threaded through the whole slab gave), so that a slab's pages are
 * touched only as its objects are used. Each page of guest memory touched
 * costs a page fault and a page of the memfd: threading a new slab touched
 * all 16 (docs/performance.md). */
static uint64_t carve[CLASSES], carve_end[CLASSES];

/* -DZRT_MEM_DEBUG: every entry point first checks the invariants the last
 * call left, and stops the runtime at once (ud2) on a broken one. */
#ifdef ZRT_MEM_DEBUG
#define DEBUG_CHECK()                     \
	do {                              \
		if (mem_check())          \
			__builtin_trap(); \
	} while (0)
#else
#define DEBUG_CHECK() ((void)0)
#endif

void mem_init(uint64_t heap_start, uint64_t heap_end)
{
	heap_lo = brk_cur = brk_hwm = heap_start;
	heap_hi = top_low = heap_end;
	fr[0] = (struct ext){heap_start, heap_end};
	nfr = 1;
	free_bytes = heap_end - heap_start;
	memset(freelist, 0, sizeof freelist); /* a heap of its own (the unit test makes several) */
	memset(carve, 0, sizeof carve);
	memset(carve_end, 0, sizeof carve_end);
}

uint64_t mem_free_bytes(void)
{
	return free_bytes;
}

uint64_t mem_total_bytes(void)
{
	return heap_hi - heap_lo;
}

/* Clear what of [a, b) may have been handed out before. */
static void clean(uint64_t a, uint64_t b)
{
	if (a < brk_hwm)
		memset((void *)a, 0, (b < brk_hwm ? b : brk_hwm) - a);
	uint64_t s = a > top_low ? a : top_low;
	if (s < b)
		memset((void *)s, 0, b - s);
}

/* Remove [a, b) from extent i, which contains it. */
static int take(int i, uint64_t a, uint64_t b)
{
	struct ext *e = &fr[i];
	if (a == e->start && b == e->end) {
		memmove(&fr[i], &fr[i + 1], (size_t)(nfr - i - 1) * sizeof fr[0]);
		nfr--;
	} else if (a == e->start) {
		e->start = b;
	} else if (b == e->end) {
		e->end = a;
	} else {
		if (nfr == EXT_MAX)
			return -ENOMEM;
		memmove(&fr[i + 2], &fr[i + 1], (size_t)(nfr - i - 1) * sizeof fr[0]);
		fr[i + 1] = (struct ext){b, e->end};
		e->end = a;
		nfr++;
	}
	free_bytes -= b - a;
	return 0;
}

/* Return [a, b) to the free list, merging with neighbours and with any
 * part of it that is already free. */
static int give(uint64_t a, uint64_t b)
{
	if (a >= b)
		return 0;
	int i = 0;
	while (i < nfr && fr[i].end < a)
		i++;
	/* fr[i] is the first extent that ends at or after a. */
	int j = i;
	uint64_t s = a, e = b, merged = 0;
	while (j < nfr && fr[j].start <= b) {
		if (fr[j].start < s)
			s = fr[j].start;
		if (fr[j].end > e)
			e = fr[j].end;
		merged += fr[j].end - fr[j].start;
		j++;
	}
	if (j == i) {
		if (nfr == EXT_MAX)
			return -ENOMEM;
		memmove(&fr[i + 1], &fr[i], (size_t)(nfr - i) * sizeof fr[0]);
		nfr++;
	} else {
		memmove(&fr[i + 1], &fr[j], (size_t)(nfr - j) * sizeof fr[0]);
		nfr -= j - i - 1;
	}
	fr[i] = (struct ext){s, e};
	free_bytes += (e - s) - merged;
	return 0;
}

/* Make pages the program may have protected writable again. */
static void writable(uint64_t a, uint64_t len)
{
	if (len)
		zrt_syscall6(__NR_mprotect, (long)a, (long)len, PROT_READ | PROT_WRITE, 0, 0, 0);
}

/* Pages from the top of the highest extent that has room. */
static uint64_t alloc_top(uint64_t len)
{
	if (len == 0)
		return 0;
	for (int i = nfr - 1; i >= 0; i--) {
		if (fr[i].end - fr[i].start < len)
			continue;
		uint64_t a = fr[i].end - len;
		if (take(i, a, a + len) < 0)
			return 0;
		clean(a, a + len);
		if (a < top_low)
			top_low = a;
		return a;
	}
	return 0;
}

/* Make [a, b) allocated whatever it was (MAP_FIXED): fresh R+W zero
 * pages, whatever protection the old ones had. */
static int claim(uint64_t a, uint64_t b)
{
	writable(a, b - a);
	for (int i = 0; i < nfr && a < b;) {
		uint64_t s = fr[i].start > a ? fr[i].start : a;
		uint64_t e = fr[i].end < b ? fr[i].end : b;
		if (s < e) {
			int before = nfr;
			if (take(i, s, e) < 0)
				return -ENOMEM;
			if (nfr < before)
				continue;
		}
		i++;
	}
	clean(a, b);
	if (a < top_low)
		top_low = a;
	return 0;
}

/* [a, b) holds data the supervisor put there before start (the nvram):
 * allocated, not cleared, and cleared like any used page when reused. An
 * empty range reserves nothing: taking it from inside a free extent would
 * split it into two that touch (E2). */
void mem_reserve(uint64_t a, uint64_t b)
{
	DEBUG_CHECK();
	if (a >= b)
		return;
	for (int i = 0; i < nfr; i++) {
		if (fr[i].start <= a && b <= fr[i].end) {
			if (take(i, a, b) == 0 && a < top_low)
				top_low = a;
			return;
		}
	}
}

/* Raise the bottom of the heap to a, before the program has a break: the
 * pages below it (the interpreter, loaded there) become the program's, as
 * its own segments are, and the break starts at a. [heap_lo, a) must be
 * free. */
int mem_set_floor(uint64_t a)
{
	DEBUG_CHECK();
	if ((a & (PAGE - 1)) || a < heap_lo || a > heap_hi || brk_cur != heap_lo)
		return -EINVAL;
	if (a == heap_lo)
		return 0;
	if (nfr == 0 || fr[0].start != heap_lo || fr[0].end < a)
		return -ENOMEM;
	if (take(0, heap_lo, a) < 0)
		return -ENOMEM;
	heap_lo = brk_cur = a;
	if (brk_hwm < a)
		brk_hwm = a;
	return 0;
}

bool mem_any_free(uint64_t a, uint64_t b)
{
	for (int i = 0; i < nfr && fr[i].start < b; i++)
		if (fr[i].end > a)
			return true;
	return false;
}

uint64_t mem_brk(uint64_t want)
{
	DEBUG_CHECK();
	if (want < heap_lo || ALIGN_UP_WRAPS(want, PAGE))
		return brk_cur;
	uint64_t cur = ALIGN_UP(brk_cur, PAGE), next = ALIGN_UP(want, PAGE);
	if (next > cur) {
		/* The pages above the break must be one free extent. */
		int i = 0;
		while (i < nfr && fr[i].start < cur)
			i++;
		if (i == nfr || fr[i].start != cur || fr[i].end < next)
			return brk_cur;
		if (take(i, cur, next) < 0)
			return brk_cur;
		clean(cur, next);
		if (next > brk_hwm)
			brk_hwm = next;
	} else if (next < cur) {
		writable(next, cur - next);
		give(next, cur);
	}
	brk_cur = want;
	return brk_cur;
}

/* Apply the program's protection to pages the allocator keeps R+W. The
 * wall allows none, R, R+W and R+X, never W+X. */
long mem_mprotect(uint64_t a, uint64_t len, int prot)
{
	prot &= PROT_READ | PROT_WRITE | PROT_EXEC;
	if (prot == (PROT_READ | PROT_WRITE))
		return 0;
	if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
		return -EACCES;
	if (prot == PROT_WRITE)
		prot = PROT_READ | PROT_WRITE;
	if (prot == PROT_EXEC)
		prot = PROT_READ | PROT_EXEC;
	return zrt_syscall6(__NR_mprotect, (long)a, (long)len, prot, 0, 0, 0);
}

long mem_mmap(uint64_t addr, uint64_t len, int prot, int flags)
{
	DEBUG_CHECK();
	if (len == 0 || (addr & (PAGE - 1)))
		return -EINVAL;
	if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
		return -EACCES;
	if (ALIGN_UP_WRAPS(len, PAGE))
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE);
	if (len > heap_hi - heap_lo)
		return -ENOMEM;
	uint64_t a;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr < ALIGN_UP(brk_cur, PAGE) || addr + len > heap_hi || addr + len < addr)
			return -ENOMEM;
		if (flags & MAP_FIXED_NOREPLACE) {
			for (uint64_t p = addr; p < addr + len;) {
				int i = 0;
				while (i < nfr && fr[i].end <= p)
					i++;
				if (i == nfr || fr[i].start > p)
					return -EEXIST;
				p = fr[i].end;
			}
		}
		if (claim(addr, addr + len) < 0)
			return -ENOMEM;
		a = addr;
	} else {
		a = alloc_top(len);
		if (!a)
			return -ENOMEM;
	}
	long r = mem_mprotect(a, len, prot);
	if (r < 0) {
		give(a, a + len);
		return r;
	}
	return (long)a;
}

long mem_munmap(uint64_t addr, uint64_t len)
{
	DEBUG_CHECK();
	if ((addr & (PAGE - 1)) || len == 0 || addr > USER_TOP || len > USER_TOP - addr)
		return -EINVAL;
	uint64_t a = addr, b = addr + ALIGN_UP(len, PAGE);
	uint64_t lo = ALIGN_UP(brk_cur, PAGE);
	if (a < lo)
		a = lo;
	if (b > heap_hi)
		b = heap_hi;
	if (a >= b)
		return 0; /* nothing of the heap: the program's own pages stay */
	writable(a, b - a);
	return give(a, b);
}

long mem_mremap(uint64_t old, uint64_t oldlen, uint64_t newlen, int flags, uint64_t newaddr)
{
	DEBUG_CHECK();
	if ((old & (PAGE - 1)) || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)))
		return -EINVAL;
	if ((flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && (newaddr & (PAGE - 1)))
		return -EINVAL;
	if (ALIGN_UP_WRAPS(oldlen, PAGE) || ALIGN_UP_WRAPS(newlen, PAGE))
		return -EINVAL;
	oldlen = ALIGN_UP(oldlen, PAGE);
	newlen = ALIGN_UP(newlen, PAGE);
	if (newlen == 0)
		return -EINVAL;
	if (old < ALIGN_UP(brk_cur, PAGE) || old + oldlen > heap_hi || old + oldlen < old || oldlen == 0 ||
	    mem_any_free(old, old + oldlen))
		return -EFAULT; /* no mapping there */
	if (flags & MREMAP_FIXED) {
		/* Moved to newaddr, which must not overlap the old range. */
		if (newaddr < ALIGN_UP(brk_cur, PAGE) || newaddr > heap_hi || newlen > heap_hi - newaddr)
			return -ENOMEM;
		if (newaddr < old + oldlen && old < newaddr + newlen)
			return -EINVAL;
		writable(old, oldlen);
		if (claim(newaddr, newaddr + newlen) < 0)
			return -ENOMEM;
		memcpy((void *)newaddr, (void *)old, oldlen < newlen ? oldlen : newlen);
		if (!(flags & MREMAP_DONTUNMAP))
			mem_munmap(old, oldlen);
		return (long)newaddr;
	}
	if (newlen <= oldlen) {
		if (newlen < oldlen)
			mem_munmap(old + newlen, oldlen - newlen);
		return (long)old;
	}
	/* Grow in place when the pages after it are free (free pages are R+W:
	 * the new part is R+W, whatever the old part's protection). */
	uint64_t a = old + oldlen, b = old + newlen;
	for (int i = 0; i < nfr && b > a; i++) {
		if (fr[i].start <= a && fr[i].end >= b && b <= heap_hi) {
			if (take(i, a, b) < 0)
				break;
			clean(a, b);
			if (a < top_low)
				top_low = a;
			return (long)old;
		}
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	uint64_t n = alloc_top(newlen);
	if (!n)
		return -ENOMEM;
	/* The copy is R+W: ZRT cannot know the protection the program gave
	 * the old pages (docs/zrt.md). */
	writable(old, oldlen);
	memcpy((void *)n, (void *)old, oldlen);
	mem_munmap(old, oldlen);
	return (long)n;
}

/* MADV_DONTNEED: private anonymous pages read as zeros afterwards. The
 * pages are made R+W to be cleared and stay so (ZRT cannot know what the
 * program had made them). */
long mem_dontneed(uint64_t addr, uint64_t len)
{
	DEBUG_CHECK();
	if (addr < heap_lo || addr >= heap_hi)
		return 0;
	uint64_t end = addr + ALIGN_UP(len, PAGE);
	if (end > heap_hi || end < addr)
		end = heap_hi;
	writable(addr, end - addr);
	memset((void *)addr, 0, end - addr);
	return 0;
}

/* ---- the runtime's own objects ------------------------------------------------ */

static int class_of(size_t n)
{
	int c = 0;
	size_t s = 16;
	while (s < n)
		s <<= 1, c++;
	return c;
}

void *mem_alloc(size_t n)
{
	DEBUG_CHECK();
	if (n == 0)
		n = 1;
	if (n > 2048) {
		if (ALIGN_UP_WRAPS(n, PAGE))
			return 0;
		uint64_t a = alloc_top(ALIGN_UP(n, PAGE));
		return (void *)a;
	}
	int c = class_of(n);
	size_t sz = (size_t)16 << c;
	struct freeobj *o = freelist[c];
	if (o) {
		freelist[c] = o->next;
	} else {
		if (carve[c] == carve_end[c]) {
			uint64_t a = alloc_top(SLAB);
			if (!a)
				return 0;
			carve[c] = a, carve_end[c] = a + SLAB;
		}
		o = (struct freeobj *)carve[c];
		carve[c] += sz;
	}
	memset(o, 0, sz);
	return o;
}

void mem_free(void *p, size_t n)
{
	DEBUG_CHECK();
	if (!p)
		return;
	if (n == 0)
		n = 1;
	if (n > 2048) {
		if (!ALIGN_UP_WRAPS(n, PAGE))
			give((uint64_t)p, (uint64_t)p + ALIGN_UP(n, PAGE));
		return;
	}
	int c = class_of(n);
	struct freeobj *o = p;
	o->next = freelist[c];
	freelist[c] = o;
}

/* ---- the invariants --------------------------------------------------------------- */

#ifdef ZRT_MEM_DEBUG
/* Whether page p lies in a free extent (binary search: E2). */
static bool is_free(uint64_t p)
{
	int lo = 0, hi = nfr;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (fr[mid].end <= p)
			lo = mid + 1;
		else if (fr[mid].start > p)
			hi = mid;
		else
			return true;
	}
	return false;
}

static const char *check_extents(void)
{
	if (nfr < 0 || nfr > EXT_MAX)
		return "E1: extent count out of range";
	uint64_t sum = 0;
	for (int i = 0; i < nfr; i++) {
		const struct ext *e = &fr[i];
		if (e->start >= e->end)
			return "E1: an empty extent";
		if ((e->start | e->end) & (PAGE - 1))
			return "E1: an extent not page-aligned";
		if (e->start < heap_lo || e->end > heap_hi)
			return "E1: an extent outside the heap";
		if (i && fr[i - 1].end >= e->start)
			return "E2: extents out of order, overlapping or touching";
		sum += e->end - e->start;
	}
	return sum == free_bytes ? 0 : "E3: free_bytes is not the extents' sum";
}

static const char *check_marks(void)
{
	uint64_t brk_top = ALIGN_UP(brk_cur, PAGE);
	if (brk_cur < heap_lo || (nfr && fr[0].start < brk_top))
		return "B1: a page below the break is free";
	if (brk_top > brk_hwm || top_low > heap_hi)
		return "W1: a watermark out of place";
	if (brk_hwm >= top_low)
		return 0;
	/* Free and contiguous, so one extent (E2) holds all of it. */
	for (int i = 0; i < nfr; i++)
		if (fr[i].start <= brk_hwm && brk_hwm < fr[i].end)
			return fr[i].end >= top_low ? 0 : "W1: a page between the watermarks is handed out";
	return "W1: a page between the watermarks is handed out";
}

static const char *check_slabs(void)
{
	for (int c = 0; c < CLASSES; c++) {
		uint64_t sz = (uint64_t)16 << c, left = (heap_hi - heap_lo) / 16 + 1;
		for (const struct freeobj *o = freelist[c]; o; o = o->next) {
			uint64_t a = (uint64_t)o;
			if (!left--)
				return "S1: a free list without an end";
			if (a < heap_lo || a + sz > heap_hi || (a & (sz - 1)))
				return "S1: a free object outside the heap or misaligned";
			if (is_free(ALIGN_DOWN(a, PAGE)))
				return "S1: a free object in a free page";
		}
		if (carve[c] > carve_end[c] ||
		    (carve[c] < carve_end[c] && (carve[c] < heap_lo || carve_end[c] > heap_hi ||
						 (carve[c] & (sz - 1)) || is_free(ALIGN_DOWN(carve[c], PAGE)))))
			return "S2: a slab's uncut rest outside the heap, misaligned or free";
	}
	return 0;
}

const char *mem_check(void)
{
	const char *why = check_extents();
	if (!why)
		why = check_marks();
	if (!why)
		why = check_slabs();
	return why;
}
#endif
