/*
 * test_nvram.c - unit tests for the runtime's configuration parser
 * (untrusted/nvram.c).
 *
 * Covers docs/nvram.md as nvram_parse() implements it: a full configuration
 * checked field by field; the line language (comments, blank lines, CR LF,
 * trimming, sections in any order and repeated, a last line without LF, a
 * buffer that is not NUL-terminated); values (quotes, \xHH escapes, [args]
 * word splitting); the defaults of [fstab]; the ranges of [time] and
 * [debug]; nvram_escape() output, truncation and its round trip through the
 * parser for every byte value in every kind of value; the limits (1024
 * arguments and environment entries, 64 mounts, 256 mappings, 1 MiB of
 * text); the arena (exact size, one byte short, any alignment, untouched on
 * failure, nvram_arena_size() as a bound for worst-case texts); and the
 * error buffer (truncated, NUL-terminated, never overrun). Every error,
 * with its full message and line number, is in test_nvram_errors.c.
 */
#include "nvram_check.h"

/* ---- valid configurations ---------------------------------------------- */

static void test_full_config(void **state)
{
	(void)state;
	static const char text[] = "# ZRT configuration written by hand\n"                           /* 1 */
				   "[args]\n"                                                        /* 2 */
				   "args = busybox sort \"/dev/my file\" arg\\x2cwith\\x2ccommas\n"  /* 3 */
				   "[env]\n"                                                         /* 4 */
				   "name=HOME, value=/\n"                                            /* 5 */
				   "name=LANG, value=C\n"                                            /* 6 */
				   "[fstab]\n"                                                       /* 7 */
				   "channel=/dev/image.tar, mountpoint=/, access=ro, removable=no\n" /* 8 */
				   "channel=/dev/out.tar, mountpoint=/out, access=wo\n"              /* 9 */
				   "mountpoint=/mnt/usb, removable=yes, channel=/dev/usb.tar\n"      /* 10 */
				   "[mapping]\n"                                                     /* 11 */
				   "channel=/dev/stdin, mode=pipe\n"                                 /* 12 */
				   "channel=/dev/data, mode=file\n"                                  /* 13 */
				   "mode=char, channel=/dev/tty\n"                                   /* 14 */
				   "[time]\n"                                                        /* 15 */
				   "seconds=1370454582\n"                                            /* 16 */
				   "[debug]\n"                                                       /* 17 */
				   "verbosity=2\n"                                                   /* 18 */
				   "[args]\n"                                                        /* 19 */
				   "args = -r \"\" last\n";                                          /* 20 */
	char copy[sizeof text];
	memcpy(copy, text, sizeof text);

	struct parsed r;
	parse_ok(copy, &r);
	assert_memory_equal(copy, text, sizeof text); /* the input is not modified */
	const struct nvram *nv = &r.nv;

	assert_int_equal(nv->argc, 7);
	assert_string_equal(nv->argv[0], "busybox");
	assert_string_equal(nv->argv[1], "sort");
	assert_string_equal(nv->argv[2], "/dev/my file");
	assert_string_equal(nv->argv[3], "arg,with,commas");
	assert_string_equal(nv->argv[4], "-r");
	assert_string_equal(nv->argv[5], "");
	assert_string_equal(nv->argv[6], "last");
	assert_null(nv->argv[7]);

	assert_int_equal(nv->envc, 2);
	assert_string_equal(nv->envp[0], "HOME=/");
	assert_string_equal(nv->envp[1], "LANG=C");
	assert_null(nv->envp[2]);

	assert_int_equal(nv->nfstab, 3);
	assert_string_equal(nv->fstab[0].channel, "/dev/image.tar");
	assert_string_equal(nv->fstab[0].mountpoint, "/");
	assert_int_equal(nv->fstab[0].access, NVRAM_RO);
	assert_false(nv->fstab[0].removable);
	assert_string_equal(nv->fstab[1].channel, "/dev/out.tar");
	assert_string_equal(nv->fstab[1].mountpoint, "/out");
	assert_int_equal(nv->fstab[1].access, NVRAM_WO);
	assert_false(nv->fstab[1].removable);
	assert_string_equal(nv->fstab[2].channel, "/dev/usb.tar");
	assert_string_equal(nv->fstab[2].mountpoint, "/mnt/usb");
	assert_int_equal(nv->fstab[2].access, NVRAM_RO);
	assert_true(nv->fstab[2].removable);

	assert_int_equal(nv->nmapping, 3);
	assert_string_equal(nv->mapping[0].channel, "/dev/stdin");
	assert_int_equal(nv->mapping[0].mode, NVRAM_MODE_PIPE);
	assert_string_equal(nv->mapping[1].channel, "/dev/data");
	assert_int_equal(nv->mapping[1].mode, NVRAM_MODE_FILE);
	assert_string_equal(nv->mapping[2].channel, "/dev/tty");
	assert_int_equal(nv->mapping[2].mode, NVRAM_MODE_CHAR);

	assert_true(nv->has_time);
	assert_int_equal(nv->time_seconds, 1370454582);
	assert_int_equal(nv->verbosity, 2);
	parsed_free(&r);
}

