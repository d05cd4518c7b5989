/*
 * libc.h - the few C library functions the parsers use.
 *
 * The parsers here run in two places: inside the sandbox, in the runtime,
 * which has no C library (zrt/util.c and lib/zvm_mem.c provide these), and
 * on the host, in zvsh, the unit tests and the fuzzers, where the host's
 * libc does. They use nothing but what is declared here.
 */
#ifndef UNTRUSTED_LIBC_H
#define UNTRUSTED_LIBC_H

#include <stddef.h>
#include <stdint.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

#endif
