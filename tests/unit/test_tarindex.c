/*
 * test_tarindex.c - the image index (untrusted/tarindex.c): an index made
 * from a walk of an archive gives back exactly the walk's entries, in
 * order; and hostile indexes are refused whole: a bad magic, a stale
 * archive size, counts past the buffer, trailing bytes, a bad type, mode
 * or padding, paths that are absolute, not clean, with "..", with a NUL
 * inside or too long, links that break tar.h's rules, sizes on non-files,
 * data past the archive's end (with and without overflow).
 */
#include "tar_build.h"
#include "tarindex.h"

/* An index of the entries g holds, for an archive of size bytes. */
static unsigned char *make_index(const struct got *g, uint64_t size, size_t *len)
{
	size_t n = TARINDEX_HEAD;
	for (size_t i = 0; i < g->n; i++)
		n += tarindex_record_size(&g->e[i]);
	unsigned char *b = malloc(n);
	assert_non_null(b);
	size_t at = tarindex_head(b, g->n, size);
	for (size_t i = 0; i < g->n; i++)
		at += tarindex_record(&g->e[i], g->e[i].offset, b + at);
	assert_int_equal(at, n);
	*len = n;
	return b;
}

static struct tar_entry scratch;

static int index_scan(const unsigned char *b, size_t len, uint64_t size, struct got *g)
{
	memset(g, 0, sizeof *g);
	int r = tarindex_scan(b, len, size, collect, g, &scratch, &g->st);
	for (size_t i = 0; i < g->n; i++)
		check_entry(&g->e[i], size);
	return r;
}

/* An archive of every kind of entry tar_scan reports. */
static struct arc *sample(void)
{
	struct arc *a = arc_new();
	hdr(a, "./", '5', 0, NULL);
	hdr(a, "usr/", '5', 0, NULL);
	hdr(a, "usr/bin/python3.11", '0', 700, NULL);
	fill(a, 'p', 700);
	hdr(a, "usr/bin/python3", '2', 0, "python3.11");
	hdr(a, "usr/lib/libz.so.1", '0', 3, NULL);
	fill(a, 'z', 3);
	hdr(a, "usr/lib/libz-again", '1', 0, "usr/lib/libz.so.1");
	hdr(a, "../escape", '0', 0, NULL); /* skipped by the walk: not in the index */
	char *lp = long_path('q', 300);
	ext(a, 'L', lp, 301);
	hdr(a, "x", '0', 0, NULL);
	free(lp);
	end(a);
	return a;
}

static void test_round_trip(void **state)
{
	(void)state;
	struct arc *a = sample();
	struct got walk = scan_arc(a);
	assert_int_equal(walk.r, 0);
	assert_int_equal(walk.n, 7);
	size_t len;
	unsigned char *b = make_index(&walk, a->n, &len);
	struct got g;
	assert_int_equal(tarindex_scan(b, len, a->n, NULL, NULL, &scratch, NULL), 0);
	assert_int_equal(index_scan(b, len, a->n, &g), 0);
	assert_int_equal(g.n, walk.n);
	assert_int_equal(g.st.entries, walk.n);
	for (size_t i = 0; i < g.n; i++) {
		const struct tar_entry *x = &walk.e[i], *y = &g.e[i];
		assert_string_equal(x->path, y->path);
		assert_string_equal(x->link, y->link);
		assert_int_equal(x->type, y->type);
		assert_int_equal(x->mode, y->mode);
		assert_int_equal(x->size, y->size);
		assert_int_equal(x->offset, y->offset);
		assert_int_equal(x->mtime, y->mtime);
	}
	got_free(&g);
	/* a callback's stop comes back */
	memset(&g, 0, sizeof g);
	g.stop_at = 3, g.stop_rc = 7;
	assert_int_equal(tarindex_scan(b, len, a->n, collect, &g, &scratch, NULL), 7);
	assert_int_equal(g.n, 3);
	got_free(&g);
	free(b);
	got_free(&walk);
	arc_free(a);
}

/* The sample's index with one change made by edit(), expected refused. */
struct fixture {
	unsigned char *b;
	size_t len;
	uint64_t size;
	size_t rec[16]; /* where each record starts */
	size_t n;
};

static struct fixture fixture(void)
{
	struct arc *a = sample();
	struct got walk = scan_arc(a);
	struct fixture f = {0};
	f.b = make_index(&walk, a->n, &f.len);
	f.size = a->n;
	f.n = walk.n;
	size_t at = TARINDEX_HEAD;
	for (size_t i = 0; i < walk.n; i++) {
		f.rec[i] = at;
		at += tarindex_record_size(&walk.e[i]);
	}
	got_free(&walk);
	arc_free(a);
	return f;
}

static void refused(struct fixture *f, size_t len, uint64_t size, const char *what)
{
	struct got g;
	int r = index_scan(f->b, len, size, &g);
	if (r != -TAR_EINVAL)
		fail_msg("%s: accepted (%d)", what, r);
	assert_int_equal(tarindex_scan(f->b, len, size, NULL, NULL, &scratch, NULL), -TAR_EINVAL);
	got_free(&g);
}

