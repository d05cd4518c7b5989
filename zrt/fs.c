/*
 * fs.c - files: channels under their aliases, an in-memory filesystem at
 * "/", tar images mounted from channels, and the descriptor table.
 *
 * Everything here is the program's own state inside the sandbox; the host
 * is reached only through channel traps, which the supervisor checks and
 * counts. Memory for files comes from the program's heap (mem.c), so a full
 * heap is ENOSPC for a write and ENOMEM for an allocation, never a crash.
 *
 * Images (nvram [fstab], access=ro) are walked once at start, header by
 * header; their files' data stays in the image and is read through the
 * channel when the program reads it. Writing to such a file first copies it
 * into memory: the image itself never changes. A directory mounted with
 * access=wo is written to its channel as a tar when the program exits. *
 * Pipes (pipe.c) are inodes of their own with a read and a write
 * description; a pipe operation that could only wait for ever ends the
 * session (would_block).
 */
#include <asm/ioctls.h>
#include <asm/poll.h>
#include <linux/signal.h>
#include <asm/termbits.h>
#include <asm/termios.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/memfd.h>
#include <linux/mman.h>
#include <linux/close_range.h>
#include <asm/unistd.h>

#include "nvram.h"
#include "syscall.h"
#include "tar.h"
#include "zrt.h"

enum { DEV_NONE, DEV_NULL, DEV_ZERO, DEV_FULL, DEV_RANDOM };

struct inode;
struct dent {
	struct dent *next;
	struct inode *ino;
	size_t alloc;
	char name[];
};

struct inode {
	uint32_t mode, nlink, opens, dev;
	uint64_t ino;
	uint64_t mtime, ctime, atime; /* ns of the virtual clock */
	struct inode *parent;         /* directories */
	struct dent *first, *last;    /* directories, in creation order */
	uint64_t nent;
	unsigned char *data; /* file contents or symlink target */
	uint64_t size, cap;
	struct zchan *tar; /* file contents still in an image */
	uint64_t tar_off;
	struct zchan *chan; /* a channel's device node */
	struct zpipe *pipe; /* a pipe (pipe.c) */
};

struct ofd {
	struct inode *ino;
	uint64_t pos;
	int flags;
	uint32_t refs;
};

static struct {
	struct ofd *o;
	bool cloexec;
} fdt[ZRT_FD_MAX];

static struct zchan *chans;
static int nchan;
static struct inode *root, *cwd;
static uint64_t next_ino = 1;
static uint32_t umask_bits = 022;
struct nvram zrt_nvram;
static const char *nvram_text;
static size_t nvram_len;

/* Not in the kernel's uapi headers: a directory entry's type is its
 * S_IF* type shifted down (the kernel's S_DT()), and utimensat's two
 * special nanosecond values are the kernel's include/linux/stat.h. */
#define DT_FIFO (S_IFIFO >> 12)
#define DT_CHR (S_IFCHR >> 12)
#define DT_DIR (S_IFDIR >> 12)
#define DT_REG (S_IFREG >> 12)
#define DT_LNK (S_IFLNK >> 12)
#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)
/* faccessat's mode bits (R_OK, W_OK, X_OK: unistd.h, not the kernel's
 * uapi headers). */
#define ACC_X 1
#define ACC_W 2
#define ACC_R 4
#define IO_CHUNK (1u << 30) /* a trap moves at most an int32_t */

/* File times read the virtual clock without advancing it. */
static uint64_t now(void)
{
	return clock_peek();
}

/* ---- channels ------------------------------------------------------------- */

struct zchan *chan_find(const char *alias)
{
	for (int i = 0; i < nchan; i++)
		if (strcmp(chans[i].alias, alias) == 0)
			return &chans[i];
	return 0;
}

static int64_t chan_io(struct zchan *c, uint32_t id, void *buf, uint64_t len, uint64_t off)
{
	uint64_t done = 0;
	while (done < len) {
		uint64_t n = len - done < IO_CHUNK ? len - done : IO_CHUNK;
		/* Static: the handlers run on a stack outside guest memory
		 * (boot_abi.h), where the supervisor cannot read arguments. */
		static uint64_t a[6];
		a[0] = id, a[1] = 0, a[2] = (uint64_t)c->handle, a[3] = (uint64_t)buf + done, a[4] = n;
		a[5] = off + done;
		int32_t r = zrt_trap(a);
		if (r < 0)
			return done ? (int64_t)done : r;
		done += (uint64_t)r;
		if ((uint64_t)r < n)
			break;
	}
	return (int64_t)done;
}

int64_t chan_pread(struct zchan *c, void *buf, uint64_t len, uint64_t off)
{
	if (c->random_read && off >= c->size)
		return 0;
	if (c->random_read && len > c->size - off)
		len = c->size - off;
	return chan_io(c, TrapRead, buf, len, off);
}

/* Small reads of a random-read channel (programs read 4 KiB at a time)
 * are served from a 256 KiB window: one trap instead of 64. The window is
 * read only where the program reads; a quota too small for it falls back
 * to the program's own read. */
#define CHAN_WIN (256u << 10)
static int64_t chan_read_cached(struct zchan *c, void *buf, uint64_t len, uint64_t off)
{
	if (!c->random_read || len >= CHAN_WIN / 4 || off >= c->size)
		return chan_pread(c, buf, len, off);
	if (!(off >= c->win_off && off + len <= c->win_off + c->win_len) &&
	    !(off >= c->win_off && c->win_off + c->win_len == c->size && off < c->size)) {
		if (!c->win && !(c->win = zalloc(CHAN_WIN)))
			return chan_pread(c, buf, len, off);
		int64_t r = chan_pread(c, c->win, CHAN_WIN, off);
		if (r <= 0) {
			c->win_len = 0;
			return chan_pread(c, buf, len, off);
		}
		c->win_off = off;
		c->win_len = (uint64_t)r;
	}
	uint64_t have = c->win_off + c->win_len - off;
	if (have > len)
		have = len;
	memcpy(buf, c->win + (off - c->win_off), have);
	return (int64_t)have;
}

int64_t chan_pwrite(struct zchan *c, const void *buf, uint64_t len, uint64_t off)
{
	c->win_len = 0; /* a read-write channel: what was read ahead may change */
	int64_t r = chan_io(c, TrapWrite, (void *)buf, len, off);
	if (r > 0 && c->random_write && off + (uint64_t)r > c->size)
		c->size = off + (uint64_t)r;
	return r;
}

static int chans_init(void)
{
	const struct UserManifest *um = MANIFEST;
	nchan = um->channels_count;
	chans = zalloc((size_t)(nchan ? nchan : 1) * sizeof *chans);
	if (!chans)
		return -ENOMEM;
	for (int i = 0; i < nchan; i++) {
		const struct ZVMChannel *zc = &um->channels[i];
		struct zchan *c = &chans[i];
		c->zc = zc;
		c->handle = i;
		c->alias = zc->name;
		c->readable = zc->limits[GetsLimit] > 0 && zc->limits[GetSizeLimit] > 0;
		c->writable = zc->limits[PutsLimit] > 0 && zc->limits[PutSizeLimit] > 0;
		c->random_read = (zc->type & 1) != 0;
		c->random_write = (zc->type & 2) != 0;
		c->size = (uint64_t)zc->size;
		c->mode = (c->random_read || c->random_write) ? ZCHAN_FILE : ZCHAN_CHAR;
	}
	return 0;
}

/* ---- inodes and directories ----------------------------------------------------- */

static struct inode *inode_new(uint32_t mode)
{
	struct inode *n = zalloc(sizeof *n);
	if (!n)
		return 0;
	n->mode = mode;
	n->ino = next_ino++;
	n->mtime = n->ctime = n->atime = now();
	return n;
}

static void inode_put(struct inode *n)
{
	if (!n || n->nlink > 0 || n->opens > 0 || n == root)
		return;
	if (n->data)
		zfree(n->data, n->cap);
	pipe_free(n->pipe);
	zfree(n, sizeof *n);
}

static struct inode *dir_lookup(struct inode *d, const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return d;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return d->parent ? d->parent : d;
	for (struct dent *e = d->first; e; e = e->next)
		if (strncmp(e->name, name, len) == 0 && e->name[len] == 0)
			return e->ino;
	return 0;
}

/* Directory entries are a list in creation order; these three are the only
 * code that touches it. */
static struct dent *dent_new(const char *name, size_t len, struct inode *n)
{
	size_t sz = sizeof(struct dent) + len + 1;
	struct dent *e = zalloc(sz);
	if (!e)
		return 0;
	e->alloc = sz;
	e->ino = n;
	memcpy(e->name, name, len);
	e->name[len] = 0;
	return e;
}

