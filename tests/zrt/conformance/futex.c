/*
 * futex.c - conformance rows for futex(2) in one thread: what a call
 * returns when nothing else could wake it (a value that changed, a
 * timeout, bad arguments, a wake with no waiter), compared with Linux.
 * Waits that another thread ends are tests/zrt/threads.sh's.
 */
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#include "groups.h"

static long fx(void *uaddr, long op, long val, const void *ts, void *uaddr2, long val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

void group_futex(void)
{
	static uint32_t w[4] __attribute__((aligned(8)));
	char *base = (char *)w;
	struct timespec zero = {0, 0}, ms = {0, 1000000}, badns = {0, 1000000000}, negs = {-1, 0};
	w[0] = 5;
	ROW("futex WAIT, the value differs", fx(&w[0], FUTEX_WAIT, 4, 0, 0, 0));
	ROW("futex WAIT_PRIVATE, the value differs", fx(&w[0], FUTEX_WAIT_PRIVATE, 4, 0, 0, 0));
	ROW("futex WAIT, a zero timeout", fx(&w[0], FUTEX_WAIT, 5, &zero, 0, 0));
	ROW("futex WAIT, 1 ms", fx(&w[0], FUTEX_WAIT_PRIVATE, 5, &ms, 0, 0));
	ROW("futex WAIT_BITSET, a deadline in the past", fx(&w[0], FUTEX_WAIT_BITSET, 5, &ms, 0, -1));
	ROW("futex WAIT_BITSET, bitset 0", fx(&w[0], FUTEX_WAIT_BITSET, 5, &ms, 0, 0));
	ROW("futex WAIT_BITSET|CLOCK_REALTIME, a deadline in the past",
	    fx(&w[0], FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 5, &ms, 0, -1));
	ROW("futex WAIT|CLOCK_REALTIME", fx(&w[0], FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 5, &ms, 0, 0));
	ROW("futex WAKE|CLOCK_REALTIME", fx(&w[0], FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, 0, 0, 0));
	ROW("futex WAIT, tv_nsec 1e9", fx(&w[0], FUTEX_WAIT, 5, &badns, 0, 0));
	ROW("futex WAIT, a negative second", fx(&w[0], FUTEX_WAIT, 5, &negs, 0, 0));
	ROW("futex WAIT, a timeout that cannot be read", fx(&w[0], FUTEX_WAIT, 5, (void *)8, 0, 0));
	ROW("futex WAIT, the value differs and a bad timeout", fx(&w[0], FUTEX_WAIT, 4, &badns, 0, 0));
	ROW("futex WAIT, an unaligned address", fx(base + 1, FUTEX_WAIT, 5, &zero, 0, 0));
	ROW("futex WAIT, address 0", fx(0, FUTEX_WAIT, 0, &zero, 0, 0));
	ROW("futex WAIT_PRIVATE, address 0", fx(0, FUTEX_WAIT_PRIVATE, 0, &zero, 0, 0));
	ROW("futex WAKE, nobody waits", fx(&w[0], FUTEX_WAKE, 1, 0, 0, 0));
	ROW("futex WAKE_PRIVATE, nobody waits, count 100", fx(&w[0], FUTEX_WAKE_PRIVATE, 100, 0, 0, 0));
	ROW("futex WAKE, count 0", fx(&w[0], FUTEX_WAKE, 0, 0, 0, 0));
	ROW("futex WAKE, an unaligned address", fx(base + 2, FUTEX_WAKE, 1, 0, 0, 0));
	ROW("futex WAKE_PRIVATE, address 0", fx(0, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0));
	ROW("futex WAKE, shared, address 0", fx(0, FUTEX_WAKE, 1, 0, 0, 0));
	ROW("futex WAKE_BITSET, bitset 0", fx(&w[0], FUTEX_WAKE_BITSET, 1, 0, 0, 0));
	ROW("futex WAKE_BITSET, nobody waits", fx(&w[0], FUTEX_WAKE_BITSET, 1, 0, 0, 1));
	w[1] = 10;
	ROW("futex WAKE_OP, ADD 3 if old == 10, nobody waits",
	    fx(&w[0], FUTEX_WAKE_OP, 1, (void *)1, &w[1], FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_EQ, 10)));
	ROW("futex WAKE_OP: the word after", w[1]);
	ROW("futex WAKE_OP, SET 1<<4 (OPARG_SHIFT)",
	    fx(&w[0], FUTEX_WAKE_OP, 1, (void *)1, &w[1],
	       FUTEX_OP((FUTEX_OP_SET | FUTEX_OP_OPARG_SHIFT), 4, FUTEX_OP_CMP_GT, 0)));
	ROW("futex WAKE_OP: the word after", w[1]);
	ROW("futex WAKE_OP, an unknown operation", fx(&w[0], FUTEX_WAKE_OP, 1, (void *)1, &w[1], 7 << 28));
	ROW("futex WAKE_OP, an unknown comparison",
	    fx(&w[0], FUTEX_WAKE_OP, 1, (void *)1, &w[1], FUTEX_OP(FUTEX_OP_ADD, 1, 9, 0)));
	ROW("futex WAKE_OP, uaddr2 unaligned", fx(&w[0], FUTEX_WAKE_OP, 1, (void *)1, base + 5, 0));
	ROW("futex REQUEUE, nobody waits", fx(&w[0], FUTEX_REQUEUE, 1, (void *)1, &w[2], 0));
	ROW("futex REQUEUE, a negative count", fx(&w[0], FUTEX_REQUEUE, -1, (void *)1, &w[2], 0));
	ROW("futex CMP_REQUEUE, the value differs", fx(&w[0], FUTEX_CMP_REQUEUE, 1, (void *)1, &w[2], 4));
	ROW("futex CMP_REQUEUE, the value matches", fx(&w[0], FUTEX_CMP_REQUEUE, 1, (void *)1, &w[2], 5));
	ROW("futex CMP_REQUEUE, uaddr2 unaligned", fx(&w[0], FUTEX_CMP_REQUEUE, 1, (void *)1, base + 9, 5));
	ROW("futex, an unknown command", fx(&w[0], 99, 0, 0, 0, 0));
	ROW("futex, command 14", fx(&w[0], 14, 0, 0, 0, 0));
}
