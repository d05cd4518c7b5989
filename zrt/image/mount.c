/*
 * mount.c - images ([fstab], access=ro) are walked once at start, header
 * by header (tar.c), or, when the image begins with an index
 * (tarindex.h, made by make images), read from the index: two reads
 * instead of a read per window of headers; their files' data stays in the image and is read
 * through the channel when the program reads it (fs/file.c). Writing to
 * such a file first copies it into memory: the image itself never
 * changes. An access=wo mountpoint is made here, empty, and written back
 * at the end (writeback.c).
 */
#include "../chan.h"
#include "../config.h"
#include "../fs/fs.h"
#include "../log.h"
#include "../mem.h"
#include "tar.h"      /* untrusted/ */
#include "tarindex.h" /* untrusted/ */
#include "image.h"

int64_t image_tar_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct tarsrc *s = ctx;
	if (len > IMAGE_TAR_WIN)
		return chan_pread(s->c, buf, len, off);
	if (!(off >= s->win_off && off + len <= s->win_off + s->win_len)) {
		int64_t r = chan_pread(s->c, s->win, IMAGE_TAR_WIN, off);
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
	bool rofs;  /* overlay=no: every inode the archive makes refuses changes */
	bool hides; /* access=rw or overlay=no: the root entry hides what the mountpoint held */
};

static struct inode *sub_lookup(struct inode *top, const char *path, size_t len, bool create_dirs, bool rofs)
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
			n->rofs = rofs;
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

/*
 * The archive's root entry ("./"). For a grant (access=rw, or overlay=no)
 * it stands for the whole directory, as a bind mount does: what the
 * mountpoint held before (an earlier image's files) is hidden behind a
 * new directory, and its mode is the entry's. Other mounts ignore it.
 */
static int mount_root(struct mountctx *m, const struct tar_entry *e)
{
	if (!m->hides)
		return 0;
	struct walk w;
	if (m->top->nent && path_walk(AT_FDCWD, m->mp, true, &w) == 0 && w.node == m->top && w.parent &&
	    w.parent != m->top) {
		struct inode *n = inode_new(S_IFDIR | 0755);
		if (!n)
			return m->err = -ENOSPC, 1;
		dir_remove(w.parent, m->top, w.name, w.len);
		inode_put(m->top);
		if (dir_add(w.parent, w.name, w.len, n) < 0)
			return inode_put(n), m->err = -ENOSPC, 1;
		m->top = n;
	}
	m->top->mode = S_IFDIR | (e->mode & 07777);
	m->top->mtime = m->top->ctime = tar_time(e->mtime);
	m->top->rofs = m->rofs;
	return 0;
}

static int mount_entry(void *ctxv, const struct tar_entry *e)
{
	struct mountctx *m = ctxv;
	size_t len = strlen(e->path);
	if (len == 0)
		return mount_root(m, e); /* the root: the mountpoint itself */
	if (strcmp(e->path, TARINDEX_NAME) == 0)
		return 0; /* the index is not a file of the image's tree */
	size_t k = len;
	while (k && e->path[k - 1] != '/')
		k--;
	struct inode *d = k ? sub_lookup(m->top, e->path, k - 1, true, m->rofs) : m->top;
	if (!d || !S_ISDIR(d->mode)) {
		log_line(1, "zrt: %s: %s: parent is not a directory, skipped", m->mp, e->path);
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
		n = sub_lookup(m->top, e->link, strlen(e->link), false, false);
		if (!n || S_ISDIR(n->mode)) {
			log_line(1, "zrt: %s: %s: link target %s not found, skipped", m->mp, e->path, e->link);
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
	n->rofs = m->rofs;
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

/* Mount m from the image's index: true when done, false when the image has
 * no index, or one that is malformed or describes another size (the walk
 * then mounts it, as it mounts any tar). The index is checked whole before
 * any entry is used. */
static bool mount_index(struct mountctx *m, struct tar_stats *st)
{
	struct {
		uint64_t off, size;
	} l;
	if (!tarindex_find(image_tar_read, &m->src, m->src.c->size, &l.off, &l.size))
		return false;
	static struct tar_entry e;             /* 8 KiB: not on the stack */
	static unsigned char block[TAR_BLOCK]; /* read by a trap: not on the signal stack */
	struct tar_stats whole;
	unsigned char *buf = mem_alloc(l.size ? l.size : 1);
	if (!buf)
		return false;
	bool ok = chan_pread(m->src.c, buf, l.size, l.off) == (int64_t)l.size &&
		  tarindex_scan(buf, l.size, m->src.c->size, 0, 0, &e, &whole) == 0 &&
		  tarindex_current(image_tar_read, &m->src, m->src.c->size, whole.end, block);
	if (ok)
		tarindex_scan(buf, l.size, m->src.c->size, mount_entry, m, &e, st);
	else
		log_line(1, "zrt: %s: its index is malformed or stale, its headers are read instead", m->mp);
	mem_free(buf, l.size ? l.size : 1);
	return ok;
}

static long mount_image(const struct nvram_fstab *f, char *err, size_t errlen)
{
	struct zchan *c = chan_find(f->channel);
	if (!c)
		return zrt_fmt(err, errlen, "fstab: no channel %s", f->channel), -1;
	struct inode *top = dir_mkdirs(f->mountpoint, strlen(f->mountpoint));
	if (!top)
		return zrt_fmt(err, errlen, "fstab: cannot create mountpoint %s", f->mountpoint), -1;
	if (f->access == NVRAM_WO) {
		if (!c->writable)
			return zrt_fmt(err, errlen, "fstab: channel %s is not writable", f->channel), -1;
		return 0;
	}
	if (f->access == NVRAM_RW) {
		struct zchan *wb = chan_find(f->writeback);
		if (!wb || !wb->writable)
			return zrt_fmt(err, errlen, "fstab: writeback channel %s is missing or not writable",
				       f->writeback),
			       -1;
	}
	if (!c->readable || !c->random_read)
		return zrt_fmt(err, errlen, "fstab: channel %s is not a random-read channel", f->channel), -1;
	static struct mountctx m;
	memset(&m, 0, sizeof m);
	m.src.c = c;
	m.src.win = mem_alloc(IMAGE_TAR_WIN);
	m.top = top;
	m.mp = f->mountpoint;
	m.rofs = f->access == NVRAM_RO && !f->overlay;
	m.hides = f->access == NVRAM_RW || m.rofs;
	if (!m.src.win)
		return zrt_fmt(err, errlen, "fstab: out of memory"), -1;
	struct tar_stats st = {0};
	bool indexed = mount_index(&m, &st);
	int r = indexed ? 0 : tar_scan(image_tar_read, &m.src, c->size, mount_entry, &m, &st);
	mem_free(m.src.win, IMAGE_TAR_WIN);
	if (r != 0 || m.err)
		return zrt_fmt(err, errlen, "fstab: %s: %s", f->channel,
			       m.err           ? "out of memory"
			       : r == -TAR_EIO ? "read error"
					       : "not a valid tar archive"),
		       -1;
	log_line(1, "zrt: mounted %s at %s: %llu entries, %llu skipped%s", f->channel, f->mountpoint,
		 (unsigned long long)st.entries, (unsigned long long)st.skipped, indexed ? " (from its index)" : "");
	return 0;
}

int image_mount_all(char *err, size_t errlen)
{
	for (int i = 0; i < config_nvram.nfstab; i++)
		if (mount_image(&config_nvram.fstab[i], err, errlen) < 0)
			return -1;
	return 0;
}
