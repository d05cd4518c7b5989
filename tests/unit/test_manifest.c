/*
 * test_manifest.c - unit tests for the manifest parser (src/manifest.c).
 *
 * Covers docs/manifest.md as manifest_parse() implements it: a full
 * manifest checked field by field (channel order as declared, sources split
 * on ';'), the line language (trimming, lines that do not split into exactly
 * two parts on '=', unknown keys, Etag, CRLF, a buffer that is not
 * NUL-terminated), integers (decimal, octal, hex, junk, sign, overflow, and
 * manifest_parse_int() directly), the size limits (512 KiB, NUL bytes, 16
 * sources, 10915 channels, 107-character Job path), and every error: its
 * exit code (struct zvm_error.code), the line it names ("manifest line N: ",
 * or "manifest: " for whole-manifest errors) and its wording. After any
 * failure the struct must be left empty.
 *
 * The error cases are one table (error_tests); each row runs as its own
 * cmocka test so a failure names the row.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "manifest.h"

/* ---- manifests to start from ----------------------------------------- */

/* The smallest valid manifest: 7 lines, so a line appended to BASE is
 * line 8. */
#define L_VERSION "Version = 20130611\n"                                  /* line 1 */
#define L_PROGRAM "Program = /bin/prog\n"                                 /* line 2 */
#define L_MEMORY "Memory = 4194304, 0\n"                                  /* line 3 */
#define L_TIMEOUT "Timeout = 10\n"                                        /* line 4 */
#define L_STDIN "Channel = /dev/stdin, /dev/stdin, 0, 0, 1, 1, 0, 0\n"    /* line 5 */
#define L_STDOUT "Channel = /dev/stdout, /dev/stdout, 0, 0, 0, 0, 1, 1\n" /* line 6 */
#define L_STDERR "Channel = /dev/stderr, /dev/stderr, 0, 0, 0, 0, 1, 1\n" /* line 7 */
#define HEAD L_VERSION L_PROGRAM L_MEMORY L_TIMEOUT
#define STD L_STDIN L_STDOUT L_STDERR
#define BASE HEAD STD

#define S10 "aaaaaaaaaa"
#define S100 S10 S10 S10 S10 S10 S10 S10 S10 S10 S10
#define JOB_107 "/" S100 "aaaaaa"  /* 107 characters: the longest sun_path */
#define JOB_108 "/" S100 "aaaaaaa" /* 108: no room for the NUL */

#define SRC4 "/s;/s;/s;/s;"
#define SRC_17 SRC4 SRC4 SRC4 SRC4 "/s"

/* ---- helpers ----------------------------------------------------------- */

static void parse_ok_len(const char *text, size_t len, struct manifest *m)
{
	struct zvm_error err = {0};
	int r = manifest_parse(text, len, m, &err);
	if (r != 0)
		fail_msg("manifest_parse returned %d, code %d: %s", r, err.code, err.msg);
	assert_int_equal(err.code, 0);
	assert_non_null(m->text);
}

static void parse_ok(const char *text, struct manifest *m)
{
	parse_ok_len(text, strlen(text), m);
}

/*
 * Parse len bytes of text expecting failure with exit code `code`, a message
 * that starts with the place (line > 0: "manifest line <line>: ", line 0:
 * "manifest: ") and contains needle; *m must be left empty.
 */
static void parse_fails_len(const char *text, size_t len, int code, unsigned line, const char *needle)
{
	struct manifest m;
	memset(&m, 0xa5, sizeof m); /* the parser must clear it, even on failure */
	struct zvm_error err = {0};
	int r = manifest_parse(text, len, &m, &err);
	if (r == 0) {
		manifest_free(&m);
		fail_msg("manifest accepted, expected code %d with '%s'", code, needle);
	}
	assert_int_equal(r, -1);
	if (err.code != code)
		fail_msg("code %d, expected %d; message: %s", err.code, code, err.msg);

	char place[48];
	if (line)
		snprintf(place, sizeof place, "manifest line %u: ", line);
	else
		snprintf(place, sizeof place, "manifest: ");
	if (strstr(err.msg, place) != err.msg)
		fail_msg("message does not start with '%s': %s", place, err.msg);
	if (!strstr(err.msg, needle))
		fail_msg("message does not contain '%s': %s", needle, err.msg);

	assert_null(m.text);
	assert_null(m.program);
	assert_null(m.channel);
	assert_int_equal(m.nchannel, 0);
	assert_null(m.name_server);
	assert_null(m.job);
	manifest_free(&m); /* documented as still safe */
}

static void parse_fails(const char *text, int code, unsigned line, const char *needle)
{
	parse_fails_len(text, strlen(text), code, line, needle);
}

static void check_channel(const struct manifest_channel *c, unsigned nuri, const char *const *uri, const char *alias,
			  int type, int etag, int64_t gets, int64_t get_size, int64_t puts, int64_t put_size,
			  unsigned line)
{
	assert_int_equal(c->nuri, nuri);
	for (unsigned i = 0; i < nuri; i++)
		assert_string_equal(c->uri[i], uri[i]);
	for (unsigned i = nuri; i < CHANNEL_URIS_MAX; i++)
		assert_null(c->uri[i]);
	assert_string_equal(c->alias, alias);
	assert_int_equal(c->type, type);
	assert_int_equal(c->etag, etag);
	assert_int_equal(c->limit[LIMIT_GETS], gets);
	assert_int_equal(c->limit[LIMIT_GET_SIZE], get_size);
	assert_int_equal(c->limit[LIMIT_PUTS], puts);
	assert_int_equal(c->limit[LIMIT_PUT_SIZE], put_size);
	assert_int_equal(c->line, line);
}

/* s lies in the manifest's own copy of the len-byte input. */
static void assert_points_into(const struct manifest *m, size_t len, const char *s)
{
	assert_true(s >= m->text && s < m->text + len);
}

/* ---- valid manifests ---------------------------------------------------- */

