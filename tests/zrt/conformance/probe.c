/*
 * probe.c - the runtime's conformance probe: an ordinary static glibc
 * program that runs one group of system calls, chosen by argv[1], and
 * prints each result as text (probe.h). tests/zrt/conformance/run.sh runs
 * every group natively and under zvsh and compares the two outputs line by
 * line: the runtime answers as Linux does where they are the same.
 *
 *   probe --list            the compared groups, one a line
 *   probe --list-unprivileged  the groups compared with a native run as
 *                           an unprivileged user
 *   probe GROUP [ARG]       run GROUP; the last line counts its calls
 *
 * Groups marked SANDBOX_ONLY are not compared: tests/zrt/run.sh runs them
 * under zvsh only, for behaviour a native run cannot show (a sleep of 290
 * years, a read that can never be satisfied).
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>

#include "groups.h"

int probe_calls;
const char *probe_arg;
char top_buf[4096];

/* Sandbox only: huge sleeps must not turn the monotonic clock back
 * (the virtual clock counts nanoseconds in 64 bits: it must saturate, not
 * wrap). */
static int later(struct timespec a, struct timespec b)
{
	return b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec);
}

void group_bigsleep(void)
{
	struct timespec a, b, c;
	clock_gettime(CLOCK_MONOTONIC, &a);
	/* Just under 2^64 ns, then one second more. */
	ROW("nanosleep 18446744073 s", nanosleep(&(struct timespec){18446744073, 0}, 0));
	ROW("clock_gettime", clock_gettime(CLOCK_MONOTONIC, &b));
	REL("monotonic did not go back", later(a, b));
	ROW("nanosleep 1 s", nanosleep(&(struct timespec){1, 0}, 0));
	clock_gettime(CLOCK_MONOTONIC, &c);
	REL("still not back", later(b, c));
	ROW("nanosleep INT64_MAX s", nanosleep(&(struct timespec){INT64_MAX, 999999999}, 0));
	clock_gettime(CLOCK_MONOTONIC, &a);
	REL("not back after INT64_MAX s", later(c, a));
	REL("tv_sec not negative, tv_nsec in range", a.tv_sec >= 0 && a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
	REL("time() not negative", time(0) >= 0);
}

/* Sandbox only: a blocking read of an empty pipe whose writer is this
 * very process can never return. */
void group_pipe_block(void)
{
	int p[2];
	char c;
	ROW("pipe", pipe(p));
	say("blocking read of an empty pipe with a writer");
	ROW("read", read(p[0], &c, 1));
}

/* How run.sh runs a group: compared (natively as the caller), compared
 * natively as an unprivileged user with RLIMIT_NPROC 0 (what a root
 * caller may do differs: fork, set*id), or under zvsh only. */
enum { COMPARED, UNPRIVILEGED, SANDBOX_ONLY };

static const struct {
	const char *name;
	void (*fn)(void);
	int kind;
} groups[] = {
	{"open", group_open, COMPARED},
	{"openat2", group_openat2, COMPARED},
	{"rw", group_rw, COMPARED},
	{"rwv", group_rwv, COMPARED},
	{"fd-edges", group_fd_edges, COMPARED},
	{"sig-edges", group_sig_edges, COMPARED},
	{"call-edges", group_call_edges, COMPARED},
	{"seek", group_seek, COMPARED},
	{"size", group_size, COMPARED},
	{"sync", group_sync, COMPARED},
	{"dirs", group_dirs, COMPARED},
	{"fds", group_fds, COMPARED},
	{"pipe", group_pipe, COMPARED},
	{"mem", group_mem, COMPARED},
	{"fmap", group_fmap, COMPARED},
	{"time", group_time, COMPARED},
	{"ident", group_ident, COMPARED},
	{"signals", group_signals, COMPARED},
	{"sigmask", group_sigmask, COMPARED},
	{"sigflags", group_sigflags, COMPARED},
	{"altstack", group_altstack, COMPARED},
	{"selfpipe", group_selfpipe, COMPARED},
	{"sigjmp", group_sigjmp, COMPARED},
	{"abort", group_abort, COMPARED},
	{"abort-jump", group_abort_jump, COMPARED},
	{"sigterm", group_sigterm, COMPARED},
	{"args", group_args, COMPARED},
	{"sigpipe", group_sigpipe, COMPARED},
	{"sigpipe-handled", group_sigpipe_handled, COMPARED},
	{"futex", group_futex, COMPARED},
	{"epoll", group_epoll, COMPARED},
	{"eventfd", group_eventfd, COMPARED},
	{"process", group_process, UNPRIVILEGED},
	{"setid", group_setid, UNPRIVILEGED},
	{"proc-edges", group_proc_edges, UNPRIVILEGED},
	{"dlopen", group_dlopen, SANDBOX_ONLY},
	{"bigsleep", group_bigsleep, SANDBOX_ONLY},
	{"pipe-block", group_pipe_block, SANDBOX_ONLY},
	{"fmap-sandbox", group_fmap_sandbox, SANDBOX_ONLY},
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: probe --list | GROUP [ARG]\n");
		return 2;
	}
	if (strcmp(argv[1], "--list") == 0 || strcmp(argv[1], "--list-unprivileged") == 0) {
		int want = argv[1][6] ? UNPRIVILEGED : COMPARED;
		for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
			if (groups[i].kind == want)
				printf("%s\n", groups[i].name);
		return 0;
	}
	/* Descriptors the caller left open (a make jobserver) would shift
	 * every number the probe prints. */
	syscall(SYS_close_range, 3, ~0u, 0);
	probe_arg = argc > 2 ? argv[2] : 0;
	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
		if (strcmp(groups[i].name, argv[1]) == 0) {
			groups[i].fn();
			say("calls %d", probe_calls);
			return 0;
		}
	}
	fprintf(stderr, "probe: no group %s\n", argv[1]);
	return 2;
}
