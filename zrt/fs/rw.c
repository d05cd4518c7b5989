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
#include "../thread.h"
#include "../sig.h"
#include "../syscall.h"
#include "../user.h"
#include "fs.h"

/* A stream cannot be positioned: pread and pwrite are ESPIPE, and a
 * position means nothing to it. Devices can (they ignore the position). */
static bool is_stream(const struct inode *n)
{
	return n->pipe || n->evt || n->ep || (n->chan && !(n->chan->random_read || n->chan->random_write));
}

/* Positions of regular files are signed (loff_t): a negative one, or one
 * whose end wraps, is EINVAL (rw_verify_area). */
static bool bad_range(const struct inode *n, uint64_t off, uint64_t len)
{
	return !is_stream(n) && ((int64_t)off < 0 || (int64_t)(off + len) < 0);
}

/* The RWF_ flags of preadv2 and pwritev2 (RWF_NOAPPEND is Linux 6.9's:
 * the headers here may not have it). RWF_ATOMIC and RWF_DONTCACHE are
 * known to Linux but not supported by this filesystem: EOPNOTSUPP, as on
 * one without them. */
#ifndef RWF_NOAPPEND
#define RWF_NOAPPEND 0x00000020
#endif
#define RWF_KNOWN (long)(RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND | RWF_NOAPPEND)

/* What a read or write call checks first, in the kernel's order: the
 * descriptor (an O_PATH one is no open file: EBADF), whether a positioned
 * call can position it (ESPIPE), its access mode (EBADF). */
static long rw_open(long fd, bool at, bool wr, struct ofd **out)
{
	struct ofd *o = fd_file(fd);
	if (!o)
		return -EBADF;
	if (at && is_stream(o->ino))
		return -ESPIPE;
	int acc = o->flags & O_ACCMODE;
	if (acc == 3 || acc == (wr ? O_RDONLY : O_WRONLY))
		return -EBADF;
	*out = o;
	return 0;
}

/* The transfers, once the descriptor is checked. len has passed
 * user_range (access_ok); the bytes moved stop where guest memory ends, as
 * the kernel's copy stops at the first page it cannot touch. at: the
 * position of a positioned call (NULL: the file position). rwf: RWF_NOWAIT
 * (a pipe does not wait), RWF_APPEND (write at the end), RWF_NOAPPEND
 * (do not, despite O_APPEND). */
static int64_t xfer_read(struct ofd *o, void *buf, uint64_t len, const uint64_t *at, long rwf)
{
	if (o->ino->evt) /* its own order: the size, the counter, then the memory */
		return eventfd_read(o->ino->evt, buf, len, (o->flags & O_NONBLOCK) || (rwf & RWF_NOWAIT));
	if (o->ino->ep) /* no read method */
		return -EINVAL;
	if (len > ZRT_RW_MAX)
		len = ZRT_RW_MAX;
	uint64_t reach = user_reach((uint64_t)buf, len);
	if (len && !reach)
		return -EFAULT;
	if (o->ino->pipe) {
		bool nonblock = (o->flags & O_NONBLOCK) || (rwf & RWF_NOWAIT);
		int64_t r = pipe_read(o->ino->pipe, buf, reach, nonblock);
		if (r == ZRT_WOULD_BLOCK && thread_alone())
			exit_would_block("read of an empty pipe whose write end is open");
		if (r == ZRT_WOULD_BLOCK) /* another thread may write: wait for it (thread.c) */
			return thread_io_wait(true, false, 0, 0);
		return r;
	}
	uint64_t adv;
	int64_t r = file_read(o->ino, buf, reach, at ? *at : o->pos, &adv);
	if (!at)
		o->pos += adv;
	return r;
}

