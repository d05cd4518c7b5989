/*
 * fd.c - the descriptor table: descriptors 0 to ZRT_FD_MAX - 1 (below
 * BOOT_SYNC_FD, boot_abi.h), each an open file description shared by its
 * duplicates, with a close-on-exec flag of its own (which nothing ever
 * reads: there is no exec).
 */
#include <linux/close_range.h>
#include <linux/fcntl.h>
#include <linux/fs.h>

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

struct ofd *fd_file(long fd)
{
	struct ofd *o = fd_get(fd);
	return o && !(o->flags & O_PATH) ? o : 0;
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
	epoll_forget(o);
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
	o->owner_type = F_OWNER_PID;
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

/* F_GETLK, F_SETLK and their OFD forms (fcntl_getlk, fcntl_setlk): no
 * other process holds a lock, so none ever conflicts, but the request is
 * checked as Linux checks it: the struct (EFAULT), a type F_GETLK cannot
 * ask about (EINVAL), the range (whence, a start before 0: EINVAL), the
 * type, and the descriptor's access for the lock asked for (EBADF). */
static long do_lock(struct ofd *o, long cmd, long arg)
{
	struct flock *fl = (struct flock *)arg;
	if (!user_ok((uint64_t)arg, sizeof *fl))
		return -EFAULT;
	bool get = cmd == F_GETLK || cmd == F_OFD_GETLK;
	if (get && fl->l_type != F_RDLCK && fl->l_type != F_WRLCK)
		return -EINVAL;
	int64_t start;
	switch (fl->l_whence) {
	case SEEK_SET: start = 0; break;
	case SEEK_CUR: start = (int64_t)o->pos; break;
	case SEEK_END: start = (int64_t)(o->ino->chan ? o->ino->chan->size : o->ino->size); break;
	default: return -EINVAL;
	}
	if (fl->l_start > INT64_MAX - start)
		return -EOVERFLOW;
	start += fl->l_start;
	if (start < 0 || (fl->l_len < 0 && start + fl->l_len < 0))
		return -EINVAL;
	if (fl->l_len > 0 && fl->l_len - 1 > INT64_MAX - start)
		return -EOVERFLOW;
	if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK && fl->l_type != F_UNLCK)
		return -EINVAL;
	if (get) {
		fl->l_type = F_UNLCK;
		return 0;
	}
	int acc = o->flags & O_ACCMODE;
	if ((fl->l_type == F_RDLCK && (acc == O_WRONLY || acc == 3)) ||
	    (fl->l_type == F_WRLCK && (acc == O_RDONLY || acc == 3)))
		return -EBADF;
	return 0;
}

/* F_SETOWN, F_SETSIG: kept, never used (nothing sends SIGIO); an open
 * file description holds them. The owner is this process, its thread or
 * its group (all id 1), or none (0); any other id is ESRCH. */
static long set_owner(struct ofd *o, int type, long pid)
{
	if (pid != 0 && pid != ZRT_PID)
		return -ESRCH;
	o->owner_type = pid ? type : F_OWNER_PID;
	o->owner = (int)pid;
	return 0;
}

static long do_fcntl(long fd, long cmd, long arg)
{
	fd = (int)fd, cmd = (int)cmd;
	struct ofd *o = fd_get(fd);
	if (!o)
		return -EBADF;
	/* On an O_PATH descriptor only the descriptor's own commands. */
	if ((o->flags & O_PATH) && cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC && cmd != F_GETFD && cmd != F_SETFD &&
	    cmd != F_GETFL)
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
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW: return do_lock(o, cmd, arg);
	case F_SETPIPE_SZ:
	case F_GETPIPE_SZ:
		return o->ino->pipe ? pipe_size(o->ino->pipe, cmd == F_SETPIPE_SZ, (uint64_t)(unsigned)arg) : -EBADF;
	case F_GETOWN: return o->owner_type == F_OWNER_PGRP ? -o->owner : o->owner;
	case F_SETOWN:
		arg = (int)arg;
		if (arg == INT32_MIN)
			return -EINVAL;
		return set_owner(o, arg < 0 ? F_OWNER_PGRP : F_OWNER_PID, arg < 0 ? -arg : arg);
	case F_GETOWN_EX: {
		struct f_owner_ex *ex = (struct f_owner_ex *)arg;
		if (!user_ok((uint64_t)arg, sizeof *ex))
			return -EFAULT;
		ex->type = o->owner_type;
		ex->pid = o->owner;
		return 0;
	}
	case F_SETOWN_EX: {
		const struct f_owner_ex *ex = (const struct f_owner_ex *)arg;
		if (!user_ok((uint64_t)arg, sizeof *ex))
			return -EFAULT;
		if (ex->type != F_OWNER_TID && ex->type != F_OWNER_PID && ex->type != F_OWNER_PGRP)
			return -EINVAL;
		return set_owner(o, ex->type, ex->pid);
	}
	case F_GETSIG: return o->sig;
	case F_SETSIG:
		if ((unsigned long)arg > 64)
			return -EINVAL;
		o->sig = (int)arg;
		return 0;
	case F_GETLEASE: return F_UNLCK; /* none held */
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

/* dup2, and dup3 with its flags, in the kernel's order: dup3's flags and
 * old == new (EINVAL), the new descriptor's range, then the old one
 * (EBADF); dup2 onto itself returns it if it is open. */
static long dup_to(long fd, long nfd, long flags, bool dup3)
{
	fd = (int)fd, nfd = (int)nfd;
	if (dup3 && ((flags & ~(long)O_CLOEXEC) || fd == nfd))
		return -EINVAL;
	if (fd == nfd)
		return fd_get(fd) ? nfd : -EBADF;
	if (nfd < 0 || nfd >= ZRT_FD_MAX)
		return -EBADF;
	struct ofd *o = fd_get(fd);
	if (!o)
		return -EBADF;
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
