/*
 * test_mem.c - unit tests for the runtime's heap (zrt/mem.c), built on the
 * host with -DZRT_MEM_DEBUG: every entry point of mem.c checks its
 * invariants first (mem.c's header) and traps on a broken one, and the
 * tests ask mem_check() after every operation as well.
 *
 * The heap is an anonymous mapping of the test's own. A model keeps what
 * the allocator has handed out (the break, mappings, objects), each filled
 * with a byte of its own, and every answer is checked against it: nothing
 * handed out lies outside the heap or over something still handed out,
 * and everything handed out reads as zeros (the pages of the heap are
 * never zero by accident: whatever the allocator takes back is written
 * with a non-zero pattern first, as a program would leave it). The
 * contents of everything still handed out are checked as the run goes,
 * so memory the allocator hands out twice, or clears while it is in use,
 * shows.
 *
 * mprotect (zrt_syscall6) does nothing here: protections are the
 * kernel's business, not the allocator's.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "mem.h"

#define HEAP_PAGES 4096 /* 16 MiB */
#define LIVE_MAX 4096

long zrt_syscall6(long nr, long a, long b, long c, long d, long e, long f)
{
	(void)nr, (void)a, (void)b, (void)c, (void)d, (void)e, (void)f;
	return 0;
}

static unsigned char *heap;
static uint64_t lo, hi;

enum kind { MAPPING, OBJECT };
struct live {
	uint64_t a, len; /* len: what was asked (objects) or whole pages (mappings) */
	enum kind kind;
	unsigned char fill;
};
static struct live live[LIVE_MAX];
static int nlive;
static uint64_t brk_now; /* the break the model knows */
static unsigned char next_fill = 1;
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return n ? rng % n : 0;
}

static unsigned char fill_byte(void)
{
	unsigned char f = next_fill++;
	if (!next_fill)
		next_fill = 1;
	return f;
}

static void invariants(void)
{
	const char *why = mem_check();
	if (why)
		fail_msg("mem.c invariant broken: %s", why);
}

static uint64_t page_up(uint64_t x)
{
	return (x + 4095) & ~4095ull;
}

/* A range the allocator just handed out: inside the heap, above the
 * break, over nothing still handed out. */
static void check_placed(uint64_t a, uint64_t len, const char *what)
{
	if (a < lo || a + len > hi || a + len < a)
		fail_msg("%s: [%#lx, +%#lx) is outside the heap", what, (unsigned long)a, (unsigned long)len);
	if (a < page_up(brk_now))
		fail_msg("%s: %#lx is below the break", what, (unsigned long)a);
	for (int i = 0; i < nlive; i++)
		if (a < live[i].a + live[i].len && live[i].a < a + len)
			fail_msg("%s: [%#lx, +%#lx) is still handed out", what, (unsigned long)live[i].a,
				 (unsigned long)live[i].len);
}

/* Whether [a, a + len) holds only the byte c. */
static bool all(uint64_t a, uint64_t len, unsigned char c)
{
	static unsigned char same[4096];
	memset(same, c, sizeof same);
	for (uint64_t off = 0; off < len; off += sizeof same) {
		uint64_t n = len - off < sizeof same ? len - off : sizeof same;
		if (memcmp(heap + (a - lo) + off, same, n))
			return false;
	}
	return true;
}

static void check_zero(uint64_t a, uint64_t len, const char *what)
{
	if (!all(a, len, 0))
		fail_msg("%s: [%#lx, +%#lx) does not read as zeros", what, (unsigned long)a, (unsigned long)len);
}

static void check_fresh(uint64_t a, uint64_t len, const char *what)
{
	check_placed(a, len, what);
	check_zero(a, len, what);
}

static void check_contents(void)
{
	for (int i = 0; i < nlive; i++)
		if (!all(live[i].a, live[i].len, live[i].fill))
			fail_msg("[%#lx, +%#lx) changed while handed out", (unsigned long)live[i].a,
				 (unsigned long)live[i].len);
}

static void add(uint64_t a, uint64_t len, enum kind kind)
{
	assert_true(nlive < LIVE_MAX);
	unsigned char f = fill_byte();
	memset(heap + (a - lo), f, len);
	live[nlive++] = (struct live){a, len, kind, f};
}

static void drop(int i)
{
	live[i] = live[--nlive];
}

/* A random live entry of this kind, or -1. */
static int pick(enum kind kind)
{
	if (!nlive)
		return -1;
	int start = (int)rnd((uint64_t)nlive);
	for (int k = 0; k < nlive; k++) {
		int i = (start + k) % nlive;
		if (live[i].kind == kind)
			return i;
	}
	return -1;
}

