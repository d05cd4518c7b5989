/*
 * test_tar.c - unit tests for the tar reader and writer (zrt/tar.c).
 *
 * Archives are built here block by block, with the test's own idea of the
 * header layout (never tar.c's), so each format and each hostile case is
 * one small archive: ustar with its prefix, v7, old GNU, GNU 'L' and 'K',
 * pax 'x' records and 'g' headers, base-256 numbers, octal fields as real
 * writers fill them, both checksums, every type flag, and the hostile
 * cases of docs/images.md (absolute and ".." paths, links out of the tree,
 * sizes that overflow or reach past the end, absurd long-name records,
 * malformed pax records, truncation, read errors). The fixtures in
 * tests/unit/tar/ (made by GNU tar, see make.sh there) check the reader
 * against a real writer; the writer is checked by tar_header -> tar_scan
 * round trips and, when GNU tar is installed, by extracting its output.
 *
 * Every scan goes through scan_src(), which logs each read and fails the
 * test when one touches a reported file's data or lies past the archive:
 * tar_scan() must read headers only.
 */
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

static struct arc *arc_new(void)
{
	struct arc *a = calloc(1, sizeof *a);
	assert_non_null(a);
	a->b = calloc(1, ARC_CAP);
	assert_non_null(a->b);
	return a;
}

static void arc_free(struct arc *a)
{
	free(a->b);
	free(a);
}

/* Append n bytes (NULL: zeros) and the padding to a whole block. */
static unsigned char *put(struct arc *a, const void *p, size_t n)
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

static void fill(struct arc *a, int c, size_t n)
{
	unsigned char *at = put(a, NULL, n);
	memset(at, c, n);
}

static void end(struct arc *a)
{
	put(a, NULL, 2 * TAR_BLOCK);
}

/* Copy s into a field of width w: NUL-terminated when it is shorter. */
static void set_field(unsigned char *h, size_t at, size_t w, const char *s)
{
	size_t n = strlen(s);
	assert_true(n <= w);
	memset(h + at, 0, w);
	memcpy(h + at, s, n);
}

static void set_octal(unsigned char *h, size_t at, size_t w, uint64_t v)
{
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%0*llo", (int)w - 1, (unsigned long long)v);
	set_field(h, at, w, tmp);
}

static void set_bytes(unsigned char *h, size_t at, const void *p, size_t n)
{
	memcpy(h + at, p, n);
}

static unsigned sum_unsigned(const unsigned char *h)
{
	unsigned s = 0;
	for (int i = 0; i < TAR_BLOCK; i++)
		s += i >= O_CHKSUM && i < O_CHKSUM + 8 ? ' ' : h[i];
	return s;
}

static int sum_signed(const unsigned char *h)
{
	int s = 0;
	for (int i = 0; i < TAR_BLOCK; i++)
		s += i >= O_CHKSUM && i < O_CHKSUM + 8 ? ' ' : (signed char)h[i];
	return s;
}

/* GNU tar's form: six digits, NUL, space. */
static void set_sum(unsigned char *h)
{
	char tmp[16];
	snprintf(tmp, sizeof tmp, "%06o", sum_unsigned(h));
	memcpy(h + O_CHKSUM, tmp, 7);
	h[O_CHKSUM + 7] = ' ';
}

/* A POSIX ustar header with ordinary values: mode 0644, uid and gid
 * 1000, mtime MTIME. A caller that changes a field calls set_sum() again. */
static unsigned char *hdr(struct arc *a, const char *name, char type, uint64_t size, const char *link)
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
	memcpy(h + O_MAGIC, "ustar\0" "00", 8);
	set_sum(h);
	return h;
}

/* An extended header ('x', 'g', 'L', 'K') and its n bytes of data. */
static void ext(struct arc *a, char type, const void *p, size_t n)
{
	hdr(a, type == 'L' || type == 'K' ? "././@LongLink" : "PaxHeaders/x", type, n, NULL);
	put(a, p, n);
}

/* Append the pax record "<len> key=val\n" to the string buf. */
static void rec(char *buf, const char *key, const char *val)
{
	size_t body = strlen(key) + strlen(val) + 3, len = body;
	while ((size_t)snprintf(NULL, 0, "%zu", len) + body != len)
		len = (size_t)snprintf(NULL, 0, "%zu", len) + body;
	sprintf(buf + strlen(buf), "%zu %s=%s\n", len, key, val);
}

static void pax(struct arc *a, const char *records)
{
	ext(a, 'x', records, strlen(records));
}

/* A string of n copies of c, for long names (static: one at a time). */
static const char *rep(char c, size_t n)
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
static char *long_path(char c, size_t n)
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

static int64_t src_read(void *ctx, void *buf, size_t len, uint64_t off)
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

static int collect(void *ctx, const struct tar_entry *e)
{
	struct got *g = ctx;
	g->e = realloc(g->e, (g->n + 1) * sizeof *e);
	assert_non_null(g->e);
	g->e[g->n++] = *e;
	return g->n == g->stop_at ? g->stop_rc : 0;
}

static void got_free(struct got *g)
{
	free(g->e);
	g->e = NULL;
}

/* What holds for every entry of every archive (tar.h's guarantees). */
static void check_entry(const struct tar_entry *e, uint64_t size)
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
static void scan_src(struct src *s, struct got *g)
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

static struct got scan_arc(const struct arc *a)
{
	static struct src s;
	memset(&s, 0, sizeof s);
	s.b = a->b, s.n = a->n, s.size = a->n;
	struct got g = {0};
	scan_src(&s, &g);
	return g;
}

/* Scan an archive expecting failure r and no entries reported. */
static void scan_fails(const struct arc *a, int r)
{
	struct got g = scan_arc(a);
	if (g.r != r)
		fail_msg("tar_scan returned %d, expected %d", g.r, r);
	got_free(&g);
}

static void expect(const struct tar_entry *e, enum tar_type type, const char *path, const char *link, uint64_t size)
{
	assert_int_equal(e->type, type);
	assert_string_equal(e->path, path);
	assert_string_equal(e->link, link ? link : "");
	assert_int_equal(e->size, size);
}

/* ---- paths ------------------------------------------------------------------------------- */

static void test_sanitize_table(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out; /* out NULL: must fail */
	} rows[] = {
		{"a", "a"},
		{"a/b/c", "a/b/c"},
		{"/a", "a"},
		{"///a//b/", "a/b"},
		{"./a/./b/.", "a/b"},
		{"a/b/", "a/b"},
		{".", ""},
		{"./", ""},
		{"/", ""},
		{"//././/", ""},
		{"", ""},
		{"...", "..."},
		{"..a/a..", "..a/a.."},
		{".a/.b/..c", ".a/.b/..c"},
		{"a b/\tc", "a b/\tc"},
		{"/etc/passwd", "etc/passwd"},
		{"..", NULL},
		{"../a", NULL},
		{"a/..", NULL},
		{"a/../b", NULL},
		{"/..", NULL},
		{"./../", NULL},
		{"a/./../b", NULL},
		{"a/b/c/../../..", NULL},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char out[TAR_PATH_MAX];
		int r = tar_sanitize(rows[i].in, strlen(rows[i].in), out);
		if (!rows[i].out) {
			if (r != -1)
				fail_msg("\"%s\": expected failure, got %d \"%s\"", rows[i].in, r, out);
			continue;
		}
		if (r != (int)strlen(rows[i].out) || strcmp(out, rows[i].out))
			fail_msg("\"%s\": got %d \"%s\", expected \"%s\"", rows[i].in, r, r >= 0 ? out : "",
				 rows[i].out);
		/* The same in place. */
		char buf[TAR_PATH_MAX];
		strcpy(buf, rows[i].in);
		assert_int_equal(tar_sanitize(buf, strlen(buf), buf), r);
		assert_string_equal(buf, rows[i].out);
	}
}

static void test_sanitize_len_and_nul(void **state)
{
	(void)state;
	char out[TAR_PATH_MAX];
	assert_int_equal(tar_sanitize("abc/def", 3, out), 3); /* len is honoured */
	assert_string_equal(out, "abc");
	assert_int_equal(tar_sanitize("abc/de", 5, out), 5);
	assert_string_equal(out, "abc/d");
	assert_int_equal(tar_sanitize("ab\0/../x", 8, out), 2); /* a NUL ends the path */
	assert_string_equal(out, "ab");
	assert_int_equal(tar_sanitize("../x", 0, out), 0);
	assert_string_equal(out, "");
}

