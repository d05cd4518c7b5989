/*
 * sync.c - the calls that only name a file and change nothing the program
 * can see: fsync, fdatasync, syncfs, sync_file_range (memory is the only
 * storage), flock (one process: no other lock holder), fadvise64 (nothing
 * to read ahead or drop), statfs and fstatfs (one tmpfs, sized by the
 * heap). They still check what they are given as Linux does, in its
 * order: the descriptor (an O_PATH one is no open file to them, EBADF,
 * except for fstatfs), the flags, the range, the kind of file.
 */
#include <asm/statfs.h>
#include <linux/fadvise.h>
#include <linux/fs.h>
#include <linux/magic.h>

#include "../mem.h"
#include "../syscall.h"
#include "../user.h"
#include "fs.h"

_Static_assert(sizeof(struct statfs) == 120, "struct statfs of x86-64");

static uint32_t type_of(const struct ofd *o)
{
	return inode_mode(o->ino) & S_IFMT;
}

/* fsync, fdatasync: a pipe or a device has nothing to sync (no fsync
 * operation: EINVAL). */
long sys_fsync(const struct sys_call *c)
{
	struct ofd *o = fd_file(c->a[0]);
	if (!o)
		return -EBADF;
	uint32_t t = type_of(o);
	return t == S_IFREG || t == S_IFDIR ? 0 : -EINVAL;
}

long sys_syncfs(const struct sys_call *c)
{
	return fd_file(c->a[0]) ? 0 : -EBADF;
}

/* sync_file_range(fd, offset, nbytes, flags): the kernel's order. */
#define SYNC_FILE_RANGE_FLAGS 7L /* WAIT_BEFORE | WRITE | WAIT_AFTER */
long sys_sync_file_range(const struct sys_call *c)
{
	const long *a = c->a;
	struct ofd *o = fd_file(a[0]);
	if (!o)
		return -EBADF;
	int64_t off = a[1], end = (int64_t)((uint64_t)a[1] + (uint64_t)a[2]);
	if ((a[3] & ~SYNC_FILE_RANGE_FLAGS) || off < 0 || end < 0 || end < off)
		return -EINVAL;
	uint32_t t = type_of(o);
	return t == S_IFREG || t == S_IFDIR || t == S_IFLNK ? 0 : -ESPIPE;
}

/* flock(fd, cmd): the command first, then the descriptor; a descriptor
 * opened for neither reading nor writing (access mode 3) may only
 * unlock. */
long sys_flock(const struct sys_call *c)
{
	long cmd = c->a[1] & ~(long)LOCK_NB;
	if (cmd != LOCK_SH && cmd != LOCK_EX && cmd != LOCK_UN)
		return -EINVAL;
	struct ofd *o = fd_file(c->a[0]);
	if (!o || (cmd != LOCK_UN && (o->flags & O_ACCMODE) == 3))
		return -EBADF;
	return 0;
}

/* fadvise64(fd, offset, len, advice): a pipe has no pages (ESPIPE); a
 * negative length or unknown advice is EINVAL; a negative offset is
 * accepted. */
long sys_fadvise64(const struct sys_call *c)
{
	const long *a = c->a;
	struct ofd *o = fd_file(a[0]);
	if (!o)
		return -EBADF;
	if (type_of(o) == S_IFIFO)
		return -ESPIPE;
	if (a[2] < 0 || a[3] < POSIX_FADV_NORMAL || a[3] > POSIX_FADV_NOREUSE)
		return -EINVAL;
	return 0;
}

static long fill_statfs(struct statfs *buf)
{
	if (!user_ok((uint64_t)buf, sizeof *buf))
		return -EFAULT;
	memset(buf, 0, sizeof *buf);
	buf->f_type = TMPFS_MAGIC;
	buf->f_bsize = buf->f_frsize = 4096;
	buf->f_blocks = (long)(mem_total_bytes() / 4096);
	buf->f_bfree = buf->f_bavail = (long)(mem_free_bytes() / 4096);
	buf->f_files = buf->f_ffree = 1 << 20;
	buf->f_namelen = NAME_MAX;
	return 0;
}

long sys_statfs(const struct sys_call *c)
{
	struct inode *n;
	long r = path_at(AT_FDCWD, (const char *)c->a[0], 0, &n);
	return r < 0 ? r : fill_statfs((struct statfs *)c->a[1]);
}

/* fstatfs takes any descriptor, O_PATH included (fdget_raw). */
long sys_fstatfs(const struct sys_call *c)
{
	return fd_get(c->a[0]) ? fill_statfs((struct statfs *)c->a[1]) : -EBADF;
}
