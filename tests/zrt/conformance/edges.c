/*
 * edges.c - conformance rows for odd but legal arguments to the calls of
 * descriptors, signals, processes and limits: which check comes first
 * when several fail, arguments a call validates though it changes
 * nothing, and values Linux accepts that a runtime might not.
 */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/futex.h>

#include "groups.h"

/* Descriptors: dup3's order, fcntl on O_PATH and its lock checks, the
 * calls that need an open file, copy_file_range and sendfile. */
void group_fd_edges(void)
{
	int fd = open("e", O_CREAT | O_RDWR | O_TRUNC, 0600);
	write(fd, "0123456789", 10);

	/* dup3: the flags, then old == new, then the descriptors. */
	ROW("dup3 bad old, bad flags", dup3(77, 12, 8));
	ROW("dup3 bad old, old == new", dup3(77, 77, 0));
	ROW("dup3 old == new, bad flags", dup3(fd, fd, 8));
	ROW("dup3 new -1, bad old", dup3(77, -1, 0));
	ROW("dup2 bad old, new -1", dup2(77, -1));
	ROW("dup2 bad old == new", dup2(77, 77));

	/* fcntl on an O_PATH descriptor: only the descriptor commands. */
	int path = open("e", O_PATH);
	ROW("fcntl O_PATH F_GETFD", fcntl(path, F_GETFD));
	ROW("fcntl O_PATH F_GETFL has O_PATH", (fcntl(path, F_GETFL) & O_PATH) != 0);
	ROW("fcntl O_PATH F_SETFL", fcntl(path, F_SETFL, O_NONBLOCK));
	ROW("fcntl O_PATH F_DUPFD", fcntl(path, F_DUPFD, 40) >= 0);
	ROW("fcntl O_PATH F_GETLK", fcntl(path, F_GETLK, &(struct flock){.l_type = F_RDLCK}));
	ROW("fcntl O_PATH F_SETLK", fcntl(path, F_SETLK, &(struct flock){.l_type = F_RDLCK}));
	ROW("fstat O_PATH", fstat(path, &(struct stat){0}));
	ROW("fchmod O_PATH", fchmod(path, 0600));
	ROW("ftruncate O_PATH", ftruncate(path, 0));
	ROW("fallocate O_PATH", fallocate(path, 0, 0, 1));
	ROW("fchdir O_PATH (a file)", fchdir(path));
	ROW("getdents64 O_PATH", syscall(SYS_getdents64, path, top_buf, sizeof top_buf));
	ROW("ioctl O_PATH FIOCLEX", ioctl(path, FIOCLEX));
	ROW("mmap O_PATH", mmap(0, 4096, PROT_READ, MAP_PRIVATE, path, 0) == MAP_FAILED ? -1 : 0);
	struct pollfd pf = {path, POLLIN, 0};
	ROW("poll O_PATH", poll(&pf, 1, 0));
	say("  revents %x", pf.revents);
	close(path);
	/* Locks: the lock's type and the descriptor's access mode. */
	int ro = open("e", O_RDONLY);
	ROW("F_SETLK F_WRLCK on O_RDONLY", fcntl(ro, F_SETLK, &(struct flock){.l_type = F_WRLCK}));
	ROW("F_SETLK F_RDLCK on O_WRONLY", fcntl(open("e", O_WRONLY), F_SETLK, &(struct flock){.l_type = F_RDLCK}));
	ROW("F_SETLK bad type", fcntl(fd, F_SETLK, &(struct flock){.l_type = 7}));
	ROW("F_GETLK bad type", fcntl(fd, F_GETLK, &(struct flock){.l_type = 7}));
	ROW("F_GETLK F_UNLCK", fcntl(fd, F_GETLK, &(struct flock){.l_type = F_UNLCK}));
	ROW("F_SETLK bad whence", fcntl(fd, F_SETLK, &(struct flock){.l_type = F_RDLCK, .l_whence = 9}));
	ROW("F_SETLK NULL", fcntl(fd, F_SETLK, NULL));
	ROW("F_GETLK NULL", fcntl(fd, F_GETLK, NULL));
	ROW("F_GETOWN", fcntl(fd, F_GETOWN));
	ROW("F_GETSIG", fcntl(fd, F_GETSIG));
	ROW("F_GETLEASE", fcntl(fd, F_GETLEASE));
	ROW("F_SETFD 0x100 (only FD_CLOEXEC)", (fcntl(fd, F_SETFD, 0x101), fcntl(fd, F_GETFD)));
	fcntl(fd, F_SETFD, 0);

	/* copy_file_range: an output offset, the kinds of file. */
	int out = open("e2", O_CREAT | O_RDWR | O_TRUNC, 0600);
	loff_t oi = 2, oo = 3;
	ROW("copy_file_range with both offsets", syscall(SYS_copy_file_range, fd, &oi, out, &oo, 4, 0));
	say("offsets now %ld %ld, positions %ld %ld", (long)oi, (long)oo, (long)lseek(fd, 0, SEEK_CUR),
	    (long)lseek(out, 0, SEEK_CUR));
	ROW("copy_file_range flags 1", syscall(SYS_copy_file_range, fd, NULL, out, NULL, 4, 1));
	ROW("copy_file_range bad in", syscall(SYS_copy_file_range, 77, NULL, out, NULL, 4, 1));
	int p[2];
	pipe(p);
	ROW("copy_file_range from a pipe", syscall(SYS_copy_file_range, p[0], NULL, out, NULL, 4, 0));
	ROW("copy_file_range to a pipe", syscall(SYS_copy_file_range, fd, &oi, p[1], NULL, 4, 0));
	ROW("copy_file_range from a directory",
	    syscall(SYS_copy_file_range, open(".", O_RDONLY), NULL, out, NULL, 4, 0));
	ROW("copy_file_range to O_RDONLY", syscall(SYS_copy_file_range, fd, &oi, ro, NULL, 4, 0));
	ROW("copy_file_range from O_WRONLY", syscall(SYS_copy_file_range, open("e", O_WRONLY), NULL, out, NULL, 4, 0));
	ROW("copy_file_range to O_APPEND",
	    syscall(SYS_copy_file_range, fd, &oi, open("e2", O_WRONLY | O_APPEND), NULL, 4, 0));
	ROW("copy_file_range overlapping, same file",
	    syscall(SYS_copy_file_range, fd, &(loff_t){0}, fd, &(loff_t){2}, 4, 0));
	ROW("copy_file_range negative offset", syscall(SYS_copy_file_range, fd, &(loff_t){-1}, out, NULL, 4, 0));
	ROW("copy_file_range past the end", syscall(SYS_copy_file_range, fd, &(loff_t){100}, out, NULL, 4, 0));
	ROW("sendfile to a pipe", sendfile(p[1], fd, &(off_t){0}, 3));
	ROW("sendfile from a pipe", sendfile(out, p[0], NULL, 3));
	ROW("sendfile negative offset", sendfile(out, fd, &(off_t){-1}, 3));
	close(out);

	close(fd);
}

