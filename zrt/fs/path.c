/*
 * path.c - path resolution: from the root, the working directory or a
 * directory descriptor, component by component, following symbolic links
 * (at most 40, then ELOOP) as Linux does; openat2's RESOLVE_NO_SYMLINKS,
 * RESOLVE_BENEATH and RESOLVE_IN_ROOT restrict it.
 */
#include <linux/openat2.h>

#include "../user.h"
#include "fs.h"

struct inode *fs_root, *fs_cwd;
static char pathbuf[2][ZRT_PATH_MAX];

/* The directory dirfd names (the working directory for AT_FDCWD). */
static long dir_of(long dirfd, struct inode **start)
{
	dirfd = (int)dirfd;
	if (dirfd == AT_FDCWD) {
		*start = fs_cwd;
		return 0;
	}
	struct ofd *o = fd_get(dirfd);
	if (!o)
		return -EBADF;
	if (!S_ISDIR(o->ino->mode))
		return -ENOTDIR;
	*start = o->ino;
	return 0;
}

/* Resolve path from dirfd. follow: follow a symlink in the last component.
 * The last component may be missing (w->node NULL); anything missing before
 * it is ENOENT. resolve: openat2's RESOLVE_ bits, as Linux applies them
 * (RESOLVE_NO_XDEV, _NO_MAGICLINKS and _CACHED change nothing here: one
 * filesystem, no /proc, everything in memory): with RESOLVE_BENEATH or
 * RESOLVE_IN_ROOT the walk stays under dirfd's directory (an absolute
 * path or link, or ".." there, is EXDEV for the first and stays there for
 * the second); with RESOLVE_NO_SYMLINKS a link that would be followed is
 * ELOOP. */
long path_walk_resolve(long dirfd, const char *upath, bool follow, uint64_t resolve, struct walk *w)
{
	char *buf = pathbuf[0], *tmp = pathbuf[1];
	long n = user_path(upath, buf);
	if (n < 0)
		return n;
	if (n == 0)
		return -ENOENT;
	bool scoped = resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT);
	struct inode *cur, *top = fs_root;
	if (scoped || buf[0] != '/') {
		long r = dir_of(dirfd, &cur);
		if (r < 0)
			return r;
		if (scoped)
			top = cur;
	}
	if (buf[0] == '/') {
		if (resolve & RESOLVE_BENEATH)
			return -EXDEV;
		cur = top;
	}
	int links = 0;
	char *p = buf;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p) { /* "/" or a path ending in "/." handled as the directory itself */
			w->parent = cur->parent ? cur->parent : cur;
			w->node = cur;
			w->name[0] = '.', w->name[1] = 0, w->len = 1;
			w->slash = true;
			return 0;
		}
		char *q = p;
		while (*q && *q != '/')
			q++;
		size_t len = (size_t)(q - p);
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		char *rest = q;
		while (*rest == '/')
			rest++;
		bool last = !*rest;
		if (!S_ISDIR(cur->mode))
			return -ENOTDIR;
		struct inode *next;
		if (scoped && cur == top && len == 2 && p[0] == '.' && p[1] == '.') {
			if (resolve & RESOLVE_BENEATH)
				return -EXDEV;
			next = cur; /* RESOLVE_IN_ROOT: ".." of the root is the root */
		} else {
			next = dir_lookup(cur, p, len);
		}
		if (last) {
			w->parent = cur;
			memcpy(w->name, p, len);
			w->name[len] = 0;
			w->len = len;
			w->slash = *q == '/';
			if (!next || !S_ISLNK(next->mode) || !(follow || w->slash)) {
				w->node = next;
				return 0;
			}
		}
		if (!next)
			return -ENOENT;
		if (S_ISLNK(next->mode)) {
			if (++links > 40 || (resolve & RESOLVE_NO_SYMLINKS))
				return -ELOOP;
			size_t tl = next->size, rl = strlen(rest);
			if (tl + 1 + rl + 1 > ZRT_PATH_MAX)
				return -ENAMETOOLONG;
			memcpy(tmp, next->data, tl);
			tmp[tl] = '/';
			memcpy(tmp + tl + 1, rest, rl + 1);
			if (last && !w->slash)
				tmp[tl] = 0;
			char *t = buf;
			buf = tmp;
			tmp = t;
			p = buf;
			if (*p == '/') {
				if (resolve & RESOLVE_BENEATH)
					return -EXDEV;
				cur = top;
			}
			continue;
		}
		cur = next;
		p = rest;
		if (last) {
			w->node = cur;
			return 0;
		}
	}
}

long path_walk(long dirfd, const char *upath, bool follow, struct walk *w)
{
	return path_walk_resolve(dirfd, upath, follow, 0, w);
}

long path_at(long dirfd, const char *path, long flags, struct inode **out)
{
	dirfd = (int)dirfd;
	if ((flags & AT_EMPTY_PATH) && path && user_ok((uint64_t)path, 1) && path[0] == 0) {
		if (dirfd == AT_FDCWD) {
			*out = fs_cwd;
			return 0;
		}
		struct ofd *o = fd_get(dirfd);
		if (!o)
			return -EBADF;
		*out = o->ino;
		return 0;
	}
	struct walk w;
	long r = path_walk(dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW), &w);
	if (r < 0)
		return r;
	if (!w.node)
		return -ENOENT;
	if (w.slash && !S_ISDIR(w.node->mode))
		return -ENOTDIR;
	*out = w.node;
	return 0;
}
