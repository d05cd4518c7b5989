/*
 * args.c - conformance rows for argument registers the kernel reads as a
 * C int or unsigned int: only the low 32 bits count, whatever the caller
 * left in the upper half (a register loaded with a 32-bit move is
 * zero-extended, one the compiler reused may hold anything). Every row is
 * a raw syscall() with garbage (HIGH) above a value that makes sense, and
 * must do what the value alone does; a few rows check the opposite, an
 * argument the kernel reads whole (mremap's flags, an unsigned long).
 */
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>

#include "groups.h"

#define HIGH 0xdead000000000000ul

void group_args(void)
{
	char b[4096];
	int fd = open("a", O_CREAT | O_RDWR | O_TRUNC, 0600);
	write(fd, "0123456789", 10);

	/* Files and descriptors. */
	ROW("lseek whence HIGH|SEEK_END", syscall(SYS_lseek, fd, 2, HIGH | SEEK_END));
	ROW("lseek whence HIGH|SEEK_SET", syscall(SYS_lseek, fd, 3, HIGH | SEEK_SET));
	ROW("lseek fd HIGH|fd", syscall(SYS_lseek, HIGH | (unsigned)fd, 0, SEEK_CUR));
	symlink("target", "ln");
	ROW("readlink size HIGH|64", syscall(SYS_readlink, "ln", b, HIGH | 64));
	ROW("readlink size HIGH|0", syscall(SYS_readlink, "ln", b, HIGH));
	ROW("readlinkat size HIGH|3", syscall(SYS_readlinkat, AT_FDCWD, "ln", b, HIGH | 3));
	int d = open(".", O_RDONLY | O_DIRECTORY);
	OK("getdents64 count HIGH|4096", syscall(SYS_getdents64, d, b, HIGH | sizeof b));
	close(d);
	int p[2];
	ROW("pipe2 flags HIGH|O_CLOEXEC", syscall(SYS_pipe2, p, HIGH | O_CLOEXEC));
	ROW("F_GETFD of the pipe", fcntl(p[0], F_GETFD));
	close(p[0]);
	close(p[1]);
	ROW("dup3 flags HIGH|O_CLOEXEC", syscall(SYS_dup3, fd, 12, HIGH | O_CLOEXEC));
	ROW("F_GETFD of the dup3", fcntl(12, F_GETFD));
	ROW("dup3 flags HIGH|0", syscall(SYS_dup3, fd, 13, HIGH));
	ROW("dup2 new HIGH|14", syscall(SYS_dup2, fd, HIGH | 14));
	ROW("fcntl F_DUPFD HIGH|20", syscall(SYS_fcntl, fd, F_DUPFD, HIGH | 20));
	ROW("fcntl cmd HIGH|F_GETFD", syscall(SYS_fcntl, fd, HIGH | F_GETFD));
	ROW("close_range flags HIGH|0", syscall(SYS_close_range, 12, 20, HIGH));
	ROW("F_GETFD of a closed one", fcntl(12, F_GETFD));
	ROW("close_range flags HIGH|CLOEXEC", syscall(SYS_close_range, 14, 14, HIGH | CLOSE_RANGE_CLOEXEC));
	ROW("close_range first HIGH|30 last 31", syscall(SYS_close_range, HIGH | 30, 31, 0));
	ROW("renameat2 flags HIGH|NOREPLACE", syscall(SYS_renameat2, AT_FDCWD, "a", AT_FDCWD, "ln", HIGH | 1));
	ROW("renameat2 flags HIGH|0", syscall(SYS_renameat2, AT_FDCWD, "a", AT_FDCWD, "b", HIGH));
	int m = (int)OK("memfd_create flags HIGH|MFD_CLOEXEC", syscall(SYS_memfd_create, "m", HIGH | MFD_CLOEXEC));
	ROW("F_GETFD of the memfd", fcntl(m, F_GETFD));
	close(m);
	unsigned char r[16];
	ROW("getrandom flags HIGH|GRND_NONBLOCK", syscall(SYS_getrandom, r, sizeof r, HIGH | GRND_NONBLOCK));
	ROW("getrandom flags HIGH|0", syscall(SYS_getrandom, r, sizeof r, HIGH));
	char x[4];
	struct iovec v = {x, 4};
	ROW("preadv2 flags HIGH|0", syscall(SYS_preadv2, fd, &v, 1, 2, 0, HIGH));
	say("preadv2 got [%.4s]", x);
	ROW("pwritev2 flags HIGH|0", syscall(SYS_pwritev2, fd, &v, 1, 0, 0, HIGH));
	ROW("preadv2 flags HIGH|RWF_HIPRI", syscall(SYS_preadv2, fd, &v, 1, 0, 0, HIGH | RWF_HIPRI));
	ROW("copy_file_range flags HIGH|0", syscall(SYS_copy_file_range, fd, &(loff_t){0}, fd, NULL, 2, HIGH));
	ROW("flock cmd HIGH|LOCK_SH", syscall(SYS_flock, fd, HIGH | LOCK_SH));
	ROW("fadvise64 advice HIGH|NORMAL", syscall(SYS_fadvise64, fd, 0, 0, HIGH | POSIX_FADV_NORMAL));
	ROW("sync_file_range flags HIGH|0", syscall(SYS_sync_file_range, fd, 0, 0, HIGH));
	struct pollfd pf = {fd, POLLIN, 0};
	ROW("poll nfds HIGH|1", syscall(SYS_poll, &pf, HIGH | 1, 0));
	ROW("ppoll nfds HIGH|1", syscall(SYS_ppoll, &pf, HIGH | 1, &(struct timespec){0, 0}, NULL, 8));

	/* Memory: madvise's advice is an int, mremap's flags an unsigned long. */
	char *a = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ROW("madvise advice HIGH|MADV_NORMAL", syscall(SYS_madvise, a, 4096, HIGH | MADV_NORMAL));
	ROW("mremap flags HIGH|MAYMOVE (unsigned long: EINVAL)",
	    syscall(SYS_mremap, a, 4096, 8192, HIGH | MREMAP_MAYMOVE));
	munmap(a, 8192);

	/* Signals. */
	struct sigaction old;
	ROW("rt_sigaction signal HIGH|SIGUSR1", syscall(SYS_rt_sigaction, HIGH | SIGUSR1, NULL, &old, 8));
	sigset_t none, cur;
	sigemptyset(&none);
	ROW("rt_sigprocmask how HIGH|SIG_BLOCK", syscall(SYS_rt_sigprocmask, HIGH | SIG_BLOCK, &none, &cur, 8));
	signal(SIGUSR1, SIG_IGN);
	ROW("kill pid HIGH|pid signal HIGH|0", syscall(SYS_kill, HIGH | (unsigned)getpid(), HIGH));
	ROW("kill signal HIGH|SIGUSR1", syscall(SYS_kill, getpid(), HIGH | SIGUSR1));
	ROW("tkill HIGH|tid HIGH|SIGUSR1", syscall(SYS_tkill, HIGH | (unsigned)gettid(), HIGH | SIGUSR1));
	ROW("tgkill HIGH|pid HIGH|tid HIGH|0",
	    syscall(SYS_tgkill, HIGH | (unsigned)getpid(), HIGH | (unsigned)gettid(), HIGH));
	ROW("tkill tid HIGH|-1 (negative)", syscall(SYS_tkill, HIGH | 0xfffffffful, 0));
	ROW("rt_sigqueueinfo HIGH|pid HIGH|0",
	    syscall(SYS_rt_sigqueueinfo, HIGH | (unsigned)getpid(), HIGH, &(siginfo_t){.si_code = SI_QUEUE}));

	/* Process and identity. */
	char nm[16] = {0};
	ROW("prctl option HIGH|PR_GET_NAME", syscall(SYS_prctl, HIGH | PR_GET_NAME, nm, 0, 0, 0));
	ROW("personality HIGH|0xffffffff (query)", syscall(SYS_personality, HIGH | 0xfffffffful));
	struct rlimit rl;
	ROW("prlimit64 pid HIGH|0 resource HIGH|NOFILE", syscall(SYS_prlimit64, HIGH, HIGH | RLIMIT_NOFILE, NULL, &rl));
	ROW("getrlimit resource HIGH|NOFILE", syscall(SYS_getrlimit, HIGH | RLIMIT_NOFILE, &rl));
	ROW("setrlimit resource HIGH|CORE", syscall(SYS_setrlimit, HIGH | RLIMIT_CORE, &(struct rlimit){0, 0}));
	ROW("getpgid pid HIGH|0 is ours", syscall(SYS_getpgid, HIGH) == getpgid(0));
	ROW("getsid pid HIGH|0 is ours", syscall(SYS_getsid, HIGH) == getsid(0));
	cpu_set_t cs;
	OK("sched_getaffinity pid HIGH|0 len HIGH|128", syscall(SYS_sched_getaffinity, HIGH, HIGH | sizeof cs, &cs));
	struct timespec ts;
	ROW("clock_gettime clock HIGH|MONOTONIC", syscall(SYS_clock_gettime, HIGH | CLOCK_MONOTONIC, &ts));
	ROW("clock_getres clock HIGH|MONOTONIC", syscall(SYS_clock_getres, HIGH | CLOCK_MONOTONIC, &ts));
	ROW("clock_nanosleep clock HIGH|MONOTONIC",
	    syscall(SYS_clock_nanosleep, HIGH | CLOCK_MONOTONIC, HIGH, &(struct timespec){0, 1}, NULL));
	struct itimerval it;
	ROW("getitimer which HIGH|ITIMER_REAL", syscall(SYS_getitimer, HIGH | ITIMER_REAL, &it));
	ROW("setitimer which HIGH|ITIMER_REAL (disarm)",
	    syscall(SYS_setitimer, HIGH | ITIMER_REAL, &(struct itimerval){{0, 0}, {0, 0}}, NULL));
	ROW("getrusage who HIGH|SELF", syscall(SYS_getrusage, HIGH | RUSAGE_SELF, b));
	ROW("umask HIGH|022", syscall(SYS_umask, HIGH | 022));
	ROW("umask back", umask(022));
	close(fd);
}
