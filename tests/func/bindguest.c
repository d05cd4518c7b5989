/*
 * bindguest.c - an ordinary static program (musl) for tests/func/zvsh-bind.sh:
 * it changes a directory given with zvsh --bind, then ends in the way the
 * test asks, or forges the write-back archive itself.
 *
 *   bindguest crash DIR        change DIR, then a real SIGSEGV
 *   bindguest spin DIR         change DIR, then loop until the timeout
 *   bindguest exit DIR CODE    change DIR, then exit(CODE)
 *   bindguest big DIR BYTES    write BYTES bytes to DIR/big, then exit(0)
 *   bindguest forge CHAN DIR ENTRY...
 *       write tar entries to the channel CHAN (the write-back channel),
 *       with no end marker, then remove DIR and everything under it, so the
 *       runtime's own write-back adds only the end marker: what zvsh reads
 *       is the forged archive. ENTRY: f:NAME:DATA (file), d:NAME (directory),
 *       l:NAME:TARGET (symbolic link), h:NAME:TARGET (hard link). NAME is
 *       written as given: "../x", "/x" and the like are the point.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void put_file(const char *dir, const char *name, const char *text)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(p);
		exit(1);
	}
}

/* The changes every ending is tested with: a new file, a changed one. */
static void change(const char *dir)
{
	put_file(dir, "new.txt", "made in the sandbox\n");
	put_file(dir, "notes.txt", "changed in the sandbox\n");
}

/* w - 1 octal digits and a NUL (v fits: the test's values are small). */
static void octal(char *f, size_t w, unsigned long v)
{
	f[w - 1] = 0;
	for (size_t i = w - 1; i-- > 0; v >>= 3)
		f[i] = (char)('0' + (v & 7));
}

static void entry(int fd, char type, const char *name, const char *link, const char *data)
{
	unsigned char h[512] = {0};
	size_t len = data ? strlen(data) : 0;
	strncpy((char *)h, name, 100);
	octal((char *)h + 100, 8, type == '5' ? 0755 : 0644);
	octal((char *)h + 108, 8, 1000);
	octal((char *)h + 116, 8, 1000);
	octal((char *)h + 124, 12, len);
	octal((char *)h + 136, 12, 0);
	h[156] = (unsigned char)type;
	if (link)
		strncpy((char *)h + 157, link, 100);
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	static const char zero[512];
	if (write(fd, h, 512) != 512 || (len && write(fd, data, len) != (ssize_t)len) ||
	    (len % 512 && write(fd, zero, 512 - len % 512) != (ssize_t)(512 - len % 512))) {
		perror("write");
		exit(1);
	}
}

static void rmtree(const char *p)
{
	DIR *d = opendir(p);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char c[4096];
		snprintf(c, sizeof c, "%s/%s", p, e->d_name);
		struct stat st;
		if (lstat(c, &st) == 0 && S_ISDIR(st.st_mode))
			rmtree(c);
		else
			unlink(c);
	}
	if (d)
		closedir(d);
	rmdir(p);
}

static int forge(int argc, char **argv)
{
	int fd = open(argv[2], O_WRONLY);
	if (fd < 0) {
		perror(argv[2]);
		return 1;
	}
	for (int i = 4; i < argc; i++) {
		char *spec = strdup(argv[i]), *name = spec + 2, *rest = strchr(name, ':');
		if (rest)
			*rest++ = 0;
		switch (spec[0]) {
		case 'f': entry(fd, '0', name, NULL, rest ? rest : ""); break;
		case 'd': entry(fd, '5', name, NULL, NULL); break;
		case 'l': entry(fd, '2', name, rest, NULL); break;
		case 'h': entry(fd, '1', name, rest, NULL); break;
		default: fprintf(stderr, "bad entry %s\n", argv[i]); return 2;
		}
		free(spec);
	}
	close(fd);
	rmtree(argv[3]);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bindguest crash|spin|exit|big|forge ...\n");
		return 2;
	}
	const char *cmd = argv[1], *dir = argv[2];
	if (!strcmp(cmd, "forge") && argc >= 4)
		return forge(argc, argv);
	if (!strcmp(cmd, "big") && argc == 4) {
		size_t n = strtoul(argv[3], NULL, 10);
		char *b = malloc(n + 1);
		memset(b, 'x', n);
		b[n] = 0;
		put_file(dir, "big", b);
		return 0;
	}
	change(dir);
	volatile uintptr_t bad = 8; /* a real fault, from the kernel */
	if (!strcmp(cmd, "crash"))
		*(volatile int *)bad = 1;
	if (!strcmp(cmd, "spin"))
		for (volatile unsigned long i = 0;; i++)
			;
	if (!strcmp(cmd, "exit") && argc == 4)
		return atoi(argv[3]);
	return 2;
}
