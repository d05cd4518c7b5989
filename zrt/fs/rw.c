/*
 * rw.c - reading and writing: read, write, their positioned and vector
 * forms, sendfile and copy_file_range, lseek. A pipe operation that could
 * only wait for ever ends the session (exit_would_block).
 */
#include <linux/fs.h>
#include <linux/signal.h>

#include "../exit.h"
#include "../mem.h"
#include "../pipe.h"
#include "../sig.h"
#include "../syscall.h"
#include "../user.h"
#include "fs.h"

static bool is_seq(const struct inode *n)
{
	if (n->pipe)
		return true;
	return n->chan ? !(n->chan->random_read || n->chan->random_write) : n->dev != DEV_NONE;
}

/* Positions of regular files are signed (loff_t): a negative one, or one
 * whose end wraps, is EINVAL (rw_verify_area). */
static bool bad_range(const struct inode *n, uint64_t off, uint64_t len)
{
	return !is_seq(n) && ((int64_t)off < 0 || (int64_t)(off + len) < 0);
}

static int64_t fd_read(long fd, void *buf, uint64_t len, const uint64_t *at)
{
	struct ofd *o = fd_get(fd);
	if (!o)
		return -EBADF;
	int acc = o->flags & O_ACCMODE;
	if (acc == O_WRONLY || acc == 3 || (o->flags & O_PATH))
		return -EBADF;
	if (len > ZRT_RW_MAX)
		len = ZRT_RW_MAX;
	if (len && !user_ok((uint64_t)buf, len))
		return -EFAULT;
	if (at && is_seq(o->ino))
		return -ESPIPE;
	if (bad_range(o->ino, at ? *at : o->pos, len))
		return -EINVAL;
	if (o->ino->pipe) {
		int64_t r = pipe_read(o->ino->pipe, buf, len, o->flags & O_NONBLOCK);
		if (r == ZRT_WOULD_BLOCK)
			exit_would_block("read of an empty pipe whose write end is open");
		return r;
	}
	uint64_t adv;
	int64_t r = file_read(o->ino, buf, len, at ? *at : o->pos, &adv);
	if (!at)
		o->pos += adv;
	return r;
}

static int64_t fd_write(long fd, const void *buf, uint64_t len, const uint64_t *at)
{
	struct ofd *o = fd_get(fd);
	if (!o)
		return -EBADF;
	int acc = o->flags & O_ACCMODE;
	if (acc == O_RDONLY || acc == 3 || (o->flags & O_PATH))
		return -EBADF;
	if (len > ZRT_RW_MAX)
		len = ZRT_RW_MAX;
	if (len && !user_ok((uint64_t)buf, len))
		return -EFAULT;
	struct inode *n = o->ino;
	if (at && is_seq(n))
		return -ESPIPE;
	uint64_t off = at ? *at : o->pos;
	if (bad_range(n, off, len))
		return -EINVAL;
	if (n->pipe) {
		int64_t r = pipe_write(n->pipe, buf, len, o->flags & O_NONBLOCK);
		if (r == ZRT_WOULD_BLOCK)
			exit_would_block("write to a full pipe whose read end is open");
		if (r == -EPIPE)
			sig_send_self(SIGPIPE, SI_USER); /* as the kernel sends it */
		return r;
	}
	/* O_APPEND appends, even for pwrite (a Linux bug kept for
	 * compatibility, pwrite(2)). */
	if (o->flags & O_APPEND)
		off = n->chan ? n->chan->size : n->size;
	if (len == 0)
		return 0;
	int64_t r = file_write(n, buf, len, off);
	if (r > 0 && !at)
		o->pos = off + (uint64_t)r;
	return r;
}

struct iovec_k {
	uint64_t base, len;
};

static int64_t fd_rwv(long fd, const struct iovec_k *iov, long cnt, const uint64_t *at, bool wr)
{
	if (cnt < 0 || cnt > 1024)
		return -EINVAL;
	if (cnt && !user_ok((uint64_t)iov, (uint64_t)cnt * sizeof *iov))
		return -EFAULT;
	int64_t total = 0;
	uint64_t off = at ? *at : 0;
	for (long i = 0; i < cnt; i++) {
		if (!iov[i].len)
			continue;
		int64_t r = wr ? fd_write(fd, (void *)iov[i].base, iov[i].len, at ? &off : 0)
			       : fd_read(fd, (void *)iov[i].base, iov[i].len, at ? &off : 0);
		if (r < 0)
			return total ? total : r;
		total += r;
		off += (uint64_t)r;
		if ((uint64_t)r < iov[i].len)
			break;
	}
	return total;
}

