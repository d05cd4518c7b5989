/*
 * ident.c - conformance rows for time, identity, limits and the calls a
 * one-process sandbox refuses.
 *
 * Times, ids and limits depend on the host: rows print relations between
 * them (monotonic never goes back, time() agrees with gettimeofday(), the
 * effective uid is the real one), never the values.
 */
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <grp.h>
#include <sys/fsuid.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "groups.h"

static int64_t ns(struct timespec t)
{
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

void group_time(void)
{
	struct timespec a, b;
	ROW("clock_gettime CLOCK_REALTIME", clock_gettime(CLOCK_REALTIME, &a));
	ROW("clock_gettime CLOCK_MONOTONIC", clock_gettime(CLOCK_MONOTONIC, &a));
	int nondec = 1;
	for (int i = 0; i < 1000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &b);
		nondec &= ns(b) >= ns(a);
		a = b;
	}
	probe_calls += 1000;
	REL("1000 reads of CLOCK_MONOTONIC never go back", nondec);
	REL("tv_nsec in range", b.tv_nsec >= 0 && b.tv_nsec < 1000000000);
	static const clockid_t ids[] = {CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,    CLOCK_MONOTONIC_COARSE,
					CLOCK_BOOTTIME,      CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		char name[64];
		snprintf(name, sizeof name, "clock_gettime clock %d", (int)ids[i]);
		ROW(name, clock_gettime(ids[i], &a));
	}
	ROW("clock_gettime clock 99", clock_gettime(99, &a));
	ROW("clock_gettime clock -1", clock_gettime(-1, &a));
	ROW("clock_getres CLOCK_MONOTONIC", clock_getres(CLOCK_MONOTONIC, &a));
	REL("resolution at most 1 ms", a.tv_sec == 0 && a.tv_nsec > 0 && a.tv_nsec <= 1000000);
	ROW("clock_getres NULL", clock_getres(CLOCK_REALTIME, NULL));
	ROW("clock_getres clock 99", clock_getres(99, &a));
	clock_gettime(CLOCK_MONOTONIC, &a);
	ROW("nanosleep 2 ms", nanosleep(&(struct timespec){0, 2000000}, 0));
	clock_gettime(CLOCK_MONOTONIC, &b);
	REL("monotonic advanced by at least 2 ms", ns(b) - ns(a) >= 2000000);
	ROW("nanosleep tv_nsec 1e9", nanosleep(&(struct timespec){0, 1000000000}, 0));
	ROW("nanosleep tv_nsec -1", nanosleep(&(struct timespec){0, -1}, 0));
	ROW("nanosleep tv_sec -1", nanosleep(&(struct timespec){-1, 0}, 0));
	ROW("nanosleep 0", nanosleep(&(struct timespec){0, 0}, 0));
	ROW("nanosleep NULL", syscall(SYS_nanosleep, NULL, NULL));
	clock_gettime(CLOCK_MONOTONIC, &a);
	struct timespec abs = {a.tv_sec, a.tv_nsec};
	abs.tv_nsec += 3000000;
	if (abs.tv_nsec >= 1000000000)
		abs.tv_sec++, abs.tv_nsec -= 1000000000;
	ERR("clock_nanosleep TIMER_ABSTIME +3 ms", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, 0));
	clock_gettime(CLOCK_MONOTONIC, &b);
	REL("monotonic reached the deadline", ns(b) >= ns(abs));
	ERR("clock_nanosleep TIMER_ABSTIME in the past", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &a, 0));
	ERR("clock_nanosleep relative 1 ms", clock_nanosleep(CLOCK_MONOTONIC, 0, &(struct timespec){0, 1000000}, 0));
	ERR("clock_nanosleep bad clock", clock_nanosleep(99, 0, &(struct timespec){0, 1}, 0));
	ERR("clock_nanosleep bad flags are ignored", clock_nanosleep(CLOCK_MONOTONIC, 2, &(struct timespec){0, 1}, 0));
	ERR("clock_nanosleep CLOCK_THREAD_CPUTIME_ID",
	    clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &(struct timespec){0, 1}, 0));
	struct timeval tv;
	ROW("gettimeofday", gettimeofday(&tv, 0));
	time_t t = time(0);
	probe_calls++;
	struct timeval tv2;
	gettimeofday(&tv2, 0);
	REL("time() between two gettimeofday()", t >= tv.tv_sec && t <= tv2.tv_sec);
	REL("tv_usec in range", tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	clock_gettime(CLOCK_REALTIME, &a);
	REL("CLOCK_REALTIME agrees with gettimeofday", a.tv_sec >= tv2.tv_sec && a.tv_sec - tv2.tv_sec <= 1);
	time_t t2;
	ROW("time(&t) returns what it stores", time(&t2) == t2);
	struct tms tm;
	REL("times() does not fail", times(&tm) != (clock_t)-1);
	struct rusage ru;
	ROW("getrusage RUSAGE_SELF", getrusage(RUSAGE_SELF, &ru));
	ROW("getrusage RUSAGE_CHILDREN", getrusage(RUSAGE_CHILDREN, &ru));
	ROW("getrusage 7", getrusage(7, &ru));
	struct itimerval it;
	ROW("getitimer ITIMER_REAL", getitimer(ITIMER_REAL, &it));
	say("itimer disarmed = %d", it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0);
	ROW("getitimer 9", getitimer(9, &it));
	ROW("alarm 0 (none pending)", alarm(0));
}