static void dent_append(struct inode *d, struct dent *e)
{
	if (d->last)
		d->last->next = e;
	else
		d->first = e;
	d->last = e;
	d->nent++;
	d->mtime = d->ctime = now();
}

/* Take the entry (name, n) out of d's list and free it; false if absent. */
static bool dent_drop(struct inode *d, struct inode *n, const char *name, size_t len)
{
	struct dent *prev = 0;
	for (struct dent *e = d->first; e; prev = e, e = e->next) {
		if (e->ino != n || strncmp(e->name, name, len) != 0 || e->name[len] != 0)
			continue;
		if (prev)
			prev->next = e->next;
		else
			d->first = e->next;
		if (d->last == e)
			d->last = prev;
		d->nent--;
		zfree(e, e->alloc);
		d->mtime = d->ctime = now();
		return true;
	}
	return false;
}

static int dir_add(struct inode *d, const char *name, size_t len, struct inode *n)
{
	if (d->nlink == 0)
		return -ENOENT; /* a removed directory (still someone's cwd) */
	struct dent *e = dent_new(name, len, n);
	if (!e)
		return -ENOSPC;
	dent_append(d, e);
	if (S_ISDIR(n->mode)) {
		n->nlink = 2; /* its name and its "." */
		n->parent = d;
		d->nlink++;   /* its ".." */
	} else {
		n->nlink++;
	}
	return 0;
}

static void dir_remove(struct inode *d, struct inode *n, const char *name, size_t len)
{
	if (!dent_drop(d, n, name, len))
		return;
	if (S_ISDIR(n->mode)) {
		d->nlink--;
		n->nlink = 0;
	} else {
		n->nlink--;
	}
}

/* ---- path resolution ------------------------------------------------------------ */

struct walk {
	struct inode *parent; /* directory holding the last component */
	struct inode *node;   /* what the path names, NULL if it does not exist */
	char name[NAME_MAX + 1]; /* the last component */
	size_t len;
	bool slash;           /* the path ended in '/' */
};

static char pathbuf[2][ZRT_PATH_MAX];

static long copy_path(const char *upath, char *out)
{
	if (!upath || !mem_user_ok((uint64_t)upath, 1))
		return -EFAULT;
	uint64_t room = zrt_info.memory_size - (uint64_t)upath; /* bytes before the end of guest memory */
	for (size_t i = 0; i < ZRT_PATH_MAX; i++) {
		if (i == room)
			return -EFAULT;
		out[i] = upath[i];
		if (!out[i])
			return (long)i;
	}
	return -ENAMETOOLONG;
}

/* Descriptors and flags are C ints: the upper half of the register is
 * whatever the caller left there (mov $-100, %edi zero-extends). */
static struct ofd *fd_get(long fd)
{
	fd = (int)fd;
	if (fd < 0 || fd >= ZRT_FD_MAX)
		return 0;
	return fdt[fd].o;
}

static long start_dir(long dirfd, const char *path, struct inode **start)
{
	dirfd = (int)dirfd;
	if (path[0] == '/') {
		*start = root;
		return 0;
	}
	if (dirfd == AT_FDCWD) {
		*start = cwd;
		return 0;
	}
	struct ofd *o = fd_get(dirfd);
	if (!o)
		return -EBADF;
	if (!S_ISDIR(o->ino->mode))
		return -ENOTDIR;
	*start = o->ino;
	return 0;
}

/* Resolve path from dirfd. follow: follow a symlink in the last component.
 * The last component may be missing (w->node NULL); anything missing before
 * it is ENOENT. */
static long walk(long dirfd, const char *upath, bool follow, struct walk *w)
{
	char *buf = pathbuf[0], *tmp = pathbuf[1];
	long n = copy_path(upath, buf);
	if (n < 0)
		return n;
	if (n == 0)
		return -ENOENT;
	struct inode *cur;
	long r = start_dir(dirfd, buf, &cur);
	if (r < 0)
		return r;
	int links = 0;
	char *p = buf;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p) { /* "/" or a path ending in "/." handled as the directory itself */
			w->parent = cur->parent ? cur->parent : cur;
			w->node = cur;
			w->name[0] = '.', w->name[1] = 0, w->len = 1;
			w->slash = true;
			return 0;
		}
		char *q = p;
		while (*q && *q != '/')
			q++;
		size_t len = (size_t)(q - p);
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		char *rest = q;
		while (*rest == '/')
			rest++;
		bool last = !*rest;
		if (!S_ISDIR(cur->mode))
			return -ENOTDIR;
		struct inode *next = dir_lookup(cur, p, len);
		if (last) {
			w->parent = cur;
			memcpy(w->name, p, len);
			w->name[len] = 0;
			w->len = len;
			w->slash = *q == '/';
			if (!next || !S_ISLNK(next->mode) || !(follow || w->slash)) {
				w->node = next;
				return 0;
			}
		}
		if (!next)
			return -ENOENT;
		if (S_ISLNK(next->mode)) {
			if (++links > 40)
				return -ELOOP;
			size_t tl = next->size, rl = strlen(rest);
			if (tl + 1 + rl + 1 > ZRT_PATH_MAX)
				return -ENAMETOOLONG;
			memcpy(tmp, next->data, tl);
			tmp[tl] = '/';
			memcpy(tmp + tl + 1, rest, rl + 1);
			if (last && !w->slash)
				tmp[tl] = 0;
			char *t = buf;
			buf = tmp;
			tmp = t;
			p = buf;
			if (*p == '/')
				cur = root;
			continue;
		}
		cur = next;
		p = rest;
		if (last) {
			w->node = cur;
			return 0;
		}
	}
}

/* mkdir -p for the runtime's own use (channel aliases, mountpoints). */
static struct inode *mkdirs(const char *path, size_t len)
{
	struct inode *cur = root;
	size_t i = 0;
	while (i < len) {
		while (i < len && path[i] == '/')
			i++;
		size_t j = i;
		while (j < len && path[j] != '/')
			j++;
		if (j == i)
			break;
		struct inode *n = dir_lookup(cur, path + i, j - i);
		if (!n) {
			n = inode_new(S_IFDIR | 0755);
			if (!n || dir_add(cur, path + i, j - i, n) < 0)
				return 0;
		}
		if (!S_ISDIR(n->mode))
			return 0;
		cur = n;
		i = j;
	}
	return cur;
}

static long add_node(const char *path, struct inode *n)
{
	size_t len = strlen(path);
	size_t k = len;
	while (k && path[k - 1] != '/')
		k--;
	struct inode *d = mkdirs(path, k);
	if (!d || k == len)
		return -EINVAL;
	if (dir_lookup(d, path + k, len - k))
		return -EEXIST;
	return dir_add(d, path + k, len - k, n);
}

/* ---- file contents --------------------------------------------------------------- */

/* Make room for size bytes of a file in memory; copies an image's file
 * into memory the first time it is to be changed. */
static long file_reserve(struct inode *n, uint64_t size)
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
	unsigned char *d = cap < size * 2 + (1u << 20) ? zalloc(cap) : 0;
	if (!d) {
		cap = size;
		d = zalloc(cap);
	}
	if (!d)
		return -ENOSPC;
	if (n->data) {
		memcpy(d, n->data, n->size);
		zfree(n->data, n->cap);
	}
	n->data = d;
	n->cap = cap;
	return 0;
}

static long file_truncate(struct inode *n, uint64_t size)
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
	n->mtime = n->ctime = now();
	return 0;
}

static int64_t node_read(struct inode *n, void *buf, uint64_t len, uint64_t off, uint64_t *pos_adv)
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
	case DEV_ZERO: case DEV_FULL: memset(buf, 0, len); *pos_adv = len; return (int64_t)len;
	case DEV_RANDOM: rng_fill(buf, len); *pos_adv = len; return (int64_t)len;
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

static int64_t node_write(struct inode *n, const void *buf, uint64_t len, uint64_t off)
{
	if (n->chan) {
		if (!n->chan->writable)
			return -EBADF;
		return chan_pwrite(n->chan, buf, len, off);
	}
	switch (n->dev) {
	case DEV_NULL: case DEV_ZERO: case DEV_RANDOM: return (int64_t)len;
	case DEV_FULL: return -ENOSPC;
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
	n->mtime = n->ctime = now();
	return (int64_t)len;
}

/* ---- descriptors ---------------------------------------------------------------------- */

static long fd_alloc(long from, struct ofd *o, bool cloexec)
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
	zfree(o, sizeof *o);
}

