/*
 * sandbox.c - the sandbox process, see sandbox.h and docs/security.md.
 *
 * Parent                                   Child (this file, then boot)
 *   clone3(CLONE_PIDFD|CLONE_NEWPID)  --->   drop to nobody, death signal,
 *                                            unshare user/mount/ipc/uts/net,
 *                                            empty read-only root, rlimits,
 *                                            no_new_privs, no ASLR,
 *   read sync socket until EOF        <---   execveat(boot) ... boot seals
 *   pidfd_getfd(listener)                    and closes the sync socket
 *
 * Every hardening step says why it is there. Steps that the kernel refuses
 * (no user namespaces, say) fall back and are reported at -v; steps that
 * the wall depends on (no_new_privs, the filter) are never skipped.
 */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fsize.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define NOBODY 65534       /* the host ids the sandbox runs as when we are root */
#define SANDBOX_NS_ID 1000 /* ... seen from inside its own user namespace */

extern const unsigned char zvm_boot_start[], zvm_boot_end[];

/* Namespaces we ask for beyond the pid namespace. Not the network
 * namespace: creating one costs about 0.55 ms on our machines, more than
 * half of the whole cold-start budget (docs/performance.md), and the filter
 * already refuses every socket call (docs/security.md). */
#define NS_FLAGS (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP)

/* ---- the child, before exec: errors go to the sync socket ------------- */

__attribute__((noreturn)) static void child_die(int sync, int err, const char *what)
{
	struct boot_error e = {.stage = BOOT_STAGE_CHILD, .err = err};
	snprintf(e.what, sizeof e.what, "%s", what);
	if (write(sync, &e, sizeof e) < 0) {
		/* nothing more we can do */
	}
	_exit(127);
}

static void child_note(int sync, uint32_t got)
{
	struct boot_error e = {.stage = 0, .err = (int32_t)got};
	if (write(sync, &e, sizeof e) < 0)
		child_die(sync, errno, "sync write");
}

static bool drop_ids(uid_t id)
{
	return setgroups(0, NULL) == 0 && setresgid(id, id, id) == 0 && setresuid(id, id, id) == 0;
}

/* Die with the supervisor. Set after any change of ids, which clears it;
 * then make sure the supervisor did not die (or write) before it was set. */
static void die_with_parent(int sync)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		child_die(sync, errno, "pdeathsig");
	struct pollfd pf = {.fd = sync, .events = POLLIN};
	if (poll(&pf, 1, 0) != 0)
		_exit(127);
}

/* Set a resource limit, soft and hard. Through prlimit64: the C libraries
 * give setrlimit's resource different types (glibc an enum, musl int). */
static void set_limit(int sync, int res, rlim_t v)
{
	struct rlimit rl = {v, v};
	if (syscall(SYS_prlimit64, 0, res, &rl, NULL) < 0)
		child_die(sync, errno, "setrlimit");
}