static void test_empty_text(void **state)
{
	(void)state;
	static const char *const texts[] = {"", "\n", "\n\n\r\n", "# only a comment", "  \t \n# x\n   # y\r\n"};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		struct parsed r;
		parse_ok(texts[i], &r);
		assert_int_equal(r.nv.argc, 0);
		assert_non_null(r.nv.argv);
		assert_null(r.nv.argv[0]);
		assert_int_equal(r.nv.envc, 0);
		assert_non_null(r.nv.envp);
		assert_null(r.nv.envp[0]);
		assert_int_equal(r.nv.nfstab, 0);
		assert_int_equal(r.nv.nmapping, 0);
		assert_false(r.nv.has_time);
		assert_int_equal(r.nv.time_seconds, 0);
		assert_int_equal(r.nv.verbosity, 0);
		parsed_free(&r);
	}

	/* Zero bytes: the text pointer is not read at all. */
	struct nvram nv;
	char arena[64], err[64];
	assert_int_equal(nvram_parse(NULL, 0, arena, sizeof arena, &nv, err, sizeof err), 0);
	assert_int_equal(nv.argc, 0);
	assert_null(nv.argv[0]);
}

/* Sections may be empty, come in any order and repeat: entries add up. */
static void test_sections_any_order(void **state)
{
	(void)state;
	static const char text[] = "[debug]\n"
				   "[time]\n"
				   "[env]\n"
				   "name=A, value=1\n"
				   "[args]\n"
				   "args=one two\n"
				   "args=three\n"
				   "args=\n" /* no words: nothing added */
				   "[env]\n"
				   "name=B, value=2\n"
				   "[args]\n"
				   "args=four\n"
				   "[mapping]\n"
				   "[fstab]\n";
	struct parsed r;
	parse_ok(text, &r);
	assert_int_equal(r.nv.argc, 4);
	assert_string_equal(r.nv.argv[0], "one");
	assert_string_equal(r.nv.argv[1], "two");
	assert_string_equal(r.nv.argv[2], "three");
	assert_string_equal(r.nv.argv[3], "four");
	assert_int_equal(r.nv.envc, 2);
	assert_string_equal(r.nv.envp[0], "A=1");
	assert_string_equal(r.nv.envp[1], "B=2");
	assert_false(r.nv.has_time);
	assert_int_equal(r.nv.verbosity, 0);
	parsed_free(&r);
}

static void test_comments(void **state)
{
	(void)state;
	static const char text[] = "# leading comment\n"
				   "   # indented comment\n"
				   "[args] # after a header\n"
				   "args = a b # the rest is a comment, c\n"
				   "args = \"c # d\" e\\x23f#g\n"
				   "#args = never\n"
				   "[env]#no space needed\n"
				   "name=X, value=\"#\"# quoted hash is data\n";
	struct parsed r;
	parse_ok(text, &r);
	assert_int_equal(r.nv.argc, 4);
	assert_string_equal(r.nv.argv[0], "a");
	assert_string_equal(r.nv.argv[1], "b");
	assert_string_equal(r.nv.argv[2], "c # d");
	assert_string_equal(r.nv.argv[3], "e#f");
	assert_int_equal(r.nv.envc, 1);
	assert_string_equal(r.nv.envp[0], "X=#");
	parsed_free(&r);
}

static void test_whitespace_trimmed(void **state)
{
	(void)state;
	static const char text[] = "\t[ env ]\t\n"
				   "  name\t=  HOME \t,\tvalue =  /home/my dir  \n"
				   "name=EMPTY,value=\n"
				   "name=SPACES, value=\"  padded  \"\n"
				   "name = E2 , value = \\x20x\\x20 \n"
				   "[fstab]\n"
				   " channel = /dev/a b , mountpoint = /m n , access = wo , removable = yes \n"
				   "[time]\n"
				   "  seconds  =  42  \n"
				   "[ debug]\n"
				   "verbosity=\t4\t\n";
	struct parsed r;
	parse_ok(text, &r);
	assert_int_equal(r.nv.envc, 4);
	assert_string_equal(r.nv.envp[0], "HOME=/home/my dir"); /* inner space kept */
	assert_string_equal(r.nv.envp[1], "EMPTY=");
	assert_string_equal(r.nv.envp[2], "SPACES=  padded  ");
	assert_string_equal(r.nv.envp[3], "E2= x ");
	assert_int_equal(r.nv.nfstab, 1);
	assert_string_equal(r.nv.fstab[0].channel, "/dev/a b");
	assert_string_equal(r.nv.fstab[0].mountpoint, "/m n");
	assert_int_equal(r.nv.fstab[0].access, NVRAM_WO);
	assert_true(r.nv.fstab[0].removable);
	assert_int_equal(r.nv.time_seconds, 42);
	assert_int_equal(r.nv.verbosity, 4);
	parsed_free(&r);
}

/* [session]: the working directory and the notes channel, escapes decoded;
 * absent, both NULL. */