static void test_full_manifest(void **state)
{
	(void)state;
	static const char text[] =
		"Version = 20130611\n"                                                            /* 1 */
		"Program = /opt/zvm/prog.nexe\n"                                                  /* 2 */
		"Memory = 33554432, 1\n"                                                          /* 3 */
		"Timeout = 50\n"                                                                  /* 4 */
		"Node = 3\n"                                                                      /* 5 */
		"NameServer = udp:10.0.0.1:54321\n"                                               /* 6 */
		"Job = /tmp/zvm-job.sock\n"                                                       /* 7 */
		"Etag = 0123456789abcdef\n"                                                       /* 8 */
		"Channel = /dev/stdout, /dev/stdout, 0, 1, 0, 0, 1024, 65536\n"                   /* 9 */
		"Channel = /data/in.1;/data/in.2;/data/in.3, /dev/input, 1, 0, 100, 2000, 0, 0\n" /* 10 */
		"Channel = /dev/stdin, /dev/stdin, 0, 0, 7, 8, 0, 0\n"                            /* 11 */
		"Channel = tcp:10.0.0.2:5000, /dev/out/net, 0, 0, 0, 0, 9, 10\n"                  /* 12 */
		"Channel = /data/rw, /dev/rw, 3, 1, 11, 12, 13, 14\n"                             /* 13 */
		"Channel = /dev/stderr, /dev/stderr, 2, 0, 0, 0, 15, 16\n";                       /* 14 */
	char copy[sizeof text];
	memcpy(copy, text, sizeof text);

	struct manifest m;
	parse_ok(copy, &m);
	assert_memory_equal(copy, text, sizeof text); /* the input is not modified */

	assert_string_equal(m.program, "/opt/zvm/prog.nexe");
	assert_int_equal(m.memory, 33554432);
	assert_int_equal(m.memory_etag, 1);
	assert_int_equal(m.timeout, 50);
	assert_int_equal(m.node, 3);
	assert_string_equal(m.name_server, "udp:10.0.0.1:54321");
	assert_string_equal(m.job, "/tmp/zvm-job.sock");
	assert_int_equal(m.nchannel, 6);

	/* Declaration order, not handle order. */
	check_channel(&m.channel[0], 1, (const char *[]){"/dev/stdout"}, "/dev/stdout", 0, 1, 0, 0, 1024, 65536, 9);
	check_channel(&m.channel[1], 3, (const char *[]){"/data/in.1", "/data/in.2", "/data/in.3"}, "/dev/input", 1, 0,
		      100, 2000, 0, 0, 10);
	check_channel(&m.channel[2], 1, (const char *[]){"/dev/stdin"}, "/dev/stdin", 0, 0, 7, 8, 0, 0, 11);
	check_channel(&m.channel[3], 1, (const char *[]){"tcp:10.0.0.2:5000"}, "/dev/out/net", 0, 0, 0, 0, 9, 10, 12);
	check_channel(&m.channel[4], 1, (const char *[]){"/data/rw"}, "/dev/rw", 3, 1, 11, 12, 13, 14, 13);
	check_channel(&m.channel[5], 1, (const char *[]){"/dev/stderr"}, "/dev/stderr", 2, 0, 0, 0, 15, 16, 14);

	/* Every string lives in the manifest's own copy, not in the input. */
	assert_points_into(&m, sizeof text - 1, m.program);
	assert_points_into(&m, sizeof text - 1, m.name_server);
	assert_points_into(&m, sizeof text - 1, m.job);
	assert_points_into(&m, sizeof text - 1, m.channel[1].uri[2]);
	assert_points_into(&m, sizeof text - 1, m.channel[5].alias);

	manifest_free(&m);
	assert_null(m.text);
	assert_null(m.channel);
	assert_int_equal(m.nchannel, 0);
	manifest_free(&m); /* twice is safe */
}

static void test_minimal_defaults(void **state)
{
	(void)state;
	struct manifest m;
	parse_ok(BASE, &m);
	assert_string_equal(m.program, "/bin/prog");
	assert_int_equal(m.memory, 4194304);
	assert_int_equal(m.memory_etag, 0);
	assert_int_equal(m.timeout, 10);
	assert_int_equal(m.node, 0);
	assert_null(m.name_server);
	assert_null(m.job);
	assert_int_equal(m.nchannel, 3);
	check_channel(&m.channel[0], 1, (const char *[]){"/dev/stdin"}, "/dev/stdin", 0, 0, 1, 1, 0, 0, 5);
	check_channel(&m.channel[1], 1, (const char *[]){"/dev/stdout"}, "/dev/stdout", 0, 0, 0, 0, 1, 1, 6);
	check_channel(&m.channel[2], 1, (const char *[]){"/dev/stderr"}, "/dev/stderr", 0, 0, 0, 0, 1, 1, 7);
	manifest_free(&m);
}

static void test_whitespace_trimmed(void **state)
{
	(void)state;
	static const char text[] = "  Version\t=   20130611 \t\n"
				   "\tProgram= /bin/my prog  \n" /* inner space kept */
				   "Memory=4194304,0\n"
				   "Timeout =\t10\v\f\n"
				   "Channel =  /a ;\t/b , \t/dev/stdin\t,0 ,0,1 , 1,0,0  \n"
				   "   Channel=/dev/stdout,/dev/stdout,0,0,0,0,1,1\n"
				   "Channel\t=\t/dev/stderr\t,\t/dev/stderr\t,\t0\t,\t0\t,\t0\t,\t0\t,\t1\t,\t1\t\n";
	struct manifest m;
	parse_ok(text, &m);
	assert_string_equal(m.program, "/bin/my prog");
	assert_int_equal(m.memory, 4194304);
	assert_int_equal(m.timeout, 10);
	assert_int_equal(m.nchannel, 3);
	check_channel(&m.channel[0], 2, (const char *[]){"/a", "/b"}, "/dev/stdin", 0, 0, 1, 1, 0, 0, 5);
	check_channel(&m.channel[1], 1, (const char *[]){"/dev/stdout"}, "/dev/stdout", 0, 0, 0, 0, 1, 1, 6);
	check_channel(&m.channel[2], 1, (const char *[]){"/dev/stderr"}, "/dev/stderr", 0, 0, 0, 0, 1, 1, 7);
	manifest_free(&m);
}

/* A line counts only if it splits on '=' into exactly two parts. Each of
 * these would be an error (duplicate, bad value) if it counted. */
static void test_lines_not_two_parts_ignored(void **state)
{
	(void)state;
	static const char text[] = "==========================\n"
				   "== ZeroVM manifest ==\n"
				   "== comment\n"
				   "no equals sign here\n"
				   "\n"
				   "   \t\n" BASE "Timeout = 5 = 6\n"
				   "Version == 20130611\n"
				   "Memory = 0, 0 =\n"
				   "= Program = /bin/other\n"
				   "Channel = /x, /dev/x, 0, 0, 1, 1, 0, 0 ==\n"
				   "Channel = /x=, /dev/stdin, 0, 0, 0, 0, 0, 0\n"
				   "===\n";
	struct manifest m;
	parse_ok(text, &m);
	assert_string_equal(m.program, "/bin/prog");
	assert_int_equal(m.memory, 4194304);
	assert_int_equal(m.timeout, 10);
	assert_int_equal(m.nchannel, 3);
	/* Line numbers still count the ignored lines. */
	assert_int_equal(m.channel[0].line, 11);
	manifest_free(&m);
}

/* So a value can never contain '=': the Program line is ignored. */
static void test_value_with_equals_is_ignored(void **state)
{
	(void)state;
	parse_fails(L_VERSION "Program = /bin/a=b\n" L_MEMORY L_TIMEOUT STD, 14, 0, "Program not specified");
}

static void test_unknown_keys_ignored(void **state)
{
	(void)state;
	static const char text[] = "Foo = bar\n"
				   "version = 1\n" /* keys are case-sensitive */
				   "PROGRAM = relative\n"
				   "Channels = garbage\n"
				   "Broker = /tmp/b\n"
				   " = value without key\n"
				   "Memory Size = x\n"
				   "Timeout2 = -1\n" BASE "Unknown =\n";
	struct manifest m;
	parse_ok(text, &m);
	assert_string_equal(m.program, "/bin/prog");
	assert_int_equal(m.timeout, 10);
	assert_int_equal(m.nchannel, 3);
	manifest_free(&m);
}

static void test_etag_accepted_and_ignored(void **state)
{
	(void)state;
	static const char *const texts[] = {
		BASE "Etag = 1\n", BASE "Etag = 0\n", BASE "Etag =\n", BASE "Etag = anything, at all; -1\n",
		"Etag = 1\n" BASE,
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		struct manifest m;
		parse_ok(texts[i], &m);
		assert_int_equal(m.memory_etag, 0); /* not the memory etag */
		assert_int_equal(m.nchannel, 3);
		manifest_free(&m);
	}
}

