/*
 * test_quota.c - unit tests for the channel quota arithmetic (src/channel.c).
 *
 * channel_check() and channel_quota_charge() against docs/traps.md: size 0
 * -> 0 whatever the quotas, size < 0 -EFAULT, offset < 0 -EINVAL on random
 * access (in that order), sequential access ignoring the offset, calls used
 * up -EDQUOT, sizes clipped to the exact byte left, nothing left -EDQUOT;
 * the rule that a 10-byte file read with get_size 10 never shows end of
 * input (and the same for writes); random reads clipped at the end, 0 at
 * it and -EFAULT past it; random writes bounded by put_size (write-only)
 * or by the size plus what put_size still allows (read-write); a table of
 * (limits, used, size, offset) -> result; and a seeded randomized property
 * test: charging what is granted never takes usage past any limit by a
 * single byte or call, and a request is refused only when a quota is spent.
 *
 * The last section drives channel_read()/channel_write() on a real temporary
 * file, to check that the trap path applies the same rules (one get per
 * call, end of input included) and refuses writes past the -l size limit.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "channel.h"

enum { RD = 0, WR = 1 };

/* The limits a channel declares, in manifest order. */
#define LIM(gets, get_size, puts, put_size) ((const int64_t[LIMITS_N]){gets, get_size, puts, put_size})

/* The argument and quota rules alone: a negative offset on a random
 * channel (where it is -EINVAL), any other on a sequential one (where the
 * offset does not matter), so that neither the random-read clipping nor the
 * random-write bounds take part. */
static int64_t check(const int64_t limit[LIMITS_N], const int64_t used[LIMITS_N], int dir, int64_t size, int64_t offset)
{
	const struct channel_view v = {limit, used, offset < 0, false, 0};
	return channel_check(&v, dir, size, offset);
}

/* A channel of the given kind and size. */
static int64_t check_on(const int64_t limit[LIMITS_N], const int64_t used[LIMITS_N], bool random, bool readable,
			int64_t chsize, int dir, int64_t size, int64_t offset)
{
	const struct channel_view v = {limit, used, random, readable, chsize};
	return channel_check(&v, dir, size, offset);
}

static const int64_t NONE[LIMITS_N] = {0, 0, 0, 0};

/* ---- argument errors and their order ------------------------------------ */

static void test_size_negative_is_efault(void **state)
{
	(void)state;
	static const int64_t sizes[] = {-1, -2, INT32_MIN, INT64_MIN};
	const int64_t *limits[] = {LIM(10, 10, 10, 10), LIM(0, 0, 0, 0)};
	const int64_t *useds[] = {NONE, LIM(10, 10, 10, 10)};
	for (int d = 0; d < 2; d++)
		for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
			for (int l = 0; l < 2; l++)
				for (int u = 0; u < 2; u++) {
					/* Before the offset check and the quotas. */
					assert_int_equal(check(limits[l], useds[u], d, sizes[s], 0), -EFAULT);
					assert_int_equal(check(limits[l], useds[u], d, sizes[s], -1), -EFAULT);
				}
}

static void test_size_zero_is_zero(void **state)
{
	(void)state;
	for (int d = 0; d < 2; d++) {
		/* Quotas untouched, used up, or zero from the start. */
		assert_int_equal(check(LIM(5, 5, 5, 5), NONE, d, 0, 0), 0);
		assert_int_equal(check(LIM(5, 5, 5, 5), LIM(5, 5, 5, 5), d, 0, 0), 0);
		assert_int_equal(check(LIM(5, 5, 5, 5), LIM(9, 9, 9, 9), d, 0, 0), 0);
		assert_int_equal(check(NONE, NONE, d, 0, 0), 0);
		assert_int_equal(check(LIM(1, 1, 1, 1), LIM(1, 0, 1, 0), d, 0, 12345), 0);
		/* Size 0 is decided before the offset. */
		assert_int_equal(check(LIM(5, 5, 5, 5), NONE, d, 0, -1), 0);
	}
}

static void test_offset_negative_is_einval(void **state)
{
	(void)state;
	for (int d = 0; d < 2; d++) {
		assert_int_equal(check(LIM(5, 5, 5, 5), NONE, d, 1, -1), -EINVAL);
		assert_int_equal(check(LIM(5, 5, 5, 5), NONE, d, 100, INT64_MIN), -EINVAL);
		/* Before the quotas: spent quotas still give -EINVAL. */
		assert_int_equal(check(LIM(5, 5, 5, 5), LIM(5, 5, 5, 5), d, 1, -1), -EINVAL);
		assert_int_equal(check(NONE, NONE, d, 1, -7), -EINVAL);
	}
}

/* ---- call quotas -------------------------------------------------------- */

static void test_gets_used_up(void **state)
{
	(void)state;
	/* Bytes left, calls not. */
	assert_int_equal(check(LIM(3, 100, 0, 0), LIM(2, 10, 0, 0), RD, 5, 0), 5);
	assert_int_equal(check(LIM(3, 100, 0, 0), LIM(3, 10, 0, 0), RD, 5, 0), -EDQUOT);
	assert_int_equal(check(LIM(3, 100, 0, 0), LIM(4, 10, 0, 0), RD, 5, 0), -EDQUOT);
	assert_int_equal(check(LIM(0, 100, 0, 0), NONE, RD, 5, 0), -EDQUOT);
	/* The write side does not count gets. */
	assert_int_equal(check(LIM(0, 0, 3, 100), LIM(9, 9, 0, 0), WR, 5, 0), 5);
}