void group_ident(void)
{
	pid_t pid = getpid();
	probe_calls++;
	REL("getpid > 0", pid > 0);
	REL("gettid == getpid", syscall(SYS_gettid) == pid);
	REL("getppid != getpid", getppid() != pid);
	REL("getpgid(0) == getpgrp()", getpgid(0) == getpgrp());
	REL("getsid(0) == getsid(getpid())", getsid(0) == getsid(pid));
	ROW("getpgid of no such process", getpgid(0x3fffffff));
	ROW("getsid of no such process", getsid(0x3fffffff));
	REL("getuid == geteuid", getuid() == geteuid());
	REL("getgid == getegid", getgid() == getegid());
	uid_t r, e, s;
	ROW("getresuid", getresuid(&r, &e, &s));
	REL("real == effective == saved uid", r == e && e == s && r == getuid());
	gid_t gr, ge, gs;
	ROW("getresgid", getresgid(&gr, &ge, &gs));
	REL("real == effective == saved gid", gr == ge && ge == gs && gr == getgid());
	ROW("setuid(getuid())", setuid(getuid()));
	ROW("setgid(getgid())", setgid(getgid()));
	REL("getgroups(0, NULL) >= 0", getgroups(0, 0) >= 0);
	probe_calls += 13;
	struct utsname u;
	ROW("uname", uname(&u));
	say("sysname = %s machine = %s", u.sysname, u.machine);
	REL("nodename not empty", u.nodename[0] != 0);
	REL("release starts with a digit", u.release[0] >= '0' && u.release[0] <= '9');
	struct rlimit rl;
	static const struct {
		int res;
		const char *name;
	} lims[] = {{RLIMIT_NOFILE, "NOFILE"}, {RLIMIT_STACK, "STACK"}, {RLIMIT_AS, "AS"},      {RLIMIT_DATA, "DATA"},
		    {RLIMIT_CORE, "CORE"},     {RLIMIT_NPROC, "NPROC"}, {RLIMIT_FSIZE, "FSIZE"}};
	for (size_t i = 0; i < sizeof lims / sizeof lims[0]; i++) {
		char name[64];
		snprintf(name, sizeof name, "getrlimit RLIMIT_%s", lims[i].name);
		ROW(name, getrlimit(lims[i].res, &rl));
		snprintf(name, sizeof name, "RLIMIT_%s soft <= hard", lims[i].name);
		REL(name, rl.rlim_cur <= rl.rlim_max);
	}
	getrlimit(RLIMIT_NOFILE, &rl);
	REL("RLIMIT_NOFILE at least 64", rl.rlim_cur >= 64);
	getrlimit(RLIMIT_STACK, &rl);
	REL("RLIMIT_STACK at least 64 KiB", rl.rlim_cur >= 65536);
	ROW("getrlimit 100", getrlimit(100, &rl));
	ROW("prlimit of no such process", prlimit(0x3fffffff, RLIMIT_NOFILE, 0, &rl));
	ROW("setrlimit soft above hard", setrlimit(RLIMIT_CORE, &(struct rlimit){2, 1}));
	ROW("setrlimit bad resource", setrlimit(100, &(struct rlimit){0, 0}));
	ROW("sysconf _SC_PAGESIZE", sysconf(_SC_PAGESIZE));
	REL("sysconf _SC_NPROCESSORS_ONLN >= 1", sysconf(_SC_NPROCESSORS_ONLN) >= 1);
	REL("sysconf _SC_OPEN_MAX >= 64", sysconf(_SC_OPEN_MAX) >= 64);
	unsigned char rb[16];
	ROW("getrandom 16", getrandom(rb, sizeof rb, 0));
	ROW("getrandom GRND_NONBLOCK", getrandom(rb, sizeof rb, GRND_NONBLOCK));
	ROW("getrandom bad flags", getrandom(rb, sizeof rb, 0x100));
	ROW("getrandom 0 bytes", getrandom(rb, 0, 0));
	char nm[16] = {0};
	ROW("prctl PR_SET_NAME", prctl(PR_SET_NAME, "probe-name"));
	ROW("prctl PR_GET_NAME", prctl(PR_GET_NAME, nm));
	say("name = %s", nm);
	cpu_set_t cs;
	ROW("sched_getaffinity", sched_getaffinity(0, sizeof cs, &cs) == 0 ? 0 : -1);
	REL("at least one CPU", CPU_COUNT(&cs) >= 1);
	ROW("sched_yield", sched_yield());
	ROW("umask 027", (umask(022), umask(027)));
	ROW("umask back", umask(022));
	ROW("personality query", personality(0xffffffff) >= 0 ? 0 : -1);
	ROW("kill no such process", kill(0x3fffffff, 0));
	ROW("kill self, signal 0", kill(getpid(), 0));
	ROW("kill self, signal 65", kill(getpid(), 65));
	ROW("wait4 with no children", wait4(-1, 0, WNOHANG, 0));
	ROW("waitid with no children", waitid(P_ALL, 0, 0, WEXITED | WNOHANG));
}