static void test_sanitize_length_limit(void **state)
{
	(void)state;
	char *in = malloc(2 * TAR_PATH_MAX + 2), *out = malloc(2 * TAR_PATH_MAX + 2);
	assert_non_null(in);
	assert_non_null(out);
	memset(in, 'a', TAR_PATH_MAX - 1);
	in[TAR_PATH_MAX - 1] = 0;
	assert_int_equal(tar_sanitize(in, strlen(in), out), TAR_PATH_MAX - 1); /* 4095: the longest */
	assert_int_equal(tar_sanitize(in, strlen(in), in), TAR_PATH_MAX - 1);
	strcat(in, "a");
	assert_int_equal(tar_sanitize(in, strlen(in), out), -1); /* 4096 */
	/* Longer input that shrinks to the limit is fine: what counts is
	 * the result. */
	in[0] = '/';
	memset(in + 1, 'a', TAR_PATH_MAX - 1);
	strcpy(in + TAR_PATH_MAX, "/./");
	assert_int_equal(tar_sanitize(in, strlen(in), out), TAR_PATH_MAX - 1);
	/* "a/" 2048 times: 4096 bytes in, 4095 out. */
	for (int i = 0; i < TAR_PATH_MAX / 2; i++)
		memcpy(in + 2 * i, "a/", 2);
	in[TAR_PATH_MAX] = 0;
	assert_int_equal(tar_sanitize(in, TAR_PATH_MAX, in), TAR_PATH_MAX - 1);
	assert_int_equal(strlen(in), TAR_PATH_MAX - 1);
	free(in);
	free(out);
}

/* ---- formats ----------------------------------------------------------------------------- */

static void test_ustar_entries(void **state)
{
	(void)state;
	struct arc *a = arc_new();
	hdr(a, "d/", '5', 0, NULL);
	hdr(a, "d/f", '0', 5, NULL);
	put(a, "hello", 5);
	hdr(a, "d/s", '2', 0, "f");
	hdr(a, "d/h", '1', 0, "d/f");
	end(a);
	struct got g = scan_arc(a);
	assert_int_equal(g.r, 0);
	assert_int_equal(g.n, 4);
	assert_int_equal(g.st.skipped, 0);
	expect(&g.e[0], TAR_DIR, "d", NULL, 0);
	expect(&g.e[1], TAR_FILE, "d/f", NULL, 5);
	expect(&g.e[2], TAR_SYMLINK, "d/s", "f", 0);
	expect(&g.e[3], TAR_HARDLINK, "d/h", "d/f", 0);
	assert_int_equal(g.e[1].offset, 2 * TAR_BLOCK);
	assert_memory_equal(a->b + g.e[1].offset, "hello", 5);
	for (size_t i = 0; i < g.n; i++) {
		assert_int_equal(g.e[i].mode, 0644);
		assert_int_equal(g.e[i].uid, 1000);
		assert_int_equal(g.e[i].gid, 1000);
		assert_int_equal(g.e[i].mtime, MTIME);
		assert_int_equal(g.e[i].offset, (i + 1 + (i > 1)) * TAR_BLOCK);
	}
	got_free(&g);
	arc_free(a);
}

static void test_ustar_prefix(void **state)
{
	(void)state;
	struct arc *a = arc_new();
	unsigned char *h = hdr(a, "r", '0', 0, NULL);
	set_field(h, O_PREFIX, 155, "p/q");
	set_sum(h);
	/* Both fields full, no NUL in either: 155 + '/' + 100 bytes. */
	h = hdr(a, rep('n', 100), '0', 0, NULL);
	set_field(h, O_PREFIX, 155, rep('p', 155));
	set_sum(h);
	/* Old GNU magic: the prefix bytes are something else, not a prefix. */
	h = hdr(a, "gnu", '0', 0, NULL);
	memcpy(h + O_MAGIC, "ustar  \0", 8);
	set_field(h, O_PREFIX, 155, "atime-and-more");
	set_sum(h);
	/* The joint is sanitized like the rest. */
	h = hdr(a, "/b/", '5', 0, NULL);
	set_field(h, O_PREFIX, 155, "/a/");
	set_sum(h);
	end(a);
	struct got g = scan_arc(a);
	assert_int_equal(g.r, 0);
	assert_int_equal(g.n, 4);
	expect(&g.e[0], TAR_FILE, "p/q/r", NULL, 0);
	char want[300];
	snprintf(want, sizeof want, "%s/%s", rep('p', 155), rep('n', 100));
	expect(&g.e[1], TAR_FILE, want, NULL, 0);
	expect(&g.e[2], TAR_FILE, "gnu", NULL, 0);
	expect(&g.e[3], TAR_DIR, "a/b", NULL, 0);
	got_free(&g);
	arc_free(a);
}

static void test_v7_headers(void **state)
{
	(void)state;
	struct arc *a = arc_new();
	/* No magic; numbers as early tars wrote them: six digits, space,
	 * NUL; bytes after the linkname that must not be taken as a prefix. */
	unsigned char *h = hdr(a, "v7file", '\0', 3, NULL);
	memset(h + O_MAGIC, 0, 8);
	set_bytes(h, O_MODE, "   755 \0", 8);
	set_bytes(h, O_UID, "    12 \0", 8);
	set_bytes(h, O_GID, "    34 \0", 8);
	set_bytes(h, O_SIZE, "         3 ", 12);
	set_field(h, O_PREFIX, 155, "junk");
	set_sum(h);
	put(a, "abc", 3);
	h = hdr(a, "v7dir/", '\0', 0, NULL); /* a directory by its trailing '/' */
	memset(h + O_MAGIC, 0, 8);
	set_sum(h);
	hdr(a, "contiguous", '7', 0, NULL);
	end(a);
	struct got g = scan_arc(a);
	assert_int_equal(g.r, 0);
	assert_int_equal(g.n, 3);
	expect(&g.e[0], TAR_FILE, "v7file", NULL, 3);
	assert_int_equal(g.e[0].mode, 0755);
	assert_int_equal(g.e[0].uid, 012);
	assert_int_equal(g.e[0].gid, 034);
	assert_memory_equal(a->b + g.e[0].offset, "abc", 3);
	expect(&g.e[1], TAR_DIR, "v7dir", NULL, 0);
	expect(&g.e[2], TAR_FILE, "contiguous", NULL, 0);
	got_free(&g);
	arc_free(a);
}

static void test_gnu_long_names(void **state)
{
	(void)state;
	struct arc *a = arc_new();
	char name[400], link[300];
	snprintf(name, sizeof name, "/L/%s", rep('n', 297)); /* absolute: made relative */
	ext(a, 'L', name, strlen(name) + 1);                  /* GNU: with its NUL */
	hdr(a, "truncated-name", '0', 2, NULL);
	put(a, "hi", 2);
	snprintf(link, sizeof link, "%s", rep('k', 200));
	ext(a, 'K', link, 200); /* fills the record, no NUL */
	hdr(a, "sym", '2', 0, "truncated-link");
	ext(a, 'L', "hl/long", 8);
	ext(a, 'K', name, strlen(name) + 1);
	hdr(a, "hl", '1', 0, "x");
	ext(a, 'L', "abc\0def", 7); /* the name ends at the NUL */
	hdr(a, "x", '0', 0, NULL);
	hdr(a, "after", '0', 0, NULL); /* nothing carried over */
	end(a);
	struct got g = scan_arc(a);
	assert_int_equal(g.r, 0);
	assert_int_equal(g.n, 5);
	expect(&g.e[0], TAR_FILE, name + 1, NULL, 2);
	assert_memory_equal(a->b + g.e[0].offset, "hi", 2);
	expect(&g.e[1], TAR_SYMLINK, "sym", link, 0);
	expect(&g.e[2], TAR_HARDLINK, "hl/long", name + 1, 0);
	expect(&g.e[3], TAR_FILE, "abc", NULL, 0);
	expect(&g.e[4], TAR_FILE, "after", NULL, 0);
	got_free(&g);
	arc_free(a);
}

static void test_gnu_long_name_limits(void **state)
{
	(void)state;
	/* 4095 bytes and the NUL: the longest name kept. */
	struct arc *a = arc_new();
	char *name = long_path('m', TAR_PATH_MAX - 1);
	ext(a, 'L', name, TAR_PATH_MAX);
	hdr(a, "x", '0', 0, NULL);
	end(a);
	struct got g = scan_arc(a);
	assert_int_equal(g.r, 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.e[0].path, name);
	got_free(&g);
	arc_free(a);

	/* 4096 bytes without a NUL: too long. */
	a = arc_new();
	memset(name, 'm', TAR_PATH_MAX - 1);
	ext(a, 'L', rep('m', TAR_PATH_MAX), TAR_PATH_MAX);
	hdr(a, "x", '0', 0, NULL);
	end(a);
	scan_fails(a, -TAR_EINVAL);
	arc_free(a);

	/* A record larger than any name, present in full. */
	a = arc_new();
	ext(a, 'K', rep('m', 5000), 5000);
	hdr(a, "x", '2', 0, NULL);
	end(a);
	scan_fails(a, -TAR_EINVAL);
	arc_free(a);

	/* An absurd size, not present: past the end. */
	a = arc_new();
	hdr(a, "././@LongLink", 'L', 077777777777, NULL);
	hdr(a, "x", '0', 0, NULL);
	end(a);
	scan_fails(a, -TAR_EINVAL);
	arc_free(a);
	free(name);
}