static void test_puts_used_up(void **state)
{
	(void)state;
	assert_int_equal(check(LIM(0, 0, 3, 100), LIM(0, 0, 2, 10), WR, 5, 0), 5);
	assert_int_equal(check(LIM(0, 0, 3, 100), LIM(0, 0, 3, 10), WR, 5, 0), -EDQUOT);
	assert_int_equal(check(LIM(0, 0, 3, 100), LIM(0, 0, 4, 10), WR, 5, 0), -EDQUOT);
	assert_int_equal(check(LIM(0, 0, 0, 100), NONE, WR, 5, 0), -EDQUOT);
	/* The read side does not count puts. */
	assert_int_equal(check(LIM(3, 100, 0, 0), LIM(0, 0, 9, 9), RD, 5, 0), 5);
}

static void test_edquot_value(void **state)
{
	(void)state;
	assert_int_equal(EDQUOT, 122); /* the value the guest sees, -122 */
	assert_int_equal(check(NONE, NONE, RD, 1, 0), -122);
}

/* ---- byte quotas: clipping ----------------------------------------------- */

static void test_clip_to_byte_quota(void **state)
{
	(void)state;
	for (int d = 0; d < 2; d++) {
		const int64_t *lim = d ? LIM(0, 0, 1000, 100) : LIM(1000, 100, 0, 0);
		int64_t used[LIMITS_N] = {0};
		used[d ? LIMIT_PUT_SIZE : LIMIT_GET_SIZE] = 90;
		assert_int_equal(check(lim, used, d, 9, 0), 9);
		assert_int_equal(check(lim, used, d, 10, 0), 10); /* exactly what is left */
		assert_int_equal(check(lim, used, d, 11, 0), 10); /* one byte over: clipped */
		assert_int_equal(check(lim, used, d, INT32_MAX, 0), 10);
		assert_int_equal(check(lim, used, d, INT64_MAX, 0), 10);
		used[d ? LIMIT_PUT_SIZE : LIMIT_GET_SIZE] = 99;
		assert_int_equal(check(lim, used, d, 1000, 0), 1);
		assert_int_equal(check(lim, used, d, 1, 0), 1);
		used[d ? LIMIT_PUT_SIZE : LIMIT_GET_SIZE] = 100; /* nothing left */
		assert_int_equal(check(lim, used, d, 1, 0), -EDQUOT);
		assert_int_equal(check(lim, used, d, 1000, 0), -EDQUOT);
		used[d ? LIMIT_PUT_SIZE : LIMIT_GET_SIZE] = 101;
		assert_int_equal(check(lim, used, d, 1, 0), -EDQUOT);
	}
	/* A zero byte quota with calls to spare. */
	assert_int_equal(check(LIM(5, 0, 0, 0), NONE, RD, 1, 0), -EDQUOT);
	assert_int_equal(check(LIM(0, 0, 5, 0), NONE, WR, 1, 0), -EDQUOT);
	/* The offset does not matter to the quota. */
	assert_int_equal(check(LIM(5, 10, 0, 0), NONE, RD, 20, INT64_MAX), 10);
	/* Huge limits: no overflow. */
	assert_true(check(LIM(INT64_MAX, INT64_MAX, 0, 0), LIM(INT64_MAX - 1, 0, 0, 0), RD, INT32_MAX, 0) == INT32_MAX);
	assert_true(check(LIM(1, INT64_MAX, 0, 0), LIM(0, INT64_MAX - 3, 0, 0), RD, 100, 0) == 3);
}

static void test_charge(void **state)
{
	(void)state;
	int64_t used[LIMITS_N] = {0};
	channel_quota_charge(used, RD, 7);
	assert_int_equal(used[LIMIT_GETS], 1);
	assert_int_equal(used[LIMIT_GET_SIZE], 7);
	assert_int_equal(used[LIMIT_PUTS], 0);
	assert_int_equal(used[LIMIT_PUT_SIZE], 0);
	channel_quota_charge(used, RD, 0); /* end of input: still a get */
	assert_int_equal(used[LIMIT_GETS], 2);
	assert_int_equal(used[LIMIT_GET_SIZE], 7);
	channel_quota_charge(used, WR, 5);
	channel_quota_charge(used, WR, 6);
	assert_int_equal(used[LIMIT_GETS], 2);
	assert_int_equal(used[LIMIT_GET_SIZE], 7);
	assert_int_equal(used[LIMIT_PUTS], 2);
	assert_int_equal(used[LIMIT_PUT_SIZE], 11);
}

/* A 10-byte file, get_size 10: the first read returns all 10 bytes, the
 * next one -EDQUOT, never 0 (end of input). */
