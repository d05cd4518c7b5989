/*
 * fork.c - the fork file, /dev/fork: the point where a program running on
 * the runtime may be snapshotted, and the runtime's side of a resume
 * (docs/zrt.md, "Snapshots: the fork file"; the supervisor's side:
 * docs/snapshots.md).
 *
 * The first read of /dev/fork forks: the program's context is saved in
 * guest memory (the SIGSYS frame's registers with the read about to be
 * made again, its FPU state, its thread pointer), then the fork trap is
 * made with the resume entry (start.S, zrt_resume_entry) and a stack in
 * guest memory (resume_stack). The supervisor may take a snapshot there;
 * the session that made the trap goes on (the trap returns 0). Whichever
 * way the read goes on, it then reads the nvram the supervisor handed
 * over, checks it against the one the session started with (only [args],
 * [env] and [debug] may differ), and answers with the session's
 * description (describe(): its arguments and environment).
 *
 * A resumed session starts at zrt_resume_entry on resume_stack with
 * nothing else defined: fork_resume() takes the new session (zrt_info,
 * the channels of the new manifest, the protections the supervisor
 * recorded; the heap, the filesystem, the descriptors, the clock and the
 * generator are the snapshot's), then makes
 * the private call FORK_NR_RESUME, whose SIGSYS frame fork_resume_frame()
 * fills with the saved context, pointed back at the read's `syscall`
 * instruction. So the read is made again, now in the resumed session, and
 * answered by the same code as in the session that forked: both do the
 * same work in the same state from the trap on, which is what makes a
 * resumed session's memory equal a cold one's (the saved context and the
 * resume stack are zeroed once they are used, since the kernel writes FPU
 * state differently from run to run).
 *
 * What a snapshot cannot carry is refused (EBUSY and a line on
 * /dev/stderr): more than one thread, bytes already written to a channel
 * or read from a sequential one (those bytes belong to the session that
 * forked), an FPU state larger than FORK_FP_MAX.
 */
#include <asm/unistd.h>

#include "chan.h"
#include "config.h"
#include "exit.h"
#include "fork.h"
#include "fs/fs.h"
#include "log.h"
#include "mem.h"
#include "thread.h"
#include "user.h"
#include "zrt.h"

#define FORK_FP_MAX 16384u

/* The program's context at the fork, in guest memory (the signal stack is
 * not in a snapshot). Zeroed once used. */
static struct {
	uint64_t gregs[18];
	uint64_t fsbase, fpsize;
	unsigned char fp[FORK_FP_MAX] __attribute__((aligned(64)));
} saved;
/* The stack fork_resume() runs on; zeroed once the program is back. */
static unsigned char resume_stack[32u << 10] __attribute__((aligned(16)));
static uint64_t fork_args[4]; /* the trap's arguments: not on the signal stack */

static enum { FORK_NONE, FORK_TRAPPED, FORK_DONE } state;
static bool resuming; /* between fork_resume() and its frame */
static char *desc;    /* fork_describe(), for every read */
static uint64_t desc_len;
static uint64_t nvram_lo, nvram_hi; /* the reserved preload area */
static struct ucontext_k *cur_uc;   /* the SIGSYS frame being answered */

/* ---- what /dev/fork reads --------------------------------------------------------- */

static size_t put_str(char *to, const char *s)
{
	size_t n = strlen(s) + 1;
	if (to)
		memcpy(to, s, n);
	return n;
}

/* "ARGC\0ARG...\0ENVC\0ENV...\0": counts in decimal, every string ended by
 * a NUL. Measured when to is NULL. */
