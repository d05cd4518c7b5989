/*
 * program.c - the manifest's Program from the program as typed (program.h).
 *
 * On the host, a path is that file and a bare name is searched in the
 * tool's own $PATH, as execvp() would; in the ro images (image.c), as a path walk
 * inside the sandbox would find it, with the program's PATH.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"
#include "program.h"

static bool any_ro_image(const struct image_search *p)
{
	for (size_t i = 0; i < p->nimg; i++)
		if (!p->img[i].wo)
			return true;
	return false;
}

/* The program found on the host at path (typed: as the command line said
 * it, for messages): it must be a readable regular file. */
static int host_program(struct workdir *w, struct tool_log *lg, const char *typed, const char *path, char **out)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return tool_fail(lg, TOOL_EXIT_NOTFOUND, "%s: %s", typed, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return tool_fail(lg, TOOL_EXIT_NOEXEC, "%s: is a directory", typed);
	if (!S_ISREG(st.st_mode))
		return tool_fail(lg, TOOL_EXIT_NOEXEC, "%s: not a regular file", typed);
	if (access(path, R_OK) < 0)
		return tool_fail(lg, TOOL_EXIT_NOEXEC, "%s: %s", typed, strerror(errno));
	char *real = realpath(path, NULL);
	if (!real)
		return tool_fail(lg, TOOL_EXIT_NOEXEC, "%s: %s", typed, strerror(errno));
	*out = workdir_source(w, lg, real);
	free(real);
	return *out ? 0 : -1;
}

/* The first executable regular file NAME in the host's $PATH (an empty
 * entry is the current directory), as execvp() would find it; NULL if none. */
static char *path_search(const char *name)
{
	const char *path = getenv("PATH");
	if (!path)
		path = "/bin:/usr/bin";
	for (const char *p = path;; p++) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char *cand;
		if (asprintf(&cand, "%.*s%s%s", (int)n, p, n ? "/" : "./", name) >= 0) {
			struct stat st;
			if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
				return cand;
			free(cand);
		}
		if (!e)
			return NULL;
		p = e;
	}
}

/*
 * With ro images, an absolute path or a bare name is looked for in the
 * images first (as ZeroVM's zvsh did: "zvsh --image rootfs.tar /bin/sh"
 * means the image's shell), then on the host; a relative path with a '/'
 * ("./prog", "build/prog") names a host file first, relative to the
 * current directory.
 */
int program_resolve(struct workdir *w, struct tool_log *lg, const struct image_search *p, const char *name, char **out,
		    bool *in_image)
{
	bool images = any_ro_image(p), path = strchr(name, '/') != NULL;
	struct stat st;
	if (in_image)
		*in_image = false;
	if (images && (!path || name[0] == '/' || (stat(name, &st) < 0 && errno == ENOENT))) {
		int r = image_find(w, lg, p, name, out);
		if (r == 0 && in_image)
			*in_image = true;
		if (r <= 0)
			return r;
	}
	if (path) {
		if (stat(name, &st) == 0 || errno != ENOENT || !images)
			return host_program(w, lg, name, name, out);
		return tool_fail(lg, TOOL_EXIT_NOTFOUND, "%s: No such file or directory (on the host or in the images)",
				 name);
	}
	char *found = path_search(name);
	if (found) {
		int r = host_program(w, lg, name, found, out);
		free(found);
		return r;
	}
	if (stat(name, &st) == 0)
		return tool_fail(lg, TOOL_EXIT_NOTFOUND,
				 "%s: command not found (a program in the current directory is written ./%s)", name,
				 name);
	return tool_fail(lg, TOOL_EXIT_NOTFOUND, "%s: command not found%s", name,
			 images ? " (on the host or in the images)" : "");
}