static void test_ten_byte_file_never_shows_eof(void **state)
{
	(void)state;
	const int64_t *lim = LIM(100, 10, 0, 0);
	const int64_t file = 10;
	int64_t used[LIMITS_N] = {0}, pos = 0;

	int64_t n = check(lim, used, RD, 4096, 0);
	assert_int_equal(n, 10);
	int64_t got = file - pos < n ? file - pos : n; /* what the file gives */
	pos += got;
	channel_quota_charge(used, RD, got);
	assert_int_equal(got, 10);
	for (int i = 0; i < 5; i++)
		assert_int_equal(check(lim, used, RD, 4096, 0), -EDQUOT);
	assert_int_equal(used[LIMIT_GETS], 1);
	assert_int_equal(used[LIMIT_GET_SIZE], 10);

	/* In small pieces: 3, 3, 3, 1, then -EDQUOT. */
	memset(used, 0, sizeof used);
	static const int64_t expect[] = {3, 3, 3, 1, -EDQUOT, -EDQUOT};
	for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
		n = check(lim, used, RD, 3, 0);
		assert_int_equal(n, expect[i]);
		if (n > 0)
			channel_quota_charge(used, RD, n);
	}
	assert_int_equal(used[LIMIT_GETS], 4);
	assert_int_equal(used[LIMIT_GET_SIZE], 10);

	/* With get_size 11 the second read meets end of input: 0, charged. */
	lim = LIM(3, 11, 0, 0);
	memset(used, 0, sizeof used);
	pos = 0;
	static const int64_t expect11[] = {10, 0, 0, -EDQUOT};
	for (size_t i = 0; i < sizeof expect11 / sizeof expect11[0]; i++) {
		n = check(lim, used, RD, 4096, 0);
		if (n > 0) {
			n = file - pos < n ? file - pos : n;
			pos += n;
			channel_quota_charge(used, RD, n);
		}
		assert_int_equal(n, expect11[i]);
	}
}

static void test_writes_clip_then_edquot(void **state)
{
	(void)state;
	const int64_t *lim = LIM(0, 0, 100, 10);
	int64_t used[LIMITS_N] = {0};
	int64_t n = check(lim, used, WR, 20, 0);
	assert_int_equal(n, 10);
	channel_quota_charge(used, WR, n);
	assert_int_equal(check(lim, used, WR, 1, 0), -EDQUOT);
	assert_int_equal(check(lim, used, WR, 20, 0), -EDQUOT);

	/* puts = 2: the third write is refused whatever its size. */
	lim = LIM(0, 0, 2, 1000);
	memset(used, 0, sizeof used);
	for (int i = 0; i < 2; i++) {
		n = check(lim, used, WR, 1, 0);
		assert_int_equal(n, 1);
		channel_quota_charge(used, WR, n);
	}
	assert_int_equal(check(lim, used, WR, 1, 0), -EDQUOT);
	assert_int_equal(used[LIMIT_PUTS], 2);
	assert_int_equal(used[LIMIT_PUT_SIZE], 2);
}

/* ---- random reads ------------------------------------------------------- */

static void test_random_read_clip(void **state)
{
	(void)state;
	static const struct {
		int64_t size, offset, want, expect;
	} rows[] = {
		{10, 0, 4, 4},
		{10, 0, 10, 10},
		{10, 0, 11, 10},
		{10, 6, 4, 4}, /* ends exactly at the end */
		{10, 7, 4, 3}, /* one byte over */
		{10, 9, 100, 1},
		{10, 9, 1, 1},
		{10, 10, 1, 0},       /* at the end: 0 */
		{10, 11, 1, -EFAULT}, /* past the end fails, as the original */
		{10, 11, 0, -EFAULT},
		{10, INT64_MAX, 5, -EFAULT},
		{10, 3, 0, 0},
		{0, 0, 5, 0},
		{0, 1, 5, -EFAULT},
		{1, 0, 5, 1},
		{10, -1, 5, -EINVAL},
		{10, INT64_MIN, 5, -EINVAL},
		{10, -1, 0, 0},
		{10, -1, -1, -EFAULT},
		{INT64_MAX, 0, INT32_MAX, INT32_MAX},
		{INT64_MAX, INT64_MAX - 2, 5, 2},
		{INT64_MAX, INT64_MAX - 1, 1, 1},
		{INT64_MAX, INT64_MAX, 1, 0},
		{(int64_t)1 << 40, ((int64_t)1 << 40) - 100, 4096, 100},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		int64_t r = check_on(LIM(100, INT64_MAX, 0, 0), NONE, true, true, rows[i].size, RD, rows[i].want,
				     rows[i].offset);
		if (r != rows[i].expect)
			fail_msg("random read of %lld at %lld from %lld bytes = %lld, expected %lld",
				 (long long)rows[i].want, (long long)rows[i].offset, (long long)rows[i].size,
				 (long long)r, (long long)rows[i].expect);
	}
	/* Reads at the end are not charged, so they never reach the quota. */
	assert_int_equal(check_on(LIM(1, 1, 0, 0), LIM(1, 1, 0, 0), true, true, 10, RD, 5, 10), 0);
	assert_int_equal(check_on(LIM(1, 1, 0, 0), LIM(1, 1, 0, 0), true, true, 10, RD, 5, 11), -EFAULT);
	assert_int_equal(check_on(LIM(1, 1, 0, 0), LIM(1, 1, 0, 0), true, true, 10, RD, 5, 9), -EDQUOT);
}

