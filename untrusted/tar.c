/*
 * tar.c - the tar reader and writer of ZRT's images, see tar.h and
 * docs/images.md.
 *
 * Reading. tar_scan() walks the archive one 512-byte header at a time. The
 * headers that describe the next entry instead of being one (pax 'x', GNU
 * 'L' and 'K') leave their values in struct scan; the next real header is
 * combined with them into a struct tar_entry, checked, and reported or
 * skipped. Nothing is allocated: the long path and link a pending extended
 * header brings are kept in the entry's own buffers, and a pax header's
 * records are read one at a time, so the whole walk needs one entry and one
 * block of stack (about 9 KiB).
 *
 * Untrusted input: every read is bounds-checked against the archive's size
 * before it is made, every offset sum is checked before it is formed, and a
 * field of the header is never read past its width (names need not end in
 * NUL). Numbers follow GNU tar: octal with blanks around it, or base-256.
 * Where tar readers differ, this one does what GNU tar 1.34 does, so that
 * `tar -t` lists what ZRT mounts; the few places where it is stricter (it
 * fails where GNU tar would warn and guess) are named in docs/images.md.
 *
 * Writing. tar_header() emits a ustar header, preceded by a pax header when
 * a value does not fit; the output depends only on the entry, so an image
 * written back twice from the same tree is the same bytes.
 *
 * Only what util.h declares is used: this file is also built freestanding.
 */
#include "tar.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libc.h"

/* The ustar header (POSIX.1-2001, "ustar Interchange Format"). Every
 * member is a char array, so there is no padding. In the old GNU format
 * the bytes of prefix hold other things (atime, ctime, sparse maps). */
struct ustar {
	char name[100];
	char mode[8];
	char uid[8];
	char gid[8];
	char size[12];
	char mtime[12];
	char chksum[8];
	char typeflag;
	char linkname[100];
	char magic[6]; /* "ustar\0" (POSIX), "ustar " (old GNU, with version " \0"), or none (v7) */
	char version[2];
	char uname[32];
	char gname[32];
	char devmajor[8];
	char devminor[8];
	char prefix[155];
	char pad[12];
};
_Static_assert(sizeof(struct ustar) == TAR_BLOCK, "ustar header is one block");

#define OCTAL_MAX(w) ((UINT64_C(1) << (3 * ((w)-1))) - 1) /* largest octal value a w-byte field holds */
#define PAX_HEAD 96 /* bytes of a pax record read first: length, key, a numeric value */

/* ---- small helpers ----------------------------------------------------------------------- */

