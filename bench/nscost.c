/*
 * nscost: what each namespace costs at sandbox start, measured the way
 * src/sandbox.c creates them (clone3 with CLONE_NEWPID as root, then the
 * child drops to nobody and unshares the rest). Prints the median time of
 * create + exit + reap for each cumulative set of namespaces, and the net
 * namespace on its own. Used by bench/run.sh; the numbers explain
 * decisions in docs/performance.md.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNS 400

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double once(uint64_t clone_flags, int unshare_flags, int empty_root)
{
	struct clone_args a;
	memset(&a, 0, sizeof a);
	a.flags = clone_flags;
	a.exit_signal = SIGCHLD;
	double t0 = now_us();
	pid_t pid = (pid_t)syscall(SYS_clone3, &a, sizeof a);
	if (pid == 0) {
		if (geteuid() == 0 &&
		    (setgroups(0, NULL) || setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)))
			_exit(1);
		if (unshare_flags && unshare(unshare_flags))
			_exit(2);
		if (empty_root == 1 &&
		    (mount("z", "/tmp", "tmpfs", MS_RDONLY, "size=4k,nr_inodes=2") || chdir("/tmp") || chroot(".")))
			_exit(3);
		if (empty_root == 2) { /* a directory made and removed: empty for good */
			char d[64];
			snprintf(d, sizeof d, "/tmp/.nscost-%d", (int)getppid());
			if (mkdir(d, 0500) || chdir(d) || rmdir(d) || chroot("."))
				_exit(4);
		}
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	double t = now_us() - t0;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	return t;
}

static void row(const char *name, uint64_t cf, int uf, int root)
{
	double v[RUNS];
	for (int i = 0; i < RUNS; i++)
		if ((v[i] = once(cf, uf, root)) < 0) {
			printf("%-40s unavailable\n", name);
			return;
		}
	qsort(v, RUNS, sizeof v[0], cmp);
	printf("%-40s %8.1f us\n", name, v[RUNS / 2]);
}

int main(void)
{
	const int base = CLONE_NEWUSER | CLONE_NEWNS;
	row("fork + exit (no namespaces)", 0, 0, 0);
	row("+ pid", CLONE_NEWPID, 0, 0);
	row("+ pid user", CLONE_NEWPID, CLONE_NEWUSER, 0);
	row("+ pid user mount", CLONE_NEWPID, base, 0);
	row("+ pid user mount ipc", CLONE_NEWPID, base | CLONE_NEWIPC, 0);
	row("+ pid user mount ipc uts cgroup", CLONE_NEWPID, base | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP, 0);
	row("  ... + empty root (zerovm's set)", CLONE_NEWPID, base | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP, 1);
	row("pid user ipc uts cgroup + removed-dir root", CLONE_NEWPID,
	    CLONE_NEWUSER | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP, 2);
	row("  ... + net", CLONE_NEWPID, base | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP | CLONE_NEWNET, 1);
	return 0;
}
