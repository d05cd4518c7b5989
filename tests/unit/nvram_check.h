/*
 * nvram_check.h - what the nvram parser's unit tests share: parsing into a
 * fresh arena of exactly nvram_arena_size() bytes, checking that every
 * result lies in it, and expecting a failure with its exact message.
 * Included by test_nvram.c and test_nvram_errors.c; static inline, so each
 * test program takes what it uses.
 */
#ifndef NVRAM_CHECK_H
#define NVRAM_CHECK_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nvram.h"

/* ---- helpers ----------------------------------------------------------- */

/* A parse result and the arena it lives in. */
struct parsed {
	struct nvram nv;
	char *arena;
	size_t arena_size;
};

static inline bool in_arena(const struct parsed *r, const void *p, size_t n)
{
	const char *c = p;
	return c >= r->arena && c <= r->arena + r->nv.arena_used && n <= (size_t)(r->arena + r->nv.arena_used - c);
}

static inline void assert_string_in_arena(const struct parsed *r, const char *s)
{
	assert_non_null(s);
	assert_true(in_arena(r, s, strlen(s) + 1));
}

/* Every pointer of a good result points into the used part of the arena,
 * and the arrays are NULL-terminated / NULL when empty as documented. */
static inline void check_layout(const struct parsed *r, size_t len)
{
	const struct nvram *nv = &r->nv;
	assert_true(nv->arena_used <= r->arena_size);
	assert_true(nv->arena_used <= nvram_arena_size(len));
	assert_true(in_arena(r, nv->argv, ((size_t)nv->argc + 1) * sizeof *nv->argv));
	assert_true(in_arena(r, nv->envp, ((size_t)nv->envc + 1) * sizeof *nv->envp));
	assert_int_equal((uintptr_t)nv->argv % _Alignof(const char *), 0);
	assert_int_equal((uintptr_t)nv->envp % _Alignof(const char *), 0);
	assert_null(nv->argv[nv->argc]);
	assert_null(nv->envp[nv->envc]);
	for (int i = 0; i < nv->argc; i++)
		assert_string_in_arena(r, nv->argv[i]);
	for (int i = 0; i < nv->envc; i++)
		assert_string_in_arena(r, nv->envp[i]);
	if (nv->nfstab) {
		assert_true(in_arena(r, nv->fstab, (size_t)nv->nfstab * sizeof *nv->fstab));
		assert_int_equal((uintptr_t)nv->fstab % _Alignof(struct nvram_fstab), 0);
	} else {
		assert_null(nv->fstab);
	}
	for (int i = 0; i < nv->nfstab; i++) {
		assert_string_in_arena(r, nv->fstab[i].channel);
		assert_string_in_arena(r, nv->fstab[i].mountpoint);
	}
	if (nv->nmapping) {
		assert_true(in_arena(r, nv->mapping, (size_t)nv->nmapping * sizeof *nv->mapping));
		assert_int_equal((uintptr_t)nv->mapping % _Alignof(struct nvram_mapping), 0);
	} else {
		assert_null(nv->mapping);
	}
	for (int i = 0; i < nv->nmapping; i++)
		assert_string_in_arena(r, nv->mapping[i].channel);
}

/* Parse len bytes into a malloc'd arena of nvram_arena_size(len) bytes
 * (ASan catches a write past it); must succeed. */
static inline void parse_ok_len(const char *text, size_t len, struct parsed *r)
{
	r->arena_size = nvram_arena_size(len);
	r->arena = malloc(r->arena_size);
	assert_non_null(r->arena);
	char err[256];
	int ret = nvram_parse(text, len, r->arena, r->arena_size, &r->nv, err, sizeof err);
	if (ret != 0)
		fail_msg("nvram_parse returned %d: %s", ret, err);
	assert_string_equal(err, "");
	check_layout(r, len);
}

static inline void parse_ok(const char *text, struct parsed *r)
{
	parse_ok_len(text, strlen(text), r);
}

static inline void parsed_free(struct parsed *r)
{
	free(r->arena);
	memset(r, 0, sizeof *r);
}

/* Parse len bytes expecting exactly the message want; *out must be left
 * all zeros and the arena untouched. */
static inline void parse_fails_len(const char *text, size_t len, const char *want)
{
	size_t size = nvram_arena_size(len);
	unsigned char *arena = malloc(size);
	assert_non_null(arena);
	memset(arena, 0x5a, size);
	struct nvram nv;
	memset(&nv, 0xa5, sizeof nv);
	char err[256];
	memset(err, 'Z', sizeof err);
	int ret = nvram_parse(text, len, arena, size, &nv, err, sizeof err);
	if (ret == 0)
		fail_msg("accepted, expected: %s", want);
	assert_int_equal(ret, -1);
	if (strcmp(err, want) != 0)
		fail_msg("message\n  got:      %s\n  expected: %s", err, want);
	static const struct nvram zero;
	assert_memory_equal(&nv, &zero, sizeof nv);
	for (size_t i = 0; i < size; i++)
		if (arena[i] != 0x5a)
			fail_msg("arena byte %zu written on failure", i);
	free(arena);
}

static inline void parse_fails(const char *text, const char *want)
{
	parse_fails_len(text, strlen(text), want);
}

/* A growing text buffer for generated configurations. */
struct text {
	char *s;
	size_t n, cap;
};

__attribute__((format(printf, 2, 3))) static inline void text_add(struct text *t, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int k = vsnprintf(t->s ? t->s + t->n : NULL, t->s ? t->cap - t->n : 0, fmt, ap);
		va_end(ap);
		assert_true(k >= 0);
		if (t->s && t->n + (size_t)k < t->cap) {
			t->n += (size_t)k;
			return;
		}
		t->cap = (t->cap + (size_t)k + 1) * 2;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
}

/* The escaped form of value[0..len), as a malloc'd string. */
static inline char *escaped(const char *value, size_t len)
{
	size_t need = nvram_escape(value, len, NULL, 0);
	char *out = malloc(need + 1);
	assert_non_null(out);
	assert_int_equal(nvram_escape(value, len, out, need + 1), need);
	assert_int_equal(strlen(out), need);
	return out;
}

#endif
