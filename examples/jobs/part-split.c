/*
 * part-split.c - the map of the sort example: send each line of a text to
 * the sorter of its range, so that the sorters' outputs, in order, are
 * the whole input sorted.
 *
 *   part-split [OUTDIR]     (default: /dev/out)
 *
 * Reads standard input. The files of OUTDIR, sorted by name, are the
 * sorters 1..N (under zvjob, /dev/out/sort-1 ... /dev/out/sort-N, network
 * channels; sort-10 sorts after sort-9 because the names are compared
 * by their number). A line goes by its first byte: below 'a' to the
 * first, above 'z' to the last, 'a'..'z' split evenly between them. Exit 1
 * with a message on any error.
 */
#include <unistd.h>

#include "outdir.h"

/* Names sorted as "prefix-N" by N, then by name. */
static unsigned long suffix(const char *s)
{
	const char *d = strrchr(s, '-');
	return d ? strtoul(d + 1, NULL, 10) : 0;
}

static int by_number(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	unsigned long m = suffix(x), n = suffix(y);
	return m != n ? (m < n ? -1 : 1) : strcmp(x, y);
}

int main(int argc, char **argv)
{
	size_t n;
	char **out = ex_list("part-split", argc > 1 ? argv[1] : "/dev/out", &n);
	if (n == 0)
		ex_die("part-split", "no output channel (connect to the sorters)");
	qsort(out, n, sizeof *out, by_number);
	FILE **f = calloc(n, sizeof *f);
	for (size_t i = 0; f && i < n; i++)
		if (!(f[i] = fopen(out[i], "w")))
			ex_die("part-split", "cannot open an output channel");
	if (!f)
		ex_die("part-split", "out of memory");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, stdin)) > 0) {
		unsigned char c = (unsigned char)line[0];
		size_t k = c < 'a' ? 0 : c > 'z' ? n - 1 : (size_t)(c - 'a') * n / 26;
		fwrite(line, 1, (size_t)len, f[k]);
		if (line[len - 1] != '\n')
			putc('\n', f[k]);
	}
	if (ferror(stdin))
		ex_die("part-split", "read error");
	for (size_t i = 0; i < n; i++)
		if (fclose(f[i]) != 0)
			ex_die("part-split", "write error");
	return 0;
}