static long fd_close(long fd)
{
	fd = (int)fd;
	struct ofd *o = fd_get(fd);
	if (!o)
		return -EBADF;
	fdt[fd].o = 0;
	ofd_put(o);
	return 0;
}

static long open_node(struct inode *n, int flags)
{
	struct ofd *o = zalloc(sizeof *o);
	if (!o)
		return -ENOMEM;
	o->ino = n;
	o->flags = flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY | O_CLOEXEC);
	n->opens++;
	long fd = fd_alloc(0, o, flags & O_CLOEXEC);
	if (fd < 0) {
		n->opens--;
		zfree(o, sizeof *o);
	}
	return fd;
}

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
	long r = walk(dirfd, path, follow, &w);
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
		struct inode *n = inode_new(S_IFREG | ((uint32_t)mode & 07777 & ~umask_bits));
		if (!n)
			return -ENOSPC;
		long fd = open_node(n, (int)(flags & ~O_TMPFILE));
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
		n = inode_new(S_IFREG | ((uint32_t)mode & 07777 & ~umask_bits));
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
	return open_node(n, (int)flags);
}

/* ---- read and write --------------------------------------------------------------- */

static bool is_seq(const struct inode *n)
{
	if (n->pipe)
		return true;
	return n->chan ? !(n->chan->random_read || n->chan->random_write) : n->dev != DEV_NONE;
}

/* A pipe operation that could only wait for ever: nothing else in the
 * sandbox can ever fill or drain the pipe, so the session ends now with a
 * message rather than at the timeout (docs/zrt.md, "Pipes"). */
__attribute__((noreturn)) static void would_block(const char *what)
{
	zrt_log(0, "zrt: %s: only this program could end the wait, which would last for ever; the session ends",
		what);
	fs_exit(124);
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
	if (len && !mem_user_ok((uint64_t)buf, len))
		return -EFAULT;
	if (at && is_seq(o->ino))
		return -ESPIPE;
	if (bad_range(o->ino, at ? *at : o->pos, len))
		return -EINVAL;
	if (o->ino->pipe) {
		int64_t r = pipe_read(o->ino->pipe, buf, len, o->flags & O_NONBLOCK);
		if (r == ZRT_WOULD_BLOCK)
			would_block("read of an empty pipe whose write end is open");
		return r;
	}
	uint64_t adv;
	int64_t r = node_read(o->ino, buf, len, at ? *at : o->pos, &adv);
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
	if (len && !mem_user_ok((uint64_t)buf, len))
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
			would_block("write to a full pipe whose read end is open");
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
	int64_t r = node_write(n, buf, len, off);
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
	if (cnt && !mem_user_ok((uint64_t)iov, (uint64_t)cnt * sizeof *iov))
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
	if (!bounce && !(bounce = zalloc(BOUNCE)))
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

/* ---- stat ------------------------------------------------------------------------ */

struct kstat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	uint64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	int64_t unused[3];
};
_Static_assert(sizeof(struct kstat) == 144, "struct stat of x86-64");

static uint32_t node_mode(const struct inode *n)
{
	if (n->pipe)
		return S_IFIFO | 0600;
	if (!n->chan)
		return n->mode;
	uint32_t perm = (n->chan->readable ? 0444u : 0) | (n->chan->writable ? 0222u : 0);
	switch (n->chan->mode) {
	case ZCHAN_PIPE: return S_IFIFO | (perm & 0600);
	case ZCHAN_FILE: return S_IFREG | (perm & 0644);
	default: return S_IFCHR | perm;
	}
}

static void fill_stat(const struct inode *n, struct kstat *st)
{
	memset(st, 0, sizeof *st);
	st->dev = n->chan ? 5 : 1;
	st->ino = n->ino;
	st->nlink = n->nlink ? n->nlink : (n->chan || n->dev || n->pipe ? 1 : 0);
	st->mode = node_mode(n);
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

static long node_at(long dirfd, const char *path, long flags, struct inode **out)
{
	dirfd = (int)dirfd;
	if ((flags & AT_EMPTY_PATH) && path && mem_user_ok((uint64_t)path, 1) && path[0] == 0) {
		if (dirfd == AT_FDCWD) {
			*out = cwd;
			return 0;
		}
		struct ofd *o = fd_get(dirfd);
		if (!o)
			return -EBADF;
		*out = o->ino;
		return 0;
	}
	struct walk w;
	long r = walk(dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW), &w);
	if (r < 0)
		return r;
	if (!w.node)
		return -ENOENT;
	if (w.slash && !S_ISDIR(w.node->mode))
		return -ENOTDIR;
	*out = w.node;
	return 0;
}

static long do_fstatat(long dirfd, const char *path, struct kstat *st, long flags)
{
	struct inode *n;
	long r = node_at(dirfd, path, flags, &n);
	if (r < 0)
		return r;
	if (!mem_user_ok((uint64_t)st, sizeof *st))
		return -EFAULT;
	fill_stat(n, st);
	return 0;
}

