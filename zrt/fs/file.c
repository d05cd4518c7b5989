/*
 * file.c - what an inode holds: a file's bytes in memory or still in an
 * image (read through its channel, copied into memory the first time it
 * is changed), a channel's bytes, a device's; truncate, fallocate, and
 * the private copy an mmap of a descriptor makes.
 */
#include <linux/falloc.h>
#include <linux/mman.h>

#include "../mem.h"
#include "../rng.h"
#include "../syscall.h"
#include "fs.h"

/* Make room for size bytes of a file in memory; copies an image's file
 * into memory the first time it is to be changed. */
long file_reserve(struct inode *n, uint64_t size)
{
	if (n->tar) {
		struct zchan *t = n->tar;
		uint64_t sz = n->size;
		n->tar = 0;
		n->size = 0;
		long r = file_reserve(n, sz > size ? sz : size);
		if (r < 0) {
			n->tar = t, n->size = sz;
			return r;
		}
		if (sz && chan_pread(t, n->data, sz, n->tar_off) != (int64_t)sz) {
			n->tar = t, n->size = sz;
			return -EIO;
		}
		n->size = sz;
		return 0;
	}
	if (size <= n->cap)
		return 0;
	uint64_t cap = n->cap ? n->cap * 2 : 64;
	if (cap < size)
		cap = size;
	unsigned char *d = cap < size * 2 + (1u << 20) ? mem_alloc(cap) : 0;
	if (!d) {
		cap = size;
		d = mem_alloc(cap);
	}
	if (!d)
		return -ENOSPC;
	if (n->data) {
		memcpy(d, n->data, n->size);
		mem_free(n->data, n->cap);
	}
	n->data = d;
	n->cap = cap;
	return 0;
}

long file_truncate(struct inode *n, uint64_t size)
{
	if (S_ISDIR(n->mode))
		return -EISDIR;
	if (!S_ISREG(n->mode))
		return -EINVAL;
	if (n->chan)
		return 0; /* a channel's size is the host's business */
	if (size > ZRT_FILE_MAX)
		return -EFBIG;
	long r = file_reserve(n, size);
	if (r < 0)
		return r;
	if (size < n->size)
		memset(n->data + size, 0, n->size - size);
	n->size = size;
	n->mtime = n->ctime = fs_now();
	return 0;
}

int64_t file_read(struct inode *n, void *buf, uint64_t len, uint64_t off, uint64_t *pos_adv)
{
	*pos_adv = 0;
	if (n->chan) {
		if (!n->chan->readable)
			return -EBADF;
		int64_t r = chan_read_cached(n->chan, buf, len, off);
		if (r > 0)
			*pos_adv = (uint64_t)r;
		return r;
	}
	switch (n->dev) {
	case DEV_NULL: return 0;
	case DEV_ZERO:
	case DEV_FULL:
		memset(buf, 0, len);
		*pos_adv = len;
		return (int64_t)len;
	case DEV_RANDOM:
		rng_fill(buf, len);
		*pos_adv = len;
		return (int64_t)len;
	case DEV_FORK: {
		int64_t r = fs_fork_read ? fs_fork_read(buf, len, off) : 0;
		if (r > 0)
			*pos_adv = (uint64_t)r;
		return r;
	}
	}
	if (S_ISDIR(n->mode))
		return -EISDIR;
	if (off >= n->size)
		return 0;
	if (len > n->size - off)
		len = n->size - off;
	int64_t r;
	if (n->tar) {
		r = chan_pread(n->tar, buf, len, n->tar_off + off);
		if (r >= 0 && (uint64_t)r < len)
			r = -EIO; /* the image is shorter than its own header says */
	} else {
		memcpy(buf, n->data + off, len);
		r = (int64_t)len;
	}
	if (r > 0)
		*pos_adv = (uint64_t)r;
	return r;
}

int64_t file_write(struct inode *n, const void *buf, uint64_t len, uint64_t off)
{
	if (n->chan) {
		if (!n->chan->writable)
			return -EBADF;
		return chan_pwrite(n->chan, buf, len, off);
	}
	switch (n->dev) {
	case DEV_NULL:
	case DEV_ZERO:
	case DEV_RANDOM: return (int64_t)len;
	case DEV_FULL: return -ENOSPC;
	case DEV_FORK: return -EINVAL;
	}
	/* Past the maximum size: EFBIG; across it: a short write (Linux). */
	if (off >= ZRT_FILE_MAX)
		return -EFBIG;
	if (len > ZRT_FILE_MAX - off)
		len = ZRT_FILE_MAX - off;
	long r = file_reserve(n, off + len);
	if (r < 0)
		return r;
	memcpy(n->data + off, buf, len);
	if (off + len > n->size)
		n->size = off + len;
	n->mtime = n->ctime = fs_now();
	return (int64_t)len;
}

/* fallocate(2) in the order vfs_fallocate checks: modes 0 (allocate:
 * grow), KEEP_SIZE (nothing to reserve in memory), PUNCH_HOLE|KEEP_SIZE
 * (zeros); anything else is EOPNOTSUPP, as on tmpfs. */
static long do_fallocate(long fd, int mode, int64_t off, int64_t len)
{
	struct ofd *o = fd_file(fd);
	if (!o)
		return -EBADF;
	if (off < 0 || len <= 0)
		return -EINVAL;
	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	int acc = o->flags & O_ACCMODE;
	if (acc != O_WRONLY && acc != O_RDWR)
		return -EBADF;
	struct inode *n = o->ino;
	if (n->pipe)
		return -ESPIPE;
	if (S_ISDIR(n->mode))
		return -EISDIR;
	if (!S_ISREG(n->mode) || n->dev)
		return -ENODEV;
	if (off > INT64_MAX - len || (uint64_t)(off + len) > ZRT_FILE_MAX)
		return -EFBIG;
	if (n->chan)
		return 0; /* a channel's size is the host's business */
	uint64_t end = (uint64_t)(off + len);
	if (mode & FALLOC_FL_PUNCH_HOLE) {
		if ((uint64_t)off >= n->size)
			return 0;
		long r = file_reserve(n, n->size); /* an image's file comes into memory */
		if (r < 0)
			return r;
		memset(n->data + off, 0, (end < n->size ? end : n->size) - (uint64_t)off);
		n->mtime = n->ctime = fs_now();
		return 0;
	}
	if (mode & FALLOC_FL_KEEP_SIZE)
		return 0;
	return end > n->size ? file_truncate(n, end) : 0;
}

/* ---- the calls ------------------------------------------------------------- */

long sys_truncate(const struct sys_call *c)
{
	struct inode *n;
	long r = path_at(AT_FDCWD, (const char *)c->a[0], 0, &n);
	if (r == 0 && S_ISREG(n->mode))
		r = fs_rofs(n);
	return r < 0 ? r : file_truncate(n, (uint64_t)c->a[1]);
}

long sys_ftruncate(const struct sys_call *c)
{
	struct ofd *o = fd_file(c->a[0]);
	if (!o)
		return -EBADF;
	if ((o->flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL;
	return file_truncate(o->ino, (uint64_t)c->a[1]);
}

long sys_fallocate(const struct sys_call *c)
{
	return do_fallocate(c->a[0], (int)c->a[1], c->a[2], c->a[3]);
}
