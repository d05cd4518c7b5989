/*
 * tarindex.c - an index of a tar image, see tarindex.h. Reading checks
 * every field against the buffer and the archive's size before it is used.
 */
#include "tarindex.h"

#include "libc.h"

static const char magic[8] = {'Z', 'R', 'T', 'I', 'N', 'D', 'X', '1'};

static uint64_t get_le(const unsigned char *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static void put_le(unsigned char *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

size_t tarindex_head(unsigned char *out, uint64_t count, uint64_t archive_size)
{
	memcpy(out, magic, sizeof magic);
	put_le(out + 8, count, 8);
	put_le(out + 16, archive_size, 8);
	return TARINDEX_HEAD;
}

static size_t link_len(const struct tar_entry *e)
{
	return e->type == TAR_SYMLINK || e->type == TAR_HARDLINK ? strlen(e->link) : 0;
}

size_t tarindex_record_size(const struct tar_entry *e)
{
	return TARINDEX_REC + strlen(e->path) + link_len(e);
}

size_t tarindex_record(const struct tar_entry *e, uint64_t offset, unsigned char *out)
{
	size_t pl = strlen(e->path), ll = link_len(e);
	memset(out, 0, TARINDEX_REC);
	out[0] = (unsigned char)e->type;
	put_le(out + 4, e->mode & 07777, 4);
	put_le(out + 8, (uint64_t)e->mtime, 8);
	put_le(out + 16, e->type == TAR_FILE ? e->size : 0, 8);
	put_le(out + 24, offset, 8);
	put_le(out + 32, pl, 2);
	put_le(out + 34, ll, 2);
	memcpy(out + TARINDEX_REC, e->path, pl);
	memcpy(out + TARINDEX_REC + pl, e->link, ll);
	return TARINDEX_REC + pl + ll;
}

/* s[0..n) as a clean path (tar_sanitize would leave it as it is) into dst,
 * NUL-terminated: its length, or -1. Clean: no NUL, no empty, "." or ".."
 * component (so no leading, trailing or doubled '/'), shorter than
 * TAR_PATH_MAX. Checked in one pass, without sanitizing a copy: this runs
 * for every entry of an index (1,300 for Python's image) at every mount. */
static int clean(const unsigned char *s, size_t n, char *dst)
{
	if (n > TAR_PATH_MAX - 1)
		return -1;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && s[j] != '/') {
			if (!s[j])
				return -1;
			j++;
		}
		size_t len = j - i;
		if (len == 0 || (len == 1 && s[i] == '.') || (len == 2 && s[i] == '.' && s[i + 1] == '.'))
			return -1;
		if (j == n - 1)
			return -1; /* a trailing '/' */
		i = j + 1;
	}
	memcpy(dst, s, n);
	dst[n] = 0;
	return (int)n;
}

/* One record at buf[0..left): fills e, returns its size or 0 when bad. */
static size_t record(const unsigned char *p, size_t left, uint64_t archive_size, struct tar_entry *e)
{
	if (left < TARINDEX_REC || p[1] || p[2] || p[3] || p[0] > TAR_HARDLINK)
		return 0;
	size_t pl = (size_t)get_le(p + 32, 2), ll = (size_t)get_le(p + 34, 2);
	if (left - TARINDEX_REC < pl || left - TARINDEX_REC - pl < ll)
		return 0;
	e->type = (enum tar_type)p[0];
	uint64_t mode = get_le(p + 4, 4);
	e->mtime = (int64_t)get_le(p + 8, 8);
	e->size = get_le(p + 16, 8);
	e->offset = get_le(p + 24, 8);
	e->uid = e->gid = 0;
	if (mode > 07777)
		return 0;
	e->mode = (uint32_t)mode;
	int n = clean(p + TARINDEX_REC, pl, e->path);
	if (n < 0 || (n == 0 && e->type != TAR_DIR))
		return 0; /* "" is the root, a directory */
	const unsigned char *l = p + TARINDEX_REC + pl;
	if (e->type == TAR_HARDLINK) {
		if (clean(l, ll, e->link) <= 0)
			return 0;
	} else if (e->type == TAR_SYMLINK) {
		if (ll == 0 || ll > TAR_PATH_MAX - 1)
			return 0;
		memcpy(e->link, l, ll);
		e->link[ll] = 0;
		if (strlen(e->link) != ll)
			return 0;
	} else {
		if (ll)
			return 0;
		e->link[0] = 0;
	}
	if (e->type != TAR_FILE && e->size)
		return 0;
	if (e->offset > archive_size || e->size > archive_size - e->offset)
		return 0;
	return TARINDEX_REC + pl + ll;
}

int tarindex_scan(const unsigned char *buf, size_t len, uint64_t archive_size,
		  int (*cb)(void *cbctx, const struct tar_entry *e), void *cbctx, struct tar_entry *e,
		  struct tar_stats *st)
{
	if (st)
		memset(st, 0, sizeof *st);
	if (len < TARINDEX_HEAD || memcmp(buf, magic, sizeof magic) != 0)
		return -TAR_EINVAL;
	uint64_t count = get_le(buf + 8, 8);
	if (get_le(buf + 16, 8) != archive_size || count > (len - TARINDEX_HEAD) / TARINDEX_REC)
		return -TAR_EINVAL;
	size_t at = TARINDEX_HEAD;
	for (uint64_t i = 0; i < count; i++) {
		size_t n = record(buf + at, len - at, archive_size, e);
		if (!n)
			return -TAR_EINVAL;
		at += n;
		if (st) {
			st->entries++;
			/* offset + size <= archive_size (record()): no overflow */
			uint64_t end = e->offset + e->size + tar_padding(e->size);
			if (end > st->end)
				st->end = end;
		}
		if (cb) {
			int r = cb(cbctx, e);
			if (r)
				return r;
		}
	}
	return at == len ? 0 : -TAR_EINVAL;
}

struct idxloc {
	uint64_t off, size;
	bool found;
};

static int first_entry(void *ctx, const struct tar_entry *e)
{
	struct idxloc *l = ctx;
	if (e->type == TAR_FILE && strcmp(e->path, TARINDEX_NAME) == 0)
		*l = (struct idxloc){e->offset, e->size, true};
	return 1; /* the first entry only */
}

bool tarindex_find(tar_read_fn rd, void *ctx, uint64_t archive_size, uint64_t *off, uint64_t *size)
{
	struct idxloc l = {0, 0, false};
	if (tar_scan(rd, ctx, archive_size, first_entry, &l, 0) != 1 || !l.found || l.size > TARINDEX_MAX)
		return false;
	*off = l.off;
	*size = l.size;
	return true;
}

bool tarindex_current(tar_read_fn rd, void *ctx, uint64_t archive_size, uint64_t end, unsigned char *block)
{
	if (end > archive_size || archive_size - end < TAR_BLOCK || rd(ctx, block, TAR_BLOCK, end) != TAR_BLOCK)
		return false;
	for (size_t i = 0; i < TAR_BLOCK; i++)
		if (block[i])
			return false;
	return true;
}