static void test_sequential_ignores_offset(void **state)
{
	(void)state;
	static const int64_t offsets[] = {0, 1, -1, -12345, INT64_MIN, INT64_MAX};
	for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
		int64_t o = offsets[i];
		assert_int_equal(check_on(LIM(5, 50, 0, 0), NONE, false, false, 0, RD, 7, o), 7);
		assert_int_equal(check_on(LIM(0, 0, 5, 50), NONE, false, false, 0, WR, 7, o), 7);
		assert_int_equal(check_on(LIM(5, 50, 0, 0), NONE, false, false, 0, RD, -1, o), -EFAULT);
		assert_int_equal(check_on(LIM(5, 50, 0, 0), LIM(5, 0, 0, 0), false, false, 0, RD, 1, o), -EDQUOT);
		assert_int_equal(check_on(LIM(0, 0, 5, 50), LIM(0, 0, 0, 50), false, false, 0, WR, 1, o), -EDQUOT);
	}
}

static void test_random_write_bounds(void **state)
{
	(void)state;
	/* Write-only: the offset must be below put_size. */
	assert_int_equal(check_on(LIM(0, 0, 10, 100), NONE, true, false, 0, WR, 5, 99), 5);
	assert_int_equal(check_on(LIM(0, 0, 10, 100), NONE, true, false, 0, WR, 5, 100), -EINVAL);
	assert_int_equal(check_on(LIM(0, 0, 10, 100), NONE, true, false, 0, WR, 5, INT64_MAX), -EINVAL);
	assert_int_equal(check_on(LIM(0, 0, 10, 100), LIM(0, 0, 0, 98), true, false, 0, WR, 5, 50), 2);
	/* The call quota comes first, the byte quota after the bound. */
	assert_int_equal(check_on(LIM(0, 0, 1, 100), LIM(0, 0, 1, 0), true, false, 0, WR, 5, 500), -EDQUOT);
	assert_int_equal(check_on(LIM(0, 0, 10, 100), LIM(0, 0, 1, 100), true, false, 0, WR, 5, 500), -EINVAL);
	assert_int_equal(check_on(LIM(0, 0, 10, 100), LIM(0, 0, 1, 100), true, false, 0, WR, 5, 5), -EDQUOT);
	/* Read-write: below the current size plus the bytes still allowed. */
	assert_int_equal(check_on(LIM(1, 1, 10, 5), NONE, true, true, 10, WR, 7, 14), 5);
	assert_int_equal(check_on(LIM(1, 1, 10, 5), NONE, true, true, 10, WR, 7, 15), -EINVAL);
	assert_int_equal(check_on(LIM(1, 1, 10, 5), NONE, true, true, 10, WR, 7, 200), -EINVAL);
	assert_int_equal(check_on(LIM(1, 1, 10, 5), LIM(0, 0, 1, 5), true, true, 19, WR, 1, 19), -EINVAL);
	assert_int_equal(check_on(LIM(1, 1, 10, 5), LIM(0, 0, 1, 5), true, true, 19, WR, 1, 3), -EDQUOT);
	assert_int_equal(check_on(LIM(1, 1, 10, INT64_MAX), NONE, true, true, INT64_MAX, WR, 1, INT64_MAX), 1);
	assert_int_equal(check_on(LIM(1, 1, 10, 1), NONE, true, true, INT64_MAX, WR, 1, INT64_MAX), 1);
	/* A negative offset stays -EINVAL before any quota. */
	assert_int_equal(check_on(LIM(0, 0, 0, 0), NONE, true, false, 0, WR, 1, -1), -EINVAL);
}

/* ---- the table ---------------------------------------------------------- */

