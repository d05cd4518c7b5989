/*
 * dir.c - directories: each a list of entries in creation order (an
 * image's: archive order), which only the functions here change.
 * getdents64 reads it with ".", ".." first. A directory of more than
 * HASH_FROM entries also gets an index, a hash of the names with a chain
 * per bucket, so that lookups stay short: mounting Python's image (1,309
 * entries, directories of up to ~200) looks up every entry's parent and
 * the entry itself, which with lists alone was the runtime's largest cost
 * at start (docs/performance.md).
 */
#include <linux/stat.h>

#include "../mem.h"
#include "../syscall.h"
#include "../user.h"
#include "fs.h"

/* A directory entry's type is its S_IF* type shifted down (the kernel's
 * S_DT(); DT_* are not in the uapi headers). */
#define DT_FIFO (S_IFIFO >> 12)
#define DT_CHR (S_IFCHR >> 12)
#define DT_DIR (S_IFDIR >> 12)
#define DT_REG (S_IFREG >> 12)
#define DT_LNK (S_IFLNK >> 12)

#define HASH_FROM 16
#define HASH_BITS0 6

static uint32_t name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static struct dent **bucket(struct inode *d, const char *name, size_t len)
{
	return &d->hash[name_hash(name, len) & ((1u << d->hbits) - 1)];
}

/* (Re)make d's index with 2^bits buckets from its list: false when the
 * heap is full, and d keeps the index it had (or none: lookups walk the
 * list, as they can always). */
static bool index_make(struct inode *d, uint32_t bits)
{
	struct dent **h = mem_alloc(sizeof *h << bits);
	if (!h)
		return false;
	if (d->hash)
		mem_free(d->hash, sizeof *d->hash << d->hbits);
	d->hash = h;
	d->hbits = bits;
	for (struct dent *e = d->first; e; e = e->next) {
		struct dent **b = bucket(d, e->name, e->len);
		e->hnext = *b;
		*b = e;
	}
	return true;
}

void dir_index_free(struct inode *d)
{
	if (d->hash)
		mem_free(d->hash, sizeof *d->hash << d->hbits);
	d->hash = 0;
}

struct inode *dir_lookup(struct inode *d, const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return d;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return d->parent ? d->parent : d;
	struct dent *e = d->hash ? *bucket(d, name, len) : d->first;
	for (; e; e = d->hash ? e->hnext : e->next)
		if (e->len == len && memcmp(e->name, name, len) == 0)
			return e->ino;
	return 0;
}

/* Directory entries are a list in creation order; these three are the only
 * code that touches it. */
struct dent *dir_entry_new(const char *name, size_t len, struct inode *n)
{
	size_t sz = sizeof(struct dent) + len + 1;
	struct dent *e = mem_alloc(sz);
	if (!e)
		return 0;
	e->alloc = (uint32_t)sz;
	e->len = (uint32_t)len;
	e->ino = n;
	memcpy(e->name, name, len);
	e->name[len] = 0;
	return e;
}

void dir_entry_append(struct inode *d, struct dent *e)
{
	if (d->last)
		d->last->next = e;
	else
		d->first = e;
	d->last = e;
	d->nent++;
	d->mtime = d->ctime = fs_now();
	if (d->hash ? d->nent > (2ull << d->hbits) && index_make(d, d->hbits + 1)
		    : d->nent > HASH_FROM && index_make(d, HASH_BITS0))
		return; /* e is in the new index */
	if (d->hash) {
		struct dent **b = bucket(d, e->name, e->len);
		e->hnext = *b;
		*b = e;
	}
}

/* Take the entry (name, n) out of d's list and free it; false if absent. */
bool dir_entry_drop(struct inode *d, struct inode *n, const char *name, size_t len)
{
	struct dent *prev = 0;
	for (struct dent *e = d->first; e; prev = e, e = e->next) {
		if (e->ino != n || e->len != len || memcmp(e->name, name, len) != 0)
			continue;
		if (prev)
			prev->next = e->next;
		else
			d->first = e->next;
		if (d->last == e)
			d->last = prev;
		if (d->hash) {
			struct dent **b = bucket(d, name, len);
			while (*b != e)
				b = &(*b)->hnext;
			*b = e->hnext;
		}
		d->nent--;
		mem_free(e, e->alloc);
		d->mtime = d->ctime = fs_now();
		return true;
	}
	return false;
}

int dir_add(struct inode *d, const char *name, size_t len, struct inode *n)
{
	if (d->nlink == 0)
		return -ENOENT; /* a removed directory (still someone's cwd) */
	struct dent *e = dir_entry_new(name, len, n);
	if (!e)
		return -ENOSPC;
	dir_entry_append(d, e);
	if (S_ISDIR(n->mode)) {
		n->nlink = 2; /* its name and its "." */
		n->parent = d;
		d->nlink++; /* its ".." */
	} else {
		n->nlink++;
	}
	return 0;
}

void dir_remove(struct inode *d, struct inode *n, const char *name, size_t len)
{
	if (!dir_entry_drop(d, n, name, len))
		return;
	if (S_ISDIR(n->mode)) {
		d->nlink--;
		n->nlink = 0;
	} else {
		n->nlink--;
	}
}

/* mkdir -p for the runtime's own use (channel aliases, mountpoints). */
struct inode *dir_mkdirs(const char *path, size_t len)
{
	struct inode *cur = fs_root;
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

long dir_add_path(const char *path, struct inode *n)
{
	size_t len = strlen(path);
	size_t k = len;
	while (k && path[k - 1] != '/')
		k--;
	struct inode *d = dir_mkdirs(path, k);
	if (!d || k == len)
		return -EINVAL;
	if (dir_lookup(d, path + k, len - k))
		return -EEXIST;
	return dir_add(d, path + k, len - k, n);
}

/* ---- getdents64 ------------------------------------------------------------ */

static unsigned char dtype(const struct inode *n)
{
	uint32_t m = inode_mode(n) & S_IFMT;
	return m == S_IFDIR ? DT_DIR : m == S_IFREG ? DT_REG : m == S_IFLNK ? DT_LNK : m == S_IFIFO ? DT_FIFO : DT_CHR;
}

static long do_getdents64(long fd, unsigned char *buf, uint64_t count)
{
	struct ofd *o = fd_file(fd);
	if (!o)
		return -EBADF;
	struct inode *d = o->ino;
	if (!S_ISDIR(d->mode))
		return -ENOTDIR;
	if (!user_range((uint64_t)buf, count))
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
		if ((int64_t)(used + rec) >
		    (int64_t)(int32_t)count) { /* an int in the kernel: above INT_MAX, no room */
			if (!used)
				return -EINVAL;
			break;
		}
		unsigned char *r = buf + used;
		if (!user_ok((uint64_t)r, rec)) { /* the copy faults here: what was written, or EFAULT */
			if (!used)
				return -EFAULT;
			break;
		}
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
	d->atime = fs_now();
	return (long)used;
}

long sys_getdents64(const struct sys_call *c)
{
	return do_getdents64(c->a[0], (unsigned char *)c->a[1], (uint64_t)c->a[2]);
}