static int64_t xfer_write(struct ofd *o, const void *buf, uint64_t len, const uint64_t *at, long rwf)
{
	if (o->ino->evt)
		return eventfd_write(o->ino->evt, buf, len, (o->flags & O_NONBLOCK) || (rwf & RWF_NOWAIT));
	if (o->ino->ep)
		return -EINVAL;
	if (len > ZRT_RW_MAX)
		len = ZRT_RW_MAX;
	uint64_t reach = user_reach((uint64_t)buf, len);
	if (len && !reach)
		return -EFAULT;
	struct inode *n = o->ino;
	if (n->pipe) {
		bool nonblock = (o->flags & O_NONBLOCK) || (rwf & RWF_NOWAIT);
		int64_t r = pipe_write(n->pipe, buf, reach, nonblock);
		if (r == ZRT_WOULD_BLOCK && thread_alone())
			exit_would_block("write to a full pipe whose read end is open");
		if (r == ZRT_WOULD_BLOCK) /* nothing written: wait for a reader */
			return thread_io_wait(true, false, 0, 0);
		if (r == -EPIPE)
			sig_send_self(SIGPIPE, SI_USER); /* as the kernel sends it */
		return r;
	}
	uint64_t off = at ? *at : o->pos;
	/* O_APPEND appends, even for pwrite (a Linux bug kept for
	 * compatibility, pwrite(2)). */
	bool append = (rwf & RWF_APPEND) || ((o->flags & O_APPEND) && !(rwf & RWF_NOAPPEND));
	if (append)
		off = n->chan ? n->chan->size : n->size;
	if (len == 0)
		return 0;
	int64_t r = file_write(n, buf, reach, off);
	if (r > 0 && !at)
		o->pos = off + (uint64_t)r;
	return r;
}

/* read, write, pread64, pwrite64 (vfs_read, vfs_write): the descriptor,
 * the buffer's range (EFAULT), the file range (EINVAL), the transfer. */
static int64_t fd_read(long fd, void *buf, uint64_t len, const uint64_t *at)
{
	struct ofd *o;
	long r = rw_open(fd, at, false, &o);
	if (r < 0)
		return r;
	if (!user_range((uint64_t)buf, len))
		return -EFAULT;
	if (bad_range(o->ino, at ? *at : o->pos, len))
		return -EINVAL;
	return xfer_read(o, buf, len, at, 0);
}

static int64_t fd_write(long fd, const void *buf, uint64_t len, const uint64_t *at)
{
	struct ofd *o;
	long r = rw_open(fd, at, true, &o);
	if (r < 0)
		return r;
	if (!user_range((uint64_t)buf, len))
		return -EFAULT;
	if (bad_range(o->ino, at ? *at : o->pos, len))
		return -EINVAL;
	return xfer_write(o, buf, len, at, 0);
}

struct iovec_k {
	uint64_t base, len;
};

/* The vector calls in the kernel's order (do_readv/do_preadv, vfs_readv,
 * import_iovec): the descriptor (rw_open); the count (at most UIO_MAXIOV,
 * 1024) and the vector's memory; each length (negative: EINVAL) and base
 * (access_ok), the total capped at MAX_RW_COUNT; nothing to move: 0,
 * before the range and the flags are looked at; the range; the RWF_
 * flags (unknown: EOPNOTSUPP; RWF_APPEND with RWF_NOAPPEND: EINVAL);
 * then the transfers, until one falls short. */
static int64_t fd_rwv(long fd, const struct iovec_k *iov, uint64_t cnt, const uint64_t *at, bool wr, long rwf)
{
	struct ofd *o;
	long r = rw_open(fd, at, wr, &o);
	if (r < 0)
		return r;
	if (cnt > 1024)
		return -EINVAL;
	if (cnt && !user_ok((uint64_t)iov, cnt * sizeof *iov))
		return -EFAULT;
	uint64_t total = 0;
	for (uint64_t i = 0; i < cnt; i++)
		if ((int64_t)iov[i].len < 0)
			return -EINVAL;
	for (uint64_t i = 0; i < cnt; i++) {
		if (!user_range(iov[i].base, iov[i].len))
			return -EFAULT;
		total += iov[i].len < ZRT_RW_MAX - total ? iov[i].len : ZRT_RW_MAX - total;
	}
	if (total == 0)
		return 0;
	uint64_t off = at ? *at : o->pos;
	if (bad_range(o->ino, off, total))
		return -EINVAL;
	if (rwf & ~RWF_KNOWN)
		return -EOPNOTSUPP;
	if ((rwf & RWF_APPEND) && (rwf & RWF_NOAPPEND))
		return -EINVAL;
	int64_t done = 0;
	for (uint64_t i = 0; i < cnt && (uint64_t)done < total; i++) {
		uint64_t len = iov[i].len < total - (uint64_t)done ? iov[i].len : total - (uint64_t)done;
		if (!len)
			continue;
		int64_t n = wr ? xfer_write(o, (const void *)iov[i].base, len, at ? &off : 0, rwf)
			       : xfer_read(o, (void *)iov[i].base, len, at ? &off : 0, rwf);
		if (n < 0)
			return done ? done : n;
		done += n;
		off += (uint64_t)n;
		if ((uint64_t)n < len)
			break;
	}
	return done;
}

