/*
 * signal.c - signals a program sends itself, delivered as Linux delivers
 * them: synchronously, to the program's own handlers, on its own stack.
 *
 * The program never changes the real signal state: rt_sigaction,
 * rt_sigprocmask and sigaltstack are refused by the wall and answered here,
 * so ZRT keeps a *virtual* disposition table, mask, alternate stack and
 * queue of pending signals. The real mask of the program stays what boot
 * left (nothing blocked), so SIGSYS always reaches ZRT. With threads
 * (thread.c) the mask is the calling thread's, and a signal sent with
 * tkill or tgkill is pending for its thread alone.
 *
 * Delivery. Whenever ZRT is about to return to the program (the end of
 * every emulated call) and a pending signal is not blocked by the virtual
 * mask, it builds the kernel's x86-64 signal frame (struct rt_sigframe:
 * return address, ucontext with a copy of the FPU state the kernel saved
 * for the SIGSYS frame, siginfo) on the program's stack, or on its
 * alternate stack for SA_ONSTACK, and points the interrupted context at the
 * handler (rdi = signal, rsi = &info, rdx = &uc). Returning from the SIGSYS
 * handler then "returns" into the program's handler. Like the kernel, it
 * repeats while signals remain deliverable, so the last one set up runs
 * first.
 *
 * Return. The frame's return address is zrt_sigreturn_tramp below: it
 * makes the private call ZRT_NR_SIGRETURN, which the wall sends to ZRT like
 * any other; ZRT reads the frame back (registers, FPU state, the mask to
 * restore) into the SIGSYS frame it is answering, so the program resumes
 * where the signal interrupted it, with the virtual mask restored. A
 * handler that longjmps away never comes back; siglongjmp restores the
 * mask through rt_sigprocmask, as with the kernel.
 *
 * The default action of a signal that terminates ends the session: status
 * 128 + signal and a "zrt:" line on stderr (the kernel never sent it, so
 * the supervisor's report cannot say "Signal N").
 */
#include <asm/processor-flags.h>
#include <asm/sigcontext.h>
#include <linux/signal.h>
#include <asm/ucontext.h> /* after asm/sigcontext.h and linux/signal.h, which it needs */

#include "exit.h"
#include "log.h"
#include "sig.h"
#include "syscall.h"
#include "thread.h"
#include "user.h"
#include "zrt.h"

#define ZRT_STR_(x) #x
#define ZRT_STR(x) ZRT_STR_(x)

/* The kernel's _NSIG (the x86 uapi headers do not say it): signals are
 * 1 to as many as a sigset_t has bits. */
#define SIGMAX (8 * (int)sizeof(sigset_t))
/* Handlers as the integers the frame and struct ksigaction hold. */
#define HANDLER_DFL ((uint64_t)SIG_DFL)
#define HANDLER_IGN ((uint64_t)SIG_IGN)
#define SIGQUEUE_MAX 128 /* pending signals at once (RLIMIT_SIGPENDING) */
/* The flags a program may set through a frame's context (the kernel's
 * FIX_EFLAGS). */
#define EFL_FIX                                                                                                    \
	(uint64_t)(X86_EFLAGS_AC | X86_EFLAGS_OF | X86_EFLAGS_DF | X86_EFLAGS_TF | X86_EFLAGS_SF | X86_EFLAGS_ZF | \
		   X86_EFLAGS_AF | X86_EFLAGS_PF | X86_EFLAGS_CF | X86_EFLAGS_RF)

static uint64_t bit(int sig)
{
	return 1ull << (sig - 1);
}

static const uint64_t unblockable = (1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1));

struct ksigaction {
	uint64_t handler, flags, restorer, mask;
};

/* struct siginfo, 128 bytes: what the handler's second argument points to. */
struct ksiginfo {
	int32_t signo, err, code, pad;
	union {
		struct {
			int32_t pid;
			uint32_t uid;
			uint64_t value;
		} kill;
		unsigned char raw[112];
	} u;
};
_Static_assert(sizeof(struct ksiginfo) == 128, "siginfo size");

/* The kernel's struct rt_sigframe for x86-64. */
struct sigframe {
	uint64_t pretcode;
	struct ucontext_k uc;
	struct ksiginfo info;
};
_Static_assert(sizeof(struct sigframe) == 440, "rt_sigframe size");

