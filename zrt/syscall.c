/*
 * syscall.c - the system-call table: every Linux call ZRT answers.
 *
 * One row per call, keyed by the kernel's own __NR_* name. CALL names the
 * handler and the kind of each argument (syscall.h: what sys_dispatch
 * checks and converts before the handler runs; kinds left out are
 * ARG_LONG); RET gives a call's fixed result. A call with no row is
 * ENOSYS. docs/zrt.md ("Every system call") lists the same calls.
 *
 * Adding a call: write its handler next to the state it uses (files in
 * fs/, time in clock.c, ...), declare it in syscall.h, add its row here
 * and its line in docs/zrt.md; the conformance probe (tests/zrt/
 * conformance) is where its behaviour is compared with Linux's.
 */
#include <asm/unistd.h>

#include "log.h"
#include "syscall.h"
#include "thread.h"
#include "zrt.h"

struct sys_entry {
	sys_fn *fn; /* NULL: the call's result is ret */
	int ret;
	bool known;           /* false: no row, ENOSYS */
	unsigned char arg[6]; /* enum sys_arg */
};

#define CALL(nr, handler, ...) [__NR_##nr] = {handler, 0, true, {__VA_ARGS__}}
#define RET(nr, value) [__NR_##nr] = {0, value, true, {0}}

