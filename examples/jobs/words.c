/*
 * words.c - the first stage of the pipeline example: a text into its
 * words, one a line, lowercased (what `tr -cs A-Za-z '\n' | tr A-Z a-z`
 * makes of it), from standard input to the one file in OUTDIR.
 *
 *   words [OUTDIR]     (default: /dev/out)
 *
 * Under zvjob, /dev/out/NAME is the network channel to the next stage,
 * the node NAME. Exit 1 with a message on any error.
 */
#include <unistd.h>

#include "outdir.h"

int main(int argc, char **argv)
{
	size_t n;
	char **out = ex_list("words", argc > 1 ? argv[1] : "/dev/out", &n);
	if (n != 1)
		ex_die("words", "expected exactly one output channel (connect to one node)");
	FILE *f = fopen(out[0], "w");
	if (!f)
		ex_die("words", "cannot open the output channel");
	static char buf[1 << 16];
	ssize_t got;
	int in_word = 0;
	while ((got = read(0, buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < got; i++) {
			unsigned char c = (unsigned char)buf[i];
			if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
				putc(c | 0x20, f);
				in_word = 1;
			} else if (in_word) {
				putc('\n', f);
				in_word = 0;
			}
		}
	if (got < 0)
		ex_die("words", "read error");
	if (in_word)
		putc('\n', f);
	if (fclose(f) != 0)
		ex_die("words", "write error");
	return 0;
}
