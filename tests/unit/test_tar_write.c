/*
 * test_tar_write.c - the tar writer (untrusted/tar.c): headers for ustar,
 * split names, pax records, big numbers and the largest header, checked by
 * tar_header -> tar_scan round trips, determinism, padding and the end
 * blocks, and, when GNU tar is installed, by extracting its output.
 */
#include "tar_build.h"

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
	assert_memory_equal(hbuf + O_MAGIC,
			    "ustar\0"
			    "00",
			    8);
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
		cmocka_unit_test(test_write_ustar),
		cmocka_unit_test(test_write_name_split),
		cmocka_unit_test(test_write_pax),
		cmocka_unit_test(test_write_big_numbers),
		cmocka_unit_test(test_write_largest_header),
		cmocka_unit_test(test_write_deterministic),
		cmocka_unit_test(test_padding_and_end),
		cmocka_unit_test(test_write_gnu_tar_extracts),
	};
	return cmocka_run_group_tests_name("test_tar_write", tests, NULL, NULL) ? 1 : 0;
}
