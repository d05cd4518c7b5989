/*
 * syscall.h - how a Linux system call reaches its handler.
 *
 * zrt_sigsys() takes the number and the six argument registers from the
 * SIGSYS frame and calls sys_dispatch() (syscall.c). The table there is
 * keyed by the kernel's own __NR_* names (<asm/unistd.h>) and says, for
 * every call ZRT answers, either a fixed result or a handler and the kind
 * of each argument. sys_dispatch() applies the argument checks every call
 * shares, in one place, before the handler runs:
 *
 *   ARG_LONG  the register as it is (pointers, sizes, 64-bit values);
 *   ARG_FD    a descriptor, a C int: the low 32 bits, sign-extended (the
 *             upper half of the register is whatever the caller left
 *             there: `mov $-100, %edi` zero-extends);
 *   ARG_INT   any other C int (flags, commands, modes the kernel takes as
 *             int): the same conversion;
 *   ARG_UINT  a C unsigned int (uid_t, umode_t, ioctl requests, most
 *             flags and counts): the low 32 bits;
 *   ARG_LOFF  a file position the call takes as loff_t: negative is EINVAL,
 *             before anything else is looked at, as in the kernel.
 *
 * User memory is checked by the handlers, with user_ok() and user_path()
 * (user.h): where in a call the check comes decides which errno a program
 * sees, and the order is the kernel's.
 *
 * A handler returns the call's result or -errno; what it returns is what
 * the program finds in rax. Handlers are named sys_ and the call they
 * answer; one that answers a family of calls is named after the family.
 */
#ifndef ZRT_SYSCALL_H
#define ZRT_SYSCALL_H

#include "zrt.h"

enum sys_arg { ARG_LONG, ARG_FD, ARG_INT, ARG_UINT, ARG_LOFF };

/* One call, its arguments converted as the table says. uc is the SIGSYS
 * frame's context: the program's registers, which the signal calls read
 * (sigaltstack) and replace (the frame's return). It lives on the signal
 * stack: nothing in it may be handed to a trap. */
struct sys_call {
	long a[6];
	struct ucontext_k *uc;
};

typedef long sys_fn(const struct sys_call *c);

/* The answer to call nr with the raw argument registers a; -ENOSYS for a
 * call the table does not know. */
long sys_dispatch(long nr, const long *a, struct ucontext_k *uc);

/* ---- the handlers, by the file that has them --------------------------------- */
/* fs/rw.c */
sys_fn sys_read, sys_write, sys_pread64, sys_pwrite64, sys_readv, sys_writev, sys_preadv, sys_pwritev, sys_preadv2,
	sys_pwritev2, sys_sendfile, sys_copy_file_range, sys_lseek;
/* fs/open.c */
sys_fn sys_open, sys_creat, sys_openat, sys_openat2, sys_memfd_create, sys_pipe, sys_pipe2, sys_umask;
/* fs/fd.c */
sys_fn sys_close, sys_close_range, sys_dup, sys_dup2, sys_dup3, sys_fcntl;
/* fs/sync.c; sys_fsync: fsync, fdatasync */
sys_fn sys_fsync, sys_syncfs, sys_sync_file_range, sys_flock, sys_fadvise64, sys_statfs, sys_fstatfs;
/* fs/ioctl.c */
sys_fn sys_ioctl;
/* fs/stat.c */
sys_fn sys_chown, sys_lchown, sys_fchown, sys_fchownat;
sys_fn sys_stat, sys_lstat, sys_fstat, sys_newfstatat, sys_statx, sys_access, sys_faccessat, sys_faccessat2, sys_chmod,
	sys_fchmod, sys_fchmodat, sys_utimensat, sys_utime, sys_utimes, sys_futimesat;
/* fs/file.c */
sys_fn sys_truncate, sys_ftruncate, sys_fallocate;
/* fs/dir.c */
sys_fn sys_getdents64;
/* fs/names.c */
sys_fn sys_getcwd, sys_chdir, sys_fchdir, sys_mkdir, sys_mkdirat, sys_rmdir, sys_unlink, sys_unlinkat, sys_rename,
	sys_renameat, sys_renameat2, sys_link, sys_linkat, sys_symlink, sys_symlinkat, sys_readlink, sys_readlinkat;
/* fs/poll.c */
sys_fn sys_poll, sys_ppoll, sys_select, sys_pselect6;
/* fs/epoll.c */
sys_fn sys_epoll_create, sys_epoll_create1, sys_epoll_ctl, sys_epoll_wait, sys_epoll_pwait;
/* fs/eventfd.c */
sys_fn sys_eventfd, sys_eventfd2;
/* mman.c */
sys_fn sys_brk, sys_mmap, sys_munmap, sys_mremap, sys_madvise, sys_msync, sys_mlock, sys_mlock2, sys_mlockall;
/* clock.c; rng.c */
sys_fn sys_clock_gettime, sys_clock_getres, sys_gettimeofday, sys_time, sys_getitimer, sys_setitimer, sys_getrusage,
	sys_times;
sys_fn sys_getrandom;
/* identity.c; sys_getresid: getresuid, getresgid; sys_setid: setuid,
 * setgid; sys_setreid, sys_setresid, sys_setfsid: the uid and gid forms;
 * sys_getpgid: getpgid, getsid */
sys_fn sys_uname, sys_sysinfo, sys_getresid, sys_setid, sys_setreid, sys_setresid, sys_setfsid, sys_setgroups,
	sys_getgroups, sys_getpgid, sys_prctl, sys_prlimit64, sys_getrlimit, sys_setrlimit, sys_getpriority,
	sys_setpriority, sys_sched_getaffinity, sys_sched_setaffinity, sys_getcpu, sys_personality;
/* process.c; sys_fork: fork, vfork */
sys_fn sys_exit, sys_exit_group, sys_clone, sys_fork, sys_clone3, sys_futex, sys_wait4, sys_waitid, sys_gettid,
	sys_set_tid_address, sys_set_robust_list, sys_get_robust_list, sys_sched_yield, sys_nanosleep,
	sys_clock_nanosleep;
/* signal.c */
sys_fn sys_rt_sigaction, sys_rt_sigprocmask, sys_rt_sigpending, sys_sigaltstack, sys_pause, sys_rt_sigsuspend, sys_kill,
	sys_tkill, sys_tgkill, sys_rt_sigqueueinfo, sys_rt_tgsigqueueinfo;

#endif
