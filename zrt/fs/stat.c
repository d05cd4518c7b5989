/*
 * stat.c - what a program learns about an inode and may change of it:
 * stat, statx, statfs (one tmpfs, sized by the heap), access, chmod and
 * the times.
 */
#include <linux/magic.h>

#include "../mem.h"
#include "../syscall.h"
#include "../user.h"
#include "fs.h"

/* utimensat's special nanosecond values (the kernel's include/linux/
 * stat.h, not exported to uapi). */
#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)
/* faccessat's mode bits (R_OK, W_OK, X_OK: unistd.h, not the kernel's
 * uapi headers). */
#define ACC_X 1
#define ACC_W 2
#define ACC_R 4

struct kstat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	uint64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	int64_t unused[3];
};
_Static_assert(sizeof(struct kstat) == 144, "struct stat of x86-64");

static void fill_stat(const struct inode *n, struct kstat *st)
{
	memset(st, 0, sizeof *st);
	st->dev = n->chan ? 5 : 1;
	st->ino = n->ino;
	st->nlink = n->nlink ? n->nlink : (n->chan || n->dev || n->pipe ? 1 : 0);
	st->mode = inode_mode(n);
	st->uid = st->gid = 1000;
	if (n->chan || n->dev)
		st->rdev = n->chan ? (uint64_t)(0x100 + n->chan->handle) : (1u << 8) | n->dev;
	uint64_t size = n->chan ? (n->chan->mode == ZCHAN_FILE ? n->chan->size : 0)
			: n->pipe      ? 0
			: S_ISDIR(n->mode) ? 4096
					   : n->size;
	st->size = (int64_t)size;
	st->blksize = 4096;
	/* Whole pages, as tmpfs and ext4 count; short symlinks take none. */
	st->blocks = S_ISLNK(n->mode) ? 0 : (int64_t)(ALIGN_UP(size, 4096) / 512);
	st->atime = n->atime / 1000000000u, st->atime_ns = n->atime % 1000000000u;
	st->mtime = n->mtime / 1000000000u, st->mtime_ns = n->mtime % 1000000000u;
	st->ctime = n->ctime / 1000000000u, st->ctime_ns = n->ctime % 1000000000u;
}

static long do_fstatat(long dirfd, const char *path, struct kstat *st, long flags)
{
	struct inode *n;
	long r = path_at(dirfd, path, flags, &n);
	if (r < 0)
		return r;
	if (!user_ok((uint64_t)st, sizeof *st))
		return -EFAULT;
	fill_stat(n, st);
	return 0;
}

static long do_statx(long dirfd, const char *path, long flags, unsigned char *sx)
{
	struct inode *n;
	long r = path_at(dirfd, path, flags, &n);
	if (r < 0)
		return r;
	if (!user_ok((uint64_t)sx, 256))
		return -EFAULT;
	struct kstat st;
	fill_stat(n, &st);
	memset(sx, 0, 256);
	uint32_t mask = 0x7ff, blk = 4096, nl = (uint32_t)st.nlink, uid = 1000;
	uint16_t mode = (uint16_t)st.mode;
	memcpy(sx + 0, &mask, 4);
	memcpy(sx + 4, &blk, 4);
	memcpy(sx + 16, &nl, 4);
	memcpy(sx + 20, &uid, 4);
	memcpy(sx + 24, &uid, 4);
	memcpy(sx + 28, &mode, 2);
	memcpy(sx + 32, &st.ino, 8);
	memcpy(sx + 40, &st.size, 8);
	memcpy(sx + 48, &st.blocks, 8);
	const uint64_t t[4][2] = {{st.atime, st.atime_ns}, {st.ctime, st.ctime_ns},
				  {st.ctime, st.ctime_ns}, {st.mtime, st.mtime_ns}};
	for (int i = 0; i < 4; i++) { /* atime, btime, ctime, mtime at 64, 80, 96, 112 */
		memcpy(sx + 64 + 16 * i, &t[i][0], 8);
		uint32_t ns = (uint32_t)t[i][1];
		memcpy(sx + 72 + 16 * i, &ns, 4);
	}
	uint32_t rmaj = (uint32_t)(st.rdev >> 8), rmin = (uint32_t)(st.rdev & 0xff), dmaj = 0,
		 dmin = (uint32_t)st.dev;
	memcpy(sx + 128, &rmaj, 4);
	memcpy(sx + 132, &rmin, 4);
	memcpy(sx + 136, &dmaj, 4);
	memcpy(sx + 140, &dmin, 4);
	return 0;
}

static long do_faccessat(long dirfd, const char *path, long mode, long flags)
{
	struct inode *n;
	long r = path_at(dirfd, path, flags & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH), &n);
	if (r < 0)
		return r;
	uint32_t m = inode_mode(n);
	if ((mode & ACC_X) && !(m & 0111) && !S_ISDIR(m))
		return -EACCES;
	if ((mode & ACC_W) && n->chan && !n->chan->writable)
		return -EACCES;
	if ((mode & ACC_R) && n->chan && !n->chan->readable)
		return -EACCES;
	return 0;
}