static void test_session(void **state)
{
	(void)state;
	struct parsed r;
	parse_ok("[session]\ncwd = /my\x20work , notes=/dev/zvsh.notes\n", &r);
	assert_string_equal(r.nv.cwd, "/my work");
	assert_string_equal(r.nv.notes, "/dev/zvsh.notes");
	parsed_free(&r);
	parse_ok("[session]\nnotes=/dev/n\n[args]\nargs=a\n[session]\ncwd=/\n", &r);
	assert_string_equal(r.nv.cwd, "/");
	assert_string_equal(r.nv.notes, "/dev/n");
	parsed_free(&r);
	parse_ok("[args]\nargs=a\n", &r);
	assert_null(r.nv.cwd);
	assert_null(r.nv.notes);
	parsed_free(&r);
}

/* [threads] seed: the scheduler's seed, once in the file, a number;
 * absent, 0 and not given. */
static void test_threads_seed(void **state)
{
	(void)state;
	struct parsed r;
	parse_ok("[threads]\nseed = 42\n", &r);
	assert_true(r.nv.has_seed);
	assert_int_equal(r.nv.seed, 42);
	parsed_free(&r);
	parse_ok("[args]\nargs=a\n", &r);
	assert_false(r.nv.has_seed);
	assert_int_equal(r.nv.seed, 0);
	parsed_free(&r);
	parse_fails("[threads]\nseed=x\n",
		    "nvram line 2: [threads] seed: must be a decimal integer from 0 to 9223372036854775807, not 'x'");
	parse_fails("[threads]\nseed=1\n[threads]\nseed=2\n",
		    "nvram line 4: [threads] seed: given twice (first on line 2)");
}

static const char crlf_text[] = "# comment\r\n"
				"[args]\r\n"
				"args = a \"b c\"\r\n"
				"[env]\r\n"
				"name=K, value=v\r\n"
				"[fstab]\r\n"
				"channel=/dev/i.tar, mountpoint=/, access=wo, removable=yes\r\n"
				"[mapping]\r\n"
				"channel=/dev/stdin, mode=char\r\n"
				"[time]\r\n"
				"seconds=7\r\n"
				"[debug]\r\n"
				"verbosity=3\r\n";

static void check_crlf_config(const struct nvram *nv)
{
	assert_int_equal(nv->argc, 2);
	assert_string_equal(nv->argv[0], "a");
	assert_string_equal(nv->argv[1], "b c");
	assert_int_equal(nv->envc, 1);
	assert_string_equal(nv->envp[0], "K=v"); /* no CR in the value */
	assert_int_equal(nv->nfstab, 1);
	assert_int_equal(nv->fstab[0].access, NVRAM_WO);
	assert_true(nv->fstab[0].removable);
	assert_int_equal(nv->nmapping, 1);
	assert_int_equal(nv->mapping[0].mode, NVRAM_MODE_CHAR);
	assert_int_equal(nv->time_seconds, 7);
	assert_int_equal(nv->verbosity, 3);
}

static void test_crlf(void **state)
{
	(void)state;
	struct parsed r;
	parse_ok(crlf_text, &r);
	check_crlf_config(&r.nv);
	parsed_free(&r);

	/* The last line without any line end, and with a lone CR. */
	parse_ok_len(crlf_text, sizeof crlf_text - 2, &r); /* cut the final LF */
	check_crlf_config(&r.nv);
	parsed_free(&r);
	parse_ok_len(crlf_text, sizeof crlf_text - 3, &r); /* cut CR LF */
	check_crlf_config(&r.nv);
	parsed_free(&r);

	/* Only one CR before the LF is a line end; a CR elsewhere is data. */
	parse_ok("[env]\nname=A, value=x\ry\r\r\n", &r);
	assert_string_equal(r.nv.envp[0], "A=x\ry\r");
	parsed_free(&r);

	/* An error on a CR LF line names the right line. */
	parse_fails("[args]\r\nargs=a\r\n\r\n[time]\r\nseconds=x\r\n",
		    "nvram line 5: [time] seconds: must be a decimal integer from 0 to 9223372036854775807, not 'x'");
}

/* Only len bytes are read: the buffer need not be NUL-terminated, and bytes
 * past len do not count. */
static void test_reads_only_len_bytes(void **state)
{
	(void)state;
	static const char base[] = "[args]\nargs=a b\n[debug]\nverbosity=1\n";
	size_t len = sizeof base - 1;
	char *exact = malloc(len); /* no terminator: ASan catches an over-read */
	assert_non_null(exact);
	memcpy(exact, base, len);
	struct parsed r;
	parse_ok_len(exact, len, &r);
	assert_int_equal(r.nv.argc, 2);
	assert_int_equal(r.nv.verbosity, 1);
	parsed_free(&r);

	/* Cut inside the value: "verbosity=" is all that is left. */
	parse_fails_len(exact, len - 2, "nvram line 4: [debug] verbosity: must be 0, 1, 2, 3 or 4, not ''");
	free(exact);

	/* A bad line beyond len is not seen. */
	static const char more[] = "[args]\nargs=x\n[bad]\n";
	parse_ok_len(more, 14, &r);
	assert_int_equal(r.nv.argc, 1);
	parsed_free(&r);
}

/* ---- values ------------------------------------------------------------ */

