/*
 * threads.c - a pthread program for tests/zrt/threads.sh, built with
 * gcc -static -pthread (glibc: clone3) and musl-gcc -static (musl: clone).
 * Each command prints what it computed; the script compares it with the
 * native run where the result does not depend on the interleaving, and
 * runs it twice under zerovm for the same bytes and memory etag.
 *
 *   pc        producers and consumers over a bounded buffer (a mutex and
 *             two condition variables), joined; the sum is fixed
 *   tls       thread-local storage: each thread's copy, and main's untouched
 *   race      a counter updated with a system call between read and write:
 *             lost updates depend on the interleaving (not compared natively)
 *   timed     pthread_cond_timedwait that times out, and a sleep in a thread
 *   kill      pthread_kill of a thread waiting on a condition variable: its
 *             handler runs, the thread goes on
 *   exit      pthread_exit of main while another thread finishes the work
 *   fpu       each thread its own rounding mode (MXCSR, x87 control word),
 *             kept across switches
 *   deadlock  two threads taking two mutexes in opposite orders
 *   robust    a thread exits holding a robust mutex main waits for: main
 *             gets EOWNERDEAD (the runtime walks the robust list at the
 *             thread's exit, as Linux does; glibc leaves it to the kernel)
 *   cap       threads created until pthread_create fails (sandbox only:
 *             docs/zrt.md says 64 live at once, main included)
 *   suspend   a thread in sigsuspend, woken by pthread_kill from main
 *   pause     a thread in pause, woken by pthread_kill from main
 *   pipe      a thread's blocking read of an empty pipe, woken by main's
 *             writes; main's write of more than the pipe holds, which
 *             waits for the reader; EOF at main's close
 *   poll      a thread waits in select, poll and epoll_wait on pipes main
 *             writes to later; then an epoll_wait times out; then a read
 *             of an eventfd main writes to
 *   restart   a thread's pipe read interrupted by pthread_kill: with
 *             SA_RESTART it goes on and gets main's data, without it EINTR
 *   deadwait  main joins a thread that reads a pipe nobody writes; a third
 *             thread pauses (sandbox only: natively it hangs)
 *   alone     pause and sigsuspend with one thread (sandbox only: EINTR at
 *             once, natively they wait)
 *   procsig   kill() of the process while main blocks the signal: the
 *             thread that does not, in pause, is woken and runs the handler
 *   yield     two threads that sched_yield in turn (sandbox only: the
 *             caller of sched_yield runs again only when no other can, so
 *             they alternate; natively they run in parallel)
 *   ids       the ids of main and of two threads made one after the other
 *             (sandbox only: 1, then 2 and 3, never reused)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fenv.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define ITEMS 2000
#define CAP 8

static int buf[CAP], head, tail, count;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t notfull = PTHREAD_COND_INITIALIZER, notempty = PTHREAD_COND_INITIALIZER;

static void *producer(void *arg)
{
	int base = *(int *)arg;
	for (int i = 0; i < ITEMS; i++) {
		pthread_mutex_lock(&mu);
		while (count == CAP)
			pthread_cond_wait(&notfull, &mu);
		buf[tail] = base + i;
		tail = (tail + 1) % CAP;
		count++;
		pthread_cond_signal(&notempty);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	long *sum = arg;
	for (int i = 0; i < ITEMS; i++) {
		pthread_mutex_lock(&mu);
		while (count == 0)
			pthread_cond_wait(&notempty, &mu);
		*sum += buf[head];
		head = (head + 1) % CAP;
		count--;
		pthread_cond_signal(&notfull);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static int cmd_pc(void)
{
	pthread_t p[3], c[3];
	int base[3] = {0, 100000, 200000};
	long sum[3] = {0, 0, 0};
	for (int i = 0; i < 3; i++)
		if (pthread_create(&p[i], NULL, producer, &base[i]) || pthread_create(&c[i], NULL, consumer, &sum[i]))
			return printf("pthread_create failed\n"), 1;
	for (int i = 0; i < 3; i++)
		pthread_join(p[i], NULL), pthread_join(c[i], NULL);
	printf("pc: %d items through a buffer of %d, sum %ld, left %d\n", 3 * ITEMS, CAP, sum[0] + sum[1] + sum[2],
	       count);
	return 0;
}

static __thread long tls_value = 7;
static __thread char tls_name[16] = "main";

static void *tls_thread(void *arg)
{
	long k = (long)arg;
	snprintf(tls_name, sizeof tls_name, "thread%ld", k);
	for (int i = 0; i < 1000; i++) {
		tls_value += k;
		if (i % 100 == 0)
			sched_yield();
	}
	char *out = malloc(64);
	snprintf(out, 64, "%s %ld", tls_name, tls_value);
	return out;
}

static int cmd_tls(void)
{
	pthread_t t[4];
	for (long k = 0; k < 4; k++)
		pthread_create(&t[k], NULL, tls_thread, (void *)(k + 1));
	for (int k = 0; k < 4; k++) {
		char *s;
		pthread_join(t[k], (void **)&s);
		printf("tls: %s\n", s);
		free(s);
	}
	printf("tls: %s %ld\n", tls_name, tls_value);
	return 0;
}

static volatile long counter;

static void *racer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 300; i++) {
		long v = counter;
		sched_yield();
		counter = v + 1;
	}
	return NULL;
}

static int cmd_race(void)
{
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, racer, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("race: counter %ld of %d\n", counter, 4 * 300);
	return 0;
}

static void *sleeper(void *arg)
{
	(void)arg;
	struct timespec d = {0, 5000000};
	nanosleep(&d, NULL);
	return (void *)42;
}

static int cmd_timed(void)
{
	pthread_t t;
	pthread_create(&t, NULL, sleeper, NULL);
	struct timespec at;
	clock_gettime(CLOCK_REALTIME, &at);
	at.tv_sec += 2;
	pthread_mutex_lock(&mu);
	int r = pthread_cond_timedwait(&notempty, &mu, &at);
	pthread_mutex_unlock(&mu);
	void *v;
	pthread_join(t, &v);
	printf("timed: timedwait %s, joined %ld\n", r == ETIMEDOUT ? "ETIMEDOUT" : strerror(r), (long)v);
	return 0;
}

static volatile sig_atomic_t got;
static volatile int flag;

static void on_usr1(int sig)
{
	got = sig;
}

static void *waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	while (!flag)
		pthread_cond_wait(&notempty, &mu);
	pthread_mutex_unlock(&mu);
	return (void *)(long)got;
}

static int cmd_kill(void)
{
	signal(SIGUSR1, on_usr1);
	pthread_t t;
	pthread_create(&t, NULL, waiter, NULL);
	for (int i = 0; i < 10; i++)
		sched_yield();
	int r = pthread_kill(t, SIGUSR1);
	while (!got)
		sched_yield();
	pthread_mutex_lock(&mu);
	flag = 1;
	pthread_cond_broadcast(&notempty);
	pthread_mutex_unlock(&mu);
	void *v;
	pthread_join(t, &v);
	printf("kill: pthread_kill %d, handler saw %ld\n", r, (long)v);
	return 0;
}

static void *finisher(void *arg)
{
	(void)arg;
	for (int i = 0; i < 50; i++)
		sched_yield();
	printf("exit: the last thread prints after main's pthread_exit\n");
	fflush(stdout);
	return NULL;
}

static int cmd_exit(void)
{
	pthread_t t;
	pthread_create(&t, NULL, finisher, NULL);
	pthread_exit(NULL);
}

static void *rounder(void *arg)
{
	int mode = (int)(long)arg, kept = 1;
	fesetround(mode);
	volatile double one = 1.0, three = 3.0;
	double first = one / three;
	for (int i = 0; i < 200; i++) {
		sched_yield();
		kept &= fegetround() == mode && one / three == first;
	}
	return (void *)(long)kept;
}

static int cmd_fpu(void)
{
	int modes[3] = {FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, rounder, (void *)(long)modes[i]);
	int kept = 1;
	for (int i = 0; i < 3; i++) {
		void *v;
		pthread_join(t[i], &v);
		kept &= (long)v == 1;
	}
	printf("fpu: each thread kept its rounding mode: %s; main's is still to nearest: %s\n", kept ? "yes" : "no",
	       fegetround() == FE_TONEAREST ? "yes" : "no");
	return 0;
}

static pthread_mutex_t ma = PTHREAD_MUTEX_INITIALIZER, mb = PTHREAD_MUTEX_INITIALIZER;

static void *lock_ba(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mb);
	sched_yield();
	pthread_mutex_lock(&ma);
	return NULL;
}

static int cmd_deadlock(void)
{
	pthread_t t;
	pthread_mutex_lock(&ma);
	pthread_create(&t, NULL, lock_ba, NULL);
	while (pthread_mutex_trylock(&mb) == 0) /* until the thread holds mb */
		pthread_mutex_unlock(&mb), sched_yield();
	printf("deadlock: each thread holds one mutex and takes the other\n");
	fflush(stdout);
	pthread_mutex_lock(&mb);
	pthread_join(t, NULL);
	printf("deadlock: not reached\n");
	return 0;
}

