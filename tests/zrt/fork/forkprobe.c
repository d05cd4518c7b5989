/*
 * forkprobe.c - a static glibc program that reads the fork file,
 * /dev/fork (tests/zrt/fork.sh; docs/zrt.md, "Snapshots").
 *
 * Before the fork it builds state a resume must carry: heap data, a
 * thread-local variable (the thread pointer), a rounding mode (the FPU
 * state), values from the generator and the clock, an open descriptor on
 * an image's file. Nothing is written before the fork. Then it reads
 * /dev/fork whole and prints the session it is in, and after the fork:
 * the carried state, new values of the generator and the clock, the file
 * named by its first argument (a channel of the session) and the rest of
 * the image's file.
 *
 *   forkprobe [FILE]           as above
 *   forkprobe --threads        a second thread runs: the fork is refused
 *   forkprobe --written        stdout was written: the fork is refused
 *   forkprobe --stdin          stdin (sequential) was read: the fork is
 *                              refused
 *   forkprobe --again          the fork file read twice, and on a second
 *                              descriptor: the same bytes; a write EINVAL
 *   forkprobe --exec           code in a page made R+X before the fork
 *                              still runs after it (protections carried)
 */
#include <errno.h>
#include <fcntl.h>
#include <fenv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static __thread int tls_value;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int go;

static void *waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	while (!go)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return NULL;
}

/* The fork file, read whole: its length, or -1 (errno). */
static ssize_t read_fork(char *buf, size_t cap)
{
	int fd = open("/dev/fork", O_RDONLY);
	if (fd < 0)
		return -1;
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	return (ssize_t)n;
}

static const char *next(const char **p, const char *end)
{
	const char *s = *p;
	if (s >= end)
		return NULL;
	*p = s + strlen(s) + 1;
	return s;
}

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	if (argc > 1 && strcmp(argv[1], "--threads") == 0) {
		pthread_t t;
		pthread_create(&t, NULL, waiter, NULL);
		sched_yield();
		ssize_t r = read_fork(buf, sizeof buf);
		printf("fork with two threads: %s\n", r < 0 ? strerror(errno) : "forked");
		pthread_mutex_lock(&mu);
		go = 1;
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&mu);
		pthread_join(t, NULL);
		return r < 0 ? 0 : 1;
	}
	if (argc > 1 && strcmp(argv[1], "--written") == 0) {
		printf("before\n");
		fflush(stdout);
		ssize_t r = read_fork(buf, sizeof buf);
		printf("fork after a write: %s\n", r < 0 ? strerror(errno) : "forked");
		return r < 0 ? 0 : 1;
	}

	if (argc > 1 && strcmp(argv[1], "--stdin") == 0) {
		char c;
		ssize_t n = read(0, &c, 1);
		ssize_t r = read_fork(buf, sizeof buf);
		printf("read %zd, fork after a read of stdin: %s\n", n, r < 0 ? strerror(errno) : "forked");
		return r < 0 ? 0 : 1;
	}
	if (argc > 1 && strcmp(argv[1], "--again") == 0) {
		static char again[sizeof buf];
		ssize_t a = read_fork(buf, sizeof buf),
			b = read_fork(again, sizeof again); /* lengths vary with argv[0] */
		int fd = open("/dev/fork", O_RDWR), held = open("/dev/fork", O_RDONLY);
		char one[8];
		ssize_t first = read(held, one, sizeof one), w = write(fd, "x", 1);
		int we = errno;
		printf("fork and again: %s; another descriptor's first %zd bytes %s; a write %zd (%s)\n",
		       a > 0 && a == b && !memcmp(buf, again, (size_t)a) ? "the same bytes" : "different", first,
		       first > 0 && !memcmp(one, buf, (size_t)first) ? "the same" : "different", w, strerror(we));
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--exec") == 0) {
		unsigned char *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		code[0] = 0xb8, code[1] = 42, code[2] = code[3] = code[4] = 0, code[5] = 0xc3; /* mov $42,%eax; ret */
		mprotect(code, 4096, PROT_READ | PROT_EXEC);
		int (*fn)(void) = (int (*)(void))(void *)code;
		int before = fn();
		ssize_t r = read_fork(buf, sizeof buf);
		printf("fork %s, code %d then %d\n", r < 0 ? strerror(errno) : "ok", before, fn());
		return 0;
	}

	/* State from before the fork. */
	size_t hsize = 1 << 20;
	unsigned char *heap = malloc(hsize);
	for (size_t i = 0; i < hsize; i++)
		heap[i] = (unsigned char)(i * 7);
	tls_value = 4242;
	fesetround(FE_UPWARD);
	unsigned long long r1;
	getrandom(&r1, sizeof r1, 0);
	struct timespec t1;
	clock_gettime(CLOCK_REALTIME, &t1);
	int img = open("/img/data.txt", O_RDONLY);
	char head[8] = {0};
	if (img >= 0 && read(img, head, 4) != 4)
		head[0] = 0;

	ssize_t n = read_fork(buf, sizeof buf);
	if (n < 0) {
		printf("fork: %s\n", strerror(errno));
		return 2;
	}

	const char *p = buf, *end = buf + n, *s;
	int nargs = atoi(next(&p, end));
	printf("args %d:", nargs);
	const char *file = NULL;
	for (int i = 0; i < nargs && (s = next(&p, end)); i++) {
		printf(" [%s]", s);
		if (i == 1)
			file = s;
	}
	int nenv = atoi(next(&p, end));
	printf("\nenv %d:", nenv);
	for (int i = 0; i < nenv && (s = next(&p, end)); i++)
		printf(" [%s]", s);
	printf("\nrest %d\n", (int)(end - p));

	unsigned long sum = 0;
	for (size_t i = 0; i < hsize; i++)
		sum += heap[i] == (unsigned char)(i * 7);
	volatile double third = 1.0, three = 3.0;
	printf("heap %lu/%zu tls %d round-up %d (1/3 rounds %s)\n", sum, hsize, tls_value, fegetround() == FE_UPWARD,
	       third / three * 3.0 > 1.0 ? "up" : "to nearest");
	unsigned long long r2;
	getrandom(&r2, sizeof r2, 0);
	struct timespec t2;
	clock_gettime(CLOCK_REALTIME, &t2);
	printf("random %016llx %016llx clock %lld.%09ld %lld.%09ld\n", r1, r2, (long long)t1.tv_sec, t1.tv_nsec,
	       (long long)t2.tv_sec, t2.tv_nsec);
	char tail[64] = {0};
	ssize_t tn = img >= 0 ? read(img, tail, sizeof tail - 1) : -1;
	printf("image file: [%s] then [%s]\n", head, tn > 0 ? tail : "");
	if (file) {
		FILE *f = fopen(file, "r");
		if (!f) {
			printf("%s: %s\n", file, strerror(errno));
		} else {
			char line[256];
			while (fgets(line, sizeof line, f))
				printf("%s: %s", file, line);
			fclose(f);
		}
	}
	return 0;
}
