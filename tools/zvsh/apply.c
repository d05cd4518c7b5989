/*
 * apply.c - a writable grant's write-back archive applied to HOST
 * (apply.h says what is promised).
 *
 * In order: the archive is read whole and checked (complete, no path
 * twice, every entry's parent a directory of the new tree, every hard
 * link naming a file of the packed tree) before HOST is touched; then
 * every file to be written is staged in a fresh folder ".zvsh-bind.XXXXXX"
 * at the top of HOST (a failure here removes the staging folder and leaves
 * HOST as it was); then what the program removed is removed (deepest
 * first), new directories are made, staged files are renamed into place,
 * modes are set (directories last, deepest first), and the staging folder
 * is removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply.h"

/* An entry of the write-back archive. */
struct nent {
	char *path;
	enum tar_type type;
	uint32_t mode;
	char *link;
	uint64_t off, size;
	const struct apply_member *ref; /* TAR_HARDLINK: the packed member it names */
	long stage;                     /* its staged file "sN", or -1 */
};

struct newtree {
	struct nent *e;
	size_t n, cap;
};

struct ctx {
	struct tool_log *lg;
	const struct apply_spec *s;
	int tarfd, rootfd, stagefd;
	char *stagepath;
	const char *stagename;
	struct newtree nt;
	bool failed; /* something could not be applied (said) */
};

static int by_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void apply_tree_sort(struct apply_tree *t)
{
	if (t->n)
		qsort(t->m, t->n, sizeof *t->m, by_path); /* path is each struct's first field */
}

void apply_tree_free(struct apply_tree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->m[i].path);
		free(t->m[i].link);
	}
	free(t->m);
	*t = (struct apply_tree){0};
}

static const struct apply_member *orig_find(const struct apply_tree *t, const char *path)
{
	const char *key = path;
	return t->n ? bsearch(&key, t->m, t->n, sizeof *t->m, by_path) : NULL;
}

static struct nent *new_find(const struct newtree *t, const char *path)
{
	const char *key = path;
	return t->n ? bsearch(&key, t->e, t->n, sizeof *t->e, by_path) : NULL;
}

/* ---- reading the archive ------------------------------------------------------------------ */

static int on_entry(void *cv, const struct tar_entry *e)
{
	struct ctx *x = cv;
	if (!e->path[0])
		return 0; /* the mountpoint itself */
	if (x->s->only && strcmp(e->path, x->s->only) != 0)
		return 0; /* a file grant: the rest of its folder stays in the sandbox */
	struct nent *n = tool_grow(x->nt.e, &x->nt.cap, x->nt.n, sizeof *n);
	if (!n)
		return 1;
	x->nt.e = n;
	n = &n[x->nt.n];
	/* No set-user-ID or set-group-ID bit reaches the host: an untrusted
	 * program must not leave a setuid file in a folder of whoever ran
	 * zvsh (bubblewrap's binds are nosuid for the same reason). */
	uint32_t keep = e->type == TAR_DIR ? 01777 : 0777;
	*n = (struct nent){.type = e->type, .mode = e->mode & keep, .off = e->offset, .size = e->size, .stage = -1};
	/* A file grant's file has one name in the sandbox, another on the host. */
	bool rename_link = x->s->only && e->type == TAR_HARDLINK && strcmp(e->link, x->s->only) == 0;
	n->path = strdup(x->s->only ? x->s->host_name : e->path);
	n->link = rename_link                                         ? strdup(x->s->host_name)
		  : e->type == TAR_SYMLINK || e->type == TAR_HARDLINK ? strdup(e->link)
								      : NULL;
	x->nt.n++;
	if (!n->path || ((e->type == TAR_SYMLINK || e->type == TAR_HARDLINK) && !n->link))
		return 1;
	return 0;
}

