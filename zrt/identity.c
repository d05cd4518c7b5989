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
	else if (res == RLIMIT_CORE)
		lim[0] = lim[1] = 0;
}

static long prlimit(long pid, long res, const uint64_t *newl, uint64_t *old)
{
	if (pid != 0 && pid != ZRT_PID)
		return -ESRCH;
	if (res < 0 || res >= RLIM_NLIMITS)
		return -EINVAL;
	if (newl && !user_ok((uint64_t)newl, sizeof(struct rlimit64)))
		return -EFAULT;
	if (newl && newl[0] > newl[1])
		return -EINVAL; /* soft above hard */
	if (old) {
		if (!user_ok((uint64_t)old, sizeof(struct rlimit64)))
			return -EFAULT;
		limit_of(res, old);
	}
	return 0; /* new limits are accepted and change nothing */
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

long sys_setrlimit(const struct sys_call *c)
{
	return prlimit(0, c->a[0], (const uint64_t *)c->a[1], 0);
}

/* sched_getaffinity: one CPU. */
long sys_sched_getaffinity(const struct sys_call *c)
{
	if ((uint64_t)c->a[1] < 8 || !user_ok((uint64_t)c->a[2], 8))
		return -EINVAL;
	memset((void *)c->a[2], 0, 8);
	*(unsigned char *)c->a[2] = 1;
	return 8;
}

long sys_getcpu(const struct sys_call *c)
{
	if (c->a[0] && user_ok((uint64_t)c->a[0], 4))
		*(uint32_t *)c->a[0] = 0;
	if (c->a[1] && user_ok((uint64_t)c->a[1], 4))
		*(uint32_t *)c->a[1] = 0;
	return 0;
}

/* personality: only the query (0xffffffff) and the default, 0. */
long sys_personality(const struct sys_call *c)
{
	return (c->a[0] == 0xffffffff || c->a[0] == 0) ? 0 : -EINVAL;
}

static char comm[16] = "program";

long sys_prctl(const struct sys_call *c)
{
	long op = c->a[0], a = c->a[1];
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
	case PR_GET_DUMPABLE:
		return 0;
	case PR_SET_DUMPABLE:
	case PR_SET_PDEATHSIG:
	case PR_SET_NO_NEW_PRIVS:
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		return 1;
	default:
		return -EINVAL;
	}
}
