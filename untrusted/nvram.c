/*
 * nvram.c - parser for the ZRT configuration, see nvram.h and docs/nvram.md.
 *
 * The text is read twice by the same code. The first pass checks every rule
 * and counts: arguments, environment entries, mounts, mappings and string
 * bytes. With the counts known, the arrays and the string area are laid out
 * in the caller's arena, exactly as large as needed, and the second pass
 * fills them. So nothing is written to the arena unless the text is good and
 * fits, and no pass needs an allocator (ZRT has none to spare at this point,
 * the fuzzer wants none).
 *
 * Untrusted input: the text comes from whoever wrote the nvram channel. Every
 * read goes through a span (pointer and length) and stays below len; writes
 * to the arena go through put_byte(), which checks the string area's end
 * even though the first pass already sized it.
 *
 * Only what util.h declares is used: this file is also built freestanding.
 */
#include "nvram.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libc.h"

#define KEYS_MAX 6    /* keys a section knows, at most ([fstab]) */
#define SHOWN_MAX 40u /* bytes of a bad value echoed in a message */

/* Bytes of text: not NUL-terminated, never read past n. */
struct span {
	const char *s;
	size_t n;
};

enum section_id {
	SEC_NONE = -1,
	SEC_ARGS,
	SEC_ENV,
	SEC_FSTAB,
	SEC_MAPPING,
	SEC_TIME,
	SEC_DEBUG,
	SEC_SESSION,
	SEC_THREADS,
	SEC_N
};

struct parser {
	const char *text;
	size_t len;
	char *err;
	size_t errlen;
	unsigned line; /* 1-based, of the line being parsed */
	int section;   /* enum section_id of the last header */

	/* Second pass only (NULL in the first): the arrays and the string
	 * area carved from the arena. */
	struct nvram *out;
	char *str, *str_end;

	/* Counted by both passes. */
	int argc, envc, nfstab, nmapping;
	size_t strbytes;
	unsigned time_line, verbosity_line; /* 0: not given yet */
	int64_t time_seconds;
	int verbosity;
	unsigned cwd_line, notes_line; /* [session]: 0 when not given yet */
	const char *cwd, *notes;
	unsigned seed_line; /* [threads] seed: 0 when not given yet */
	int64_t seed;
};

struct section {
	const char *name;
	const char *key[KEYS_MAX + 1]; /* NULL-terminated */
	bool required[KEYS_MAX];
	/* Takes one line's values, val[i] for key[i] when seen[i]; every
	 * required key was seen. */
	int (*apply)(struct parser *p, const struct span *val, const bool *seen);
};

static const struct section sections[SEC_N];

/* ---- error messages ---------------------------------------------------------------------- */

/* A bounded message builder: out of room, the rest is dropped. The
 * buffer stays NUL-terminated throughout. */
struct msg {
	char *buf;
	size_t cap, n;
};

static void msg_c(struct msg *m, char c)
{
	if (m->n + 1 < m->cap) {
		m->buf[m->n++] = c;
		m->buf[m->n] = 0;
	}
}

static void msg_s(struct msg *m, const char *s)
{
	while (*s)
		msg_c(m, *s++);
}

static void msg_u(struct msg *m, uint64_t v)
{
	char d[20];
	int i = 0;
	do
		d[i++] = (char)('0' + v % 10);
	while ((v /= 10) && i < 20);
	while (i)
		msg_c(m, d[--i]);
}

static void msg_hex(struct msg *m, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	msg_s(m, "\\x");
	msg_c(m, hex[c >> 4]);
	msg_c(m, hex[c & 15]);
}

/* Echo text from the file in quotes. It may hold anything, and the message
 * ends up on a terminal: bytes that are not printable ASCII are shown as
 * \xHH, and a long value is cut. */
static void msg_shown(struct msg *m, struct span v)
{
	msg_c(m, '\'');
	for (size_t i = 0; i < v.n && i < SHOWN_MAX; i++) {
		unsigned char c = (unsigned char)v.s[i];
		if (c >= 0x20 && c < 0x7f)
			msg_c(m, (char)c);
		else
			msg_hex(m, c);
	}
	if (v.n > SHOWN_MAX)
		msg_s(m, "...");
	msg_c(m, '\'');
}