__attribute__((noreturn)) static void child_main(const struct guest *g, int sync, int bootfd,
						 const struct sandbox_opts *o, bool root, uint32_t have)
{
	/* The supervisor blocked its event-loop signals; start clean. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	/* Two ways to stop being root (docs/security.md, "ids"):
	 *  - the supervisor made our user namespace (clone3) as root, so only
	 *    root holds capabilities over it; it maps our uid and gid 1000 to
	 *    the host's nobody. We enter the other namespaces while we still
	 *    have its capabilities, then take those ids. A host process running
	 *    as nobody owns nothing of ours: it cannot ptrace the sandbox or
	 *    enter its namespaces.
	 *  - no user namespace from the clone: leave the ids first (in a user
	 *    namespace of its own a root-owned sandbox would still be uid 0 to
	 *    every host file), then make one (owned by nobody) for the others.
	 * Root inside a user namespace where nobody is not mapped cannot drop;
	 * its user namespace then takes its place ("ids kept"), or the sandbox
	 * does not start. */
	bool ns_by_root = root && (have & CLONE_NEWUSER);
	bool dropped = !root;
	if (root && !ns_by_root)
		dropped = drop_ids(NOBODY);
	if (!ns_by_root)
		die_with_parent(sync);

	/* Fresh namespaces: nothing of the host's mounts, network, IPC or
	 * hostname is reachable even if the filter had a hole. */
	uint32_t want = NS_FLAGS & ~have;
	if (want && unshare((int)want) == 0)
		have |= want;
	if (have & CLONE_NEWNS) {
		/* An empty, read-only root: no host path resolves. */
		if (mount("zerovm", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY,
			  "size=4k,nr_inodes=2,mode=0555") == 0 &&
		    chdir("/tmp") == 0 && chroot(".") == 0 && chdir("/") == 0)
			have |= 1u; /* bit 0: empty root */
	}
	if (ns_by_root) {
		/* The supervisor says whether it could map our ids. */
		char go = 0;
		if (read(sync, &go, 1) != 1)
			_exit(127); /* the supervisor is gone */
		dropped = go == 'm' && drop_ids(SANDBOX_NS_ID);
		die_with_parent(sync);
	}
	if (!dropped && !(have & CLONE_NEWUSER))
		child_die(sync, EPERM, "cannot drop to nobody, nor enter a user namespace");
	if (!dropped)
		have |= 2u; /* bit 1: ids kept (unmapped inside the user namespace) */
	child_note(sync, have);

	/* Exactly fd 0 = guest memory, fd 1023 = sync, fd 2 = boot (close on
	 * exec), fd 1022 = the program's file when boot maps parts of it and
	 * fd 1021 = zerovm's own file when boot maps the runtime's code from
	 * it (boot_abi.h). Move everything high first so dup2 cannot clobber.
	 * The sync descriptor's number needs a descriptor limit above it for
	 * now. */
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur <= BOOT_SYNC_FD) {
		nofile.rlim_cur = BOOT_SYNC_FD + 1;
		if (nofile.rlim_max < nofile.rlim_cur || setrlimit(RLIMIT_NOFILE, &nofile) < 0)
			child_die(sync, EMFILE, "descriptor limit below 1024");
	}
	/* A ready sandbox (g NULL) gets guest memory later, from boot's
	 * receive on the sync socket, at the same number, and never the
	 * program's file (a served session copies the program). */
	bool prog = g && g->nfmap > 0 && g->progfd >= 0, rt = g && g->nfmap > 0 && g->rtfd >= 0;
	int m = g ? fcntl(g->memfd, F_DUPFD, 10) : 10, s = fcntl(sync, F_DUPFD, 10), b = fcntl(bootfd, F_DUPFD, 10);
	int p = prog ? fcntl(g->progfd, F_DUPFD, 10) : 10, z = rt ? fcntl(g->rtfd, F_DUPFD, 10) : 10;
	if (m < 0 || s < 0 || b < 0 || p < 0 || z < 0 || (g && dup2(m, BOOT_MEMFD_FD) < 0) ||
	    dup2(s, BOOT_SYNC_FD) < 0 || dup2(b, 2) < 0 || fcntl(2, F_SETFD, FD_CLOEXEC) < 0 ||
	    (prog && dup2(p, BOOT_PROG_FD) < 0) || (rt && dup2(z, BOOT_RT_FD) < 0))
		child_die(sync, errno, "descriptors");
	if (!g)
		close(BOOT_MEMFD_FD);
	sync = BOOT_SYNC_FD;
	/* Nothing else of the supervisor's: not its standard output either
	 * (fd 1), which would otherwise be open for writing in the sandbox. */
	close(STDOUT_FILENO);
	syscall(SYS_close_range, 3u, BOOT_RT_FD - 1u, 0u);
	if (!rt)
		close(BOOT_RT_FD);
	if (!prog)
		close(BOOT_PROG_FD);
	syscall(SYS_close_range, BOOT_SYNC_FD + 1u, ~0u, 0u);

	/* Limits: no files, no processes, no core dumps, no locked memory;
	 * address space of guest memory plus room for boot; CPU time a little
	 * over the wall-clock timeout as a second line behind the supervisor. */
	set_limit(sync, RLIMIT_NOFILE, 2);
	set_limit(sync, RLIMIT_NPROC, 0);
	set_limit(sync, RLIMIT_FSIZE, 0);
	set_limit(sync, RLIMIT_CORE, 0);
	set_limit(sync, RLIMIT_MEMLOCK, 0);
	set_limit(sync, RLIMIT_MSGQUEUE, 0);
	/* A ready sandbox does not know its session yet: the worker lowers
	 * these two to the session's values from outside, with prlimit,
	 * before it lets the sandbox go (sandbox_go). */
	set_limit(sync, RLIMIT_AS, (g ? g->size : GUEST_MEMORY_MAX) + (64u << 20));
	set_limit(sync, RLIMIT_CPU, g ? (rlim_t)o->timeout + 2 : RLIM_INFINITY);

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_die(sync, errno, "no_new_privs");
	/* Same addresses every run: part of determinism. */
	if (personality(ADDR_NO_RANDOMIZE) < 0)
		child_die(sync, errno, "personality");

	/* Boot makes the sandbox non-dumpable (exec would undo it if we did
	 * it here): no core dump or core helper for a crash, no ptrace or
	 * /proc/PID/mem for host processes of the sandbox's uid. Only when
	 * the supervisor can still take the trap listener from a
	 * non-dumpable process: as root, or as the owner of the sandbox's
	 * user namespace. */
	bool nodump = root || (have & CLONE_NEWUSER);
	char *const argv[] = {"zerovm-boot", nodump ? BOOT_ARG_NODUMP : BOOT_ARG_DUMP, g ? NULL : BOOT_ARG_READY, NULL};
	char *const envp[] = {NULL};
	syscall(SYS_execveat, 2, "", argv, envp, AT_EMPTY_PATH);
	child_die(BOOT_SYNC_FD, errno, "execveat boot");
}

