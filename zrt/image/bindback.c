/*
 * bindback.c - what an access=rw mount ([fstab] writeback=ALIAS, zvsh
 * --bind) writes at exit: the tree under the mountpoint as a tar
 * (writeback.c writes it), in which a regular file whose bytes are still
 * the image's own — never written, perhaps renamed, linked or chmod'ed —
 * is a hard-link entry naming its member in the image instead of its
 * data. So an unchanged file costs a header, however large it is, and the
 * host side (zvsh) can rename or link it in place of copying it
 * (docs/images.md, "Writable mounts").
 *
 * A file's inode keeps only the offset of its data in the image (tar_off),
 * not its name, so at exit the unchanged files are collected, sorted by
 * that offset, and the image's headers are walked once more (no data is
 * read) to find the member each one came from.
 */
#include "../chan.h"
#include "../config.h"
#include "../fs/fs.h"
#include "../mem.h"
#include "tar.h" /* untrusted/ */
#include "image.h"

struct bindref {
	struct inode *n;
	char *orig; /* the member's path in the image; NULL until the walk finds it */
	size_t olen;
};

struct bindrefs {
	struct bindref *r;
	size_t n, cap;
	struct zchan *img;
};

/* The unchanged files under d (each inode once: hard links share one),
 * counted when refs->r is NULL, recorded otherwise. */
static void collect(struct bindrefs *b, struct inode *d, unsigned depth)
{
	if (depth > 4096)
		return; /* the write-back's own walk gives up on such paths too */
	for (struct dent *e = d->first; e; e = e->next) {
		struct inode *n = e->ino;
		if (S_ISDIR(n->mode))
			collect(b, n, depth + 1);
		else if (S_ISREG(n->mode) && n->tar == b->img && !n->chan) {
			if (b->r && b->n < b->cap)
				b->r[b->n] = (struct bindref){.n = n};
			b->n++;
		}
	}
}

static bool before(const struct bindref *a, const struct bindref *b)
{
	return a->n->tar_off < b->n->tar_off || (a->n->tar_off == b->n->tar_off && a->n < b->n);
}

/* Heap sort by data offset: no recursion, no allocation. */
static void sift(struct bindref *r, size_t i, size_t n)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && before(&r[c], &r[c + 1]))
			c++;
		if (!before(&r[i], &r[c]))
			return;
		struct bindref t = r[i];
		r[i] = r[c];
		r[c] = t;
		i = c;
	}
}

static void sort_refs(struct bindref *r, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift(r, i, n);
	for (size_t k = n; k > 1; k--) {
		struct bindref t = r[0];
		r[0] = r[k - 1];
		r[k - 1] = t;
		sift(r, 0, k - 1);
	}
}

/* The first reference whose data starts at off, or NULL. */
static struct bindref *find_off(const struct bindrefs *b, uint64_t off)
{
	size_t lo = 0, hi = b->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (b->r[mid].n->tar_off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < b->n && b->r[lo].n->tar_off == off ? &b->r[lo] : 0;
}

static int name_member(void *ctx, const struct tar_entry *e)
{
	struct bindrefs *b = ctx;
	if (e->type != TAR_FILE)
		return 0;
	for (struct bindref *r = find_off(b, e->offset); r && r < b->r + b->n && r->n->tar_off == e->offset; r++) {
		if (r->orig)
			continue; /* a later member at the same offset cannot be: each has its own data */
		size_t l = strlen(e->path);
		r->orig = mem_alloc(l + 1);
		if (!r->orig)
			return 1;
		memcpy(r->orig, e->path, l + 1);
		r->olen = l + 1;
	}
	return 0;
}

struct bindrefs *bindback_refs(const struct nvram_fstab *f, struct inode *top)
{
	static struct bindrefs b;
	memset(&b, 0, sizeof b);
	b.img = chan_find(f->channel);
	if (!b.img)
		return 0;
	if (!top)
		return &b; /* the mountpoint is gone: nothing to refer to */
	collect(&b, top, 0);
	if (b.n == 0)
		return &b;
	b.cap = b.n;
	b.r = mem_alloc(b.cap * sizeof *b.r);
	if (!b.r)
		return 0;
	b.n = 0;
	collect(&b, top, 0);
	sort_refs(b.r, b.n);
	size_t k = 0; /* an inode reached through two names once */
	for (size_t i = 0; i < b.n; i++)
		if (k == 0 || b.r[k - 1].n != b.r[i].n)
			b.r[k++] = b.r[i];
	b.n = k;
	struct tarsrc src = {.c = b.img, .win = mem_alloc(IMAGE_TAR_WIN)};
	if (!src.win)
		return 0;
	int r = tar_scan(image_tar_read, &src, b.img->size, name_member, &b, 0);
	mem_free(src.win, IMAGE_TAR_WIN);
	return r == 0 ? &b : 0;
}

const char *bindback_ref(const struct bindrefs *b, const struct inode *n)
{
	if (!b || !b->n || n->tar != b->img)
		return 0;
	for (struct bindref *r = find_off(b, n->tar_off); r && r < b->r + b->n && r->n->tar_off == n->tar_off; r++)
		if (r->n == n)
			return r->orig;
	return 0;
}
