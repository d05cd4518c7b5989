/*
 * names.c - the calls on names: mkdir, rmdir, unlink, rename, link,
 * symlink, readlink; the working directory (chdir, fchdir, getcwd).
 */
#include <linux/fs.h>

#include "../mem.h"
#include "../syscall.h"
#include "../user.h"
#include "fs.h"

static long do_getcwd(char *buf, uint64_t size)
{
	char tmp[ZRT_PATH_MAX];
	size_t pos = sizeof tmp - 1;
	tmp[pos] = 0;
	for (struct inode *n = fs_cwd; n != fs_root && n->parent;) {
		struct inode *p = n->parent;
		struct dent *e = p->first;
		while (e && e->ino != n)
			e = e->next;
		if (!e)
			return -ENOENT; /* removed */
		size_t l = strlen(e->name);
		if (l + 1 > pos)
			return -ENAMETOOLONG;
		pos -= l;
		memcpy(tmp + pos, e->name, l);
		tmp[--pos] = '/';
		n = p;
	}
	if (pos == sizeof tmp - 1)
		tmp[--pos] = '/';
	size_t len = sizeof tmp - pos;
	if (len > size)
		return -ERANGE;
	if (!user_ok((uint64_t)buf, len))
		return -EFAULT;
	memcpy(buf, tmp + pos, len);
	return (long)len;
}

/* The working directory holds its inode as an open file does: a removed
 * cwd stays (getcwd ENOENT, nothing can be created in it), as on Linux. */
static void set_cwd(struct inode *d)
{
	struct inode *old = fs_cwd;
	d->opens++;
	fs_cwd = d;
	if (old && old->opens) {
		old->opens--;
		inode_put(old);
	}
}

static long do_chdir(const char *path)
{
	struct walk w;
	long r = path_walk(AT_FDCWD, path, true, &w);
	if (r < 0)
		return r;
	if (!w.node)
		return -ENOENT;
	if (!S_ISDIR(w.node->mode))
		return -ENOTDIR;
	set_cwd(w.node);
	return 0;
}

/* The start of every call that makes a name (mkdir, link, symlink): the
 * name must not exist, its directory must be writable. */
static long walk_new(long dirfd, const char *path, struct walk *w)
{
	long r = path_walk(dirfd, path, false, w);
	if (r < 0)
		return r;
	if (w->node)
		return -EEXIST;
	return fs_rofs(w->parent);
}

/* Give the new inode n its name; a failure frees it. */
static long add_new(const struct walk *w, struct inode *n)
{
	long r = dir_add(w->parent, w->name, w->len, n);
	if (r < 0)
		inode_put(n);
	return r;
}

static long do_mkdirat(long dirfd, const char *path, long mode)
{
	struct walk w;
	long r = walk_new(dirfd, path, &w);
	if (r < 0)
		return r;
	struct inode *n = inode_new(S_IFDIR | ((uint32_t)mode & 07777 & ~fs_umask));
	if (!n)
		return -ENOSPC;
	return add_new(&w, n);
}

static long do_unlinkat(long dirfd, const char *path, long flags)
{
	if (flags & ~(long)AT_REMOVEDIR)
		return -EINVAL;
	struct walk w;
	long r = path_walk(dirfd, path, false, &w);
	if (r < 0)
		return r;
	struct inode *n = w.node;
	if (!n)
		return -ENOENT;
	if (flags & AT_REMOVEDIR) {
		if (!S_ISDIR(n->mode))
			return -ENOTDIR;
		if (n == fs_root || (w.len == 1 && w.name[0] == '.'))
			return n == fs_root ? -EBUSY : -EINVAL;
		if (n->nent)
			return -ENOTEMPTY;
	} else if (S_ISDIR(n->mode)) {
		return -EISDIR;
	} else if (w.slash) {
		return -ENOTDIR;
	}
	if ((r = fs_rofs(w.parent)) < 0)
		return r;
	dir_remove(w.parent, n, w.name, w.len);
	inode_put(n);
	return 0;
}

static bool is_ancestor(const struct inode *a, const struct inode *d)
{
	for (; d; d = d->parent)
		if (d == a)
			return true;
	return false;
}

