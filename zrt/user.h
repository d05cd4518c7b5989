/*
 * user.h - guest memory as the program names it.
 *
 * The session's layout is what the supervisor wrote into zrt_info before
 * start (zrt_abi.h): how much guest memory there is, where the heap, the
 * stack and the program lie. An address a program hands to a call is
 * untrusted: every handler checks the range with user_ok() before it reads
 * or writes there, at the point in the call where Linux would fault.
 */
#ifndef ZRT_USER_H
#define ZRT_USER_H

#include "zrt.h"

extern struct zrt_info zrt_info;

/* [addr, addr + len) lies inside guest memory (above the trap page) and
 * does not wrap. */
bool user_ok(uint64_t addr, uint64_t len);

/* The kernel's access_ok(): [addr, addr + len) does not wrap and lies
 * below the top of the user address space. It says nothing of what is
 * there: a call that checks only this (read, write and their vector
 * forms) moves bytes until the first one it cannot reach (user_reach) and
 * returns how many it moved, EFAULT when none. */
#define USER_TOP 0x7ffffffff000ull
bool user_range(uint64_t addr, uint64_t len);
/* How many of the len bytes from addr lie in guest memory before its end:
 * len, less, or 0 when addr itself is outside. */
uint64_t user_reach(uint64_t addr, uint64_t len);

/* Copy the program's NUL-terminated path at upath into out (ZRT_PATH_MAX
 * bytes): its length, -EFAULT when it does not lie in guest memory up to
 * its NUL, -ENAMETOOLONG when it has no NUL within ZRT_PATH_MAX bytes. */
long user_path(const char *upath, char *out);

#endif
