/*
 * wc.h - the word table the word-count example's map and reduce share.
 *
 * A word is a run of ASCII letters, lowercased: what
 * `tr -cs A-Za-z '\n' | tr A-Z a-z` makes of a text. The table is open
 * addressing on FNV-1a, doubling at half full. Both programs are ordinary
 * static C programs (musl), run under zerovm by zvjob and natively by the
 * benchmark, unchanged.
 */
#ifndef WC_H
#define WC_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct wc_entry {
	char *word; /* NULL: a free slot */
	size_t len;
	uint64_t hash, count;
};

struct wc_table {
	struct wc_entry *e;
	size_t cap, n;
};

static inline uint64_t wc_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static inline void wc_die(const char *what)
{
	fprintf(stderr, "%s\n", what);
	exit(1);
}

static inline void wc_grow(struct wc_table *t)
{
	size_t cap = t->cap ? 2 * t->cap : 1 << 16;
	struct wc_entry *e = calloc(cap, sizeof *e);
	if (!e)
		wc_die("out of memory");
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->e[i].word)
			continue;
		size_t k = t->e[i].hash & (cap - 1);
		while (e[k].word)
			k = (k + 1) & (cap - 1);
		e[k] = t->e[i];
	}
	free(t->e);
	t->e = e;
	t->cap = cap;
}

/* Add count to word s[0..n). */
static inline void wc_add(struct wc_table *t, const char *s, size_t n, uint64_t count)
{
	if (2 * (t->n + 1) > t->cap)
		wc_grow(t);
	uint64_t h = wc_hash(s, n);
	size_t k = h & (t->cap - 1);
	for (; t->e[k].word; k = (k + 1) & (t->cap - 1))
		if (t->e[k].hash == h && t->e[k].len == n && memcmp(t->e[k].word, s, n) == 0) {
			t->e[k].count += count;
			return;
		}
	char *w = malloc(n + 1);
	if (!w)
		wc_die("out of memory");
	memcpy(w, s, n);
	w[n] = 0;
	t->e[k] = (struct wc_entry){w, n, h, count};
	t->n++;
}

#endif
