/*
 * test_json.c - unit tests for zerovm's JSON strings (src/json.c): what
 * RFC 8259 says must be escaped is, valid UTF-8 passes through whole, and
 * every byte that is not part of valid UTF-8 (stray continuation bytes,
 * overlong forms, surrogates, code points past U+10FFFF, cut sequences)
 * becomes \u00XX, so any path or message is valid JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"

/* json_str(s) as a string (static buffer). */
static const char *js(const char *s)
{
	static char out[512];
	FILE *f = fmemopen(out, sizeof out, "w");
	assert_non_null(f);
	json_str(f, s);
	fclose(f);
	return out;
}

static void test_plain(void **state)
{
	(void)state;
	assert_string_equal(js(""), "\"\"");
	assert_string_equal(js("/dev/stdout"), "\"/dev/stdout\"");
	assert_string_equal(js(NULL), "null");
}

static void test_escapes(void **state)
{
	(void)state;
	assert_string_equal(js("a\"b\\c"), "\"a\\\"b\\\\c\"");
	assert_string_equal(js("l1\nl2\tx"), "\"l1\\nl2\\tx\"");
	assert_string_equal(js("\x01\x1f\x7f"), "\"\\u0001\\u001f\\u007f\"");
	assert_string_equal(js("/"), "\"/\""); /* no need to escape a solidus */
}

static void test_utf8_valid(void **state)
{
	(void)state;
	assert_string_equal(js("caf\xc3\xa9"), "\"caf\xc3\xa9\"");           /* U+00E9 */
	assert_string_equal(js("\xe2\x82\xac"), "\"\xe2\x82\xac\"");         /* U+20AC */
	assert_string_equal(js("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\""); /* U+1F600 */
	assert_string_equal(js("\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\""); /* U+10FFFF */
	assert_string_equal(js("\xef\xbf\xbd"), "\"\xef\xbf\xbd\"");         /* U+FFFD */
}

static void test_utf8_invalid(void **state)
{
	(void)state;
	assert_string_equal(js("\xff"), "\"\\u00ff\"");
	assert_string_equal(js("\x80x"), "\"\\u0080x\"");                                /* stray continuation */
	assert_string_equal(js("\xc0\x80"), "\"\\u00c0\\u0080\"");                       /* overlong NUL */
	assert_string_equal(js("\xe0\x80\xaf"), "\"\\u00e0\\u0080\\u00af\"");            /* overlong '/' */
	assert_string_equal(js("\xed\xa0\x80"), "\"\\u00ed\\u00a0\\u0080\"");            /* surrogate D800 */
	assert_string_equal(js("\xf4\x90\x80\x80"), "\"\\u00f4\\u0090\\u0080\\u0080\""); /* past U+10FFFF */
	assert_string_equal(js("\xe2\x82"), "\"\\u00e2\\u0082\"");                       /* cut at the end */
	assert_string_equal(js("\xc3(a"), "\"\\u00c3(a\"");                              /* cut mid-string */
}

static void test_pairs(void **state)
{
	(void)state;
	char out[256];
	FILE *f = fmemopen(out, sizeof out, "w");
	assert_non_null(f);
	json_kv_str(f, "k", "v");
	fputc(',', f);
	json_kv_int(f, "n", -9223372036854775807LL - 1);
	fputc(',', f);
	json_kv_num(f, "t", 1.5);
	fclose(f);
	assert_string_equal(out, "\"k\":\"v\",\"n\":-9223372036854775808,\"t\":1.500000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),        cmocka_unit_test(test_escapes), cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_invalid), cmocka_unit_test(test_pairs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