static void test_args_words(void **state)
{
	(void)state;
	static const struct {
		const char *value;
		int argc;
		const char *argv[5];
	} rows[] = {
		{"", 0, {NULL}},
		{"   \t ", 0, {NULL}},
		{"a", 1, {"a"}},
		{"a b", 2, {"a", "b"}},
		{"a \t  b\tc", 3, {"a", "b", "c"}},
		{"\"a b\"", 1, {"a b"}},
		{"\"\"", 1, {""}},
		{"\"\" \"\"", 2, {"", ""}},
		{"x\"y z\"w", 1, {"xy zw"}}, /* quotes inside a word */
		{"\"a\"\"b\"", 1, {"ab"}},   /* adjacent quoted parts join */
		{"\" lead\" \"trail \"", 2, {" lead", "trail "}},
		{"\"\t\"", 1, {"\t"}},
		{"a\\x20b", 1, {"a b"}},      /* escaped space does not split */
		{"\"a\\x22b\"", 1, {"a\"b"}}, /* escapes work inside quotes */
		{"\\x22quoted\\x22", 1, {"\"quoted\""}},
		{"\"a,b#c=d\"", 1, {"a,b#c=d"}}, /* ',' and '#' in quotes */
		{"a=b", 1, {"a=b"}},             /* '=' needs nothing */
		{"'single' quotes", 2, {"'single'", "quotes"}},
		{"\\x5c \\x5cx41", 2, {"\\", "\\x41"}},
		{"\\xff\\x01", 1, {"\xff\x01"}},
		{"\\xC3\\xa9t\\xC3\\xA9", 1, {"\xc3\xa9t\xc3\xa9"}}, /* either case of hex */
		{"a b c d e", 5, {"a", "b", "c", "d", "e"}},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct text t = {0};
		text_add(&t, "[args]\nargs = %s\n", rows[i].value);
		struct parsed r;
		parse_ok(t.s, &r);
		if (r.nv.argc != rows[i].argc)
			fail_msg("args = %s: %d words, expected %d", rows[i].value, r.nv.argc, rows[i].argc);
		for (int k = 0; k < rows[i].argc; k++)
			assert_string_equal(r.nv.argv[k], rows[i].argv[k]);
		parsed_free(&r);
		free(t.s);
	}
}

/* Every value is decoded the same way; these would fail unless decoded. */
static void test_escapes_in_every_value(void **state)
{
	(void)state;
	static const char text[] = "[env]\n"
				   "name=\\x41\\x42, value=\\x2c\\x0a\\x0d\\x22\\x5c\\x23\\x3d\n"
				   "name=\"Q\", value=\"\"\n"
				   "[fstab]\n"
				   "channel=\\x2fdev\\x2fimg, mountpoint=\\x2f, access=\\x77o, removable=\"yes\"\n"
				   "[mapping]\n"
				   "channel=\"/dev/a b\", mode=p\\x69pe\n"
				   "[time]\n"
				   "seconds=\\x31\"2\"3\n"
				   "[debug]\n"
				   "verbosity=\\x34\n";
	struct parsed r;
	parse_ok(text, &r);
	assert_string_equal(r.nv.envp[0], "AB=,\n\r\"\\#=");
	assert_string_equal(r.nv.envp[1], "Q=");
	assert_string_equal(r.nv.fstab[0].channel, "/dev/img");
	assert_string_equal(r.nv.fstab[0].mountpoint, "/");
	assert_int_equal(r.nv.fstab[0].access, NVRAM_WO);
	assert_true(r.nv.fstab[0].removable);
	assert_string_equal(r.nv.mapping[0].channel, "/dev/a b");
	assert_int_equal(r.nv.mapping[0].mode, NVRAM_MODE_PIPE);
	assert_int_equal(r.nv.time_seconds, 123);
	assert_int_equal(r.nv.verbosity, 4);
	parsed_free(&r);
}

static void test_fstab_and_mapping(void **state)
{
	(void)state;
	static const char text[] = "[fstab]\n"
				   "channel=/dev/a, mountpoint=/a\n"
				   "channel=/dev/b, mountpoint=/b, access=ro\n"
				   "channel=/dev/c, mountpoint=/c, access=wo\n"
				   "channel=/dev/d, mountpoint=/d, removable=no\n"
				   "channel=/dev/e, mountpoint=/e, removable=yes, access=wo\n"
				   "channel=relative, mountpoint=/\n" /* an alias need not be a path */
				   "channel=/dev/g, mountpoint=/g, access=rw, writeback=/dev/g.out\n"
				   "channel=/dev/h, mountpoint=/h, overlay=no\n"
				   "[mapping]\n"
				   "channel=/dev/p, mode=pipe\n"
				   "channel=/dev/c, mode=char\n"
				   "channel=/dev/f, mode=file\n"
				   "channel=/dev/f, mode=pipe\n"; /* kept, in order: the runtime decides */
	static const struct {
		const char *channel, *mountpoint;
		enum nvram_access access;
		bool removable, overlay;
		const char *writeback;
	} fstab[] = {
		{"/dev/a", "/a", NVRAM_RO, false, true, NULL},         {"/dev/b", "/b", NVRAM_RO, false, true, NULL},
		{"/dev/c", "/c", NVRAM_WO, false, true, NULL},         {"/dev/d", "/d", NVRAM_RO, false, true, NULL},
		{"/dev/e", "/e", NVRAM_WO, true, true, NULL},          {"relative", "/", NVRAM_RO, false, true, NULL},
		{"/dev/g", "/g", NVRAM_RW, false, true, "/dev/g.out"}, {"/dev/h", "/h", NVRAM_RO, false, false, NULL},
	};
	static const struct {
		const char *channel;
		enum nvram_mode mode;
	} mapping[] = {
		{"/dev/p", NVRAM_MODE_PIPE},
		{"/dev/c", NVRAM_MODE_CHAR},
		{"/dev/f", NVRAM_MODE_FILE},
		{"/dev/f", NVRAM_MODE_PIPE},
	};
	struct parsed r;
	parse_ok(text, &r);
	assert_int_equal(r.nv.nfstab, 8);
	for (int i = 0; i < 8; i++) {
		assert_string_equal(r.nv.fstab[i].channel, fstab[i].channel);
		assert_string_equal(r.nv.fstab[i].mountpoint, fstab[i].mountpoint);
		assert_int_equal(r.nv.fstab[i].access, fstab[i].access);
		assert_int_equal(r.nv.fstab[i].removable, fstab[i].removable);
		assert_int_equal(r.nv.fstab[i].overlay, fstab[i].overlay);
		if (fstab[i].writeback)
			assert_string_equal(r.nv.fstab[i].writeback, fstab[i].writeback);
		else
			assert_null(r.nv.fstab[i].writeback);
	}
	assert_int_equal(r.nv.nmapping, 4);
	for (int i = 0; i < 4; i++) {
		assert_string_equal(r.nv.mapping[i].channel, mapping[i].channel);
		assert_int_equal(r.nv.mapping[i].mode, mapping[i].mode);
	}
	parsed_free(&r);
}

