/*
 * fd.c - the descriptor table: descriptors 0 to ZRT_FD_MAX - 1 (below
 * BOOT_SYNC_FD, boot_abi.h), each an open file description shared by its
 * duplicates, with a close-on-exec flag of its own (which nothing ever
 * reads: there is no exec).
 */
#include <linux/close_range.h>
#include <linux/fcntl.h>

#include "../mem.h"
#include "../pipe.h"
#include "../syscall.h"
#include "../user.h"
#include "fs.h"

static struct {
	struct ofd *o;
	bool cloexec;
} fdt[ZRT_FD_MAX];

/* Descriptors and flags are C ints: the upper half of the register is
 * whatever the caller left there (mov $-100, %edi zero-extends). */
struct ofd *fd_get(long fd)
{
	fd = (int)fd;
	if (fd < 0 || fd >= ZRT_FD_MAX)
		return 0;
	return fdt[fd].o;
}

long fd_alloc(long from, struct ofd *o, bool cloexec)
{
	for (long fd = from < 0 ? 0 : from; fd < ZRT_FD_MAX; fd++) {
		if (!fdt[fd].o) {
			fdt[fd].o = o;
			fdt[fd].cloexec = cloexec;
			o->refs++;
			return fd;
		}
	}
	return -EMFILE;
}

static void ofd_put(struct ofd *o)
{
	if (--o->refs)
		return;
	if (o->ino->pipe)
		pipe_close(o->ino->pipe, (o->flags & O_ACCMODE) == O_RDONLY);
	o->ino->opens--;
	inode_put(o->ino);
	mem_free(o, sizeof *o);
}

long fd_close(long fd)
{
	fd = (int)fd;
	struct ofd *o = fd_get(fd);
	if (!o)
		return -EBADF;
	fdt[fd].o = 0;
	ofd_put(o);
	return 0;
}

long fd_open(struct inode *n, int flags)
{
	struct ofd *o = mem_alloc(sizeof *o);
	if (!o)
		return -ENOMEM;
	o->ino = n;
	o->flags = flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY | O_CLOEXEC);
	n->opens++;
	long fd = fd_alloc(0, o, flags & O_CLOEXEC);
	if (fd < 0) {
		n->opens--;
		mem_free(o, sizeof *o);
	}
	return fd;
}

void fd_set_cloexec(long fd, bool on)
{
	fdt[fd].cloexec = on;
}

static long do_fcntl(long fd, long cmd, long arg)
{
	fd = (int)fd, cmd = (int)cmd;
	struct ofd *o = fd_get(fd);
	if (!o)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		arg = (int)arg;
		if (arg < 0 || arg >= ZRT_FD_MAX)
			return -EINVAL;
		return fd_alloc(arg, o, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD: return fdt[fd].cloexec ? FD_CLOEXEC : 0;
	case F_SETFD: fdt[fd].cloexec = arg & FD_CLOEXEC; return 0;
	case F_GETFL: return o->flags | (o->ino->chan || S_ISREG(o->ino->mode) ? O_LARGEFILE : 0);
	case F_SETFL: o->flags = (o->flags & ~(O_APPEND | O_NONBLOCK)) | (int)(arg & (O_APPEND | O_NONBLOCK)); return 0;
	case F_GETLK: case F_OFD_GETLK: /* no other process holds a lock */
		if (!user_ok((uint64_t)arg, sizeof(struct flock)))
			return -EFAULT;
		((struct flock *)arg)->l_type = F_UNLCK;
		return 0;
	case F_SETLK: case F_SETLKW: case F_OFD_SETLK: case F_OFD_SETLKW: return 0; /* locks: one process */
	case F_SETPIPE_SZ: case F_GETPIPE_SZ:
		return o->ino->pipe ? pipe_size(o->ino->pipe, cmd == F_SETPIPE_SZ, (uint64_t)(unsigned)arg) : -EBADF;
	default: return -EINVAL;
	}
}

/* ---- the calls ------------------------------------------------------------- */

long sys_close(const struct sys_call *c)
{
	return fd_close(c->a[0]);
}

long sys_close_range(const struct sys_call *c)
{
	const long *a = c->a;
	if ((a[2] & ~(long)(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) || a[0] > a[1])
		return -EINVAL; /* first > last */
	for (long fd = a[0]; fd <= a[1] && fd < ZRT_FD_MAX; fd++)
		if (fdt[fd].o) {
			if (a[2] & CLOSE_RANGE_CLOEXEC)
				fdt[fd].cloexec = true;
			else
				fd_close(fd);
		}
	return 0;
}

long sys_dup(const struct sys_call *c)
{
	struct ofd *o = fd_get(c->a[0]);
	return o ? fd_alloc(0, o, false) : -EBADF;
}

/* dup2, and dup3 with its flags. */
static long dup_to(long fd, long nfd, long flags, bool dup3)
{
	struct ofd *o = fd_get(fd);
	if (!o)
		return -EBADF;
	if (nfd < 0 || nfd >= ZRT_FD_MAX)
		return -EBADF;
	if (dup3 && (flags & ~(long)O_CLOEXEC))
		return -EINVAL;
	if (fd == nfd)
		return dup3 ? -EINVAL : nfd;
	if (fdt[nfd].o)
		fd_close(nfd);
	return fd_alloc(nfd, o, dup3 && (flags & O_CLOEXEC));
}

long sys_dup2(const struct sys_call *c)
{
	return dup_to(c->a[0], c->a[1], 0, false);
}

long sys_dup3(const struct sys_call *c)
{
	return dup_to(c->a[0], c->a[1], c->a[2], true);
}

long sys_fcntl(const struct sys_call *c)
{
	return do_fcntl(c->a[0], c->a[1], c->a[2]);
}