/* ---- the parent -------------------------------------------------------- */

static int boot_fd(struct zvm_error *err)
{
	int fd = memfd_create("zerovm-boot", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("zerovm-boot", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return zvm_fail(err, ZVM_EXIT_NOMEM, "sandbox: memfd for boot: %s", strerror(errno)), -1;
	size_t n = (size_t)(zvm_boot_end - zvm_boot_start);
	struct fsize_lift lift;
	fsize_lift(&lift, n);
	ssize_t w = write(fd, zvm_boot_start, n);
	fsize_restore(&lift);
	if (w != (ssize_t)n || fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		close(fd);
		return zvm_fail(err, ZVM_EXIT_IO, "sandbox: writing boot: %s", strerror(errno)), -1;
	}
	/* exec refuses a file open for writing (ETXTBSY): reopen read-only. */
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	int ro = open(path, O_RDONLY | O_CLOEXEC);
	close(fd);
	if (ro < 0)
		return zvm_fail(err, ZVM_EXIT_IO, "sandbox: reopening boot (is /proc mounted?): %s", strerror(errno)),
		       -1;
	return ro;
}

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static const char *stage_name(uint32_t s)
{
	switch (s) {
	case BOOT_STAGE_CHILD: return "sandbox setup";
	case BOOT_STAGE_BLOCK: return "boot block";
	case BOOT_STAGE_MAP: return "mapping guest memory";
	case BOOT_STAGE_PRCTL: return "process hardening";
	case BOOT_STAGE_FILTER: return "seccomp filter";
	default: return "boot";
	}
}

static void describe(struct sandbox *s, uint32_t have)
{
	bool any = have & (CLONE_NEWPID | NS_FLAGS);
	snprintf(s->isolation, sizeof s->isolation, "namespaces:%s%s%s%s%s%s%s%s%s", have & CLONE_NEWPID ? " pid" : "",
		 have & CLONE_NEWUSER ? " user" : "", have & CLONE_NEWNS ? " mount" : "",
		 have & CLONE_NEWIPC ? " ipc" : "", have & CLONE_NEWUTS ? " uts" : "",
		 have & CLONE_NEWCGROUP ? " cgroup" : "", any ? "" : " none",
		 have & 1u ? "; empty root" : "; host root visible",
		 have & 2u ? "; ids kept (nobody is not mapped here)" : "");
}

/* Wait for boot to seal: messages until end-of-file. */
static int wait_sealed(struct sandbox *s, int sync, const struct sandbox_opts *o, struct zvm_error *err)
{
	for (;;) {
		int64_t left = o->deadline_ms - now_ms();
		struct pollfd pf = {.fd = sync, .events = POLLIN};
		int r = poll(&pf, 1, left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 && o->deadline_ms - now_ms() > 0)
			continue; /* a poll slice shorter than a very long timeout */
		if (r == 0)
			return zvm_fail(err, ZVM_EXIT_SIGNAL, "session timeout"), -1;
		struct boot_error e;
		ssize_t n = read(sync, &e, sizeof e);
		if (n == 0)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof e)
			return zvm_fail(err, ZVM_EXIT_IO, "sandbox: bad message from boot"), -1;
		if (e.stage == 0) {
			describe(s, (uint32_t)e.err);
			continue;
		}
		e.what[sizeof e.what - 1] = 0;
		return zvm_fail(err, e.stage == BOOT_STAGE_MAP ? ZVM_EXIT_NOMEM : ZVM_EXIT_MANIFEST,
				"sandbox: %s failed: %s: %s", stage_name(e.stage), e.what, strerror(e.err)),
		       -1;
	}
}

static bool write_proc(pid_t pid, const char *file, const char *text)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	size_t n = strlen(text);
	bool ok = write(fd, text, n) == (ssize_t)n;
	return close(fd) == 0 && ok;
}

