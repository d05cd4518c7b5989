/*
 * notes.c - at the end, tell the front end what the session lost or
 * refused, so that it can say so to the user (docs/zvsh.1.md):
 *
 *   discarded PATH   a regular file whose contents were written inside the
 *                    sandbox (created, changed, or copied out of an image
 *                    by a write) and that no write-back carries out;
 *   readonly PATH    a channel the program tried to open for writing,
 *                    which it may only read.
 *
 * Only when the nvram's [session] names a channel for it (notes=). One
 * note per line; in PATH every byte outside 0x21-0x7e and the backslash is
 * written \xHH, so any name fits on a line. Not counted as discarded:
 * channels' nodes, files still in an image (never written), everything
 * under /tmp (scratch, as on a host that clears it at boot) and under a
 * mountpoint that is written back (any access but ro).
 */
#include "../chan.h"
#include "../config.h"
#include "../fs/fs.h"
#include "../log.h"
#include "image.h"

struct lister {
	struct zchan *c;
	char path[ZRT_PATH_MAX + 1];
	char line[16 + 4 * ZRT_PATH_MAX];
	uint64_t off;
	bool failed;
};

/* Is path (len bytes) a mountpoint that is written back, or /tmp? */
static bool carried_or_scratch(const char *path, size_t len)
{
	if (len == 4 && memcmp(path, "/tmp", 4) == 0)
		return true;
	for (int i = 0; i < config_nvram.nfstab; i++) {
		const struct nvram_fstab *f = &config_nvram.fstab[i];
		if (f->access != NVRAM_RO && strlen(f->mountpoint) == len && memcmp(f->mountpoint, path, len) == 0)
			return true;
	}
	return false;
}

static void put_note(struct lister *l, const char *kind, const char *path, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(kind);
	memcpy(l->line, kind, n);
	l->line[n++] = ' ';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)path[i];
		if (c <= ' ' || c >= 0x7f || c == '\\') {
			l->line[n++] = '\\', l->line[n++] = 'x';
			l->line[n++] = hex[c >> 4], l->line[n++] = hex[c & 15];
		} else {
			l->line[n++] = (char)c;
		}
	}
	l->line[n++] = '\n';
	if (!l->failed && chan_pwrite(l->c, l->line, n, l->off) != (int64_t)n)
		l->failed = true;
	l->off += n;
}

static void walk(struct lister *l, struct inode *d, size_t plen)
{
	for (struct dent *e = d->first; e; e = e->next) {
		size_t k = strlen(e->name);
		if (plen + 1 + k > ZRT_PATH_MAX)
			continue;
		l->path[plen] = '/';
		memcpy(l->path + plen + 1, e->name, k);
		size_t len = plen + 1 + k;
		struct inode *n = e->ino;
		if (S_ISDIR(n->mode)) {
			if (!carried_or_scratch(l->path, len))
				walk(l, n, len);
		} else if (S_ISREG(n->mode) && !n->chan && !n->tar) {
			put_note(l, "discarded", l->path, len);
		}
	}
}

bool image_write_notes(void)
{
	if (!config_nvram.notes)
		return true;
	static struct lister l; /* not on the signal stack */
	l.c = chan_find(config_nvram.notes);
	if (!l.c)
		return true; /* checked at start (config.c) */
	for (int i = 0; i < fs_ndenied; i++)
		put_note(&l, "readonly", fs_denied[i], strlen(fs_denied[i]));
	if (!carried_or_scratch("/", 1))
		walk(&l, fs_root, 0);
	if (l.failed)
		log_line(0, "zrt: %s: the session's notes could not be written (its quota or the disk)",
			 config_nvram.notes);
	return !l.failed;
}