/* Signals: which error comes first, and what a bad output pointer leaves
 * done. */
void group_sig_edges(void)
{
	struct sigaction sa = {0}, old;
	sa.sa_handler = SIG_IGN;
	ROW("rt_sigaction bad signal, bad act", syscall(SYS_rt_sigaction, 0, (void *)8, NULL, 8));
	ROW("rt_sigaction bad signal, bad size", syscall(SYS_rt_sigaction, 0, &sa, NULL, 4));
	ROW("rt_sigaction SIGKILL, NULL act", syscall(SYS_rt_sigaction, SIGKILL, NULL, &old, 8));
	ROW("rt_sigaction SIGUSR1, bad oact", syscall(SYS_rt_sigaction, SIGUSR1, &sa, (void *)8, 8));
	sigaction(SIGUSR1, NULL, &old);
	ROW("  the action was set anyway", old.sa_handler == SIG_IGN);
	signal(SIGUSR1, SIG_DFL);
	sigset_t s1;
	sigemptyset(&s1);
	sigaddset(&s1, SIGUSR2);
	ROW("rt_sigprocmask bad how, NULL set", syscall(SYS_rt_sigprocmask, 9, NULL, NULL, 8));
	ROW("rt_sigprocmask bad how, bad set", syscall(SYS_rt_sigprocmask, 9, (void *)8, NULL, 8));
	ROW("rt_sigprocmask SIG_BLOCK, bad oset", syscall(SYS_rt_sigprocmask, SIG_BLOCK, &s1, (void *)8, 8));
	sigset_t now;
	sigprocmask(SIG_SETMASK, NULL, &now);
	ROW("  USR2 was blocked anyway", sigismember(&now, SIGUSR2));
	sigprocmask(SIG_UNBLOCK, &s1, NULL);
	ROW("rt_sigpending size 4", syscall(SYS_rt_sigpending, &now, 4));
	ROW("rt_sigpending size 9", syscall(SYS_rt_sigpending, &now, 9));
	ROW("rt_sigsuspend size 4", syscall(SYS_rt_sigsuspend, &now, 4));
	siginfo_t si = {0};
	si.si_code = SI_QUEUE;
	ROW("rt_sigqueueinfo no such pid, SI_QUEUE", syscall(SYS_rt_sigqueueinfo, 0x3fffffff, SIGUSR1, &si));
	si.si_code = SI_USER;
	ROW("rt_sigqueueinfo no such pid, SI_USER", syscall(SYS_rt_sigqueueinfo, 0x3fffffff, SIGUSR1, &si));
	si.si_code = SI_TKILL;
	ROW("rt_sigqueueinfo no such pid, SI_TKILL", syscall(SYS_rt_sigqueueinfo, 0x3fffffff, SIGUSR1, &si));
	si.si_code = SI_QUEUE;
	ROW("rt_sigqueueinfo pid 0, SI_QUEUE", syscall(SYS_rt_sigqueueinfo, 0, SIGUSR1, &si));
	ROW("rt_sigqueueinfo pid -1, SI_QUEUE", syscall(SYS_rt_sigqueueinfo, -1, SIGUSR1, &si));
	si.si_code = SI_USER;
	ROW("rt_sigqueueinfo pid 0, SI_USER", syscall(SYS_rt_sigqueueinfo, 0, SIGUSR1, &si));
	ROW("rt_sigqueueinfo bad info", syscall(SYS_rt_sigqueueinfo, 0x3fffffff, SIGUSR1, (void *)8));
	si.si_code = SI_QUEUE;
	ROW("rt_sigqueueinfo self, signal 0", syscall(SYS_rt_sigqueueinfo, getpid(), 0, &si));
	ROW("rt_sigqueueinfo self, signal 99", syscall(SYS_rt_sigqueueinfo, getpid(), 99, &si));
	ROW("rt_tgsigqueueinfo tid 0", syscall(SYS_rt_tgsigqueueinfo, getpid(), 0, 0, &si));
	ROW("rt_tgsigqueueinfo tgid -1", syscall(SYS_rt_tgsigqueueinfo, -1, gettid(), 0, &si));
	ROW("rt_tgsigqueueinfo wrong tgid", syscall(SYS_rt_tgsigqueueinfo, 0x3fffffff, gettid(), 0, &si));
	ROW("rt_tgsigqueueinfo self, signal 0", syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid(), 0, &si));
	ROW("kill no such process, bad signal", kill(0x3fffffff, 99));
	ROW("kill INT_MIN", kill(INT32_MIN, 0));
	ROW("tkill no such tid, bad signal", syscall(SYS_tkill, 0x3fffffff, 99));
	ROW("tkill self, bad signal", syscall(SYS_tkill, gettid(), 99));
}