/* Read and check the archive: APPLY_DONE when it can be applied. */
static enum apply_result load(struct ctx *x, uint64_t *size)
{
	struct stat st;
	if (fstat(x->tarfd, &st) < 0 || !S_ISREG(st.st_mode))
		return APPLY_INCOMPLETE;
	*size = (uint64_t)st.st_size;
	struct tar_stats ts;
	int r = tar_scan(tool_pread_fd, &x->tarfd, *size, on_entry, x, &ts);
	if (r == 1)
		return tool_oom(x->lg), APPLY_REFUSED;
	/* Complete: the runtime ends it with exactly two zero blocks, right
	 * after the last entry; a write cut short by a quota never does. */
	unsigned char tail[2 * TAR_BLOCK];
	if (r != 0 || !ts.marker || ts.end > *size || *size - ts.end != sizeof tail ||
	    pread(x->tarfd, tail, sizeof tail, (off_t)ts.end) != (ssize_t)sizeof tail)
		return APPLY_INCOMPLETE;
	for (size_t i = 0; i < sizeof tail; i++)
		if (tail[i])
			return APPLY_INCOMPLETE;
	if (x->s->only && !x->nt.n)
		fprintf(stderr, "zvsh: the program removed %s inside the sandbox; %s is left as it was\n", x->s->only,
			x->s->shown);
	if (x->nt.n)
		qsort(x->nt.e, x->nt.n, sizeof *x->nt.e, by_path);
	const char *why = NULL, *what = NULL;
	for (size_t i = 0; i < x->nt.n && !why; i++) {
		struct nent *e = &x->nt.e[i];
		what = e->path;
		if (i && strcmp(e->path, x->nt.e[i - 1].path) == 0)
			why = "is in the archive twice";
		const char *slash = strrchr(e->path, '/');
		if (!why && slash) {
			char *parent = strndup(e->path, (size_t)(slash - e->path));
			if (!parent)
				return tool_oom(x->lg), APPLY_REFUSED;
			const struct nent *p = new_find(&x->nt, parent);
			free(parent);
			if (!p || p->type != TAR_DIR)
				why = "has no directory above it in the archive";
		}
		if (!why && e->type == TAR_HARDLINK) {
			e->ref = orig_find(x->s->orig, e->link);
			if (!e->ref || e->ref->type != TAR_FILE)
				why = "links to a file that was not in HOST";
		}
		if (!why && x->s->only && e->type == TAR_DIR)
			why = "became a directory";
	}
	if (why) {
		tool_fail(x->lg, TOOL_EXIT_USAGE, "%s: the write-back archive is refused: %s %s; nothing written back",
			  x->s->shown, what, why);
		return APPLY_REFUSED;
	}
	return APPLY_DONE;
}

/* ---- walking HOST safely ------------------------------------------------------------------- */

/* The directory holding path's last component, opened O_PATH from the
 * root without following any symbolic link; *name is the last component.
 * A descriptor, or -1 with errno. */
static int open_parent(int rootfd, const char *path, const char **name)
{
	int cur = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
	const char *p = path, *slash;
	while (cur >= 0 && (slash = strchr(p, '/'))) {
		char comp[NAME_MAX + 1];
		size_t l = (size_t)(slash - p);
		if (l == 0 || l > NAME_MAX) {
			close(cur);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, p, l);
		comp[l] = 0;
		int next = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int e = errno;
		close(cur);
		errno = e;
		cur = next;
		p = slash + 1;
	}
	*name = p;
	return cur;
}

/* Copy len bytes from in at off to out (at its position). 0 or -1. */
static int copy_bytes(int in, uint64_t off, uint64_t len, int out)
{
	static char buf[1 << 16];
	while (len) {
		size_t k = len < sizeof buf ? (size_t)len : sizeof buf;
		ssize_t r = pread(in, buf, k, (off_t)off);
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		if (tool_write_all(out, buf, (size_t)r) < 0)
			return -1;
		off += (uint64_t)r;
		len -= (uint64_t)r;
	}
	return 0;
}

static void fail(struct ctx *x, const char *what, const char *path)
{
	fprintf(stderr, "zvsh: %s: cannot %s %s: %s\n", x->s->shown, what, path, strerror(errno));
	x->failed = true;
}

/* ---- staging ------------------------------------------------------------------------------- */

/* A new file "sN" in the staging folder with the data of the packed file
 * at path (an open descriptor, read from the start) or of the archive. */
