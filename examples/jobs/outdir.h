/*
 * outdir.h - what the job examples share: the files of a folder (under
 * zvjob, /dev/in and /dev/out hold a node's network channels, one per
 * peer, named after it), sorted by name.
 */
#ifndef OUTDIR_H
#define OUTDIR_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void ex_die(const char *prog, const char *what)
{
	fprintf(stderr, "%s: %s\n", prog, what);
	exit(1);
}

static inline int ex_by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The paths "dir/name" of the files of dir (names starting with '.'
 * skipped), sorted by name; *n of them. Exits on an error. */
static inline char **ex_list(const char *prog, const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	if (!d)
		ex_die(prog, "cannot list the channels' folder");
	char **names = NULL;
	size_t cap = 0;
	*n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (*n == cap && !(names = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof *names)))
			ex_die(prog, "out of memory");
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		if (!(names[*n] = malloc(len)))
			ex_die(prog, "out of memory");
		snprintf(names[(*n)++], len, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof *names, ex_by_name);
	return names;
}

#endif