static pthread_mutex_t mr;
static volatile int robust_held;

static void *hold_and_exit(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mr);
	robust_held = 1;
	for (int i = 0; i < 10; i++) /* main blocks on mr meanwhile */
		sched_yield();
	return NULL; /* exits holding mr */
}

static int cmd_robust(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&mr, &a);
	pthread_t t;
	pthread_create(&t, NULL, hold_and_exit, NULL);
	while (!robust_held)
		sched_yield();
	int r = pthread_mutex_lock(&mr);
	int c = r == EOWNERDEAD ? pthread_mutex_consistent(&mr) : -1;
	pthread_mutex_unlock(&mr);
	int again = pthread_mutex_lock(&mr);
	pthread_join(t, NULL);
	printf("robust: lock after its owner exited: %s; consistent: %d; locked again: %d\n",
	       r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r), c, again);
	return 0;
}

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;

static void *wait_gate(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&gate);
	pthread_mutex_unlock(&gate);
	return NULL;
}

static int cmd_cap(void)
{
	static pthread_t t[200];
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 << 10);
	pthread_mutex_lock(&gate);
	int n = 0, r = 0;
	while (n < 200 && (r = pthread_create(&t[n], &a, wait_gate, NULL)) == 0)
		n++;
	int first = r;
	pthread_mutex_unlock(&gate);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	r = n < 200 ? pthread_create(&t[0], &a, wait_gate, NULL) : -1;
	if (!r)
		pthread_join(t[0], NULL);
	printf("cap: %d threads besides main, then %s; after they ended: %s\n", n,
	       n < 200 ? strerror(first) : "no limit", r ? strerror(r) : "one more");
	return 0;
}