static struct msg msg_start(struct parser *p)
{
	struct msg m = {p->err, p->errlen, 0};
	if (m.cap)
		m.buf[0] = 0;
	msg_s(&m, "nvram");
	if (p->line) {
		msg_s(&m, " line ");
		msg_u(&m, p->line);
	}
	msg_s(&m, ": ");
	return m;
}

/* "nvram: <what>", for the text as a whole. */
static int fail_text(struct parser *p, const char *what)
{
	p->line = 0;
	struct msg m = msg_start(p);
	msg_s(&m, what);
	return -1;
}

/* "nvram line N: <what>" */
static int fail(struct parser *p, const char *what, const struct span *shown)
{
	struct msg m = msg_start(p);
	msg_s(&m, what);
	if (shown) {
		msg_c(&m, ' ');
		msg_shown(&m, *shown);
	}
	return -1;
}

/* "nvram line N: [section] key: " or "nvram line N: [section]: " */
static struct msg msg_key(struct parser *p, const char *key)
{
	struct msg m = msg_start(p);
	msg_c(&m, '[');
	msg_s(&m, sections[p->section].name);
	msg_c(&m, ']');
	if (key) {
		msg_c(&m, ' ');
		msg_s(&m, key);
	}
	msg_s(&m, ": ");
	return m;
}

/* "nvram line N: [section] key: <what> '<shown>'" */
static int fail_key(struct parser *p, const char *key, const char *what, const struct span *shown)
{
	struct msg m = msg_key(p, key);
	msg_s(&m, what);
	if (shown) {
		msg_c(&m, ' ');
		msg_shown(&m, *shown);
	}
	return -1;
}

/* "nvram line N: [section]: more than <max> <what>" */
static int fail_limit(struct parser *p, unsigned max, const char *what)
{
	struct msg m = msg_key(p, NULL);
	msg_s(&m, "more than ");
	msg_u(&m, max);
	msg_c(&m, ' ');
	msg_s(&m, what);
	return -1;
}

/* "nvram line N: [section] key: given twice (first on line M)" */
static int fail_twice(struct parser *p, const char *key, unsigned first)
{
	struct msg m = msg_key(p, key);
	msg_s(&m, "given twice (first on line ");
	msg_u(&m, first);
	msg_c(&m, ')');
	return -1;
}

/* ---- spans --------------------------------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static struct span trim(struct span v)
{
	while (v.n && is_blank(v.s[0]))
		v.s++, v.n--;
	while (v.n && is_blank(v.s[v.n - 1]))
		v.n--;
	return v;
}

static struct span after(struct span v, size_t i)
{
	return i < v.n ? (struct span){v.s + i + 1, v.n - i - 1} : (struct span){v.s + v.n, 0};
}

static bool span_is(struct span v, const char *s)
{
	size_t n = strlen(s);
	return v.n == n && memcmp(v.s, s, n) == 0;
}

static size_t find(struct span v, char c)
{
	size_t i = 0;
	while (i < v.n && v.s[i] != c)
		i++;
	return i;
}

/*
 * Index of the first byte of v that is in stops and outside double quotes,
 * or v.n. The byte after a backslash is skipped, so the tail of an escape
 * is never taken for a quote or a separator (the decoder then reports a
 * malformed escape such as \" or \# by name). *open says whether a quote is
 * still open where the scan stopped.
 */
static size_t scan(struct span v, const char *stops, bool *open)
{
	bool quoted = false;
	size_t i;
	for (i = 0; i < v.n; i++) {
		char c = v.s[i];
		if (c == '\\')
			i++;
		else if (c == '"')
			quoted = !quoted;
		else if (!quoted && c && strchr(stops, c))
			break;
	}
	if (open)
		*open = quoted;
	return i < v.n ? i : v.n;
}

/* ---- values -------------------------------------------------------------------------------- */

/* The bytes a value stands for, one at a time: quotes dropped, \xHH
 * decoded. */
struct dec {
	const char *s, *end;
};

enum { DEC_END = -1, DEC_BAD = -2, DEC_NUL = -3 };

