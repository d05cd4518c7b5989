/*
 * wc-map.c - the map of the word-count example: count the words of one
 * text, and send each word's count to a reducer.
 *
 *   wc-map [INPUT [OUTDIR]]     (defaults: /dev/input, /dev/out)
 *
 * Every file in OUTDIR is a reducer (under zvjob, /dev/out/NAME is a
 * network channel to the node NAME); a word goes to the one its hash
 * picks, so that every count of a word meets in one reducer. Lines are
 * "word count". Exit 1 with a message on any error.
 */
#include <fcntl.h>
#include <unistd.h>

#include "outdir.h"
#include "wc.h"

/* The files of dir, sorted by name, as open streams. */
static FILE **open_outputs(const char *dir, size_t *n)
{
	char **paths = ex_list("wc-map", dir, n);
	if (*n == 0)
		wc_die("wc-map: no output to send the counts to");
	FILE **out = calloc(*n, sizeof *out);
	if (!out)
		wc_die("out of memory");
	for (size_t i = 0; i < *n; i++) {
		if (!(out[i] = fopen(paths[i], "w")))
			wc_die("wc-map: cannot open an output");
		free(paths[i]);
	}
	free(paths);
	return out;
}

int main(int argc, char **argv)
{
	const char *input = argc > 1 ? argv[1] : "/dev/input", *outdir = argc > 2 ? argv[2] : "/dev/out";
	int fd = open(input, O_RDONLY);
	if (fd < 0)
		wc_die("wc-map: cannot open the input");
	struct wc_table t = {0};
	static char buf[1 << 20];
	char word[256];
	size_t wlen = 0;
	char *big = NULL; /* a word longer than word[], being built */
	size_t blen = 0;
	for (;;) {
		ssize_t got = read(fd, buf, sizeof buf);
		if (got < 0)
			wc_die("wc-map: read error");
		for (ssize_t i = 0; i < got; i++) {
			unsigned char c = (unsigned char)buf[i];
			if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
				if (wlen == sizeof word) { /* rare: spill into big */
					if (!(big = realloc(big, blen + wlen)))
						wc_die("out of memory");
					memcpy(big + blen, word, wlen);
					blen += wlen;
					wlen = 0;
				}
				word[wlen++] = (char)(c | 0x20);
				continue;
			}
			if (!wlen && !blen)
				continue;
			if (blen) {
				if (!(big = realloc(big, blen + wlen)))
					wc_die("out of memory");
				memcpy(big + blen, word, wlen);
				wc_add(&t, big, blen + wlen, 1);
				blen = 0;
			} else {
				wc_add(&t, word, wlen, 1);
			}
			wlen = 0;
		}
		if (got == 0)
			break;
	}
	if (wlen || blen) {
		if (!(big = realloc(big, blen + wlen)))
			wc_die("out of memory");
		memcpy(big + blen, word, wlen);
		wc_add(&t, big, blen + wlen, 1);
	}
	close(fd);
	size_t nout;
	FILE **out = open_outputs(outdir, &nout);
	for (size_t i = 0; i < t.cap; i++)
		if (t.e[i].word)
			fprintf(out[t.e[i].hash % nout], "%s %llu\n", t.e[i].word, (unsigned long long)t.e[i].count);
	for (size_t i = 0; i < nout; i++)
		if (fclose(out[i]) != 0)
			wc_die("wc-map: write error");
	return 0;
}
