/*
 * wc-reduce.c - the reduce of the word-count example: add up the counts
 * the maps sent, and print the words by count.
 *
 *   wc-reduce [-n N] [INDIR]     (default: /dev/in)
 *
 * Every file in INDIR is a map's output, "word count" lines (under zvjob,
 * /dev/in/NAME is a network channel from the node NAME). Prints "count
 * word" lines, the most frequent first (equal counts by word), all of
 * them or the first N. Exit 1 with a message on any error.
 */

#include "outdir.h"
#include "wc.h"

static int by_count(const void *a, const void *b)
{
	const struct wc_entry *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->word, y->word);
}

/* Add the counts of one map's output. */
static void read_counts(struct wc_table *t, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		wc_die("wc-reduce: cannot open an input");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0) {
		char *sp = memchr(line, ' ', (size_t)n);
		if (!sp)
			wc_die("wc-reduce: a line is not \"word count\"");
		wc_add(t, line, (size_t)(sp - line), strtoull(sp + 1, NULL, 10));
	}
	if (ferror(f))
		wc_die("wc-reduce: read error");
	free(line);
	fclose(f);
}

int main(int argc, char **argv)
{
	long top = -1;
	int i = 1;
	if (argc > 2 && strcmp(argv[1], "-n") == 0) {
		top = strtol(argv[2], NULL, 10);
		i = 3;
	}
	const char *dir = i < argc ? argv[i] : "/dev/in";
	size_t n;
	char **paths = ex_list("wc-reduce", dir, &n);
	struct wc_table t = {0};
	for (size_t k = 0; k < n; k++)
		read_counts(&t, paths[k]);
	size_t m = 0;
	for (size_t k = 0; k < t.cap; k++)
		if (t.e[k].word)
			t.e[m++] = t.e[k];
	qsort(t.e, m, sizeof *t.e, by_count);
	for (size_t k = 0; k < m && (top < 0 || (long)k < top); k++)
		printf("%llu %s\n", (unsigned long long)t.e[k].count, t.e[k].word);
	return fflush(stdout) == 0 ? 0 : 1;
}
