/*
 * clock.h - the virtual clock (docs/zrt.md, "Time, randomness, identity"): it starts at the
 * nvram's [time] seconds and every read advances it by one microsecond;
 * a sleep waits for it (process.c): alone, it jumps.
 */
#ifndef ZRT_CLOCK_H
#define ZRT_CLOCK_H

#include "zrt.h"

/* The clock counts nanoseconds in 64 bits and stops at INT64_MAX (the year
 * 2262): as a signed time_t/timespec it never goes back. */
#define ZRT_CLOCK_MAX ((uint64_t)INT64_MAX)

void clock_set(uint64_t ns);      /* at start: the clock and its origin */
uint64_t clock_tick(void);        /* the clock in ns, advanced by 1 us first */
uint64_t clock_peek(void);        /* the clock without advancing it (file times) */
void clock_advance(uint64_t ns);  /* saturates at ZRT_CLOCK_MAX */
uint64_t clock_since_start(void); /* a tick, less the origin: uptime, CPU time */
/* nanosleep's and clock_nanosleep's checks, in Linux's order, and the
 * time on the clock the sleep ends at (*at). 0 or -errno. */
struct __kernel_timespec;
long clock_sleep_deadline(long id, const struct __kernel_timespec *req, bool absolute, uint64_t *at);

#endif
