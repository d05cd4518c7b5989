/*
 * sig.h - signals the program sends itself (signal.c).
 */
#ifndef ZRT_SIG_H
#define ZRT_SIG_H

#include "zrt.h"

/* The private call of the frame's return trampoline: not a Linux number,
 * so the wall sends it to ZRT. */
#define ZRT_NR_SIGRETURN 0x5a52
/* The return address of every frame (signal.c, in assembly): the private
 * call that brings the frame back. */
void zrt_sigreturn_tramp(void);

long sig_return(struct ucontext_k *uc);  /* ZRT_NR_SIGRETURN */
void sig_deliver(struct ucontext_k *uc); /* before returning to the program */
void sig_send_self(int sig, int code);   /* queue a signal (SIGPIPE from a write) */

#endif