static void test_integer_bases(void **state)
{
	(void)state;
	static const char text[] =
		L_VERSION L_PROGRAM "Memory = 0x2000000, 01\n"
				    "Timeout = 012\n"
				    "Node = 0X1f\n"
				    "Channel = /dev/stdin, /dev/stdin, 03, 0x1, 0x10, 010, 16, 0X10\n"
				    "Channel = /dev/stdout, /dev/stdout, 0x0, 00, 0, 0, 0xff, 0777\n" L_STDERR;
	struct manifest m;
	parse_ok(text, &m);
	assert_int_equal(m.memory, 0x2000000);
	assert_int_equal(m.memory_etag, 1);
	assert_int_equal(m.timeout, 10);
	assert_int_equal(m.node, 31);
	check_channel(&m.channel[0], 1, (const char *[]){"/dev/stdin"}, "/dev/stdin", 3, 1, 16, 8, 16, 16, 6);
	check_channel(&m.channel[1], 1, (const char *[]){"/dev/stdout"}, "/dev/stdout", 0, 0, 0, 0, 255, 511, 7);
	manifest_free(&m);
}

static void test_integer_largest(void **state)
{
	(void)state;
	static const char text[] =
		L_VERSION L_PROGRAM "Memory = 9223372036854775807, 0\n"
				    "Timeout = 0x7fffffffffffffff\n"
				    "Node = 0777777777777777777777\n"
				    "Channel = /dev/stdin, /dev/stdin, 0, 0, 9223372036854775807, 0x7FFFFFFFFFFFFFFF, "
				    "0777777777777777777777, 9223372036854775807\n" L_STDOUT L_STDERR;
	struct manifest m;
	parse_ok(text, &m);
	assert_true(m.memory == INT64_MAX);
	assert_true(m.timeout == INT64_MAX);
	assert_true(m.node == INT64_MAX);
	for (int i = 0; i < LIMITS_N; i++)
		assert_true(m.channel[0].limit[i] == INT64_MAX);
	manifest_free(&m);
}

static void test_channel_types_and_etags(void **state)
{
	(void)state;
	static const char text[] = HEAD STD "Channel = /t0, /dev/t0, 0, 0, 1, 1, 0, 0\n"
					    "Channel = /t1, /dev/t1, 1, 1, 1, 1, 1, 1\n"
					    "Channel = /t2, /dev/t2, 2, 0, 0, 0, 1, 1\n"
					    "Channel = /t3, /dev/t3, 3, 1, 1, 1, 1, 1\n";
	struct manifest m;
	parse_ok(text, &m);
	assert_int_equal(m.nchannel, 7);
	for (int t = 0; t < 4; t++) {
		assert_int_equal(m.channel[3 + t].type, t);
		assert_int_equal(m.channel[3 + t].etag, t & 1);
	}
	assert_int_equal(CHANNEL_SEQ_READ_SEQ_WRITE, 0);
	assert_int_equal(CHANNEL_RAND_READ_SEQ_WRITE, 1);
	assert_int_equal(CHANNEL_SEQ_READ_RAND_WRITE, 2);
	assert_int_equal(CHANNEL_RAND_READ_RAND_WRITE, 3);
	manifest_free(&m);
}

/* Readable only with gets and get_size > 0; writable only with puts and
 * put_size > 0; either is enough for the channel to be accepted. */
static void test_readable_writable(void **state)
{
	(void)state;
	static const struct {
		int64_t limit[LIMITS_N];
		int readable, writable;
	} rows[] = {
		{{1, 1, 0, 0}, 1, 0},         {{0, 0, 1, 1}, 0, 1}, {{1, 1, 1, 1}, 1, 1},
		{{0, 1, 0, 1}, 0, 0},         {{1, 0, 1, 0}, 0, 0}, {{0, 0, 0, 0}, 0, 0},
		{{INT64_MAX, 1, 0, 5}, 1, 0}, {{5, 5, 5, 0}, 1, 0}, {{0, 5, 5, 5}, 0, 1},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct manifest_channel c = {0};
		memcpy(c.limit, rows[i].limit, sizeof c.limit);
		assert_int_equal(!!manifest_channel_readable(&c), rows[i].readable);
		assert_int_equal(!!manifest_channel_writable(&c), rows[i].writable);
	}

	/* Through the parser: a read-only and a write-only extra channel. */
	struct manifest m;
	parse_ok(BASE "Channel = /r, /dev/r, 0, 0, 1, 1, 0, 5\n"
		      "Channel = /w, /dev/w, 0, 0, 0, 9, 2, 2\n",
		 &m);
	assert_true(manifest_channel_readable(&m.channel[3]));
	assert_false(manifest_channel_writable(&m.channel[3]));
	assert_false(manifest_channel_readable(&m.channel[4]));
	assert_true(manifest_channel_writable(&m.channel[4]));
	manifest_free(&m);
}

static void test_sixteen_sources_accepted(void **state)
{
	(void)state;
	char text[1024];
	int n = snprintf(text, sizeof text, "%s", HEAD "Channel = ");
	for (int i = 0; i < 16; i++)
		n += snprintf(text + n, sizeof text - (size_t)n, "%s/src/%d", i ? ";" : "", i);
	snprintf(text + n, sizeof text - (size_t)n, "%s", ", /dev/stdin, 0, 0, 1, 1, 0, 0\n" L_STDOUT L_STDERR);

	struct manifest m;
	parse_ok(text, &m);
	assert_int_equal(m.channel[0].nuri, 16);
	for (int i = 0; i < 16; i++) {
		char want[32];
		snprintf(want, sizeof want, "/src/%d", i);
		assert_string_equal(m.channel[0].uri[i], want);
	}
	manifest_free(&m);
}

static void test_tcp_sources_accepted(void **state)
{
	(void)state;
	static const char text[] = BASE "Channel = tcp:10.0.0.2:5000, /dev/a, 0, 0, 1, 1, 0, 0\n"
					"Channel = tcp:3:80, /dev/b, 0, 0, 0, 0, 1, 1\n" /* a node id as host */
					"Channel = tcp:127.0.0.1:65535;tcp:127.0.0.1:1, /dev/c, 0, 0, 0, 0, 1, 1\n"
					"Channel = tcp:3:0;tcp:7:, /dev/d, 0, 0, 1, 1, 0, 0\n" /* ZeroCloud's */
					"Channel = tcp:4294967295:, /dev/e, 0, 0, 0, 0, 1, 1\n"
					"Node = 5\n"
					"NameServer = udp:127.0.0.1:53\n";
	struct manifest m;
	parse_ok(text, &m);
	assert_int_equal(m.nchannel, 8);
	check_channel(&m.channel[3], 1, (const char *[]){"tcp:10.0.0.2:5000"}, "/dev/a", 0, 0, 1, 1, 0, 0, 8);
	check_channel(&m.channel[4], 1, (const char *[]){"tcp:3:80"}, "/dev/b", 0, 0, 0, 0, 1, 1, 9);
	check_channel(&m.channel[5], 2, (const char *[]){"tcp:127.0.0.1:65535", "tcp:127.0.0.1:1"}, "/dev/c", 0, 0, 0,
		      0, 1, 1, 10);
	check_channel(&m.channel[6], 2, (const char *[]){"tcp:3:0", "tcp:7:"}, "/dev/d", 0, 0, 1, 1, 0, 0, 11);
	for (int i = 0; i < 3; i++)
		assert_false(m.channel[i].net);
	for (int i = 3; i < 8; i++)
		assert_true(m.channel[i].net);
	assert_int_equal(m.ns_ipv4, 0x7f000001);
	assert_int_equal(m.ns_port, 53);
	manifest_free(&m);

	/* The same node may be read from and written to: one source each way. */
	parse_ok(BASE "Node = 1\nNameServer = udp:10.0.0.1:9\nChannel = tcp:2:, /dev/in/2, 0, 0, 1, 1, 0, 0\n"
		      "Channel = tcp:2:, /dev/out/2, 0, 0, 0, 0, 1, 1\n",
		 &m);
	assert_int_equal(m.nchannel, 5);
	manifest_free(&m);
}