static void test_quota_table(void **state)
{
	(void)state;
	static const struct {
		int64_t limit[LIMITS_N], used[LIMITS_N];
		int dir;
		int64_t size, offset, expect;
	} rows[] = {
		/* limits            used            dir size offset  expect */
		{{1, 1, 0, 0}, {0, 0, 0, 0}, RD, 1, 0, 1},
		{{1, 1, 0, 0}, {0, 0, 0, 0}, RD, 2, 0, 1},
		{{1, 1, 0, 0}, {1, 1, 0, 0}, RD, 1, 0, -EDQUOT},
		{{1, 1, 0, 0}, {1, 0, 0, 0}, RD, 1, 0, -EDQUOT},
		{{1, 1, 0, 0}, {0, 1, 0, 0}, RD, 1, 0, -EDQUOT},
		{{1, 1, 0, 0}, {0, 0, 0, 0}, WR, 1, 0, -EDQUOT},
		{{0, 0, 1, 1}, {0, 0, 0, 0}, WR, 1, 0, 1},
		{{0, 0, 1, 1}, {0, 0, 0, 0}, RD, 1, 0, -EDQUOT},
		{{0, 0, 1, 1}, {0, 0, 1, 0}, WR, 1, 0, -EDQUOT},
		{{0, 0, 1, 1}, {0, 0, 0, 1}, WR, 1, 0, -EDQUOT},
		{{10, 100, 10, 100}, {5, 50, 5, 50}, RD, 50, 0, 50},
		{{10, 100, 10, 100}, {5, 50, 5, 50}, RD, 51, 0, 50},
		{{10, 100, 10, 100}, {5, 50, 5, 50}, WR, 49, 7, 49},
		{{10, 100, 10, 100}, {5, 50, 5, 50}, WR, 51, 7, 50},
		{{10, 100, 10, 100}, {9, 99, 9, 99}, RD, 4096, 0, 1},
		{{10, 100, 10, 100}, {9, 99, 9, 99}, WR, 4096, 0, 1},
		{{10, 100, 10, 100}, {10, 99, 9, 99}, RD, 1, 0, -EDQUOT},
		{{10, 100, 10, 100}, {10, 99, 9, 99}, WR, 1, 0, 1},
		{{10, 100, 10, 100}, {9, 99, 10, 99}, WR, 1, 0, -EDQUOT},
		{{10, 100, 10, 100}, {9, 100, 9, 99}, RD, 1, 0, -EDQUOT},
		{{10, 100, 10, 100}, {9, 100, 9, 99}, WR, 1, 0, 1},
		{{10, 100, 10, 100}, {0, 0, 0, 0}, RD, 0, 0, 0},
		{{10, 100, 10, 100}, {0, 0, 0, 0}, RD, -1, 0, -EFAULT},
		{{10, 100, 10, 100}, {0, 0, 0, 0}, WR, -1, -1, -EFAULT},
		{{10, 100, 10, 100}, {0, 0, 0, 0}, RD, 1, -1, -EINVAL},
		{{10, 100, 10, 100}, {0, 0, 0, 0}, WR, 0, -1, 0},
		{{0, 0, 0, 0}, {0, 0, 0, 0}, RD, 0, 0, 0},
		{{0, 0, 0, 0}, {0, 0, 0, 0}, WR, -5, 0, -EFAULT},
		{{0, 0, 0, 0}, {0, 0, 0, 0}, WR, 5, -5, -EINVAL},
		{{0, 0, 0, 0}, {0, 0, 0, 0}, WR, 5, 5, -EDQUOT},
		{{INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX}, {0, 0, 0, 0}, RD, INT32_MAX, INT64_MAX, INT32_MAX},
		{{INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX}, {0, 0, 0, 0}, WR, INT32_MAX, 0, INT32_MAX},
		{{INT64_MAX, 1, INT64_MAX, 1}, {INT64_MAX - 1, 0, 0, 0}, RD, 7, 0, 1},
		{{INT64_MAX, 1, INT64_MAX, 1}, {INT64_MAX, 0, 0, 0}, RD, 7, 0, -EDQUOT},
		{{1, INT64_MAX, 1, INT64_MAX}, {0, INT64_MAX - 1, 0, 0}, RD, 7, 0, 1},
		{{1, INT64_MAX, 1, INT64_MAX}, {0, INT64_MAX, 0, 0}, RD, 7, 0, -EDQUOT},
		{{1, INT64_MAX, 1, INT64_MAX}, {0, 0, 0, INT64_MAX}, WR, 7, 0, -EDQUOT},
		{{3, 30, 3, 30}, {2, 29, 2, 29}, RD, 1, 1000000, 1},
		{{3, 30, 3, 30}, {2, 29, 2, 29}, WR, 2, 1000000, 1},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		int64_t r = check(rows[i].limit, rows[i].used, rows[i].dir, rows[i].size, rows[i].offset);
		if (r != rows[i].expect)
			fail_msg("row %zu: %s size %lld offset %lld: got %lld, expected %lld", i,
				 rows[i].dir ? "write" : "read", (long long)rows[i].size, (long long)rows[i].offset,
				 (long long)r, (long long)rows[i].expect);
	}
}

/* ---- randomized property test --------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void) /* splitmix64: fixed seed, same run every time */
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static int64_t rnd_below(int64_t n)
{
	return (int64_t)(rnd() % (uint64_t)n);
}

static int64_t rnd_limit(int64_t small)
{
	switch (rnd_below(8)) {
	case 0: return 0;
	case 1: return INT64_MAX;
	case 2: return 1;
	default: return rnd_below(small + 1);
	}
}

static int64_t rnd_size(void)
{
	switch (rnd_below(16)) {
	case 0: return -1 - rnd_below(100);
	case 1: return INT32_MIN;
	case 2: return 0;
	case 3: return INT32_MAX;
	default: return 1 + rnd_below(300);
	}
}

static int64_t rnd_offset(void)
{
	switch (rnd_below(16)) {
	case 0: return -1 - rnd_below(100);
	case 1: return INT64_MAX;
	default: return rnd_below(1000);
	}
}

/*
 * Sequences of calls on one channel with random limits. Each granted read
 * is charged a random amount up to what was granted (short reads and end
 * of input), each granted write all of it. After every call: no usage is
 * over its limit; the result obeys the rules; a request is refused with
 * -EDQUOT only when its call or byte quota really is spent.
 */