static const struct sys_entry table[] = {
	/* fs/rw.c: read and write */
	CALL(read, sys_read, ARG_FD),
	CALL(write, sys_write, ARG_FD),
	CALL(pread64, sys_pread64, ARG_FD, ARG_LONG, ARG_LONG, ARG_LOFF),
	CALL(pwrite64, sys_pwrite64, ARG_FD, ARG_LONG, ARG_LONG, ARG_LOFF),
	CALL(readv, sys_readv, ARG_FD),
	CALL(writev, sys_writev, ARG_FD),
	CALL(preadv, sys_preadv, ARG_FD, ARG_LONG, ARG_LONG, ARG_LOFF),
	CALL(pwritev, sys_pwritev, ARG_FD, ARG_LONG, ARG_LONG, ARG_LOFF),
	CALL(preadv2, sys_preadv2, ARG_FD, ARG_LONG, ARG_LONG, ARG_LONG, ARG_LONG, ARG_INT), /* rwf_t */
	CALL(pwritev2, sys_pwritev2, ARG_FD, ARG_LONG, ARG_LONG, ARG_LONG, ARG_LONG, ARG_INT),
	CALL(sendfile, sys_sendfile, ARG_FD, ARG_FD),
	CALL(copy_file_range, sys_copy_file_range, ARG_FD, ARG_LONG, ARG_FD, ARG_LONG, ARG_LONG, ARG_UINT),
	CALL(lseek, sys_lseek, ARG_FD, ARG_LONG, ARG_UINT),

	/* fs/open.c: opening */
	CALL(open, sys_open, ARG_LONG, ARG_INT, ARG_UINT),
	CALL(creat, sys_creat, ARG_LONG, ARG_UINT),
	CALL(openat, sys_openat, ARG_FD, ARG_LONG, ARG_INT, ARG_UINT),
	CALL(openat2, sys_openat2, ARG_FD),
	CALL(memfd_create, sys_memfd_create, ARG_LONG, ARG_UINT),
	CALL(pipe, sys_pipe),
	CALL(pipe2, sys_pipe2, ARG_LONG, ARG_INT),
	CALL(umask, sys_umask, ARG_INT),

	/* fs/fd.c: the descriptor table */
	CALL(close, sys_close, ARG_FD),
	CALL(close_range, sys_close_range, ARG_UINT, ARG_UINT, ARG_UINT),
	CALL(dup, sys_dup, ARG_FD),
	CALL(dup2, sys_dup2, ARG_FD, ARG_INT),
	CALL(dup3, sys_dup3, ARG_FD, ARG_INT, ARG_INT),
	CALL(fcntl, sys_fcntl, ARG_FD, ARG_INT),

	/* fs/sync.c: calls that change nothing but check their descriptor */
	CALL(fsync, sys_fsync, ARG_FD),
	CALL(fdatasync, sys_fsync, ARG_FD),
	RET(sync, 0),
	CALL(syncfs, sys_syncfs, ARG_FD),
	CALL(sync_file_range, sys_sync_file_range, ARG_FD, ARG_LONG, ARG_LONG, ARG_UINT),
	CALL(flock, sys_flock, ARG_FD, ARG_UINT),
	CALL(fadvise64, sys_fadvise64, ARG_FD, ARG_LONG, ARG_LONG, ARG_INT),
	CALL(statfs, sys_statfs),
	CALL(fstatfs, sys_fstatfs, ARG_FD),

	/* fs/ioctl.c */
	CALL(ioctl, sys_ioctl, ARG_FD, ARG_UINT),

	/* fs/stat.c: attributes */
	CALL(stat, sys_stat),
	CALL(lstat, sys_lstat),
	CALL(fstat, sys_fstat, ARG_FD),
	CALL(newfstatat, sys_newfstatat, ARG_FD, ARG_LONG, ARG_LONG, ARG_INT),
	CALL(statx, sys_statx, ARG_FD, ARG_LONG, ARG_INT, ARG_UINT),
	CALL(access, sys_access, ARG_LONG, ARG_INT),
	CALL(faccessat, sys_faccessat, ARG_FD, ARG_LONG, ARG_INT),
	CALL(faccessat2, sys_faccessat2, ARG_FD, ARG_LONG, ARG_INT, ARG_INT),
	CALL(chmod, sys_chmod, ARG_LONG, ARG_UINT),
	CALL(fchmod, sys_fchmod, ARG_FD, ARG_UINT),
	CALL(fchmodat, sys_fchmodat, ARG_FD, ARG_LONG, ARG_UINT),
	CALL(chown, sys_chown),
	CALL(fchown, sys_fchown, ARG_FD),
	CALL(lchown, sys_lchown),
	CALL(fchownat, sys_fchownat, ARG_FD, ARG_LONG, ARG_LONG, ARG_LONG, ARG_INT),
	CALL(utimensat, sys_utimensat, ARG_FD, ARG_LONG, ARG_LONG, ARG_INT),
	CALL(utime, sys_utime),
	CALL(utimes, sys_utimes),
	CALL(futimesat, sys_futimesat, ARG_FD),

	/* fs/file.c: contents */
	CALL(truncate, sys_truncate, ARG_LONG, ARG_LOFF),
	CALL(ftruncate, sys_ftruncate, ARG_FD, ARG_LOFF),
	CALL(fallocate, sys_fallocate, ARG_FD, ARG_INT),

	/* fs/dir.c and fs/names.c: directories and names */
	CALL(getdents64, sys_getdents64, ARG_FD, ARG_LONG, ARG_UINT),
	CALL(getcwd, sys_getcwd),
	CALL(chdir, sys_chdir),
	CALL(fchdir, sys_fchdir, ARG_FD),
	CALL(mkdir, sys_mkdir, ARG_LONG, ARG_UINT),
	CALL(mkdirat, sys_mkdirat, ARG_FD, ARG_LONG, ARG_UINT),
	CALL(rmdir, sys_rmdir),
	CALL(unlink, sys_unlink),
	CALL(unlinkat, sys_unlinkat, ARG_FD, ARG_LONG, ARG_INT),
	CALL(rename, sys_rename),
	CALL(renameat, sys_renameat, ARG_FD, ARG_LONG, ARG_FD),
	CALL(renameat2, sys_renameat2, ARG_FD, ARG_LONG, ARG_FD, ARG_LONG, ARG_UINT),
	CALL(link, sys_link),
	CALL(linkat, sys_linkat, ARG_FD, ARG_LONG, ARG_FD, ARG_LONG, ARG_INT),
	CALL(symlink, sys_symlink),
	CALL(symlinkat, sys_symlinkat, ARG_LONG, ARG_FD),
	CALL(readlink, sys_readlink, ARG_LONG, ARG_LONG, ARG_INT),
	CALL(readlinkat, sys_readlinkat, ARG_FD, ARG_LONG, ARG_LONG, ARG_INT),
	RET(mknod, -EPERM),
	RET(mknodat, -EPERM),
	RET(setxattr, -EOPNOTSUPP), /* ENOTSUP */
	RET(lsetxattr, -EOPNOTSUPP),
	RET(fsetxattr, -EOPNOTSUPP),
	RET(getxattr, -EOPNOTSUPP),
	RET(lgetxattr, -EOPNOTSUPP),
	RET(fgetxattr, -EOPNOTSUPP),
	RET(listxattr, -EOPNOTSUPP),
	RET(llistxattr, -EOPNOTSUPP),
	RET(flistxattr, -EOPNOTSUPP),
	RET(removexattr, -EOPNOTSUPP),
	RET(lremovexattr, -EOPNOTSUPP),
	RET(fremovexattr, -EOPNOTSUPP),

	/* fs/poll.c: waiting for descriptors */
	CALL(poll, sys_poll, ARG_LONG, ARG_UINT, ARG_INT),
	CALL(ppoll, sys_ppoll, ARG_LONG, ARG_UINT),
	CALL(select, sys_select, ARG_INT),
	CALL(pselect6, sys_pselect6, ARG_INT),

	/* fs/epoll.c */
	CALL(epoll_create, sys_epoll_create, ARG_INT),
	CALL(epoll_create1, sys_epoll_create1, ARG_INT),
	CALL(epoll_ctl, sys_epoll_ctl, ARG_FD, ARG_INT, ARG_FD),
	CALL(epoll_wait, sys_epoll_wait, ARG_FD, ARG_LONG, ARG_INT, ARG_INT),
	CALL(epoll_pwait, sys_epoll_pwait, ARG_FD, ARG_LONG, ARG_INT, ARG_INT, ARG_LONG, ARG_LONG),

	/* fs/eventfd.c */
	CALL(eventfd, sys_eventfd, ARG_UINT),
	CALL(eventfd2, sys_eventfd2, ARG_UINT, ARG_INT),

	/* mman.c: memory (the heap, mem.c) */
	CALL(brk, sys_brk),
	CALL(mmap, sys_mmap, ARG_LONG, ARG_LONG, ARG_INT, ARG_INT, ARG_FD),
	CALL(munmap, sys_munmap),
	CALL(mremap, sys_mremap), /* flags: an unsigned long */
	RET(mprotect, -EACCES),   /* what the wall refused: W+X, or outside guest memory */
	CALL(madvise, sys_madvise, ARG_LONG, ARG_LONG, ARG_INT),
	CALL(msync, sys_msync, ARG_LONG, ARG_LONG, ARG_INT),
	CALL(mlock, sys_mlock),
	CALL(munlock, sys_mlock),
	CALL(mlockall, sys_mlockall, ARG_INT),
	RET(munlockall, 0),
	CALL(mlock2, sys_mlock2, ARG_LONG, ARG_LONG, ARG_INT),

	/* clock.c: the virtual clock */
	CALL(clock_gettime, sys_clock_gettime, ARG_INT),
	CALL(clock_getres, sys_clock_getres, ARG_INT),
	CALL(gettimeofday, sys_gettimeofday),
	CALL(time, sys_time),
	CALL(nanosleep, sys_nanosleep), /* process.c: a thread's wait */
	CALL(clock_nanosleep, sys_clock_nanosleep, ARG_INT, ARG_INT),
	RET(alarm, 0), /* never fires */
	CALL(getitimer, sys_getitimer, ARG_INT),
	CALL(setitimer, sys_setitimer, ARG_INT),
	CALL(getrusage, sys_getrusage, ARG_INT),
	CALL(times, sys_times),

	/* rng.c: the deterministic generator */
	CALL(getrandom, sys_getrandom, ARG_LONG, ARG_LONG, ARG_UINT),

	/* identity.c: identity and limits */
	CALL(uname, sys_uname),
	CALL(sysinfo, sys_sysinfo),
	RET(getuid, ZRT_UID),
	RET(geteuid, ZRT_UID),
	RET(getgid, ZRT_UID),
	RET(getegid, ZRT_UID),
	CALL(getresuid, sys_getresid),
	CALL(getresgid, sys_getresid),
	CALL(setuid, sys_setid, ARG_UINT),
	CALL(setgid, sys_setid, ARG_UINT),
	CALL(setreuid, sys_setreid, ARG_UINT, ARG_UINT),
	CALL(setregid, sys_setreid, ARG_UINT, ARG_UINT),
	CALL(setresuid, sys_setresid, ARG_UINT, ARG_UINT, ARG_UINT),
	CALL(setresgid, sys_setresid, ARG_UINT, ARG_UINT, ARG_UINT),
	CALL(setfsuid, sys_setfsid),
	CALL(setfsgid, sys_setfsid),
	CALL(getgroups, sys_getgroups, ARG_INT), /* none */
	CALL(setgroups, sys_setgroups),
	RET(getpid, ZRT_PID),
	CALL(gettid, sys_gettid),
	RET(getpgrp, ZRT_PID),
	CALL(getpgid, sys_getpgid, ARG_INT),
	CALL(getsid, sys_getpgid, ARG_INT),
	RET(getppid, 0),
	RET(setpgid, 0),
	RET(setsid, -EPERM), /* already a session leader */
	CALL(set_tid_address, sys_set_tid_address),
	CALL(set_robust_list, sys_set_robust_list, ARG_LONG, ARG_LONG),
	CALL(get_robust_list, sys_get_robust_list, ARG_INT),
	RET(rseq, -ENOSYS),
	CALL(prctl, sys_prctl, ARG_INT),
	CALL(prlimit64, sys_prlimit64, ARG_INT, ARG_UINT),
	CALL(getrlimit, sys_getrlimit, ARG_UINT),
	CALL(setrlimit, sys_setrlimit, ARG_UINT),
	CALL(sched_yield, sys_sched_yield),
	CALL(getpriority, sys_getpriority, ARG_INT, ARG_INT),
	CALL(setpriority, sys_setpriority, ARG_INT, ARG_INT, ARG_INT),
	CALL(sched_getaffinity, sys_sched_getaffinity, ARG_INT, ARG_UINT),
	CALL(sched_setaffinity, sys_sched_setaffinity, ARG_INT, ARG_UINT),
	CALL(getcpu, sys_getcpu),
	CALL(personality, sys_personality, ARG_UINT),

	/* signal.c: signals the program sends itself */
	CALL(rt_sigaction, sys_rt_sigaction, ARG_INT),
	CALL(rt_sigprocmask, sys_rt_sigprocmask, ARG_INT),
	CALL(rt_sigpending, sys_rt_sigpending),
	CALL(sigaltstack, sys_sigaltstack),
	CALL(pause, sys_pause),
	CALL(rt_sigsuspend, sys_rt_sigsuspend),
	CALL(kill, sys_kill, ARG_INT, ARG_INT),
	CALL(tkill, sys_tkill, ARG_INT, ARG_INT),
	CALL(tgkill, sys_tgkill, ARG_INT, ARG_INT, ARG_INT),
	CALL(rt_sigqueueinfo, sys_rt_sigqueueinfo, ARG_INT, ARG_INT),
	CALL(rt_tgsigqueueinfo, sys_rt_tgsigqueueinfo, ARG_INT, ARG_INT, ARG_INT),

	/* process.c: one process, its threads (thread.c) */
	CALL(exit, sys_exit, ARG_INT),
	CALL(exit_group, sys_exit_group, ARG_INT),
	CALL(clone, sys_clone),
	CALL(fork, sys_fork),
	CALL(vfork, sys_fork),
	CALL(clone3, sys_clone3),
	CALL(futex, sys_futex, ARG_LONG, ARG_INT, ARG_INT),
	RET(execve, -EACCES),
	RET(execveat, -EACCES),
	CALL(wait4, sys_wait4, ARG_INT, ARG_LONG, ARG_INT),
	CALL(waitid, sys_waitid, ARG_INT, ARG_INT, ARG_LONG, ARG_INT),

	/* what a locked-down kernel refuses */
	RET(socket, -EACCES),
	RET(socketpair, -EACCES),
	RET(connect, -ENOTSOCK),
	RET(accept, -ENOTSOCK),
	RET(accept4, -ENOTSOCK),
	RET(bind, -ENOTSOCK),
	RET(listen, -ENOTSOCK),
	RET(sendto, -ENOTSOCK),
	RET(recvfrom, -ENOTSOCK),
	RET(sendmsg, -ENOTSOCK),
	RET(recvmsg, -ENOTSOCK),
	RET(sendmmsg, -ENOTSOCK),
	RET(recvmmsg, -ENOTSOCK),
	RET(shutdown, -ENOTSOCK),
	RET(getsockname, -ENOTSOCK),
	RET(getpeername, -ENOTSOCK),
	RET(setsockopt, -ENOTSOCK),
	RET(getsockopt, -ENOTSOCK),
	RET(ptrace, -EPERM),
	RET(process_vm_readv, -EPERM),
	RET(process_vm_writev, -EPERM),
	RET(mount, -EPERM),
	RET(umount2, -EPERM),
	RET(pivot_root, -EPERM),
	RET(chroot, -EPERM),
	RET(unshare, -EPERM),
	RET(setns, -EPERM),
	RET(modify_ldt, -EPERM),
	RET(iopl, -EPERM),
	RET(ioperm, -EPERM),
	RET(seccomp, -EPERM),
	RET(bpf, -EPERM),
	RET(userfaultfd, -EPERM),
	RET(io_uring_setup, -EPERM),
	RET(io_uring_enter, -EPERM),
	RET(io_uring_register, -EPERM),
	RET(add_key, -EPERM),
	RET(request_key, -EPERM),
	RET(keyctl, -EPERM),
	RET(reboot, -EPERM),
	RET(kexec_load, -EPERM),
	RET(kexec_file_load, -EPERM),
	RET(init_module, -EPERM),
	RET(finit_module, -EPERM),
	RET(delete_module, -EPERM),
	RET(perf_event_open, -EACCES),
};

