/*
 * notes.c - the runtime's end-of-session notes as warnings (notes.h).
 *
 * A note is "KIND PATH" on a line, PATH absolute with \xHH for bytes
 * outside 0x21-0x7e and the backslash. A name is shown as the user would
 * type it: relative when it is under the program's working directory
 * (which stands for zvsh's own, as @FILE names do), else absolute.
 *
 * The notes are written inside the sandbox, where the program could write
 * anything on that channel: they are read as untrusted text. At most
 * NOTES_MAX bytes are read and NOTES_SHOWN warnings printed (then a count
 * of the rest); control bytes in a name stay \xHH, so a name cannot move
 * the terminal's cursor or send it commands.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "notes.h"

#define NOTES_MAX (1 << 20) /* read at most this much: a guest could fill its quota */
#define NOTES_SHOWN 100     /* warnings printed, at most */

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decode \xHH in place, but for control bytes (below 0x20, 0x7f), which
 * stay written \xHH; false when the text is not what the runtime writes. */
static bool decode(char *s)
{
	char *o = s;
	for (char *p = s; *p; p++) {
		if (*p != '\\') {
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return false;
			*o++ = *p;
			continue;
		}
		int h = p[1] == 'x' ? hexval(p[2]) : -1, l = h >= 0 ? hexval(p[3]) : -1;
		if (l < 0 || (h == 0 && l == 0))
			return false;
		int c = h << 4 | l;
		if (c < 0x20 || c == 0x7f) {
			memmove(o, p, 4); /* kept as written (o <= p) */
			o += 4;
		} else {
			*o++ = (char)c;
		}
		p += 3;
	}
	*o = 0;
	return true;
}

/* path as the user would name it from cwd. */
static const char *shown(const char *path, const char *cwd)
{
	size_t n = strlen(cwd);
	if (strcmp(cwd, "/") == 0)
		return path[1] ? path + 1 : path;
	if (strncmp(path, cwd, n) == 0 && path[n] == '/' && path[n + 1])
		return path + n + 1;
	return path;
}

void notes_tell(const struct zvsh_channels *cs, const struct zvsh_plan *p, const struct workdir *w,
		const struct tool_log *lg)
{
	if (!cs->notes_path)
		return;
	/* In memory (workdir_mem): our own descriptor, read from the start. */
	int mfd = workdir_mem_fd(w, cs->notes_path), fd = mfd >= 0 ? fcntl(mfd, F_DUPFD_CLOEXEC, 3) : -1;
	if (fd >= 0)
		lseek(fd, 0, SEEK_SET);
	FILE *f = mfd >= 0 ? (fd >= 0 ? fdopen(fd, "r") : NULL) : fopen(cs->notes_path, "re");
	if (!f && fd >= 0)
		close(fd);
	if (!f)
		return;
	const char *cwd = p->chdir ? p->chdir : "/";
	char *line = NULL;
	size_t cap = 0, total = 0, shown_n = 0, more = 0;
	ssize_t n;
	while (total < NOTES_MAX && (n = getline(&line, &cap, f)) > 0) {
		total += (size_t)n;
		if (line[n - 1] == '\n')
			line[--n] = 0;
		char *sp = strchr(line, ' ');
		if (!sp || sp[1] != '/' || !decode(sp + 1))
			continue;
		*sp = 0;
		if (strcmp(line, "discarded") != 0 && strcmp(line, "readonly") != 0)
			continue;
		if (shown_n == NOTES_SHOWN) {
			more++;
			continue;
		}
		shown_n++;
		const char *name = shown(sp + 1, cwd);
		if (strcmp(line, "discarded") == 0)
			fprintf(stderr, "%s: %s was written inside the sandbox and discarded; use --out %s or --bind\n",
				lg->prog, name, name);
		else if (strcmp(line, "readonly") == 0)
			fprintf(stderr,
				"%s: %s exists, so the program was given it to read only and its write was refused; "
				"use --out %s to let the program replace it\n",
				lg->prog, name, name);
	}
	if (more)
		fprintf(stderr, "%s: ... and %zu more such files\n", lg->prog, more);
	free(line);
	fclose(f);
}