static void test_numbers(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int64_t seconds;
		int verbosity;
	} rows[] = {
		{"[time]\nseconds=0\n", 0, 0},
		{"[time]\nseconds=1\n[debug]\nverbosity=0\n", 1, 0},
		{"[time]\nseconds=9223372036854775807\n", INT64_MAX, 0},
		{"[time]\nseconds=0009223372036854775807\n", INT64_MAX, 0}, /* leading zeros */
		{"[time]\nseconds=00000000000000000000000000000000000000000000000000000000000000000000012\n", 12, 0},
		{"[debug]\nverbosity=1\n[time]\nseconds=1370454582\n", 1370454582, 1},
		{"[debug]\nverbosity=00004\n", 0, 4},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct parsed r;
		parse_ok(rows[i].text, &r);
		assert_true(r.nv.time_seconds == rows[i].seconds);
		assert_int_equal(r.nv.has_time, strstr(rows[i].text, "[time]") != NULL);
		assert_int_equal(r.nv.verbosity, rows[i].verbosity);
		parsed_free(&r);
	}
	for (int v = 0; v <= NVRAM_VERBOSITY_MAX; v++) {
		char text[64];
		snprintf(text, sizeof text, "[debug]\nverbosity=%d", v);
		struct parsed r;
		parse_ok(text, &r);
		assert_int_equal(r.nv.verbosity, v);
		parsed_free(&r);
	}
}

/* ---- nvram_escape ------------------------------------------------------ */

static void test_escape_output(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} rows[] = {
		{"", 0, ""},
		{"plain/path_1.tar", 16, "plain/path_1.tar"},
		{"a,b", 3, "a\\x2cb"},
		{"\"q\"", 3, "\\x22q\\x22"},
		{"back\\slash", 10, "back\\x5cslash"},
		{"#", 1, "\\x23"},
		{"two words", 9, "two\\x20words"},
		{"\n\r\t", 3, "\\x0a\\x0d\\x09"},
		{"\x01\x1f\x7f\x80\xff", 5, "\\x01\\x1f\\x7f\\x80\\xff"},
		{"=[]'~!", 6, "=[]'~!"}, /* need nothing */
		{"a\0b", 3, "a\\x00b"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char out[64];
		memset(out, 'Z', sizeof out);
		size_t n = nvram_escape(rows[i].in, rows[i].len, out, sizeof out);
		assert_int_equal(n, strlen(rows[i].out));
		assert_string_equal(out, rows[i].out);
	}
}

/* Like snprintf: the return is the full length; the output is cut, never
 * in the middle of an escape, and always NUL-terminated. */