static void test_quota_property(void **state)
{
	(void)state;
	rng_state = 20130611;
	int64_t granted_total = 0, refused_total = 0;
	for (int iter = 0; iter < 10000; iter++) {
		int64_t limit[LIMITS_N] = {rnd_limit(20), rnd_limit(400), rnd_limit(20), rnd_limit(400)};
		int64_t used[LIMITS_N] = {0};
		int64_t calls[2] = {0, 0}, bytes[2] = {0, 0};
		int ncalls = (int)rnd_below(64);
		for (int k = 0; k < ncalls; k++) {
			int dir = (int)rnd_below(2);
			int cl = dir ? LIMIT_PUTS : LIMIT_GETS, by = dir ? LIMIT_PUT_SIZE : LIMIT_GET_SIZE;
			int64_t size = rnd_size(), offset = rnd_offset();
			int64_t before[LIMITS_N];
			memcpy(before, used, sizeof used);

			int64_t r = check(limit, used, dir, size, offset);
			if (memcmp(before, used, sizeof used) != 0)
				fail_msg("iter %d: channel_quota_check changed the usage", iter);

			int64_t want;
			if (size < 0)
				want = -EFAULT;
			else if (size == 0)
				want = 0;
			else if (offset < 0)
				want = -EINVAL;
			else if (used[cl] >= limit[cl] || used[by] >= limit[by])
				want = -EDQUOT;
			else
				want = size < limit[by] - used[by] ? size : limit[by] - used[by];
			if (r != want)
				fail_msg("iter %d call %d: %s limits {%lld,%lld,%lld,%lld} used {%lld,%lld,%lld,%lld} "
					 "size %lld offset %lld: got %lld, expected %lld",
					 iter, k, dir ? "write" : "read", (long long)limit[0], (long long)limit[1],
					 (long long)limit[2], (long long)limit[3], (long long)used[0],
					 (long long)used[1], (long long)used[2], (long long)used[3], (long long)size,
					 (long long)offset, (long long)r, (long long)want);

			if (r > 0) {
				assert_true(r <= size);
				int64_t moved = dir ? r : rnd_below(r + 1);
				channel_quota_charge(used, dir, moved);
				calls[dir]++;
				bytes[dir] += moved;
				granted_total++;
			} else if (r == -EDQUOT) {
				refused_total++;
			}
			for (int i = 0; i < LIMITS_N; i++)
				if (used[i] > limit[i])
					fail_msg("iter %d call %d: used[%d] = %lld over the limit %lld", iter, k, i,
						 (long long)used[i], (long long)limit[i]);
			assert_true(used[LIMIT_GETS] == calls[RD] && used[LIMIT_GET_SIZE] == bytes[RD]);
			assert_true(used[LIMIT_PUTS] == calls[WR] && used[LIMIT_PUT_SIZE] == bytes[WR]);
		}
	}
	/* The generator exercised both outcomes plenty. */
	assert_true(granted_total > 10000);
	assert_true(refused_total > 10000);
}

/* ---- the same rules through channel_read()/channel_write() --------------- */

struct chan {
	char path[64];
	struct manifest_channel mc;
	struct channel c;
	struct channels cs;
};

/* A channel over a temporary file holding `content`, opened read-write. */
static void chan_open(struct chan *t, enum channel_type type, const int64_t limit[LIMITS_N], const char *content)
{
	memset(t, 0, sizeof *t);
	snprintf(t->path, sizeof t->path, "/tmp/zvm-test-quota-XXXXXX");
	int fd = mkstemp(t->path);
	assert_true(fd >= 0);
	size_t len = strlen(content);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);

	t->mc.uri[0] = t->path;
	t->mc.nuri = 1;
	t->mc.alias = "/dev/test";
	t->mc.type = type;
	memcpy(t->mc.limit, limit, sizeof t->mc.limit);

	t->c.mc = &t->mc;
	for (unsigned j = 0; j < CHANNEL_URIS_MAX; j++)
		t->c.fd[j] = -1;
	t->c.fd[0] = fd;
	t->c.nfd = 1;
	t->c.kind = SOURCE_REGULAR;
	t->c.seekable = true;
	t->c.readable = manifest_channel_readable(&t->mc);
	t->c.writable = manifest_channel_writable(&t->mc);
	if (t->c.readable && channel_random_read(&t->c))
		t->c.size = (int64_t)len;
	t->cs.ch = &t->c;
	t->cs.n = 1;
}

static void chan_close(struct chan *t)
{
	close(t->c.fd[0]);
	unlink(t->path);
}

static void test_channel_read_ten_byte_file(void **state)
{
	(void)state;
	struct chan t;
	chan_open(&t, CHANNEL_SEQ_READ_SEQ_WRITE, LIM(100, 10, 0, 0), "0123456789");
	char buf[64] = {0};
	assert_int_equal(channel_read(&t.cs, &t.c, buf, sizeof buf, 0), 10);
	assert_memory_equal(buf, "0123456789", 10);
	assert_int_equal(channel_read(&t.cs, &t.c, buf, sizeof buf, 0), -EDQUOT);
	assert_int_equal(channel_read(&t.cs, &t.c, buf, 1, 0), -EDQUOT);
	assert_int_equal(t.c.used[LIMIT_GETS], 1);
	assert_int_equal(t.c.used[LIMIT_GET_SIZE], 10);
	assert_int_equal(t.cs.reads, 1);
	assert_int_equal(t.cs.read_bytes, 10);
	assert_false(t.c.eof); /* end of input was never seen */
	chan_close(&t);
}

/* With room left, end of input shows as 0, is sticky, and each such read
 * still counts as one get. */
static void test_channel_read_eof_counts_as_get(void **state)
{
	(void)state;
	struct chan t;
	chan_open(&t, CHANNEL_SEQ_READ_SEQ_WRITE, LIM(4, 100, 0, 0), "0123456789");
	char buf[64];
	assert_int_equal(channel_read(&t.cs, &t.c, buf, 6, 0), 6);
	assert_int_equal(channel_read(&t.cs, &t.c, buf, 6, 0), 4);
	assert_memory_equal(buf, "6789", 4);
	assert_int_equal(channel_read(&t.cs, &t.c, buf, 6, 0), 0);
	assert_int_equal(channel_read(&t.cs, &t.c, buf, 6, 0), 0);
	assert_int_equal(channel_read(&t.cs, &t.c, buf, 6, 0), -EDQUOT); /* 4 gets used */
	assert_int_equal(t.c.used[LIMIT_GETS], 4);
	assert_int_equal(t.c.used[LIMIT_GET_SIZE], 10);
	chan_close(&t);
}