static void test_job_longest_path_accepted(void **state)
{
	(void)state;
	assert_int_equal(strlen(JOB_107), JOB_PATH_MAX - 1);
	struct manifest m;
	parse_ok(BASE "Job = " JOB_107 "\n", &m);
	assert_string_equal(m.job, JOB_107);
	manifest_free(&m);
}

static void test_nameserver_with_node(void **state)
{
	(void)state;
	struct manifest m;
	parse_ok(BASE "Node = 1\nNameServer = udp:127.0.0.1:53\n", &m);
	assert_int_equal(m.node, 1);
	assert_string_equal(m.name_server, "udp:127.0.0.1:53");
	manifest_free(&m);

	/* Order does not matter: Node may come after NameServer. */
	parse_ok("NameServer = udp:10.1.2.3:65535\n" BASE "Node = 0x10\n", &m);
	assert_int_equal(m.node, 16);
	assert_string_equal(m.name_server, "udp:10.1.2.3:65535");
	manifest_free(&m);

	/* Node 0 is fine without a name server. */
	parse_ok(BASE "Node = 0\n", &m);
	assert_int_equal(m.node, 0);
	assert_null(m.name_server);
	manifest_free(&m);
}

/* '\r' is whitespace, and keys and values are trimmed: CRLF works. */
static void test_crlf_line_endings(void **state)
{
	(void)state;
	static const char text[] = "Version = 20130611\r\n"
				   "Program = /bin/prog\r\n"
				   "Memory = 4194304, 1\r\n"
				   "Timeout = 10\r\n"
				   "Job = /tmp/j.sock\r\n"
				   "Channel = /in;/in2\r, /dev/stdin, 0, 0, 1, 1, 0, 0\r\n"
				   "Channel = /dev/stdout, /dev/stdout, 0, 0, 0, 0, 1, 1\r\n"
				   "Channel = /dev/stderr, /dev/stderr, 0, 0, 0, 0, 1, 1\r\n";
	struct manifest m;
	parse_ok(text, &m);
	assert_string_equal(m.program, "/bin/prog");
	assert_int_equal(m.memory_etag, 1);
	assert_int_equal(m.timeout, 10);
	assert_string_equal(m.job, "/tmp/j.sock");
	check_channel(&m.channel[0], 2, (const char *[]){"/in", "/in2"}, "/dev/stdin", 0, 0, 1, 1, 0, 0, 6);
	check_channel(&m.channel[2], 1, (const char *[]){"/dev/stderr"}, "/dev/stderr", 0, 0, 0, 0, 1, 1, 8);
	manifest_free(&m);

	/* And an error on a CRLF line names the right line. */
	parse_fails("Version = 20130611\r\nProgram = /bin/prog\r\nMemory = 1, 0\r\nTimeout = 0\r\n" STD, 14, 4,
		    "Timeout: seconds must be >= 1");
}

static void test_last_line_without_newline(void **state)
{
	(void)state;
	struct manifest m;
	parse_ok(HEAD L_STDIN L_STDOUT "Channel = /dev/stderr, /dev/stderr, 0, 0, 0, 0, 1, 7", &m);
	assert_int_equal(m.channel[2].limit[LIMIT_PUT_SIZE], 7);
	manifest_free(&m);
}

/* Only len bytes are read: the buffer need not be NUL-terminated, and bytes
 * past len do not count. */
static void test_reads_only_len_bytes(void **state)
{
	(void)state;
	static const char base[] = BASE;
	size_t len = sizeof base - 1;
	char *exact = malloc(len); /* no terminator: ASan catches an over-read */
	assert_non_null(exact);
	memcpy(exact, base, len);
	struct manifest m;
	parse_ok_len(exact, len, &m);
	assert_int_equal(m.nchannel, 3);
	manifest_free(&m);
	free(exact);

	/* A trailing duplicate beyond len is not seen. */
	static const char more[] = BASE "Version = 1\n";
	parse_ok_len(more, len, &m);
	manifest_free(&m);
	/* Cut in the middle of the last line: "/dev/stderr, 0, 0, 0, 0, 1, 1" loses ", 1". */
	parse_fails_len(more, len - 4, 14, 7, "Channel: expected 8 comma-separated fields, got fewer");
}

static void test_empty_manifest(void **state)
{
	(void)state;
	static const char empty[1] = "";
	parse_fails_len(empty, 0, 14, 0, "Version not specified");
	parse_fails("\n\n\n", 14, 0, "Version not specified");
}

/* ---- size limits ------------------------------------------------------- */

/* BASE padded with one ignored line to exactly total bytes. */
static char *padded_manifest(size_t total)
{
	static const char base[] = BASE;
	size_t blen = sizeof base - 1;
	char *t = malloc(total);
	assert_non_null(t);
	memcpy(t, base, blen);
	memset(t + blen, 'x', total - blen - 1); /* a line with no '=': ignored */
	t[total - 1] = '\n';
	return t;
}

static void test_size_exactly_512k_accepted(void **state)
{
	(void)state;
	assert_int_equal(MANIFEST_MAX_BYTES, 512 * 1024);
	char *t = padded_manifest(MANIFEST_MAX_BYTES);
	struct manifest m;
	parse_ok_len(t, MANIFEST_MAX_BYTES, &m);
	assert_int_equal(m.nchannel, 3);
	manifest_free(&m);
	free(t);
}

static void test_size_over_512k_rejected(void **state)
{
	(void)state;
	char *t = padded_manifest(MANIFEST_MAX_BYTES + 1);
	parse_fails_len(t, MANIFEST_MAX_BYTES + 1, 14, 0, "larger than 512 KiB");
	free(t);
	/* The length is checked before any byte is read. */
	static const char base[] = BASE;
	parse_fails_len(base, SIZE_MAX, 14, 0, "larger than 512 KiB");
}

static void test_nul_byte_rejected(void **state)
{
	(void)state;
	char t[] = BASE BASE;
	size_t len = sizeof t - 1;
	t[40] = 0; /* inside line 3 */
	parse_fails_len(t, len, 14, 0, "contains a NUL byte");

	char u[] = BASE "#";
	u[sizeof u - 2] = 0; /* the last byte */
	parse_fails_len(u, sizeof u - 1, 14, 0, "contains a NUL byte");

	/* A NUL right after len is the terminator, not part of the manifest. */
	struct manifest m;
	parse_ok_len(u, sizeof u - 2, &m);
	manifest_free(&m);
}