/* sendfile and copy_file_range copy through a bounce buffer in the heap:
 * from in (at *inoff, else its position) to out (at *outoff, else its
 * position), each advanced by what was copied. */
static int64_t copy_through(struct ofd *in, uint64_t *inoff, struct ofd *out, uint64_t *outoff, uint64_t count)
{
	static unsigned char *bounce;
	enum { BOUNCE = 256u << 10 };
	if (!bounce && !(bounce = mem_alloc(BOUNCE)))
		return -ENOMEM;
	int64_t total = 0;
	while ((uint64_t)total < count) {
		uint64_t n = count - (uint64_t)total < BOUNCE ? count - (uint64_t)total : BOUNCE;
		int64_t r = xfer_read(in, bounce, n, inoff, 0);
		if (r <= 0) /* a wait (THREAD_BLOCKED) restarts the call: nothing was moved yet, or it returns */
			return total ? total : r;
		if (inoff)
			*inoff += (uint64_t)r;
		int64_t w = xfer_write(out, bounce, (uint64_t)r, outoff, 0);
		if (w == THREAD_BLOCKED) /* what was read would be lost by a restart */
			exit_would_block("sendfile or copy_file_range to a full pipe");
		if (w < 0)
			return total ? total : w;
		if (outoff)
			*outoff += (uint64_t)w;
		total += w;
		if (w < r || (uint64_t)r < n)
			break;
	}
	return total;
}

/* sendfile(out, in, offset, count) in the kernel's order (do_sendfile):
 * the offset's memory, the input (EBADF, ESPIPE for an offset on a
 * stream, a negative range EINVAL), the output; a pipe cannot be read
 * this way and an O_APPEND file not written (EINVAL). */
static long do_sendfile(long outfd, long infd, int64_t *offset, uint64_t count)
{
	if (offset && !user_ok((uint64_t)offset, 8))
		return -EFAULT;
	struct ofd *in, *out;
	long r = rw_open(infd, false, false, &in);
	if (r < 0)
		return r;
	if (offset && is_stream(in->ino))
		return -ESPIPE;
	uint64_t pos = offset ? (uint64_t)*offset : in->pos;
	if (bad_range(in->ino, pos, count))
		return -EINVAL;
	r = rw_open(outfd, false, true, &out);
	if (r < 0)
		return r;
	if (in->ino->pipe || (!out->ino->pipe && (out->flags & O_APPEND)))
		return -EINVAL;
	if (count > ZRT_RW_MAX)
		count = ZRT_RW_MAX;
	if (!offset)
		return copy_through(in, 0, out, 0, count);
	uint64_t at = pos;
	int64_t n = copy_through(in, &at, out, 0, count);
	*offset = (int64_t)at;
	return n;
}

/* copy_file_range(in, off_in, out, off_out, len, flags) in the kernel's
 * order: the descriptors, the offsets' memory, the flags, the kinds of
 * file (directories EISDIR, anything but regular files EINVAL), the
 * access modes and O_APPEND (EBADF), offsets that wrap (EOVERFLOW), the
 * copy cut at the input's end, an overlap within one file (EINVAL). */
