/*
 * fuzz_tar: libFuzzer target for the tar reader and writer (zrt/tar.c).
 *
 * The input is an archive. tar_scan() must walk it without crashing,
 * overrunning or looping (built with ASan and UBSan), end with 0 or
 * -TAR_EINVAL (the read function never fails here), and keep every promise
 * of tar.h; a broken promise abort()s:
 *   - reads: only inside the archive, and never a byte of a reported
 *     file's data (headers only: data is loaded lazily, later);
 *   - each entry: path and link NUL-terminated within TAR_PATH_MAX; path
 *     clean (relative, no empty, "." or ".." component, no trailing '/'),
 *     "" only for a directory; a hard link's target clean and not empty, a
 *     symbolic link's not empty, no link for other types; mode within
 *     07777; size 0 unless a file; data within the archive, block-aligned,
 *     after the previous entry's;
 *   - the end: st.marker only when a zero block ended a good walk, at
 *     st.end, a block boundary past every file's data;
 *   - the round trip: tar_header() of the entry is whole blocks within
 *     TAR_HDR_MAX, the same bytes twice, and scans back (followed by the
 *     data's room and the end marker) to exactly that entry.
 * The input's first bytes are also given to tar_sanitize(), whose result
 * must be clean and stable.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LOG_MAX 8192

/* An archive: b[0..n), then zeros up to size; reads are logged. */
struct input {
	const uint8_t *b;
	size_t n;
	uint64_t size;
	unsigned reads;
	struct {
		uint64_t off, len;
	} log[LOG_MAX];
};

static int64_t input_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct input *in = ctx;
	if (off > in->size || len > in->size - off)
		abort(); /* tar_scan checks a read against the size before making it */
	if (in->reads < LOG_MAX) {
		in->log[in->reads].off = off;
		in->log[in->reads].len = len;
	}
	in->reads++;
	memset(buf, 0, len);
	if (off < in->n)
		memcpy(buf, in->b + off, in->n - off < len ? in->n - off : len);
	return (int64_t)len;
}

static bool clean_path(const char *p, size_t n)
{
	if (n && (p[0] == '/' || p[n - 1] == '/'))
		return false;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && p[j] != '/')
			j++;
		size_t c = j - i;
		if (c == 0 || (c == 1 && p[i] == '.') || (c == 2 && p[i] == '.' && p[i + 1] == '.'))
			return false;
		i = j + 1;
	}
	return true;
}

static void check_entry(const struct tar_entry *e, uint64_t archive, uint64_t prev_end)
{
	size_t pl = strnlen(e->path, TAR_PATH_MAX), ll = strnlen(e->link, TAR_PATH_MAX);
	if (pl == TAR_PATH_MAX || ll == TAR_PATH_MAX || !clean_path(e->path, pl))
		abort();
	if (e->type != TAR_FILE && e->type != TAR_DIR && e->type != TAR_SYMLINK && e->type != TAR_HARDLINK)
		abort();
	if (!pl && e->type != TAR_DIR)
		abort();
	if (e->type == TAR_HARDLINK && (!ll || !clean_path(e->link, ll)))
		abort();
	if (e->type == TAR_SYMLINK && !ll)
		abort();
	if ((e->type == TAR_FILE || e->type == TAR_DIR) && ll)
		abort();
	if (e->mode > 07777 || (e->type != TAR_FILE && e->size))
		abort();
	if (e->offset % TAR_BLOCK || e->offset < prev_end + TAR_BLOCK || e->offset > archive ||
	    e->size > archive - e->offset)
		abort();
}

struct one {
	unsigned n;
	struct tar_entry e;
};

static int keep_one(void *ctx, const struct tar_entry *e)
{
	struct one *o = ctx;
	if (o->n++ == 0)
		o->e = *e;
	return 0;
}

/* tar_header() of e must scan back to e. */
static void round_trip(const struct tar_entry *e)
{
	static unsigned char hdr[TAR_HDR_MAX], again[TAR_HDR_MAX];
	size_t n = tar_header(e, hdr);
	if (n < TAR_BLOCK || n > TAR_HDR_MAX || n % TAR_BLOCK || tar_header(e, again) != n || memcmp(hdr, again, n))
		abort();
	static struct input in;
	in.b = hdr, in.n = n, in.reads = 0;
	in.size = n + e->size + tar_padding(e->size) + 2 * TAR_BLOCK;
	static struct one o;
	o.n = 0;
	struct tar_stats st;
	if (tar_scan(input_read, &in, in.size, keep_one, &o, &st) != 0 || o.n != 1 || st.entries != 1 || st.skipped)
		abort();
	const struct tar_entry *b = &o.e;
	if (b->type != e->type || strcmp(b->path, e->path) || strcmp(b->link, e->link) || b->mode != e->mode ||
	    b->size != e->size || b->mtime != e->mtime || b->uid != e->uid || b->gid != e->gid || b->offset != n)
		abort();
}

struct walk {
	uint64_t archive;
	uint64_t entries;
	uint64_t prev_end; /* end of the previous entry's data (its header's end if none) */
	unsigned nfiles;
	struct {
		uint64_t off, len;
	} file[LOG_MAX];
};

static int on_entry(void *ctx, const struct tar_entry *e)
{
	struct walk *w = ctx;
	check_entry(e, w->archive, w->entries ? w->prev_end : 0);
	w->entries++;
	w->prev_end = e->offset + e->size;
	if (e->type == TAR_FILE && e->size && w->nfiles < LOG_MAX) {
		w->file[w->nfiles].off = e->offset;
		w->file[w->nfiles].len = e->size;
		w->nfiles++;
	}
	round_trip(e);
	return 0;
}

static void sanitize_input(const uint8_t *data, size_t size)
{
	static char out[2 * TAR_PATH_MAX + 1], again[TAR_PATH_MAX];
	size_t len = size < 2 * TAR_PATH_MAX ? size : 2 * TAR_PATH_MAX;
	int r = tar_sanitize((const char *)data, len, out);
	if (r < -1 || r > TAR_PATH_MAX - 1)
		abort();
	if (r >= 0 && (strlen(out) != (size_t)r || !clean_path(out, (size_t)r) ||
		       tar_sanitize(out, (size_t)r, again) != r || strcmp(out, again)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct input in;
	static struct walk w;
	in.b = data, in.n = size, in.size = size, in.reads = 0;
	memset(&w, 0, sizeof w);
	w.archive = size;
	struct tar_stats st;
	int r = tar_scan(input_read, &in, size, on_entry, &w, &st);
	if ((r != 0 && r != -TAR_EINVAL) || st.entries != w.entries)
		abort();
	/* Where the walk ended (zvsh's completeness check of a write-back
	 * archive rests on it): a marker only on success, at a block inside the
	 * archive, after every reported file's data. */
	if (st.marker && (r != 0 || st.end % TAR_BLOCK || st.end + TAR_BLOCK > size))
		abort();
	for (unsigned k = 0; r == 0 && k < w.nfiles; k++)
		if (w.file[k].off + w.file[k].len > st.end)
			abort();
	/* Headers only: no read touched a reported file's data. */
	for (unsigned i = 0; i < in.reads && i < LOG_MAX; i++)
		for (unsigned k = 0; k < w.nfiles; k++)
			if (in.log[i].off < w.file[k].off + w.file[k].len &&
			    w.file[k].off < in.log[i].off + in.log[i].len)
				abort();
	sanitize_input(data, size);
	return 0;
}