static void test_pax_records(void **state)
{
	(void)state;
	struct arc *a = arc_new();
	char *r = calloc(1, 8192), *path = long_path('P', 300);
	assert_non_null(r);
	/* A global header first: its values apply to nothing. */
	rec(r, "path", "global/ignored");
	rec(r, "mtime", "5");
	ext(a, 'g', r, strlen(r));
	r[0] = 0;
	rec(r, "atime", "1.5");
	rec(r, "path", path);
	rec(r, "size", "5");
	rec(r, "mtime", "1234567890.75");
	rec(r, "uid", "70000000");
	rec(r, "gid", "4294967295");
	rec(r, "linkpath", "ignored/for/a/file");
	rec(r, "comment", rep('c', 200));                            /* a long value not kept */
	rec(r, rep('K', 120), "v");                                   /* a key longer than the head read */
	size_t n = strlen(r);
	memcpy(r + n, "27 SCHILY.xattr.user.k=a\0b\n", 27); /* a binary value */
	n += 27;
	ext(a, 'x', r, n);
	hdr(a, "short", '0', 0, NULL); /* the header's size is 0: pax says 5 */
	put(a, "12345", 5);
	r[0] = 0;
	rec(r, "linkpath", "/abs/target/../kept/as/is");
	pax(a, r);
	hdr(a, "sl", '2', 0, "x");
	r[0] = 0;
	rec(r, "mtime", "-9223372036854775808");
	pax(a, r);
	hdr(a, "old", '0', 0, NULL);
	r[0] = 0;
	rec(r, "mtime", "-100.5");
	rec(r, "uid", "0");
	pax(a, r);
	hdr(a, "neg", '0', 0, NULL);
	hdr(a, "next", '0', 0, NULL);
	end(a);
	struct got g = scan_arc(a);
	assert_int_equal(g.r, 0);
	assert_int_equal(g.n, 5);
	expect(&g.e[0], TAR_FILE, path, NULL, 5);
	assert_memory_equal(a->b + g.e[0].offset, "12345", 5);
	assert_int_equal(g.e[0].mtime, 1234567890);
	assert_int_equal(g.e[0].uid, 70000000);
	assert_int_equal(g.e[0].gid, 4294967295u);
	expect(&g.e[1], TAR_SYMLINK, "sl", "/abs/target/../kept/as/is", 0);
	assert_int_equal(g.e[1].mtime, MTIME);
	assert_true(g.e[2].mtime == INT64_MIN);
	assert_int_equal(g.e[3].mtime, -100);
	assert_int_equal(g.e[3].uid, 0);
	expect(&g.e[4], TAR_FILE, "next", NULL, 0);
	assert_int_equal(g.e[4].mtime, MTIME);
	assert_int_equal(g.e[4].uid, 1000);
	got_free(&g);
	arc_free(a);
	free(r);
	free(path);
}

/* Empty values, as GNU tar reads them: an empty path or link target is
 * empty (not POSIX's "delete the keyword", which would bring the header's
 * own field back); an empty number is malformed. */
static void test_pax_empty_values(void **state)
{
	(void)state;
	struct arc *a = arc_new();
	char r[256] = "";
	rec(r, "path", "from/pax");
	rec(r, "path", "");
	pax(a, r);
	hdr(a, "from/header", '0', 1, NULL); /* no name: skipped */
	put(a, "z", 1);
	pax(a, r);
	hdr(a, "from/header", '5', 0, NULL); /* no name, a directory: the root */
	r[0] = 0;
	rec(r, "linkpath", "");
	pax(a, r);
	hdr(a, "sym", '2', 0, "from/header"); /* no target: skipped */
	end(a);
	struct got g = scan_arc(a);
	assert_int_equal(g.r, 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.st.skipped, 2);
	expect(&g.e[0], TAR_DIR, "", NULL, 0);
	got_free(&g);
	static const char *const keys[] = {"size", "mtime", "uid", "gid"};
	for (size_t i = 0; i < 4; i++) {
		a->n = 0;
		r[0] = 0;
		rec(r, keys[i], "");
		pax(a, r);
		hdr(a, "f", '0', 0, NULL);
		end(a);
		scan_fails(a, -TAR_EINVAL);
	}
	arc_free(a);
}

/* GNU sparse files in pax form: the data is a map and fragments, not the
 * file; the entry is skipped, the data skipped over. */
static void test_pax_sparse_skipped(void **state)
{
	(void)state;
	struct arc *a = arc_new();
	char r[256] = "";
	rec(r, "GNU.sparse.major", "1");
	rec(r, "GNU.sparse.minor", "0");
	rec(r, "GNU.sparse.name", "real");
	rec(r, "GNU.sparse.realsize", "10000");
	pax(a, r);
	hdr(a, "GNUSparseFile.0/real", '0', 600, NULL);
	fill(a, 's', 600);
	hdr(a, "after", '0', 0, NULL);
	end(a);
	struct got g = scan_arc(a);
	assert_int_equal(g.r, 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.st.skipped, 1);
	expect(&g.e[0], TAR_FILE, "after", NULL, 0);
	got_free(&g);
	arc_free(a);
}

/* pax headers at the size limit and one byte over it: one comment record
 * filling the header, well-formed either way. */
static void test_pax_size_limit(void **state)
{
	(void)state;
	char *r = malloc(TAR_PAX_MAX + 2);
	assert_non_null(r);
	for (size_t len = TAR_PAX_MAX; len <= TAR_PAX_MAX + 1; len++) {
		struct arc *a = arc_new();
		size_t k = (size_t)sprintf(r, "%zu comment=", len);
		memset(r + k, 'c', len - k - 1);
		r[len - 1] = '\n';
		ext(a, 'x', r, len);
		hdr(a, "x", '0', 0, NULL);
		end(a);
		struct got g = scan_arc(a);
		if (len == TAR_PAX_MAX) {
			assert_int_equal(g.r, 0);
			assert_int_equal(g.n, 1);
		} else {
			assert_int_equal(g.r, -TAR_EINVAL);
		}
		got_free(&g);
		arc_free(a);
	}
	free(r);
}

/*
 * Malformed pax headers, one cmocka test each (pax_tests below). A row
 * gives either the literal records (framing errors) or one key and value
 * that rec() frames correctly, so only the value is wrong.
 */
struct pax_case {
	const char *records, *key, *value;
};

static void run_pax_bad(void **state)
{
	const struct pax_case *c = *state;
	struct arc *a = arc_new();
	char *r = calloc(1, 512);
	assert_non_null(r);
	if (c->records)
		strcpy(r, c->records);
	else
		rec(r, c->key, c->value);
	pax(a, r);
	hdr(a, "f", '0', 0, NULL);
	end(a);
	scan_fails(a, -TAR_EINVAL);
	arc_free(a);
	free(r);
}

#define PAX_CASE(id, ...) {.name = "pax_bad_" id, .test_func = run_pax_bad, .initial_state = &(struct pax_case){__VA_ARGS__}}
#define PAX_BAD(id, records_) PAX_CASE(id, (records_), NULL, NULL)
#define PAX_BAD_VALUE(id, key_, value_) PAX_CASE(id, NULL, (key_), (value_))

static const struct CMUnitTest pax_tests[] = {
	/* framing */
	PAX_BAD("length_not_a_number", "abc path=x\n"),
	PAX_BAD("length_leading_space", " 9 path=x\n"),
	PAX_BAD("length_no_space", "9path=x\n"),
	PAX_BAD("length_too_short", "5 path=x\n"),
	PAX_BAD("length_past_header", "100 path=x\n"),
	PAX_BAD("length_zero", "0 \n"),
	PAX_BAD("length_huge", "99999999999999999999999 path=x\n"),
	PAX_BAD("no_newline", "11 path=abc"),
	PAX_BAD("no_newline_unknown_key", "12 comment=ab"),
	PAX_BAD("no_equals", "9 pathxy\n"),
	PAX_BAD("no_equals_long", "120 " /* a key longer than the head read: framing only, and it is wrong */
				  "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
				  "kkkkkkkkkkkkkkkkkkkkk"),
	PAX_BAD("empty_key", "6 =ab\n"),
	PAX_BAD("trailing_junk", "11 path=ab\nxx"),
	PAX_BAD("only_newline", "\n"),
	/* values */
	PAX_BAD_VALUE("size_junk", "size", "12a"),
	PAX_BAD_VALUE("size_negative", "size", "-1"),
	PAX_BAD_VALUE("size_plus", "size", "+1"),
	PAX_BAD_VALUE("size_space", "size", " 1"),
	PAX_BAD_VALUE("size_overflow", "size", "18446744073709551616"),
	PAX_BAD_VALUE("size_past_end", "size", "18446744073709551615"),
	PAX_BAD_VALUE("size_long_value", "size", "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001"),
	PAX_BAD_VALUE("uid_overflow", "uid", "4294967296"),
	PAX_BAD_VALUE("gid_negative", "gid", "-1"),
	PAX_BAD_VALUE("gid_fraction", "gid", "1.5"),
	PAX_BAD_VALUE("mtime_two_dots", "mtime", "1.2.3"),
	PAX_BAD_VALUE("mtime_double_minus", "mtime", "--1"),
	PAX_BAD_VALUE("mtime_only_fraction", "mtime", ".5"),
	PAX_BAD_VALUE("mtime_fraction_junk", "mtime", "1.5x"),
	PAX_BAD_VALUE("mtime_overflow", "mtime", "9223372036854775808"),
	PAX_BAD_VALUE("mtime_underflow", "mtime", "-9223372036854775809"),
};

/* The harness of pax_tests accepts good records, so the rows fail for
 * their own reasons. */
