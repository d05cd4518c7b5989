/*
 * workdir.c - the work directory and the files in it (workdir.h).
 *
 * Host paths go into the manifest as they are when they can: a ',' ';' '='
 * or control character would change the line's meaning, and zerovm reads
 * "/dev/stdin" and "/dev/fd/N" as its own descriptors, so such a path is
 * given through a symbolic link in the work directory instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "workdir.h"

/* Whether a host path can be written into a manifest line as it is (see
 * the file comment). */
static bool path_safe(const char *p)
{
	if (p[0] != '/')
		return false;
	for (const unsigned char *c = (const unsigned char *)p; *c; c++)
		if (*c < 0x20 || *c == 0x7f || *c == ',' || *c == ';' || *c == '=')
			return false;
	if (p[strlen(p) - 1] == ' ')
		return false;
	return strncmp(p, "/dev/fd/", 8) != 0 && strcmp(p, "/dev/stdin") != 0 && strcmp(p, "/dev/stdout") != 0 &&
	       strcmp(p, "/dev/stderr") != 0;
}

int workdir_open(struct workdir *w, struct tool_log *lg, const char *keep, const char *prefix)
{
	*w = (struct workdir){.keep = keep != NULL};
	if (keep) {
		struct stat st;
		if (mkdir(keep, 0700) < 0 && errno != EEXIST)
			return tool_fail(lg, TOOL_EXIT_USAGE, "--keep %s: cannot create: %s", keep, strerror(errno));
		if (stat(keep, &st) < 0 || !S_ISDIR(st.st_mode))
			return tool_fail(lg, TOOL_EXIT_USAGE, "--keep %s: not a directory", keep);
		if (!(w->path = realpath(keep, NULL)))
			return tool_fail(lg, TOOL_EXIT_USAGE, "--keep %s: %s", keep, strerror(errno));
		if (!path_safe(w->path))
			return tool_fail(lg, TOOL_EXIT_USAGE,
					 "--keep %s: the path goes into the manifest, so it may not contain ',', ';', "
					 "'=' or control characters",
					 keep);
		return 0;
	}
	/* $TMPDIR if it can appear in the manifest, else /tmp. */
	const char *base = getenv("TMPDIR");
	if (!base || !path_safe(base))
		base = "/tmp";
	char *tmpl;
	if (asprintf(&tmpl, "%s%s%s.XXXXXX", base, base[strlen(base) - 1] == '/' ? "" : "/", prefix) < 0)
		return tool_oom(lg);
	/* Made by the first file (made_dir): the template names it. */
	w->path = tmpl;
	w->pending = true;
	return 0;
}

/* The temporary directory, now that a file goes into it. 0, or -1 (said). */
static int made_dir(struct workdir *w, struct tool_log *lg)
{
	if (!w->pending)
		return 0;
	if (!mkdtemp(w->path)) {
		char *slash = strrchr(w->path, '/');
		if (slash)
			*slash = 0;
		return tool_fail(lg, TOOL_EXIT_USAGE, "cannot create a work directory in %s: %s",
				 slash == w->path ? "/" : w->path, strerror(errno));
	}
	w->pending = false;
	w->made = true;
	tool_note(lg, "work directory %s", w->path);
	return 0;
}

/* Remember path (taken over, freed on failure) for the end. */
static int record_file(struct workdir *w, struct tool_log *lg, char *path)
{
	char **f = tool_grow(w->files, &w->filescap, w->nfiles, sizeof *f);
	if (!f) {
		free(path);
		return tool_oom(lg);
	}
	w->files = f;
	f[w->nfiles++] = path;
	return 0;
}

int workdir_create(struct workdir *w, struct tool_log *lg, const char *name, mode_t mode, const char **path)
{
	if (made_dir(w, lg) < 0)
		return -1;
	char *p = tool_join(w->path, name);
	if (!p)
		return tool_oom(lg);
	if (unlink(p) < 0 && errno != ENOENT) {
		int r = tool_fail(lg, TOOL_EXIT_USAGE, "cannot replace %s: %s", p, strerror(errno));
		free(p);
		return r;
	}
	int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0) {
		int r = tool_fail(lg, TOOL_EXIT_USAGE, "cannot create %s: %s", p, strerror(errno));
		free(p);
		return r;
	}
	if (record_file(w, lg, p) < 0) {
		close(fd);
		unlink(p);
		return -1;
	}
	*path = p;
	return fd;
}

int workdir_write(struct workdir *w, struct tool_log *lg, const char *name, const struct tool_buf *b, const char **path)
{
	if (b->oom)
		return tool_oom(lg);
	int fd = workdir_create(w, lg, name, 0600, path);
	if (fd < 0)
		return -1;
	int r = tool_write_all(fd, b->p, b->len);
	int e = errno;
	if (close(fd) < 0 && r == 0) {
		r = -1;
		e = errno;
	}
	if (r < 0)
		return tool_fail(lg, TOOL_EXIT_USAGE, "cannot write %s: %s", *path, strerror(e));
	return 0;
}

int workdir_mem(struct workdir *w, struct tool_log *lg, const char *name, const struct tool_buf *b, const char **path)
{
	if (w->mem_fd0 < 3 || w->keep || w->nmem == WORKDIR_MEM_MAX)
		return workdir_write(w, lg, name, b, path);
	if (b->oom)
		return tool_oom(lg);
	int k = w->nmem;
	int fd = memfd_create(name, MFD_CLOEXEC);
	if (fd < 0)
		return tool_fail(lg, TOOL_EXIT_USAGE, "cannot create %s in memory: %s", name, strerror(errno));
	if (tool_write_all(fd, b->p, b->len) < 0 || asprintf(&w->mem_path[k], "/proc/self/fd/%d", w->mem_fd0 + k) < 0) {
		int e = errno;
		close(fd);
		return tool_fail(lg, TOOL_EXIT_USAGE, "cannot write %s in memory: %s", name, strerror(e));
	}
	w->mem[k] = fd;
	w->nmem++;
	*path = w->mem_path[k];
	return 0;
}

int workdir_mem_fd(const struct workdir *w, const char *path)
{
	for (int k = 0; k < w->nmem; k++)
		if (strcmp(path, w->mem_path[k]) == 0)
			return w->mem[k];
	return -1;
}

char *workdir_source(struct workdir *w, struct tool_log *lg, const char *path)
{
	if (path_safe(path)) {
		char *s = strdup(path);
		if (!s)
			tool_oom(lg);
		return s;
	}
	char name[32], *link;
	if (made_dir(w, lg) < 0)
		return NULL;
	snprintf(name, sizeof name, "link%zu", w->nfiles);
	if (!(link = tool_join(w->path, name)))
		return tool_oom(lg), NULL;
	unlink(link);
	if (symlink(path, link) < 0) {
		tool_fail(lg, TOOL_EXIT_USAGE, "cannot create %s: %s", link, strerror(errno));
		free(link);
		return NULL;
	}
	if (record_file(w, lg, link) < 0)
		return NULL;
	char *copy = strdup(link);
	if (!copy)
		tool_oom(lg);
	return copy;
}

void workdir_close(struct workdir *w)
{
	for (size_t i = w->nfiles; i-- > 0;) {
		if (!w->keep)
			unlink(w->files[i]);
		free(w->files[i]);
	}
	if (w->made && !w->keep)
		rmdir(w->path);
	for (int k = 0; k < w->nmem; k++) {
		close(w->mem[k]);
		free(w->mem_path[k]);
	}
	free(w->files);
	free(w->path);
}