static long do_utimensat(long dirfd, const char *path, const int64_t *ts, long flags)
{
	struct inode *n;
	long r = path ? path_at(dirfd, path, flags, &n) : path_at(dirfd, "", AT_EMPTY_PATH, &n);
	if (r < 0)
		return r;
	uint64_t t = fs_now();
	uint64_t v[2] = {t, t};
	if (ts) {
		if (!user_ok((uint64_t)ts, 32))
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			int64_t s = ts[2 * i], ns = ts[2 * i + 1];
			if (ns != UTIME_OMIT && ns != UTIME_NOW && (ns < 0 || ns > 999999999))
				return -EINVAL;
			if (ns == UTIME_OMIT)
				v[i] = i ? n->mtime : n->atime;
			else if (ns != UTIME_NOW)
				v[i] = (uint64_t)s * 1000000000u + (uint64_t)ns;
		}
	}
	n->atime = v[0];
	n->mtime = v[1];
	n->ctime = t;
	return 0;
}

static long do_statfs(unsigned char *buf)
{
	if (!user_ok((uint64_t)buf, 120))
		return -EFAULT;
	memset(buf, 0, 120);
	int64_t v[7] = {TMPFS_MAGIC, 4096, (int64_t)(mem_total_bytes() / 4096), (int64_t)(mem_free_bytes() / 4096),
			(int64_t)(mem_free_bytes() / 4096), 1 << 20, 1 << 20};
	memcpy(buf, v, sizeof v); /* type bsize blocks bfree bavail files ffree */
	int64_t namelen = NAME_MAX, frsize = 4096;
	memcpy(buf + 64, &namelen, 8);
	memcpy(buf + 72, &frsize, 8);
	return 0;
}

/* ---- the calls ------------------------------------------------------------- */

long sys_fstat(const struct sys_call *c)
{
	return do_fstatat(c->a[0], "", (struct kstat *)c->a[1], AT_EMPTY_PATH);
}

long sys_stat(const struct sys_call *c)
{
	return do_fstatat(AT_FDCWD, (const char *)c->a[0], (struct kstat *)c->a[1], 0);
}

long sys_lstat(const struct sys_call *c)
{
	return do_fstatat(AT_FDCWD, (const char *)c->a[0], (struct kstat *)c->a[1], AT_SYMLINK_NOFOLLOW);
}

long sys_newfstatat(const struct sys_call *c)
{
	return do_fstatat(c->a[0], (const char *)c->a[1], (struct kstat *)c->a[2], c->a[3]);
}

long sys_statx(const struct sys_call *c)
{
	return do_statx(c->a[0], (const char *)c->a[1], c->a[2], (unsigned char *)c->a[4]);
}

/* statfs and fstatfs: the one filesystem, whatever the path or descriptor. */
long sys_statfs(const struct sys_call *c)
{
	return do_statfs((unsigned char *)c->a[1]);
}

long sys_access(const struct sys_call *c)
{
	return do_faccessat(AT_FDCWD, (const char *)c->a[0], c->a[1], 0);
}

long sys_faccessat(const struct sys_call *c)
{
	return do_faccessat(c->a[0], (const char *)c->a[1], c->a[2], 0);
}

long sys_faccessat2(const struct sys_call *c)
{
	return do_faccessat(c->a[0], (const char *)c->a[1], c->a[2], c->a[3]);
}

static long set_mode(struct inode *n, long mode)
{
	n->mode = (n->mode & S_IFMT) | ((uint32_t)mode & 07777);
	n->ctime = fs_now();
	return 0;
}

long sys_chmod(const struct sys_call *c)
{
	struct inode *n;
	long r = path_at(AT_FDCWD, (const char *)c->a[0], 0, &n);
	return r < 0 ? r : set_mode(n, c->a[1]);
}

long sys_fchmod(const struct sys_call *c)
{
	struct inode *n;
	long r = path_at(c->a[0], "", AT_EMPTY_PATH, &n);
	return r < 0 ? r : set_mode(n, c->a[1]);
}

long sys_fchmodat(const struct sys_call *c)
{
	struct inode *n;
	long r = path_at(c->a[0], (const char *)c->a[1], 0, &n);
	return r < 0 ? r : set_mode(n, c->a[2]);
}

long sys_utimensat(const struct sys_call *c)
{
	return do_utimensat(c->a[0], (const char *)c->a[1], (const int64_t *)c->a[2], c->a[3]);
}

/* utime and utimes: the times become now, whatever the program asked. */
long sys_utime_now(const struct sys_call *c)
{
	struct inode *n;
	long r = path_at(AT_FDCWD, (const char *)c->a[0], 0, &n);
	if (r < 0)
		return r;
	n->mtime = n->atime = n->ctime = fs_now();
	return 0;
}

long sys_futimesat(const struct sys_call *c)
{
	struct inode *n;
	long r = path_at(c->a[0], (const char *)c->a[1], 0, &n);
	if (r < 0)
		return r;
	n->mtime = n->atime = n->ctime = fs_now();
	return 0;
}