static long do_statx(long dirfd, const char *path, long flags, unsigned char *sx)
{
	struct inode *n;
	long r = node_at(dirfd, path, flags, &n);
	if (r < 0)
		return r;
	if (!mem_user_ok((uint64_t)sx, 256))
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

/* ---- directories ------------------------------------------------------------------- */

static unsigned char dtype(const struct inode *n)
{
	uint32_t m = node_mode(n) & S_IFMT;
	return m == S_IFDIR ? DT_DIR : m == S_IFREG ? DT_REG : m == S_IFLNK ? DT_LNK : m == S_IFIFO ? DT_FIFO : DT_CHR;
}

static long do_getdents64(long fd, unsigned char *buf, uint64_t count)
{
	struct ofd *o = fd_get(fd);
	if (!o)
		return -EBADF;
	struct inode *d = o->ino;
	if (!S_ISDIR(d->mode))
		return -ENOTDIR;
	if (!mem_user_ok((uint64_t)buf, count))
		return -EFAULT;
	/* The position counts entries: "." is 0, ".." is 1, then the list. */
	uint64_t idx = o->pos, used = 0;
	struct dent *e = d->first;
	for (uint64_t k = 2; k < idx && e; k++)
		e = e->next;
	for (;;) {
		const char *name;
		const struct inode *n;
		if (idx == 0)
			name = ".", n = d;
		else if (idx == 1)
			name = "..", n = d->parent ? d->parent : d;
		else if (e)
			name = e->name, n = e->ino;
		else
			break;
		size_t nl = strlen(name);
		size_t rec = ALIGN_UP(19 + nl + 1, 8);
		if (used + rec > count) {
			if (!used)
				return -EINVAL;
			break;
		}
		unsigned char *r = buf + used;
		uint64_t ino = n->ino;
		int64_t next = (int64_t)idx + 1;
		uint16_t reclen = (uint16_t)rec;
		memcpy(r, &ino, 8);
		memcpy(r + 8, &next, 8);
		memcpy(r + 16, &reclen, 2);
		r[18] = dtype(n);
		memcpy(r + 19, name, nl);
		memset(r + 19 + nl, 0, rec - 19 - nl);
		used += rec;
		if (idx >= 2)
			e = e->next;
		idx++;
	}
	o->pos = idx;
	d->atime = now();
	return (long)used;
}

static long do_getcwd(char *buf, uint64_t size)
{
	char tmp[ZRT_PATH_MAX];
	size_t pos = sizeof tmp - 1;
	tmp[pos] = 0;
	for (struct inode *n = cwd; n != root && n->parent;) {
		struct inode *p = n->parent;
		struct dent *e = p->first;
		while (e && e->ino != n)
			e = e->next;
		if (!e)
			return -ENOENT; /* removed */
		size_t l = strlen(e->name);
		if (l + 1 > pos)
			return -ENAMETOOLONG;
		pos -= l;
		memcpy(tmp + pos, e->name, l);
		tmp[--pos] = '/';
		n = p;
	}
	if (pos == sizeof tmp - 1)
		tmp[--pos] = '/';
	size_t len = sizeof tmp - pos;
	if (len > size)
		return -ERANGE;
	if (!mem_user_ok((uint64_t)buf, len))
		return -EFAULT;
	memcpy(buf, tmp + pos, len);
	return (long)len;
}

/* The working directory holds its inode as an open file does: a removed
 * cwd stays (getcwd ENOENT, nothing can be created in it), as on Linux. */
static void set_cwd(struct inode *d)
{
	struct inode *old = cwd;
	d->opens++;
	cwd = d;
	if (old && old->opens) {
		old->opens--;
		inode_put(old);
	}
}

static long do_chdir(const char *path)
{
	struct walk w;
	long r = walk(AT_FDCWD, path, true, &w);
	if (r < 0)
		return r;
	if (!w.node)
		return -ENOENT;
	if (!S_ISDIR(w.node->mode))
		return -ENOTDIR;
	set_cwd(w.node);
	return 0;
}

static long do_mkdirat(long dirfd, const char *path, long mode)
{
	struct walk w;
	long r = walk(dirfd, path, false, &w);
	if (r < 0)
		return r;
	if (w.node)
		return -EEXIST;
	struct inode *n = inode_new(S_IFDIR | ((uint32_t)mode & 07777 & ~umask_bits));
	if (!n)
		return -ENOSPC;
	r = dir_add(w.parent, w.name, w.len, n);
	if (r < 0)
		inode_put(n);
	return r;
}

static long do_unlinkat(long dirfd, const char *path, long flags)
{
	struct walk w;
	long r = walk(dirfd, path, false, &w);
	if (r < 0)
		return r;
	struct inode *n = w.node;
	if (!n)
		return -ENOENT;
	if (flags & AT_REMOVEDIR) {
		if (!S_ISDIR(n->mode))
			return -ENOTDIR;
		if (n == root || (w.len == 1 && w.name[0] == '.'))
			return n == root ? -EBUSY : -EINVAL;
		if (n->nent)
			return -ENOTEMPTY;
	} else if (S_ISDIR(n->mode)) {
		return -EISDIR;
	} else if (w.slash) {
		return -ENOTDIR;
	}
	dir_remove(w.parent, n, w.name, w.len);
	inode_put(n);
	return 0;
}

static bool is_ancestor(const struct inode *a, const struct inode *d)
{
	for (; d; d = d->parent)
		if (d == a)
			return true;
	return false;
}

static long do_renameat(long odir, const char *opath, long ndir, const char *npath, long flags)
{
	struct walk a, b;
	long r = walk(odir, opath, false, &a);
	if (r < 0)
		return r;
	if (!a.node)
		return -ENOENT;
	struct inode *from_dir = a.parent, *n = a.node;
	char oname[NAME_MAX + 1];
	size_t olen = a.len;
	memcpy(oname, a.name, olen + 1);
	r = walk(ndir, npath, false, &b);
	if (r < 0)
		return r;
	if (flags & ~(long)RENAME_NOREPLACE)
		return -EINVAL;
	if (b.node && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	if (n == root || (olen == 1 && oname[0] == '.'))
		return -EBUSY;
	if (b.node == n)
		return 0;
	if (S_ISDIR(n->mode) && is_ancestor(n, b.parent))
		return -EINVAL;
	if (b.node) {
		if (S_ISDIR(n->mode) && !S_ISDIR(b.node->mode))
			return -ENOTDIR;
		if (!S_ISDIR(n->mode) && S_ISDIR(b.node->mode))
			return -EISDIR;
		if (S_ISDIR(b.node->mode) && b.node->nent)
			return -ENOTEMPTY;
		struct inode *old = b.node;
		dir_remove(b.parent, old, b.name, b.len);
		inode_put(old);
	}
	/* Move the entry: the new name first, so a full heap changes nothing.
	 * Links and the parent change only for a directory. */
	struct dent *ne = dent_new(b.name, b.len, n);
	if (!ne)
		return -ENOSPC;
	if (!dent_drop(from_dir, n, oname, olen)) {
		zfree(ne, ne->alloc);
		return -ENOENT;
	}
	dent_append(b.parent, ne);
	if (S_ISDIR(n->mode)) {
		from_dir->nlink--;
		b.parent->nlink++;
		n->parent = b.parent;
	}
	n->ctime = now();
	return 0;
}

static long do_linkat(long odir, const char *opath, long ndir, const char *npath, long flags)
{
	struct inode *n;
	long r = node_at(odir, opath, (flags & AT_SYMLINK_FOLLOW) ? 0 : AT_SYMLINK_NOFOLLOW, &n);
	if (r < 0)
		return r;
	if (S_ISDIR(n->mode))
		return -EPERM;
	struct walk w;
	r = walk(ndir, npath, false, &w);
	if (r < 0)
		return r;
	if (w.node)
		return -EEXIST;
	return dir_add(w.parent, w.name, w.len, n);
}

static long do_symlinkat(const char *target, long dirfd, const char *path)
{
	char t[ZRT_PATH_MAX];
	long tl = copy_path(target, t);
	if (tl < 0)
		return tl;
	if (tl == 0)
		return -ENOENT;
	struct walk w;
	long r = walk(dirfd, path, false, &w);
	if (r < 0)
		return r;
	if (w.node)
		return -EEXIST;
	struct inode *n = inode_new(S_IFLNK | 0777);
	if (!n)
		return -ENOSPC;
	if (file_reserve(n, (uint64_t)tl) < 0) {
		inode_put(n);
		return -ENOSPC;
	}
	memcpy(n->data, t, (size_t)tl);
	n->size = (uint64_t)tl;
	r = dir_add(w.parent, w.name, w.len, n);
	if (r < 0)
		inode_put(n);
	return r;
}

static long do_readlinkat(long dirfd, const char *path, char *buf, long size)
{
	if (size <= 0)
		return -EINVAL;
	struct inode *n;
	long r = node_at(dirfd, path, AT_SYMLINK_NOFOLLOW, &n);
	if (r < 0)
		return r;
	if (!S_ISLNK(n->mode))
		return -EINVAL;
	uint64_t len = n->size < (uint64_t)size ? n->size : (uint64_t)size;
	if (!mem_user_ok((uint64_t)buf, len))
		return -EFAULT;
	memcpy(buf, n->data, len);
	return (long)len;
}

static long do_faccessat(long dirfd, const char *path, long mode, long flags)
{
	struct inode *n;
	long r = node_at(dirfd, path, flags & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH), &n);
	if (r < 0)
		return r;
	uint32_t m = node_mode(n);
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
	long r = path ? node_at(dirfd, path, flags, &n) : node_at(dirfd, "", AT_EMPTY_PATH, &n);
	if (r < 0)
		return r;
	uint64_t t = now();
	uint64_t v[2] = {t, t};
	if (ts) {
		if (!mem_user_ok((uint64_t)ts, 32))
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

/* ---- fcntl, ioctl, poll --------------------------------------------------------------- */

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
		if (!mem_user_ok((uint64_t)arg, sizeof(struct flock)))
			return -EFAULT;
		((struct flock *)arg)->l_type = F_UNLCK;
		return 0;
	case F_SETLK: case F_SETLKW: case F_OFD_SETLK: case F_OFD_SETLKW: return 0; /* locks: one process */
	case F_SETPIPE_SZ: case F_GETPIPE_SZ:
		return o->ino->pipe ? pipe_size(o->ino->pipe, cmd == F_SETPIPE_SZ, (uint64_t)(unsigned)arg) : -EBADF;
	default: return -EINVAL;
	}
}

static long do_ioctl(long fd, unsigned long req, long arg)
{
	fd = (int)fd;
	req = (unsigned)req;
	struct ofd *o = fd_get(fd);
	if (!o)
		return -EBADF;
	bool tty = o->ino->chan && o->ino->chan->mode == ZCHAN_CHAR;
	switch (req) {
	case TCGETS: {
		if (!tty)
			return -ENOTTY;
		struct termios *t = (struct termios *)arg;
		if (!mem_user_ok((uint64_t)arg, sizeof *t))
			return -EFAULT;
		memset(t, 0, sizeof *t);
		t->c_iflag = ICRNL | IXON;
		t->c_oflag = OPOST | ONLCR;
		t->c_cflag = B38400 | CS8 | CREAD;
		t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
		return 0;
	}
	case TIOCGWINSZ: {
		if (!tty)
			return -ENOTTY;
		struct winsize *ws = (struct winsize *)arg;
		if (!mem_user_ok((uint64_t)arg, sizeof *ws))
			return -EFAULT;
		ws->ws_row = 24, ws->ws_col = 80;
		ws->ws_xpixel = ws->ws_ypixel = 0;
		return 0;
	}
	case TCSETS: case TCSETSW: case TCSETSF: case TIOCSWINSZ:
		return tty ? 0 : -ENOTTY;
	case TIOCGPGRP:
		if (!tty)
			return -ENOTTY;
		if (!mem_user_ok((uint64_t)arg, 4))
			return -EFAULT;
		*(int32_t *)arg = 1;
		return 0;
	case FIONREAD:
		if (!mem_user_ok((uint64_t)arg, 4))
			return -EFAULT;
		if (o->ino->pipe) {
			uint64_t n = pipe_avail(o->ino->pipe);
			*(int32_t *)arg = (int32_t)n;
			return 0;
		}
		*(int32_t *)arg = S_ISREG(o->ino->mode) && !o->ino->chan && o->pos < o->ino->size
					  ? (int32_t)(o->ino->size - o->pos > 0x7fffffff ? 0x7fffffff : o->ino->size - o->pos)
					  : 0;
		return 0;
	case FIOCLEX: fdt[fd].cloexec = true; return 0;
	case FIONCLEX: fdt[fd].cloexec = false; return 0;
	case FIONBIO: return 0;
	default: return -ENOTTY;
	}
}

/* poll(2) events of a descriptor. Pipes say what they hold (pipe.c);
 * everything else is always ready for what was asked: channel reads block
 * in the supervisor until they have their bytes, so readiness never
 * depends on timing. POLLERR and POLLHUP are reported whether asked or not. */
static int fd_events(const struct ofd *o, int asked)
{
	int acc = o->flags & O_ACCMODE;
	if (o->ino->pipe)
		return pipe_poll(o->ino->pipe, acc == O_RDONLY || acc == O_RDWR, acc == O_WRONLY || acc == O_RDWR) &
		       (asked | POLLERR | POLLHUP);
	return asked & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
}

/* Nothing is ready: a timeout passes on the virtual clock at once; no
 * timeout would wait for ever, since nothing else in the sandbox can make a
 * descriptor of this process ready. */
static void wait_nothing(int64_t timeout_ns, const char *call)
{
	if (timeout_ns > 0)
		clock_advance((uint64_t)timeout_ns);
	else if (timeout_ns < 0)
		would_block(call);
}

static long do_poll(int32_t *fds, uint64_t n, int64_t timeout_ns)
{
	if (n > ZRT_FD_MAX) /* RLIMIT_NOFILE */
		return -EINVAL;
	if (n && !mem_user_ok((uint64_t)fds, n * 8))
		return -EFAULT;
	long ready = 0;
	for (uint64_t i = 0; i < n; i++) {
		int32_t fd = fds[2 * i];
		int ev = fds[2 * i + 1] & 0xffff, rev;
		const struct ofd *o = fd < 0 ? 0 : fd_get(fd);
		if (fd < 0)
			rev = 0;
		else if (!o)
			rev = POLLNVAL;
		else
			rev = fd_events(o, ev);
		((int16_t *)&fds[2 * i + 1])[1] = (int16_t)rev;
		if (rev)
			ready++;
	}
	if (!ready)
		wait_nothing(timeout_ns, "poll on descriptors nothing else can make ready, without a timeout");
	return ready;
}

/* Linux's POLLIN_SET and POLLOUT_SET (fs/select.c). */
#define SEL_IN (POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define SEL_OUT (POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR)

static long do_select(long nfds, uint64_t *r, uint64_t *w, uint64_t *e, int64_t timeout_ns)
{
	if (nfds < 0)
		return -EINVAL;
	if (nfds > ZRT_FD_MAX)
		nfds = ZRT_FD_MAX; /* Linux: at most the size of the table */
	uint64_t words = ((uint64_t)nfds + 63) / 64;
	uint64_t *sets[3] = {r, w, e}, out[3][(ZRT_FD_MAX + 64) / 64] = {{0}};
	for (int s = 0; s < 3; s++)
		if (sets[s] && !mem_user_ok((uint64_t)sets[s], words * 8))
			return -EFAULT;
	long ready = 0;
	for (long fd = 0; fd < nfds; fd++) {
		bool in[3];
		for (int s = 0; s < 3; s++)
			in[s] = sets[s] && ((sets[s][fd / 64] >> (fd % 64)) & 1);
		if (!in[0] && !in[1] && !in[2])
			continue;
		const struct ofd *o = fd_get(fd);
		if (!o)
			return -EBADF;
		int ev = fd_events(o, POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
		bool hit[3] = {in[0] && (ev & SEL_IN), in[1] && (ev & SEL_OUT), false};
		for (int s = 0; s < 3; s++)
			if (hit[s]) {
				out[s][fd / 64] |= 1ull << (fd % 64);
				ready++;
			}
	}
	for (int s = 0; s < 3; s++)
		if (sets[s])
			memcpy(sets[s], out[s], words * 8);
	if (!ready)
		wait_nothing(timeout_ns, "select on descriptors nothing else can make ready, without a timeout");
	return ready;
}

/* A timeout argument in ns: -1 for none (wait for ever), -EINVAL/-EFAULT
 * as errors (returned through *err). */
static int64_t timeout_of(const int64_t *t, bool usec, long *err)
{
	*err = 0;
	if (!t)
		return -1;
	if (!mem_user_ok((uint64_t)t, 16))
		return *err = -EFAULT, 0;
	int64_t sec = t[0], frac = t[1], unit = usec ? 1000 : 1;
	if (sec < 0 || frac < 0 || frac >= 1000000000 / unit)
		return *err = -EINVAL, 0;
	if (sec > INT64_MAX / 1000000000 - 1)
		return INT64_MAX;
	return sec * 1000000000 + frac * unit;
}

static long select_timed(const long *a, bool pselect)
{
	long err;
	int64_t *t = (int64_t *)a[4];
	int64_t ns = timeout_of(t, !pselect, &err);
	if (err)
		return err;
	long r = do_select((int)a[0], (uint64_t *)a[1], (uint64_t *)a[2], (uint64_t *)a[3], ns);
	if (r == 0 && t) /* the time that was left: none */
		t[0] = t[1] = 0;
	return r;
}

static long do_statfs(unsigned char *buf)
{
	if (!mem_user_ok((uint64_t)buf, 120))
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

static long mmap_file(uint64_t addr, uint64_t len, long prot, long flags, long fd, uint64_t off)
{
	struct ofd *o = fd_get(fd);
	if (!o)
		return -EBADF;
	if (off & (PAGE - 1))
		return -EINVAL;
	if ((o->flags & O_ACCMODE) == O_WRONLY || (o->flags & O_ACCMODE) == 3)
		return -EACCES; /* a mapping reads the file */
	if (o->flags & O_PATH)
		return -EBADF;
	if ((flags & (MAP_SHARED | MAP_PRIVATE)) == MAP_SHARED && (prot & PROT_WRITE)) /* changes would not reach the file */
		return -ENODEV;
	if (S_ISDIR(o->ino->mode) || (o->ino->chan && o->ino->chan->mode != ZCHAN_FILE))
		return -ENODEV;
	long a = mem_mmap(addr, len, PROT_READ | PROT_WRITE, (int)(flags & ~MAP_ANONYMOUS));
	if (a < 0)
		return a;
	uint64_t adv;
	int64_t r = node_read(o->ino, (void *)a, len, off, &adv);
	if (r < 0) {
		mem_munmap((uint64_t)a, len);
		return r;
	}
	long p = mem_mprotect((uint64_t)a, ALIGN_UP(len, PAGE), (int)prot);
	if (p < 0) {
		mem_munmap((uint64_t)a, len);
		return p;
	}
	return a;
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
	long r = copy_path(name, tmp);
	if (r < 0)
		return r;
	if (r > MFD_NAME_MAX || (flags & ~MFD_FLAGS & ~((long)MFD_HUGE_MASK << MFD_HUGE_SHIFT)))
		return -EINVAL;
	struct inode *n = inode_new(S_IFREG | 0777);
	if (!n)
		return -ENOMEM;
	r = open_node(n, O_RDWR | ((flags & MFD_CLOEXEC) ? O_CLOEXEC : 0));
	if (r < 0)
		inode_put(n);
	return r;
}

/* fallocate(2) in the order vfs_fallocate checks: modes 0 (allocate:
 * grow), KEEP_SIZE (nothing to reserve in memory), PUNCH_HOLE|KEEP_SIZE
 * (zeros); anything else is EOPNOTSUPP, as on tmpfs. */
static long do_fallocate(long fd, int mode, int64_t off, int64_t len)
{
	struct ofd *o = fd_get(fd);
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
		n->mtime = n->ctime = now();
		return 0;
	}
	if (mode & FALLOC_FL_KEEP_SIZE)
		return 0;
	return end > n->size ? file_truncate(n, end) : 0;
}

/* pipe2(2): an in-memory pipe (pipe.c), read end first. */
static long do_pipe2(int32_t *fds, long flags)
{
	if (flags & ~(long)(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	if (!mem_user_ok((uint64_t)fds, 8))
		return -EFAULT;
	struct inode *n = inode_new(S_IFIFO | 0600);
	if (!n || !(n->pipe = pipe_new())) {
		inode_put(n);
		return -ENFILE;
	}
	int fl = (int)(flags & O_NONBLOCK);
	long r = open_node(n, O_RDONLY | fl | (int)(flags & O_CLOEXEC));
	if (r < 0) {
		inode_put(n);
		return r;
	}
	long w = open_node(n, O_WRONLY | fl | (int)(flags & O_CLOEXEC));
	if (w < 0) {
		fd_close(r); /* frees the pipe: its writer never was */
		return w;
	}
	fds[0] = (int32_t)r;
	fds[1] = (int32_t)w;
	return 0;
}

/* ---- the calls ------------------------------------------------------------------------ */

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
		if (!mem_user_ok((uint64_t)a[2], 8))
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
		if (!mem_user_ok((uint64_t)a[1], 8))
			return -EFAULT;
		return fd_copy(a[2], a[0], (uint64_t *)a[1], (uint64_t)a[4]);
	}
	return fd_copy(a[2], a[0], 0, (uint64_t)a[4]);
}

long sys_lseek(const struct sys_call *c)
{
	return do_lseek(c->a[0], (int64_t)c->a[1], c->a[2]);
}

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
	if (!mem_user_ok((uint64_t)how, 24))
		return -EFAULT;
	return do_openat(c->a[0], (const char *)c->a[1], how[0], how[1]);
}

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

long sys_getdents64(const struct sys_call *c)
{
	return do_getdents64(c->a[0], (unsigned char *)c->a[1], (uint64_t)c->a[2]);
}

long sys_fcntl(const struct sys_call *c)
{
	return do_fcntl(c->a[0], c->a[1], c->a[2]);
}

long sys_ioctl(const struct sys_call *c)
{
	return do_ioctl(c->a[0], (unsigned long)c->a[1], c->a[2]);
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

long sys_getcwd(const struct sys_call *c)
{
	return do_getcwd((char *)c->a[0], (uint64_t)c->a[1]);
}

long sys_chdir(const struct sys_call *c)
{
	return do_chdir((const char *)c->a[0]);
}

long sys_fchdir(const struct sys_call *c)
{
	struct ofd *o = fd_get(c->a[0]);
	if (!o)
		return -EBADF;
	if (!S_ISDIR(o->ino->mode))
		return -ENOTDIR;
	set_cwd(o->ino);
	return 0;
}

long sys_mkdir(const struct sys_call *c)
{
	return do_mkdirat(AT_FDCWD, (const char *)c->a[0], c->a[1]);
}

long sys_mkdirat(const struct sys_call *c)
{
	return do_mkdirat(c->a[0], (const char *)c->a[1], c->a[2]);
}

long sys_rmdir(const struct sys_call *c)
{
	return do_unlinkat(AT_FDCWD, (const char *)c->a[0], AT_REMOVEDIR);
}

long sys_unlink(const struct sys_call *c)
{
	return do_unlinkat(AT_FDCWD, (const char *)c->a[0], 0);
}

long sys_unlinkat(const struct sys_call *c)
{
	return do_unlinkat(c->a[0], (const char *)c->a[1], c->a[2]);
}

long sys_rename(const struct sys_call *c)
{
	return do_renameat(AT_FDCWD, (const char *)c->a[0], AT_FDCWD, (const char *)c->a[1], 0);
}

long sys_renameat(const struct sys_call *c)
{
	return do_renameat(c->a[0], (const char *)c->a[1], c->a[2], (const char *)c->a[3], 0);
}

long sys_renameat2(const struct sys_call *c)
{
	return do_renameat(c->a[0], (const char *)c->a[1], c->a[2], (const char *)c->a[3], c->a[4]);
}

long sys_link(const struct sys_call *c)
{
	return do_linkat(AT_FDCWD, (const char *)c->a[0], AT_FDCWD, (const char *)c->a[1], 0);
}

long sys_linkat(const struct sys_call *c)
{
	return do_linkat(c->a[0], (const char *)c->a[1], c->a[2], (const char *)c->a[3], c->a[4]);
}

long sys_symlink(const struct sys_call *c)
{
	return do_symlinkat((const char *)c->a[0], AT_FDCWD, (const char *)c->a[1]);
}

long sys_symlinkat(const struct sys_call *c)
{
	return do_symlinkat((const char *)c->a[0], c->a[1], (const char *)c->a[2]);
}

long sys_readlink(const struct sys_call *c)
{
	return do_readlinkat(AT_FDCWD, (const char *)c->a[0], (char *)c->a[1], c->a[2]);
}

long sys_readlinkat(const struct sys_call *c)
{
	return do_readlinkat(c->a[0], (const char *)c->a[1], (char *)c->a[2], c->a[3]);
}

static long set_mode(struct inode *n, long mode)
{
	n->mode = (n->mode & S_IFMT) | ((uint32_t)mode & 07777);
	n->ctime = now();
	return 0;
}

long sys_chmod(const struct sys_call *c)
{
	struct inode *n;
	long r = node_at(AT_FDCWD, (const char *)c->a[0], 0, &n);
	return r < 0 ? r : set_mode(n, c->a[1]);
}

long sys_fchmod(const struct sys_call *c)
{
	struct inode *n;
	long r = node_at(c->a[0], "", AT_EMPTY_PATH, &n);
	return r < 0 ? r : set_mode(n, c->a[1]);
}

long sys_fchmodat(const struct sys_call *c)
{
	struct inode *n;
	long r = node_at(c->a[0], (const char *)c->a[1], 0, &n);
	return r < 0 ? r : set_mode(n, c->a[2]);
}

long sys_umask(const struct sys_call *c)
{
	long old = umask_bits;
	umask_bits = (uint32_t)c->a[0] & 0777;
	return old;
}

long sys_truncate(const struct sys_call *c)
{
	struct inode *n;
	long r = node_at(AT_FDCWD, (const char *)c->a[0], 0, &n);
	return r < 0 ? r : file_truncate(n, (uint64_t)c->a[1]);
}

long sys_ftruncate(const struct sys_call *c)
{
	struct ofd *o = fd_get(c->a[0]);
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

/* flock and fadvise64: nothing to do but find the descriptor. */
long sys_fd_exists(const struct sys_call *c)
{
	return fd_get(c->a[0]) ? 0 : -EBADF;
}

long sys_utimensat(const struct sys_call *c)
{
	return do_utimensat(c->a[0], (const char *)c->a[1], (const int64_t *)c->a[2], c->a[3]);
}

/* utime and utimes: the times become now, whatever the program asked. */
long sys_utime_now(const struct sys_call *c)
{
	struct inode *n;
	long r = node_at(AT_FDCWD, (const char *)c->a[0], 0, &n);
	if (r < 0)
		return r;
	n->mtime = n->atime = n->ctime = now();
	return 0;
}

long sys_futimesat(const struct sys_call *c)
{
	struct inode *n;
	long r = node_at(c->a[0], (const char *)c->a[1], 0, &n);
	if (r < 0)
		return r;
	n->mtime = n->atime = n->ctime = now();
	return 0;
}

long sys_poll(const struct sys_call *c)
{
	int timeout = (int)c->a[2];
	return do_poll((int32_t *)c->a[0], (uint64_t)c->a[1], timeout < 0 ? -1 : (int64_t)timeout * 1000000);
}

long sys_ppoll(const struct sys_call *c)
{
	long err;
	int64_t ns = timeout_of((const int64_t *)c->a[2], false, &err);
	return err ? err : do_poll((int32_t *)c->a[0], (uint64_t)c->a[1], ns);
}

long sys_select(const struct sys_call *c)
{
	return select_timed(c->a, false);
}

long sys_pselect6(const struct sys_call *c)
{
	return select_timed(c->a, true);
}

/* statfs and fstatfs: the one filesystem, whatever the path or descriptor. */
long sys_statfs(const struct sys_call *c)
{
	return do_statfs((unsigned char *)c->a[1]);
}

long sys_mmap(const struct sys_call *c)
{
	const long *a = c->a;
	if (!(a[3] & (MAP_SHARED | MAP_PRIVATE)))
		return -EINVAL;
	if (a[3] & MAP_ANONYMOUS)
		return mem_mmap((uint64_t)a[0], (uint64_t)a[1], (int)a[2], (int)a[3]);
	return mmap_file((uint64_t)a[0], (uint64_t)a[1], a[2], a[3], a[4], (uint64_t)a[5]);
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

/* ---- images ------------------------------------------------------------------------------ */

/* Headers are read through a 64 KiB window so an image of many small files
 * costs a trap per window, not per header. */
struct tarsrc {
	struct zchan *c;
	unsigned char *win;
	uint64_t win_off, win_len;
};
#define TAR_WIN (64u << 10)

static int64_t tar_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct tarsrc *s = ctx;
	if (len > TAR_WIN)
		return chan_pread(s->c, buf, len, off);
	if (!(off >= s->win_off && off + len <= s->win_off + s->win_len)) {
		int64_t r = chan_pread(s->c, s->win, TAR_WIN, off);
		if (r < 0)
			return r;
		s->win_off = off;
		s->win_len = (uint64_t)r;
	}
	uint64_t have = s->win_off + s->win_len > off ? s->win_off + s->win_len - off : 0;
	if (have > len)
		have = len;
	memcpy(buf, s->win + (off - s->win_off), have);
	return (int64_t)have;
}

struct mountctx {
	struct tarsrc src;
	struct inode *top;
	const char *mp;
	long err;
};

static struct inode *sub_lookup(struct inode *top, const char *path, size_t len, bool create_dirs)
{
	struct inode *cur = top;
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && path[j] != '/')
			j++;
		struct inode *n = dir_lookup(cur, path + i, j - i);
		if (!n) {
			if (!create_dirs)
				return 0;
			n = inode_new(S_IFDIR | 0755);
			if (!n || dir_add(cur, path + i, j - i, n) < 0)
				return 0;
		}
		if (!S_ISDIR(n->mode) && j < len)
			return 0;
		cur = n;
		i = j + 1;
	}
	return cur;
}

static int add_entry(struct mountctx *m, struct inode *d, const struct tar_entry *e, const char *name, size_t nl);

/* An archive's time in clock nanoseconds, clamped to what 64 bits hold. */
static uint64_t tar_time(int64_t secs)
{
	const int64_t max = (int64_t)(UINT64_MAX / 1000000000u / 2);
	return (uint64_t)(secs < 0 ? 0 : secs > max ? max : secs) * 1000000000u;
}

static int mount_entry(void *ctxv, const struct tar_entry *e)
{
	struct mountctx *m = ctxv;
	size_t len = strlen(e->path);
	if (len == 0)
		return 0; /* the root: the mountpoint itself */
	size_t k = len;
	while (k && e->path[k - 1] != '/')
		k--;
	struct inode *d = k ? sub_lookup(m->top, e->path, k - 1, true) : m->top;
	if (!d || !S_ISDIR(d->mode)) {
		zrt_log(1, "zrt: %s: %s: parent is not a directory, skipped", m->mp, e->path);
		return 0;
	}
	const char *name = e->path + k;
	size_t nl = len - k;
	struct inode *old = dir_lookup(d, name, nl);
	if (old && S_ISDIR(old->mode) && e->type == TAR_DIR) {
		old->mode = S_IFDIR | (e->mode & 07777);
		old->mtime = old->ctime = tar_time(e->mtime);
		return 0;
	}
	if (old) { /* a later entry replaces an earlier one, as tar -x does */
		if (S_ISDIR(old->mode) && old->nent)
			return 0;
		dir_remove(d, old, name, nl);
		inode_put(old);
	}
	/* The directory keeps the time its own entry gave it (tar -x does the
	 * same): adding to it here is not a change the program made. */
	uint64_t mtime = d->mtime, ctime = d->ctime;
	int r = add_entry(m, d, e, name, nl);
	d->mtime = mtime;
	d->ctime = ctime;
	return r;
}

static int add_entry(struct mountctx *m, struct inode *d, const struct tar_entry *e, const char *name, size_t nl)
{
	struct inode *n;
	if (e->type == TAR_HARDLINK) {
		n = sub_lookup(m->top, e->link, strlen(e->link), false);
		if (!n || S_ISDIR(n->mode)) {
			zrt_log(1, "zrt: %s: %s: link target %s not found, skipped", m->mp, e->path, e->link);
			return 0;
		}
		if (dir_add(d, name, nl, n) < 0)
			return m->err = -ENOSPC, 1;
		return 0;
	}
	uint32_t type = e->type == TAR_DIR ? S_IFDIR : e->type == TAR_SYMLINK ? S_IFLNK : S_IFREG;
	n = inode_new(type | (e->mode & 07777));
	if (!n)
		return m->err = -ENOSPC, 1;
	n->mtime = n->ctime = n->atime = tar_time(e->mtime);
	if (e->type == TAR_SYMLINK) {
		size_t tl = strlen(e->link);
		if (file_reserve(n, tl ? tl : 1) < 0)
			return inode_put(n), m->err = -ENOSPC, 1;
		memcpy(n->data, e->link, tl);
		n->size = tl;
	} else if (e->type == TAR_FILE) {
		n->tar = m->src.c;
		n->tar_off = e->offset;
		n->size = e->size;
	}
	if (dir_add(d, name, nl, n) < 0)
		return inode_put(n), m->err = -ENOSPC, 1;
	return 0;
}

static long mount_image(const struct nvram_fstab *f, char *err, size_t errlen)
{
	struct zchan *c = chan_find(f->channel);
	if (!c)
		return zrt_fmt(err, errlen, "fstab: no channel %s", f->channel), -1;
	struct inode *top = mkdirs(f->mountpoint, strlen(f->mountpoint));
	if (!top)
		return zrt_fmt(err, errlen, "fstab: cannot create mountpoint %s", f->mountpoint), -1;
	if (f->access == NVRAM_WO) {
		if (!c->writable)
			return zrt_fmt(err, errlen, "fstab: channel %s is not writable", f->channel), -1;
		return 0;
	}
	if (!c->readable || !c->random_read)
		return zrt_fmt(err, errlen, "fstab: channel %s is not a random-read channel", f->channel), -1;
	static struct mountctx m;
	memset(&m, 0, sizeof m);
	m.src.c = c;
	m.src.win = zalloc(TAR_WIN);
	m.top = top;
	m.mp = f->mountpoint;
	if (!m.src.win)
		return zrt_fmt(err, errlen, "fstab: out of memory"), -1;
	struct tar_stats st = {0};
	int r = tar_scan(tar_read, &m.src, c->size, mount_entry, &m, &st);
	zfree(m.src.win, TAR_WIN);
	if (r != 0 || m.err)
		return zrt_fmt(err, errlen, "fstab: %s: %s", f->channel,
			       m.err ? "out of memory" : r == -TAR_EIO ? "read error" : "not a valid tar archive"),
		       -1;
	zrt_log(1, "zrt: mounted %s at %s: %llu entries, %llu skipped", f->channel, f->mountpoint,
		(unsigned long long)st.entries, (unsigned long long)st.skipped);
	return 0;
}

/* ---- write-back of access=wo mounts ---------------------------------------------------- */

struct wb {
	struct zchan *c;
	unsigned char *hdr;
	struct tar_entry *e;
	char path[TAR_PATH_MAX];
	bool failed;
};

static void wb_put(struct wb *w, const void *p, uint64_t n)
{
	if (!w->failed && n && chan_pwrite(w->c, p, n, 0) != (int64_t)n)
		w->failed = true;
}

static void wb_node(struct wb *w, struct inode *n, size_t plen)
{
	struct tar_entry *e = w->e;
	memset(e, 0, sizeof *e);
	memcpy(e->path, w->path, plen);
	e->path[plen] = 0;
	e->mode = n->mode & 07777;
	e->mtime = (int64_t)(n->mtime / 1000000000u);
	e->uid = e->gid = 1000;
	if (S_ISDIR(n->mode))
		e->type = TAR_DIR;
	else if (S_ISLNK(n->mode))
		e->type = TAR_SYMLINK, memcpy(e->link, n->data, n->size < TAR_PATH_MAX - 1 ? n->size : TAR_PATH_MAX - 1);
	else if (S_ISREG(n->mode) && !n->chan)
		e->type = TAR_FILE, e->size = n->size;
	else
		return;
	if (plen) {
		size_t h = tar_header(e, w->hdr);
		wb_put(w, w->hdr, h);
	}
	if (e->type == TAR_FILE) {
		if (n->tar) {
			static unsigned char buf[64 << 10];
			for (uint64_t off = 0; off < n->size && !w->failed;) {
				uint64_t k = n->size - off < sizeof buf ? n->size - off : sizeof buf;
				uint64_t adv;
				if (node_read(n, buf, k, off, &adv) != (int64_t)k) {
					w->failed = true;
					break;
				}
				wb_put(w, buf, k);
				off += k;
			}
		} else {
			wb_put(w, n->data, n->size);
		}
		static const unsigned char zero[TAR_BLOCK];
		wb_put(w, zero, tar_padding(n->size));
	}
	if (e->type != TAR_DIR)
		return;
	for (struct dent *d = n->first; d; d = d->next) {
		size_t l = strlen(d->name);
		if (plen + (plen ? 1 : 0) + l + 1 > TAR_PATH_MAX)
			continue;
		size_t at = plen;
		if (plen)
			w->path[at++] = '/';
		memcpy(w->path + at, d->name, l);
		wb_node(w, d->ino, at + l);
	}
}

bool fs_writeback(void)
{
	static bool done, ok = true;
	if (done)
		return ok;
	done = true;
	for (int i = 0; i < zrt_nvram.nfstab; i++) {
		const struct nvram_fstab *f = &zrt_nvram.fstab[i];
		if (f->access != NVRAM_WO)
			continue;
		static struct wb b;
		memset(&b, 0, sizeof b);
		b.c = chan_find(f->channel);
		b.hdr = zalloc(TAR_HDR_MAX);
		b.e = zalloc(sizeof *b.e);
		if (!b.c || !b.hdr || !b.e) {
			zrt_log(0, "zrt: %s: cannot write the image back: out of memory", f->channel);
			ok = false;
			continue;
		}
		/* A mountpoint the program removed leaves an empty archive. */
		struct walk w;
		if (walk(AT_FDCWD, f->mountpoint, true, &w) == 0 && w.node && S_ISDIR(w.node->mode))
			wb_node(&b, w.node, 0);
		static unsigned char end[2 * TAR_BLOCK]; /* not on the signal stack */
		wb_put(&b, end, tar_end(end));
		if (b.failed) {
			zrt_log(0, "zrt: %s: writing the image back failed", f->channel);
			ok = false;
		}
	}
	return ok;
}

__attribute__((noreturn)) void fs_exit(int code)
{
	if (!fs_writeback()) {
		zrt_log(0, "zrt: the program's exit status %d becomes %d: an image was not written back", code,
			ZRT_EXIT_FAILED);
		code = ZRT_EXIT_FAILED;
	}
	zrt_exit(code);
}

/* ---- start ----------------------------------------------------------------------------- */

_Static_assert(ZRT_NVRAM_PRELOAD_MAX == NVRAM_TEXT_MAX + 1, "zrt_abi.h and nvram.h agree");

static char nvram_deferred[256];

const char *fs_deferred_error(void)
{
	return nvram_deferred[0] ? nvram_deferred : 0;
}

/* The nvram text: handed over by the supervisor (zrt_abi.h), or, when its
 * source could not be read ahead (a pipe), read from the channel. */
static long read_nvram(char *err, size_t errlen)
{
	if (zrt_info.nvram_given) {
		uint64_t at = zrt_info.nvram_addr, len = zrt_info.nvram_len; /* reserved by zrt_main */
		if (len > NVRAM_TEXT_MAX)
			return zrt_fmt(err, errlen, "nvram: larger than %u bytes", (unsigned)NVRAM_TEXT_MAX), -1;
		nvram_text = len ? (const char *)at : 0;
		nvram_len = (size_t)len;
		return 0;
	}
	struct zchan *c = chan_find("/dev/nvram");
	if (!c || !c->readable)
		return 0;
	uint64_t cap = c->random_read ? c->size : 64 << 10;
	if (cap > NVRAM_TEXT_MAX)
		return zrt_fmt(err, errlen, "nvram: larger than %u bytes", (unsigned)NVRAM_TEXT_MAX), -1;
	char *buf = zalloc(NVRAM_TEXT_MAX + 1);
	if (!buf)
		return zrt_fmt(err, errlen, "nvram: out of memory"), -1;
	int64_t r = chan_pread(c, buf, NVRAM_TEXT_MAX + 1, 0);
	if (r < 0)
		return zrt_fmt(err, errlen, "nvram: read error %d", (int)r), -1;
	if ((uint64_t)r > NVRAM_TEXT_MAX)
		return zrt_fmt(err, errlen, "nvram: larger than %u bytes", (unsigned)NVRAM_TEXT_MAX), -1;
	nvram_text = buf;
	nvram_len = (size_t)r;
	return 0;
}

uint64_t fs_seed(void)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a of the configuration */
	for (size_t i = 0; i < nvram_len; i++)
		h = (h ^ (unsigned char)nvram_text[i]) * 0x100000001b3ull;
	return h;
}

