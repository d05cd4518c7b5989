/*
 * thread.h - the program's threads (thread.c): user-level threads inside
 * the one sandbox process, switched by the runtime only at system calls,
 * in an order that is a function of the session's state and a seed
 * (docs/zrt.md, "Threads").
 *
 * A thread that is not running lives here: its general registers, its
 * thread pointer (fs), and its FPU state in a slot outside guest memory
 * (the kernel writes FPU state differently from run to run, so it must
 * never reach the memory etag, docs/memory.md). The running thread's
 * registers are those of the SIGSYS frame being answered.
 */
#ifndef ZRT_THREAD_H
#define ZRT_THREAD_H

#include "zrt.h"

/* Threads alive at once; a clone past it is EAGAIN, as past RLIMIT_NPROC. */
#define THREAD_MAX 64
/* The FPU state of a thread that is not running: one slot each, below the
 * handlers' stack in the signal stack boot maps (entry.c sizes it). */
#define THREAD_FP_SLOT 8192u
#define THREAD_FP_AREA ((uint64_t)THREAD_MAX * THREAD_FP_SLOT)
/* What a handler returns when the caller now waits (a futex wait, an exit
 * of one thread): the call's result is set when the thread is woken. Not
 * an errno value, never seen by the program. */
#define THREAD_BLOCKED (-100000L)

enum thread_state { THREAD_FREE, THREAD_RUNNING, THREAD_WAITING, THREAD_DEAD };
/* What a waiting thread waits for. */
enum thread_wait {
	WAIT_FUTEX,  /* a futex wake (a timeout: ETIMEDOUT) */
	WAIT_SLEEP,  /* the clock only (nanosleep: 0 at the deadline) */
	WAIT_SIGNAL, /* pause, rt_sigsuspend: a signal only */
	WAIT_IO,     /* a pipe, an eventfd or a poll: any change of either restarts the call */
};

struct thread {
	long tid;
	enum thread_state state;
	uint64_t gregs[18]; /* while not running (struct ucontext_k's order) */
	uint64_t fsbase;
	uint64_t clear_tid;   /* set_tid_address, CLONE_CHILD_CLEARTID: 0 and a wake at exit */
	uint64_t robust_head; /* set_robust_list: walked at exit */
	uint64_t sigmask;     /* the virtual signal mask (signal.c) */
	uint64_t futex;       /* a wait: the address, its bitset, its order */
	uint32_t bitset;
	uint64_t wait_seq;
	bool timed;
	uint64_t deadline; /* on the virtual clock (clock_peek) */
	enum thread_wait wait;
	long timeout_result; /* a sleep's or a poll's result at its deadline */
	uint64_t sleep_rem;  /* nanosleep's rem: written when a signal ends the sleep */
	bool restartable;    /* a WAIT_IO read or write: SA_RESTART restarts it */
	long call;           /* the call being answered (syscall.c), for a restart */
	/* signal.c's state of the thread: its alternate stack (none at the
	 * start, as Linux gives a new thread), rt_sigsuspend's saved mask. */
	uint64_t ss_sp, ss_size;
	int32_t ss_flags;
	bool suspended;
	uint64_t suspend_saved;
};

/* At start: the main thread (tid 1) and the scheduler's seed. */
void thread_init(uint64_t seed);
struct thread *thread_cur(void);
/* A thread alive (running or waiting) with this tid, or NULL. */
struct thread *thread_find(long tid);
/* The thread alive in slot i (0 to THREAD_MAX - 1), or NULL: threads in
 * a fixed order. */
struct thread *thread_slot(int i);

/* clone of a thread: a new thread with the caller's registers (rax 0) on
 * stack (0: the caller's), fs = tls when settls; its tid, or -errno. */
long thread_clone(struct ucontext_k *uc, uint64_t flags, uint64_t stack, uint64_t ptid, uint64_t ctid, uint64_t tls);
/* exit of the calling thread: THREAD_BLOCKED, or the end of the session
 * when it is the last one. */
long thread_exit(int code);

/* The caller waits on the futex at uaddr until a wake with a matching
 * bitset, or the virtual clock reaches deadline (timed): THREAD_BLOCKED. */
long thread_wait(uint64_t uaddr, uint32_t bitset, bool timed, uint64_t deadline);
/* Wake at most n waiters of uaddr whose bitset meets bitset, oldest
 * first (n of 0 or less: one, as Linux); how many. */
long thread_wake(uint64_t uaddr, uint32_t bitset, long n);
/* Wake at most nwake waiters of from, move at most nmove others to to;
 * how many were woken and moved. */
long thread_requeue(uint64_t from, uint64_t to, long nwake, long nmove);
/* A signal was sent to t: a wait of t ends (EINTR), as a signal ends a
 * futex wait on Linux; with sa_restart (the handler's SA_RESTART), a
 * restartable read or write of a pipe or an eventfd starts again after
 * the handler instead. */
void thread_signal(struct thread *t, bool sa_restart);

/* No other thread is alive: nothing but the clock can end a wait. */
bool thread_alone(void);
/* The caller sleeps until the clock reaches deadline (a signal ends it
 * with EINTR, the time left written to rem when not 0): THREAD_BLOCKED,
 * or 0 when alone (the clock jumps). */
long thread_sleep(uint64_t deadline, uint64_t rem);
/* The caller waits for a signal (pause, rt_sigsuspend): THREAD_BLOCKED. */
long thread_pause(void);
/* The caller waits for a pipe to change (a read, a write, a poll, an
 * epoll_wait): the call is made again when one does; at deadline (timed)
 * it returns timeout_result. THREAD_BLOCKED. */
long thread_io_wait(bool restartable, bool timed, uint64_t deadline, long timeout_result);
/* Registers gregs (a SIGSYS frame's order, its rip past the syscall
 * instruction) made to make the call again: rip back 2 bytes to the
 * instruction, rax the call's number. A restarted wait and a resumed
 * snapshot's read of the fork file (fork.c) return there. */
void thread_call_again(uint64_t *gregs, long call);
/* A pipe changed (data, room, an end closed): every WAIT_IO wait ends
 * and its call is made again. */
void thread_io_changed(void);
/* sched_yield: the next choice prefers another thread. */
void thread_yield(void);

/* After every call, before returning to the program: choose the thread
 * that runs next and put it into the frame uc. All waiting for ever: the
 * session ends (deadlock, ZRT_EXIT_WAIT). */
void thread_schedule(struct ucontext_k *uc);

/* For the fork file (fork.c): how many threads live (running or waiting);
 * the size of the FPU state of the SIGSYS frame uc (the legacy 512 bytes
 * or the xsave area's extended size); the thread pointer (fs base) of the
 * running thread, read and set with arch_prctl. */
int thread_live(void);
uint64_t thread_fp_bytes(const struct ucontext_k *uc);
uint64_t thread_fs_get(void);
void thread_fs_set(uint64_t v);

#endif