/* The set*id family as an unprivileged user sees it (run natively as one,
 * like "process": as root every change would succeed). An id is a C
 * uid_t, the low 32 bits of the register: glibc passes (uid_t)-1
 * zero-extended, and -1 means "unchanged" for setre*id, setres*id and
 * setfs*id (setuid(-1) and setgid(-1) are EINVAL). The ids themselves
 * differ (1000 in the sandbox), so rows use the caller's own and a foreign
 * one (4242, nobody's in neither run). */
#define FOREIGN 4242u
#define HIGH 0xdead000000000000ul /* garbage in the upper half of a register */

void group_setid(void)
{
	uid_t u = getuid();
	gid_t g = getgid();
	ROW("setuid(-1)", setuid((uid_t)-1));
	ROW("setgid(-1)", setgid((gid_t)-1));
	ROW("setuid(own)", setuid(u));
	ROW("setgid(own)", setgid(g));
	ROW("setuid(foreign)", setuid(FOREIGN));
	ROW("setgid(foreign)", setgid(FOREIGN));
	ROW("setreuid(-1, -1)", setreuid((uid_t)-1, (uid_t)-1));
	ROW("setregid(-1, -1)", setregid((gid_t)-1, (gid_t)-1));
	ROW("setreuid(own, -1)", setreuid(u, (uid_t)-1));
	ROW("setreuid(-1, own)", setreuid((uid_t)-1, u));
	ROW("setregid(own, own)", setregid(g, g));
	ROW("setreuid(foreign, -1)", setreuid(FOREIGN, (uid_t)-1));
	ROW("setreuid(-1, foreign)", setreuid((uid_t)-1, FOREIGN));
	ROW("setregid(-1, foreign)", setregid((gid_t)-1, FOREIGN));
	ROW("setresuid(-1, -1, -1)", setresuid((uid_t)-1, (uid_t)-1, (uid_t)-1));
	ROW("setresgid(-1, -1, -1)", setresgid((gid_t)-1, (gid_t)-1, (gid_t)-1));
	ROW("setresuid(own, -1, -1)", setresuid(u, (uid_t)-1, (uid_t)-1));
	ROW("setresuid(own, own, own)", setresuid(u, u, u));
	ROW("setresgid(-1, own, -1)", setresgid((gid_t)-1, g, (gid_t)-1));
	ROW("setresuid(foreign, -1, -1)", setresuid(FOREIGN, (uid_t)-1, (uid_t)-1));
	ROW("setresuid(-1, -1, foreign)", setresuid((uid_t)-1, (uid_t)-1, FOREIGN));
	ROW("setresgid(-1, foreign, -1)", setresgid((gid_t)-1, FOREIGN, (gid_t)-1));
	REL("setfsuid(-1) gives the fsuid, the uid", setfsuid((uid_t)-1) == (int)u);
	REL("setfsuid(foreign) gives the fsuid", setfsuid(FOREIGN) == (int)u);
	REL("setfsuid(-1) after: unchanged", setfsuid((uid_t)-1) == (int)u);
	REL("setfsuid(own) gives the fsuid", setfsuid(u) == (int)u);
	REL("setfsgid(-1) gives the fsgid, the gid", setfsgid((gid_t)-1) == (int)g);
	REL("setfsgid(foreign) gives the fsgid", setfsgid(FOREIGN) == (int)g);
	REL("setfsgid(-1) after: unchanged", setfsgid((gid_t)-1) == (int)g);
	probe_calls += 7;
	/* The raw calls with garbage above the 32-bit id. */
	ROW("setuid(HIGH|own)", syscall(SYS_setuid, HIGH | u));
	ROW("setuid(HIGH|foreign)", syscall(SYS_setuid, HIGH | FOREIGN));
	ROW("setuid(HIGH|0xffffffff)", syscall(SYS_setuid, HIGH | 0xfffffffful));
	ROW("setreuid(HIGH|-1, HIGH|own)", syscall(SYS_setreuid, HIGH | 0xfffffffful, HIGH | u));
	ROW("setresgid(HIGH|own, HIGH|-1, HIGH|-1)",
	    syscall(SYS_setresgid, HIGH | g, HIGH | 0xfffffffful, HIGH | 0xfffffffful));
	ROW("setresuid(-1L, -1L, -1L)", syscall(SYS_setresuid, -1L, -1L, -1L));
	REL("setfsuid(HIGH|-1) gives the uid", syscall(SYS_setfsuid, HIGH | 0xfffffffful) == u);
	probe_calls++;
	REL("ids unchanged", getuid() == u && geteuid() == u && getgid() == g && getegid() == g);
	ROW("setgroups(0, NULL)", setgroups(0, NULL));
	ROW("setgroups(1, {own})", setgroups(1, &g));
	ROW("setgroups(-1, NULL)", syscall(SYS_setgroups, -1, NULL));
	ROW("getgroups(0, NULL)", getgroups(0, NULL));
	ROW("getgroups(-1, NULL)", syscall(SYS_getgroups, -1, NULL));
	ROW("getgroups(HIGH|0, NULL)", syscall(SYS_getgroups, HIGH, NULL));
}

/* What a one-process sandbox refuses, compared with a native process that
 * may not create any (run natively as an unprivileged user with
 * RLIMIT_NPROC 0: fork and clone fail with EAGAIN). pthread_create is not
 * here: the sandbox runs threads, compared with native runs in
 * tests/zrt/threads.sh. */
void group_process(void)
{
	fflush(0);
	pid_t p = fork();
	if (p == 0)
		_exit(0);
	probe_calls++;
	say("fork = %s", p < 0 ? errname(errno) : "a child");
	errno = 0;
	int st = system("exit 3");
	probe_calls++;
	say("system = %d (exited %d, status %d) errno %s", st != -1 ? 0 : -1, WIFEXITED(st), WEXITSTATUS(st),
	    errno ? errname(errno) : "0");
	errno = 0;
	FILE *f = popen("echo hi", "r");
	probe_calls++;
	say("popen = %s errno %s", f ? "a stream" : "NULL", errno ? errname(errno) : "0");
	pid_t sp;
	ERR("posix_spawn", posix_spawn(&sp, "/bin/true", 0, 0, (char *[]){"true", 0}, 0));
	long c = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (c == 0)
		_exit(0);
	probe_calls++;
	say("clone = %s", c < 0 ? errname(errno) : "a child");
}
