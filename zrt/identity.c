/*
 * identity.c - who the program is and what it may use: one process (pid 1)
 * of one user (1000) on one CPU of "Linux zerovm", with the limits of the
 * manifest's memory. Changing any of it is refused or changes nothing.
 */
#include <linux/prctl.h>
#include <linux/resource.h>
#include <linux/sysinfo.h>
#include <linux/utsname.h>

#include "clock.h"
#include "mem.h"
#include "syscall.h"
#include "user.h"
#include "zrt.h"

static long put_str(char *dst, const char *s)
{
	size_t n = strlen(s);
	memcpy(dst, s, n + 1);
	return 0;
}

long sys_uname(const struct sys_call *c)
{
	struct new_utsname *u = (struct new_utsname *)c->a[0];
	if (!user_ok((uint64_t)u, sizeof *u))
		return -EFAULT;
	memset(u, 0, sizeof *u);
	put_str(u->sysname, "Linux");
	put_str(u->nodename, "zerovm");
	put_str(u->release, "6.1.0-zerovm");
	put_str(u->version, "#1 SMP zerovm");
	put_str(u->machine, "x86_64");
	put_str(u->domainname, "(none)");
	return 0;
}

long sys_sysinfo(const struct sys_call *c)
{
	struct sysinfo *s = (struct sysinfo *)c->a[0];
	if (!user_ok((uint64_t)s, sizeof *s))
		return -EFAULT;
	memset(s, 0, sizeof *s);
	s->uptime = (long)(clock_since_start() / 1000000000u);
	s->totalram = mem_total_bytes();
	s->freeram = mem_free_bytes();
	s->procs = 1;
	s->mem_unit = 1;
	return 0;
}

static void limit_of(long res, uint64_t lim[2])
{
	lim[0] = lim[1] = RLIM64_INFINITY;
	if (res == RLIMIT_STACK)
		lim[0] = lim[1] = zrt_info.memory_size - zrt_info.stack_start;
	else if (res == RLIMIT_NOFILE)
		lim[0] = lim[1] = ZRT_FD_MAX;
	else if (res == RLIMIT_AS || res == RLIMIT_DATA)
		lim[0] = lim[1] = zrt_info.memory_size;
	else if (res == RLIMIT_NPROC)
		lim[0] = lim[1] = 1;
	else if (res == RLIMIT_CORE || res == RLIMIT_NICE || res == RLIMIT_RTPRIO)
		lim[0] = lim[1] = 0; /* no core; no priority above the default */
}

/* prlimit64, getrlimit, setrlimit in the kernel's order: the new limits'
 * memory, the process, the resource, soft above hard (EINVAL), a hard
 * limit raised above the one in force (EPERM: only a privileged process
 * may); then the old limits are written. A new limit that passes changes
 * nothing. */
static long prlimit(long pid, long res, const uint64_t *newl, uint64_t *old)
{
	if (newl && !user_ok((uint64_t)newl, sizeof(struct rlimit64)))
		return -EFAULT;
	if (pid != 0 && pid != ZRT_PID)
		return -ESRCH;
	if (res < 0 || res >= RLIM_NLIMITS)
		return -EINVAL;
	uint64_t cur[2];
	limit_of(res, cur);
	if (newl && newl[0] > newl[1])
		return -EINVAL; /* soft above hard */
	if (newl && newl[1] > cur[1])
		return -EPERM;
	if (old) {
		if (!user_ok((uint64_t)old, sizeof(struct rlimit64)))
			return -EFAULT;
		old[0] = cur[0], old[1] = cur[1];
	}
	return 0;
}

/* getresuid, getresgid: real, effective and saved are the one user. */
long sys_getresid(const struct sys_call *c)
{
	uint32_t *p[3] = {(uint32_t *)c->a[0], (uint32_t *)c->a[1], (uint32_t *)c->a[2]};
	for (int i = 0; i < 3; i++) {
		if (!user_ok((uint64_t)p[i], 4))
			return -EFAULT;
		*p[i] = ZRT_UID;
	}
	return 0;
}

