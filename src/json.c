/*
 * json.c - JSON strings and numbers for zerovm's own output (json.h).
 */
#include "json.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>

/* The length of a valid UTF-8 sequence at s (1-4), 0 if there is none:
 * overlong forms, surrogates and code points past U+10FFFF are invalid. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, min = 0x80;
	else if ((c & 0xf0) == 0xe0)
		n = 3, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, min = 0x10000;
	else
		return 0;
	unsigned cp = c & (0xffu >> (n + 1));
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	const unsigned char *p = (const unsigned char *)s;
	fputc('"', f);
	while (*p) {
		unsigned char c = *p;
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			p++;
		} else if (c == '\n') {
			fputs("\\n", f), p++;
		} else if (c == '\t') {
			fputs("\\t", f), p++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c), p++;
		} else {
			size_t n = utf8_len(p);
			if (!n) {
				fprintf(f, "\\u%04x", c), p++;
				continue;
			}
			fwrite(p, 1, n, f);
			p += n;
		}
	}
	fputc('"', f);
}

void json_key(FILE *f, const char *key)
{
	json_str(f, key);
	fputc(':', f);
}

void json_kv_str(FILE *f, const char *key, const char *s)
{
	json_key(f, key);
	json_str(f, s);
}

void json_kv_int(FILE *f, const char *key, int64_t v)
{
	json_key(f, key);
	fprintf(f, "%" PRId64, v);
}

void json_kv_num(FILE *f, const char *key, double v)
{
	json_key(f, key);
	fprintf(f, "%.6f", v);
}