static long do_copy_file_range(long infd, int64_t *offin, long outfd, int64_t *offout, uint64_t len, long flags)
{
	struct ofd *in = fd_file(infd), *out = in ? fd_file(outfd) : 0;
	if (!in || !out)
		return -EBADF;
	if ((offin && !user_ok((uint64_t)offin, 8)) || (offout && !user_ok((uint64_t)offout, 8)))
		return -EFAULT;
	if (flags)
		return -EINVAL;
	uint32_t ti = inode_mode(in->ino) & S_IFMT, to = inode_mode(out->ino) & S_IFMT;
	if (ti == S_IFDIR || to == S_IFDIR)
		return -EISDIR;
	if (ti != S_IFREG || to != S_IFREG)
		return -EINVAL;
	int ai = in->flags & O_ACCMODE, ao = out->flags & O_ACCMODE;
	if (ai == O_WRONLY || ai == 3 || ao == O_RDONLY || ao == 3 || (out->flags & O_APPEND))
		return -EBADF;
	uint64_t pin = offin ? (uint64_t)*offin : in->pos, pout = offout ? (uint64_t)*offout : out->pos;
	if (pin + len < pin || pout + len < pout)
		return -EOVERFLOW;
	uint64_t size = in->ino->chan ? in->ino->chan->size : in->ino->size;
	len = pin >= size ? 0 : len < size - pin ? len : size - pin;
	if (in->ino == out->ino && pout + len > pin && pout < pin + len)
		return -EINVAL;
	if (len == 0)
		return 0;
	if (len > ZRT_RW_MAX)
		len = ZRT_RW_MAX;
	int64_t n = copy_through(in, &pin, out, &pout, len);
	if (n > 0) {
		if (offin)
			*offin = (int64_t)pin;
		else
			in->pos = pin;
		if (offout)
			*offout = (int64_t)pout;
		else
			out->pos = pout;
	}
	return n;
}

/* lseek (ksys_lseek): the descriptor, an unknown whence (before ESPIPE),
 * a stream (ESPIPE); a device stays at 0 (/dev/null's null_lseek). */
static long do_lseek(long fd, int64_t off, long whence)
{
	struct ofd *o = fd_file(fd);
	if (!o)
		return -EBADF;
	if (whence < 0 || whence > SEEK_MAX)
		return -EINVAL;
	struct inode *n = o->ino;
	if (n->dev != DEV_NONE || n->evt || n->ep) /* noop_llseek */
		return 0;
	if (is_stream(n))
		return -ESPIPE;
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
	return fd_rwv(c->a[0], (const struct iovec_k *)c->a[1], (uint64_t)c->a[2], 0, false, 0);
}

long sys_writev(const struct sys_call *c)
{
	return fd_rwv(c->a[0], (const struct iovec_k *)c->a[1], (uint64_t)c->a[2], 0, true, 0);
}

/* preadv, pwritev and their v2: an offset is a signed loff_t, negative is
 * EINVAL before anything else (the table checks it for the first two),
 * except -1 for the v2 calls, which means the file position. */
static long rwv_at(const long *a, bool wr, bool v2)
{
	if (v2 && a[3] == -1)
		return fd_rwv(a[0], (const struct iovec_k *)a[1], (uint64_t)a[2], 0, wr, a[5]);
	if (a[3] < 0)
		return -EINVAL;
	uint64_t off = (uint64_t)a[3];
	return fd_rwv(a[0], (const struct iovec_k *)a[1], (uint64_t)a[2], &off, wr, v2 ? a[5] : 0);
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
	return do_sendfile(c->a[0], c->a[1], (int64_t *)c->a[2], (uint64_t)c->a[3]);
}

long sys_copy_file_range(const struct sys_call *c)
{
	const long *a = c->a;
	return do_copy_file_range(a[0], (int64_t *)a[1], a[2], (int64_t *)a[3], (uint64_t)a[4], a[5]);
}

long sys_lseek(const struct sys_call *c)
{
	return do_lseek(c->a[0], (int64_t)c->a[1], c->a[2]);
}