static void put_le(unsigned char *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

static void test_head(void **state)
{
	(void)state;
	struct fixture f = fixture();
	refused(&f, f.len, f.size + 512, "another archive size (stale)");
	refused(&f, f.len, f.size - 1, "a smaller archive");
	refused(&f, TARINDEX_HEAD - 1, f.size, "a truncated head");
	refused(&f, f.len - 1, f.size, "a truncated last record");
	f.b[0] = 'X';
	refused(&f, f.len, f.size, "a bad magic");
	f.b[0] = 'Z';
	put_le(f.b + 8, f.n + 1, 8);
	refused(&f, f.len, f.size, "one record more than there are");
	put_le(f.b + 8, UINT64_MAX, 8);
	refused(&f, f.len, f.size, "a huge count");
	put_le(f.b + 8, f.n - 1, 8);
	refused(&f, f.len, f.size, "bytes after the last record");
	free(f.b);
}

/* Rewrite record i's path (same length) and expect a refusal. */
static void bad_path(size_t i, const char *path, const char *what)
{
	struct fixture f = fixture();
	size_t pl = f.b[f.rec[i] + 32] | (size_t)f.b[f.rec[i] + 33] << 8;
	assert_int_equal(strlen(path), pl);
	memcpy(f.b + f.rec[i] + TARINDEX_REC, path, pl);
	refused(&f, f.len, f.size, what);
	free(f.b);
}

static void test_paths(void **state)
{
	(void)state;
	/* record 2 is "usr/bin/python3.11" (18 bytes) */
	bad_path(2, "/usr/bin/python3.1", "an absolute path");
	bad_path(2, "usr/../../etc/pass", "a path with ..");
	bad_path(2, "usr//bin/python3.1", "a path that is not clean (//)");
	bad_path(2, "usr/./bin/python31", "a path that is not clean (.)");
	bad_path(2, "usr/bin/python3.1/", "a trailing /");
	bad_path(2, "./sr/bin/python3.1", "a leading . component");
	bad_path(2, "usr/bin/python3/..", "a trailing .. component");
	/* Names that only start with dots are clean (the check is per component). */
	const char *fine[] = {"usr/bin/..ython3.1", "usr/bin/.ython3.11", "usr/bin/python3..."};
	for (size_t k = 0; k < sizeof fine / sizeof fine[0]; k++) {
		struct fixture g = fixture();
		memcpy(g.b + g.rec[2] + TARINDEX_REC, fine[k], strlen(fine[k]));
		assert_int_equal(tarindex_scan(g.b, g.len, g.size, NULL, NULL, &scratch, NULL), 0);
		free(g.b);
	}
	struct fixture f = fixture();
	f.b[f.rec[2] + TARINDEX_REC + 10] = 0;
	refused(&f, f.len, f.size, "a NUL inside");
	free(f.b);
	/* record 5 is the hard link "usr/lib/libz-again" -> "usr/lib/libz.so.1" */
	f = fixture();
	size_t r5 = f.rec[5], pl = f.b[r5 + 32];
	memcpy(f.b + r5 + TARINDEX_REC + pl, "../lib/libz.so.1", 16);
	refused(&f, f.len, f.size, "a hard link to ..");
	free(f.b);
	f = fixture();
	memcpy(f.b + f.rec[5] + TARINDEX_REC + pl, "/usr/lib/libz.so.", 17);
	refused(&f, f.len, f.size, "a hard link not clean");
	free(f.b);
	/* record 3 is the symlink usr/bin/python3 -> python3.11: its link on a file */
	f = fixture();
	f.b[f.rec[3]] = TAR_FILE;
	refused(&f, f.len, f.size, "a link on a file");
	free(f.b);
	/* a path longer than TAR_PATH_MAX - 1: its length says so */
	f = fixture();
	put_le(f.b + f.rec[6] + 32, TAR_PATH_MAX, 2);
	refused(&f, f.len, f.size, "a path past the buffer / too long");
	free(f.b);
	/* the root ("") must be a directory */
	f = fixture();
	f.b[f.rec[0]] = TAR_FILE;
	refused(&f, f.len, f.size, "an empty path for a file");
	free(f.b);
}

static void test_fields(void **state)
{
	(void)state;
	struct fixture f = fixture();
	size_t r2 = f.rec[2]; /* the 700-byte file */
	f.b[r2] = 4;
	refused(&f, f.len, f.size, "type 4");
	f.b[r2] = TAR_FILE;
	f.b[r2 + 2] = 1;
	refused(&f, f.len, f.size, "padding not zero");
	f.b[r2 + 2] = 0;
	put_le(f.b + r2 + 4, 010000, 4);
	refused(&f, f.len, f.size, "mode past 07777");
	put_le(f.b + r2 + 4, 0755, 4);
	put_le(f.b + r2 + 24, f.size - 699, 8);
	refused(&f, f.len, f.size, "data past the end");
	put_le(f.b + r2 + 24, UINT64_MAX - 100, 8);
	refused(&f, f.len, f.size, "data offset + size overflows");
	put_le(f.b + r2 + 24, 512, 8);
	put_le(f.b + r2 + 16, UINT64_MAX, 8);
	refused(&f, f.len, f.size, "a huge size");
	free(f.b);
	f = fixture();
	put_le(f.b + f.rec[1] + 16, 1, 8);
	refused(&f, f.len, f.size, "a size on a directory");
	free(f.b);
	f = fixture();
	put_le(f.b + f.rec[3] + 34, 0, 2);
	memmove(f.b + f.rec[3] + TARINDEX_REC + 15, f.b + f.rec[3] + TARINDEX_REC + 15 + 10,
		f.len - (f.rec[3] + TARINDEX_REC + 25));
	refused(&f, f.len - 10, f.size, "an empty symbolic link");
	free(f.b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_head),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
