/*
 * zvm_mem.c - memcpy, memmove, memset, memcmp and strlen for code inside the
 * sandbox that has no C library: raw guests (build this file with them, as
 * the Makefile's guest rule does) and the runtime (zrt/), which links the
 * same ones. memcpy and memset are `rep movsb` / `rep stosb`: fast on every
 * x86-64 this project targets, and no loop a compiler could turn back into
 * a call to memset itself. Freestanding: compiled with -ffreestanding
 * -fno-builtin, like everything that runs in the sandbox.
 */
#include "zvm_mem.h"

void *memcpy(void *d, const void *s, size_t n)
{
	void *a = d;
	__asm__ volatile("rep movsb" : "+D"(a), "+S"(s), "+c"(n) : : "memory");
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *a = d;
	const unsigned char *b = s;
	if (a <= b || a >= b + n)
		return memcpy(d, s, n); /* forward copy is safe */
	while (n--)
		a[n] = b[n];
	return d;
}

void *memset(void *d, int c, size_t n)
{
	void *a = d;
	__asm__ volatile("rep stosb" : "+D"(a), "+c"(n) : "a"(c) : "memory");
	return d;
}

int memcmp(const void *x, const void *y, size_t n)
{
	const unsigned char *a = x, *b = y;
	for (; n; n--, a++, b++)
		if (*a != *b)
			return *a - *b;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}