static const struct {
	const char *path;
	int dev;
} devices[] = {
	{"/dev/null", DEV_NULL}, {"/dev/zero", DEV_ZERO}, {"/dev/full", DEV_FULL},
	{"/dev/random", DEV_RANDOM}, {"/dev/urandom", DEV_RANDOM},
};

int fs_init(char *err, size_t errlen)
{
	if (chans_init() < 0 || !(root = inode_new(S_IFDIR | 0755)))
		return zrt_fmt(err, errlen, "out of memory"), -1;
	root->nlink = 2;
	cwd = root;
	long r = read_nvram(err, errlen);
	if (r == 0 && nvram_text) {
		void *arena = zalloc(nvram_arena_size(nvram_len));
		if (!arena) {
			zrt_fmt(err, errlen, "nvram: out of memory");
			r = -1;
		} else if (nvram_parse(nvram_text, nvram_len, arena, nvram_arena_size(nvram_len), &zrt_nvram, err,
				     errlen) < 0)
			r = -1;
		else
			zrt_verbosity = zrt_nvram.verbosity;
	}
	if (r < 0) {
		/* A channel read is spent anyway: fail now. A preloaded text
		 * that is not ours may be a raw program's own /dev/nvram: start
		 * without a configuration and fail only if the program turns
		 * out to need the runtime (zrt_sigsys). */
		if (!zrt_info.nvram_given)
			return -1;
		zrt_fmt(nvram_deferred, sizeof nvram_deferred, "%s", err);
		memset(&zrt_nvram, 0, sizeof zrt_nvram);
	}
	if (!mkdirs("/dev", 4) || !mkdirs("/tmp", 4))
		return zrt_fmt(err, errlen, "out of memory"), -1;
	for (int i = 0; i < zrt_nvram.nmapping; i++) {
		struct zchan *c = chan_find(zrt_nvram.mapping[i].channel);
		if (!c)
			return zrt_fmt(err, errlen, "mapping: no channel %s", zrt_nvram.mapping[i].channel), -1;
		c->mode = zrt_nvram.mapping[i].mode == NVRAM_MODE_PIPE   ? ZCHAN_PIPE
			  : zrt_nvram.mapping[i].mode == NVRAM_MODE_CHAR ? ZCHAN_CHAR
									 : ZCHAN_FILE;
	}
	for (int i = 0; i < nchan; i++) {
		if (chans[i].alias[0] != '/')
			continue; /* not a path: reachable by handle only */
		struct inode *n = inode_new(S_IFCHR | 0666);
		if (!n)
			return zrt_fmt(err, errlen, "out of memory"), -1;
		n->chan = &chans[i];
		if (add_node(chans[i].alias, n) < 0) {
			inode_put(n);
			zrt_log(1, "zrt: channel %s: the path is taken, reachable by handle only", chans[i].alias);
		}
	}
	for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++) {
		if (chan_find(devices[i].path))
			continue;
		struct inode *n = inode_new(S_IFCHR | 0666);
		if (!n)
			return zrt_fmt(err, errlen, "out of memory"), -1;
		n->dev = (uint32_t)devices[i].dev;
		add_node(devices[i].path, n);
	}
	for (int i = 0; i < zrt_nvram.nfstab; i++)
		if (mount_image(&zrt_nvram.fstab[i], err, errlen) < 0)
			return -1;
	static const char *const stdio[3] = {"/dev/stdin", "/dev/stdout", "/dev/stderr"};
	for (int fd = 0; fd < 3; fd++) {
		/* A missing one is /dev/null, so the numbers stay where programs
		 * expect them. */
		const char *path = chan_find(stdio[fd]) ? stdio[fd] : "/dev/null";
		struct walk w;
		if (walk(AT_FDCWD, path, true, &w) < 0 || !w.node)
			return zrt_fmt(err, errlen, "cannot open %s", path), -1;
		if (open_node(w.node, fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			return zrt_fmt(err, errlen, "cannot open %s as descriptor %d", path, fd), -1;
	}
	return 0;
}
