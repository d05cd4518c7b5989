/*
 * part-sort.c - the reduce of the sort example: every line the splitters
 * sent, sorted (byte order, as `LC_ALL=C sort`), on standard output.
 *
 *   part-sort [INDIR]     (default: /dev/in)
 *
 * Reads every file of INDIR (under zvjob, /dev/in/split-1 ... , network
 * channels from the splitters). Exit 1 with a message on any error.
 */
#include "outdir.h"

static int by_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	size_t n, nl = 0, cap = 0;
	char **in = ex_list("part-sort", argc > 1 ? argv[1] : "/dev/in", &n), **lines = NULL;
	for (size_t i = 0; i < n; i++) {
		FILE *f = fopen(in[i], "r");
		if (!f)
			ex_die("part-sort", "cannot open an input channel");
		char *line = NULL;
		size_t lcap = 0;
		ssize_t len;
		while ((len = getline(&line, &lcap, f)) > 0) {
			if (line[len - 1] == '\n')
				line[len - 1] = 0;
			if (nl == cap && !(lines = realloc(lines, (cap = cap ? 2 * cap : 1024) * sizeof *lines)))
				ex_die("part-sort", "out of memory");
			if (!(lines[nl++] = strdup(line)))
				ex_die("part-sort", "out of memory");
		}
		if (ferror(f))
			ex_die("part-sort", "read error");
		free(line);
		fclose(f);
	}
	if (nl)
		qsort(lines, nl, sizeof *lines, by_line);
	for (size_t i = 0; i < nl; i++)
		puts(lines[i]);
	return fflush(stdout) == 0 ? 0 : 1;
}