/* Map the child's uid and gid SANDBOX_NS_ID to the host's nobody, in the
 * user namespace we made for it. Fails where nobody is not mapped in our
 * own namespace (root of a container, say). */
static bool map_ids(pid_t pid)
{
	char map[64];
	snprintf(map, sizeof map, "%d %d 1\n", SANDBOX_NS_ID, NOBODY);
	return write_proc(pid, "uid_map", map) && write_proc(pid, "gid_map", map);
}

static pid_t clone_child(uint64_t flags, int *pidfd)
{
	struct clone_args a;
	memset(&a, 0, sizeof a);
	a.flags = flags | CLONE_PIDFD;
	a.pidfd = (uint64_t)(uintptr_t)pidfd;
	a.exit_signal = SIGCHLD;
	return (pid_t)syscall(SYS_clone3, &a, sizeof a);
}

/* Clone the sandbox's process into its namespaces and exec boot (child_main);
 * g NULL: a ready sandbox, whose boot waits for guest memory. s->sync is
 * left open: boot's messages, then end-of-file when it seals. */
static int spawn(struct sandbox *s, const struct guest *g, const struct sandbox_opts *o, struct zvm_error *err)
{
	memset(s, 0, sizeof *s);
	s->pidfd = s->listener = s->sync = s->spare_memfd = -1;
	s->pid = -1;
	int sv[2] = {-1, -1};
	int bfd = boot_fd(err);
	if (bfd < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		close(bfd);
		return zvm_fail(err, ZVM_EXIT_IO, "sandbox: socketpair: %s", strerror(errno)), -1;
	}

	bool root = geteuid() == 0;
	/* The pid and user namespaces come with the clone, so that the user
	 * namespace is ours (root's, when we are root: see child_main). Without
	 * user namespaces, root still makes the pid namespace and the child
	 * drops to nobody itself. */
	uint64_t first = CLONE_NEWUSER | CLONE_NEWPID;
	pid_t pid = clone_child(first, &s->pidfd);
	uint32_t have = (uint32_t)first;
	if (pid < 0 && root && (errno == EPERM || errno == EINVAL || errno == ENOSPC || errno == EUSERS)) {
		first = CLONE_NEWPID;
		pid = clone_child(first, &s->pidfd);
		have = (uint32_t)first;
	}
	if (pid < 0 && (errno == EPERM || errno == EINVAL || errno == ENOSPC || errno == EUSERS)) {
		pid = clone_child(0, &s->pidfd);
		have = 0;
	}
	if (pid < 0) {
		int e = errno;
		close(bfd), close(sv[0]), close(sv[1]);
		return zvm_fail(err, ZVM_EXIT_NOMEM, "sandbox: clone3: %s", strerror(e)), -1;
	}
	if (pid == 0) {
		close(sv[0]);
		child_main(g, sv[1], bfd, o, root, have);
	}
	s->pid = pid;
	s->sync = sv[0];
	close(sv[1]);
	close(bfd);
	if (root && (have & CLONE_NEWUSER)) {
		char go = map_ids(pid) ? 'm' : 'n';
		if (write(sv[0], &go, 1) != 1) {
			/* the child is gone already: wait_sealed says why */
		}
	}
	snprintf(s->isolation, sizeof s->isolation, "namespaces: none");
	return 0;
}