static void test_pax_good_controls(void **state)
{
	(void)state;
	static const char *const good[][2] = {
		{"size", "0"}, {"uid", "4294967295"}, {"gid", "0"}, {"mtime", "9223372036854775807"},
		{"mtime", "-9223372036854775808"}, {"mtime", "1."}, {"mtime", "1.999"}, {"path", "p"},
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		struct arc *a = arc_new();
		char r[128] = "";
		rec(r, good[i][0], good[i][1]);
		pax(a, r);
		hdr(a, "f", '0', 0, NULL);
		end(a);
		struct got g = scan_arc(a);
		if (g.r != 0 || g.n != 1)
			fail_msg("%s=%s: r %d", good[i][0], good[i][1], g.r);
		got_free(&g);
		arc_free(a);
	}
	struct arc *a = arc_new();
	pax(a, "13 comment=a\n11 path=ab\n");
	hdr(a, "f", '0', 0, NULL);
	end(a);
	struct got g = scan_arc(a);
	assert_int_equal(g.r, 0);
	assert_string_equal(g.e[0].path, "ab");
	got_free(&g);
	arc_free(a);
}

/* A record whose length runs past its header into bytes that would make
 * it well-formed: the header's size is the bound, not the bytes after. */
static void test_pax_record_past_header(void **state)
{
	(void)state;
	struct arc *a = arc_new();
	hdr(a, "PaxHeaders/x", 'x', 12, NULL);
	put(a, "20 path=abcdefghijk\n", 20); /* the header says 12 of these */
	hdr(a, "f", '0', 0, NULL);
	end(a);
	scan_fails(a, -TAR_EINVAL);
	arc_free(a);
}

static void test_base256_fields(void **state)
{
	(void)state;
	static const unsigned char size9g[12] = {0x80, 0, 0, 0, 0, 0, 0, 2, 0x40, 0, 0, 0};
	static const unsigned char minus1[12] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const unsigned char min64[12] = {0xff, 0xff, 0xff, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0};
	static const unsigned char max64[12] = {0x80, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const unsigned char uidmax[8] = {0x80, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};

	/* A 9 GiB file, a negative mtime and a 32-bit uid: the archive is
	 * virtual, the data zeros that are never read. */
	struct arc *a = arc_new();
	unsigned char *h = hdr(a, "big", '0', 0, NULL);
	set_bytes(h, O_SIZE, size9g, 12);
	set_bytes(h, O_MTIME, minus1, 12);
	set_bytes(h, O_UID, uidmax, 8);
	set_sum(h);
	static struct src s;
	memset(&s, 0, sizeof s);
	s.b = a->b, s.n = a->n, s.size = TAR_BLOCK + 9 * GiB + 2 * TAR_BLOCK;
	struct got g = {0};
	scan_src(&s, &g);
	assert_int_equal(g.r, 0);
	assert_int_equal(g.n, 1);
	expect(&g.e[0], TAR_FILE, "big", NULL, 9 * GiB);
	assert_int_equal(g.e[0].mtime, -1);
	assert_int_equal(g.e[0].uid, 4294967295u);
	assert_int_equal(s.reads, 2); /* the header and the end block */
	got_free(&g);

	/* The smallest mtime there is. */
	a->n = 0;
	h = hdr(a, "old", '0', 0, NULL);
	set_bytes(h, O_MTIME, min64, 12);
	set_sum(h);
	end(a);
	g = scan_arc(a);
	assert_int_equal(g.r, 0);
	assert_true(g.e[0].mtime == INT64_MIN);
	got_free(&g);

	/* Sizes: the largest int64 is past the end (and data + size would
	 * overflow nothing: the check is a subtraction); a negative one and
	 * one beyond int64 are malformed. */
	const unsigned char *bad_size[] = {max64, minus1, (const unsigned char *)"\x80\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00"};
	for (size_t i = 0; i < 3; i++) {
		a->n = 0;
		h = hdr(a, "huge", '0', 0, NULL);
		set_bytes(h, O_SIZE, bad_size[i], 12);
		set_sum(h);
		end(a);
		scan_fails(a, -TAR_EINVAL);
	}

	/* A uid beyond 32 bits. */
	a->n = 0;
	h = hdr(a, "uid", '0', 0, NULL);
	set_bytes(h, O_UID, "\x80\x00\x00\x01\x00\x00\x00\x00", 8);
	set_sum(h);
	end(a);
	scan_fails(a, -TAR_EINVAL);
	arc_free(a);
}

static void test_octal_forms(void **state)
{
	(void)state;
	static const struct {
		char field[8];
		int mode; /* -1: malformed */
	} rows[] = {
		{"0000644", 0644},   {"000644 ", 0644},  {"  644 \0", 0644}, {"644\0\0\0\0", 0644},
		{{'0', '0', '0', '0', '0', '6', '4', '4'}, 0644}, /* no terminator: fills the field */
		{"\0\0\0\0\0\0\0", 0},                     /* empty: 0 */
		{"       ", 0},                            /* blanks: 0 */
		{"64 4\0\0\0", 064},                       /* GNU stops at the first blank */
		{"0100755", 0755},                         /* file type bits dropped */
		{"0107777", 07777},
		{"0000648", -1},
		{"+000644", -1},
		{"0000644x", -1},
		{"-000644", -1},
		{"\t000644", -1},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct arc *a = arc_new();
		unsigned char *h = hdr(a, "f", '0', 0, NULL);
		set_bytes(h, O_MODE, rows[i].field, 8);
		set_sum(h);
		end(a);
		struct got g = scan_arc(a);
		if (rows[i].mode < 0) {
			if (g.r != -TAR_EINVAL)
				fail_msg("row %zu: expected -EINVAL, got %d", i, g.r);
		} else {
			if (g.r != 0 || g.n != 1 || g.e[0].mode != (uint32_t)rows[i].mode)
				fail_msg("row %zu: r %d, n %zu, mode %o", i, g.r, g.n, g.n ? g.e[0].mode : 0);
		}
		got_free(&g);
		arc_free(a);
	}
	/* A size field with a trailing space and an mtime with leading ones. */
	struct arc *a = arc_new();
	unsigned char *h = hdr(a, "f", '0', 0, NULL);
	set_bytes(h, O_SIZE, "00000000005 ", 12);
	set_bytes(h, O_MTIME, "         17 ", 12);
	set_sum(h);
	put(a, "abcde", 5);
	end(a);
	struct got g = scan_arc(a);
	assert_int_equal(g.r, 0);
	assert_int_equal(g.e[0].size, 5);
	assert_int_equal(g.e[0].mtime, 017);
	got_free(&g);
	arc_free(a);
}

static void test_checksum(void **state)
{
	(void)state;
	/* The forms writers use: GNU's six digits, NUL, space; seven digits
	 * and NUL; leading blanks; as few digits as needed. */
	static const char *forms[] = {"%06o", "%07o", " %05o", "%o"};
	/* Bytes above 127 make the signed and unsigned sums differ. */
	const char *name = "caf\xc3\xa9/\xff\xfe";
	for (int signed_sum = 0; signed_sum < 2; signed_sum++)
		for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
			struct arc *a = arc_new();
			unsigned char *h = hdr(a, name, '0', 0, NULL);
			int sum = signed_sum ? sum_signed(h) : (int)sum_unsigned(h);
			char tmp[16];
			memset(h + O_CHKSUM, 0, 8);
			switch (i) { /* literal formats, for -Wformat=2 */
			case 0: snprintf(tmp, sizeof tmp, "%06o", sum); break;
			case 1: snprintf(tmp, sizeof tmp, "%07o", sum); break;
			case 2: snprintf(tmp, sizeof tmp, " %05o", sum); break;
			default: snprintf(tmp, sizeof tmp, "%o", sum); break;
			}
			memcpy(h + O_CHKSUM, tmp, strlen(tmp));
			end(a);
			struct got g = scan_arc(a);
			if (g.r != 0 || g.n != 1)
				fail_msg("%s sum in form '%s': r %d", signed_sum ? "signed" : "unsigned", forms[i], g.r);
			assert_string_equal(g.e[0].path, name);
			got_free(&g);
			arc_free(a);
		}
	static const char *bad[] = {"garbage", "\0\0\0\0\0\0\0", "7777777"};
	for (size_t i = 0; i < 4; i++) {
		struct arc *a = arc_new();
		unsigned char *h = hdr(a, "f", '0', 0, NULL);
		if (i < 3) {
			memcpy(h + O_CHKSUM, bad[i], 8);
		} else {
			char tmp[16];
			snprintf(tmp, sizeof tmp, "%06o", sum_unsigned(h) + 1); /* off by one */
			memcpy(h + O_CHKSUM, tmp, 6);
		}
		end(a);
		scan_fails(a, -TAR_EINVAL);
		arc_free(a);
	}
}

/* Every type flag: which are mounted, which skipped, and which have data
 * that must be stepped over. */