/* ---- waits another thread ends: sigsuspend, pause, pipes ------------------- */

static volatile int ready;

static void *suspender(void *arg)
{
	(void)arg;
	sigset_t block, wait;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &block, &wait);
	sigdelset(&wait, SIGUSR1);
	pthread_mutex_lock(&mu);
	ready = 1;
	pthread_cond_signal(&notempty);
	pthread_mutex_unlock(&mu);
	int r = sigsuspend(&wait); /* SIGUSR1 is blocked until here: it cannot be missed */
	sigset_t now;
	pthread_sigmask(SIG_BLOCK, NULL, &now);
	printf("suspend: sigsuspend %d (%s), handler saw %d, SIGUSR1 blocked again: %d\n", r, strerror(errno), (int)got,
	       sigismember(&now, SIGUSR1));
	return 0;
}

static int cmd_suspend(void)
{
	signal(SIGUSR1, on_usr1);
	pthread_t t;
	pthread_create(&t, NULL, suspender, NULL);
	pthread_mutex_lock(&mu);
	while (!ready)
		pthread_cond_wait(&notempty, &mu);
	pthread_mutex_unlock(&mu);
	pthread_kill(t, SIGUSR1);
	pthread_join(t, NULL);
	return 0;
}

static void *pauser(void *arg)
{
	(void)arg;
	int r = pause();
	printf("pause: pause %d (%s), handler saw %d\n", r, strerror(errno), (int)got);
	return 0;
}

static int cmd_pause(void)
{
	signal(SIGUSR1, on_usr1);
	pthread_t t;
	pthread_create(&t, NULL, pauser, NULL);
	struct timespec ms = {0, 1000000};
	while (!got) { /* until the thread has paused and taken it */
		nanosleep(&ms, NULL);
		pthread_kill(t, SIGUSR1);
	}
	pthread_join(t, NULL);
	return 0;
}

static int pfd[2];

static void *pipe_reader(void *arg)
{
	(void)arg;
	char b[1000];
	long total = 0, reads = 0;
	unsigned sum = 0;
	ssize_t n;
	while ((n = read(pfd[0], b, sizeof b)) > 0) { /* waits for the writer, then EOF */
		for (ssize_t i = 0; i < n; i++)
			sum = sum * 31 + (unsigned char)b[i];
		total += n, reads++;
	}
	printf("pipe: the reader got %ld bytes, checksum %08x, then %s\n", total, sum, n == 0 ? "EOF" : "an error");
	return (void *)reads;
}