/* sendfile and copy_file_range through a bounce buffer in the heap. */
static int64_t fd_copy(long out, long in, uint64_t *inoff, uint64_t count)
{
	static unsigned char *bounce;
	enum { BOUNCE = 256u << 10 };
	if (!bounce && !(bounce = mem_alloc(BOUNCE)))
		return -ENOMEM;
	int64_t total = 0;
	while ((uint64_t)total < count) {
		uint64_t n = count - (uint64_t)total < BOUNCE ? count - (uint64_t)total : BOUNCE;
		int64_t r = fd_read(in, bounce, n, inoff);
		if (r <= 0)
			return total ? total : r;
		if (inoff)
			*inoff += (uint64_t)r;
		int64_t w = fd_write(out, bounce, (uint64_t)r, 0);
		if (w < 0)
			return total ? total : w;
		total += w;
		if (w < r || (uint64_t)r < n)
			break;
	}
	return total;
}

static long do_lseek(long fd, int64_t off, long whence)
{
	struct ofd *o = fd_get(fd);
	if (!o)
		return -EBADF;
	struct inode *n = o->ino;
	if (is_seq(n)) {
		if (n->dev != DEV_NONE)
			return 0;
		return -ESPIPE;
	}
	int64_t base;
	uint64_t size = n->chan ? n->chan->size : n->size;
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)o->pos; break;
	case SEEK_END: base = (int64_t)size; break;
	case SEEK_DATA:
		if ((uint64_t)off >= size)
			return -ENXIO;
		o->pos = (uint64_t)off;
		return off;
	case SEEK_HOLE:
		if ((uint64_t)off >= size)
			return -ENXIO;
		o->pos = size;
		return (long)size;
	default: return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	if (!n->chan && (uint64_t)(base + off) > ZRT_FILE_MAX)
		return -EINVAL; /* past the maximum file size (generic_file_llseek_size) */
	o->pos = (uint64_t)(base + off);
	return (long)o->pos;
}

/* ---- the calls ------------------------------------------------------------- */

long sys_read(const struct sys_call *c)
{
	return fd_read(c->a[0], (void *)c->a[1], (uint64_t)c->a[2], 0);
}

long sys_write(const struct sys_call *c)
{
	return fd_write(c->a[0], (const void *)c->a[1], (uint64_t)c->a[2], 0);
}

long sys_pread64(const struct sys_call *c)
{
	uint64_t off = (uint64_t)c->a[3];
	return fd_read(c->a[0], (void *)c->a[1], (uint64_t)c->a[2], &off);
}

long sys_pwrite64(const struct sys_call *c)
{
	uint64_t off = (uint64_t)c->a[3];
	return fd_write(c->a[0], (const void *)c->a[1], (uint64_t)c->a[2], &off);
}

long sys_readv(const struct sys_call *c)
{
	return fd_rwv(c->a[0], (const struct iovec_k *)c->a[1], c->a[2], 0, false);
}

long sys_writev(const struct sys_call *c)
{
	return fd_rwv(c->a[0], (const struct iovec_k *)c->a[1], c->a[2], 0, true);
}

/* preadv, pwritev and their v2: an offset is a signed loff_t, negative is
 * EINVAL (the table checks it for the first two), except -1 for the v2
 * calls, which means the file position. */
static long rwv_at(const long *a, bool wr, bool v2)
{
	if (v2 && (a[5] & ~(long)(RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND)))
		return -EOPNOTSUPP;
	if (v2 && a[3] == -1)
		return fd_rwv(a[0], (const struct iovec_k *)a[1], a[2], 0, wr);
	if (a[3] < 0)
		return -EINVAL;
	uint64_t off = (uint64_t)a[3];
	return fd_rwv(a[0], (const struct iovec_k *)a[1], a[2], &off, wr);
}

long sys_preadv(const struct sys_call *c)
{
	return rwv_at(c->a, false, false);
}

long sys_pwritev(const struct sys_call *c)
{
	return rwv_at(c->a, true, false);
}

long sys_preadv2(const struct sys_call *c)
{
	return rwv_at(c->a, false, true);
}

long sys_pwritev2(const struct sys_call *c)
{
	return rwv_at(c->a, true, true);
}

long sys_sendfile(const struct sys_call *c)
{
	const long *a = c->a;
	if (a[2]) {
		if (!user_ok((uint64_t)a[2], 8))
			return -EFAULT;
		return fd_copy(a[0], a[1], (uint64_t *)a[2], (uint64_t)a[3]);
	}
	return fd_copy(a[0], a[1], 0, (uint64_t)a[3]);
}

long sys_copy_file_range(const struct sys_call *c)
{
	const long *a = c->a;
	if (a[3] || a[5])
		return -EINVAL;
	if (a[1]) {
		if (!user_ok((uint64_t)a[1], 8))
			return -EFAULT;
		return fd_copy(a[2], a[0], (uint64_t *)a[1], (uint64_t)a[4]);
	}
	return fd_copy(a[2], a[0], 0, (uint64_t)a[4]);
}

long sys_lseek(const struct sys_call *c)
{
	return do_lseek(c->a[0], (int64_t)c->a[1], c->a[2]);
}