static int stage_copy(struct ctx *x, const char *name, int from, uint64_t off, uint64_t size, uint32_t mode)
{
	int fd = openat(x->stagefd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	int r = copy_bytes(from, off, size, fd);
	if (r == 0)
		r = fchmod(fd, mode);
	if (r == 0)
		r = fsync(fd);
	int e = errno;
	if (close(fd) < 0 && r == 0)
		return -1;
	errno = e;
	return r;
}

/* A packed file renamed or linked by the program: a hard link to it,
 * else (another file system, no links there) a copy. */
static int stage_ref(struct ctx *x, const char *name, const struct nent *e)
{
	const char *base;
	int dir = open_parent(x->rootfd, e->ref->path, &base);
	if (dir < 0)
		return -1;
	int r = linkat(dir, base, x->stagefd, name, 0);
	if (r == 0) {
		struct stat st;
		r = fstatat(x->stagefd, name, &st, AT_SYMLINK_NOFOLLOW);
		if (r == 0 && !S_ISREG(st.st_mode))
			errno = EINVAL, r = -1; /* the host changed it into something else */
		if (r == 0 && (st.st_mode & 07777) != e->mode)
			r = fchmodat(x->stagefd, name, e->mode, 0);
	} else {
		int in = openat(dir, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;
		if (in >= 0 && fstat(in, &st) == 0 && S_ISREG(st.st_mode))
			r = stage_copy(x, name, in, 0, (uint64_t)st.st_size, e->mode);
		else if (in >= 0)
			errno = EINVAL;
		if (in >= 0)
			close(in);
	}
	int err = errno;
	close(dir);
	errno = err;
	return r;
}

/* Whether entry e needs a staged file, and make it. 0 or -1 (said). */
static int stage_one(struct ctx *x, struct nent *e, long idx)
{
	const struct apply_member *o = orig_find(x->s->orig, e->path);
	char name[32];
	snprintf(name, sizeof name, "s%ld", idx);
	int r = 0;
	switch (e->type) {
	case TAR_DIR: return 0;
	case TAR_HARDLINK:
		if (o && o == e->ref)
			return 0; /* unchanged in place; its mode is set later */
		r = stage_ref(x, name, e);
		break;
	case TAR_SYMLINK:
		if (o && o->type == TAR_SYMLINK && strcmp(o->link, e->link) == 0)
			return 0;
		r = symlinkat(e->link, x->stagefd, name);
		break;
	case TAR_FILE: r = stage_copy(x, name, x->tarfd, e->off, e->size, e->mode); break;
	}
	if (r < 0)
		return fail(x, "write", e->path), -1;
	e->stage = idx;
	return 0;
}

/* The staging folder: a fresh hidden folder at the top of HOST whose name
 * the program's tree does not use. 0 or -1 (said). */
static int stage_open(struct ctx *x)
{
	for (int tries = 0; tries < 8; tries++) {
		free(x->stagepath);
		if (asprintf(&x->stagepath, "%s/.zvsh-bind.XXXXXX", x->s->root) < 0)
			return x->stagepath = NULL, tool_oom(x->lg);
		if (!mkdtemp(x->stagepath))
			return fail(x, "create a staging folder in", x->s->root), -1;
		x->stagename = strrchr(x->stagepath, '/') + 1;
		if (!new_find(&x->nt, x->stagename))
			break;
		rmdir(x->stagepath);
		x->stagename = NULL;
	}
	if (!x->stagename)
		return errno = EEXIST, fail(x, "create a staging folder in", x->s->root), -1;
	x->stagefd = open(x->stagepath, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return x->stagefd < 0 ? (fail(x, "open", x->stagepath), -1) : 0;
}

static void stage_close(struct ctx *x)
{
	for (size_t i = 0; x->stagefd >= 0 && i < x->nt.n; i++) {
		char name[32];
		snprintf(name, sizeof name, "s%ld", x->nt.e[i].stage);
		if (x->nt.e[i].stage >= 0)
			unlinkat(x->stagefd, name, 0);
	}
	if (x->stagefd >= 0)
		close(x->stagefd);
	if (x->stagepath && x->stagename && rmdir(x->stagepath) < 0)
		fail(x, "remove", x->stagepath);
	free(x->stagepath);
}

/* ---- committing ---------------------------------------------------------------------------- */

/* Whether the packed member o has to go: the program removed it, or put
 * something of another kind (a directory for a file, a file for a
 * directory) in its place. A file grant's file is never removed. */
static bool goes(const struct ctx *x, const struct apply_member *o)
{
	const struct nent *e = new_find(&x->nt, o->path);
	if (!e)
		return !x->s->only;
	return (o->type == TAR_DIR) != (e->type == TAR_DIR);
}

static void remove_gone(struct ctx *x)
{
	const struct apply_tree *t = x->s->orig;
	for (size_t i = t->n; i-- > 0;) {
		if (!goes(x, &t->m[i]))
			continue;
		const char *name;
		int dir = open_parent(x->rootfd, t->m[i].path, &name);
		if (dir < 0) {
			if (errno != ENOENT)
				fail(x, "remove", t->m[i].path);
			continue;
		}
		if (unlinkat(dir, name, t->m[i].type == TAR_DIR ? AT_REMOVEDIR : 0) < 0 && errno != ENOENT)
			fail(x, "remove", t->m[i].path);
		close(dir);
	}
}

/* Set path's mode without following a symbolic link. */
static void set_mode(struct ctx *x, const char *path, uint32_t mode)
{
	const char *name;
	int dir = open_parent(x->rootfd, path, &name);
	int fd = dir < 0 ? -1 : openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	char proc[64];
	if (fd >= 0 && fstat(fd, &st) == 0 && !S_ISLNK(st.st_mode) && (st.st_mode & 07777) != mode) {
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
		if (chmod(proc, mode) < 0)
			fail(x, "set the mode of", path);
	} else if (fd < 0) {
		fail(x, "set the mode of", path);
	}
	if (fd >= 0)
		close(fd);
	if (dir >= 0)
		close(dir);
}

/* A staged file into place, or a new directory made. */
static void place(struct ctx *x, const struct nent *e)
{
	const char *name;
	int dir = open_parent(x->rootfd, e->path, &name);
	if (dir < 0)
		return fail(x, "write", e->path);
	if (e->type == TAR_DIR) {
		struct stat st;
		if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0 && mkdirat(dir, name, 0700) < 0)
			fail(x, "make the directory", e->path);
	} else if (e->stage >= 0) {
		char sname[32];
		snprintf(sname, sizeof sname, "s%ld", e->stage);
		if (renameat(x->stagefd, sname, dir, name) < 0) {
			/* Another file system below HOST: a copy beside it, renamed. */
			int in = errno == EXDEV ? openat(x->stagefd, sname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
			char tmp[NAME_MAX + 1];
			snprintf(tmp, sizeof tmp, ".zvsh-bind.%s", x->stagename + 11);
			struct stat st;
			if (in < 0 || fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
				fail(x, "write", e->path);
			} else {
				int fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
				if (fd < 0 || copy_bytes(in, 0, (uint64_t)st.st_size, fd) < 0 ||
				    fchmod(fd, e->mode) < 0 || fsync(fd) < 0 || renameat(dir, tmp, dir, name) < 0) {
					fail(x, "write", e->path);
					unlinkat(dir, tmp, 0);
				}
				if (fd >= 0)
					close(fd);
			}
			if (in >= 0)
				close(in);
		}
	}
	close(dir);
}

static void commit(struct ctx *x)
{
	remove_gone(x);
	for (size_t i = 0; i < x->nt.n; i++)
		place(x, &x->nt.e[i]);
	/* Modes: files in place first, then directories, deepest first, so a
	 * directory made read-only is so once what it holds is written. */
	for (size_t i = 0; i < x->nt.n; i++) {
		const struct nent *e = &x->nt.e[i];
		if (e->type == TAR_HARDLINK && e->stage < 0)
			set_mode(x, e->path, e->mode);
	}
	for (size_t i = x->nt.n; i-- > 0;)
		if (x->nt.e[i].type == TAR_DIR)
			set_mode(x, x->nt.e[i].path, x->nt.e[i].mode);
}

enum apply_result apply_writeback(struct tool_log *lg, const struct apply_spec *s, uint64_t *size)
{
	struct ctx x = {.lg = lg, .s = s, .tarfd = -1, .rootfd = -1, .stagefd = -1};
	*size = 0;
	enum apply_result res = APPLY_INCOMPLETE;
	x.tarfd = open(s->tar, O_RDONLY | O_CLOEXEC);
	if (x.tarfd >= 0)
		res = load(&x, size);
	if (res == APPLY_DONE) {
		x.rootfd = open(s->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (x.rootfd < 0) {
			fail(&x, "open", s->root);
			res = APPLY_REFUSED;
		} else if (stage_open(&x) < 0) {
			res = APPLY_REFUSED;
		} else {
			for (size_t i = 0; i < x.nt.n && res == APPLY_DONE; i++)
				if (stage_one(&x, &x.nt.e[i], (long)i) < 0)
					res = APPLY_REFUSED;
			if (res == APPLY_DONE)
				commit(&x);
			else
				fprintf(stderr, "zvsh: nothing written back to %s\n", s->shown);
		}
		stage_close(&x);
		if (res == APPLY_DONE && x.failed)
			res = APPLY_PARTLY;
	}
	for (size_t i = 0; i < x.nt.n; i++) {
		free(x.nt.e[i].path);
		free(x.nt.e[i].link);
	}
	free(x.nt.e);
	if (x.tarfd >= 0)
		close(x.tarfd);
	if (x.rootfd >= 0)
		close(x.rootfd);
	return res;
}