#define TABLE_LEN (long)(sizeof table / sizeof table[0])

/* The shared argument checks (syscall.h): a C int is the register's low
 * half, sign- or zero-extended; a negative loff_t ends the call. */
static bool convert(const unsigned char *kind, const long *a, long *out)
{
	for (int i = 0; i < 6; i++) {
		switch (kind[i]) {
		case ARG_FD:
		case ARG_INT: out[i] = (int)a[i]; break;
		case ARG_UINT: out[i] = (long)(unsigned)a[i]; break;
		case ARG_LOFF:
			if (a[i] < 0)
				return false;
			out[i] = a[i];
			break;
		default: out[i] = a[i]; break;
		}
	}
	return true;
}

static long answer(long nr, const long *a, struct ucontext_k *uc)
{
	if (nr < 0 || nr >= TABLE_LEN || !table[nr].known)
		return -ENOSYS;
	const struct sys_entry *e = &table[nr];
	if (!e->fn)
		return e->ret;
	struct sys_call c = {.uc = uc};
	if (!convert(e->arg, a, c.a))
		return -EINVAL;
	return e->fn(&c);
}

/* At [debug] verbosity 3 and above, every call goes to the debug log:
 * the thread, the number, the first four arguments, the result (docs/
 * zrt.md, "Finding what fails"). */
long sys_dispatch(long nr, const long *a, struct ucontext_k *uc)
{
	thread_cur()->call = nr; /* for a restart (thread.c) */
	long r = answer(nr, a, uc);
	if (log_verbosity >= 3) {
		if (r == THREAD_BLOCKED)
			log_line(3, "zrt: [%ld] call %ld (0x%lx, 0x%lx, 0x%lx, 0x%lx) waits", thread_cur()->tid, nr,
				 a[0], a[1], a[2], a[3]);
		else
			log_line(3, "zrt: [%ld] call %ld (0x%lx, 0x%lx, 0x%lx, 0x%lx) = %ld", thread_cur()->tid, nr,
				 a[0], a[1], a[2], a[3], r);
	}
	return r;
}
