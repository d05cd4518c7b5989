/*
 * tar_build.h - what the tar reader's and writer's unit tests share:
 * archives built block by block with the test's own idea of the header
 * layout (never untrusted/tar.c's), and scans that log each read and fail
 * the test when one touches a reported file's data or lies past the
 * archive (tar_scan() must read headers only). Included by test_tar.c,
 * test_tar_hostile.c and test_tar_write.c; its functions are static inline
 * so that each test program takes what it uses.
 */
#ifndef TAR_BUILD_H
#define TAR_BUILD_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tar.h"

#ifndef TAR_FIXTURES
#define TAR_FIXTURES "tests/unit/tar/" /* relative to the repository root, where `make unit` runs */
#endif

#define GiB (UINT64_C(1) << 30)
#define MTIME 1700000000

/* ---- building archives ------------------------------------------------------------------- */

/* The POSIX ustar layout, written out here independently of tar.c. */
enum {
	O_NAME = 0,
	O_MODE = 100,
	O_UID = 108,
	O_GID = 116,
	O_SIZE = 124,
	O_MTIME = 136,
	O_CHKSUM = 148,
	O_TYPE = 156,
	O_LINK = 157,
	O_MAGIC = 257,
	O_PREFIX = 345,
};

#define ARC_CAP (2u << 20)

struct arc {
	unsigned char *b;
	size_t n;
};

static inline struct arc *arc_new(void)
{
	struct arc *a = calloc(1, sizeof *a);
	assert_non_null(a);
	a->b = calloc(1, ARC_CAP);
	assert_non_null(a->b);
	return a;
}

static inline void arc_free(struct arc *a)
{
	free(a->b);
	free(a);
}

/* Append n bytes (NULL: zeros) and the padding to a whole block. */
static inline unsigned char *put(struct arc *a, const void *p, size_t n)
{
	size_t padded = (n + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
	assert_true(a->n + padded <= ARC_CAP);
	unsigned char *at = a->b + a->n;
	memset(at, 0, padded);
	if (p)
		memcpy(at, p, n);
	a->n += padded;
	return at;
}

static inline void fill(struct arc *a, int c, size_t n)
{
	unsigned char *at = put(a, NULL, n);
	memset(at, c, n);
}

static inline void end(struct arc *a)
{
	put(a, NULL, 2 * TAR_BLOCK);
}

/* Copy s into a field of width w: NUL-terminated when it is shorter. */
static inline void set_field(unsigned char *h, size_t at, size_t w, const char *s)
{
	size_t n = strlen(s);
	assert_true(n <= w);
	memset(h + at, 0, w);
	memcpy(h + at, s, n);
}

static inline void set_octal(unsigned char *h, size_t at, size_t w, uint64_t v)
{
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%0*llo", (int)w - 1, (unsigned long long)v);
	set_field(h, at, w, tmp);
}

static inline void set_bytes(unsigned char *h, size_t at, const void *p, size_t n)
{
	memcpy(h + at, p, n);
}

static inline unsigned sum_unsigned(const unsigned char *h)
{
	unsigned s = 0;
	for (int i = 0; i < TAR_BLOCK; i++)
		s += i >= O_CHKSUM && i < O_CHKSUM + 8 ? ' ' : h[i];
	return s;
}

static inline int sum_signed(const unsigned char *h)
{
	int s = 0;
	for (int i = 0; i < TAR_BLOCK; i++)
		s += i >= O_CHKSUM && i < O_CHKSUM + 8 ? ' ' : (signed char)h[i];
	return s;
}

/* GNU tar's form: six digits, NUL, space. */
static inline void set_sum(unsigned char *h)
{
	char tmp[16];
	snprintf(tmp, sizeof tmp, "%06o", sum_unsigned(h));
	memcpy(h + O_CHKSUM, tmp, 7);
	h[O_CHKSUM + 7] = ' ';
}

/* A POSIX ustar header with ordinary values: mode 0644, uid and gid
 * 1000, mtime MTIME. A caller that changes a field calls set_sum() again. */
static inline unsigned char *hdr(struct arc *a, const char *name, char type, uint64_t size, const char *link)
{
	unsigned char *h = put(a, NULL, TAR_BLOCK);
	set_field(h, O_NAME, 100, name);
	set_field(h, O_MODE, 8, "0000644");
	set_field(h, O_UID, 8, "0001750");
	set_field(h, O_GID, 8, "0001750");
	set_octal(h, O_SIZE, 12, size);
	set_octal(h, O_MTIME, 12, MTIME);
	h[O_TYPE] = (unsigned char)type;
	if (link)
		set_field(h, O_LINK, 100, link);
	memcpy(h + O_MAGIC,
	       "ustar\0"
	       "00",
	       8);
	set_sum(h);
	return h;
}

/* An extended header ('x', 'g', 'L', 'K') and its n bytes of data. */
static inline void ext(struct arc *a, char type, const void *p, size_t n)
{
	hdr(a, type == 'L' || type == 'K' ? "././@LongLink" : "PaxHeaders/x", type, n, NULL);
	put(a, p, n);
}

/* Append the pax record "<len> key=val\n" to the string buf. */
static inline void rec(char *buf, const char *key, const char *val)
{
	size_t body = strlen(key) + strlen(val) + 3, len = body;
	while ((size_t)snprintf(NULL, 0, "%zu", len) + body != len)
		len = (size_t)snprintf(NULL, 0, "%zu", len) + body;
	sprintf(buf + strlen(buf), "%zu %s=%s\n", len, key, val);
}

static inline void pax(struct arc *a, const char *records)
{
	ext(a, 'x', records, strlen(records));
}

/* A string of n copies of c, for long names (static: one at a time). */
static inline const char *rep(char c, size_t n)
{
	static char buf[3][8192];
	static int k;
	assert_true(n < sizeof buf[0]);
	char *b = buf[k++ % 3];
	memset(b, c, n);
	b[n] = 0;
	return b;
}

/* n bytes of path made of 99-byte components "ccc.../ccc.../..." */
static inline char *long_path(char c, size_t n)
{
	char *p = malloc(n + 1);
	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		p[i] = i % 100 == 99 ? '/' : c;
	if (p[n - 1] == '/')
		p[n - 1] = c;
	p[n] = 0;
	return p;
}

/* ---- scanning ---------------------------------------------------------------------------- */

#define LOG_MAX 4096

/* The archive as tar_scan sees it: b[0..n), then zeros up to size (so a
 * 9 GiB file costs nothing), with a log of every read. */
struct src {
	const unsigned char *b;
	size_t n;
	uint64_t size;
	uint64_t asked; /* bytes asked for */
	unsigned reads;
	struct {
		uint64_t off, len;
	} log[LOG_MAX];
	unsigned fail_at; /* this read (1-based) returns fail_rc */
	int64_t fail_rc;
	unsigned short_at; /* this read comes back half as long */
};

static inline int64_t src_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct src *s = ctx;
	s->reads++;
	if (s->reads <= LOG_MAX) {
		s->log[s->reads - 1].off = off;
		s->log[s->reads - 1].len = len;
	}
	s->asked += len;
	if (s->reads == s->fail_at)
		return s->fail_rc;
	if (off >= s->size)
		return 0;
	uint64_t k = s->size - off < len ? s->size - off : len;
	if (s->reads == s->short_at)
		k /= 2;
	memset(buf, 0, k);
	if (off < s->n)
		memcpy(buf, s->b + off, s->n - off < k ? s->n - off : k);
	return (int64_t)k;
}