/* The frame's pieces are the kernel's: struct ucontext and its sigcontext
 * (asm/ucontext.h, asm/sigcontext.h), siginfo_t (asm-generic/siginfo.h). */
#define SAME_PLACE(ours, field, theirs, tfield, what) \
	_Static_assert(__builtin_offsetof(ours, field) == __builtin_offsetof(theirs, tfield), what)
SAME_PLACE(struct ucontext_k, ss_sp, struct ucontext, uc_stack.ss_sp, "uc_stack");
SAME_PLACE(struct ucontext_k, gregs[R8], struct ucontext, uc_mcontext.r8, "r8");
SAME_PLACE(struct ucontext_k, gregs[RDI], struct ucontext, uc_mcontext.rdi, "rdi");
SAME_PLACE(struct ucontext_k, gregs[RAX], struct ucontext, uc_mcontext.rax, "rax");
SAME_PLACE(struct ucontext_k, gregs[RSP], struct ucontext, uc_mcontext.rsp, "rsp");
SAME_PLACE(struct ucontext_k, gregs[RIP], struct ucontext, uc_mcontext.rip, "rip");
SAME_PLACE(struct ucontext_k, gregs[EFL], struct ucontext, uc_mcontext.eflags, "eflags");
SAME_PLACE(struct ucontext_k, fpstate, struct ucontext, uc_mcontext.fpstate, "fpstate");
SAME_PLACE(struct ucontext_k, sigmask, struct ucontext, uc_sigmask, "uc_sigmask");
_Static_assert(sizeof(struct ucontext_k) == sizeof(struct ucontext), "struct ucontext");
SAME_PLACE(struct ksiginfo, code, siginfo_t, si_code, "si_code");
SAME_PLACE(struct ksiginfo, u.kill.pid, siginfo_t, si_pid, "si_pid");
SAME_PLACE(struct ksiginfo, u.kill.uid, siginfo_t, si_uid, "si_uid");
SAME_PLACE(struct ksiginfo, u.kill.value, siginfo_t, si_value, "si_value");
_Static_assert(sizeof(struct ksiginfo) == sizeof(siginfo_t), "siginfo_t");

static struct ksigaction sigact[SIGMAX + 1];
/* The mask is the calling thread's (thread.h): threads switch between calls. */
#define vmask (thread_cur()->sigmask)
/* The alternate stack is the calling thread's too (thread.h). */
#define altss_sp (thread_cur()->ss_sp)
#define altss_size (thread_cur()->ss_size)
#define altss_flags (thread_cur()->ss_flags)

/* Pending signals, in the order they were sent, each for the process
 * (qtid 0) or for one thread (tkill, tgkill: its tid). */
static struct ksiginfo queue[SIGQUEUE_MAX];
static long qtid[SIGQUEUE_MAX];
static int nqueue;

/* Pending for the calling thread: its own and the process's. */
static bool visible(int i)
{
	return qtid[i] == 0 || qtid[i] == thread_cur()->tid;
}

static uint64_t pending_set(void)
{
	uint64_t s = 0;
	for (int i = 0; i < nqueue; i++)
		if (visible(i))
			s |= bit(queue[i].signo);
	return s;
}

static void drop(int i)
{
	memmove(&queue[i], &queue[i + 1], (size_t)(nqueue - i - 1) * sizeof queue[0]);
	memmove(&qtid[i], &qtid[i + 1], (size_t)(nqueue - i - 1) * sizeof qtid[0]);
	nqueue--;
}

static void flush(int sig)
{
	for (int i = 0; i < nqueue;)
		if (queue[i].signo == sig)
			drop(i);
		else
			i++;
}

/* Signals whose default action is to do nothing (real-time signals
 * terminate). */