/* Processes, limits, memory and owners as an unprivileged user sees them
 * (run natively as one: root may raise limits and give files away). */
void group_proc_edges(void)
{
	int fd = open("e", O_CREAT | O_RDWR | O_TRUNC, 0600);
	/* Processes. */
	ROW("wait4 bad options", wait4(-1, NULL, 0x10000000, NULL));
	ROW("wait4 INT_MIN", wait4(INT32_MIN, NULL, WNOHANG, NULL));
	ROW("waitid bad idtype", waitid(7, 0, NULL, WEXITED));
	ROW("waitid no state to wait for", waitid(P_ALL, 0, NULL, WNOHANG));
	ROW("waitid bad options", waitid(P_ALL, 0, NULL, WEXITED | 0x10000000));
	ROW("waitid P_PID 0", waitid(P_PID, 0, NULL, WEXITED | WNOHANG));
	ROW("waitid P_PGID -1", waitid(P_PGID, -1, NULL, WEXITED | WNOHANG));
	ROW("waitid P_PIDFD bad fd", waitid(P_PIDFD, 77, NULL, WEXITED | WNOHANG));
	ROW("personality query", personality(0xffffffff));
	ROW("personality ADDR_NO_RANDOMIZE (old)", personality(ADDR_NO_RANDOMIZE));
	ROW("personality query", personality(0xffffffff));
	ROW("personality 0 (old)", personality(0));
	ROW("personality query", personality(0xffffffff));
	ROW("prctl PR_SET_DUMPABLE 2", prctl(PR_SET_DUMPABLE, 2, 0, 0, 0));
	ROW("prctl PR_SET_DUMPABLE 0", prctl(PR_SET_DUMPABLE, 0, 0, 0, 0));
	ROW("prctl PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	ROW("prctl PR_SET_DUMPABLE 1", prctl(PR_SET_DUMPABLE, 1, 0, 0, 0));
	ROW("prctl PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	ROW("prctl PR_SET_NO_NEW_PRIVS 0", prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0));
	ROW("prctl PR_SET_NO_NEW_PRIVS 1, arg3", prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0));
	ROW("prctl PR_GET_NO_NEW_PRIVS arg2", prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ROW("prctl PR_SET_PDEATHSIG 65", prctl(PR_SET_PDEATHSIG, 65, 0, 0, 0));
	ROW("prctl PR_SET_PDEATHSIG SIGUSR1", prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0));
	int sig = -1;
	ROW("prctl PR_GET_PDEATHSIG", prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0));
	say("  pdeathsig %d", sig);
	ROW("prctl PR_SET_PDEATHSIG 0", prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0));
	ROW("prctl PR_SET_NAME NULL", prctl(PR_SET_NAME, NULL, 0, 0, 0));
	ROW("prctl PR_GET_NAME NULL", prctl(PR_GET_NAME, NULL, 0, 0, 0));
	ROW("prctl PR_GET_KEEPCAPS", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
	ROW("prctl PR_GET_TIMERSLACK > 0", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0) > 0);
	ROW("prctl PR_GET_SECCOMP", prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0);
	ROW("prctl 9999", prctl(9999, 0, 0, 0, 0));

	/* Limits. */
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	ROW("setrlimit bad resource, NULL", syscall(SYS_setrlimit, 100, NULL));
	ROW("getrlimit bad resource, NULL", syscall(SYS_getrlimit, 100, NULL));
	ROW("prlimit no such pid, bad new", syscall(SYS_prlimit64, 0x3fffffff, RLIMIT_NOFILE, (void *)8, NULL));
	ROW("prlimit bad resource, bad new", syscall(SYS_prlimit64, 0, 100, (void *)8, NULL));
	ROW("setrlimit NOFILE hard + 1", setrlimit(RLIMIT_NOFILE, &(struct rlimit){rl.rlim_cur, rl.rlim_max + 1}));
	ROW("setrlimit NOFILE soft above hard",
	    setrlimit(RLIMIT_NOFILE, &(struct rlimit){rl.rlim_max + 1, rl.rlim_max}));
	ROW("setrlimit NOFILE unchanged", setrlimit(RLIMIT_NOFILE, &rl));
	ROW("setrlimit NOFILE 2^30", setrlimit(RLIMIT_NOFILE, &(struct rlimit){1 << 30, 1 << 30}));
	cpu_set_t cs;
	ROW("sched_getaffinity size 12", syscall(SYS_sched_getaffinity, 0, 12, &cs));
	ROW("sched_getaffinity size 0", syscall(SYS_sched_getaffinity, 0, 0, &cs));
	ROW("sched_getaffinity no such pid", syscall(SYS_sched_getaffinity, 0x3fffffff, sizeof cs, &cs));
	ROW("sched_getaffinity NULL", syscall(SYS_sched_getaffinity, 0, sizeof cs, NULL));
	ROW("sched_setaffinity no such pid", syscall(SYS_sched_setaffinity, 0x3fffffff, sizeof cs, &cs));
	ROW("sched_setaffinity empty set", syscall(SYS_sched_setaffinity, 0, sizeof cs, &(cpu_set_t){0}));
	ROW("getcpu NULL, NULL", syscall(SYS_getcpu, NULL, NULL, NULL));
	ROW("getcpu bad pointer", syscall(SYS_getcpu, (void *)8, NULL, NULL));
	ROW("getpriority self (raw: 20 - nice)", syscall(SYS_getpriority, PRIO_PROCESS, 0));
	ROW("getpriority bad which", syscall(SYS_getpriority, 7, 0));
	ROW("getpriority no such pid", syscall(SYS_getpriority, PRIO_PROCESS, 0x3fffffff));
	ROW("getpriority own user", syscall(SYS_getpriority, PRIO_USER, getuid()));
	ROW("getpriority own group", syscall(SYS_getpriority, PRIO_PGRP, 0));
	ROW("setpriority 5", setpriority(PRIO_PROCESS, 0, 5));
	ROW("getpriority after", syscall(SYS_getpriority, PRIO_PROCESS, 0));
	ROW("setpriority back to 0", setpriority(PRIO_PROCESS, 0, 0));
	ROW("setpriority 100 (19)", setpriority(PRIO_PROCESS, 0, 100));
	ROW("getpriority after", syscall(SYS_getpriority, PRIO_PROCESS, 0));
	ROW("setpriority bad which", setpriority(7, 0, 19));
	ROW("setpriority no such pid", setpriority(PRIO_PROCESS, 0x3fffffff, 19));
	ROW("getrlimit RLIMIT_NICE", getrlimit(RLIMIT_NICE, &rl));
	say("  nice limit %ld %ld", (long)rl.rlim_cur, (long)rl.rlim_max);

	/* Memory calls that change nothing but check their arguments. */
	char *m = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ROW("msync", msync(m, 4096, MS_SYNC));
	ROW("msync unaligned", msync(m + 1, 4096, MS_SYNC));
	ROW("msync bad flags", msync(m, 4096, 0x100));
	ROW("msync MS_SYNC|MS_ASYNC", msync(m, 4096, MS_SYNC | MS_ASYNC));
	ROW("mlock", mlock(m, 4096));
	ROW("munlock", munlock(m, 4096));
	ROW("mlockall 0", mlockall(0));
	ROW("mlock2 bad flags", syscall(SYS_mlock2, m, 4096, 0x100));
	munmap(m, 8192);
	ROW("msync unmapped", msync(m, 4096, MS_SYNC));
	ROW("mlock unmapped", mlock(m, 4096));

	/* chown: the path or descriptor, and to whom. */
	ROW("chown missing", chown("nope", (uid_t)-1, (gid_t)-1));
	ROW("chown -1 -1", chown("e", (uid_t)-1, (gid_t)-1));
	ROW("chown own", chown("e", getuid(), getgid()));
	ROW("chown to a foreign uid", chown("e", 4242, (gid_t)-1));
	ROW("chown to a foreign gid", chown("e", (uid_t)-1, 4242));
	ROW("fchown bad fd", fchown(77, (uid_t)-1, (gid_t)-1));
	ROW("fchown -1 -1", fchown(fd, (uid_t)-1, (gid_t)-1));
	ROW("lchown missing", lchown("nope", (uid_t)-1, (gid_t)-1));
	ROW("fchownat bad flags", fchownat(AT_FDCWD, "e", (uid_t)-1, (gid_t)-1, 0x4));
	close(fd);
}