struct got {
	int r;
	struct tar_stats st;
	size_t n;
	struct tar_entry *e;
	size_t stop_at; /* the callback returns stop_rc for this entry (1-based) */
	int stop_rc;
};

static inline int collect(void *ctx, const struct tar_entry *e)
{
	struct got *g = ctx;
	g->e = realloc(g->e, (g->n + 1) * sizeof *e);
	assert_non_null(g->e);
	g->e[g->n++] = *e;
	return g->n == g->stop_at ? g->stop_rc : 0;
}

static inline void got_free(struct got *g)
{
	free(g->e);
	g->e = NULL;
}

/* What holds for every entry of every archive (tar.h's guarantees). */
static inline void check_entry(const struct tar_entry *e, uint64_t size)
{
	size_t pl = strnlen(e->path, TAR_PATH_MAX), ll = strnlen(e->link, TAR_PATH_MAX);
	assert_true(pl < TAR_PATH_MAX && ll < TAR_PATH_MAX);
	char clean[TAR_PATH_MAX];
	assert_int_equal(tar_sanitize(e->path, pl, clean), (int)pl);
	assert_string_equal(clean, e->path);
	assert_true(pl > 0 || e->type == TAR_DIR);
	assert_true(e->mode <= 07777);
	if (e->type == TAR_HARDLINK) {
		assert_int_equal(tar_sanitize(e->link, ll, clean), (int)ll);
		assert_true(ll > 0);
	}
	if (e->type == TAR_SYMLINK)
		assert_true(ll > 0);
	if (e->type != TAR_SYMLINK && e->type != TAR_HARDLINK)
		assert_int_equal(ll, 0);
	if (e->type != TAR_FILE)
		assert_int_equal(e->size, 0);
	assert_true(e->offset % TAR_BLOCK == 0 && e->offset >= TAR_BLOCK);
	assert_true(e->offset <= size && e->size <= size - e->offset);
}

/* Scan s into g and check that no read touched a file's data or went past
 * the end, and that every entry keeps tar.h's promises. */
static inline void scan_src(struct src *s, struct got *g)
{
	memset(&g->st, 0xa5, sizeof g->st); /* tar_scan must clear it */
	g->r = tar_scan(src_read, s, s->size, collect, g, &g->st);
	assert_int_equal(g->st.entries, g->n);
	for (unsigned i = 0; i < s->reads && i < LOG_MAX; i++)
		assert_true(s->log[i].off + s->log[i].len <= s->size || s->fail_at || s->short_at);
	for (size_t k = 0; k < g->n; k++) {
		const struct tar_entry *e = &g->e[k];
		check_entry(e, s->size);
		for (unsigned i = 0; e->type == TAR_FILE && i < s->reads && i < LOG_MAX; i++) {
			uint64_t a = s->log[i].off, b = a + s->log[i].len;
			if (a < e->offset + e->size && e->offset < b)
				fail_msg("read [%llu, %llu) touches the data of %s [%llu, %llu)", (unsigned long long)a,
					 (unsigned long long)b, e->path, (unsigned long long)e->offset,
					 (unsigned long long)(e->offset + e->size));
		}
	}
}

static inline struct got scan_arc(const struct arc *a)
{
	static struct src s;
	memset(&s, 0, sizeof s);
	s.b = a->b, s.n = a->n, s.size = a->n;
	struct got g = {0};
	scan_src(&s, &g);
	return g;
}

/* Scan an archive expecting failure r and no entries reported. */
static inline void scan_fails(const struct arc *a, int r)
{
	struct got g = scan_arc(a);
	if (g.r != r)
		fail_msg("tar_scan returned %d, expected %d", g.r, r);
	got_free(&g);
}

static inline void expect(const struct tar_entry *e, enum tar_type type, const char *path, const char *link,
			  uint64_t size)
{
	assert_int_equal(e->type, type);
	assert_string_equal(e->path, path);
	assert_string_equal(e->link, link ? link : "");
	assert_int_equal(e->size, size);
}

#endif