static void test_types(void **state)
{
	(void)state;
	struct arc *a = arc_new();
	hdr(a, "f0", '0', 1, NULL);
	put(a, "0", 1);
	hdr(a, "fnul", '\0', 1, NULL);
	put(a, "n", 1);
	hdr(a, "f7", '7', 1, NULL);
	put(a, "7", 1);
	hdr(a, "olddir/", '0', 0, NULL);
	hdr(a, "d5", '5', 1024, NULL); /* a directory's size is not data */
	hdr(a, "h1", '1', 1024, "f0"); /* nor a hard link's */
	hdr(a, "s2", '2', 3, "f0");    /* a symbolic link's is (GNU tar) */
	fill(a, '2', 3);
	hdr(a, "chr", '3', 0, NULL);
	hdr(a, "blk", '4', 0, NULL);
	hdr(a, "fifo", '6', 0, NULL);
	hdr(a, "sparse", 'S', 600, NULL);
	fill(a, 'S', 600);
	hdr(a, "dumpdir", 'D', 100, NULL);
	fill(a, 'D', 100);
	hdr(a, "label", 'V', 0, NULL);
	hdr(a, "multivol", 'M', 700, NULL);
	fill(a, 'M', 700);
	hdr(a, "unknown", 'Z', 513, NULL);
	fill(a, 'Z', 513);
	hdr(a, "last", '0', 0, NULL);
	end(a);
	struct got g = scan_arc(a);
	assert_int_equal(g.r, 0);
	assert_int_equal(g.n, 8);
	assert_int_equal(g.st.skipped, 8);
	expect(&g.e[0], TAR_FILE, "f0", NULL, 1);
	expect(&g.e[1], TAR_FILE, "fnul", NULL, 1);
	expect(&g.e[2], TAR_FILE, "f7", NULL, 1);
	expect(&g.e[3], TAR_DIR, "olddir", NULL, 0);
	expect(&g.e[4], TAR_DIR, "d5", NULL, 0);
	expect(&g.e[5], TAR_HARDLINK, "h1", "f0", 0);
	expect(&g.e[6], TAR_SYMLINK, "s2", "f0", 0);
	expect(&g.e[7], TAR_FILE, "last", NULL, 0);
	assert_memory_equal(a->b + g.e[2].offset, "7", 1);
	got_free(&g);
	arc_free(a);
}

static void test_root_entries(void **state)
{
	(void)state;
	struct arc *a = arc_new();
	hdr(a, "./", '5', 0, NULL);
	hdr(a, ".", '5', 0, NULL);
	hdr(a, "/", '5', 0, NULL);
	hdr(a, "", '5', 0, NULL);
	hdr(a, "./", '0', 0, NULL); /* a directory by its '/' */
	hdr(a, ".", '0', 0, NULL);  /* a file with no name: skipped */
	hdr(a, "/", '2', 0, "x");
	hdr(a, "//", '1', 0, "x");
	end(a);
	struct got g = scan_arc(a);
	assert_int_equal(g.r, 0);
	assert_int_equal(g.n, 5);
	assert_int_equal(g.st.skipped, 3);
	for (size_t i = 0; i < g.n; i++)
		expect(&g.e[i], TAR_DIR, "", NULL, 0);
	got_free(&g);
	arc_free(a);
}

/* ---- hostile archives -------------------------------------------------------------------- */

static void test_hostile_paths(void **state)
{
	(void)state;
	struct arc *a = arc_new();
	char r[256] = "";
	hdr(a, "/etc/passwd", '0', 0, NULL);      /* made relative */
	hdr(a, "../escape", '0', 4, NULL);        /* skipped, data too */
	fill(a, 'e', 4);
	hdr(a, "a/../../x", '0', 0, NULL);        /* skipped */
	hdr(a, "a/b/..", '5', 0, NULL);           /* skipped */
	rec(r, "path", "../../pax-escape");
	pax(a, r);
	hdr(a, "innocent", '0', 0, NULL); /* skipped: the pax path counts */
	ext(a, 'L', "../gnu-escape", 14);
	hdr(a, "innocent", '0', 0, NULL);           /* skipped */
	hdr(a, "h1", '1', 0, "../etc/passwd");       /* skipped */
	hdr(a, "h2", '1', 0, "a/../../x");           /* skipped */
	hdr(a, "h3", '1', 0, "");                    /* skipped */
	hdr(a, "h4", '1', 0, "./");                  /* skipped: no target */
	hdr(a, "h5", '1', 0, "//etc/./passwd");      /* kept, inside the tree */
	hdr(a, "s1", '2', 0, "/etc/passwd");         /* kept as stored */
	hdr(a, "s2", '2', 0, "../../../../../etc");  /* kept as stored */
	hdr(a, "s3", '2', 0, "");                    /* skipped */
	hdr(a, "../s4", '2', 0, "x");                /* skipped */
	hdr(a, "./ok/./fine//", '0', 0, NULL);       /* a directory, cleaned */
	end(a);
	struct got g = scan_arc(a);
	assert_int_equal(g.r, 0);
	assert_int_equal(g.n, 5);
	assert_int_equal(g.st.skipped, 11);
	expect(&g.e[0], TAR_FILE, "etc/passwd", NULL, 0);
	expect(&g.e[1], TAR_HARDLINK, "h5", "etc/passwd", 0);
	expect(&g.e[2], TAR_SYMLINK, "s1", "/etc/passwd", 0);
	expect(&g.e[3], TAR_SYMLINK, "s2", "../../../../../etc", 0);
	expect(&g.e[4], TAR_DIR, "ok/fine", NULL, 0);
	got_free(&g);
	arc_free(a);
}

/* A pax path or linkpath longer than TAR_PATH_MAX - 1 bytes. */
static void test_hostile_pax_long_path(void **state)
{
	(void)state;
	for (int link = 0; link < 2; link++)
		for (size_t len = TAR_PATH_MAX - 1; len <= TAR_PATH_MAX; len++) {
			struct arc *a = arc_new();
			char *r = calloc(1, 2 * TAR_PATH_MAX), *p = long_path('q', len);
			assert_non_null(r);
			rec(r, link ? "linkpath" : "path", p);
			pax(a, r);
			hdr(a, "x", link ? '2' : '0', 0, "y");
			end(a);
			struct got g = scan_arc(a);
			if (len == TAR_PATH_MAX) {
				assert_int_equal(g.r, -TAR_EINVAL);
			} else {
				assert_int_equal(g.r, 0);
				assert_int_equal(g.n, 1);
				assert_string_equal(link ? g.e[0].link : g.e[0].path, p);
			}
			got_free(&g);
			arc_free(a);
			free(r);
			free(p);
		}
}

static void test_hostile_sizes(void **state)
{
	(void)state;
	/* Data one byte past the end. */
	struct arc *a = arc_new();
	hdr(a, "f", '0', 1, NULL);
	put(a, "x", 1);
	hdr(a, "g", '0', 513, NULL);
	fill(a, 'g', 512);
	scan_fails(a, -TAR_EINVAL);

	/* Data ending exactly at the end, padding and end marker cut off:
	 * everything is there, the walk ends there. */
	a->n = 0;
	hdr(a, "f", '0', 3, NULL);
	put(a, "abc", 3);
	a->n -= TAR_BLOCK - 3;
	struct got g = scan_arc(a);
	assert_int_equal(g.r, 0);
	assert_int_equal(g.n, 1);
	expect(&g.e[0], TAR_FILE, "f", NULL, 3);
	got_free(&g);

	/* Through pax: the largest size there is. */
	a->n = 0;
	char r[128] = "";
	rec(r, "size", "18446744073709551615");
	pax(a, r);
	hdr(a, "f", '0', 0, NULL);
	end(a);
	scan_fails(a, -TAR_EINVAL);

	/* A skipped entry's size is checked all the same. */
	a->n = 0;
	hdr(a, "../f", '0', 077777777777, NULL);
	end(a);
	scan_fails(a, -TAR_EINVAL);

	/* A 'g' header too, though never read. */
	a->n = 0;
	hdr(a, "PaxHeaders/g", 'g', 077777777777, NULL);
	end(a);
	scan_fails(a, -TAR_EINVAL);

	/* A directory's or hard link's absurd size does not matter: it is
	 * not data. */
	a->n = 0;
	hdr(a, "d", '5', 077777777777, NULL);
	hdr(a, "h", '1', 077777777777, "d");
	end(a);
	g = scan_arc(a);
	assert_int_equal(g.r, 0);
	assert_int_equal(g.n, 2);
	got_free(&g);
	arc_free(a);
}