static int cmd_pipe(void)
{
	if (pipe(pfd) < 0)
		return 1;
	pthread_t t;
	pthread_create(&t, NULL, pipe_reader, NULL);
	struct timespec ms = {0, 5000000};
	nanosleep(&ms, NULL); /* the reader waits on the empty pipe meanwhile */
	write(pfd[1], "hello, ", 7);
	nanosleep(&ms, NULL);
	write(pfd[1], "reader\n", 7);
	/* 256 KiB: more than the pipe holds, so the writer waits for the reader */
	static char big[256 << 10];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (char)(i * 7 + i / 4096);
	size_t off = 0;
	while (off < sizeof big) {
		ssize_t w = write(pfd[1], big + off, sizeof big - off);
		if (w <= 0)
			return 1;
		off += (size_t)w;
	}
	close(pfd[1]);
	pthread_join(t, NULL);
	printf("pipe: the writer wrote %zu bytes\n", off + 14);
	return 0;
}

static int sel[3][2], efd;

static void *poller(void *arg)
{
	(void)arg;
	char b[16];
	fd_set r;
	FD_ZERO(&r);
	FD_SET(sel[0][0], &r);
	int n = select(sel[0][0] + 1, &r, NULL, NULL, NULL); /* waits for main's write */
	printf("select: %d ready, the read end set: %d, read %zd\n", n, FD_ISSET(sel[0][0], &r),
	       read(sel[0][0], b, sizeof b));
	struct pollfd p = {sel[1][0], POLLIN, 0};
	n = poll(&p, 1, 10000);
	printf("poll: %d ready, revents POLLIN %d, read %zd\n", n, !!(p.revents & POLLIN),
	       read(sel[1][0], b, sizeof b));
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event e = {.events = EPOLLIN, .data.u64 = 42}, got;
	epoll_ctl(ep, EPOLL_CTL_ADD, sel[2][0], &e);
	n = epoll_wait(ep, &got, 1, -1);
	printf("epoll: %d ready, data %llu, EPOLLIN %d, read %zd\n", n, (unsigned long long)got.data.u64,
	       !!(got.events & EPOLLIN), read(sel[2][0], b, sizeof b));
	n = epoll_wait(ep, &got, 1, 5); /* nothing more: the timeout */
	printf("epoll: then %d after a 5 ms timeout\n", n);
	close(ep);
	uint64_t v = 0;
	ssize_t got_n = read(efd, &v, sizeof v); /* waits for main's write */
	printf("eventfd: read %zd, value %llu\n", got_n, (unsigned long long)v);
	return 0;
}

static int cmd_poll(void)
{
	for (int i = 0; i < 3; i++)
		if (pipe(sel[i]) < 0)
			return 1;
	efd = eventfd(0, 0);
	pthread_t t;
	pthread_create(&t, NULL, poller, NULL);
	struct timespec ms = {0, 20000000};
	for (int i = 0; i < 3; i++) {
		nanosleep(&ms, NULL); /* the thread waits in select, poll, epoll_wait */
		write(sel[i][1], "ready", 5);
	}
	nanosleep(&ms, NULL);
	nanosleep(&ms, NULL); /* the thread waits in its eventfd read */
	uint64_t five = 5;
	write(efd, &five, sizeof five);
	pthread_join(t, NULL);
	return 0;
}

static volatile int reading;

static void *restart_reader(void *arg)
{
	char b[16];
	reading = 1;
	ssize_t n = read(pfd[0], b, sizeof b);
	printf("restart: %s: read %zd (%s), handler ran %d\n", arg ? "SA_RESTART" : "no SA_RESTART", n,
	       n < 0 ? strerror(errno) : "data", (int)got);
	return 0;
}

static int restart_case(int flags)
{
	struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = flags};
	sigaction(SIGUSR1, &sa, NULL);
	got = 0, reading = 0;
	if (pipe(pfd) < 0)
		return 1;
	pthread_t t;
	pthread_create(&t, NULL, restart_reader, flags ? (void *)1 : NULL);
	struct timespec ms = {0, 20000000};
	while (!reading)
		sched_yield();
	nanosleep(&ms, NULL); /* the thread is in its read */
	pthread_kill(t, SIGUSR1);
	nanosleep(&ms, NULL);
	write(pfd[1], "data", 4);
	pthread_join(t, NULL);
	close(pfd[0]);
	close(pfd[1]);
	return 0;
}

static void *read_forever(void *arg)
{
	(void)arg;
	char b[4];
	read(pfd[0], b, sizeof b); /* nobody ever writes */
	return 0;
}

static void *pause_forever(void *arg)
{
	(void)arg;
	pause(); /* nobody ever sends a signal */
	return 0;
}

static int cmd_deadwait(void)
{
	if (pipe(pfd) < 0)
		return 1;
	pthread_t r, p;
	pthread_create(&r, NULL, read_forever, NULL);
	pthread_create(&p, NULL, pause_forever, NULL);
	printf("deadwait: main joins a thread reading an empty pipe; another pauses\n");
	fflush(stdout);
	pthread_join(r, NULL);
	return 0;
}