/* Length of s, at most max: the string need not be terminated. */
static size_t bounded_len(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

/* Copy a header field up to its first NUL; returns the bytes copied. */
static size_t field_copy(char *out, const char *f, size_t w)
{
	size_t n = bounded_len(f, w);
	memcpy(out, f, n);
	return n;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool all_zero(const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

size_t tar_padding(uint64_t size)
{
	return (TAR_BLOCK - size % TAR_BLOCK) % TAR_BLOCK;
}

size_t tar_end(unsigned char *out)
{
	memset(out, 0, 2 * TAR_BLOCK);
	return 2 * TAR_BLOCK;
}

/* ---- paths ------------------------------------------------------------------------------- */

int tar_sanitize(const char *in, size_t len, char *out)
{
	/* out never runs ahead of in (only separators and "." are dropped),
	 * so the copy may work in place. */
	size_t i = 0, o = 0;
	while (i < len && in[i]) {
		if (in[i] == '/') {
			i++;
			continue;
		}
		size_t j = i;
		while (j < len && in[j] && in[j] != '/')
			j++;
		size_t n = j - i;
		if (n == 1 && in[i] == '.') {
			i = j;
			continue;
		}
		if (n == 2 && in[i] == '.' && in[i + 1] == '.')
			return -1;
		if (o + (o ? 1 : 0) + n > TAR_PATH_MAX - 1)
			return -1;
		if (o)
			out[o++] = '/';
		/* Mostly in place already: musl's memmove copies an overlap
		 * with out == in backwards, byte by byte (std; rep movsb), which
		 * made reading a 1,300-entry index cost zvsh ~1 ms. */
		if (out + o != in + i)
			memmove(out + o, in + i, n);
		o += n;
		i = j;
	}
	out[o] = 0;
	return (int)o;
}

/* ---- numbers in header fields ------------------------------------------------------------ */

/*
 * Octal, as writers really produce it: leading spaces, digits, then a NUL
 * or a space (what follows that is not looked at, as in GNU tar). A field
 * of blanks or NULs is 0: some v7 writers leave unused fields empty.
 */
static bool octal(const char *f, size_t w, uint64_t *out)
{
	size_t i = 0;
	while (i < w && f[i] == ' ')
		i++;
	uint64_t v = 0;
	for (; i < w && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return false;
		v = v << 3 | (uint64_t)(f[i] - '0');
	}
	if (i < w && f[i] != 0 && f[i] != ' ')
		return false;
	*out = v;
	return true;
}

/*
 * GNU's base-256, marked by the first byte's high bit: the rest of the
 * field, 6 + 8 * (w - 1) bits, is a big-endian two's complement number
 * whose sign is bit 6 of the first byte. Fails when it does not fit int64.
 */
static bool base256(const unsigned char *f, size_t w, int64_t *out)
{
	bool neg = f[0] & 0x40;
	unsigned char flip = neg ? 0xff : 0;
	/* For a negative number accumulate its complement, |v| - 1, which
	 * fits in 63 bits exactly when v fits in int64. */
	uint64_t m = (uint64_t)((f[0] ^ flip) & 0x3f);
	for (size_t i = 1; i < w; i++) {
		if (m >> 55)
			return false;
		m = m << 8 | (unsigned char)(f[i] ^ flip);
	}
	*out = neg ? -(int64_t)m - 1 : (int64_t)m;
	return true;
}

static bool field_num(const char *f, size_t w, int64_t *out)
{
	if ((unsigned char)f[0] & 0x80)
		return base256((const unsigned char *)f, w, out);
	uint64_t v;
	if (!octal(f, w, &v))
		return false;
	*out = (int64_t)v; /* at most 36 bits: fields are 12 bytes or fewer */
	return true;
}

/* A field that must hold a value in 0..max. */
static bool field_range(const char *f, size_t w, uint64_t max, uint64_t *out)
{
	int64_t v;
	if (!field_num(f, w, &v) || v < 0 || (uint64_t)v > max)
		return false;
	*out = (uint64_t)v;
	return true;
}

/*
 * The checksum is the sum of the header's bytes with the checksum field
 * taken as spaces. POSIX sums unsigned bytes; some old tars (Sun, early
 * GNU) summed signed chars, so either matching is accepted, as GNU tar does.
 */
static bool checksum_ok(const unsigned char *b)
{
	uint64_t stored;
	const size_t at = offsetof(struct ustar, chksum), w = sizeof(((struct ustar *)0)->chksum);
	if (!octal((const char *)b + at, w, &stored))
		return false;
	int64_t u = 0, s = 0;
	for (size_t i = 0; i < TAR_BLOCK; i++) {
		unsigned char c = i >= at && i < at + w ? ' ' : b[i];
		u += c;
		s += (signed char)c;
	}
	return (int64_t)stored == u || (int64_t)stored == s;
}

/* ---- scanning ---------------------------------------------------------------------------- */

/* What extended headers said about the next entry (struct scan.x). */
enum {
	X_PATH = 1 << 0,   /* e.path holds the path ('L' or pax path) */
	X_LINK = 1 << 1,   /* e.link holds the link target ('K' or pax linkpath) */
	X_SIZE = 1 << 2,   /* x_size */
	X_MTIME = 1 << 3,  /* x_mtime */
	X_UID = 1 << 4,    /* x_uid */
	X_GID = 1 << 5,    /* x_gid */
	X_SPARSE = 1 << 6, /* GNU.sparse.* records: the data is not the file's contents */
};

struct scan {
	tar_read_fn rd;
	void *ctx;
	uint64_t end; /* the archive's size */
	int (*cb)(void *cbctx, const struct tar_entry *e);
	void *cbctx;
	struct tar_stats *st;

	bool pending; /* extended headers were read; an entry must follow */
	unsigned x;   /* X_* */
	uint64_t x_size;
	int64_t x_mtime;
	uint32_t x_uid, x_gid;
	struct tar_entry e;
};

/* Read len bytes at off, which the caller has checked lie in the archive;
 * anything short of that is the read function's failure. */
static int get(struct scan *s, void *buf, size_t len, uint64_t off)
{
	int64_t r = s->rd(s->ctx, buf, len, off);
	return r == (int64_t)len ? 0 : -TAR_EIO;
}

/* A GNU 'L' or 'K' record: the name, NUL-terminated (by GNU tar) or filling
 * the record (by some other writers). */
static int read_long(struct scan *s, char *dst, uint64_t off, uint64_t size)
{
	if (size > TAR_PATH_MAX)
		return -TAR_EINVAL;
	int r = get(s, dst, (size_t)size, off);
	if (r < 0)
		return r;
	size_t n = bounded_len(dst, (size_t)size);
	if (n == TAR_PATH_MAX)
		return -TAR_EINVAL; /* no room for the NUL: longer than any path we keep */
	dst[n] = 0;
	return 0;
}

/* Decimal digits only, at most max. */
static bool dec(const char *v, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t x = 0;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(v[i]))
			return false;
		uint64_t d = (uint64_t)(v[i] - '0');
		if (x > (max - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*out = x;
	return true;
}

/* A pax time: [-]digits[.digits]; the fraction is dropped (ZRT keeps
 * whole seconds, as the ustar field does). */
static bool pax_time(const char *v, size_t n, int64_t *out)
{
	bool neg = n && v[0] == '-';
	size_t i = neg, k = i;
	while (k < n && v[k] != '.')
		k++;
	for (size_t j = k + 1; j < n; j++)
		if (!is_digit(v[j]))
			return false;
	uint64_t m;
	if (!dec(v + i, k - i, neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, &m))
		return false;
	*out = neg ? (int64_t)(0 - m) : (int64_t)m; /* two's complement: -2^63 comes out right */
	return true;
}

static bool key_is(const char *k, size_t n, const char *name)
{
	return strlen(name) == n && !memcmp(k, name, n);
}

/* Take a pax numeric record's value (vl bytes at v). An empty one is
 * malformed: POSIX says it deletes the keyword, but GNU tar fails on it
 * and here, too, a number has digits. */
static int pax_number(struct scan *s, const char *key, size_t kl, const char *v, size_t vl)
{
	unsigned bit = key_is(key, kl, "size")    ? X_SIZE
		       : key_is(key, kl, "mtime") ? X_MTIME
		       : key_is(key, kl, "uid")   ? X_UID
						  : X_GID;
	uint64_t u;
	bool ok;
	if (bit == X_SIZE)
		ok = dec(v, vl, UINT64_MAX, &s->x_size);
	else if (bit == X_MTIME)
		ok = pax_time(v, vl, &s->x_mtime);
	else if ((ok = dec(v, vl, UINT32_MAX, &u)))
		*(bit == X_UID ? &s->x_uid : &s->x_gid) = (uint32_t)u;
	if (!ok)
		return -TAR_EINVAL;
	s->x |= bit;
	return 0;
}

/* A pax path or linkpath record: its value (vl bytes at off, then the
 * '\n') goes straight into the entry's buffer. An empty value is taken as
 * it is, as GNU tar takes it (not as POSIX's "delete the keyword"): the
 * entry has no name, or no target, and is skipped unless it is the root. */
static int pax_string(struct scan *s, char *dst, unsigned bit, uint64_t off, size_t vl)
{
	if (vl > TAR_PATH_MAX - 1)
		return -TAR_EINVAL;
	int r = get(s, dst, vl + 1, off);
	if (r < 0)
		return r;
	if (dst[vl] != '\n')
		return -TAR_EINVAL;
	dst[vl] = 0;
	s->x |= bit;
	return 0;
}

/*
 * One pax record "<len> <key>=<value>\n" at off, with left bytes of the
 * header from there; *len gets its length. The head is read first; a path
 * is then read on its own into place, any other value must be in the head
 * (numbers are short) or is not one we keep and is only checked for its
 * final '\n'.
 */
static int pax_record(struct scan *s, uint64_t off, uint64_t left, uint64_t *len)
{
	char head[PAX_HEAD];
	size_t n = left < PAX_HEAD ? (size_t)left : PAX_HEAD;
	int r = get(s, head, n, off);
	if (r < 0)
		return r;
	size_t i = 0;
	uint64_t l = 0;
	for (; i < n && is_digit(head[i]); i++) {
		l = l * 10 + (uint64_t)(head[i] - '0');
		if (l > left)
			return -TAR_EINVAL;
	}
	if (i == 0 || i == n || head[i] != ' ')
		return -TAR_EINVAL;
	size_t key = i + 1, eq = key;
	size_t in_head = l < n ? (size_t)l : n; /* the record's bytes in head */
	while (eq < in_head && head[eq] != '=')
		eq++;
	*len = l;
	if (eq >= in_head) { /* no '=' in the head */
		if (l <= n)
			return -TAR_EINVAL;
		char nl; /* a key longer than any we know: check the framing only */
		r = get(s, &nl, 1, off + l - 1);
		return r < 0 ? r : nl == '\n' ? 0 : -TAR_EINVAL;
	}
	if (eq == key)
		return -TAR_EINVAL;
	size_t kl = eq - key, v = eq + 1;
	if (l < v + 1) /* room for the '\n' at l - 1 */
		return -TAR_EINVAL;
	size_t vl = (size_t)(l - 1 - v);
	const char *k = head + key;
	if (key_is(k, kl, "path"))
		return pax_string(s, s->e.path, X_PATH, off + v, vl);
	if (key_is(k, kl, "linkpath"))
		return pax_string(s, s->e.link, X_LINK, off + v, vl);
	if (l > n) { /* a long value of a keyword we do not keep */
		if (key_is(k, kl, "size") || key_is(k, kl, "mtime") || key_is(k, kl, "uid") || key_is(k, kl, "gid"))
			return -TAR_EINVAL;
		if (kl >= 11 && !memcmp(k, "GNU.sparse.", 11))
			s->x |= X_SPARSE;
		char nl;
		r = get(s, &nl, 1, off + l - 1);
		return r < 0 ? r : nl == '\n' ? 0 : -TAR_EINVAL;
	}
	if (head[l - 1] != '\n')
		return -TAR_EINVAL;
	if (key_is(k, kl, "size") || key_is(k, kl, "mtime") || key_is(k, kl, "uid") || key_is(k, kl, "gid"))
		return pax_number(s, k, kl, head + v, vl);
	if (kl >= 11 && !memcmp(k, "GNU.sparse.", 11))
		s->x |= X_SPARSE;
	return 0; /* atime, ctime, uname, charset, SCHILY.*, ...: not kept */
}

/* A pax extended header ('x'): size bytes of records at off. */
static int read_pax(struct scan *s, uint64_t off, uint64_t size)
{
	if (size > TAR_PAX_MAX)
		return -TAR_EINVAL;
	uint64_t done = 0;
	while (done < size) {
		uint64_t len;
		int r = pax_record(s, off + done, size - done, &len);
		if (r < 0)
			return r;
		done += len;
	}
	return 0;
}

/* The path a header holds: POSIX ustar joins prefix and name. */
static void header_path(const struct ustar *h, char *out)
{
	size_t o = 0;
	if (!memcmp(h->magic, "ustar", sizeof h->magic) && h->prefix[0]) {
		o = field_copy(out, h->prefix, sizeof h->prefix);
		out[o++] = '/';
	}
	o += field_copy(out + o, h->name, sizeof h->name);
	out[o] = 0;
}

/* The type a typeflag stands for, or -1 for one ZRT does not mount. */
static int entry_type(char t)
{
	switch (t) {
	case '0':
	case '\0': /* v7 */
	case '7': /* contiguous file: an ordinary file everywhere now */ return TAR_FILE;
	case '5': return TAR_DIR;
	case '2': return TAR_SYMLINK;
	case '1': return TAR_HARDLINK;
	default: /* '3' '4' devices, '6' FIFO, 'S' sparse, 'D' dumpdir, 'V' label, 'M', ... */ return -1;
	}
}

/* The numeric fields of the entry's header, unless an extended header
 * gave them. */
static int entry_numbers(struct scan *s, const struct ustar *h)
{
	struct tar_entry *e = &s->e;
	uint64_t mode, uid, gid;
	int64_t mtime;
	if (!field_range(h->mode, sizeof h->mode, UINT32_MAX, &mode) ||
	    !field_range(h->uid, sizeof h->uid, UINT32_MAX, &uid) ||
	    !field_range(h->gid, sizeof h->gid, UINT32_MAX, &gid) || !field_num(h->mtime, sizeof h->mtime, &mtime))
		return -TAR_EINVAL;
	e->mode = (uint32_t)mode & 07777; /* old tars also stored the file type bits */
	e->uid = s->x & X_UID ? s->x_uid : (uint32_t)uid;
	e->gid = s->x & X_GID ? s->x_gid : (uint32_t)gid;
	e->mtime = s->x & X_MTIME ? s->x_mtime : mtime;
	return 0;
}

/*
 * An entry's own header, with what the extended headers before it said:
 * build the entry, decide whether it is usable, and report or skip it.
 * data and size are where its data lies.
 */
static int entry(struct scan *s, const struct ustar *h, uint64_t data, uint64_t size)
{
	struct tar_entry *e = &s->e;
	int type = entry_type(h->typeflag);
	if (!(s->x & X_PATH))
		header_path(h, e->path);
	size_t plen = strlen(e->path);
	/* Old tars marked directories only by a trailing '/'. */
	if (type == TAR_FILE && plen && e->path[plen - 1] == '/')
		type = TAR_DIR;
	bool link = type == TAR_SYMLINK || type == TAR_HARDLINK;
	if (!link)
		e->link[0] = 0;
	else if (!(s->x & X_LINK))
		e->link[field_copy(e->link, h->linkname, sizeof h->linkname)] = 0;
	int r = entry_numbers(s, h);
	if (r < 0)
		return r;
	bool usable = type >= 0 && !(s->x & X_SPARSE);
	int n = tar_sanitize(e->path, plen, e->path);
	usable = usable && n >= 0 && (n > 0 || type == TAR_DIR); /* "" is the root: a directory */
	if (type == TAR_HARDLINK)
		usable = usable && tar_sanitize(e->link, strlen(e->link), e->link) > 0;
	if (type == TAR_SYMLINK)
		usable = usable && e->link[0]; /* no system makes an empty symbolic link */
	s->x = 0;
	s->pending = false;
	if (!usable) {
		s->st->skipped++;
		return 0;
	}
	e->type = (enum tar_type)type;
	e->size = type == TAR_FILE ? size : 0;
	e->offset = data;
	s->st->entries++;
	return s->cb(s->cbctx, e);
}

/* The header block at off, checksum already good: act on it and find the
 * next header's offset. */
static int step(struct scan *s, const struct ustar *h, uint64_t off, uint64_t *next)
{
	uint64_t size;
	if (!field_range(h->size, sizeof h->size, INT64_MAX, &size))
		return -TAR_EINVAL;
	char t = h->typeflag;
	bool ext = t == 'x' || t == 'g' || t == 'L' || t == 'K';
	if (!ext && (s->x & X_SIZE))
		size = s->x_size;
	/* Hard links and directories carry no data whatever their size field
	 * says; every other type is followed by size bytes (GNU tar's rule). */
	if (t == '1' || t == '5')
		size = 0;
	uint64_t data = off + TAR_BLOCK;
	if (size > s->end - data)
		return -TAR_EINVAL;
	/* The last entry's padding may be cut off: the walk then ends there. */
	uint64_t after = data + size, pad = tar_padding(size);
	*next = s->end - after < pad ? s->end : after + pad;
	switch (t) {
	case 'x': s->pending = true; return read_pax(s, data, size);
	case 'g': /* global pax values: nothing ZRT keeps is meaningful archive-wide */ return 0;
	case 'L':
		s->pending = true;
		s->x |= X_PATH;
		return read_long(s, s->e.path, data, size);
	case 'K':
		s->pending = true;
		s->x |= X_LINK;
		return read_long(s, s->e.link, data, size);
	default: return entry(s, h, data, size);
	}
}

int tar_scan(tar_read_fn rd, void *ctx, uint64_t archive_size, int (*cb)(void *cbctx, const struct tar_entry *e),
	     void *cbctx, struct tar_stats *st)
{
	struct tar_stats dummy;
	struct scan s = {.rd = rd, .ctx = ctx, .end = archive_size, .cb = cb, .cbctx = cbctx, .st = st ? st : &dummy};
	union {
		struct ustar h;
		unsigned char b[TAR_BLOCK];
	} blk;
	s.st->entries = s.st->skipped = 0;
	s.st->end = 0;
	s.st->marker = false;
	uint64_t off = 0;
	for (;;) {
		s.st->end = off;
		/* The end of the data, or a zero block (GNU tar stops at the
		 * first, warning when a second does not follow), ends the
		 * archive, but not between an extended header and its entry. */
		if (off >= s.end)
			return s.pending ? -TAR_EINVAL : 0;
		if (s.end - off < TAR_BLOCK)
			return -TAR_EINVAL;
		int r = get(&s, blk.b, TAR_BLOCK, off);
		if (r < 0)
			return r;
		if (all_zero(blk.b, TAR_BLOCK)) {
			s.st->marker = !s.pending;
			return s.pending ? -TAR_EINVAL : 0;
		}
		if (!checksum_ok(blk.b))
			return -TAR_EINVAL;
		r = step(&s, &blk.h, off, &off);
		if (r)
			return r;
	}
}

/* ---- writing ----------------------------------------------------------------------------- */

/* w - 1 octal digits and a NUL; v fits (the caller checked). */
static void put_octal(char *f, size_t w, uint64_t v)
{
	f[w - 1] = 0;
	for (size_t i = w - 1; i-- > 0; v >>= 3)
		f[i] = (char)('0' + (v & 7));
}

/* Octal when it fits, else base-256 (GNU tar and libarchive read it;
 * a pax record carries the value for everyone else). */
static void put_num(char *f, size_t w, int64_t v)
{
	if (v >= 0 && (uint64_t)v <= OCTAL_MAX(w)) {
		put_octal(f, w, (uint64_t)v);
		return;
	}
	uint64_t u = (uint64_t)v;
	for (size_t i = 0; i < w; i++) {
		size_t shift = 8 * (w - 1 - i);
		f[i] = (char)(shift < 64 ? (unsigned char)(u >> shift) : v < 0 ? 0xff : 0);
	}
	f[0] = (char)((unsigned char)f[0] | 0x80);
}

static bool fits_octal(int64_t v, size_t w)
{
	return v >= 0 && (uint64_t)v <= OCTAL_MAX(w);
}

static size_t put_decimal(char *out, uint64_t v)
{
	char tmp[20];
	size_t n = 0;
	do
		tmp[n++] = (char)('0' + v % 10);
	while (v /= 10);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

static size_t put_signed(char *out, int64_t v)
{
	if (v >= 0)
		return put_decimal(out, (uint64_t)v);
	out[0] = '-';
	return 1 + put_decimal(out + 1, 0 - (uint64_t)v);
}

static size_t digits(uint64_t v)
{
	size_t n = 1;
	while (v >= 10)
		v /= 10, n++;
	return n;
}

/* One pax record "<len> <key>=<val>\n". The length counts its own
 * digits, hence the second look. */
static size_t pax_put(char *out, const char *key, const char *val, size_t vl)
{
	size_t kl = strlen(key), body = kl + vl + 3; /* ' ' '=' '\n' */
	size_t d = digits(body);
	if (digits(body + d) > d)
		d++;
	size_t o = put_decimal(out, body + d);
	out[o++] = ' ';
	memcpy(out + o, key, kl);
	o += kl;
	out[o++] = '=';
	memcpy(out + o, val, vl);
	o += vl;
	out[o++] = '\n';
	return o;
}

static size_t pax_put_num(char *out, const char *key, int64_t v)
{
	char num[24];
	return pax_put(out, key, num, put_signed(num, v));
}

/* The name as stored: the path, or "." for the root, and a '/' after a
 * directory's, as GNU tar writes them. */
struct stored {
	const char *s;
	size_t n;   /* bytes of s */
	bool slash; /* followed by '/' */
};

/*
 * Where to cut a stored name longer than ustar's name field into prefix
 * '/' name: the first '/' leaving at most 100 bytes after it, if that
 * leaves at most 155 before it and something after it. 0 when none does.
 */
static size_t ustar_split(const struct stored *p)
{
	size_t len = p->n + p->slash, nw = sizeof(((struct ustar *)0)->name);
	size_t pw = sizeof(((struct ustar *)0)->prefix);
	for (size_t i = len > nw + 1 ? len - nw - 1 : 1; i < p->n && i <= pw; i++)
		if (p->s[i] == '/')
			return i + 1 < len ? i : 0;
	return 0;
}

/* Fill a header's fields but the checksum; out is zeroed. */
static void put_fields(struct ustar *h, char type, uint64_t size, int64_t mtime, const struct tar_entry *e)
{
	put_octal(h->mode, sizeof h->mode, e ? e->mode & 07777 : 0644);
	put_num(h->uid, sizeof h->uid, e ? e->uid : 0);
	put_num(h->gid, sizeof h->gid, e ? e->gid : 0);
	put_num(h->size, sizeof h->size, (int64_t)size);
	put_num(h->mtime, sizeof h->mtime, mtime);
	h->typeflag = type;
	memcpy(h->magic, "ustar", sizeof h->magic);
	memcpy(h->version, "00", sizeof h->version);
	put_octal(h->devmajor, sizeof h->devmajor, 0);
	put_octal(h->devminor, sizeof h->devminor, 0);
}

static void put_checksum(struct ustar *h)
{
	memset(h->chksum, ' ', sizeof h->chksum);
	const unsigned char *b = (const unsigned char *)h;
	uint64_t sum = 0;
	for (size_t i = 0; i < TAR_BLOCK; i++)
		sum += b[i];
	put_octal(h->chksum, sizeof h->chksum - 1, sum); /* six digits, NUL, space */
}

/* The pax header's own name: "PaxHeaders/" and the entry's last component,
 * as GNU tar names it (without the directory part, to stay short). */
static void pax_name(struct ustar *h, const struct stored *p)
{
	static const char dir[] = "PaxHeaders/";
	size_t b = p->n;
	while (b && p->s[b - 1] != '/')
		b--;
	size_t n = p->n - b, room = sizeof h->name - (sizeof dir - 1);
	memcpy(h->name, dir, sizeof dir - 1);
	memcpy(h->name + sizeof dir - 1, p->s + b, n < room ? n : room);
}

size_t tar_header(const struct tar_entry *e, unsigned char *out)
{
	static const char type_flag[] = {[TAR_FILE] = '0', [TAR_DIR] = '5', [TAR_SYMLINK] = '2', [TAR_HARDLINK] = '1'};
	bool dir = e->type == TAR_DIR, link = e->type == TAR_SYMLINK || e->type == TAR_HARDLINK;
	char type = (unsigned)e->type < sizeof type_flag ? type_flag[e->type] : '0';
	struct stored p = {e->path, bounded_len(e->path, TAR_PATH_MAX - 1), dir};
	if (p.n == 0 && dir)
		p.s = ".", p.n = 1;
	size_t ll = link ? bounded_len(e->link, TAR_PATH_MAX - 1) : 0;
	uint64_t size = e->type == TAR_FILE ? e->size : 0;

	struct ustar *h = (struct ustar *)out;
	size_t len = p.n + p.slash, cut = 0;
	bool path_fits = len <= sizeof h->name || (cut = ustar_split(&p)) != 0;
	bool link_fits = ll <= sizeof h->linkname;
	bool size_fits = size <= OCTAL_MAX(sizeof h->size), mtime_fits = fits_octal(e->mtime, sizeof h->mtime);
	bool uid_fits = e->uid <= OCTAL_MAX(sizeof h->uid), gid_fits = e->gid <= OCTAL_MAX(sizeof h->gid);

	size_t o = 0;
	if (!path_fits || !link_fits || !size_fits || !mtime_fits || !uid_fits || !gid_fits) {
		/* Records, path first (the order GNU tar writes them in), into
		 * the blocks after the pax header: at most 4106 (path) + 4110
		 * (linkpath) + 29 (size) + 30 (mtime) + 2 * 18 (uid, gid) =
		 * 8311 bytes, 17 blocks; with the two headers 9728 bytes, within
		 * TAR_HDR_MAX. */
		char *r = (char *)out + TAR_BLOCK;
		size_t n = 0;
		if (!path_fits) /* no '/' for a directory: 4095 bytes and it would not fit a reader */
			n += pax_put(r + n, "path", p.s, p.n);
		if (!link_fits)
			n += pax_put(r + n, "linkpath", e->link, ll);
		if (!size_fits)
			n += pax_put_num(r + n, "size", (int64_t)size);
		if (!mtime_fits)
			n += pax_put_num(r + n, "mtime", e->mtime);
		if (!uid_fits)
			n += pax_put_num(r + n, "uid", e->uid);
		if (!gid_fits)
			n += pax_put_num(r + n, "gid", e->gid);
		memset(r + n, 0, tar_padding(n));
		memset(h, 0, TAR_BLOCK);
		pax_name(h, &p);
		int64_t t = e->mtime < 0 ? 0 : mtime_fits ? e->mtime : (int64_t)OCTAL_MAX(sizeof h->mtime);
		put_fields(h, 'x', n, t, NULL);
		put_checksum(h);
		o = TAR_BLOCK + n + tar_padding(n);
		h = (struct ustar *)(out + o);
	}

	memset(h, 0, TAR_BLOCK);
	if (cut) {
		memcpy(h->prefix, p.s, cut);
		memcpy(h->name, p.s + cut + 1, p.n - cut - 1);
		if (p.slash)
			h->name[p.n - cut - 1] = '/';
	} else {
		/* Fits, or the pax path stands for it: then the field holds
		 * the start, for readers that know only ustar. */
		size_t n = p.n < sizeof h->name ? p.n : sizeof h->name;
		memcpy(h->name, p.s, n);
		if (p.slash && n < sizeof h->name)
			h->name[n] = '/';
	}
	memcpy(h->linkname, e->link, link_fits ? ll : sizeof h->linkname);
	put_fields(h, type, size, e->mtime, e);
	put_checksum(h);
	return o + TAR_BLOCK;
}