/* The set*id family, as the kernel answers an unprivileged user whose
 * real, effective, saved and filesystem ids are all ZRT_UID. An id is a C
 * uid_t (the table takes the low 32 bits: glibc passes (uid_t)-1
 * zero-extended); (uid_t)-1 means "unchanged" except to setuid and setgid,
 * for which it is no valid id (EINVAL). Any other id but the one user is
 * EPERM; nothing ever changes. */
#define ID_NONE 0xffffffffL

static long ids_ok(const struct sys_call *c, int n)
{
	for (int i = 0; i < n; i++)
		if (c->a[i] != ID_NONE && c->a[i] != ZRT_UID)
			return -EPERM;
	return 0;
}

/* setuid, setgid */
long sys_setid(const struct sys_call *c)
{
	return c->a[0] == ID_NONE ? -EINVAL : ids_ok(c, 1);
}

/* setreuid, setregid */
long sys_setreid(const struct sys_call *c)
{
	return ids_ok(c, 2);
}

/* setresuid, setresgid */
long sys_setresid(const struct sys_call *c)
{
	return ids_ok(c, 3);
}

/* setfsuid, setfsgid: the old filesystem id, whatever is asked (an
 * unprivileged change to another id is silently not made). */
long sys_setfsid(const struct sys_call *c)
{
	(void)c;
	return ZRT_UID;
}

/* setgroups needs CAP_SETGID, even to clear the list: EPERM before the
 * size is looked at. */
long sys_setgroups(const struct sys_call *c)
{
	(void)c;
	return -EPERM;
}

/* getgroups: no supplementary groups; a negative size (a C int) is EINVAL. */
long sys_getgroups(const struct sys_call *c)
{
	return c->a[0] < 0 ? -EINVAL : 0;
}

/* getpgid and getsid: of this process (0 or its pid) only. */
long sys_getpgid(const struct sys_call *c)
{
	return (c->a[0] == 0 || c->a[0] == ZRT_PID) ? ZRT_PID : -ESRCH;
}

long sys_prlimit64(const struct sys_call *c)
{
	return prlimit(c->a[0], c->a[1], (const uint64_t *)c->a[2], (uint64_t *)c->a[3]);
}

long sys_getrlimit(const struct sys_call *c)
{
	return prlimit(0, c->a[0], 0, (uint64_t *)c->a[1]);
}

/* setrlimit reads its limits first: NULL is EFAULT, not "none". */
long sys_setrlimit(const struct sys_call *c)
{
	if (!user_ok((uint64_t)c->a[1], sizeof(struct rlimit64)))
		return -EFAULT;
	return prlimit(0, c->a[0], (const uint64_t *)c->a[1], 0);
}

/* getpriority and setpriority: one process (pid, group, user 1000 or 0
 * for "this one"; anyone else ESRCH), its nice value kept. The program
 * may raise it (be nicer) but, RLIMIT_NICE being 0, never lower it again
 * (EACCES). getpriority's answer is 20 - nice, as the raw call gives it. */
static long nice_now;

static bool prio_target(long which, long who)
{
	return who == 0 || who == (which == PRIO_USER ? ZRT_UID : ZRT_PID);
}

long sys_getpriority(const struct sys_call *c)
{
	if (c->a[0] < PRIO_PROCESS || c->a[0] > PRIO_USER)
		return -EINVAL;
	return prio_target(c->a[0], c->a[1]) ? 20 - nice_now : -ESRCH;
}

long sys_setpriority(const struct sys_call *c)
{
	long nice = c->a[2] < -20 ? -20 : c->a[2] > 19 ? 19 : c->a[2];
	if (c->a[0] < PRIO_PROCESS || c->a[0] > PRIO_USER)
		return -EINVAL;
	if (!prio_target(c->a[0], c->a[1]))
		return -ESRCH;
	if (nice < nice_now)
		return -EACCES;
	nice_now = nice;
	return 0;
}