/* Calls of time, attributes, names and memory: output pointers that must
 * be writable, flags checked before the path, the order of utimensat's
 * checks, the old utime calls' times, FIONBIO, advice on memory that is
 * not mapped, futex's checks. */
void group_call_edges(void)
{
	int fd = open("c", O_CREAT | O_RDWR | O_TRUNC, 0600);
	static char sb[4096];
	ROW("gettimeofday NULL, NULL", syscall(SYS_gettimeofday, NULL, NULL));
	ROW("gettimeofday bad tz", syscall(SYS_gettimeofday, NULL, (void *)8));
	ROW("times NULL >= 0", syscall(SYS_times, NULL) >= 0);
	ROW("times bad", syscall(SYS_times, (void *)8));
	ROW("getitimer NULL", syscall(SYS_getitimer, ITIMER_REAL, NULL));
	ROW("getitimer bad which, NULL", syscall(SYS_getitimer, 9, NULL));
	ROW("setitimer NULL new (disarm)", syscall(SYS_setitimer, ITIMER_REAL, NULL, NULL));
	ROW("setitimer usec 2000000", setitimer(ITIMER_REAL, &(struct itimerval){{0, 0}, {0, 2000000}}, NULL));
	ROW("setitimer sec -1", setitimer(ITIMER_REAL, &(struct itimerval){{0, 0}, {-1, 0}}, NULL));
	ROW("setitimer bad value, bad which", syscall(SYS_setitimer, 9, (void *)8, NULL));
	ROW("setitimer bad which", setitimer(9, &(struct itimerval){{0, 0}, {0, 0}}, NULL));
	ROW("setitimer bad old", syscall(SYS_setitimer, ITIMER_REAL, &(struct itimerval){{0, 0}, {0, 0}}, (void *)8));
	ROW("newfstatat bad flags", fstatat(AT_FDCWD, "c", (struct stat *)sb, 0x1));
	ROW("newfstatat bad flags, missing", fstatat(AT_FDCWD, "nope", (struct stat *)sb, 0x1));
	ROW("newfstatat AT_NO_AUTOMOUNT", fstatat(AT_FDCWD, "c", (struct stat *)sb, AT_NO_AUTOMOUNT));
	ROW("statx bad flags", syscall(SYS_statx, AT_FDCWD, "c", 0x1, 0x7ff, sb));
	ROW("statx reserved mask", syscall(SYS_statx, AT_FDCWD, "c", 0, 0x80000000u, sb));
	ROW("statx both sync types", syscall(SYS_statx, AT_FDCWD, "c", 0x6000, 0x7ff, sb));
	ROW("statx AT_STATX_DONT_SYNC", syscall(SYS_statx, AT_FDCWD, "c", 0x4000, 0x7ff, sb));
	ROW("statx NULL buf", syscall(SYS_statx, AT_FDCWD, "c", 0, 0x7ff, NULL));
	ROW("access mode 8", access("c", 8));
	ROW("access mode 8, missing", access("nope", 8));
	ROW("faccessat2 bad flags", syscall(SYS_faccessat2, AT_FDCWD, "c", 0, 0x1));
	ROW("faccessat2 AT_EACCESS", syscall(SYS_faccessat2, AT_FDCWD, "c", 0, AT_EACCESS));
	ROW("utimensat bad flags", syscall(SYS_utimensat, AT_FDCWD, "c", NULL, 0x1));
	ROW("utimensat bad flags, missing", syscall(SYS_utimensat, AT_FDCWD, "nope", NULL, 0x1));
	struct timespec omit[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};
	ROW("utimensat both UTIME_OMIT, missing", syscall(SYS_utimensat, AT_FDCWD, "nope", omit, 0));
	ROW("utimensat bad nsec, missing",
	    syscall(SYS_utimensat, AT_FDCWD, "nope", (struct timespec[2]){{0, -5}, {0, 0}}, 0));
	ROW("utimensat NULL path, a descriptor", syscall(SYS_utimensat, fd, NULL, NULL, 0));
	ROW("utimensat NULL path, AT_FDCWD", syscall(SYS_utimensat, AT_FDCWD, NULL, NULL, 0));
	ROW("utimensat NULL path, flags", syscall(SYS_utimensat, fd, NULL, NULL, AT_SYMLINK_NOFOLLOW));
	struct stat st;
	ROW("utime 1000000000, 1200000000", syscall(SYS_utime, "c", &(long[2]){1000000000, 1200000000}));
	stat("c", &st);
	say("  atime %ld.%09ld mtime %ld.%09ld", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec,
	    st.st_mtim.tv_nsec);
	ROW("utimes with microseconds",
	    syscall(SYS_utimes, "c", (struct timeval[2]){{1000000001, 5}, {1200000001, 7}}));
	stat("c", &st);
	say("  atime %ld.%09ld mtime %ld.%09ld", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec,
	    st.st_mtim.tv_nsec);
	ROW("utimes usec 1000000", syscall(SYS_utimes, "c", (struct timeval[2]){{0, 1000000}, {0, 0}}));
	ROW("utimes bad times", syscall(SYS_utimes, "c", (void *)8));
	ROW("futimesat with seconds", syscall(SYS_futimesat, AT_FDCWD, "c", (struct timeval[2]){{5, 0}, {6, 0}}));
	stat("c", &st);
	say("  atime %ld mtime %ld", (long)st.st_atim.tv_sec, (long)st.st_mtim.tv_sec);
	ROW("unlinkat bad flags, missing", syscall(SYS_unlinkat, AT_FDCWD, "nope", 0x1));
	ROW("linkat bad flags", syscall(SYS_linkat, AT_FDCWD, "c", AT_FDCWD, "c2", 0x1));
	int p[2];
	pipe(p);
	ROW("ioctl FIONBIO NULL", ioctl(p[0], FIONBIO, NULL));
	ROW("ioctl FIONBIO 1", ioctl(p[0], FIONBIO, &(int){1}));
	ROW("F_GETFL & O_NONBLOCK", fcntl(p[0], F_GETFL) & O_NONBLOCK);
	ROW("read an empty pipe", read(p[0], sb, 1));
	ROW("ioctl FIONBIO 0", ioctl(p[0], FIONBIO, &(int){0}));
	ROW("F_GETFL & O_NONBLOCK", fcntl(p[0], F_GETFL) & O_NONBLOCK);
	char *m = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ROW("madvise mapped", madvise(m, 8192, MADV_NORMAL));
	munmap(m, 8192);
	ROW("madvise unmapped", madvise(m, 4096, MADV_NORMAL));
	ROW("madvise unmapped DONTNEED", madvise(m, 4096, MADV_DONTNEED));
	ROW("madvise unmapped, len 0", madvise(m, 0, MADV_NORMAL));
	ROW("madvise unmapped, bad advice", madvise(m, 4096, 999));
	ROW("mremap unmapped", mremap(m, 4096, 8192, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0);
	uint32_t *w = (uint32_t *)sb;
	ROW("futex WAIT unaligned", syscall(SYS_futex, sb + 1, FUTEX_WAIT, 0, &(struct timespec){0, 1}, NULL, 0));
	ROW("futex WAIT bad addr",
	    syscall(SYS_futex, (void *)8, FUTEX_WAIT_PRIVATE, 0, &(struct timespec){0, 1}, NULL, 0));
	ROW("futex WAIT other value", syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, 5, &(struct timespec){0, 1}, NULL, 0));
	ROW("futex WAKE shared, bad addr", syscall(SYS_futex, (void *)8, FUTEX_WAKE, 1, NULL, NULL, 0));
	ROW("futex WAKE private, bad addr", syscall(SYS_futex, (void *)8, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	ROW("futex WAKE unaligned", syscall(SYS_futex, sb + 2, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	ROW("futex WAKE_BITSET bitset 0", syscall(SYS_futex, w, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0));
	ROW("futex WAIT_BITSET bitset 0", syscall(SYS_futex, w, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, 0));
	ROW("futex REQUEUE", syscall(SYS_futex, w, FUTEX_REQUEUE_PRIVATE, 1, 1, w + 2, 0));
	ROW("futex REQUEUE count -1", syscall(SYS_futex, w, FUTEX_REQUEUE_PRIVATE, -1, 1, w + 2, 0));
	ROW("futex CMP_REQUEUE equal", syscall(SYS_futex, w, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, w + 2, 0));
	ROW("futex CMP_REQUEUE different", syscall(SYS_futex, w, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, w + 2, 7));
	ROW("futex WAKE|CLOCK_REALTIME",
	    syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0));
	ROW("futex op 99", syscall(SYS_futex, w, 99, 0, NULL, NULL, 0));
	close(fd);
}