static void test_truncated_archives(void **state)
{
	(void)state;
	struct arc *a = arc_new();
	/* Zero bytes: an empty archive, nothing read. */
	static struct src s;
	memset(&s, 0, sizeof s);
	struct got g = {0};
	scan_src(&s, &g);
	assert_int_equal(g.r, 0);
	assert_int_equal(g.n, 0);
	assert_int_equal(s.reads, 0);
	got_free(&g);

	/* Less than a block. */
	fill(a, 'x', 100);
	a->n = 100;
	scan_fails(a, -TAR_EINVAL);

	/* A header cut in the middle, after a good entry (which is
	 * reported before the error). */
	a->n = 0;
	hdr(a, "f", '0', 0, NULL);
	hdr(a, "g", '0', 0, NULL);
	a->n -= 200;
	g = scan_arc(a);
	assert_int_equal(g.r, -TAR_EINVAL);
	assert_int_equal(g.n, 1);
	got_free(&g);

	/* Data cut short. */
	a->n = 0;
	hdr(a, "f", '0', 600, NULL);
	fill(a, 'f', 300);
	scan_fails(a, -TAR_EINVAL);

	/* No end marker, one zero block only: both end the archive. */
	for (size_t blocks = 0; blocks < 2; blocks++) {
		a->n = 0;
		hdr(a, "f", '0', 0, NULL);
		put(a, NULL, blocks * TAR_BLOCK);
		g = scan_arc(a);
		assert_int_equal(g.r, 0);
		assert_int_equal(g.n, 1);
		got_free(&g);
	}

	/* A lone zero block ends the archive, as in GNU tar: what follows
	 * is not read. */
	a->n = 0;
	hdr(a, "f", '0', 0, NULL);
	put(a, NULL, TAR_BLOCK);
	hdr(a, "hidden", '0', 0, NULL);
	end(a);
	g = scan_arc(a);
	assert_int_equal(g.r, 0);
	assert_int_equal(g.n, 1);
	got_free(&g);

	/* Extended headers and then the end: their entry is missing. */
	const char types[] = {'x', 'L', 'K'};
	for (int i = 0; i < 3; i++)
		for (int marker = 0; marker < 2; marker++) {
			a->n = 0;
			ext(a, types[i], types[i] == 'x' ? "8 uid=1\n" : "name", types[i] == 'x' ? 8 : 5);
			if (marker)
				end(a);
			scan_fails(a, -TAR_EINVAL);
		}
	/* A 'g' header alone is an empty archive. */
	a->n = 0;
	ext(a, 'g', "8 uid=1\n", 8);
	end(a);
	g = scan_arc(a);
	assert_int_equal(g.r, 0);
	assert_int_equal(g.n, 0);
	got_free(&g);

	/* A block of garbage. */
	a->n = 0;
	hdr(a, "f", '0', 0, NULL);
	fill(a, 'G', TAR_BLOCK);
	scan_fails(a, -TAR_EINVAL);
	arc_free(a);
}

static void test_read_errors(void **state)
{
	(void)state;
	struct arc *a = arc_new();
	char r[64] = "";
	rec(r, "path", "p");
	pax(a, r);
	hdr(a, "f", '0', 0, NULL);
	hdr(a, "g", '0', 0, NULL);
	end(a);
	/* Each read in turn fails with an errno, or comes back short. */
	for (unsigned at = 1; at <= 5; at++)
		for (int mode = 0; mode < 3; mode++) {
			static struct src s;
			memset(&s, 0, sizeof s);
			s.b = a->b, s.n = a->n, s.size = a->n;
			if (mode < 2) {
				s.fail_at = at;
				s.fail_rc = mode ? -12 : -5; /* any errno becomes -TAR_EIO */
			} else {
				s.short_at = at;
			}
			struct got g = {0};
			scan_src(&s, &g);
			if (g.r != -TAR_EIO)
				fail_msg("read %u, mode %d: got %d", at, mode, g.r);
			got_free(&g);
		}
	arc_free(a);
}

static void test_callback_stops_walk(void **state)
{
	(void)state;
	struct arc *a = arc_new();
	hdr(a, "a", '0', 0, NULL);
	hdr(a, "b", '0', 0, NULL);
	hdr(a, "c", '0', 0, NULL);
	end(a);
	static struct src s;
	memset(&s, 0, sizeof s);
	s.b = a->b, s.n = a->n, s.size = a->n;
	struct got g = {.stop_at = 2, .stop_rc = 42};
	scan_src(&s, &g);
	assert_int_equal(g.r, 42);
	assert_int_equal(g.n, 2);
	assert_int_equal(s.reads, 2); /* nothing after the stop */
	got_free(&g);
	/* st may be NULL. */
	memset(&s, 0, sizeof s);
	s.b = a->b, s.n = a->n, s.size = a->n;
	struct got g2 = {0};
	assert_int_equal(tar_scan(src_read, &s, s.size, collect, &g2, NULL), 0);
	assert_int_equal(g2.n, 3);
	got_free(&g2);
	arc_free(a);
}

/* The exact bytes tar_scan asks for: one block per header, the bodies of
 * 'L' and 'K', the end block, and nothing of any file or 'g' header. */
static void test_reads_headers_only(void **state)
{
	(void)state;
	struct arc *a = arc_new();
	hdr(a, "big", '0', 100000, NULL);
	fill(a, 'b', 100000);
	ext(a, 'L', "long/name", 10);
	hdr(a, "x", '0', 700, NULL);
	fill(a, 'x', 700);
	ext(a, 'g', "12 comment=\n", 12);
	ext(a, 'K', "target", 7);
	hdr(a, "s", '2', 0, NULL);
	hdr(a, "empty", '0', 0, NULL);
	end(a);
	static struct src s;
	memset(&s, 0, sizeof s);
	s.b = a->b, s.n = a->n, s.size = a->n;
	struct got g = {0};
	scan_src(&s, &g);
	assert_int_equal(g.r, 0);
	assert_int_equal(g.n, 4);
	assert_int_equal(s.asked, 8 * TAR_BLOCK + 10 + 7);
	got_free(&g);
	arc_free(a);
}

/* ---- GNU tar's own archives -------------------------------------------------------------- */

struct want {
	enum tar_type type;
	const char *path, *link, *data;
	uint32_t mode;
};