static void test_channel_read_random_clip(void **state)
{
	(void)state;
	struct chan t;
	chan_open(&t, CHANNEL_RAND_READ_SEQ_WRITE, LIM(5, 100, 0, 0), "0123456789");
	char buf[64];
	assert_int_equal(channel_read(&t.cs, &t.c, buf, 4, 8), 2);
	assert_memory_equal(buf, "89", 2);
	assert_int_equal(channel_read(&t.cs, &t.c, buf, 4, 10), 0);       /* at the end: free */
	assert_int_equal(channel_read(&t.cs, &t.c, buf, 4, 11), -EFAULT); /* past it */
	assert_int_equal(channel_read(&t.cs, &t.c, buf, 4, INT64_MAX), -EFAULT);
	assert_int_equal(channel_read(&t.cs, &t.c, buf, 4, 6), 4); /* ends at the end */
	assert_memory_equal(buf, "6789", 4);
	assert_int_equal(channel_read(&t.cs, &t.c, buf, 3, 0), 3); /* not sticky */
	assert_memory_equal(buf, "012", 3);
	assert_int_equal(channel_read(&t.cs, &t.c, buf, 0, -1), 0); /* size 0: free */
	assert_int_equal(channel_read(&t.cs, &t.c, buf, -1, 0), -EFAULT);
	assert_int_equal(channel_read(&t.cs, &t.c, buf, 1, -1), -EINVAL);
	assert_int_equal(channel_read(&t.cs, &t.c, buf, 1, 9), 1);
	assert_int_equal(channel_read(&t.cs, &t.c, buf, 1, 5), 1); /* the 5th get */
	assert_int_equal(channel_read(&t.cs, &t.c, buf, 1, 0), -EDQUOT);
	assert_int_equal(t.c.used[LIMIT_GETS], 5);
	assert_int_equal(t.c.used[LIMIT_GET_SIZE], 11);
	chan_close(&t);
}

/* Sequential channels ignore every offset, a negative one too. */
static void test_channel_sequential_negative_offset(void **state)
{
	(void)state;
	struct chan t;
	chan_open(&t, CHANNEL_SEQ_READ_SEQ_WRITE, LIM(5, 100, 0, 0), "0123456789");
	char buf[64];
	assert_int_equal(channel_read(&t.cs, &t.c, buf, 3, -1), 3);
	assert_memory_equal(buf, "012", 3);
	assert_int_equal(channel_read(&t.cs, &t.c, buf, 3, INT64_MIN), 3);
	assert_memory_equal(buf, "345", 3);
	chan_close(&t);
	chan_open(&t, CHANNEL_SEQ_READ_SEQ_WRITE, LIM(0, 0, 5, 100), "");
	const struct channel_opts o = {.fsize_limit = (int64_t)4 << 30};
	assert_int_equal(channel_write(&t.cs, &t.c, "ab", 2, -1, &o), 2);
	assert_int_equal(channel_write(&t.cs, &t.c, "cd", 2, -99, &o), 2);
	assert_int_equal(pread(t.c.fd[0], buf, sizeof buf, 0), 4);
	assert_memory_equal(buf, "abcd", 4);
	chan_close(&t);
}

static void test_channel_write_put_size(void **state)
{
	(void)state;
	struct chan t;
	chan_open(&t, CHANNEL_SEQ_READ_SEQ_WRITE, LIM(0, 0, 3, 10), "");
	const struct channel_opts o = {.fsize_limit = (int64_t)4 << 30};
	assert_int_equal(channel_write(&t.cs, &t.c, "abcdefghijklmnopqrst", 20, 0, &o), 10);
	assert_int_equal(channel_write(&t.cs, &t.c, "x", 1, 0, &o), -EDQUOT);
	assert_int_equal(t.c.used[LIMIT_PUTS], 1);
	assert_int_equal(t.c.used[LIMIT_PUT_SIZE], 10);
	assert_int_equal(t.cs.writes, 1);
	assert_int_equal(t.cs.write_bytes, 10);
	char buf[32];
	assert_int_equal(pread(t.c.fd[0], buf, sizeof buf, 0), 10);
	assert_memory_equal(buf, "abcdefghij", 10);
	chan_close(&t);

	/* puts = 2: the third write is refused. */
	chan_open(&t, CHANNEL_SEQ_READ_SEQ_WRITE, LIM(0, 0, 2, 100), "");
	assert_int_equal(channel_write(&t.cs, &t.c, "ab", 2, 0, &o), 2);
	assert_int_equal(channel_write(&t.cs, &t.c, "cd", 2, 0, &o), 2);
	assert_int_equal(channel_write(&t.cs, &t.c, "ef", 2, 0, &o), -EDQUOT);
	assert_int_equal(pread(t.c.fd[0], buf, sizeof buf, 0), 4);
	assert_memory_equal(buf, "abcd", 4);
	chan_close(&t);
}