static bool default_ignored(int sig)
{
	return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

static bool ignored(int sig)
{
	return sigact[sig].handler == HANDLER_IGN || (sigact[sig].handler == HANDLER_DFL && default_ignored(sig));
}

/* Queue a signal. A standard signal already pending is not queued again;
 * real-time signals queue, up to SIGQUEUE_MAX in all. An ignored signal
 * that is not blocked is discarded at once (blocked ones wait: the
 * disposition may change before they are unblocked). */
static long enqueue(const struct ksiginfo *si, long tid)
{
	int sig = si->signo;
	const struct thread *t = tid ? thread_find(tid) : thread_cur();
	if (ignored(sig) && !(t->sigmask & bit(sig)))
		return 0;
	if (sig < SIGRTMIN)
		for (int i = 0; i < nqueue; i++)
			if (queue[i].signo == sig && qtid[i] == tid)
				return 0;
	if (nqueue == SIGQUEUE_MAX)
		return sig < SIGRTMIN ? 0 : -EAGAIN;
	qtid[nqueue] = tid;
	queue[nqueue++] = *si;
	return 0;
}

void sig_send_self(int sig, int code)
{
	struct ksiginfo si = {.signo = sig, .code = code};
	si.u.kill.pid = ZRT_PID;
	si.u.kill.uid = ZRT_UID;
	enqueue(&si, 0);
}

/* The default action: end the session as the signal would end the process. */
__attribute__((noreturn)) static void terminate(int sig)
{
	log_line(0, "zrt: the program killed itself with signal %d", sig);
	exit_session(128 + sig);
}

static bool on_altstack(uint64_t sp)
{
	return altss_size && sp - altss_sp < altss_size;
}

/* The kernel's return to the program, in assembly (sig.h). */
__asm__(".pushsection .text\n"
	".globl zrt_sigreturn_tramp\n"
	"zrt_sigreturn_tramp:\n"
	"	mov $" ZRT_STR(ZRT_NR_SIGRETURN) ", %eax\n"
						 "	syscall\n"
						 "	hlt\n"
						 ".popsection\n");

/* The size of the FPU state the kernel saved for the SIGSYS frame: the
 * legacy 512 bytes, or the extended size its software bytes give. */
static uint64_t fp_size(const unsigned char *fp)
{
	const size_t sw = __builtin_offsetof(struct _fpstate_64, sw_reserved);
	uint32_t magic, ext;
	memcpy(&magic, fp + sw + __builtin_offsetof(struct _fpx_sw_bytes, magic1), 4);
	memcpy(&ext, fp + sw + __builtin_offsetof(struct _fpx_sw_bytes, extended_size), 4);
	const uint32_t legacy = sizeof(struct _fpstate_64);
	return magic == FP_XSTATE_MAGIC1 && ext >= legacy && ext <= 64 * 1024 ? ext : legacy;
}

/* Set up the frame for one signal on the context uc (the SIGSYS frame's,
 * possibly already pointing at another handler). */
static void push_frame(struct ucontext_k *uc, const struct ksiginfo *si, uint64_t saved_mask)
{
	int sig = si->signo;
	struct ksigaction *a = &sigact[sig];
	uint64_t *g = uc->gregs;
	uint64_t sp = g[RSP] - 128; /* the red zone */
	bool was_on = on_altstack(g[RSP]);
	if ((a->flags & SA_ONSTACK) && altss_size && !was_on)
		sp = altss_sp + altss_size;
	const unsigned char *kfp = (const unsigned char *)uc->fpstate;
	uint64_t fsz = kfp ? fp_size(kfp) : 0;
	uint64_t fp = ALIGN_DOWN(sp - fsz, 64);
	uint64_t fr = ((fp - sizeof(struct sigframe) + 8) & ~15ull) - 8;
	if (fr > fp || !user_ok(fr, fp + fsz - fr)) {
		log_line(1, "zrt: no room for the frame of signal %d at 0x%llx", sig, (unsigned long long)fr);
		terminate(SIGSEGV); /* the kernel forces it */
	}
	struct sigframe *f = (struct sigframe *)fr;
	memset(f, 0, sizeof *f);
	if (fsz)
		memcpy((void *)fp, kfp, fsz);
	f->pretcode = (uint64_t)zrt_sigreturn_tramp;
	f->uc = *uc;
	f->uc.link = 0;
	f->uc.ss_sp = altss_sp;
	f->uc.ss_size = altss_size;
	f->uc.ss_flags = (uint64_t)(uint32_t)(was_on ? SS_ONSTACK : altss_size ? 0 : SS_DISABLE);
	f->uc.fpstate = fsz ? fp : 0;
	f->uc.sigmask = saved_mask;
	if (a->flags & SA_SIGINFO)
		f->info = *si;
	vmask |= a->mask | ((a->flags & SA_NODEFER) ? 0 : bit(sig));
	vmask &= ~unblockable;
	uint64_t handler = a->handler;
	if (a->flags & SA_RESETHAND)
		a->handler = HANDLER_DFL;
	g[RIP] = handler;
	g[RSP] = fr;
	g[RDI] = (uint64_t)sig;
	g[RSI] = (uint64_t)&f->info;
	g[RDX] = (uint64_t)&f->uc;
	g[RAX] = 0;
	g[EFL] &= ~(uint64_t)(X86_EFLAGS_DF | X86_EFLAGS_TF | X86_EFLAGS_RF);
}

/* The lowest pending signal the mask lets through, taken off the queue. */
static bool next_signal(struct ksiginfo *out)
{
	int best = -1;
	for (int i = 0; i < nqueue; i++)
		if (visible(i) && !(vmask & bit(queue[i].signo)) && (best < 0 || queue[i].signo < queue[best].signo))
			best = i;
	if (best < 0)
		return false;
	*out = queue[best];
	drop(best);
	return true;
}

/* The mask rt_sigsuspend replaced, the calling thread's: the first frame
 * restores it. */
#define suspend_saved (thread_cur()->suspend_saved)
#define suspended (thread_cur()->suspended)

/* Deliver every signal that can be, as the kernel does on its way back to
 * the program. saved: the mask the first frame restores (sigsuspend's),
 * or the current one. */
static void deliver(struct ucontext_k *uc, const uint64_t *saved)
{
	struct ksiginfo si;
	while (next_signal(&si)) {
		int sig = si.signo;
		uint64_t h = sigact[sig].handler;
		if (ignored(sig))
			continue;
		if (h == HANDLER_DFL)
			terminate(sig);
		push_frame(uc, &si, saved ? *saved : vmask);
		saved = 0;
	}
}

void sig_deliver(struct ucontext_k *uc)
{
	bool susp = suspended;
	suspended = false;
	for (int i = 0; i < nqueue; i++)
		if (visible(i) && !(vmask & bit(queue[i].signo))) {
			uint64_t saved = suspend_saved;
			deliver(uc, susp ? &saved : 0);
			return;
		}
	if (susp) /* woken, but another thread took the signal: the mask of before */
		vmask = suspend_saved;
}

/* ---- the calls ------------------------------------------------------------------ */

/* rt_sigaction in the kernel's order: the set's size, the new action's
 * memory, the signal; the action is changed before the old one is written
 * back, so a bad oact is EFAULT with the change made. */
static long do_rt_sigaction(long sig, const struct ksigaction *act, struct ksigaction *old, long size)
{
	if (size != sizeof(sigset_t))
		return -EINVAL;
	if (act && !user_ok((uint64_t)act, sizeof *act))
		return -EFAULT;
	if (sig < 1 || sig > SIGMAX || (act && (sig == SIGKILL || sig == SIGSTOP)))
		return -EINVAL;
	struct ksigaction prev = sigact[sig];
	if (act) {
		sigact[sig] = *act;
		sigact[sig].mask &= ~unblockable;
		if (ignored((int)sig))
			flush((int)sig); /* pending instances are discarded */
	}
	if (old) {
		if (!user_ok((uint64_t)old, sizeof *old))
			return -EFAULT;
		*old = prev;
	}
	return 0;
}

/* rt_sigprocmask likewise: the size, the new set, how; the mask changes
 * before the old one is written back. */
static long do_rt_sigprocmask(long how, const uint64_t *set, uint64_t *old, long size)
{
	if (size != sizeof(sigset_t))
		return -EINVAL;
	uint64_t prev = vmask;
	if (set) {
		if (!user_ok((uint64_t)set, 8))
			return -EFAULT;
		uint64_t s = *set;
		if (how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
			return -EINVAL;
		vmask = how == SIG_BLOCK ? vmask | s : how == SIG_UNBLOCK ? vmask & ~s : s;
		vmask &= ~unblockable;
	}
	if (old) {
		if (!user_ok((uint64_t)old, 8))
			return -EFAULT;
		*old = prev;
	}
	return 0;
}

static long do_sigaltstack(const uint64_t *ss, uint64_t *old, uint64_t sp)
{
	bool on = on_altstack(sp);
	if (old) {
		if (!user_ok((uint64_t)old, sizeof(stack_t)))
			return -EFAULT;
		old[0] = altss_sp;
		old[1] = (uint32_t)(on ? SS_ONSTACK : altss_size ? altss_flags & (int32_t)SS_AUTODISARM : SS_DISABLE);
		old[2] = altss_size;
	}
	if (ss) {
		if (!user_ok((uint64_t)ss, sizeof(stack_t)))
			return -EFAULT;
		uint32_t flags = (uint32_t)ss[1], mode = flags & ~SS_AUTODISARM;
		if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
			return -EINVAL;
		if (on)
			return -EPERM;
		if (mode == SS_DISABLE) {
			altss_sp = altss_size = 0;
			altss_flags = SS_DISABLE;
		} else {
			if (ss[2] < MINSIGSTKSZ)
				return -ENOMEM;
			altss_sp = ss[0];
			altss_size = ss[2];
			altss_flags = (int32_t)(flags & SS_AUTODISARM);
		}
	}
	return 0;
}

/* kill(2) and friends aimed at this process; anything else is ESRCH: the
 * sandbox has one process. */
static long send(long sig, int code, const struct ksiginfo *given, long tid)
{
	if (sig < 0 || sig > SIGMAX)
		return -EINVAL;
	if (sig == 0)
		return 0;
	struct ksiginfo si = {0};
	if (given)
		si = *given;
	else {
		si.code = code;
		si.u.kill.pid = ZRT_PID;
		si.u.kill.uid = ZRT_UID;
	}
	si.signo = (int32_t)sig;
	long r = enqueue(&si, tid);
	if (r || ignored((int)sig))
		return r;
	bool restart = (sigact[sig].flags & SA_RESTART) != 0;
	struct thread *t = tid ? thread_find(tid) : NULL;
	if (t && t != thread_cur() && !(t->sigmask & bit((int)sig)))
		thread_signal(t, restart); /* its handler runs when it next returns */
	if (!tid && (vmask & bit((int)sig))) {
		/* For the process, blocked by the sender: as Linux, the first
		 * thread that does not block it takes it, woken if it waits. */
		for (int i = 0; i < THREAD_MAX; i++) {
			struct thread *w = thread_slot(i);
			if (w && w != thread_cur() && !(w->sigmask & bit((int)sig))) {
				thread_signal(w, restart);
				break;
			}
		}
	}
	return r;
}

/* rt_sigqueueinfo and rt_tgsigqueueinfo: the siginfo's memory, then
 * (the thread form) ids of 0 or less; a siginfo that claims to come from
 * the kernel or kill (si_code >= 0) or tkill may only be sent to oneself
 * (EPERM, before the target is looked for); then the target. */
static long sigqueueinfo(long tgid, long tid, bool thread, long sig, const struct ksiginfo *info)
{
	if (!user_ok((uint64_t)info, sizeof *info))
		return -EFAULT;
	if (thread && (tgid <= 0 || tid <= 0))
		return -EINVAL;
	long target = thread ? tid : tgid;
	if ((info->code >= 0 || info->code == SI_TKILL) && target != ZRT_PID)
		return -EPERM;
	if (tgid != ZRT_PID || (thread ? !thread_find(tid) : target != ZRT_PID))
		return -ESRCH;
	return send(sig, 0, info, thread ? tid : 0);
}

static long do_sigsuspend(uint64_t set)
{
	uint64_t saved = vmask, want = set & ~unblockable;
	for (int i = 0; i < nqueue; i++)
		if (visible(i) && !(want & bit(queue[i].signo)) && !ignored(queue[i].signo)) {
			/* Delivered on the way out (sig_deliver); the handler's
			 * frame restores the mask of before the call. */
			vmask = want;
			suspend_saved = saved;
			suspended = true;
			return -EINTR;
		}
	/* Alone, nothing else can ever come (no other process, timers never
	 * fire): return at once. With other threads, wait for one to send a
	 * signal this mask lets through (thread_signal wakes the thread). */
	if (thread_alone())
		return -EINTR;
	vmask = want;
	suspend_saved = saved;
	suspended = true;
	return thread_pause();
}

/* rt_sigreturn for the frames push_frame made (the trampoline's call):
 * registers, FPU state and mask come back from the frame. */
long sig_return(struct ucontext_k *uc)
{
	uint64_t *g = uc->gregs;
	const struct ucontext_k *u = (const struct ucontext_k *)g[RSP];
	if (!user_ok(g[RSP], sizeof *u)) {
		log_line(1, "zrt: rt_sigreturn: bad frame at 0x%llx", (unsigned long long)g[RSP]);
		terminate(SIGSEGV);
	}
	uint64_t efl = (g[EFL] & ~EFL_FIX) | (u->gregs[EFL] & EFL_FIX);
	memcpy(g, u->gregs, sizeof u->gregs);
	g[EFL] = efl;
	unsigned char *kfp = (unsigned char *)uc->fpstate;
	if (kfp && u->fpstate) {
		uint64_t n = fp_size(kfp);
		if (user_ok(u->fpstate, n))
			memcpy(kfp, (const void *)u->fpstate, n);
	}
	vmask = u->sigmask & ~unblockable;
	return (long)g[RAX];
}

long sys_rt_sigaction(const struct sys_call *c)
{
	return do_rt_sigaction(c->a[0], (const struct ksigaction *)c->a[1], (struct ksigaction *)c->a[2], c->a[3]);
}

long sys_rt_sigprocmask(const struct sys_call *c)
{
	return do_rt_sigprocmask(c->a[0], (const uint64_t *)c->a[1], (uint64_t *)c->a[2], c->a[3]);
}

/* rt_sigpending: the signals pending and blocked. */
long sys_rt_sigpending(const struct sys_call *c)
{
	uint64_t size = (uint64_t)c->a[1];
	if (size > sizeof(sigset_t))
		return -EINVAL;
	if (!user_ok((uint64_t)c->a[0], size))
		return -EFAULT;
	uint64_t p = pending_set() & vmask;
	memcpy((void *)c->a[0], &p, size); /* the first size bytes, as Linux copies */
	return 0;
}

long sys_sigaltstack(const struct sys_call *c)
{
	return do_sigaltstack((const uint64_t *)c->a[0], (uint64_t *)c->a[1], c->uc->gregs[RSP]);
}

long sys_pause(const struct sys_call *c)
{
	(void)c;
	return do_sigsuspend(vmask);
}

long sys_rt_sigsuspend(const struct sys_call *c)
{
	if (c->a[1] != sizeof(sigset_t))
		return -EINVAL;
	if (!user_ok((uint64_t)c->a[0], 8))
		return -EFAULT;
	return do_sigsuspend(*(const uint64_t *)c->a[0]);
}

/* kill: this process, its group (0), or nothing; -1 reaches all but this one. */
long sys_kill(const struct sys_call *c)
{
	return (c->a[0] == ZRT_PID || c->a[0] == 0) ? send(c->a[1], SI_USER, 0, 0) : -ESRCH;
}

long sys_tkill(const struct sys_call *c)
{
	if ((int)c->a[0] <= 0)
		return -EINVAL;
	return thread_find(c->a[0]) ? send(c->a[1], SI_TKILL, 0, c->a[0]) : -ESRCH;
}

long sys_tgkill(const struct sys_call *c)
{
	if ((int)c->a[0] <= 0 || (int)c->a[1] <= 0)
		return -EINVAL;
	return (c->a[0] == ZRT_PID && thread_find(c->a[1])) ? send(c->a[2], SI_TKILL, 0, c->a[1]) : -ESRCH;
}

long sys_rt_sigqueueinfo(const struct sys_call *c)
{
	return sigqueueinfo(c->a[0], 0, false, c->a[1], (const struct ksiginfo *)c->a[2]);
}

long sys_rt_tgsigqueueinfo(const struct sys_call *c)
{
	return sigqueueinfo(c->a[0], c->a[1], true, c->a[2], (const struct ksiginfo *)c->a[3]);
}