static long do_renameat(long odir, const char *opath, long ndir, const char *npath, long flags)
{
	struct walk a, b;
	long r = path_walk(odir, opath, false, &a);
	if (r < 0)
		return r;
	if (!a.node)
		return -ENOENT;
	struct inode *from_dir = a.parent, *n = a.node;
	char oname[NAME_MAX + 1];
	size_t olen = a.len;
	memcpy(oname, a.name, olen + 1);
	r = path_walk(ndir, npath, false, &b);
	if (r < 0)
		return r;
	if (flags & ~(long)RENAME_NOREPLACE)
		return -EINVAL;
	if (b.node && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	if ((r = fs_rofs(from_dir)) < 0 || (r = fs_rofs(b.parent)) < 0)
		return r;
	if (n == fs_root || (olen == 1 && oname[0] == '.'))
		return -EBUSY;
	if (b.node == n)
		return 0;
	if (S_ISDIR(n->mode) && is_ancestor(n, b.parent))
		return -EINVAL;
	if (b.node) {
		if (S_ISDIR(n->mode) && !S_ISDIR(b.node->mode))
			return -ENOTDIR;
		if (!S_ISDIR(n->mode) && S_ISDIR(b.node->mode))
			return -EISDIR;
		if (S_ISDIR(b.node->mode) && b.node->nent)
			return -ENOTEMPTY;
		struct inode *old = b.node;
		dir_remove(b.parent, old, b.name, b.len);
		inode_put(old);
	}
	/* Move the entry: the new name first, so a full heap changes nothing.
	 * Links and the parent change only for a directory. */
	struct dent *ne = dir_entry_new(b.name, b.len, n);
	if (!ne)
		return -ENOSPC;
	if (!dir_entry_drop(from_dir, n, oname, olen)) {
		mem_free(ne, ne->alloc);
		return -ENOENT;
	}
	dir_entry_append(b.parent, ne);
	if (S_ISDIR(n->mode)) {
		from_dir->nlink--;
		b.parent->nlink++;
		n->parent = b.parent;
	}
	n->ctime = fs_now();
	return 0;
}

static long do_linkat(long odir, const char *opath, long ndir, const char *npath, long flags)
{
	if (flags & ~(long)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct inode *n;
	long r = path_at(odir, opath, (flags & AT_SYMLINK_FOLLOW) ? 0 : AT_SYMLINK_NOFOLLOW, &n);
	if (r < 0)
		return r;
	if (S_ISDIR(n->mode))
		return -EPERM;
	struct walk w;
	if ((r = walk_new(ndir, npath, &w)) < 0)
		return r;
	return dir_add(w.parent, w.name, w.len, n);
}

static long do_symlinkat(const char *target, long dirfd, const char *path)
{
	char t[ZRT_PATH_MAX];
	long tl = user_path(target, t);
	if (tl < 0)
		return tl;
	if (tl == 0)
		return -ENOENT;
	struct walk w;
	long r = walk_new(dirfd, path, &w);
	if (r < 0)
		return r;
	struct inode *n = inode_new(S_IFLNK | 0777);
	if (!n)
		return -ENOSPC;
	if (file_reserve(n, (uint64_t)tl) < 0) {
		inode_put(n);
		return -ENOSPC;
	}
	memcpy(n->data, t, (size_t)tl);
	n->size = (uint64_t)tl;
	return add_new(&w, n);
}

static long do_readlinkat(long dirfd, const char *path, char *buf, long size)
{
	if (size <= 0)
		return -EINVAL;
	struct inode *n;
	long r = path_at(dirfd, path, AT_SYMLINK_NOFOLLOW, &n);
	if (r < 0)
		return r;
	if (!S_ISLNK(n->mode))
		return -EINVAL;
	uint64_t len = n->size < (uint64_t)size ? n->size : (uint64_t)size;
	if (!user_ok((uint64_t)buf, len))
		return -EFAULT;
	memcpy(buf, n->data, len);
	return (long)len;
}

/* ---- the calls ------------------------------------------------------------- */

long sys_getcwd(const struct sys_call *c)
{
	return do_getcwd((char *)c->a[0], (uint64_t)c->a[1]);
}

long sys_chdir(const struct sys_call *c)
{
	return do_chdir((const char *)c->a[0]);
}

long sys_fchdir(const struct sys_call *c)
{
	struct ofd *o = fd_get(c->a[0]);
	if (!o)
		return -EBADF;
	if (!S_ISDIR(o->ino->mode))
		return -ENOTDIR;
	set_cwd(o->ino);
	return 0;
}

long sys_mkdir(const struct sys_call *c)
{
	return do_mkdirat(AT_FDCWD, (const char *)c->a[0], c->a[1]);
}

long sys_mkdirat(const struct sys_call *c)
{
	return do_mkdirat(c->a[0], (const char *)c->a[1], c->a[2]);
}

long sys_rmdir(const struct sys_call *c)
{
	return do_unlinkat(AT_FDCWD, (const char *)c->a[0], AT_REMOVEDIR);
}

long sys_unlink(const struct sys_call *c)
{
	return do_unlinkat(AT_FDCWD, (const char *)c->a[0], 0);
}

long sys_unlinkat(const struct sys_call *c)
{
	return do_unlinkat(c->a[0], (const char *)c->a[1], c->a[2]);
}

long sys_rename(const struct sys_call *c)
{
	return do_renameat(AT_FDCWD, (const char *)c->a[0], AT_FDCWD, (const char *)c->a[1], 0);
}

long sys_renameat(const struct sys_call *c)
{
	return do_renameat(c->a[0], (const char *)c->a[1], c->a[2], (const char *)c->a[3], 0);
}

long sys_renameat2(const struct sys_call *c)
{
	return do_renameat(c->a[0], (const char *)c->a[1], c->a[2], (const char *)c->a[3], c->a[4]);
}

long sys_link(const struct sys_call *c)
{
	return do_linkat(AT_FDCWD, (const char *)c->a[0], AT_FDCWD, (const char *)c->a[1], 0);
}

long sys_linkat(const struct sys_call *c)
{
	return do_linkat(c->a[0], (const char *)c->a[1], c->a[2], (const char *)c->a[3], c->a[4]);
}

long sys_symlink(const struct sys_call *c)
{
	return do_symlinkat((const char *)c->a[0], AT_FDCWD, (const char *)c->a[1]);
}

long sys_symlinkat(const struct sys_call *c)
{
	return do_symlinkat((const char *)c->a[0], c->a[1], (const char *)c->a[2]);
}

long sys_readlink(const struct sys_call *c)
{
	return do_readlinkat(AT_FDCWD, (const char *)c->a[0], (char *)c->a[1], c->a[2]);
}

long sys_readlinkat(const struct sys_call *c)
{
	return do_readlinkat(c->a[0], (const char *)c->a[1], (char *)c->a[2], c->a[3]);
}