static int setup(void **state)
{
	(void)state;
	heap = mmap(NULL, HEAP_PAGES * 4096ull, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (heap == MAP_FAILED)
		return -1;
	lo = (uint64_t)heap, hi = lo + HEAP_PAGES * 4096ull;
	/* Guest memory starts zero; what an earlier test left behind is
	 * pages ever handed out, which mem_init cannot know about: start
	 * from a fresh mapping each time. */
	mem_init(lo, hi);
	nlive = 0, brk_now = lo;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	munmap(heap, HEAP_PAGES * 4096ull);
	return 0;
}

/* ---- the operations, each checked against the model -------------------------------- */

static void op_mmap(void)
{
	uint64_t len = 1 + rnd(24 * 4096);
	long a = mem_mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	if (a == -ENOMEM)
		return;
	assert_true(a > 0);
	assert_int_equal(a & 4095, 0);
	check_fresh((uint64_t)a, page_up(len), "mmap");
	add((uint64_t)a, page_up(len), MAPPING);
}

static void op_munmap(void)
{
	int i = pick(MAPPING);
	if (i < 0)
		return;
	struct live m = live[i];
	uint64_t cut = rnd(2) ? m.len : 4096 * (1 + rnd(m.len / 4096)); /* all, or its head */
	assert_int_equal(mem_munmap(m.a, cut), 0);
	if (cut >= m.len) {
		drop(i);
	} else {
		live[i].a += cut;
		live[i].len -= cut;
	}
}

static void op_alloc(void)
{
	size_t n = rnd(4) ? 1 + rnd(2048) : 1 + rnd(3 * 4096);
	void *p = mem_alloc(n);
	if (!p)
		return;
	check_fresh((uint64_t)p, n, "mem_alloc");
	add((uint64_t)p, n, OBJECT);
}

static void op_free(void)
{
	int i = pick(OBJECT);
	if (i < 0)
		return;
	mem_free((void *)live[i].a, live[i].len);
	drop(i);
}

static void op_brk(void)
{
	uint64_t want = brk_now + rnd(16 * 4096) - rnd(8 * 4096);
	if (want < lo)
		want = lo;
	uint64_t old = brk_now, got = mem_brk(want);
	if (got != want) {
		assert_int_equal(got, old); /* refused: the break stays */
		return;
	}
	if (page_up(want) > page_up(old)) {
		/* The new pages are fresh; the program then writes to them. */
		uint64_t a = page_up(old), len = page_up(want) - a;
		check_fresh(a, len, "brk");
		memset(heap + (a - lo), 0x5a, len);
	}
	brk_now = want;
}

static void op_mremap(void)
{
	int i = pick(MAPPING);
	if (i < 0)
		return;
	struct live m = live[i];
	uint64_t newlen = 4096 * (1 + rnd(32));
	long a = mem_mremap(m.a, m.len, newlen, MREMAP_MAYMOVE, 0);
	if (a == -ENOMEM)
		return;
	assert_true(a > 0);
	drop(i);
	uint64_t keep = m.len < newlen ? m.len : newlen;
	if (!all((uint64_t)a, keep, m.fill))
		fail_msg("mremap lost the contents of [%#lx, +%#lx)", (unsigned long)m.a, (unsigned long)keep);
	check_placed((uint64_t)a, newlen, "mremap");
	check_zero((uint64_t)a + keep, newlen - keep, "mremap (the new part)");
	add((uint64_t)a, newlen, MAPPING);
}

static void op_fixed(void)
{
	int i = pick(MAPPING);
	if (i < 0)
		return;
	struct live m = live[i];
	drop(i);
	long a = mem_mmap(m.a, m.len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
	assert_int_equal(a, (long)m.a);
	check_fresh(m.a, m.len, "mmap MAP_FIXED over a mapping");
	add(m.a, m.len, MAPPING);
}

static void op_dontneed(void)
{
	int i = pick(MAPPING);
	if (i < 0)
		return;
	assert_int_equal(mem_dontneed(live[i].a, live[i].len), 0);
	check_zero(live[i].a, live[i].len, "MADV_DONTNEED");
	memset(heap + (live[i].a - lo), live[i].fill, live[i].len);
}

/* ---- the tests ------------------------------------------------------------------------ */

/* Thousands of random operations against the model. */
static void test_random_operations(void **state)
{
	(void)state;
	void (*const ops[])(void) = {op_mmap, op_mmap, op_munmap, op_alloc,  op_alloc, op_alloc,
				     op_free, op_free, op_brk,    op_mremap, op_fixed, op_dontneed};
	for (int step = 0; step < 6000; step++) {
		ops[rnd(sizeof ops / sizeof ops[0])]();
		invariants();
		if (step % 300 == 0)
			check_contents();
	}
	check_contents();
}

/* Giving everything back leaves one free extent above the break, and the
 * counts agree. */
static void test_everything_back(void **state)
{
	(void)state;
	for (int step = 0; step < 300; step++)
		op_mmap();
	while (nlive) {
		int i = (int)rnd((uint64_t)nlive);
		assert_int_equal(mem_munmap(live[i].a, live[i].len), 0);
		drop(i);
		invariants();
	}
	assert_int_equal(mem_free_bytes(), mem_total_bytes());
	long a = mem_mmap(0, hi - lo, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	assert_int_equal(a, (long)lo); /* the whole heap: one extent */
}

/* A full heap is ENOMEM, not a crash, and everything still works after. */
static void test_full_heap(void **state)
{
	(void)state;
	long a;
	while ((a = mem_mmap(0, 64 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS)) > 0) {
		check_fresh((uint64_t)a, 64 * 4096, "mmap");
		add((uint64_t)a, 64 * 4096, MAPPING);
	}
	assert_int_equal(a, -ENOMEM);
	assert_null(mem_alloc(100000));
	assert_int_equal(mem_brk(brk_now + 4096), brk_now);
	invariants();
	check_contents();
	int i = pick(MAPPING);
	assert_int_equal(mem_munmap(live[i].a, live[i].len), 0);
	drop(i);
	op_alloc();
	invariants();
	check_contents();
}

/* The break and the top meet only when the heap is full: brk takes the
 * pages above it only while they are one free extent. */
static void test_brk_meets_top(void **state)
{
	(void)state;
	long a = mem_mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	assert_int_equal((uint64_t)a, hi - 4096);
	assert_int_equal(mem_brk(hi - 4096), hi - 4096);
	assert_int_equal(mem_brk(hi), hi - 4096); /* the mapping is in the way */
	invariants();
	assert_int_equal(mem_brk(lo), lo);
	invariants();
}

/* mem_reserve (the nvram's pages, before start): an empty range, even one
 * strictly inside a free extent, changes nothing (taking it would split
 * the extent into two that touch, E2); a real one is taken, once. */
static void test_reserve(void **state)
{
	(void)state;
	uint64_t total = mem_free_bytes(), mid = lo + 64 * 4096;
	mem_reserve(mid, mid);
	invariants();
	assert_int_equal(mem_free_bytes(), total);
	mem_reserve(lo, lo);
	mem_reserve(hi, hi);
	mem_reserve(mid + 4096, mid); /* backwards: empty too */
	invariants();
	assert_int_equal(mem_free_bytes(), total);
	mem_reserve(mid, mid + 2 * 4096);
	invariants();
	assert_int_equal(mem_free_bytes(), total - 2 * 4096);
	mem_reserve(mid, mid + 2 * 4096); /* no longer free: nothing happens */
	mem_reserve(mid + 4096, mid + 4096);
	invariants();
	assert_int_equal(mem_free_bytes(), total - 2 * 4096);
	/* Everything else still works around the reserved pages. */
	for (int step = 0; step < 200; step++)
		op_mmap();
	invariants();
	check_contents();
}

/* mem_set_floor (a dynamic program's interpreter loaded at the bottom):
 * refused unaligned, outside the heap, once the break has moved, or over
 * pages that are not free; else the heap and the break start there, and
 * neither brk nor the allocator hands out a page below it. */
static void test_set_floor(void **state)
{
	(void)state;
	uint64_t total = mem_free_bytes(), f = lo + 16 * 4096;
	assert_int_equal(mem_set_floor(lo + 1), -EINVAL);
	assert_int_equal(mem_set_floor(lo - 4096), -EINVAL);
	assert_int_equal(mem_set_floor(hi + 4096), -EINVAL);
	assert_int_equal(mem_set_floor(lo), 0);
	assert_int_equal(mem_free_bytes(), total);
	mem_reserve(lo + 32 * 4096, lo + 33 * 4096);
	assert_int_equal(mem_set_floor(lo + 64 * 4096), -ENOMEM); /* a reserved page below */
	assert_int_equal(mem_free_bytes(), total - 4096);
	assert_int_equal(mem_set_floor(f), 0);
	invariants();
	assert_int_equal(mem_free_bytes(), total - 4096 - 16 * 4096);
	assert_int_equal(mem_brk(lo), f); /* the break cannot go below the floor */
	assert_int_equal(mem_brk(f + 4096), f + 4096);
	assert_int_equal(mem_set_floor(f + 8 * 4096), -EINVAL); /* the break has moved */
	assert_int_equal(mem_brk(f), f);
	/* The whole heap mapped, 8 pages at a time: nothing below the floor. */
	uint64_t lowest = hi;
	long a;
	while ((a = mem_mmap(0, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS)) > 0)
		if ((uint64_t)a < lowest)
			lowest = (uint64_t)a;
	invariants();
	assert_int_equal(a, -ENOMEM);
	assert_true(lowest >= f && lowest < f + 16 * 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_random_operations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_everything_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_heap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_brk_meets_top, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_floor, setup, teardown),
	};
	return cmocka_run_group_tests_name("mem", tests, NULL, NULL);
}