/* After boot sealed: take the trap listener out of the sandbox. */
static int take_listener(struct sandbox *s, struct zvm_error *err)
{
	s->listener = (int)syscall(SYS_pidfd_getfd, s->pidfd, BOOT_LISTENER_FD, 0);
	if (s->listener < 0 && (errno == EPERM || errno == EACCES || errno == ENOSYS))
		return zvm_fail(err, ZVM_EXIT_MANIFEST, "sandbox: cannot take the trap listener: %s", strerror(errno)),
		       -1;
	if (s->listener < 0)
		return 0; /* the program already ended; the event loop reaps it */
	fcntl(s->listener, F_SETFD, FD_CLOEXEC);
	/* Wake the sandbox on our CPU when we answer: a trap becomes a pair
	 * of direct switches instead of two scheduler wake-ups (kernel 6.6+). */
	s->sync_wakeup = ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, 0) == 0;
	return 0;
}

static int seal(struct sandbox *s, const struct sandbox_opts *o, struct zvm_error *err)
{
	int r = wait_sealed(s, s->sync, o, err);
	close(s->sync);
	s->sync = -1;
	return r < 0 ? -1 : take_listener(s, err);
}

int sandbox_start(struct sandbox *s, const struct guest *g, const struct sandbox_opts *o, struct zvm_error *err)
{
	if (spawn(s, g, o, err) < 0)
		return -1;
	return seal(s, o, err);
}

/* Wait (until deadline_ms) for boot's trap id on the listener; its
 * notification id in *nid. */
static int ready_trap(struct sandbox *s, uint32_t id, int64_t deadline_ms, uint64_t *nid)
{
	for (;;) {
		int64_t left = deadline_ms - now_ms();
		struct pollfd pf = {.fd = s->listener, .events = POLLIN};
		int r = poll(&pf, 1, left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || !(pf.revents & POLLIN))
			return -1; /* too late, or the sandbox is gone (POLLHUP) */
		/* The kernel's struct may be larger than our header's. */
		union {
			struct seccomp_notif n;
			char room[512];
		} u;
		memset(&u, 0, sizeof u);
		if (syscall(SYS_ioctl, s->listener, SECCOMP_IOCTL_NOTIF_RECV, &u) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			return -1;
		}
		*nid = u.n.id;
		/* Only boot runs in the sandbox yet, and it makes this trap and
		 * nothing else: anything else means it broke. */
		return u.n.pid == (uint32_t)s->pid && u.n.data.nr == ZVM_TRAP_SYSCALL && u.n.data.args[0] == id ? 0
														: -1;
	}
}

static int answer(int listener, uint64_t id, int64_t val)
{
	struct seccomp_notif_resp r = {.id = id, .val = val};
	int rc;
	while ((rc = (int)syscall(SYS_ioctl, listener, SECCOMP_IOCTL_NOTIF_SEND, &r)) < 0 && errno == EINTR)
		;
	return rc;
}

/* Hand boot its guest memory: one byte with one descriptor, which lands at
 * BOOT_MEMFD_FD there (its lowest free number). */