/* sched_getaffinity and sched_setaffinity: one CPU, CPU 0; a mask of
 * 8 bytes (cpumask_size()). The size first (a multiple of 8, at least
 * one bit per CPU), then the process, then the memory; a new mask without
 * CPU 0 leaves nothing to run on (EINVAL), one with it changes nothing. */
long sys_sched_getaffinity(const struct sys_call *c)
{
	uint64_t len = (uint64_t)c->a[1];
	if (len == 0 || (len & 7))
		return -EINVAL;
	if (c->a[0] != 0 && c->a[0] != ZRT_PID)
		return -ESRCH;
	if (!user_ok((uint64_t)c->a[2], 8))
		return -EFAULT;
	memset((void *)c->a[2], 0, 8);
	*(unsigned char *)c->a[2] = 1;
	return 8;
}

long sys_sched_setaffinity(const struct sys_call *c)
{
	uint64_t len = (uint64_t)c->a[1] < 8 ? (uint64_t)c->a[1] : 8;
	if (len && !user_ok((uint64_t)c->a[2], len))
		return -EFAULT;
	if (c->a[0] != 0 && c->a[0] != ZRT_PID)
		return -ESRCH;
	return len && (*(const unsigned char *)c->a[2] & 1) ? 0 : -EINVAL;
}

/* getcpu: CPU 0, node 0, each where it is asked for. */
long sys_getcpu(const struct sys_call *c)
{
	for (int i = 0; i < 2; i++) {
		if (!c->a[i])
			continue;
		if (!user_ok((uint64_t)c->a[i], 4))
			return -EFAULT;
		*(uint32_t *)c->a[i] = 0;
	}
	return 0;
}

/* personality: any value is kept and the old one returned (Linux accepts
 * them all); 0xffffffff only asks. None changes what ZRT does. */
static uint32_t persona;

long sys_personality(const struct sys_call *c)
{
	uint32_t old = persona;
	if (c->a[0] != 0xffffffff)
		persona = (uint32_t)c->a[0];
	return old;
}

/* prctl: the process's name, and flags kept as Linux checks them but
 * never used (dumpable: the sandbox really is not, so 0 until set; the
 * parent-death signal: there is no parent; no_new_privs: always set,
 * under seccomp). */
static char comm[16] = "program";
static long dumpable, pdeathsig;

long sys_prctl(const struct sys_call *c)
{
	long op = c->a[0], a = c->a[1];
	bool rest0 = !c->a[2] && !c->a[3] && !c->a[4];
	switch (op) {
	case PR_SET_NAME:
		if (!user_ok((uint64_t)a, 1))
			return -EFAULT;
		for (int i = 0; i < 15; i++) {
			comm[i] = ((const char *)a)[i];
			if (!comm[i])
				break;
		}
		comm[15] = 0;
		return 0;
	case PR_GET_NAME:
		if (!user_ok((uint64_t)a, 16))
			return -EFAULT;
		memcpy((void *)a, comm, 16);
		return 0;
	case PR_GET_DUMPABLE: return dumpable;
	case PR_SET_DUMPABLE:
		if ((uint64_t)a > 1) /* SUID_DUMP_DISABLE or SUID_DUMP_USER */
			return -EINVAL;
		dumpable = a;
		return 0;
	case PR_SET_PDEATHSIG:
		if ((uint64_t)a > 64)
			return -EINVAL;
		pdeathsig = a;
		return 0;
	case PR_GET_PDEATHSIG:
		if (!user_ok((uint64_t)a, 4))
			return -EFAULT;
		*(int32_t *)a = (int32_t)pdeathsig;
		return 0;
	case PR_SET_NO_NEW_PRIVS: return a == 1 && rest0 ? 0 : -EINVAL;
	case PR_GET_NO_NEW_PRIVS: return !a && rest0 ? 1 : -EINVAL;
	case PR_GET_KEEPCAPS: return 0;
	case PR_GET_TIMERSLACK: return 50000; /* the default, ns */
	case PR_GET_SECCOMP: return 2;        /* SECCOMP_MODE_FILTER: the wall */
	default: return -EINVAL;
	}
}
