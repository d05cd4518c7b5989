/*
 * stat.c - what a program learns about an inode and may change of it:
 * stat, statx, access, chmod and the times (statfs: sync.c).
 */
#include <asm/stat.h>
#include <linux/stat.h>

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

/* The x86-64 kernel's own layouts (asm/stat.h, linux/stat.h). */
_Static_assert(sizeof(struct stat) == 144, "struct stat of x86-64");
_Static_assert(sizeof(struct statx) == 256, "struct statx");

static void fill_stat(const struct inode *n, struct stat *st)
{
	memset(st, 0, sizeof *st);
	st->st_dev = n->chan ? 5 : 1;
	st->st_ino = n->ino;
	st->st_nlink = n->nlink ? n->nlink : (n->chan || n->dev || n->pipe ? 1 : 0);
	st->st_mode = inode_mode(n);
	st->st_uid = st->st_gid = ZRT_UID;
	if (n->chan || n->dev)
		st->st_rdev = n->chan ? (uint64_t)(0x100 + n->chan->handle) : (1u << 8) | n->dev;
	uint64_t size = n->chan            ? (n->chan->mode == ZCHAN_FILE ? n->chan->size : 0)
			: n->pipe          ? 0
			: S_ISDIR(n->mode) ? 4096
					   : n->size;
	st->st_size = (long)size;
	st->st_blksize = 4096;
	/* Whole pages, as tmpfs and ext4 count; short symlinks take none. */
	st->st_blocks = S_ISLNK(n->mode) ? 0 : (long)(ALIGN_UP(size, 4096) / 512);
	st->st_atime = n->atime / 1000000000u, st->st_atime_nsec = n->atime % 1000000000u;
	st->st_mtime = n->mtime / 1000000000u, st->st_mtime_nsec = n->mtime % 1000000000u;
	st->st_ctime = n->ctime / 1000000000u, st->st_ctime_nsec = n->ctime % 1000000000u;
}

static struct statx_timestamp stx_time(uint64_t sec, uint64_t nsec)
{
	return (struct statx_timestamp){.tv_sec = (int64_t)sec, .tv_nsec = (uint32_t)nsec};
}

/* statx: what stat says, the basic fields only; the birth time is the
 * change time. */
static void fill_statx(const struct inode *n, struct statx *sx)
{
	struct stat st;
	fill_stat(n, &st);
	memset(sx, 0, sizeof *sx);
	sx->stx_mask = STATX_BASIC_STATS;
	sx->stx_blksize = 4096;
	sx->stx_nlink = (uint32_t)st.st_nlink;
	sx->stx_uid = sx->stx_gid = ZRT_UID;
	sx->stx_mode = (uint16_t)st.st_mode;
	sx->stx_ino = st.st_ino;
	sx->stx_size = (uint64_t)st.st_size;
	sx->stx_blocks = (uint64_t)st.st_blocks;
	sx->stx_atime = stx_time(st.st_atime, st.st_atime_nsec);
	sx->stx_btime = stx_time(st.st_ctime, st.st_ctime_nsec);
	sx->stx_ctime = stx_time(st.st_ctime, st.st_ctime_nsec);
	sx->stx_mtime = stx_time(st.st_mtime, st.st_mtime_nsec);
	sx->stx_rdev_major = (uint32_t)(st.st_rdev >> 8);
	sx->stx_rdev_minor = (uint32_t)(st.st_rdev & 0xff);
	sx->stx_dev_major = 0;
	sx->stx_dev_minor = (uint32_t)st.st_dev;
}

/* The flags the stat calls know (vfs_statx); others are EINVAL before the
 * path is looked at. */
#define STAT_FLAGS (long)(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)

static long do_fstatat(long dirfd, const char *path, struct stat *st, long flags)
{
	if (flags & ~STAT_FLAGS)
		return -EINVAL;
	struct inode *n;
	long r = path_at(dirfd, path, flags, &n);
	if (r < 0)
		return r;
	if (!user_ok((uint64_t)st, sizeof *st))
		return -EFAULT;
	fill_stat(n, st);
	return 0;
}

