/*
 * test_tar.c - unit tests for the tar reader (untrusted/tar.c): the formats.
 *
 * Archives are built block by block (tar_build.h), so each format is one
 * small archive: ustar with its prefix, v7, old GNU, GNU 'L' and 'K', pax
 * 'x' records and 'g' headers (and malformed ones, one test each),
 * base-256 numbers, octal fields as real writers fill them, both
 * checksums, every type flag; and the sanitizing of paths. The hostile
 * cases are in test_tar_hostile.c, the writer in test_tar_write.c.
 */
#include "tar_build.h"

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
	ext(a, 'L', name, strlen(name) + 1);                 /* GNU: with its NUL */
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
	rec(r, "comment", rep('c', 200)); /* a long value not kept */
	rec(r, rep('K', 120), "v");       /* a key longer than the head read */
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

#define PAX_CASE(id, ...)                                                                            \
	{                                                                                            \
		.name = "pax_bad_" id, .test_func = run_pax_bad, .initial_state = &(struct pax_case) \
		{                                                                                    \
			__VA_ARGS__                                                                  \
		}                                                                                    \
	}
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
	PAX_BAD("no_equals_long",
		"120 " /* a key longer than the head read: framing only, and it is wrong */
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
	PAX_BAD_VALUE(
		"size_long_value", "size",
		"00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001"),
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
		{"size", "0"},
		{"uid", "4294967295"},
		{"gid", "0"},
		{"mtime", "9223372036854775807"},
		{"mtime", "-9223372036854775808"},
		{"mtime", "1."},
		{"mtime", "1.999"},
		{"path", "p"},
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
	static const unsigned char minus1[12] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
						 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
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
	const unsigned char *bad_size[] = {max64, minus1,
					   (const unsigned char *)"\x80\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00"};
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
		{"0000644", 0644},
		{"000644 ", 0644},
		{"  644 \0", 0644},
		{"644\0\0\0\0", 0644},
		{{'0', '0', '0', '0', '0', '6', '4', '4'}, 0644}, /* no terminator: fills the field */
		{"\0\0\0\0\0\0\0", 0},                            /* empty: 0 */
		{"       ", 0},                                   /* blanks: 0 */
		{"64 4\0\0\0", 064},                              /* GNU stops at the first blank */
		{"0100755", 0755},                                /* file type bits dropped */
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
				fail_msg("%s sum in form '%s': r %d", signed_sum ? "signed" : "unsigned", forms[i],
					 g.r);
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
	};
	int failed = cmocka_run_group_tests_name("tar", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("tar malformed pax", pax_tests, NULL, NULL);
	return failed ? 1 : 0;
}
