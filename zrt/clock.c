/*
 * clock.c - the virtual clock, and the calls that read it or wait on it.
 *
 * As the original ZeroVM's runtime did: the clock starts at [time] seconds and every read
 * advances it by one microsecond; sleeping advances it and returns at
 * once. Timers never fire and no CPU time is ever counted.
 */
#include <linux/resource.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <linux/times.h>

#include "clock.h"
#include "syscall.h"
#include "user.h"
#include "zrt.h"

static uint64_t clock_ns, clock_start;

void clock_set(uint64_t ns)
{
	clock_ns = clock_start = ns;
}

uint64_t clock_peek(void)
{
	return clock_ns;
}

void clock_advance(uint64_t ns)
{
	clock_ns = ns > ZRT_CLOCK_MAX - clock_ns ? ZRT_CLOCK_MAX : clock_ns + ns;
}

uint64_t clock_tick(void)
{
	clock_advance(1000);
	return clock_ns;
}

uint64_t clock_since_start(void)
{
	return clock_tick() - clock_start;
}

/* ---- the calls ------------------------------------------------------------- */

static long put_time(uint64_t ns, struct __kernel_timespec *t)
{
	if (!user_ok((uint64_t)t, sizeof *t))
		return -EFAULT;
	t->tv_sec = (int64_t)(ns / 1000000000u);
	t->tv_nsec = (int64_t)(ns % 1000000000u);
	return 0;
}

/* The clocks of clock_gettime: up to CLOCK_TAI, less CLOCK_SGI_CYCLE. */
static bool clock_valid(long id)
{
	return id >= 0 && id <= CLOCK_TAI && id != CLOCK_SGI_CYCLE;
}

long sys_clock_gettime(const struct sys_call *c)
{
	long id = c->a[0];
	struct __kernel_timespec *t = (struct __kernel_timespec *)c->a[1];
	if (!clock_valid(id))
		return -EINVAL;
	uint64_t now = clock_tick();
	if (id == CLOCK_PROCESS_CPUTIME_ID || id == CLOCK_THREAD_CPUTIME_ID)
		now -= clock_start;
	return put_time(now, t);
}

long sys_clock_getres(const struct sys_call *c)
{
	long id = c->a[0];
	struct __kernel_timespec *t = (struct __kernel_timespec *)c->a[1];
	if (!clock_valid(id))
		return -EINVAL;
	if (!t)
		return 0;
	if (!user_ok((uint64_t)t, sizeof *t))
		return -EFAULT;
	return put_time(1, t); /* high-resolution timers, as Linux reports */
}

/* The deadline of a sleep on the virtual clock (clock.h); the sleep
 * itself is the threads' (process.c): alone, the clock jumps to it. */
long clock_sleep_deadline(long id, const struct __kernel_timespec *req, bool absolute, uint64_t *at)
{
	/* clock_nanosleep sleeps on REALTIME, MONOTONIC, BOOTTIME, TAI, the
	 * alarm clocks and the process CPU clock (thread CPU: EINVAL). */
	if (id != CLOCK_REALTIME && id != CLOCK_MONOTONIC && id != CLOCK_PROCESS_CPUTIME_ID && id != CLOCK_BOOTTIME &&
	    id != CLOCK_REALTIME_ALARM && id != CLOCK_BOOTTIME_ALARM && id != CLOCK_TAI)
		return id == CLOCK_THREAD_CPUTIME_ID ? -EINVAL : clock_valid(id) ? -EOPNOTSUPP : -EINVAL;
	if (!user_ok((uint64_t)req, sizeof *req))
		return -EFAULT;
	if (req->tv_nsec < 0 || req->tv_nsec >= 1000000000 || req->tv_sec < 0)
		return -EINVAL;
	uint64_t ns = (uint64_t)req->tv_sec > ZRT_CLOCK_MAX / 1000000000u
			      ? ZRT_CLOCK_MAX
			      : (uint64_t)req->tv_sec * 1000000000u + (uint64_t)req->tv_nsec;
	if (absolute)
		*at = ns > clock_ns ? ns : clock_ns;
	else
		*at = ns > ZRT_CLOCK_MAX - clock_ns ? ZRT_CLOCK_MAX : clock_ns + ns;
	return 0;
}

long sys_gettimeofday(const struct sys_call *c)
{
	const long *a = c->a;
	uint64_t now = clock_tick();
	if (a[0]) {
		if (!user_ok((uint64_t)a[0], sizeof(struct timeval)))
			return -EFAULT;
		int64_t *tv = (int64_t *)a[0];
		tv[0] = (int64_t)(now / 1000000000u);
		tv[1] = (int64_t)(now % 1000000000u) / 1000;
	}
	if (a[1]) {
		if (!user_ok((uint64_t)a[1], sizeof(struct timezone)))
			return -EFAULT;
		memset((void *)a[1], 0, sizeof(struct timezone));
	}
	return 0;
}

long sys_time(const struct sys_call *c)
{
	int64_t t = (int64_t)(clock_tick() / 1000000000u);
	if (c->a[0]) {
		if (!user_ok((uint64_t)c->a[0], 8))
			return -EFAULT;
		*(int64_t *)c->a[0] = t;
	}
	return t;
}

/* getitimer and setitimer: REAL, VIRTUAL, PROF, none of which ever fires;
 * what a timer has left is zero. The order is Linux's: setitimer reads
 * and checks the new value (EFAULT; a negative second or a microsecond
 * out of range EINVAL; NULL disarms), then the timer; the old value is
 * written last (getitimer's is required). */
static long put_itimer(long value, bool required)
{
	if (!value && !required)
		return 0;
	if (!user_ok((uint64_t)value, sizeof(struct itimerval)))
		return -EFAULT;
	memset((void *)value, 0, sizeof(struct itimerval));
	return 0;
}

long sys_getitimer(const struct sys_call *c)
{
	if ((unsigned long)c->a[0] > ITIMER_PROF)
		return -EINVAL;
	return put_itimer(c->a[1], true);
}

long sys_setitimer(const struct sys_call *c)
{
	const int64_t *v = (const int64_t *)c->a[1]; /* interval, then value: sec, usec each */
	if (v) {
		if (!user_ok((uint64_t)v, sizeof(struct itimerval)))
			return -EFAULT;
		for (int i = 0; i < 4; i += 2)
			if (v[i] < 0 || (uint64_t)v[i + 1] >= 1000000)
				return -EINVAL;
	}
	if ((unsigned long)c->a[0] > ITIMER_PROF)
		return -EINVAL;
	return put_itimer(c->a[2], false);
}

/* getrusage: SELF, CHILDREN, THREAD; no time was ever used. */
long sys_getrusage(const struct sys_call *c)
{
	if (c->a[0] != RUSAGE_SELF && c->a[0] != RUSAGE_CHILDREN && c->a[0] != RUSAGE_THREAD)
		return -EINVAL;
	if (!user_ok((uint64_t)c->a[1], sizeof(struct rusage)))
		return -EFAULT;
	memset((void *)c->a[1], 0, sizeof(struct rusage));
	return 0;
}

long sys_times(const struct sys_call *c)
{
	if (c->a[0]) {
		if (!user_ok((uint64_t)c->a[0], sizeof(struct tms)))
			return -EFAULT;
		memset((void *)c->a[0], 0, sizeof(struct tms));
	}
	return (long)(clock_tick() / 10000000u);
}
