/*
 * test_nvram_errors.c - every error of the runtime's configuration parser
 * (untrusted/nvram.c), with its full message and line number: one table
 * (error_tests), each row run as its own cmocka test so that a failure
 * names the row.
 */
#include "nvram_check.h"

/* ---- the error table ----------------------------------------------------- */

struct error_case {
	const char *text;
	size_t len;
	const char *msg;
};

static void run_error_case(void **state)
{
	const struct error_case *c = *state;
	parse_fails_len(c->text, c->len, c->msg);
}

/* text_ must be a string literal: its length is taken with sizeof, so rows
 * may hold NUL bytes. */
#define ERR(id, text_, msg_)                                                                            \
	{                                                                                               \
		.name = "error_" id, .test_func = run_error_case, .initial_state = &(struct error_case) \
		{                                                                                       \
			(text_), sizeof(text_) - 1, (msg_)                                              \
		}                                                                                       \
	}
#define BADESC "bad escape (a backslash must start \\xHH, with two hex digits)"
#define NULESC "\\x00 is not allowed (strings cannot contain NUL)"
#define SECONDS "must be a decimal integer from 0 to 9223372036854775807, not "
#define VERBOSITY "must be 0, 1, 2, 3 or 4, not "

static const struct CMUnitTest error_tests[] = {
	/* Lines */
	ERR("nul_byte", "[args]\nargs=a\0b\n", "nvram line 2: contains a NUL byte"),
	ERR("outside_section", "args = a\n", "nvram line 1: key=value line outside any section"),
	ERR("outside_after_comments", "# a\n\n  # b\nname=A, value=B\n[env]\n",
	    "nvram line 4: key=value line outside any section"),
	ERR("unterminated_quote", "[args]\nargs = \"abc\n", "nvram line 2: unterminated quote"),
	ERR("unterminated_quote_odd", "[args]\nargs = \"a\" \"b\" \"c\n", "nvram line 2: unterminated quote"),
	ERR("quote_hides_comment", "[args]\nargs = \"a # b\n", "nvram line 2: unterminated quote"),
	ERR("unterminated_quote_header", "[args \"]\n", "nvram line 1: unterminated quote"),
	ERR("escaped_quote_does_not_close", "[args]\nargs = \"a\\\"\n", "nvram line 2: unterminated quote"),
	ERR("first_error_wins", "[args]\nargs=\\q\n[nope]\n", "nvram line 2: [args] args: " BADESC),

	/* Section headers */
	ERR("header_unclosed", "[args\n", "nvram line 1: section header without ']'"),
	ERR("header_junk_after", "[args] x\n", "nvram line 1: text after section header"),
	ERR("header_double_bracket", "[args]]\n", "nvram line 1: text after section header"),
	ERR("header_unknown", "[arguments]\n", "nvram line 1: unknown section 'arguments'"),
	ERR("header_case", "\n[Env]\n", "nvram line 2: unknown section 'Env'"),
	ERR("header_empty", "[]\n", "nvram line 1: unknown section ''"),
	ERR("header_blank", "[  ]\n", "nvram line 1: unknown section ''"),
	ERR("header_nested", "[[args]]\n", "nvram line 1: text after section header"),

	/* Pairs */
	ERR("no_equals", "[args]\nfoo\n", "nvram line 2: expected key=value, not 'foo'"),
	ERR("args_comma", "[args]\nargs = a, b\n", "nvram line 2: expected key=value, not 'b'"),
	ERR("empty_pair_middle", "[env]\nname=A,, value=B\n",
	    "nvram line 2: empty key=value pair (two commas, or one at an end)"),
	ERR("empty_pair_trailing", "[env]\nname=A, value=B,\n",
	    "nvram line 2: empty key=value pair (two commas, or one at an end)"),
	ERR("empty_pair_leading", "[env]\n , name=A, value=B\n",
	    "nvram line 2: empty key=value pair (two commas, or one at an end)"),
	ERR("empty_key", "[env]\n= x, name=A, value=B\n", "nvram line 2: [env]: empty key"),
	ERR("unknown_key", "[env]\nname=A, value=B, export=yes\n", "nvram line 2: [env]: unknown key 'export'"),
	ERR("unknown_key_case", "[env]\nName=A, value=B\n", "nvram line 2: [env]: unknown key 'Name'"),
	ERR("key_of_other_section", "[mapping]\nchannel=/c, mode=pipe, access=ro\n",
	    "nvram line 2: [mapping]: unknown key 'access'"),
	ERR("unknown_key_quoted", "[args]\n\"args\"=a\n", "nvram line 2: [args]: unknown key '\"args\"'"),
	ERR("duplicate_key", "[env]\nname=A, value=B, name=C\n", "nvram line 2: [env]: duplicate key 'name'"),
	ERR("duplicate_args", "[args]\nargs=a, args=b\n", "nvram line 2: [args]: duplicate key 'args'"),

	/* Escapes */
	ERR("escape_other_letter", "[args]\nargs=a\\qb\n", "nvram line 2: [args] args: " BADESC),
	ERR("escape_one_digit", "[args]\nargs=\\x4\n", "nvram line 2: [args] args: " BADESC),
	ERR("escape_one_digit_more", "[args]\nargs=\\x4 b\n", "nvram line 2: [args] args: " BADESC),
	ERR("escape_not_hex", "[args]\nargs=\\x4g\n", "nvram line 2: [args] args: " BADESC),
	ERR("escape_upper_x", "[args]\nargs=\\X41\n", "nvram line 2: [args] args: " BADESC),
	ERR("escape_at_end", "[args]\nargs=abc\\\n", "nvram line 2: [args] args: " BADESC),
	ERR("escape_backslash", "[args]\nargs=a\\\\b\n", "nvram line 2: [args] args: " BADESC),
	ERR("escape_quote", "[args]\nargs=a\\\"b\n", "nvram line 2: [args] args: " BADESC),
	ERR("escape_hash", "[args]\nargs=a\\#b\n", "nvram line 2: [args] args: " BADESC),
	ERR("escape_comma", "[args]\nargs=a\\,b\n", "nvram line 2: [args] args: " BADESC),
	ERR("escape_in_quotes", "[args]\nargs=\"a \\n\"\n", "nvram line 2: [args] args: " BADESC),
	ERR("escape_nul_args", "[args]\nargs=a\\x00\n", "nvram line 2: [args] args: " NULESC),
	ERR("escape_env_name", "[env]\nname=\\x, value=v\n", "nvram line 2: [env] name: " BADESC),
	ERR("escape_env_value", "[env]\nname=A, value=\\x2\n", "nvram line 2: [env] value: " BADESC),
	ERR("escape_nul_env_name", "[env]\nname=A\\x00, value=v\n", "nvram line 2: [env] name: " NULESC),
	ERR("escape_nul_env_value", "[env]\nname=A, value=\\x00\n", "nvram line 2: [env] value: " NULESC),
	ERR("escape_fstab_channel", "[fstab]\nchannel=\\y, mountpoint=/\n", "nvram line 2: [fstab] channel: " BADESC),
	ERR("escape_fstab_mountpoint", "[fstab]\nchannel=/c, mountpoint=/\\x0\n",
	    "nvram line 2: [fstab] mountpoint: " BADESC),
	ERR("escape_fstab_access", "[fstab]\nchannel=/c, mountpoint=/, access=r\\o\n",
	    "nvram line 2: [fstab] access: " BADESC),
	ERR("escape_fstab_removable", "[fstab]\nchannel=/c, mountpoint=/, removable=\\x00\n",
	    "nvram line 2: [fstab] removable: " NULESC),
	ERR("escape_mapping_channel", "[mapping]\nchannel=\\x00, mode=pipe\n",
	    "nvram line 2: [mapping] channel: " NULESC),
	ERR("escape_mapping_mode", "[mapping]\nchannel=/c, mode=pip\\e\n", "nvram line 2: [mapping] mode: " BADESC),
	ERR("escape_seconds", "[time]\nseconds=1\\x3\n", "nvram line 2: [time] seconds: " BADESC),
	ERR("escape_verbosity", "[debug]\nverbosity=\\x00\n", "nvram line 2: [debug] verbosity: " NULESC),

	/* [env] */
	ERR("env_name_missing", "[env]\nvalue=x\n", "nvram line 2: [env] name: missing"),
	ERR("env_value_missing", "[env]\nname=A\n", "nvram line 2: [env] value: missing"),
	ERR("env_name_empty", "[env]\nname=, value=x\n", "nvram line 2: [env] name: is empty"),
	ERR("env_name_empty_quotes", "[env]\nname=\"\", value=x\n", "nvram line 2: [env] name: is empty"),
	ERR("env_name_equals", "[env]\nname=A=B, value=x\n", "nvram line 2: [env] name: contains '=': 'A=B'"),
	ERR("env_name_escaped_equals", "[env]\nname=A\\x3dB, value=x\n",
	    "nvram line 2: [env] name: contains '=': 'A\\x3dB'"),

	/* [fstab] */
	ERR("fstab_channel_missing", "[fstab]\nmountpoint=/\n", "nvram line 2: [fstab] channel: missing"),
	ERR("fstab_mountpoint_missing", "[fstab]\nchannel=/dev/a\n", "nvram line 2: [fstab] mountpoint: missing"),
	ERR("fstab_channel_empty", "[fstab]\nchannel=, mountpoint=/\n", "nvram line 2: [fstab] channel: is empty"),
	ERR("fstab_mountpoint_relative", "[fstab]\nchannel=/c, mountpoint=mnt\n",
	    "nvram line 2: [fstab] mountpoint: must be an absolute path, not 'mnt'"),
	ERR("fstab_mountpoint_empty", "[fstab]\nchannel=/c, mountpoint=\n",
	    "nvram line 2: [fstab] mountpoint: must be an absolute path, not ''"),
	ERR("fstab_mountpoint_space", "[fstab]\nchannel=/c, mountpoint=\" /\"\n",
	    "nvram line 2: [fstab] mountpoint: must be an absolute path, not '\" /\"'"),
	ERR("fstab_access_rw_alone", "[fstab]\nchannel=/c, mountpoint=/, access=rw\n",
	    "nvram line 2: [fstab] writeback: missing (access=rw needs it)"),
	ERR("fstab_writeback_ro", "[fstab]\nchannel=/c, mountpoint=/, writeback=/w\n",
	    "nvram line 2: [fstab] writeback: only with access=rw"),
	ERR("fstab_writeback_wo", "[fstab]\nchannel=/c, mountpoint=/, access=wo, writeback=/w\n",
	    "nvram line 2: [fstab] writeback: only with access=rw"),
	ERR("fstab_writeback_empty", "[fstab]\nchannel=/c, mountpoint=/, access=rw, writeback=\n",
	    "nvram line 2: [fstab] writeback: is empty"),
	ERR("fstab_overlay_rw", "[fstab]\nchannel=/c, mountpoint=/, access=rw, writeback=/w, overlay=no\n",
	    "nvram line 2: [fstab] overlay: only with access=ro"),
	ERR("fstab_overlay_word", "[fstab]\nchannel=/c, mountpoint=/, overlay=off\n",
	    "nvram line 2: [fstab] overlay: must be yes or no, not 'off'"),
	ERR("fstab_access_case", "[fstab]\nchannel=/c, mountpoint=/, access=RO\n",
	    "nvram line 2: [fstab] access: must be ro, wo or rw, not 'RO'"),
	ERR("fstab_access_empty", "[fstab]\nchannel=/c, mountpoint=/, access=\n",
	    "nvram line 2: [fstab] access: must be ro, wo or rw, not ''"),
	ERR("fstab_access_long", "[fstab]\nchannel=/c, mountpoint=/, access=rorororo\n",
	    "nvram line 2: [fstab] access: must be ro, wo or rw, not 'rorororo'"),
	ERR("fstab_removable_true", "[fstab]\nchannel=/c, mountpoint=/, removable=true\n",
	    "nvram line 2: [fstab] removable: must be yes or no, not 'true'"),
	ERR("fstab_removable_1", "[fstab]\nchannel=/c, mountpoint=/, removable=1\n",
	    "nvram line 2: [fstab] removable: must be yes or no, not '1'"),

	/* [mapping] */
	ERR("mapping_channel_missing", "[mapping]\nmode=pipe\n", "nvram line 2: [mapping] channel: missing"),
	ERR("mapping_mode_missing", "[mapping]\nchannel=/dev/a\n", "nvram line 2: [mapping] mode: missing"),
	ERR("mapping_channel_empty", "[mapping]\nchannel=\"\", mode=pipe\n",
	    "nvram line 2: [mapping] channel: is empty"),
	ERR("mapping_mode_bad", "[mapping]\nchannel=/c, mode=socket\n",
	    "nvram line 2: [mapping] mode: must be pipe, char or file, not 'socket'"),
	ERR("mapping_mode_number", "[mapping]\nchannel=/c, mode=0\n",
	    "nvram line 2: [mapping] mode: must be pipe, char or file, not '0'"),

	/* [time] */
	ERR("seconds_misspelt", "[time]\nsecond=1\n", "nvram line 2: [time]: unknown key 'second'"),
	ERR("seconds_negative", "[time]\nseconds=-1\n", "nvram line 2: [time] seconds: " SECONDS "'-1'"),
	ERR("seconds_plus", "[time]\nseconds=+1\n", "nvram line 2: [time] seconds: " SECONDS "'+1'"),
	ERR("seconds_empty", "[time]\nseconds=\n", "nvram line 2: [time] seconds: " SECONDS "''"),
	ERR("seconds_fraction", "[time]\nseconds=1.5\n", "nvram line 2: [time] seconds: " SECONDS "'1.5'"),
	ERR("seconds_hex", "[time]\nseconds=0x10\n", "nvram line 2: [time] seconds: " SECONDS "'0x10'"),
	ERR("seconds_two_numbers", "[time]\nseconds=1 2\n", "nvram line 2: [time] seconds: " SECONDS "'1 2'"),
	ERR("seconds_suffix", "[time]\nseconds=10s\n", "nvram line 2: [time] seconds: " SECONDS "'10s'"),
	ERR("seconds_overflow", "[time]\nseconds=9223372036854775808\n",
	    "nvram line 2: [time] seconds: " SECONDS "'9223372036854775808'"),
	ERR("seconds_overflow_big", "[time]\nseconds=99999999999999999999999\n",
	    "nvram line 2: [time] seconds: " SECONDS "'99999999999999999999999'"),
	ERR("seconds_twice", "[time]\nseconds=1\nseconds=1\n",
	    "nvram line 3: [time] seconds: given twice (first on line 2)"),
	ERR("seconds_twice_sections", "[time]\nseconds=1\n[args]\n[time]\n\nseconds=2\n",
	    "nvram line 6: [time] seconds: given twice (first on line 2)"),
	ERR("seconds_duplicate_on_line", "[time]\nseconds=1, seconds=2\n",
	    "nvram line 2: [time]: duplicate key 'seconds'"),

	/* [debug] */
	ERR("verbosity_5", "[debug]\nverbosity=5\n", "nvram line 2: [debug] verbosity: " VERBOSITY "'5'"),
	ERR("verbosity_negative", "[debug]\nverbosity=-1\n", "nvram line 2: [debug] verbosity: " VERBOSITY "'-1'"),
	ERR("verbosity_empty", "[debug]\nverbosity=\n", "nvram line 2: [debug] verbosity: " VERBOSITY "''"),
	ERR("verbosity_word", "[debug]\nverbosity=high\n", "nvram line 2: [debug] verbosity: " VERBOSITY "'high'"),
	ERR("verbosity_huge", "[debug]\nverbosity=18446744073709551620\n",
	    "nvram line 2: [debug] verbosity: " VERBOSITY "'18446744073709551620'"),
	ERR("verbosity_twice", "[debug]\nverbosity=1\n# x\nverbosity=2\n",
	    "nvram line 4: [debug] verbosity: given twice (first on line 2)"),
	ERR("verbosity_missing", "[debug]\nlevel=1\n", "nvram line 2: [debug]: unknown key 'level'"),
	ERR("session_cwd_relative", "[session]\ncwd=work\n",
	    "nvram line 2: [session] cwd: must be an absolute path, not 'work'"),
	ERR("session_cwd_empty", "[session]\ncwd=\n", "nvram line 2: [session] cwd: must be an absolute path, not ''"),
	ERR("session_cwd_twice", "[session]\ncwd=/a\n[session]\ncwd=/b\n",
	    "nvram line 4: [session] cwd: given twice (first on line 2)"),
	ERR("session_notes_empty", "[session]\nnotes=\n", "nvram line 2: [session] notes: is empty"),
	ERR("session_notes_twice", "[session]\nnotes=/dev/a, cwd=/\nnotes=/dev/b\n",
	    "nvram line 3: [session] notes: given twice (first on line 2)"),
	ERR("session_unknown", "[session]\ndir=/\n", "nvram line 2: [session]: unknown key 'dir'"),

	/* Line numbers count every line, CR LF or not, blank or comment. */
	ERR("line_numbers", "# 1\r\n\r\n[env]\r\n# 4\n\nname=A, value=a\r\nname=B\r\n",
	    "nvram line 7: [env] value: missing"),
	ERR("line_last_without_lf", "[env]\nname=A, value=a\nname=", "nvram line 3: [env] value: missing"),
};

int main(void)
{
	return cmocka_run_group_tests_name("nvram errors", error_tests, NULL, NULL) ? 1 : 0;
}