static void test_escape_truncation(void **state)
{
	(void)state;
	static const char in[] = "ab,cd";
	static const struct {
		size_t outsize;
		const char *out;
	} rows[] = {
		{1, ""},   {2, "a"},       {3, "ab"},       {4, "ab"},        {5, "ab"},
		{6, "ab"}, {7, "ab\\x2c"}, {8, "ab\\x2cc"}, {9, "ab\\x2ccd"}, {10, "ab\\x2ccd"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char out[16];
		memset(out, 'Z', sizeof out);
		assert_int_equal(nvram_escape(in, 5, out, rows[i].outsize), 8);
		assert_string_equal(out, rows[i].out);
		assert_true(out[rows[i].outsize] == 'Z' || rows[i].outsize >= sizeof out); /* not overrun */
	}
	char z = 'Z';
	assert_int_equal(nvram_escape(in, 5, &z, 0), 8); /* outsize 0: nothing written */
	assert_int_equal(z, 'Z');
	assert_int_equal(nvram_escape(in, 5, NULL, 0), 8);
}

/* Parse pre ESC mid ESC post (just pre ESC post when mid is NULL), ESC
 * being the escaped value, and compare what comes back with want. */
static void round_trip(const char *pre, const char *mid, const char *post, const char *value, size_t len,
		       const char *want)
{
	char *esc = escaped(value, len);
	struct text t = {0};
	text_add(&t, "%s%s", pre, esc);
	if (mid)
		text_add(&t, "%s%s", mid, esc);
	text_add(&t, "%s", post);
	struct parsed r;
	parse_ok(t.s, &r);
	const char *got = r.nv.argc     ? r.nv.argv[0]
			  : r.nv.envc   ? r.nv.envp[0]
			  : r.nv.nfstab ? r.nv.fstab[0].mountpoint
					: r.nv.mapping[0].channel;
	if (strcmp(got, want) != 0)
		fail_msg("round trip through '%s' gave '%s'", t.s, got);
	if (r.nv.argc)
		assert_int_equal(r.nv.argc, 1); /* one word, whatever it holds */
	if (r.nv.nfstab)
		assert_string_equal(r.nv.fstab[0].channel, value);
	parsed_free(&r);
	free(t.s);
	free(esc);
}

static void test_escape_round_trip(void **state)
{
	(void)state;
	/* Every byte but NUL, alone and all in one value. */
	char all[257] = {'/'};
	for (int c = 1; c < 256; c++) {
		char v[4] = {'/', (char)c, 'x', 0};
		char want[16];
		round_trip("[args]\nargs=", NULL, "\n", v, 3, v);
		round_trip("[args]\nargs=\"", NULL, "\"\n", v, 3, v);
		snprintf(want, sizeof want, "N=%s", v);
		round_trip("[env]\nname=N, value=", NULL, "\n", v, 3, want);
		round_trip("[fstab]\nchannel=", ", mountpoint=", "\n", v, 3, v);
		round_trip("[mapping]\nchannel=", NULL, ", mode=file\n", v, 3, v);
		if (c != '=') {
			snprintf(want, sizeof want, "%s=v", v);
			round_trip("[env]\nname=", NULL, ", value=v\n", v, 3, want);
		}
		all[c] = (char)c;
	}
	all[256] = 0;
	round_trip("[args]\nargs=", NULL, "\n", all, 256, all);
	round_trip("[fstab]\nchannel=", ", mountpoint=", "\n", all, 256, all);
	/* Leading and trailing spaces survive trimming once escaped. */
	round_trip("[env]\nname=S, value=", NULL, "\n", "  x  ", 5, "S=  x  ");
	round_trip("[args]\nargs=", NULL, "\n", " ", 1, " ");
}

/* ---- limits ------------------------------------------------------------ */

/* [args] with n one-letter words over lines of per_line words. */
static char *many_args(int n, int per_line, size_t *len)
{
	struct text t = {0};
	text_add(&t, "[args]\n");
	for (int i = 0; i < n; i += per_line) {
		text_add(&t, "args =");
		for (int k = i; k < n && k < i + per_line; k++)
			text_add(&t, " w%d", k);
		text_add(&t, "\n");
	}
	*len = t.n;
	return t.s;
}

static void test_args_limit(void **state)
{
	(void)state;
	size_t len;
	for (int per_line = 1; per_line <= NVRAM_ARGS_MAX; per_line *= 32) {
		char *t = many_args(NVRAM_ARGS_MAX, per_line, &len);
		struct parsed r;
		parse_ok_len(t, len, &r);
		assert_int_equal(r.nv.argc, NVRAM_ARGS_MAX);
		assert_string_equal(r.nv.argv[0], "w0");
		assert_string_equal(r.nv.argv[NVRAM_ARGS_MAX - 1], "w1023");
		assert_null(r.nv.argv[NVRAM_ARGS_MAX]);
		parsed_free(&r);
		free(t);

		t = many_args(NVRAM_ARGS_MAX + 1, per_line, &len);
		char want[64];
		snprintf(want, sizeof want, "nvram line %d: [args]: more than 1024 arguments",
			 1 + (NVRAM_ARGS_MAX + per_line) / per_line);
		parse_fails_len(t, len, want);
		free(t);
	}
}

/* A section header, then n lines "<pre><i><post>". */
static char *many_lines(const char *header, const char *pre, const char *post, int n, size_t *len)
{
	struct text t = {0};
	text_add(&t, "%s\n", header);
	for (int i = 0; i < n; i++)
		text_add(&t, "%s%d%s\n", pre, i, post);
	*len = t.n;
	return t.s;
}

static void test_section_limits(void **state)
{
	(void)state;
	static const struct {
		const char *header, *pre, *post;
		int max;
		const char *what;
	} rows[] = {
		{"[env]", "name=V", ", value=x", NVRAM_ENV_MAX, "[env]: more than 1024 entries"},
		{"[fstab]", "channel=/dev/c", ", mountpoint=/m", NVRAM_FSTAB_MAX, "[fstab]: more than 64 entries"},
		{"[mapping]", "channel=/dev/c", ", mode=file", NVRAM_MAPPING_MAX, "[mapping]: more than 256 entries"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		size_t len;
		char *t = many_lines(rows[i].header, rows[i].pre, rows[i].post, rows[i].max, &len);
		struct parsed r;
		parse_ok_len(t, len, &r);
		assert_int_equal(r.nv.envc + r.nv.nfstab + r.nv.nmapping, rows[i].max);
		parsed_free(&r);
		free(t);

		t = many_lines(rows[i].header, rows[i].pre, rows[i].post, rows[i].max + 1, &len);
		char want[96];
		snprintf(want, sizeof want, "nvram line %d: %s", rows[i].max + 2, rows[i].what);
		parse_fails_len(t, len, want);
		free(t);
	}
}

static void test_text_limit(void **state)
{
	(void)state;
	assert_int_equal(NVRAM_TEXT_MAX, 1048576);
	static const char head[] = "[args]\nargs=a\n#";
	char *t = malloc(NVRAM_TEXT_MAX + 1);
	assert_non_null(t);
	memcpy(t, head, sizeof head - 1);
	memset(t + sizeof head - 1, 'x', NVRAM_TEXT_MAX + 1 - (sizeof head - 1)); /* one long comment */
	struct parsed r;
	parse_ok_len(t, NVRAM_TEXT_MAX, &r);
	assert_int_equal(r.nv.argc, 1);
	parsed_free(&r);
	parse_fails_len(t, NVRAM_TEXT_MAX + 1, "nvram: larger than 1048576 bytes");
	free(t);
	/* The length is checked before any byte is read. */
	parse_fails_len(head, SIZE_MAX, "nvram: larger than 1048576 bytes");
}

static void test_nul_byte(void **state)
{
	(void)state;
	static const char t1[] = "[args]\nargs=a\0b\n";
	parse_fails_len(t1, sizeof t1 - 1, "nvram line 2: contains a NUL byte");
	static const char t2[] = "# x\n\n# \0\n";
	parse_fails_len(t2, sizeof t2 - 1, "nvram line 3: contains a NUL byte"); /* even in a comment */
	static const char t3[] = "[args]\nargs=a\n\0";
	parse_fails_len(t3, sizeof t3 - 1, "nvram line 3: contains a NUL byte");
	/* The NUL right after len is not part of the text. */
	struct parsed r;
	parse_ok_len(t3, sizeof t3 - 2, &r);
	parsed_free(&r);
}

/* ---- the arena and the error buffer ------------------------------------ */

static void test_arena_exact_and_short(void **state)
{
	(void)state;
	static const char text[] = "[args]\nargs=prog \"an arg\"\n[env]\nname=A, value=b\n"
				   "[fstab]\nchannel=/dev/t, mountpoint=/\n[mapping]\nchannel=/dev/x, mode=char\n";
	size_t len = sizeof text - 1;
	struct parsed r;
	parse_ok(text, &r);
	size_t used = r.nv.arena_used;
	/* 3 + 2 pointers, one mount, one mapping, "prog" "an arg" "A=b" "/dev/t" "/" "/dev/x" */
	assert_int_equal(used, 5 * sizeof(char *) + sizeof(struct nvram_fstab) + sizeof(struct nvram_mapping) + 5 + 7 +
				       4 + 7 + 2 + 7);
	parsed_free(&r);

	/* Exactly used bytes (malloc'd: ASan sees any write past them). */
	char *arena = malloc(used);
	assert_non_null(arena);
	struct nvram nv;
	char err[64];
	assert_int_equal(nvram_parse(text, len, arena, used, &nv, err, sizeof err), 0);
	assert_int_equal(nv.arena_used, used);
	assert_string_equal(nv.argv[1], "an arg");
	assert_string_equal(nv.mapping[0].channel, "/dev/x");
	free(arena);

	/* One byte short, or none at all: out of memory, arena untouched. */
	arena = malloc(used);
	assert_non_null(arena);
	memset(arena, 0x5a, used);
	memset(&nv, 0xa5, sizeof nv);
	assert_int_equal(nvram_parse(text, len, arena, used - 1, &nv, err, sizeof err), -1);
	assert_string_equal(err, "nvram: out of memory");
	for (size_t i = 0; i < used; i++)
		assert_int_equal((unsigned char)arena[i], 0x5a);
	assert_int_equal(nv.argc, 0);
	assert_null(nv.argv);
	free(arena);
	assert_int_equal(nvram_parse(text, len, NULL, 0, &nv, err, sizeof err), -1);
	assert_string_equal(err, "nvram: out of memory");
	/* Even an empty text needs the two terminators. */
	char small[2 * sizeof(char *)] __attribute__((aligned(16)));
	assert_int_equal(nvram_parse("", 0, small, sizeof small - 1, &nv, err, sizeof err), -1);
	assert_string_equal(err, "nvram: out of memory");
	assert_int_equal(nvram_parse("", 0, small, sizeof small, &nv, err, sizeof err), 0);
	assert_true(nv.argv == (const char **)(void *)small);
	assert_null(nv.argv[0]);
	assert_null(nv.envp[0]);
}

/* The arena may start at any address; the arrays are aligned within it. */
static void test_arena_any_alignment(void **state)
{
	(void)state;
	static const char text[] = "[args]\nargs=a\n[fstab]\nchannel=/c, mountpoint=/\n";
	size_t len = sizeof text - 1;
	size_t size = nvram_arena_size(len);
	char *buf = malloc(size + 32);
	assert_non_null(buf);
	for (size_t off = 0; off < 32; off++) {
		struct parsed r = {.arena = buf + off, .arena_size = size};
		char err[64];
		assert_int_equal(nvram_parse(text, len, r.arena, size, &r.nv, err, sizeof err), 0);
		check_layout(&r, len);
		assert_string_equal(r.nv.argv[0], "a");
		assert_string_equal(r.nv.fstab[0].mountpoint, "/");
	}
	free(buf);
}

/* nvram_arena_size() holds for the texts that need the most per byte. */
static void test_arena_size_bound(void **state)
{
	(void)state;
	struct text worst[7] = {{0}};
	text_add(&worst[0], "[args]\nargs=");
	for (int i = 0; i < NVRAM_ARGS_MAX; i++)
		text_add(&worst[0], "a ");
	text_add(&worst[1], "[args]\n");
	for (int i = 0; i < NVRAM_ARGS_MAX; i++)
		text_add(&worst[1], "args=\"\"\n");
	text_add(&worst[2], "[env]\n");
	for (int i = 0; i < NVRAM_ENV_MAX; i++)
		text_add(&worst[2], "name=a,value=\n");
	text_add(&worst[3], "[fstab]\n");
	for (int i = 0; i < NVRAM_FSTAB_MAX; i++)
		text_add(&worst[3], "channel=a,mountpoint=/\n");
	text_add(&worst[4], "[mapping]\n");
	for (int i = 0; i < NVRAM_MAPPING_MAX; i++)
		text_add(&worst[4], "channel=a,mode=pipe\n");
	text_add(&worst[5], "[args]\nargs=a");
	text_add(&worst[6], "[args]\nargs=");
	for (int i = 0; i < 20000; i++)
		text_add(&worst[6], "0123456789"); /* strings, not arrays, dominate */
	for (size_t i = 0; i < 7; i++) {
		struct parsed r;
		parse_ok_len(worst[i].s, worst[i].n, &r); /* checks arena_used <= the bound */
		parsed_free(&r);
		free(worst[i].s);
	}
	/* The bound grows with len and stops at NVRAM_TEXT_MAX. */
	size_t prev = 0;
	for (size_t len = 0; len < 4096; len++) {
		assert_true(nvram_arena_size(len) >= prev);
		prev = nvram_arena_size(len);
	}
	assert_true(nvram_arena_size(NVRAM_TEXT_MAX) < NVRAM_TEXT_MAX + 32 * 1024);
	assert_int_equal(nvram_arena_size(SIZE_MAX), nvram_arena_size(NVRAM_TEXT_MAX));
}

static void test_error_buffer(void **state)
{
	(void)state;
	static const char text[] = "[nope]\n";
	static const char full[] = "nvram line 1: unknown section 'nope'";
	char err[64];
	struct nvram nv;
	for (size_t errlen = 1; errlen < sizeof full + 4; errlen++) {
		memset(err, 'Z', sizeof err);
		assert_int_equal(nvram_parse(text, sizeof text - 1, NULL, 0, &nv, err, errlen), -1);
		size_t n = errlen - 1 < sizeof full - 1 ? errlen - 1 : sizeof full - 1;
		assert_int_equal(strlen(err), n);
		assert_memory_equal(err, full, n);
		assert_int_equal(err[errlen], 'Z'); /* not overrun */
	}
	err[0] = 'Z';
	assert_int_equal(nvram_parse(text, sizeof text - 1, NULL, 0, &nv, err, 0), -1);
	assert_int_equal(err[0], 'Z');
	assert_int_equal(nvram_parse(text, sizeof text - 1, NULL, 0, &nv, NULL, 0), -1);

	/* A long or unprintable value is shown cut and escaped. */
	parse_fails("[mapping]\nchannel=/c, mode=0123456789012345678901234567890123456789x\n",
		    "nvram line 2: [mapping] mode: must be pipe, char or file, not "
		    "'0123456789012345678901234567890123456789...'");
	parse_fails("[mapping]\nchannel=/c, mode=\x01\xff\x1b[2J\n",
		    "nvram line 2: [mapping] mode: must be pipe, char or file, not '\\x01\\xff\\x1b[2J'");
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_config),
		cmocka_unit_test(test_session),
		cmocka_unit_test(test_threads_seed),
		cmocka_unit_test(test_empty_text),
		cmocka_unit_test(test_sections_any_order),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_whitespace_trimmed),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_reads_only_len_bytes),
		cmocka_unit_test(test_args_words),
		cmocka_unit_test(test_escapes_in_every_value),
		cmocka_unit_test(test_fstab_and_mapping),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_escape_output),
		cmocka_unit_test(test_escape_truncation),
		cmocka_unit_test(test_escape_round_trip),
		cmocka_unit_test(test_args_limit),
		cmocka_unit_test(test_section_limits),
		cmocka_unit_test(test_text_limit),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_arena_exact_and_short),
		cmocka_unit_test(test_arena_any_alignment),
		cmocka_unit_test(test_arena_size_bound),
		cmocka_unit_test(test_error_buffer),
	};
	return cmocka_run_group_tests_name("nvram", tests, NULL, NULL) ? 1 : 0;
}
