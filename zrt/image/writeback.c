/*
 * writeback.c - an access=wo mountpoint is written to its channel as a
 * tar (ustar, pax headers for long names) when the session ends
 * (exit.c): the tree under it, depth first in directory order. An
 * access=rw mount is written the same way to its writeback channel, its
 * unchanged files as hard links to their members (bindback.c).
 */
#include "../chan.h"
#include "../config.h"
#include "../fs/fs.h"
#include "../log.h"
#include "../mem.h"
#include "tar.h" /* untrusted/ */
#include "image.h"

struct wb {
	struct zchan *c;
	unsigned char *hdr;
	struct tar_entry *e;
	char path[TAR_PATH_MAX];
	const struct bindrefs *refs; /* access=rw: the unchanged files */
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
	const char *ref;
	memset(e, 0, sizeof *e);
	memcpy(e->path, w->path, plen);
	e->path[plen] = 0;
	e->mode = n->mode & 07777;
	e->mtime = (int64_t)(n->mtime / 1000000000u);
	e->uid = e->gid = 1000;
	if (S_ISDIR(n->mode))
		e->type = TAR_DIR;
	else if (S_ISLNK(n->mode))
		e->type = TAR_SYMLINK,
		memcpy(e->link, n->data, n->size < TAR_PATH_MAX - 1 ? n->size : TAR_PATH_MAX - 1);
	else if (S_ISREG(n->mode) && !n->chan && (ref = bindback_ref(w->refs, n)))
		e->type = TAR_HARDLINK, memcpy(e->link, ref, strlen(ref) + 1);
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
				if (file_read(n, buf, k, off, &adv) != (int64_t)k) {
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

bool image_writeback(void)
{
	static bool done, ok = true;
	if (done)
		return ok;
	done = true;
	for (int i = 0; i < config_nvram.nfstab; i++) {
		const struct nvram_fstab *f = &config_nvram.fstab[i];
		if (f->access == NVRAM_RO)
			continue;
		const char *out = f->access == NVRAM_RW ? f->writeback : f->channel;
		/* A mountpoint the program removed leaves an empty archive. */
		struct walk w;
		struct inode *top = 0;
		if (path_walk(AT_FDCWD, f->mountpoint, true, &w) == 0 && w.node && S_ISDIR(w.node->mode))
			top = w.node;
		static struct wb b;
		memset(&b, 0, sizeof b);
		b.c = chan_find(out);
		b.hdr = mem_alloc(TAR_HDR_MAX);
		b.e = mem_alloc(sizeof *b.e);
		if (f->access == NVRAM_RW)
			b.refs = bindback_refs(f, top);
		if (!b.c || !b.hdr || !b.e || (f->access == NVRAM_RW && !b.refs)) {
			log_line(0, "zrt: %s: cannot write the image back: out of memory", out);
			ok = false;
			continue;
		}
		if (top)
			wb_node(&b, top, 0);
		static unsigned char end[2 * TAR_BLOCK]; /* not on the signal stack */
		wb_put(&b, end, tar_end(end));
		if (b.failed) {
			log_line(0, "zrt: %s: writing the image back failed", out);
			ok = false;
		}
	}
	return ok;
}

bool image_at_end(void)
{
	bool ok = image_writeback();
	return image_write_notes() && ok;
}