static size_t describe(char *to, const struct nvram *nv)
{
	char num[24];
	size_t n = 0;
	zrt_fmt(num, sizeof num, "%d", nv->argc);
	n += put_str(to ? to + n : 0, num);
	for (int i = 0; i < nv->argc; i++)
		n += put_str(to ? to + n : 0, nv->argv[i]);
	zrt_fmt(num, sizeof num, "%d", nv->envc);
	n += put_str(to ? to + n : 0, num);
	for (int i = 0; i < nv->envc; i++)
		n += put_str(to ? to + n : 0, nv->envp[i]);
	return n;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* What the session set up before the fork from its nvram, which a new
 * nvram cannot change: NULL, or what differs. */
static const char *nvram_differs(const struct nvram *o, const struct nvram *n)
{
	if (o->nfstab != n->nfstab)
		return "[fstab]";
	for (int i = 0; i < o->nfstab; i++) {
		const struct nvram_fstab *a = &o->fstab[i], *b = &n->fstab[i];
		if (!same_str(a->channel, b->channel) || !same_str(a->mountpoint, b->mountpoint) ||
		    a->access != b->access || a->removable != b->removable || a->overlay != b->overlay ||
		    !same_str(a->writeback, b->writeback))
			return "[fstab]";
	}
	if (o->nmapping != n->nmapping)
		return "[mapping]";
	for (int i = 0; i < o->nmapping; i++)
		if (!same_str(o->mapping[i].channel, n->mapping[i].channel) || o->mapping[i].mode != n->mapping[i].mode)
			return "[mapping]";
	if (o->has_time != n->has_time || o->time_seconds != n->time_seconds)
		return "[time]";
	if (!same_str(o->cwd, n->cwd) || !same_str(o->notes, n->notes))
		return "[session]";
	if (o->has_seed != n->has_seed || o->seed != n->seed)
		return "[threads]";
	return 0;
}

/* After the trap, in the session that forked and in a resumed one alike:
 * the nvram handed over now, checked, described. The same allocations in
 * the same order on both paths. A resumed session whose nvram differs in
 * what the snapshot set up cannot go on: it ends (127). */
static long settle(void)
{
	struct nvram nv;
	void *arena;
	size_t asize;
	char err[200];
	if (config_reparse(&nv, &arena, &asize, err, sizeof err) < 0) {
		log_line(0, "zrt: fork: %s", err);
		zrt_exit(ZRT_EXIT_FAILED);
	}
	const char *what = nvram_differs(&config_nvram, &nv);
	if (what) {
		log_line(0,
			 "zrt: resume: the nvram's %s differs from the snapshot's (only [args], [env] and [debug] "
			 "may change); take a new snapshot",
			 what);
		zrt_exit(ZRT_EXIT_FAILED);
	}
	log_verbosity = nv.verbosity;
	desc_len = describe(0, &nv);
	desc = mem_alloc(desc_len);
	if (desc)
		describe(desc, &nv);
	mem_free(arena, asize);
	if (!desc)
		return -ENOMEM;
	state = FORK_DONE;
	return 0;
}

/* What the snapshot cannot carry: NULL, or why (the caller says EBUSY). */
static const char *refused(char *why, size_t n, uint64_t fpsize)
{
	if (thread_live() > 1)
		return zrt_fmt(why, n, "%d threads run; a snapshot carries one", thread_live()), why;
	for (int i = 0; i < chan_count(); i++) {
		const struct zchan *c = chan_at(i);
		if (c->was_written)
			return zrt_fmt(why, n, "%s was written before the fork", c->alias), why;
		if (c->was_read && !c->random_read)
			return zrt_fmt(why, n, "%s (sequential) was read before the fork", c->alias), why;
	}
	if (fpsize > FORK_FP_MAX)
		return zrt_fmt(why, n, "FPU state of %llu bytes", (unsigned long long)fpsize), why;
	const unsigned char *ip = (const unsigned char *)cur_uc->gregs[RIP];
	if (cur_uc->gregs[RIP] < 2 || ip[-2] != 0x0f || ip[-1] != 0x05)
		return "the read was not made with the syscall instruction";
	return 0;
}

/* The first read: save the program, make the trap, settle. */
static long fork_now(void)
{
	struct ucontext_k *uc = cur_uc;
	uint64_t fpsize = thread_fp_bytes(uc);
	char why[160];
	const char *no = refused(why, sizeof why, fpsize);
	if (no) {
		log_line(0, "zrt: fork: %s (EBUSY)", no);
		return -EBUSY;
	}
	memcpy(saved.gregs, uc->gregs, sizeof saved.gregs);
	thread_call_again(saved.gregs, thread_cur()->call); /* the read is made again on resume */
	saved.fsbase = thread_fs_get();
	saved.fpsize = fpsize;
	if (fpsize)
		memcpy(saved.fp, (const void *)uc->fpstate, fpsize);
	state = FORK_TRAPPED;
	fork_args[0] = TrapFork, fork_args[1] = 0;
	fork_args[2] = (uint64_t)zrt_resume_entry;
	fork_args[3] = (uint64_t)(resume_stack + sizeof resume_stack);
	int32_t r = zrt_trap(fork_args);
	memset(&saved, 0, sizeof saved);
	memset(fork_args, 0, sizeof fork_args);
	if (r < 0) {
		state = FORK_NONE;
		return r;
	}
	return settle();
}

static int64_t fork_read(void *buf, uint64_t len, uint64_t off)
{
	long r = 0;
	if (state == FORK_NONE)
		r = fork_now();
	else if (state == FORK_TRAPPED) /* resumed: the read made again */
		r = settle();
	if (r < 0)
		return r;
	if (off >= desc_len)
		return 0;
	if (len > desc_len - off)
		len = desc_len - off;
	memcpy(buf, desc + off, len);
	return (int64_t)len;
}

/* ---- start and resume ------------------------------------------------------------- */

void fork_init(void)
{
	fs_fork_read = fork_read;
	uint64_t top = zrt_info.heap_end, lo = top;
	if (zrt_info.nvram_given)
		lo = zrt_info.nvram_addr;
	/* Room for a resumed session's longer nvram, where the supervisor puts
	 * it (the top of the heap), when the heap is large enough to spare it. */
	if (zrt_info.heap_end - zrt_info.heap_start >= 16 * (uint64_t)FORK_NVRAM_ROOM && top - lo < FORK_NVRAM_ROOM)
		lo = top - FORK_NVRAM_ROOM;
	nvram_lo = lo, nvram_hi = top;
	if (lo < top)
		mem_reserve(lo, top);
}

void fork_frame(struct ucontext_k *uc)
{
	cur_uc = uc;
}

static __attribute__((noreturn)) void resume_fail(const char *what)
{
	log_line(0, "zrt: resume: %s", what);
	zrt_exit(ZRT_EXIT_FAILED);
}

/* Guest memory's protections at the fork (zrt_abi.h, struct zrt_prot), as
 * the supervisor read them, applied; the table cleared. */
static void apply_protections(void)
{
	uint32_t n = zrt_info.nprot < ZRT_PROT_MAX ? zrt_info.nprot : ZRT_PROT_MAX;
	for (uint32_t i = 0; i < n; i++) {
		const struct zrt_prot *p = &zrt_info.prot[i];
		long r = zrt_syscall6(__NR_mprotect, (long)p->addr, (long)p->len, (long)p->prot, 0, 0, 0);
		if (r < 0) {
			char err[160];
			zrt_fmt(err, sizeof err, "protection %u of 0x%llx+0x%llx: error %d", p->prot,
				(unsigned long long)p->addr, (unsigned long long)p->len, (int)-r);
			resume_fail(err);
		}
	}
	memset(zrt_info.prot, 0, n * sizeof zrt_info.prot[0]);
	zrt_info.nprot = 0;
}

void fork_resume(void)
{
	char err[200];
	if (chan_resume(err, sizeof err) < 0) /* first: the log writes to /dev/stderr */
		resume_fail(err);
	if (state != FORK_TRAPPED || !zrt_info.resumed)
		resume_fail("no fork to resume from");
	zrt_info.resumed = 0; /* as in the session that forked: the memory etags agree */
	apply_protections();
	if (!zrt_info.nvram_given && chan_find("/dev/nvram"))
		resume_fail("the new session's /dev/nvram is not a file zerovm could hand over (a pipe?): a resumed "
			    "session has no other way to read it");
	if (zrt_info.nvram_given &&
	    (zrt_info.nvram_addr < nvram_lo || zrt_info.nvram_addr + ALIGN_UP(zrt_info.nvram_len, PAGE) > nvram_hi)) {
		zrt_fmt(err, sizeof err,
			"the new nvram (%llu bytes) is larger than the room the snapshot kept for it (%llu)",
			(unsigned long long)zrt_info.nvram_len, (unsigned long long)(nvram_hi - nvram_lo));
		resume_fail(err);
	}
	resuming = true;
	zrt_syscall6(FORK_NR_RESUME, 0, 0, 0, 0, 0, 0);
	resume_fail("the resume call came back");
}

bool fork_resume_frame(struct ucontext_k *uc)
{
	if (!resuming)
		return false;
	resuming = false;
	uint64_t fpsize = thread_fp_bytes(uc);
	if (fpsize != saved.fpsize) {
		char err[160];
		zrt_fmt(err, sizeof err, "the snapshot's FPU state is %llu bytes, this CPU's %llu",
			(unsigned long long)saved.fpsize, (unsigned long long)fpsize);
		resume_fail(err);
	}
	if (fpsize)
		memcpy((void *)uc->fpstate, saved.fp, fpsize);
	memcpy(uc->gregs, saved.gregs, sizeof uc->gregs);
	thread_fs_set(saved.fsbase);
	memset(&saved, 0, sizeof saved);
	memset(fork_args, 0, sizeof fork_args);
	memset(resume_stack, 0, sizeof resume_stack); /* this handler runs on the signal stack */
	return true;
}
