/*
 * zvm_mem.h - memcpy, memmove, memset, memcmp and strlen for programs built
 * without a C library, which compilers may call on their own. The
 * implementation is lib/zvm_mem.c: build it with the program (zvm_start.h
 * includes this header, so a raw guest only adds the file to its build).
 */
#ifndef ZVM_MEM_H
#define ZVM_MEM_H

#include <stddef.h>

void *memcpy(void *restrict d, const void *restrict s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *x, const void *y, size_t n);
size_t strlen(const char *s);

#endif