static void send_memory(int sync, int memfd)
{
	char byte = 'g';
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	memset(&u, 0, sizeof u);
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &memfd, sizeof(int));
	ssize_t n;
	while ((n = sendmsg(sync, &mh, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	if (n != 1) {
		/* The sandbox is gone: wait_sealed says why, if it can. */
	}
}

_Static_assert(BOOT_READY_END == GUEST_MEMORY_MAX, "a ready sandbox maps all of guest memory");

int sandbox_prepare(struct sandbox *s, int memfd, int64_t deadline_ms, struct zvm_error *err)
{
	struct sandbox_opts o = {.timeout = 0, .deadline_ms = deadline_ms};
	if (spawn(s, NULL, &o, err) < 0) {
		close(memfd);
		return -1;
	}
	s->spare_memfd = memfd;
	/* The child's note (which namespaces it has) comes before its exec
	 * of boot, a failure instead of it; guest memory is sent only after
	 * it (the child takes anything more from us as our end). */
	struct boot_error e;
	struct pollfd pf = {.fd = s->sync, .events = POLLIN};
	int64_t left = deadline_ms - now_ms();
	int r = poll(&pf, 1, left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left);
	ssize_t n = r == 1 ? read(s->sync, &e, sizeof e) : -1;
	if (n == (ssize_t)sizeof e && e.stage != 0) {
		e.what[sizeof e.what - 1] = 0;
		zvm_fail(err, ZVM_EXIT_MANIFEST, "sandbox: %s failed: %s: %s", stage_name(e.stage), e.what,
			 strerror(e.err));
	} else if (n == (ssize_t)sizeof e) {
		describe(s, (uint32_t)e.err);
		send_memory(s->sync, memfd);
	}
	if (n != (ssize_t)sizeof e || e.stage != 0 || seal(s, &o, err) < 0 || s->listener < 0 ||
	    ready_trap(s, BOOT_TRAP_READY, deadline_ms, &s->ready_id) < 0) {
		if (!err->code)
			zvm_fail(err, ZVM_EXIT_MANIFEST, "sandbox: the ready sandbox did not wait for its session");
		sandbox_kill(s);
		sandbox_close(s);
		return -1;
	}
	return 0;
}

int sandbox_go(struct sandbox *s, const struct guest *g, const struct sandbox_opts *o, struct zvm_error *err)
{
	struct boot_block *b = (struct boot_block *)g->base;
	if (o->start_trap)
		b->flags |= BOOT_F_START_TRAP;
	/* The session's limits, as sandbox_start's child sets them (a ready
	 * sandbox has GUEST_MEMORY_MAX and no CPU limit until now): lowered
	 * from here, before boot may go on. The sandbox's hard limits can
	 * only go down: nothing in it can raise them again. */
	struct rlimit as = {g->size + (64u << 20), g->size + (64u << 20)};
	struct rlimit cpu = {(rlim_t)o->timeout + 2, (rlim_t)o->timeout + 2};
	if (syscall(SYS_prlimit64, s->pid, RLIMIT_AS, &as, NULL) < 0 ||
	    syscall(SYS_prlimit64, s->pid, RLIMIT_CPU, &cpu, NULL) < 0)
		return zvm_fail(err, ZVM_EXIT_MANIFEST, "sandbox: cannot set the session's limits: %s",
				strerror(errno)),
		       -1;
	if (answer(s->listener, s->ready_id, BOOT_READY_GO) < 0)
		return zvm_fail(err, ZVM_EXIT_MANIFEST, "sandbox: the ready sandbox is gone: %s", strerror(errno)), -1;
	uint64_t id;
	if (o->start_trap) {
		if (ready_trap(s, BOOT_TRAP_STARTED, o->deadline_ms, &id) < 0)
			return zvm_fail(err, ZVM_EXIT_MANIFEST,
					"sandbox: the ready sandbox could not start its session"),
			       -1;
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		s->started = (double)t.tv_sec + (double)t.tv_nsec / 1e9;
		answer(s->listener, id, 0);
	}
	return 0;
}

void sandbox_kill(struct sandbox *s)
{
	if (s->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, s->pidfd, SIGKILL, NULL, 0);
}

void sandbox_close(struct sandbox *s)
{
	if (s->sync >= 0)
		close(s->sync);
	if (s->listener >= 0)
		close(s->listener);
	if (s->pidfd >= 0)
		close(s->pidfd);
	if (s->spare_memfd >= 0)
		close(s->spare_memfd);
	s->listener = s->pidfd = s->sync = s->spare_memfd = -1;
}
