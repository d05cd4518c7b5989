/*
 * test_tar_hostile.c - the tar reader (untrusted/tar.c) against hostile
 * archives and real ones: the cases of docs/images.md (absolute and ".."
 * paths, links out of the tree, sizes that overflow or reach past the end,
 * absurd long-name records, truncation, read errors), a callback that stops
 * the walk, headers-only reading; and the fixtures in tests/unit/tar/ (made
 * by GNU tar, see make.sh there), which check the reader against a real
 * writer.
 */
#include "tar_build.h"

/* ---- hostile archives -------------------------------------------------------------------- */

static void test_hostile_paths(void **state)
{
	(void)state;
	struct arc *a = arc_new();
	char r[256] = "";
	hdr(a, "/etc/passwd", '0', 0, NULL); /* made relative */
	hdr(a, "../escape", '0', 4, NULL);   /* skipped, data too */
	fill(a, 'e', 4);
	hdr(a, "a/../../x", '0', 0, NULL); /* skipped */
	hdr(a, "a/b/..", '5', 0, NULL);    /* skipped */
	rec(r, "path", "../../pax-escape");
	pax(a, r);
	hdr(a, "innocent", '0', 0, NULL); /* skipped: the pax path counts */
	ext(a, 'L', "../gnu-escape", 14);
	hdr(a, "innocent", '0', 0, NULL);           /* skipped */
	hdr(a, "h1", '1', 0, "../etc/passwd");      /* skipped */
	hdr(a, "h2", '1', 0, "a/../../x");          /* skipped */
	hdr(a, "h3", '1', 0, "");                   /* skipped */
	hdr(a, "h4", '1', 0, "./");                 /* skipped: no target */
	hdr(a, "h5", '1', 0, "//etc/./passwd");     /* kept, inside the tree */
	hdr(a, "s1", '2', 0, "/etc/passwd");        /* kept as stored */
	hdr(a, "s2", '2', 0, "../../../../../etc"); /* kept as stored */
	hdr(a, "s3", '2', 0, "");                   /* skipped */
	hdr(a, "../s4", '2', 0, "x");               /* skipped */
	hdr(a, "./ok/./fine//", '0', 0, NULL);      /* a directory, cleaned */
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

#define W_COMMON                                                                                                     \
	{TAR_DIR, "", NULL, NULL, 0}, {TAR_DIR, "deep", NULL, NULL, 0755}, {TAR_DIR, "deep/" A90, NULL, NULL, 0755}, \
		{TAR_FILE, "deep/" A90 "/" B90, NULL, "deep\n", 0644}, {TAR_DIR, "dir", NULL, NULL, 0755},           \
		{TAR_FILE, "dir/hard", NULL, "hello, world\n", 0644},                                                \
		{TAR_SYMLINK, "dir/link", "../hello.txt", NULL, 0}, {TAR_FILE, "empty", NULL, NULL, 0644},           \
		{TAR_FILE, "exec.sh", NULL, "#!/bin/sh\necho hi\n", 0755},                                           \
	{                                                                                                            \
		TAR_HARDLINK, "hello.txt", "dir/hard", NULL, 0644                                                    \
	}
#define W_LONG                                                                                  \
	{TAR_DIR, "long", NULL, NULL, 0755}, {TAR_SYMLINK, "long/sym", X120 "/" Y150, NULL, 0}, \
		{TAR_DIR, "long/" X120, NULL, NULL, 0755},                                      \
	{                                                                                       \
		TAR_FILE, "long/" X120 "/" Y150, NULL, "long\n", 0644                           \
	}

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

/* st->marker and st->end say where the walk stopped: what zvsh needs to
 * tell a complete write-back archive (an end marker right after the last
 * entry) from one a quota cut short. */
static void test_end_marker_stats(void **state)
{
	(void)state;
	struct arc *a = arc_new();
	set_sum(hdr(a, "f", '0', 3, NULL));
	put(a, "abc", 3);
	size_t after = a->n;
	struct got g = scan_arc(a); /* no marker: the data just ends */
	assert_int_equal(g.r, 0);
	assert_false(g.st.marker);
	assert_int_equal(g.st.end, after);
	got_free(&g);
	end(a);
	g = scan_arc(a);
	assert_int_equal(g.r, 0);
	assert_true(g.st.marker);
	assert_int_equal(g.st.end, after);
	assert_int_equal(g.n, 1);
	got_free(&g);
	/* A pax header with nothing after it but zeros is refused, not ended. */
	struct arc *b = arc_new();
	pax(b, "17 path=abcdefgh\n");
	end(b);
	g = scan_arc(b);
	assert_int_equal(g.r, -TAR_EINVAL);
	assert_false(g.st.marker);
	got_free(&g);
	arc_free(a);
	arc_free(b);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_paths),      cmocka_unit_test(test_hostile_pax_long_path),
		cmocka_unit_test(test_hostile_sizes),      cmocka_unit_test(test_truncated_archives),
		cmocka_unit_test(test_read_errors),        cmocka_unit_test(test_callback_stops_walk),
		cmocka_unit_test(test_reads_headers_only), cmocka_unit_test(test_fixture_ustar),
		cmocka_unit_test(test_fixture_gnu),        cmocka_unit_test(test_fixture_pax),
		cmocka_unit_test(test_fixture_v7),         cmocka_unit_test(test_end_marker_stats),
	};
	return cmocka_run_group_tests_name("test_tar_hostile", tests, NULL, NULL) ? 1 : 0;
}