/* HEAD, the three standard channels, then n - 3 more. */
static char *many_channels(size_t n, size_t *len)
{
	size_t cap = 64 + 3 * 64 + n * 40;
	char *t = malloc(cap);
	assert_non_null(t);
	size_t k = (size_t)snprintf(t, cap, "%s", BASE);
	for (size_t i = 3; i < n; i++)
		k += (size_t)snprintf(t + k, cap - k, "Channel=/n,/c%zu,0,0,0,0,1,1\n", i);
	assert_true(k < MANIFEST_MAX_BYTES);
	*len = k;
	return t;
}

static void test_channels_max(void **state)
{
	(void)state;
	assert_int_equal(CHANNELS_MAX, 10915);
	size_t len;
	char *t = many_channels(CHANNELS_MAX, &len);
	struct manifest m;
	parse_ok_len(t, len, &m);
	assert_int_equal(m.nchannel, CHANNELS_MAX);
	assert_string_equal(m.channel[CHANNELS_MAX - 1].alias, "/c10914");
	manifest_free(&m);
	free(t);

	/* Channel number 10916 is on line 4 + 10916. */
	t = many_channels(CHANNELS_MAX + 1, &len);
	parse_fails_len(t, len, 23, 4 + CHANNELS_MAX + 1, "too many channels");
	free(t);
}

/* ---- manifest_parse_int ------------------------------------------------- */

static void test_parse_int(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int ret;
		int64_t v;
	} rows[] = {
		{"0", 0, 0},
		{"7", 0, 7},
		{"10", 0, 10},
		{"4194304", 0, 4194304},
		{"010", 0, 8},
		{"0777", 0, 511},
		{"00", 0, 0},
		{"0x10", 0, 16},
		{"0X1f", 0, 31},
		{"0xABCDEF", 0, 0xabcdef},
		{"0x0", 0, 0},
		{"  42  ", 0, 42},
		{"\t42\r\n", 0, 42},
		{"9223372036854775807", 0, INT64_MAX},
		{"0x7fffffffffffffff", 0, INT64_MAX},
		{"0777777777777777777777", 0, INT64_MAX},
		{"9223372036854775808", -ERANGE, 0},
		{"99999999999999999999999", -ERANGE, 0},
		{"0x8000000000000000", -ERANGE, 0},
		{"0xffffffffffffffff", -ERANGE, 0},
		{"01000000000000000000000", -ERANGE, 0},
		{"", -EINVAL, 0},
		{"   ", -EINVAL, 0},
		{"-1", -EINVAL, 0},
		{"-0", -EINVAL, 0},
		{" -5", -EINVAL, 0},
		{"-9223372036854775809", -EINVAL, 0},
		{"+1", -EINVAL, 0},
		{"1-", -EINVAL, 0},
		{"12abc", -EINVAL, 0},
		{"1 2", -EINVAL, 0},
		{"1.0", -EINVAL, 0},
		{"1e3", -EINVAL, 0},
		{"08", -EINVAL, 0}, /* not an octal digit */
		{"0779", -EINVAL, 0},
		{"0x", -EINVAL, 0},
		{"0xg", -EINVAL, 0},
		{"0x-1", -EINVAL, 0},
		{"0x 1", -EINVAL, 0},
		{"x10", -EINVAL, 0},
		{"0b101", -EINVAL, 0}, /* binary is not a ZeroVM base (C23 strtoll takes it) */
		{"abc", -EINVAL, 0},
		{"1,0", -EINVAL, 0},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		int64_t v = -12345;
		int r = manifest_parse_int(rows[i].s, &v);
		if (r != rows[i].ret)
			fail_msg("manifest_parse_int(\"%s\") returned %d, expected %d", rows[i].s, r, rows[i].ret);
		if (r == 0 && v != rows[i].v)
			fail_msg("manifest_parse_int(\"%s\") gave %lld, expected %lld", rows[i].s, (long long)v,
				 (long long)rows[i].v);
	}
}

/* ---- the error table ----------------------------------------------------- */

struct error_case {
	const char *text;
	int code;
	unsigned line; /* 0: a whole-manifest error, "manifest: ..." */
	const char *needle;
};

static void run_error_case(void **state)
{
	const struct error_case *c = *state;
	parse_fails(c->text, c->code, c->line, c->needle);
}

#define ERR(id, text_, code_, line_, needle_)                                                           \
	{                                                                                               \
		.name = "error_" id, .test_func = run_error_case, .initial_state = &(struct error_case) \
		{                                                                                       \
			(text_), (code_), (line_), (needle_)                                            \
		}                                                                                       \
	}
/* An extra channel appended to BASE, on line 8. */
#define CHAN(id, fields, code_, needle_) ERR(id, BASE "Channel = " fields "\n", code_, 8, needle_)
#define BAD_TCP(id, uri) CHAN(id, uri ", /dev/net, 0, 0, 0, 0, 1, 1", 14, "Channel: bad network source '" uri "'")
#define NS(id, value, needle_) ERR(id, BASE "Node = 1\nNameServer = " value "\n", 14, 9, needle_)

