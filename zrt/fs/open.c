/*
 * open.c - opening: open and its relatives (O_CREAT, O_EXCL, O_TRUNC,
 * O_TMPFILE, O_PATH, O_DIRECTORY, O_NOFOLLOW...), memfd_create, pipe2,
 * and the umask they apply.
 */
#include <linux/memfd.h>
#include <linux/openat2.h>

#include "../pipe.h"
#include "../syscall.h"
#include "../user.h"
#include "fs.h"

uint32_t fs_umask = 022;
const char *fs_denied[FS_DENIED_MAX];
int fs_ndenied;

/* A write the channel does not allow: remembered for the front end. */
static void note_denied(const struct zchan *c)
{
	for (int i = 0; i < fs_ndenied; i++)
		if (fs_denied[i] == c->alias)
			return;
	if (fs_ndenied < FS_DENIED_MAX)
		fs_denied[fs_ndenied++] = c->alias;
}

static bool may(const struct inode *n, int acc)
{
	if (n->chan)
		return !((acc == O_RDONLY || acc == O_RDWR) && !n->chan->readable) &&
		       !((acc == O_WRONLY || acc == O_RDWR) && !n->chan->writable);
	return true;
}

/* The open flags Linux knows (VALID_OPEN_FLAGS), those O_PATH keeps, and
 * those that create. */
#define OPEN_FLAGS                                                                                                 \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | __O_SYNC | O_DSYNC | FASYNC | \
	 O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH | __O_TMPFILE)
#define O_PATH_FLAGS (O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC)
#define WILL_CREATE(f) ((f) & (O_CREAT | __O_TMPFILE))

/* What every open checks before it looks at the path (the kernel's
 * build_open_flags): O_CREAT with O_DIRECTORY (refused since Linux 6.4),
 * O_TMPFILE without its O_DIRECTORY or without write access. */
static long open_flags_ok(uint64_t flags)
{
	if ((flags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
		return -EINVAL;
	if (flags & __O_TMPFILE) {
		int acc = (int)(flags & O_ACCMODE);
		if ((flags & (O_TMPFILE | O_CREAT)) != O_TMPFILE || (acc != O_WRONLY && acc != O_RDWR))
			return -EINVAL;
	}
	return 0;
}

/* flags and mode are checked (open_flags_ok, and openat2's own checks);
 * resolve: openat2's RESOLVE_ bits. */
static long do_openat(long dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve)
{
	struct walk w;
	bool follow = !(flags & O_NOFOLLOW);
	long r = path_walk_resolve(dirfd, path, follow, resolve, &w);
	if (r < 0)
		return r;
	int acc = (int)(flags & O_ACCMODE); /* 3: neither read nor write (ioctl only) */
	if (flags & __O_TMPFILE) {
		if (!w.node)
			return -ENOENT;
		if (!S_ISDIR(w.node->mode))
			return -ENOTDIR;
		if (w.node->nlink == 0)
			return -ENOENT;
		if ((r = fs_rofs(w.node)) < 0)
			return r;
		struct inode *n = inode_new(S_IFREG | ((uint32_t)mode & 07777 & ~fs_umask));
		if (!n)
			return -ENOSPC;
		long fd = fd_open(n, (int)(flags & ~(uint64_t)O_TMPFILE));
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
		if ((r = fs_rofs(w.parent)) < 0)
			return r;
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
		if (!may(n, acc)) {
			if (n->chan && acc != O_RDONLY && !n->chan->writable)
				note_denied(n->chan);
			return -EACCES;
		}
		if ((acc != O_RDONLY || (flags & O_TRUNC)) && S_ISREG(n->mode) && (r = fs_rofs(n)) < 0)
			return r;
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

/* open, openat and creat drop what they do not know (build_open_how):
 * unknown flags, every flag O_PATH does not keep, a mode that creates
 * nothing. */
static long open_how(long dirfd, const char *path, long flags, long mode)
{
	uint64_t f = (uint64_t)flags & OPEN_FLAGS;
	if (f & O_PATH)
		f &= O_PATH_FLAGS;
	long r = open_flags_ok(f);
	if (r < 0)
		return r;
	return do_openat(dirfd, path, f, WILL_CREATE(f) ? (uint64_t)mode & 07777 : 0, 0);
}

long sys_open(const struct sys_call *c)
{
	return open_how(AT_FDCWD, (const char *)c->a[0], c->a[1], c->a[2]);
}

long sys_creat(const struct sys_call *c)
{
	return open_how(AT_FDCWD, (const char *)c->a[0], O_CREAT | O_WRONLY | O_TRUNC, c->a[1]);
}

long sys_openat(const struct sys_call *c)
{
	return open_how(c->a[0], (const char *)c->a[1], c->a[2], c->a[3]);
}

/* openat2(dirfd, path, how, size): struct open_how is at least its first
 * version (24 bytes: flags, mode, resolve), at most a page, and what lies
 * past the fields known here must be zero (E2BIG: a newer field asked
 * for). Unlike open, every bit of flags, mode and resolve is checked, in
 * the kernel's order. */
#define OPEN_HOW_SIZE 24
#define RESOLVE_FLAGS                                                                                        \
	(RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_IN_ROOT | \
	 RESOLVE_CACHED)
long sys_openat2(const struct sys_call *c)
{
	const uint64_t *how = (const uint64_t *)c->a[2];
	uint64_t size = (uint64_t)c->a[3];
	if (size < OPEN_HOW_SIZE)
		return -EINVAL;
	if (size > PAGE)
		return -E2BIG;
	if (!user_ok((uint64_t)how, size))
		return -EFAULT;
	for (uint64_t i = OPEN_HOW_SIZE; i < size; i++)
		if (((const unsigned char *)how)[i])
			return -E2BIG;
	uint64_t flags = how[0] & ~(uint64_t)O_CLOEXEC, mode = how[1], resolve = how[2];
	if ((flags & ~(uint64_t)OPEN_FLAGS) || (resolve & ~(uint64_t)RESOLVE_FLAGS))
		return -EINVAL;
	if ((resolve & RESOLVE_BENEATH) && (resolve & RESOLVE_IN_ROOT))
		return -EINVAL; /* two scopes */
	if (WILL_CREATE(flags) ? (mode & ~07777ull) != 0 : mode != 0)
		return -EINVAL;
	long r = open_flags_ok(flags);
	if (r < 0)
		return r;
	if ((flags & O_PATH) && (flags & ~(uint64_t)O_PATH_FLAGS))
		return -EINVAL;
	if ((resolve & RESOLVE_CACHED) && (flags & (O_TRUNC | O_CREAT | __O_TMPFILE)))
		return -EAGAIN; /* never done from the cache alone */
	return do_openat(c->a[0], (const char *)c->a[1], how[0], mode, resolve);
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