/* The -l limit: a write that would end past it is refused (the caller then
 * ends the session) and nothing is charged. */
static void test_channel_write_fsize_limit(void **state)
{
	(void)state;
	struct chan t;
	chan_open(&t, CHANNEL_SEQ_READ_RAND_WRITE, LIM(0, 0, 100, 1000), "");
	const struct channel_opts o = {.fsize_limit = 100};
	assert_int_equal(channel_write(&t.cs, &t.c, "a", 1, 99, &o), 1);
	assert_int_equal(channel_write(&t.cs, &t.c, "a", 1, 100, &o), CHANNEL_FSIZE_EXCEEDED);
	assert_int_equal(channel_write(&t.cs, &t.c, "0123456789", 10, 95, &o), CHANNEL_FSIZE_EXCEEDED);
	assert_int_equal(t.c.used[LIMIT_PUTS], 1);
	assert_int_equal(t.c.used[LIMIT_PUT_SIZE], 1);
	chan_close(&t);
}

/*
 * A random write at an offset near INT64_MAX (allowed by a put_size of
 * INT64_MAX) is past any -l limit and must be refused the same way. Run in a child: the sanitizers end the process
 * on signed overflow, and that must fail this test, not the whole suite.
 * Exit 0: correct result; 3: wrong result; anything else: the child died
 * (a sanitizer report is printed above). Fails as of this writing:
 * channel_write() computes offset + size, which overflows.
 */
static void test_channel_write_offset_overflow(void **state)
{
	(void)state;
	static const int64_t offsets[] = {INT64_MAX, INT64_MAX - 1, INT64_MAX - 4096};
	for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
		struct chan t;
		chan_open(&t, CHANNEL_SEQ_READ_RAND_WRITE, LIM(0, 0, 100, INT64_MAX), "");
		fflush(NULL);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			const struct channel_opts o = {.fsize_limit = (int64_t)4 << 30};
			char buf[8192] = {0};
			int32_t r = channel_write(&t.cs, &t.c, buf, sizeof buf, offsets[i], &o);
			/* INT64_MAX is put_size itself: out of bounds first. */
			_exit(r == (offsets[i] == INT64_MAX ? -EINVAL : CHANNEL_FSIZE_EXCEEDED) ? 0 : 3);
		}
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		chan_close(&t);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			fail_msg("channel_write at offset %lld: child %s %d, expected CHANNEL_FSIZE_EXCEEDED",
				 (long long)offsets[i], WIFEXITED(status) ? "exited" : "killed by signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	}
}

/*
 * A device whose write takes nothing (returns 0) must not be asked again
 * forever: the call fails with -EIO. Such a device is made with a seccomp
 * filter in a child, which answers every write to one descriptor with 0
 * without running it; an alarm ends the child if channel_write() loops.
 */
static void test_channel_write_zero_progress(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sock_filter f[] = {
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_write, 0, 3),
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)p[1], 0, 1),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 0), /* "0 bytes written" */
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog prog = {sizeof f / sizeof f[0], f};
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
			_exit(4);
		alarm(10);
		struct manifest_channel mc = {.alias = "/dev/dev", .nuri = 1, .limit = {0, 0, 10, 100}};
		struct channel c = {.mc = &mc, .nfd = 1, .kind = SOURCE_CHAR, .writable = true};
		for (unsigned j = 0; j < CHANNEL_URIS_MAX; j++)
			c.fd[j] = -1;
		c.fd[0] = p[1];
		struct channels cs = {.ch = &c, .n = 1};
		const struct channel_opts o = {.fsize_limit = (int64_t)4 << 30};
		int32_t r = channel_write(&cs, &c, "abc", 3, 0, &o);
		_exit(r == -EIO ? 0 : 3);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(p[0]);
	close(p[1]);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("channel_write to a device that takes nothing: child %s %d, expected -EIO",
			 WIFEXITED(status) ? "exited" : "killed by signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_negative_is_efault),
		cmocka_unit_test(test_size_zero_is_zero),
		cmocka_unit_test(test_offset_negative_is_einval),
		cmocka_unit_test(test_gets_used_up),
		cmocka_unit_test(test_puts_used_up),
		cmocka_unit_test(test_edquot_value),
		cmocka_unit_test(test_clip_to_byte_quota),
		cmocka_unit_test(test_charge),
		cmocka_unit_test(test_ten_byte_file_never_shows_eof),
		cmocka_unit_test(test_writes_clip_then_edquot),
		cmocka_unit_test(test_random_read_clip),
		cmocka_unit_test(test_sequential_ignores_offset),
		cmocka_unit_test(test_random_write_bounds),
		cmocka_unit_test(test_quota_table),
		cmocka_unit_test(test_quota_property),
		cmocka_unit_test(test_channel_read_ten_byte_file),
		cmocka_unit_test(test_channel_read_eof_counts_as_get),
		cmocka_unit_test(test_channel_read_random_clip),
		cmocka_unit_test(test_channel_sequential_negative_offset),
		cmocka_unit_test(test_channel_write_put_size),
		cmocka_unit_test(test_channel_write_fsize_limit),
		cmocka_unit_test(test_channel_write_offset_overflow),
		cmocka_unit_test(test_channel_write_zero_progress),
	};
	return cmocka_run_group_tests_name("quota", tests, NULL, NULL) ? 1 : 0;
}
