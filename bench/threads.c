/*
 * threads.c - the threads benchmarks of bench/threads.sh, one static
 * program run natively (pinned to one CPU) and under zvsh.
 *
 *   threads calib                 iterations of the work loop in 1 ms
 *   threads mutex ITERS UNITS     4 threads, each UNITS units of ITERS
 *                                 iterations (~1 ms each), taking a shared
 *                                 mutex after every unit
 *   threads pingpong N            two threads hand a futex word back and
 *                                 forth N times (FUTEX_WAIT/FUTEX_WAKE)
 *
 * Each prints a line that depends only on its arguments, which the script
 * checks before timing.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static uint64_t work(uint64_t iters, uint64_t x)
{
	for (uint64_t i = 0; i < iters; i++)
		x = x * 6364136223846793005ull + 1442695040888963407ull + (x >> 29);
	return x;
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t shared, units_done;
static uint64_t iters, units;

static void *mutex_thread(void *arg)
{
	uint64_t x = (uint64_t)(uintptr_t)arg;
	for (uint64_t u = 0; u < units; u++) {
		x = work(iters, x);
		pthread_mutex_lock(&mu);
		shared ^= x;
		units_done++;
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static long futex(uint32_t *w, int op, uint32_t val)
{
	return syscall(SYS_futex, w, op, val, NULL, NULL, 0);
}

static uint32_t word; /* 0: ping's turn, 1: pong's */
static long rounds;

static void *pong(void *arg)
{
	(void)arg;
	for (long i = 0; i < rounds; i++) {
		while (__atomic_load_n(&word, __ATOMIC_ACQUIRE) != 1)
			futex(&word, FUTEX_WAIT_PRIVATE, 0);
		__atomic_store_n(&word, 0, __ATOMIC_RELEASE);
		futex(&word, FUTEX_WAKE_PRIVATE, 1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	if (!strcmp(c, "calib")) {
		struct timespec a, b;
		uint64_t n = 1000, x = 1;
		for (;;) {
			clock_gettime(CLOCK_MONOTONIC, &a);
			x = work(n, x);
			clock_gettime(CLOCK_MONOTONIC, &b);
			double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
			if (ms > 50) {
				printf("%llu\n", (unsigned long long)((double)n / ms) + (x & 1));
				return 0;
			}
			n *= 2;
		}
	}
	if (!strcmp(c, "mutex") && argc == 4) {
		iters = strtoull(argv[2], 0, 10), units = strtoull(argv[3], 0, 10);
		pthread_t t[4];
		for (uintptr_t i = 0; i < 4; i++)
			pthread_create(&t[i], NULL, mutex_thread, (void *)(i + 1));
		for (int i = 0; i < 4; i++)
			pthread_join(t[i], NULL);
		printf("mutex: %llu units, %016llx\n", (unsigned long long)units_done, (unsigned long long)shared);
		return 0;
	}
	if (!strcmp(c, "pingpong") && argc == 3) {
		rounds = strtol(argv[2], 0, 10);
		pthread_t t;
		pthread_create(&t, NULL, pong, NULL);
		for (long i = 0; i < rounds; i++) {
			__atomic_store_n(&word, 1, __ATOMIC_RELEASE);
			futex(&word, FUTEX_WAKE_PRIVATE, 1);
			while (__atomic_load_n(&word, __ATOMIC_ACQUIRE) != 0)
				futex(&word, FUTEX_WAIT_PRIVATE, 1);
		}
		pthread_join(t, NULL);
		printf("pingpong: %ld rounds\n", rounds);
		return 0;
	}
	fprintf(stderr, "usage: threads calib | mutex ITERS UNITS | pingpong N\n");
	return 2;
}
