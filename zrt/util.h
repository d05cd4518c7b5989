/*
 * util.h - the few C library functions the runtime uses.
 *
 * ZRT runs inside the sandbox without a C library: util.c provides these
 * for the freestanding build. Modules that are also compiled on the host
 * (nvram.c, tar.c: unit tests, fuzzers, zvsh) use only what is declared
 * here, so the host's libc supplies the same functions there.
 */
#ifndef ZRT_UTIL_H
#define ZRT_UTIL_H

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