/* statx: a reserved mask bit, both sync types at once, then the flags. */
static long do_statx(long dirfd, const char *path, long flags, uint32_t mask, struct statx *sx)
{
	if ((mask & STATX__RESERVED) || (flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (flags & ~STAT_FLAGS))
		return -EINVAL;
	struct inode *n;
	long r = path_at(dirfd, path, flags, &n);
	if (r < 0)
		return r;
	if (!user_ok((uint64_t)sx, sizeof *sx))
		return -EFAULT;
	fill_statx(n, sx);
	return 0;
}

/* faccessat2: the mode (R_OK, W_OK, X_OK), then the flags, then the path. */
static long do_faccessat(long dirfd, const char *path, long mode, long flags)
{
	if (mode & ~(long)(ACC_R | ACC_W | ACC_X))
		return -EINVAL;
	if (flags & ~(long)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct inode *n;
	long r = path_at(dirfd, path, flags & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH), &n);
	if (r < 0)
		return r;
	uint32_t m = inode_mode(n);
	if ((mode & ACC_X) && !(m & 0111) && !S_ISDIR(m))
		return -EACCES;
	if ((mode & ACC_W) && n->chan && !n->chan->writable)
		return -EACCES;
	if ((mode & ACC_W) && (r = fs_rofs(n)) < 0)
		return r;
	if ((mode & ACC_R) && n->chan && !n->chan->readable)
		return -EACCES;
	return 0;
}

/* utimensat in Linux's order: the times (EFAULT; both UTIME_OMIT: nothing
 * to do, 0 before anything else), the flags, the file (a NULL path means
 * dirfd itself, with no flags, except with AT_FDCWD: EFAULT), then a
 * nanosecond out of range. ts: the program's times, or NULL for now;
 * copied: ts is ZRT's own (old_utimes' conversion). */
static long set_times(long dirfd, const char *path, const int64_t *ts, long flags, bool copied)
{
	if (ts && !copied && !user_ok((uint64_t)ts, 32))
		return -EFAULT;
	if (ts && ts[1] == UTIME_OMIT && ts[3] == UTIME_OMIT)
		return 0;
	if (flags & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct inode *n;
	long r;
	if (path)
		r = path_at(dirfd, path, flags, &n);
	else if ((int)dirfd == AT_FDCWD)
		r = -EFAULT;
	else if (flags)
		r = -EINVAL;
	else
		r = path_at(dirfd, "", AT_EMPTY_PATH, &n);
	if (r < 0)
		return r;
	if ((r = fs_rofs(n)) < 0)
		return r;
	for (int i = 1; ts && i < 4; i += 2)
		if (ts[i] != UTIME_OMIT && ts[i] != UTIME_NOW && (ts[i] < 0 || ts[i] > 999999999))
			return -EINVAL;
	uint64_t t = fs_now();
	uint64_t v[2] = {t, t};
	for (int i = 0; ts && i < 2; i++) {
		int64_t s = ts[2 * i], ns = ts[2 * i + 1];
		if (ns == UTIME_OMIT)
			v[i] = i ? n->mtime : n->atime;
		else if (ns != UTIME_NOW)
			v[i] = (uint64_t)s * 1000000000u + (uint64_t)ns;
	}
	n->atime = v[0];
	n->mtime = v[1];
	n->ctime = t;
	return 0;
}

/* ---- the calls ------------------------------------------------------------- */

long sys_fstat(const struct sys_call *c)
{
	return do_fstatat(c->a[0], "", (struct stat *)c->a[1], AT_EMPTY_PATH);
}

long sys_stat(const struct sys_call *c)
{
	return do_fstatat(AT_FDCWD, (const char *)c->a[0], (struct stat *)c->a[1], 0);
}

long sys_lstat(const struct sys_call *c)
{
	return do_fstatat(AT_FDCWD, (const char *)c->a[0], (struct stat *)c->a[1], AT_SYMLINK_NOFOLLOW);
}

long sys_newfstatat(const struct sys_call *c)
{
	return do_fstatat(c->a[0], (const char *)c->a[1], (struct stat *)c->a[2], c->a[3]);
}

long sys_statx(const struct sys_call *c)
{
	return do_statx(c->a[0], (const char *)c->a[1], c->a[2], (uint32_t)c->a[3], (struct statx *)c->a[4]);
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
	if (n->rofs)
		return -EROFS;
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

/* fchmod needs an open file: not an O_PATH descriptor, nor AT_FDCWD. */
long sys_fchmod(const struct sys_call *c)
{
	struct ofd *o = fd_file(c->a[0]);
	return o ? set_mode(o->ino, c->a[1]) : -EBADF;
}

long sys_fchmodat(const struct sys_call *c)
{
	struct inode *n;
	long r = path_at(c->a[0], (const char *)c->a[1], 0, &n);
	return r < 0 ? r : set_mode(n, c->a[2]);
}

long sys_utimensat(const struct sys_call *c)
{
	return set_times(c->a[0], (const char *)c->a[1], (const int64_t *)c->a[2], c->a[3], false);
}

/* utime, utimes and futimesat: their times in seconds (utime's struct
 * utimbuf) or struct timevals (a microsecond out of range is EINVAL),
 * NULL for now, through utimensat. */
static long old_utimes(long dirfd, const char *path, const int64_t *t, bool timeval)
{
	if (!t)
		return set_times(dirfd, path, 0, 0, true);
	if (!user_ok((uint64_t)t, timeval ? 32 : 16))
		return -EFAULT;
	int64_t ts[4];
	for (int i = 0; i < 2; i++) {
		int64_t us = timeval ? t[2 * i + 1] : 0;
		if (us < 0 || us >= 1000000)
			return -EINVAL;
		ts[2 * i] = timeval ? t[2 * i] : t[i];
		ts[2 * i + 1] = us * 1000;
	}
	return set_times(dirfd, path, ts, 0, true);
}

long sys_utime(const struct sys_call *c)
{
	return old_utimes(AT_FDCWD, (const char *)c->a[0], (const int64_t *)c->a[1], false);
}

long sys_utimes(const struct sys_call *c)
{
	return old_utimes(AT_FDCWD, (const char *)c->a[0], (const int64_t *)c->a[1], true);
}

long sys_futimesat(const struct sys_call *c)
{
	return old_utimes(c->a[0], (const char *)c->a[1], (const int64_t *)c->a[2], true);
}

/* chown and its relatives: every file is the one user's, who may "give"
 * it only to itself: each id must be -1 (unchanged) or 1000 (a uid_t,
 * the low 32 bits), else EPERM, once the file is found. Nothing changes. */
static long chown_to(long uid, long gid)
{
	uid = (uint32_t)uid, gid = (uint32_t)gid;
	bool ok = (uid == 0xffffffffL || uid == ZRT_UID) && (gid == 0xffffffffL || gid == ZRT_UID);
	return ok ? 0 : -EPERM;
}

long sys_chown(const struct sys_call *c)
{
	struct inode *n;
	long r = path_at(AT_FDCWD, (const char *)c->a[0], 0, &n);
	return r < 0 ? r : chown_to(c->a[1], c->a[2]);
}

long sys_lchown(const struct sys_call *c)
{
	struct inode *n;
	long r = path_at(AT_FDCWD, (const char *)c->a[0], AT_SYMLINK_NOFOLLOW, &n);
	return r < 0 ? r : chown_to(c->a[1], c->a[2]);
}

long sys_fchown(const struct sys_call *c)
{
	return fd_file(c->a[0]) ? chown_to(c->a[1], c->a[2]) : -EBADF;
}

long sys_fchownat(const struct sys_call *c)
{
	long flags = c->a[4];
	if (flags & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct inode *n;
	long r = path_at(c->a[0], (const char *)c->a[1], flags, &n);
	return r < 0 ? r : chown_to(c->a[2], c->a[3]);
}
