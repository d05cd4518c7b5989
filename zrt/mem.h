/*
 * mem.h - the heap: the program's brk and mmap, and the runtime's own
 * objects, from the same pages (mem.c states the invariants).
 */
#ifndef ZRT_MEM_H
#define ZRT_MEM_H

#include "zrt.h"

void mem_init(uint64_t heap_start, uint64_t heap_end);
void mem_reserve(uint64_t a, uint64_t b); /* pages holding data from before start */
uint64_t mem_brk(uint64_t want);
int mem_set_floor(uint64_t a); /* the heap and the break start at a (the interpreter below) */
/* Whether any page of [a, b) is free: not the program's (unmapped). */
bool mem_any_free(uint64_t a, uint64_t b);
long mem_mmap(uint64_t addr, uint64_t len, int prot, int flags);
long mem_munmap(uint64_t addr, uint64_t len);
long mem_mremap(uint64_t old, uint64_t oldlen, uint64_t newlen, int flags, uint64_t newaddr);
long mem_mprotect(uint64_t addr, uint64_t len, int prot);
long mem_dontneed(uint64_t addr, uint64_t len); /* MADV_DONTNEED */
void *mem_alloc(size_t n);                      /* zeroed, NULL when the heap is full */
void mem_free(void *p, size_t n);               /* n: the size given to mem_alloc */
uint64_t mem_free_bytes(void);
uint64_t mem_total_bytes(void);
#ifdef ZRT_MEM_DEBUG
/* NULL when mem.c's invariants hold, else the first broken one. */
const char *mem_check(void);
#endif

#endif