static struct dec dec_init(struct span v)
{
	return (struct dec){v.s, v.s + v.n};
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The next byte (0..255), or DEC_END, or DEC_BAD for a backslash that does
 * not start \xHH, or DEC_NUL for \x00: strings handed to the program are
 * C strings, and a NUL would silently cut them. */
static int dec_next(struct dec *d)
{
	while (d->s < d->end && *d->s == '"')
		d->s++;
	if (d->s == d->end)
		return DEC_END;
	unsigned char c = (unsigned char)*d->s++;
	if (c != '\\')
		return c;
	if (d->end - d->s < 3 || d->s[0] != 'x' || hexval(d->s[1]) < 0 || hexval(d->s[2]) < 0)
		return DEC_BAD;
	c = (unsigned char)(hexval(d->s[1]) << 4 | hexval(d->s[2]));
	d->s += 3;
	return c ? c : DEC_NUL;
}

static int fail_escape(struct parser *p, const char *key, int why)
{
	if (why == DEC_NUL)
		return fail_key(p, key, "\\x00 is not allowed (strings cannot contain NUL)", NULL);
	return fail_key(p, key, "bad escape (a backslash must start \\xHH, with two hex digits)", NULL);
}

/* Store a byte in the string area (second pass) or count it (first). */
static int put_byte(struct parser *p, char c)
{
	if (!p->out) {
		p->strbytes++;
		return 0;
	}
	if (p->str == p->str_end) /* the first pass measured wrong: refuse */
		return fail_text(p, "out of memory");
	*p->str++ = c;
	return 0;
}

static int put_value(struct parser *p, const char *key, struct span v)
{
	struct dec d = dec_init(v);
	int c;
	while ((c = dec_next(&d)) >= 0)
		if (put_byte(p, (char)c) < 0)
			return -1;
	return c == DEC_END ? 0 : fail_escape(p, key, c);
}

/* Store the decoded v as a C string; *s is where it starts (NULL in the
 * first pass). */
static int put_string(struct parser *p, const char *key, struct span v, const char **s)
{
	*s = p->str;
	if (put_value(p, key, v) < 0)
		return -1;
	return put_byte(p, 0);
}

/* Check v decodes; *first is its first byte, or -1 when it is empty. */
static int value_first(struct parser *p, const char *key, struct span v, int *first)
{
	struct dec d = dec_init(v);
	int c = dec_next(&d);
	*first = c;
	while (c >= 0)
		c = dec_next(&d);
	if (c != DEC_END)
		return fail_escape(p, key, c);
	return 0;
}

/* A non-empty string (channel aliases). */
static int value_nonempty(struct parser *p, const char *key, struct span v)
{
	int first;
	if (value_first(p, key, v, &first) < 0)
		return -1;
	return first < 0 ? fail_key(p, key, "is empty", NULL) : 0;
}

/* The index of the decoded v in words (NULL-terminated); otherwise an error
 * "must be <expected>, not '<v>'". */
static int value_enum(struct parser *p, const char *key, struct span v, const char *const *words, const char *expected)
{
	char buf[8];
	size_t n = 0;
	struct dec d = dec_init(v);
	int c;
	while ((c = dec_next(&d)) >= 0) {
		if (n < sizeof buf)
			buf[n] = (char)c;
		n++;
	}
	if (c != DEC_END)
		return fail_escape(p, key, c);
	for (int i = 0; words[i]; i++)
		if (n <= sizeof buf && strlen(words[i]) == n && memcmp(buf, words[i], n) == 0)
			return i;
	return fail_key(p, key, expected, &v);
}

/* Decimal digits only (no sign, no space), at least one, at most max. */
static int value_number(struct parser *p, const char *key, struct span v, int64_t max, const char *expected,
			int64_t *out)
{
	struct dec d = dec_init(v);
	int64_t x = 0;
	bool digits = false;
	int c;
	while ((c = dec_next(&d)) >= 0) {
		int digit = c - '0';
		/* x * 10 + digit <= max, without overflow; digit <= max
		 * keeps the division exact (max < 10 for verbosity) */
		if (digit < 0 || digit > 9 || digit > max || x > (max - digit) / 10)
			return fail_key(p, key, expected, &v);
		x = x * 10 + digit;
		digits = true;
	}
	if (c != DEC_END)
		return fail_escape(p, key, c);
	if (!digits)
		return fail_key(p, key, expected, &v);
	*out = x;
	return 0;
}

/* ---- sections ------------------------------------------------------------------------------ */

/* args = word word "word with spaces" ...: every line appends. */
static int apply_args(struct parser *p, const struct span *val, const bool *seen)
{
	(void)seen;
	struct span v = val[0];
	for (;;) {
		v = trim(v);
		if (!v.n)
			return 0;
		size_t w = scan(v, " \t", NULL);
		if (p->argc == NVRAM_ARGS_MAX)
			return fail_limit(p, NVRAM_ARGS_MAX, "arguments");
		const char *s;
		if (put_string(p, "args", (struct span){v.s, w}, &s) < 0)
			return -1;
		if (p->out)
			p->out->argv[p->argc] = s;
		p->argc++;
		v = after(v, w);
	}
}

/* The name of an environment variable: not empty, no '=' (the program's
 * getenv() would split "A=B=c" as A). */
static int check_env_name(struct parser *p, struct span v)
{
	struct dec d = dec_init(v);
	bool empty = true;
	int c;
	while ((c = dec_next(&d)) >= 0) {
		if (c == '=')
			return fail_key(p, "name", "contains '=':", &v);
		empty = false;
	}
	if (c != DEC_END)
		return fail_escape(p, "name", c);
	return empty ? fail_key(p, "name", "is empty", NULL) : 0;
}

/* name=NAME, value=VALUE: one "NAME=VALUE" string. */
static int apply_env(struct parser *p, const struct span *val, const bool *seen)
{
	(void)seen;
	if (check_env_name(p, val[0]) < 0)
		return -1;
	if (p->envc == NVRAM_ENV_MAX)
		return fail_limit(p, NVRAM_ENV_MAX, "entries");
	const char *s = p->str;
	if (put_value(p, "name", val[0]) < 0 || put_byte(p, '=') < 0 || put_value(p, "value", val[1]) < 0 ||
	    put_byte(p, 0) < 0)
		return -1;
	if (p->out)
		p->out->envp[p->envc] = s;
	p->envc++;
	return 0;
}

static const char *const access_words[] = {"ro", "wo", "rw", NULL};     /* enum nvram_access order */
static const char *const yes_no_words[] = {"no", "yes", NULL};          /* false, true */
static const char *const mode_words[] = {"pipe", "char", "file", NULL}; /* enum nvram_mode order */

/* channel=ALIAS, mountpoint=/PATH[, access=ro|wo|rw][, removable=yes|no]
 * [, writeback=ALIAS (rw only, required there)][, overlay=yes|no (ro only)] */
static int apply_fstab(struct parser *p, const struct span *val, const bool *seen)
{
	int first, access = NVRAM_RO, removable = 0, overlay = 1;
	if (value_nonempty(p, "channel", val[0]) < 0 || value_first(p, "mountpoint", val[1], &first) < 0)
		return -1;
	if (first != '/')
		return fail_key(p, "mountpoint", "must be an absolute path, not", &val[1]);
	if (seen[2] && (access = value_enum(p, "access", val[2], access_words, "must be ro, wo or rw, not")) < 0)
		return -1;
	if (seen[3] && (removable = value_enum(p, "removable", val[3], yes_no_words, "must be yes or no, not")) < 0)
		return -1;
	if (seen[4] != (access == NVRAM_RW))
		return fail_key(p, "writeback",
				access == NVRAM_RW ? "missing (access=rw needs it)" : "only with access=rw", NULL);
	if (seen[4] && value_nonempty(p, "writeback", val[4]) < 0)
		return -1;
	if (seen[5] && (overlay = value_enum(p, "overlay", val[5], yes_no_words, "must be yes or no, not")) < 0)
		return -1;
	if (seen[5] && access != NVRAM_RO)
		return fail_key(p, "overlay", "only with access=ro", NULL);
	if (p->nfstab == NVRAM_FSTAB_MAX)
		return fail_limit(p, NVRAM_FSTAB_MAX, "entries");

	struct nvram_fstab f = {.access = (enum nvram_access)access, .removable = removable, .overlay = overlay};
	if (put_string(p, "channel", val[0], &f.channel) < 0 || put_string(p, "mountpoint", val[1], &f.mountpoint) < 0)
		return -1;
	if (seen[4] && put_string(p, "writeback", val[4], &f.writeback) < 0)
		return -1;
	if (p->out)
		p->out->fstab[p->nfstab] = f;
	p->nfstab++;
	return 0;
}

/* channel=ALIAS, mode=pipe|char|file */
static int apply_mapping(struct parser *p, const struct span *val, const bool *seen)
{
	(void)seen;
	int mode;
	if (value_nonempty(p, "channel", val[0]) < 0)
		return -1;
	if ((mode = value_enum(p, "mode", val[1], mode_words, "must be pipe, char or file, not")) < 0)
		return -1;
	if (p->nmapping == NVRAM_MAPPING_MAX)
		return fail_limit(p, NVRAM_MAPPING_MAX, "entries");

	struct nvram_mapping m = {.mode = (enum nvram_mode)mode};
	if (put_string(p, "channel", val[0], &m.channel) < 0)
		return -1;
	if (p->out)
		p->out->mapping[p->nmapping] = m;
	p->nmapping++;
	return 0;
}

/* seconds=N: once in the whole file, since two start times cannot both
 * hold and a silent "last one wins" hides a mistake. */
static int apply_time(struct parser *p, const struct span *val, const bool *seen)
{
	(void)seen;
	if (p->time_line)
		return fail_twice(p, "seconds", p->time_line);
	if (value_number(p, "seconds", val[0], INT64_MAX,
			 "must be a decimal integer from 0 to 9223372036854775807, not", &p->time_seconds) < 0)
		return -1;
	p->time_line = p->line;
	return 0;
}

/* verbosity=0..4: once in the whole file, like [time]. */
static int apply_debug(struct parser *p, const struct span *val, const bool *seen)
{
	(void)seen;
	int64_t v;
	if (p->verbosity_line)
		return fail_twice(p, "verbosity", p->verbosity_line);
	if (value_number(p, "verbosity", val[0], NVRAM_VERBOSITY_MAX, "must be 0, 1, 2, 3 or 4, not", &v) < 0)
		return -1;
	p->verbosity = (int)v;
	p->verbosity_line = p->line;
	return 0;
}

/* cwd=/PATH, notes=ALIAS: each once in the whole file, like [time]. */
static int apply_session(struct parser *p, const struct span *val, const bool *seen)
{
	int first;
	if (seen[0]) {
		if (p->cwd_line)
			return fail_twice(p, "cwd", p->cwd_line);
		if (value_first(p, "cwd", val[0], &first) < 0)
			return -1;
		if (first != '/')
			return fail_key(p, "cwd", "must be an absolute path, not", &val[0]);
		if (put_string(p, "cwd", val[0], &p->cwd) < 0)
			return -1;
		p->cwd_line = p->line;
	}
	if (seen[1]) {
		if (p->notes_line)
			return fail_twice(p, "notes", p->notes_line);
		if (value_nonempty(p, "notes", val[1]) < 0 || put_string(p, "notes", val[1], &p->notes) < 0)
			return -1;
		p->notes_line = p->line;
	}
	return 0;
}

/* seed=N: the scheduler's seed (docs/zrt.md, "Threads"), once in the
 * whole file, like [time]. */
static int apply_threads(struct parser *p, const struct span *val, const bool *seen)
{
	(void)seen;
	if (p->seed_line)
		return fail_twice(p, "seed", p->seed_line);
	if (value_number(p, "seed", val[0], INT64_MAX, "must be a decimal integer from 0 to 9223372036854775807, not",
			 &p->seed) < 0)
		return -1;
	p->seed_line = p->line;
	return 0;
}

static const struct section sections[SEC_N] = {
	[SEC_ARGS] = {"args", {"args"}, {true}, apply_args},
	[SEC_ENV] = {"env", {"name", "value"}, {true, true}, apply_env},
	[SEC_FSTAB] = {"fstab",
		       {"channel", "mountpoint", "access", "removable", "writeback", "overlay"},
		       {true, true},
		       apply_fstab},
	[SEC_MAPPING] = {"mapping", {"channel", "mode"}, {true, true}, apply_mapping},
	[SEC_TIME] = {"time", {"seconds"}, {true}, apply_time},
	[SEC_DEBUG] = {"debug", {"verbosity"}, {true}, apply_debug},
	[SEC_SESSION] = {"session", {"cwd", "notes"}, {false, false}, apply_session},
	[SEC_THREADS] = {"threads", {"seed"}, {true}, apply_threads},
};

/* ---- lines --------------------------------------------------------------------------------- */

/* "[name]", trimmed, comment already cut. */
static int parse_header(struct parser *p, struct span l)
{
	size_t close = find(l, ']');
	if (close == l.n)
		return fail(p, "section header without ']'", NULL);
	if (close != l.n - 1)
		return fail(p, "text after section header", NULL);
	struct span name = trim((struct span){l.s + 1, close - 1});
	for (int i = 0; i < SEC_N; i++) {
		if (span_is(name, sections[i].name)) {
			p->section = i;
			return 0;
		}
	}
	return fail(p, "unknown section", &name);
}

/* One "key = value" of a line: find the key, keep the value. */
static int parse_pair(struct parser *p, struct span item, struct span *val, bool *seen)
{
	const struct section *sec = &sections[p->section];
	size_t eq = find(item, '=');
	if (eq == item.n)
		return fail(p, "expected key=value, not", &item);
	struct span key = trim((struct span){item.s, eq});
	if (!key.n)
		return fail_key(p, NULL, "empty key", NULL);
	for (int k = 0; sec->key[k]; k++) {
		if (!span_is(key, sec->key[k]))
			continue;
		if (seen[k])
			return fail_key(p, NULL, "duplicate key", &key);
		seen[k] = true;
		val[k] = trim(after(item, eq));
		return 0;
	}
	return fail_key(p, NULL, "unknown key", &key);
}

/* "key = value, key = value ...", trimmed, comment already cut. */
static int parse_pairs(struct parser *p, struct span l)
{
	const struct section *sec = &sections[p->section];
	struct span val[KEYS_MAX] = {{0}};
	bool seen[KEYS_MAX] = {0};
	for (;;) {
		size_t comma = scan(l, ",", NULL);
		struct span item = trim((struct span){l.s, comma});
		if (!item.n)
			return fail(p, "empty key=value pair (two commas, or one at an end)", NULL);
		if (parse_pair(p, item, val, seen) < 0)
			return -1;
		if (comma == l.n)
			break;
		l = after(l, comma);
	}
	for (int k = 0; sec->key[k]; k++)
		if (sec->required[k] && !seen[k])
			return fail_key(p, sec->key[k], "missing", NULL);
	return sec->apply(p, val, seen);
}

static int parse_line(struct parser *p, struct span l)
{
	if (find(l, 0) != l.n)
		return fail(p, "contains a NUL byte", NULL);
	if (l.n && l.s[l.n - 1] == '\r') /* CR LF */
		l.n--;
	bool open;
	l.n = scan(l, "#", &open);
	if (open)
		return fail(p, "unterminated quote", NULL);
	l = trim(l);
	if (!l.n)
		return 0;
	if (l.s[0] == '[')
		return parse_header(p, l);
	if (p->section == SEC_NONE)
		return fail(p, "key=value line outside any section", NULL);
	return parse_pairs(p, l);
}

/* One pass over the whole text. */
static int parse_text(struct parser *p)
{
	struct span rest = {p->text, p->len};
	p->line = 0;
	p->section = SEC_NONE;
	while (rest.n) {
		size_t nl = find(rest, '\n');
		p->line++;
		if (parse_line(p, (struct span){rest.s, nl}) < 0)
			return -1;
		rest = after(rest, nl);
	}
	return 0;
}

/* ---- the arena ----------------------------------------------------------------------------- */

#define ALIGN_MAX _Alignof(max_align_t)

/* Offset from base of the first address at or after base + off aligned to a. */
static size_t align_off(uintptr_t base, size_t off, size_t a)
{
	return (size_t)(((base + off + a - 1) & ~(uintptr_t)(a - 1)) - base);
}

/*
 * Lay out what the first pass counted in arena[0..size): argv, envp, fstab,
 * mapping, then the strings. 0, or -1 when it does not fit. Nothing is
 * written here.
 */
static int carve(struct parser *p, void *arena, size_t size, struct nvram *nv)
{
	uintptr_t base = (uintptr_t)arena;
	size_t off = align_off(base, 0, _Alignof(const char *));
	size_t argv_off = off;
	off += ((size_t)p->argc + 1) * sizeof(const char *);
	size_t envp_off = off;
	off += ((size_t)p->envc + 1) * sizeof(const char *);
	off = align_off(base, off, _Alignof(struct nvram_fstab));
	size_t fstab_off = off;
	off += (size_t)p->nfstab * sizeof(struct nvram_fstab);
	off = align_off(base, off, _Alignof(struct nvram_mapping));
	size_t mapping_off = off;
	off += (size_t)p->nmapping * sizeof(struct nvram_mapping);
	size_t str_off = off;
	off += p->strbytes;
	if (off > size)
		return -1;

	char *a = arena;
	nv->argv = (const char **)(void *)(a + argv_off);
	nv->envp = (const char **)(void *)(a + envp_off);
	nv->fstab = p->nfstab ? (struct nvram_fstab *)(void *)(a + fstab_off) : NULL;
	nv->mapping = p->nmapping ? (struct nvram_mapping *)(void *)(a + mapping_off) : NULL;
	p->str = a + str_off;
	p->str_end = a + off;
	nv->arena_used = off;
	return 0;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

size_t nvram_arena_size(size_t len)
{
	size_t n = min_size(len, NVRAM_TEXT_MAX);
	/*
	 * Each entry costs text: an argument at least one byte and a blank
	 * (the line's "args=" pays for the last one), an [env] line at least
	 * "name=N,value=" (13 bytes), a mount "channel=C,mountpoint=/" (22),
	 * a mapping "channel=C,mode=pipe" (19); the divisors below are
	 * rounder and smaller. And no line decodes to more string bytes,
	 * NULs included, than it has: a word's NUL is paid by the blank
	 * after it (or "args="), an entry's '=' and NUL by "name=,value=".
	 */
	size_t args = min_size(n / 2, NVRAM_ARGS_MAX), env = min_size(n / 8, NVRAM_ENV_MAX);
	size_t fstab = min_size(n / 16, NVRAM_FSTAB_MAX), mapping = min_size(n / 16, NVRAM_MAPPING_MAX);
	return 4 * ALIGN_MAX + (args + 1 + env + 1) * sizeof(const char *) + fstab * sizeof(struct nvram_fstab) +
	       mapping * sizeof(struct nvram_mapping) + n;
}

int nvram_parse(const char *text, size_t len, void *arena, size_t arena_size, struct nvram *out, char *err,
		size_t errlen)
{
	struct parser p = {.text = text, .len = len, .err = err, .errlen = errlen};
	memset(out, 0, sizeof *out);
	if (errlen)
		err[0] = 0;
	if (len > NVRAM_TEXT_MAX)
		return fail_text(&p, "larger than 1048576 bytes");
	if (parse_text(&p) < 0)
		return -1;

	struct nvram nv = {0};
	if (carve(&p, arena, arena_size, &nv) < 0)
		return fail_text(&p, "out of memory");
	struct parser fill = {
		.text = text, .len = len, .err = err, .errlen = errlen, .out = &nv, .str = p.str, .str_end = p.str_end};
	if (parse_text(&fill) < 0)
		return -1; /* cannot happen: the same text passed the first time */
	nv.argc = fill.argc;
	nv.argv[nv.argc] = NULL;
	nv.envc = fill.envc;
	nv.envp[nv.envc] = NULL;
	nv.nfstab = fill.nfstab;
	nv.nmapping = fill.nmapping;
	nv.has_time = fill.time_line != 0;
	nv.time_seconds = fill.time_seconds;
	nv.verbosity = fill.verbosity;
	nv.cwd = fill.cwd;
	nv.notes = fill.notes;
	nv.has_seed = fill.seed_line != 0;
	nv.seed = fill.seed;
	*out = nv;
	return 0;
}

size_t nvram_escape(const char *value, size_t len, char *out, size_t outsize)
{
	static const char hex[] = "0123456789abcdef";
	size_t need = 0, done = 0;
	bool room = outsize > 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];
		char unit[4] = {(char)c};
		size_t k = 1;
		if (c <= ' ' || c >= 0x7f || c == ',' || c == '"' || c == '\\' || c == '#') {
			unit[0] = '\\', unit[1] = 'x', unit[2] = hex[c >> 4], unit[3] = hex[c & 15];
			k = 4;
		}
		need += k;
		if (room && done + k < outsize) { /* whole escapes only, and room for the NUL */
			memcpy(out + done, unit, k);
			done += k;
		} else {
			room = false;
		}
	}
	if (outsize)
		out[done] = 0;
	return need;
}