static unsigned char *read_fixture(const char *name, size_t *len)
{
	char path[256];
	snprintf(path, sizeof path, "%s%s", TAR_FIXTURES, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (run the test from the repository root)", path);
	unsigned char *b = malloc(64 << 10);
	assert_non_null(b);
	*len = fread(b, 1, 64 << 10, f);
	fclose(f);
	return b;
}

static void check_fixture(const char *name, const struct want *w, size_t nw, uint64_t skipped)
{
	size_t len;
	unsigned char *b = read_fixture(name, &len);
	static struct src s;
	memset(&s, 0, sizeof s);
	s.b = b, s.n = len, s.size = len;
	struct got g = {0};
	scan_src(&s, &g);
	assert_int_equal(g.r, 0);
	if (g.n != nw)
		fail_msg("%s: %zu entries, expected %zu", name, g.n, nw);
	assert_int_equal(g.st.skipped, skipped);
	for (size_t i = 0; i < nw; i++) {
		const struct tar_entry *e = &g.e[i];
		size_t dl = w[i].data ? strlen(w[i].data) : 0;
		expect(e, w[i].type, w[i].path, w[i].link, dl);
		if (w[i].mode)
			assert_int_equal(e->mode, w[i].mode);
		assert_int_equal(e->mtime, MTIME);
		assert_int_equal(e->uid, 0);
		assert_int_equal(e->gid, 0);
		if (dl)
			assert_memory_equal(b + e->offset, w[i].data, dl);
	}
	got_free(&g);
	free(b);
}

#define A90 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define B90 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define X30 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define Y30 "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
#define X120 X30 X30 X30 X30
#define Y150 Y30 Y30 Y30 Y30 Y30

#define W_COMMON                                                                                    \
	{TAR_DIR, "", NULL, NULL, 0}, {TAR_DIR, "deep", NULL, NULL, 0755},                          \
	    {TAR_DIR, "deep/" A90, NULL, NULL, 0755}, {TAR_FILE, "deep/" A90 "/" B90, NULL, "deep\n", 0644}, \
	    {TAR_DIR, "dir", NULL, NULL, 0755}, {TAR_FILE, "dir/hard", NULL, "hello, world\n", 0644},      \
	    {TAR_SYMLINK, "dir/link", "../hello.txt", NULL, 0}, {TAR_FILE, "empty", NULL, NULL, 0644},    \
	    {TAR_FILE, "exec.sh", NULL, "#!/bin/sh\necho hi\n", 0755},                                   \
	    {TAR_HARDLINK, "hello.txt", "dir/hard", NULL, 0644}
#define W_LONG                                                                                   \
	{TAR_DIR, "long", NULL, NULL, 0755}, {TAR_SYMLINK, "long/sym", X120 "/" Y150, NULL, 0},  \
	    {TAR_DIR, "long/" X120, NULL, NULL, 0755}, {TAR_FILE, "long/" X120 "/" Y150, NULL, "long\n", 0644}

static void test_fixture_ustar(void **state)
{
	(void)state;
	static const struct want w[] = {W_COMMON};
	check_fixture("ustar.tar", w, sizeof w / sizeof w[0], 1); /* the FIFO */
}

static void test_fixture_gnu(void **state)
{
	(void)state;
	static const struct want w[] = {W_COMMON, W_LONG};
	check_fixture("gnu.tar", w, sizeof w / sizeof w[0], 1);
	check_fixture("oldgnu.tar", w, sizeof w / sizeof w[0], 1);
}

static void test_fixture_pax(void **state)
{
	(void)state;
	static const struct want w[] = {W_COMMON, W_LONG};
	check_fixture("pax.tar", w, sizeof w / sizeof w[0], 1);
}

static void test_fixture_v7(void **state)
{
	(void)state;
	static const struct want w[] = {
		{TAR_DIR, "", NULL, NULL, 0},
		{TAR_DIR, "dir", NULL, NULL, 0755},
		{TAR_FILE, "dir/hard", NULL, "hello, world\n", 0644},
		{TAR_SYMLINK, "dir/link", "../hello.txt", NULL, 0},
		{TAR_FILE, "empty", NULL, NULL, 0644},
		{TAR_FILE, "exec.sh", NULL, "#!/bin/sh\necho hi\n", 0755},
		{TAR_HARDLINK, "hello.txt", "dir/hard", NULL, 0644},
	};
	check_fixture("v7.tar", w, sizeof w / sizeof w[0], 0);
}

/* ---- writing ----------------------------------------------------------------------------- */

static struct tar_entry *mk(enum tar_type type, const char *path, const char *link, uint64_t size)
{
	static struct tar_entry e;
	memset(&e, 0, sizeof e);
	e.type = type;
	snprintf(e.path, sizeof e.path, "%s", path);
	snprintf(e.link, sizeof e.link, "%s", link ? link : "");
	e.size = size;
	e.mode = 0640;
	e.mtime = MTIME;
	e.uid = e.gid = 1000;
	return &e;
}

/*
 * Write e's header, then (virtually) its data, padding and the end
 * marker; scan that back and require the same entry. Also: the output is
 * whole blocks within TAR_HDR_MAX, and the same entry gives the same bytes.
 * Returns the header's size; the bytes are left in hbuf.
 */
static unsigned char hbuf[TAR_HDR_MAX + TAR_BLOCK];

static size_t round_trip(const struct tar_entry *e)
{
	static unsigned char again[TAR_HDR_MAX];
	memset(hbuf, 0x5a, sizeof hbuf);
	size_t n = tar_header(e, hbuf);
	assert_true(n >= TAR_BLOCK && n <= TAR_HDR_MAX && n % TAR_BLOCK == 0);
	for (size_t i = n; i < sizeof hbuf; i++)
		assert_int_equal(hbuf[i], 0x5a); /* nothing written past the count */
	assert_int_equal(tar_header(e, again), n);
	assert_memory_equal(hbuf, again, n);

	uint64_t size = e->type == TAR_FILE ? e->size : 0;
	static struct src s;
	memset(&s, 0, sizeof s);
	s.b = hbuf, s.n = n, s.size = n + size + tar_padding(size) + 2 * TAR_BLOCK;
	struct got g = {0};
	scan_src(&s, &g);
	if (g.r != 0 || g.n != 1)
		fail_msg("%.60s: scan returned %d with %zu entries", e->path, g.r, g.n);
	const struct tar_entry *b = &g.e[0];
	assert_int_equal(b->type, e->type);
	assert_string_equal(b->path, e->path);
	assert_string_equal(b->link, e->type == TAR_SYMLINK || e->type == TAR_HARDLINK ? e->link : "");
	assert_int_equal(b->mode, e->mode & 07777);
	assert_int_equal(b->size, size);
	assert_true(b->mtime == e->mtime);
	assert_int_equal(b->uid, e->uid);
	assert_int_equal(b->gid, e->gid);
	assert_int_equal(b->offset, n);
	got_free(&g);
	return n;
}

static void test_write_ustar(void **state)
{
	(void)state;
	assert_int_equal(round_trip(mk(TAR_FILE, "f", NULL, 5)), TAR_BLOCK);
	/* The fields as GNU tar writes them. */
	assert_memory_equal(hbuf + O_NAME, "f\0", 2);
	assert_memory_equal(hbuf + O_MODE, "0000640\0", 8);
	assert_memory_equal(hbuf + O_UID, "0001750\0", 8);
	assert_memory_equal(hbuf + O_SIZE, "00000000005\0", 12);
	assert_memory_equal(hbuf + O_MTIME, "14524770400\0", 12);
	assert_int_equal(hbuf[O_TYPE], '0');
	assert_memory_equal(hbuf + O_MAGIC, "ustar\0" "00", 8);
	char sum[8];
	snprintf(sum, sizeof sum, "%06o", sum_unsigned(hbuf));
	assert_memory_equal(hbuf + O_CHKSUM, sum, 7);
	assert_int_equal(hbuf[O_CHKSUM + 7], ' ');

	assert_int_equal(round_trip(mk(TAR_DIR, "d/e", NULL, 0)), TAR_BLOCK);
	assert_string_equal((char *)hbuf + O_NAME, "d/e/");
	assert_int_equal(hbuf[O_TYPE], '5');
	assert_int_equal(round_trip(mk(TAR_DIR, "", NULL, 0)), TAR_BLOCK);
	assert_string_equal((char *)hbuf + O_NAME, "./");
	assert_int_equal(round_trip(mk(TAR_SYMLINK, "s", "../x/y", 0)), TAR_BLOCK);
	assert_string_equal((char *)hbuf + O_LINK, "../x/y");
	assert_int_equal(round_trip(mk(TAR_HARDLINK, "h", "a/b", 0)), TAR_BLOCK);
	assert_int_equal(hbuf[O_TYPE], '1');
	assert_int_equal(round_trip(mk(TAR_SYMLINK, "s", rep('t', 100), 0)), TAR_BLOCK);
	assert_int_equal(round_trip(mk(TAR_FILE, "empty", NULL, 0)), TAR_BLOCK);
	assert_int_equal(round_trip(mk(TAR_FILE, "f", NULL, 077777777777)), TAR_BLOCK);
}

static void test_write_name_split(void **state)
{
	(void)state;
	/* 100 bytes fit the name field; a directory's '/' counts. */
	assert_int_equal(round_trip(mk(TAR_FILE, rep('n', 100), NULL, 0)), TAR_BLOCK);
	assert_int_equal(round_trip(mk(TAR_DIR, rep('n', 99), NULL, 0)), TAR_BLOCK);
	assert_int_equal(round_trip(mk(TAR_DIR, rep('n', 100), NULL, 0)), 3 * TAR_BLOCK);
	assert_int_equal(round_trip(mk(TAR_FILE, rep('n', 101), NULL, 0)), 3 * TAR_BLOCK);

	/* 200 bytes in components: prefix and name, no pax. */
	char *p = long_path('c', 200);
	assert_int_equal(round_trip(mk(TAR_FILE, p, NULL, 0)), TAR_BLOCK);
	assert_memory_equal(hbuf + O_PREFIX, p, 99);
	assert_int_equal(hbuf[O_PREFIX + 99], 0);
	assert_memory_equal(hbuf + O_NAME, p + 100, 100);
	/* As a directory its name is 101 bytes with the '/': pax. */
	assert_int_equal(round_trip(mk(TAR_DIR, p, NULL, 0)), 3 * TAR_BLOCK);
	free(p);

	/* The largest split: 155 + '/' + 100. */
	char buf[400];
	snprintf(buf, sizeof buf, "%s/%s", rep('p', 155), rep('n', 100));
	assert_int_equal(round_trip(mk(TAR_FILE, buf, NULL, 0)), TAR_BLOCK);
	snprintf(buf, sizeof buf, "%s/%s", rep('p', 156), rep('n', 99)); /* prefix too long */
	assert_int_equal(round_trip(mk(TAR_FILE, buf, NULL, 0)), 3 * TAR_BLOCK);
	snprintf(buf, sizeof buf, "%s/%s", rep('p', 154), rep('n', 101)); /* name too long */
	assert_int_equal(round_trip(mk(TAR_FILE, buf, NULL, 0)), 3 * TAR_BLOCK);
	snprintf(buf, sizeof buf, "a/%s/%s", rep('p', 150), rep('n', 100)); /* the second '/' works */
	assert_int_equal(round_trip(mk(TAR_FILE, buf, NULL, 0)), TAR_BLOCK);
	assert_memory_equal(hbuf + O_PREFIX, buf, 152);
}

static void test_write_pax(void **state)
{
	(void)state;
	/* 3000 bytes of path: a pax header first, path record first. */
	char *p = long_path('q', 3000), *l = long_path('l', 3000);
	size_t n = round_trip(mk(TAR_FILE, p, NULL, 7));
	assert_int_equal(hbuf[O_TYPE], 'x');
	assert_memory_equal(hbuf + TAR_BLOCK, "3011 path=", 10);
	assert_int_equal(hbuf[n - TAR_BLOCK + O_TYPE], '0');
	assert_int_equal(n, TAR_BLOCK + 3072 + TAR_BLOCK);
	/* The same as a directory: the type says so, the pax path has no
	 * '/' (a 4095-byte one would not fit a reader's buffer); a symbolic
	 * link with a long target too. */
	round_trip(mk(TAR_DIR, p, NULL, 0));
	assert_memory_equal(hbuf + TAR_BLOCK, "3011 path=", 10);
	assert_int_equal(hbuf[TAR_BLOCK + 3011 - 2], 'q');
	n = round_trip(mk(TAR_SYMLINK, p, l, 0));
	assert_memory_equal(hbuf + TAR_BLOCK + 3011, "3015 linkpath=", 14);
	round_trip(mk(TAR_SYMLINK, "s", l, 0));
	assert_memory_equal(hbuf + TAR_BLOCK, "3015 linkpath=", 14);
	round_trip(mk(TAR_HARDLINK, "h", l, 0));
	free(p);
	free(l);
}

static void test_write_big_numbers(void **state)
{
	(void)state;
	/* 9 GiB: a pax size and a base-256 size field. */
	size_t n = round_trip(mk(TAR_FILE, "big", NULL, 9 * GiB));
	assert_int_equal(n, 3 * TAR_BLOCK);
	assert_string_equal((char *)hbuf + TAR_BLOCK, "19 size=9663676416\n");
	assert_int_equal(hbuf[2 * TAR_BLOCK + O_SIZE], 0x80);
	round_trip(mk(TAR_FILE, "f", NULL, 8 * GiB));
	round_trip(mk(TAR_FILE, "f", NULL, (UINT64_C(1) << 62) + 1));

	static const int64_t times[] = {-1, INT64_MIN, INT64_MAX, 077777777777 + INT64_C(1), 0};
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
		struct tar_entry *e = mk(TAR_FILE, "t", NULL, 0);
		e->mtime = times[i];
		assert_int_equal(round_trip(e), times[i] ? 3 * TAR_BLOCK : TAR_BLOCK);
	}
	static const uint32_t ids[] = {07777777, 010000000, UINT32_MAX};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		struct tar_entry *e = mk(TAR_FILE, "u", NULL, 0);
		e->uid = ids[i];
		assert_int_equal(round_trip(e), i ? 3 * TAR_BLOCK : TAR_BLOCK);
		e->uid = 0, e->gid = ids[i];
		assert_int_equal(round_trip(e), i ? 3 * TAR_BLOCK : TAR_BLOCK);
	}
	/* Mode bits beyond 07777 are not written. */
	struct tar_entry *e = mk(TAR_FILE, "m", NULL, 0);
	e->mode = 0170755;
	round_trip(e);
	assert_memory_equal(hbuf + O_MODE, "0000755\0", 8);
}

