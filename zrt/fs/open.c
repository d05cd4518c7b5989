/*
 * open.c - opening: open and its relatives (O_CREAT, O_EXCL, O_TRUNC,
 * O_TMPFILE, O_PATH, O_DIRECTORY, O_NOFOLLOW...), memfd_create, pipe2,
 * and the umask they apply.
 */
#include <linux/memfd.h>

#include "../pipe.h"
#include "../syscall.h"
#include "../user.h"
#include "fs.h"

uint32_t fs_umask = 022;

static bool may(const struct inode *n, int acc)
{
	if (n->chan)
		return !((acc == O_RDONLY || acc == O_RDWR) && !n->chan->readable) &&
		       !((acc == O_WRONLY || acc == O_RDWR) && !n->chan->writable);
	return true;
}

static long do_openat(long dirfd, const char *path, long flags, long mode)
{
	struct walk w;
	bool follow = !(flags & O_NOFOLLOW) || (flags & O_PATH);
	long r = path_walk(dirfd, path, follow, &w);
	if (r < 0)
		return r;
	int acc = (int)(flags & O_ACCMODE); /* 3: neither read nor write (ioctl only) */
	if ((flags & O_TMPFILE) == O_TMPFILE) {
		if (acc != O_WRONLY && acc != O_RDWR)
			return -EINVAL;
		if (!w.node)
			return -ENOENT;
		if (!S_ISDIR(w.node->mode))
			return -ENOTDIR;
		if (w.node->nlink == 0)
			return -ENOENT;
		struct inode *n = inode_new(S_IFREG | ((uint32_t)mode & 07777 & ~fs_umask));
		if (!n)
			return -ENOSPC;
		long fd = fd_open(n, (int)(flags & ~O_TMPFILE));
		if (fd < 0)
			inode_put(n);
		return fd;
	}
	struct inode *n = w.node;
	if (!n) {
		if (!(flags & O_CREAT))
			return -ENOENT;
		if (w.slash)
			return -EISDIR;
		n = inode_new(S_IFREG | ((uint32_t)mode & 07777 & ~fs_umask));
		if (!n)
			return -ENOSPC;
		r = dir_add(w.parent, w.name, w.len, n);
		if (r < 0) {
			inode_put(n);
			return r;
		}
	} else {
		if ((flags & O_CREAT) && (flags & O_EXCL))
			return -EEXIST;
		if (S_ISLNK(n->mode) && !(flags & O_PATH))
			return -ELOOP;
		if (((flags & O_DIRECTORY) || w.slash) && !S_ISDIR(n->mode))
			return -ENOTDIR;
		if (S_ISDIR(n->mode) && (acc != O_RDONLY || (flags & O_CREAT)))
			return -EISDIR;
		if (!may(n, acc))
			return -EACCES;
		if ((flags & O_TRUNC) && acc != O_RDONLY && S_ISREG(n->mode)) {
			r = file_truncate(n, 0);
			if (r < 0)
				return r;
		}
	}
	return fd_open(n, (int)flags);
}

/* memfd_create's flags, with the two of Linux 6.3 the headers here may
 * not have yet; a name longer than the kernel's MFD_NAME_MAX_LEN is EINVAL. */
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#define MFD_EXEC 0x0010U
#endif
#define MFD_FLAGS (long)(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC)
#define MFD_NAME_MAX (NAME_MAX - 6) /* 255 less "memfd:" */
static long do_memfd_create(const char *name, long flags)
{
	char tmp[ZRT_PATH_MAX];
	long r = user_path(name, tmp);
	if (r < 0)
		return r;
	if (r > MFD_NAME_MAX || (flags & ~MFD_FLAGS & ~((long)MFD_HUGE_MASK << MFD_HUGE_SHIFT)))
		return -EINVAL;
	struct inode *n = inode_new(S_IFREG | 0777);
	if (!n)
		return -ENOMEM;
	r = fd_open(n, O_RDWR | ((flags & MFD_CLOEXEC) ? O_CLOEXEC : 0));
	if (r < 0)
		inode_put(n);
	return r;
}

/* pipe2(2): an in-memory pipe (pipe.c), read end first. */
static long do_pipe2(int32_t *fds, long flags)
{
	if (flags & ~(long)(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	if (!user_ok((uint64_t)fds, 8))
		return -EFAULT;
	struct inode *n = inode_new(S_IFIFO | 0600);
	if (!n || !(n->pipe = pipe_new())) {
		inode_put(n);
		return -ENFILE;
	}
	int fl = (int)(flags & O_NONBLOCK);
	long r = fd_open(n, O_RDONLY | fl | (int)(flags & O_CLOEXEC));
	if (r < 0) {
		inode_put(n);
		return r;
	}
	long w = fd_open(n, O_WRONLY | fl | (int)(flags & O_CLOEXEC));
	if (w < 0) {
		fd_close(r); /* frees the pipe: its writer never was */
		return w;
	}
	fds[0] = (int32_t)r;
	fds[1] = (int32_t)w;
	return 0;
}

/* ---- the calls ------------------------------------------------------------- */

long sys_open(const struct sys_call *c)
{
	return do_openat(AT_FDCWD, (const char *)c->a[0], c->a[1], c->a[2]);
}

long sys_creat(const struct sys_call *c)
{
	return do_openat(AT_FDCWD, (const char *)c->a[0], O_CREAT | O_WRONLY | O_TRUNC, c->a[1]);
}

long sys_openat(const struct sys_call *c)
{
	return do_openat(c->a[0], (const char *)c->a[1], c->a[2], c->a[3]);
}

long sys_openat2(const struct sys_call *c)
{
	const long *how = (const long *)c->a[2]; /* struct open_how: flags, mode, resolve */
	if (!user_ok((uint64_t)how, 24))
		return -EFAULT;
	return do_openat(c->a[0], (const char *)c->a[1], how[0], how[1]);
}

long sys_memfd_create(const struct sys_call *c)
{
	return do_memfd_create((const char *)c->a[0], c->a[1]);
}

long sys_pipe(const struct sys_call *c)
{
	return do_pipe2((int32_t *)c->a[0], 0);
}

long sys_pipe2(const struct sys_call *c)
{
	return do_pipe2((int32_t *)c->a[0], c->a[1]);
}

long sys_umask(const struct sys_call *c)
{
	long old = fs_umask;
	fs_umask = (uint32_t)c->a[0] & 0777;
	return old;
}