static const struct CMUnitTest error_tests[] = {
	/* Version */
	ERR("version_wrong", "Version = 20130610\n" L_PROGRAM L_MEMORY L_TIMEOUT STD, 14, 1,
	    "Version: '20130610' is not supported (expected 20130611)"),
	ERR("version_trailing_junk", "Version = 20130611 x\n" L_PROGRAM L_MEMORY L_TIMEOUT STD, 14, 1,
	    "Version: '20130611 x' is not supported"),
	ERR("version_as_octal", "Version = 020130611\n" L_PROGRAM L_MEMORY L_TIMEOUT STD, 14, 1, "is not supported"),
	ERR("version_empty", "Version =\n" L_PROGRAM L_MEMORY L_TIMEOUT STD, 14, 1, "Version has an empty value"),
	ERR("version_missing", L_PROGRAM L_MEMORY L_TIMEOUT STD, 14, 0, "Version not specified"),
	ERR("version_key_case", "version = 20130611\n" L_PROGRAM L_MEMORY L_TIMEOUT STD, 14, 0,
	    "Version not specified"),
	ERR("version_duplicate", BASE L_VERSION, 14, 8, "duplicate Version keyword (first on line 1)"),
	ERR("version_duplicate_wrong", BASE "Version = 1\n", 14, 8, "duplicate Version keyword"),

	/* Program */
	ERR("program_missing", L_VERSION L_MEMORY L_TIMEOUT STD, 14, 0, "Program not specified"),
	ERR("program_empty", L_VERSION "Program =   \n" L_MEMORY L_TIMEOUT STD, 14, 2, "Program has an empty value"),
	ERR("program_duplicate", BASE "Program = /bin/other\n", 14, 8, "duplicate Program keyword (first on line 2)"),

	/* Memory */
	ERR("memory_missing", L_VERSION L_PROGRAM L_TIMEOUT STD, 14, 0, "Memory not specified"),
	ERR("memory_duplicate", BASE L_MEMORY, 14, 8, "duplicate Memory keyword (first on line 3)"),
	ERR("memory_one_field", L_VERSION L_PROGRAM "Memory = 4194304\n" L_TIMEOUT STD, 14, 3,
	    "Memory: expected '<bytes>, <etag 0|1>'"),
	ERR("memory_three_fields", L_VERSION L_PROGRAM "Memory = 4194304, 0, 0\n" L_TIMEOUT STD, 14, 3,
	    "Memory: expected '<bytes>, <etag 0|1>'"),
	ERR("memory_empty", L_VERSION L_PROGRAM "Memory =\n" L_TIMEOUT STD, 14, 3, "Memory has an empty value"),
	ERR("memory_zero", L_VERSION L_PROGRAM "Memory = 0, 0\n" L_TIMEOUT STD, 12, 3, "Memory: invalid memory size 0"),
	ERR("memory_zero_hex", L_VERSION L_PROGRAM "Memory = 0x0, 1\n" L_TIMEOUT STD, 12, 3,
	    "Memory: invalid memory size 0x0"),
	ERR("memory_negative", L_VERSION L_PROGRAM "Memory = -4194304, 0\n" L_TIMEOUT STD, 12, 3,
	    "Memory: invalid memory size -4194304"),
	ERR("memory_minus_one", L_VERSION L_PROGRAM "Memory = -1, 1\n" L_TIMEOUT STD, 12, 3,
	    "Memory: invalid memory size -1"),
	ERR("memory_minus_junk", L_VERSION L_PROGRAM "Memory = -1x, 1\n" L_TIMEOUT STD, 14, 3,
	    "Memory: bytes is not an integer"),
	ERR("memory_junk", L_VERSION L_PROGRAM "Memory = 4M, 0\n" L_TIMEOUT STD, 14, 3,
	    "Memory: bytes is not an integer"),
	ERR("memory_no_bytes", L_VERSION L_PROGRAM "Memory = , 0\n" L_TIMEOUT STD, 14, 3,
	    "Memory: bytes is not an integer"),
	ERR("memory_overflow", L_VERSION L_PROGRAM "Memory = 9223372036854775808, 0\n" L_TIMEOUT STD, 14, 3,
	    "Memory: bytes is out of range"),
	ERR("memory_etag_2", L_VERSION L_PROGRAM "Memory = 4194304, 2\n" L_TIMEOUT STD, 14, 3,
	    "Memory: etag must be 0 or 1, not 2"),
	ERR("memory_etag_negative", L_VERSION L_PROGRAM "Memory = 4194304, -1\n" L_TIMEOUT STD, 14, 3,
	    "Memory: etag is not an integer"),
	ERR("memory_etag_missing", L_VERSION L_PROGRAM "Memory = 4194304,\n" L_TIMEOUT STD, 14, 3,
	    "Memory: etag is not an integer"),
	ERR("memory_etag_junk", L_VERSION L_PROGRAM "Memory = 4194304, yes\n" L_TIMEOUT STD, 14, 3,
	    "Memory: etag is not an integer"),

	/* Timeout */
	ERR("timeout_missing", L_VERSION L_PROGRAM L_MEMORY STD, 14, 0, "Timeout not specified"),
	ERR("timeout_duplicate", BASE L_TIMEOUT, 14, 8, "duplicate Timeout keyword (first on line 4)"),
	ERR("timeout_zero", L_VERSION L_PROGRAM L_MEMORY "Timeout = 0\n" STD, 14, 4, "Timeout: seconds must be >= 1"),
	ERR("timeout_zero_hex", L_VERSION L_PROGRAM L_MEMORY "Timeout = 0x0\n" STD, 14, 4,
	    "Timeout: seconds must be >= 1"),
	ERR("timeout_negative", L_VERSION L_PROGRAM L_MEMORY "Timeout = -1\n" STD, 14, 4,
	    "Timeout: seconds is not an integer"),
	ERR("timeout_plus", L_VERSION L_PROGRAM L_MEMORY "Timeout = +5\n" STD, 14, 4,
	    "Timeout: seconds is not an integer"),
	ERR("timeout_junk", L_VERSION L_PROGRAM L_MEMORY "Timeout = 10s\n" STD, 14, 4,
	    "Timeout: seconds is not an integer"),
	ERR("timeout_fraction", L_VERSION L_PROGRAM L_MEMORY "Timeout = 1.5\n" STD, 14, 4,
	    "Timeout: seconds is not an integer"),
	ERR("timeout_two_numbers", L_VERSION L_PROGRAM L_MEMORY "Timeout = 1 0\n" STD, 14, 4,
	    "Timeout: seconds is not an integer"),
	ERR("timeout_bad_octal", L_VERSION L_PROGRAM L_MEMORY "Timeout = 08\n" STD, 14, 4,
	    "Timeout: seconds is not an integer"),
	ERR("timeout_bare_hex_prefix", L_VERSION L_PROGRAM L_MEMORY "Timeout = 0x\n" STD, 14, 4,
	    "Timeout: seconds is not an integer"),
	ERR("timeout_bad_hex", L_VERSION L_PROGRAM L_MEMORY "Timeout = 0xg\n" STD, 14, 4,
	    "Timeout: seconds is not an integer"),
	ERR("timeout_overflow", L_VERSION L_PROGRAM L_MEMORY "Timeout = 99999999999999999999\n" STD, 14, 4,
	    "Timeout: seconds is out of range"),
	ERR("timeout_overflow_hex", L_VERSION L_PROGRAM L_MEMORY "Timeout = 0x8000000000000000\n" STD, 14, 4,
	    "Timeout: seconds is out of range"),

	/* Channel: presence */
	ERR("channel_missing", HEAD, 14, 0, "Channel not specified"),
	ERR("channel_stdin_missing", HEAD L_STDOUT L_STDERR, 14, 0, "channel /dev/stdin not specified"),
	ERR("channel_stdout_missing", HEAD L_STDIN L_STDERR, 14, 0, "channel /dev/stdout not specified"),
	ERR("channel_stderr_missing", HEAD L_STDIN L_STDOUT, 14, 0, "channel /dev/stderr not specified"),
	ERR("channel_std_source_not_alias",
	    HEAD "Channel = /dev/stdin, /dev/input, 0, 0, 1, 1, 0, 0\n" L_STDOUT L_STDERR, 14, 0,
	    "channel /dev/stdin not specified"),
	ERR("channel_empty", BASE "Channel =\n", 14, 8, "Channel has an empty value"),
	ERR("channel_duplicate_alias", BASE "Channel = /tmp/x, /dev/stdin, 0, 0, 1, 1, 0, 0\n", 14, 8,
	    "duplicate channel alias /dev/stdin (first on line 5)"),
	ERR("channel_duplicate_alias_extra",
	    BASE "Channel = /a, /dev/a, 0, 0, 1, 1, 0, 0\nChannel = /b, /dev/a, 1, 0, 1, 1, 0, 0\n", 14, 9,
	    "duplicate channel alias /dev/a (first on line 8)"),

	/* Channel: fields */
	CHAN("channel_1_field", "/tmp/a", 14, "Channel: expected 8 comma-separated fields, got fewer"),
	CHAN("channel_7_fields", "/tmp/a, /dev/a, 0, 0, 1, 1, 0", 14,
	     "Channel: expected 8 comma-separated fields, got fewer"),
	CHAN("channel_9_fields", "/tmp/a, /dev/a, 0, 0, 1, 1, 0, 0, 0", 14,
	     "Channel: expected 8 comma-separated fields, got more"),
	CHAN("channel_trailing_comma", "/tmp/a, /dev/a, 0, 0, 1, 1, 0, 0,", 14,
	     "Channel: expected 8 comma-separated fields, got more"),
	CHAN("channel_empty_alias", "/tmp/a, , 0, 0, 1, 1, 0, 0", 14, "Channel: empty alias"),
	CHAN("channel_type_4", "/tmp/a, /dev/a, 4, 0, 1, 1, 0, 0", 14, "Channel: type must be 0, 1, 2 or 3, not 4"),
	CHAN("channel_type_negative", "/tmp/a, /dev/a, -1, 0, 1, 1, 0, 0", 14, "Channel: type is not an integer"),
	CHAN("channel_type_junk", "/tmp/a, /dev/a, RGetSPut, 0, 1, 1, 0, 0", 14, "Channel: type is not an integer"),
	CHAN("channel_type_empty", "/tmp/a, /dev/a, , 0, 1, 1, 0, 0", 14, "Channel: type is not an integer"),
	CHAN("channel_etag_2", "/tmp/a, /dev/a, 0, 2, 1, 1, 0, 0", 14, "Channel: etag must be 0 or 1, not 2"),
	CHAN("channel_etag_negative", "/tmp/a, /dev/a, 0, -1, 1, 1, 0, 0", 14, "Channel: etag is not an integer"),
	CHAN("channel_gets_negative", "/tmp/a, /dev/a, 0, 0, -1, 1, 0, 0", 14, "Channel: gets is not an integer"),
	CHAN("channel_get_size_junk", "/tmp/a, /dev/a, 0, 0, 1, 1k, 0, 0", 14, "Channel: get_size is not an integer"),
	CHAN("channel_puts_overflow", "/tmp/a, /dev/a, 0, 0, 0, 0, 9223372036854775808, 1", 14,
	     "Channel: puts is out of range"),
	CHAN("channel_put_size_empty", "/tmp/a, /dev/a, 0, 0, 0, 0, 1, ", 14, "Channel: put_size is not an integer"),
	CHAN("channel_put_size_negative", "/tmp/a, /dev/a, 0, 0, 0, 0, 1, -1", 14,
	     "Channel: put_size is not an integer"),

	/* Channel: neither readable nor writable is exit 22 */
	CHAN("channel_useless_all_zero", "/tmp/a, /dev/a, 0, 0, 0, 0, 0, 0", 22,
	     "Channel /dev/a: neither readable (gets and get_size > 0) nor writable (puts and put_size > 0)"),
	CHAN("channel_useless_counts_only", "/tmp/a, /dev/a, 0, 0, 5, 0, 5, 0", 22, "Channel /dev/a: neither readable"),
	CHAN("channel_useless_sizes_only", "/tmp/a, /dev/a, 3, 0, 0, 5, 0, 5", 22, "Channel /dev/a: neither readable"),
	CHAN("channel_useless_crossed", "/tmp/a, /dev/a, 0, 0, 1, 0, 0, 1", 22, "Channel /dev/a: neither readable"),
	CHAN("channel_useless_crossed2", "/tmp/a, /dev/a, 0, 0, 0, 1, 1, 0", 22, "Channel /dev/a: neither readable"),

	/* Channel: sources */
	CHAN("channel_17_sources", SRC_17 ", /dev/a, 0, 0, 1, 1, 0, 0", 14, "Channel: more than 16 sources"),
	CHAN("channel_relative_source", "tmp/a, /dev/a, 0, 0, 1, 1, 0, 0", 14,
	     "Channel: source 'tmp/a' is neither an absolute path nor tcp:<host>:<port>"),
	CHAN("channel_dot_relative_source", "./a, /dev/a, 0, 0, 1, 1, 0, 0", 14,
	     "Channel: source './a' is neither an absolute path"),
	CHAN("channel_relative_replica", "/a;b, /dev/a, 0, 0, 1, 1, 0, 0", 14,
	     "Channel: source 'b' is neither an absolute path"),
	CHAN("channel_empty_source", ", /dev/a, 0, 0, 1, 1, 0, 0", 14, "Channel: empty source"),
	CHAN("channel_empty_middle_source", "/a;;/b, /dev/a, 0, 0, 1, 1, 0, 0", 14, "Channel: empty source"),
	CHAN("channel_empty_last_source", "/a;, /dev/a, 0, 0, 1, 1, 0, 0", 14, "Channel: empty source"),
	CHAN("channel_udp_source", "udp:1.2.3.4:80, /dev/a, 0, 0, 1, 1, 0, 0", 14,
	     "Channel: source 'udp:1.2.3.4:80' is neither an absolute path"),
	CHAN("channel_tcp_upper_case", "TCP:1.2.3.4:80, /dev/a, 0, 0, 1, 1, 0, 0", 14,
	     "Channel: source 'TCP:1.2.3.4:80' is neither an absolute path"),
	BAD_TCP("tcp_bare", "tcp:"),
	BAD_TCP("tcp_no_port", "tcp:1.2.3.4"),
	BAD_TCP("tcp_empty_port", "tcp:1.2.3.4:"),
	BAD_TCP("tcp_empty_host", "tcp::80"),
	BAD_TCP("tcp_host_name", "tcp:host.example:80"),
	BAD_TCP("tcp_host_with_colon", "tcp:1:2:80"),
	BAD_TCP("tcp_port_0", "tcp:1.2.3.4:0"),
	BAD_TCP("tcp_port_65536", "tcp:1.2.3.4:65536"),
	BAD_TCP("tcp_port_junk", "tcp:1.2.3.4:80x"),
	BAD_TCP("tcp_port_negative", "tcp:1.2.3.4:-80"),
	BAD_TCP("tcp_port_name", "tcp:1.2.3.4:http"),
	CHAN("tcp_bad_replica", "tcp:1.2.3.4:80;tcp:1.2.3.4, /dev/net, 0, 0, 0, 0, 1, 1", 14,
	     "Channel: bad network source 'tcp:1.2.3.4' (expected tcp:<ipv4>:<port> or tcp:<node id>:[<port>])"),
	CHAN("tcp_ip_port_0_says_why", "tcp:1.2.3.4:0, /dev/net, 0, 0, 0, 0, 1, 1", 14,
	     "Channel: bad network source 'tcp:1.2.3.4:0' (the port must be 1 to 65535)"),
	CHAN("tcp_ip_leading_zero", "tcp:1.2.3.04:80, /dev/net, 0, 0, 0, 0, 1, 1", 14,
	     "(the host is not an IPv4 address (four numbers 0-255, no leading zeros))"),
	CHAN("tcp_node_zero", "tcp:0:, /dev/net, 0, 0, 0, 0, 1, 1", 14,
	     "(a node id must be a decimal number 1 to 4294967295 (or the host an IPv4 address))"),
	CHAN("tcp_node_port", "tcp:2:65536, /dev/net, 0, 0, 0, 0, 1, 1", 14, "(the port must be empty or 0 to 65535)"),
	BAD_TCP("tcp_node_too_big", "tcp:4294967296:"),
	BAD_TCP("tcp_node_octal", "tcp:010:"),
	CHAN("tcp_mixed_file_first", "/a;tcp:1.2.3.4:80, /dev/net, 0, 0, 0, 0, 1, 1", 14,
	     "Channel: network and file sources cannot be mixed"),
	CHAN("tcp_mixed_tcp_first", "tcp:1.2.3.4:80;/a, /dev/net, 0, 0, 0, 0, 1, 1", 14,
	     "Channel: network and file sources cannot be mixed"),
	CHAN("tcp_read_and_write", "tcp:1.2.3.4:80, /dev/net, 0, 0, 1, 1, 1, 1", 14,
	     "Channel /dev/net: a network channel is read or written, not both"),
	CHAN("tcp_neither_is_22_first", "tcp:1.2.3.4:80, /dev/net, 0, 0, 0, 1, 1, 0", 22,
	     "Channel /dev/net: neither readable"),
	ERR("tcp_node_without_nameserver", BASE "Channel = tcp:2:, /dev/out/2, 0, 0, 0, 0, 1, 1\n", 14, 0,
	    "channel /dev/out/2: tcp:2: names a node: NameServer and Node are needed"),
	ERR("tcp_node_without_node", BASE "NameServer = udp:1.2.3.4:5\nChannel = tcp:2:0, /dev/in, 0, 0, 1, 1, 0, 0\n",
	    14, 0, "Node must be >= 1 when a NameServer is used"),
	ERR("tcp_node_with_node_0_without_nameserver", BASE "Node = 0\nChannel = tcp:2:0, /dev/in, 0, 0, 1, 1, 0, 0\n",
	    14, 0, "channel /dev/in: tcp:2:0 names a node: NameServer and Node are needed"),
	ERR("tcp_node_read_twice",
	    BASE "Node = 1\nNameServer = udp:1.2.3.4:5\nChannel = tcp:2:0, /dev/a, 0, 0, 1, 1, 0, 0\n"
		 "Channel = tcp:3:0;tcp:2:, /dev/b, 0, 0, 1, 1, 0, 0\n",
	    14, 0,
	    "channel /dev/b: node 2 is named twice among the read sources (also by channel /dev/a): the name "
	    "server could not tell them apart"),
	ERR("tcp_node_written_twice_in_one_channel",
	    BASE "Node = 1\nNameServer = udp:1.2.3.4:5\nChannel = tcp:4:;tcp:4:9, /dev/a, 0, 0, 0, 0, 1, 1\n", 14, 0,
	    "channel /dev/a: node 4 is named twice among the write sources (also by channel /dev/a)"),

	/* Node */
	ERR("node_duplicate", BASE "Node = 1\nNode = 2\n", 14, 9, "duplicate Node keyword (first on line 8)"),
	ERR("node_negative", BASE "Node = -1\n", 14, 8, "Node: id is not an integer"),
	ERR("node_junk", BASE "Node = one\n", 14, 8, "Node: id is not an integer"),
	ERR("node_empty", BASE "Node =\n", 14, 8, "Node has an empty value"),
	ERR("node_overflow", BASE "Node = 0x10000000000000000\n", 14, 8, "Node: id is out of range"),

	/* NameServer */
	ERR("nameserver_without_node", BASE "NameServer = udp:10.0.0.1:54321\n", 14, 0,
	    "Node must be >= 1 when a NameServer is used"),
	ERR("nameserver_node_zero", BASE "Node = 0\nNameServer = udp:10.0.0.1:54321\n", 14, 0,
	    "Node must be >= 1 when a NameServer is used"),
	ERR("nameserver_duplicate", BASE "Node = 1\nNameServer = udp:1.2.3.4:5\nNameServer = udp:1.2.3.4:5\n", 14, 10,
	    "duplicate NameServer keyword (first on line 9)"),
	ERR("nameserver_empty", BASE "Node = 1\nNameServer =\n", 14, 9, "NameServer has an empty value"),
	NS("nameserver_tcp", "tcp:10.0.0.1:54321", "NameServer: expected udp:<ipv4>:<port>, got 'tcp:10.0.0.1:54321'"),
	NS("nameserver_no_scheme", "10.0.0.1:54321", "NameServer: expected udp:<ipv4>:<port>"),
	NS("nameserver_bare_scheme", "udp:", "NameServer: expected udp:<ipv4>:<port>"),
	NS("nameserver_no_port", "udp:10.0.0.1", "NameServer: expected udp:<ipv4>:<port>"),
	NS("nameserver_empty_port", "udp:10.0.0.1:", "NameServer: expected udp:<ipv4>:<port>"),
	NS("nameserver_port_0", "udp:10.0.0.1:0", "NameServer: expected udp:<ipv4>:<port>"),
	NS("nameserver_port_65536", "udp:10.0.0.1:65536", "NameServer: expected udp:<ipv4>:<port>"),
	NS("nameserver_port_junk", "udp:10.0.0.1:53x", "NameServer: expected udp:<ipv4>:<port>"),
	NS("nameserver_host_name", "udp:ns.example.org:53",
	   "NameServer: 'udp:ns.example.org:53' is not an IPv4 address"),
	NS("nameserver_host_colon", "udp:1:2:53", "is not an IPv4 address"),
	NS("nameserver_three_numbers", "udp:1.2.3:53", "NameServer: 'udp:1.2.3:53' is not an IPv4 address"),
	NS("nameserver_octet_256", "udp:1.2.3.256:53", "is not an IPv4 address"),
	NS("nameserver_port_octal", "udp:1.2.3.4:053", "NameServer: expected udp:<ipv4>:<port>"),
	ERR("nameserver_node_too_big", BASE "Node = 4294967296\nNameServer = udp:10.0.0.1:54321\n", 14, 0,
	    "Node must be at most 4294967295 when a NameServer is used"),
	NS("nameserver_empty_host", "udp::54321", "NameServer"),

	/* Job */
	ERR("job_too_long", BASE "Job = " JOB_108 "\n", 14, 8, "Job: socket path longer than 107 characters"),
	ERR("job_duplicate", BASE "Job = /tmp/a\nJob = /tmp/b\n", 14, 9, "duplicate Job keyword (first on line 8)"),
	ERR("job_empty", BASE "Job =\n", 14, 8, "Job has an empty value"),

	/* Line numbers count every line, ignored or not, CRLF or not. */
	ERR("line_after_ignored_lines",
	    "=====\n\n== comment\nno key here\n" L_VERSION L_PROGRAM "Memory = 0, 0\n" L_TIMEOUT STD, 12, 7,
	    "Memory: invalid memory size"),
	ERR("first_error_wins", L_VERSION "Program =\nTimeout = 0\n" L_MEMORY STD, 14, 2, "Program has an empty value"),
};

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_manifest),
		cmocka_unit_test(test_minimal_defaults),
		cmocka_unit_test(test_whitespace_trimmed),
		cmocka_unit_test(test_lines_not_two_parts_ignored),
		cmocka_unit_test(test_value_with_equals_is_ignored),
		cmocka_unit_test(test_unknown_keys_ignored),
		cmocka_unit_test(test_etag_accepted_and_ignored),
		cmocka_unit_test(test_integer_bases),
		cmocka_unit_test(test_integer_largest),
		cmocka_unit_test(test_channel_types_and_etags),
		cmocka_unit_test(test_readable_writable),
		cmocka_unit_test(test_sixteen_sources_accepted),
		cmocka_unit_test(test_tcp_sources_accepted),
		cmocka_unit_test(test_job_longest_path_accepted),
		cmocka_unit_test(test_nameserver_with_node),
		cmocka_unit_test(test_crlf_line_endings),
		cmocka_unit_test(test_last_line_without_newline),
		cmocka_unit_test(test_reads_only_len_bytes),
		cmocka_unit_test(test_empty_manifest),
		cmocka_unit_test(test_size_exactly_512k_accepted),
		cmocka_unit_test(test_size_over_512k_rejected),
		cmocka_unit_test(test_nul_byte_rejected),
		cmocka_unit_test(test_channels_max),
		cmocka_unit_test(test_parse_int),
	};
	int failed = cmocka_run_group_tests_name("manifest", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("manifest errors", error_tests, NULL, NULL);
	return failed ? 1 : 0;
}