/* Everything at its largest at once: the bound TAR_HDR_MAX is about. */
static void test_write_largest_header(void **state)
{
	(void)state;
	char *p = long_path('z', TAR_PATH_MAX - 1);
	struct tar_entry *e = mk(TAR_HARDLINK, p, p, 0);
	e->mtime = INT64_MIN, e->uid = e->gid = UINT32_MAX;
	size_t n = round_trip(e);
	e->type = TAR_SYMLINK;
	assert_int_equal(round_trip(e), n);
	e->type = TAR_FILE, e->size = UINT64_C(1) << 62;
	assert_true(round_trip(e) <= n);
	e->type = TAR_DIR;
	assert_true(round_trip(e) <= n);
	assert_true(n <= TAR_HDR_MAX);
	free(p);
}

/* Same entry, same bytes: what lies after the strings' NULs, and a link
 * given to a type that has none, change nothing. */
static void test_write_deterministic(void **state)
{
	(void)state;
	static unsigned char one[TAR_HDR_MAX], two[TAR_HDR_MAX];
	static struct tar_entry a, b;
	memset(&a, 0x11, sizeof a);
	memset(&b, 0x77, sizeof b);
	for (struct tar_entry *e = &a; e; e = e == &a ? &b : NULL) {
		strcpy(e->path, "same/path");
		e->type = TAR_FILE, e->mode = 0644, e->size = 3, e->mtime = 1, e->uid = 2, e->gid = 3;
	}
	strcpy(a.link, "");
	strcpy(b.link, "a link a file does not have");
	size_t n = tar_header(&a, one);
	assert_int_equal(tar_header(&b, two), n);
	assert_memory_equal(one, two, n);
}

static void test_padding_and_end(void **state)
{
	(void)state;
	assert_int_equal(tar_padding(0), 0);
	assert_int_equal(tar_padding(1), 511);
	assert_int_equal(tar_padding(511), 1);
	assert_int_equal(tar_padding(512), 0);
	assert_int_equal(tar_padding(513), 511);
	assert_int_equal(tar_padding(9 * GiB + 3), 509);
	assert_int_equal(tar_padding(UINT64_MAX), 1);
	unsigned char buf[2 * TAR_BLOCK + 1];
	memset(buf, 0xee, sizeof buf);
	assert_int_equal(tar_end(buf), 2 * TAR_BLOCK);
	for (int i = 0; i < 2 * TAR_BLOCK; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(buf[2 * TAR_BLOCK], 0xee);
}

/* What the writer makes, GNU tar must extract: the write-back format is
 * for the user's tools, not only for ZRT. */
static void append_entry(FILE *f, const struct tar_entry *e, const char *data)
{
	unsigned char h[TAR_HDR_MAX];
	static const unsigned char zero[TAR_BLOCK];
	size_t n = tar_header(e, h);
	assert_int_equal(fwrite(h, 1, n, f), n);
	if (e->type == TAR_FILE) {
		assert_int_equal(fwrite(data, 1, e->size, f), e->size);
		size_t pad = tar_padding(e->size);
		assert_int_equal(fwrite(zero, 1, pad, f), pad);
	}
}

static void test_write_gnu_tar_extracts(void **state)
{
	(void)state;
	if (system("tar --version >/dev/null 2>&1") != 0)
		skip(); /* GNU tar is not installed: nothing to check against */
	char dir[] = "/tmp/test_tar.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[TAR_PATH_MAX + 64], cmd[TAR_PATH_MAX + 128];
	snprintf(path, sizeof path, "%s/out.tar", dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	char *deep = long_path('d', 3000), *split = long_path('s', 200), *target = long_path('t', 300);
	struct tar_entry *e = mk(TAR_DIR, "", NULL, 0);
	e->mode = 0755;
	append_entry(f, e, NULL);
	append_entry(f, mk(TAR_DIR, "top", NULL, 0), NULL);
	append_entry(f, mk(TAR_FILE, "top/f", NULL, 5), "data\n");
	append_entry(f, mk(TAR_FILE, deep, NULL, 4), "deep");
	append_entry(f, mk(TAR_FILE, split, NULL, 5), "split");
	append_entry(f, mk(TAR_SYMLINK, "top/s", target, 0), NULL);
	append_entry(f, mk(TAR_HARDLINK, "top/h", "top/f", 0), NULL);
	e = mk(TAR_FILE, "top/old", NULL, 0);
	e->mtime = -86400;
	append_entry(f, e, "");
	unsigned char endm[2 * TAR_BLOCK];
	fwrite(endm, 1, tar_end(endm), f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "cd %s && mkdir x && tar --no-same-owner -xf out.tar -C x 2>err", dir);
	if (system(cmd) != 0) {
		snprintf(cmd, sizeof cmd, "cat %s/err >&2", dir);
		(void)system(cmd);
		fail_msg("GNU tar could not extract the written archive");
	}
	struct stat st, st2;
	snprintf(path, sizeof path, "%s/x/top/f", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 5);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_mtime, MTIME);
	snprintf(path, sizeof path, "%s/x/top/h", dir);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st.st_ino, st2.st_ino);
	snprintf(path, sizeof path, "%s/x/%s", dir, deep);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 4);
	snprintf(path, sizeof path, "%s/x/%s", dir, split);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 5);
	snprintf(path, sizeof path, "%s/x/top/s", dir);
	char got[512] = {0};
	assert_int_equal(readlink(path, got, sizeof got - 1), 300);
	assert_string_equal(got, target);
	snprintf(path, sizeof path, "%s/x/top/old", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mtime, -86400);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(deep);
	free(split);
	free(target);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_table),
		cmocka_unit_test(test_sanitize_len_and_nul),
		cmocka_unit_test(test_sanitize_length_limit),
		cmocka_unit_test(test_ustar_entries),
		cmocka_unit_test(test_ustar_prefix),
		cmocka_unit_test(test_v7_headers),
		cmocka_unit_test(test_gnu_long_names),
		cmocka_unit_test(test_gnu_long_name_limits),
		cmocka_unit_test(test_pax_records),
		cmocka_unit_test(test_pax_empty_values),
		cmocka_unit_test(test_pax_sparse_skipped),
		cmocka_unit_test(test_pax_size_limit),
		cmocka_unit_test(test_pax_good_controls),
		cmocka_unit_test(test_pax_record_past_header),
		cmocka_unit_test(test_base256_fields),
		cmocka_unit_test(test_octal_forms),
		cmocka_unit_test(test_checksum),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_root_entries),
		cmocka_unit_test(test_hostile_paths),
		cmocka_unit_test(test_hostile_pax_long_path),
		cmocka_unit_test(test_hostile_sizes),
		cmocka_unit_test(test_truncated_archives),
		cmocka_unit_test(test_read_errors),
		cmocka_unit_test(test_callback_stops_walk),
		cmocka_unit_test(test_reads_headers_only),
		cmocka_unit_test(test_fixture_ustar),
		cmocka_unit_test(test_fixture_gnu),
		cmocka_unit_test(test_fixture_pax),
		cmocka_unit_test(test_fixture_v7),
		cmocka_unit_test(test_write_ustar),
		cmocka_unit_test(test_write_name_split),
		cmocka_unit_test(test_write_pax),
		cmocka_unit_test(test_write_big_numbers),
		cmocka_unit_test(test_write_largest_header),
		cmocka_unit_test(test_write_deterministic),
		cmocka_unit_test(test_padding_and_end),
		cmocka_unit_test(test_write_gnu_tar_extracts),
	};
	int failed = cmocka_run_group_tests_name("tar", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("tar malformed pax", pax_tests, NULL, NULL);
	return failed ? 1 : 0;
}
