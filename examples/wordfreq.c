/*
 * wordfreq: count words in /dev/input and print the 20 most frequent to
 * stdout. An untrusted program as ZeroVM ran them: no C library, no system
 * calls, only zvm_pread/zvm_pwrite on the channels its manifest declares.
 *
 * Words are runs of ASCII letters and apostrophes, folded to lower case.
 * The input's handle comes from the user manifest, by alias.
 */
#include "zvm_start.h"

#define TABLE 65536 /* open addressing; a power of two */
#define WORD_MAX 48
#define TOP 20

struct entry {
	char word[WORD_MAX];
	unsigned len, count;
};

static struct entry table[TABLE];
static unsigned used; /* entries in table; kept below 3/4 so probing ends */
static char in[1 << 16];
static char out[8192];
static int outn;

static void emit(const char *s, int n)
{
	for (int i = 0; i < n; i++) {
		if (outn == (int)sizeof out) {
			zvm_pwrite(1, out, outn, 0);
			outn = 0;
		}
		out[outn++] = s[i];
	}
}

static void emit_num(unsigned v, int width)
{
	char t[12];
	int n = 0;
	do
		t[n++] = (char)('0' + v % 10);
	while (v /= 10);
	for (int i = n; i < width; i++)
		emit(" ", 1);
	while (n)
		emit(&t[--n], 1);
}

static void add(const char *w, unsigned len)
{
	unsigned h = 2166136261u; /* FNV-1a */
	for (unsigned i = 0; i < len; i++)
		h = (h ^ (unsigned char)w[i]) * 16777619u;
	for (unsigned i = h & (TABLE - 1);; i = (i + 1) & (TABLE - 1)) {
		struct entry *e = &table[i];
		if (e->len == 0) {
			if (used >= TABLE / 4 * 3)
				return; /* table full: the word is counted in the total only */
			used++;
			memcpy(e->word, w, len);
			e->len = len;
		}
		if (e->len == len && memcmp(e->word, w, len) == 0) {
			e->count++;
			return;
		}
	}
}

static int find_channel(const char *alias)
{
	for (int i = 0; i < MANIFEST->channels_count; i++) {
		const char *n = MANIFEST->channels[i].name;
		size_t k = 0;
		while (n[k] && n[k] == alias[k])
			k++;
		if (n[k] == 0 && alias[k] == 0)
			return i;
	}
	return -1;
}

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	int h = find_channel("/dev/input");
	if (h < 0) {
		static const char msg[] = "wordfreq: no /dev/input channel\n";
		zvm_pwrite(2, msg, sizeof msg - 1, 0);
		return 1;
	}
	char word[WORD_MAX];
	unsigned len = 0, total = 0;
	for (;;) {
		int n = zvm_pread(h, in, sizeof in, 0);
		for (int i = 0; i <= n; i++) {
			char c = i < n ? in[i] : ' ';
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if ((c >= 'a' && c <= 'z') || (c == '\'' && len)) {
				if (len < WORD_MAX)
					word[len++] = c;
			} else if (len) {
				add(word, len);
				total++;
				len = 0;
			}
		}
		if (n <= 0)
			break;
	}

	emit("words: ", 7);
	emit_num(total, 0);
	emit("\n", 1);
	for (int rank = 1; rank <= TOP; rank++) {
		struct entry *best = 0;
		for (unsigned i = 0; i < TABLE; i++) {
			struct entry *e = &table[i];
			if (e->count && (!best || e->count > best->count ||
					 (e->count == best->count && memcmp(e->word, best->word, WORD_MAX) < 0)))
				best = e;
		}
		if (!best)
			break;
		emit_num((unsigned)rank, 2);
		emit(". ", 2);
		emit_num(best->count, 4);
		emit("  ", 2);
		emit(best->word, (int)best->len);
		emit("\n", 1);
		best->count = 0;
	}
	zvm_pwrite(1, out, outn, 0);
	return 0;
}