/* One thread: nothing could ever send a signal, so pause and sigsuspend
 * return EINTR at once (docs/zrt.md, Signals); natively they would wait. */
static int cmd_alone(void)
{
	int r = pause();
	printf("alone: pause %d (%s)", r, strerror(errno));
	sigset_t none;
	sigemptyset(&none);
	r = sigsuspend(&none);
	printf(", sigsuspend %d (%s)\n", r, strerror(errno));
	return 0;
}

static int cmd_restart(void)
{
	return restart_case(SA_RESTART) | restart_case(0);
}

static volatile long handler_tid;
static volatile int woken;

static void on_usr2(int sig)
{
	(void)sig;
	handler_tid = syscall(SYS_gettid);
}

static void *procsig_pauser(void *arg)
{
	(void)arg;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	long me = syscall(SYS_gettid);
	int r = pause();
	printf("procsig: pause %d (%s), the handler ran on the thread that does not block it: %s\n", r, strerror(errno),
	       handler_tid == me ? "yes" : "no");
	woken = 1;
	return NULL;
}

static int cmd_procsig(void)
{
	signal(SIGUSR2, on_usr2);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &s, NULL); /* the thread inherits it and unblocks */
	pthread_t t;
	pthread_create(&t, NULL, procsig_pauser, NULL);
	struct timespec ms = {0, 1000000};
	while (!woken) { /* until the thread has paused and taken one */
		nanosleep(&ms, NULL);
		kill(getpid(), SIGUSR2);
	}
	pthread_join(t, NULL);
	return 0;
}

static volatile int turns, stop;

static void *yielder(void *arg)
{
	(void)arg;
	while (!stop) {
		turns++;
		sched_yield();
	}
	return NULL;
}

static int cmd_yield(void)
{
	pthread_t t;
	pthread_create(&t, NULL, yielder, NULL);
	while (!turns) /* past its start's calls, in its loop */
		sched_yield();
	int ran = 0;
	for (int i = 0; i < 100; i++) {
		int before = turns;
		sched_yield();
		ran += turns != before;
	}
	stop = 1;
	pthread_join(t, NULL);
	printf("yield: the other thread ran at %d of 100 yields\n", ran);
	return 0;
}

static void *say_tid(void *arg)
{
	(void)arg;
	return (void *)syscall(SYS_gettid);
}

static int cmd_ids(void)
{
	void *a, *b;
	pthread_t t;
	pthread_create(&t, NULL, say_tid, NULL);
	pthread_join(t, &a);
	pthread_create(&t, NULL, say_tid, NULL);
	pthread_join(t, &b);
	printf("ids: main %ld, pid %ld, then %ld and %ld\n", (long)syscall(SYS_gettid), (long)getpid(), (long)a,
	       (long)b);
	return 0;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	if (!strcmp(c, "pc"))
		return cmd_pc();
	if (!strcmp(c, "tls"))
		return cmd_tls();
	if (!strcmp(c, "race"))
		return cmd_race();
	if (!strcmp(c, "timed"))
		return cmd_timed();
	if (!strcmp(c, "kill"))
		return cmd_kill();
	if (!strcmp(c, "exit"))
		return cmd_exit();
	if (!strcmp(c, "fpu"))
		return cmd_fpu();
	if (!strcmp(c, "deadlock"))
		return cmd_deadlock();
	if (!strcmp(c, "robust"))
		return cmd_robust();
	if (!strcmp(c, "cap"))
		return cmd_cap();
	if (!strcmp(c, "suspend"))
		return cmd_suspend();
	if (!strcmp(c, "pause"))
		return cmd_pause();
	if (!strcmp(c, "pipe"))
		return cmd_pipe();
	if (!strcmp(c, "poll"))
		return cmd_poll();
	if (!strcmp(c, "restart"))
		return cmd_restart();
	if (!strcmp(c, "deadwait"))
		return cmd_deadwait();
	if (!strcmp(c, "alone"))
		return cmd_alone();
	if (!strcmp(c, "procsig"))
		return cmd_procsig();
	if (!strcmp(c, "yield"))
		return cmd_yield();
	if (!strcmp(c, "ids"))
		return cmd_ids();
	fprintf(stderr,
		"usage: threads pc|tls|race|timed|kill|exit|fpu|deadlock|robust|cap|suspend|pause|pipe|poll|restart|deadwait|alone|procsig|yield|ids\n");
	return 2;
}
