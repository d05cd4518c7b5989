/*
 * fuzz_tarindex: libFuzzer target for the image index (untrusted/
 * tarindex.c), which the runtime and zvsh read from untrusted images.
 *
 * The input is an index; the archive's size is the one its head names (so
 * the fuzzer gets past that check). tarindex_scan() must not crash or
 * overrun (ASan, UBSan), must return 0 or -TAR_EINVAL, must agree with
 * itself with and without a callback, and each entry it reports keeps
 * tar.h's promises (clean NUL-terminated paths, "" only for a directory,
 * link rules, mode within 07777, size 0 unless a file, data within the
 * archive). An accepted index is canonical: writing its entries back with
 * tarindex_head() and tarindex_record() gives the input's bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tar.h"
#include "tarindex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct out {
	unsigned char *b;
	size_t n, cap;
	uint64_t archive;
	uint64_t count;
};

static int check(void *ctx, const struct tar_entry *e)
{
	struct out *o = ctx;
	size_t pl = strnlen(e->path, TAR_PATH_MAX), ll = strnlen(e->link, TAR_PATH_MAX);
	char clean[TAR_PATH_MAX];
	if (pl == TAR_PATH_MAX || ll == TAR_PATH_MAX || tar_sanitize(e->path, pl, clean) != (int)pl ||
	    strcmp(clean, e->path) != 0 || (pl == 0 && e->type != TAR_DIR) || e->mode > 07777)
		abort();
	if (e->type == TAR_HARDLINK && (ll == 0 || tar_sanitize(e->link, ll, clean) != (int)ll))
		abort();
	if ((e->type == TAR_SYMLINK && ll == 0) || (e->type != TAR_SYMLINK && e->type != TAR_HARDLINK && ll))
		abort();
	if ((e->type != TAR_FILE && e->size) || e->offset > o->archive || e->size > o->archive - e->offset)
		abort();
	size_t n = tarindex_record_size(e);
	if (o->n + n > o->cap)
		abort();
	o->n += tarindex_record(e, e->offset, o->b + o->n);
	o->count++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tar_entry e;
	uint64_t archive = 0;
	for (unsigned i = 0; size >= TARINDEX_HEAD && i < 8; i++)
		archive |= (uint64_t)data[16 + i] << (8 * i);
	int quiet = tarindex_scan(data, size, archive, NULL, NULL, &e, NULL);
	struct out o = {malloc(size + TARINDEX_HEAD), TARINDEX_HEAD, size + TARINDEX_HEAD, archive, 0};
	if (!o.b)
		abort();
	struct tar_stats st;
	int r = tarindex_scan(data, size, archive, check, &o, &e, &st);
	if (r != quiet || (r != 0 && r != -TAR_EINVAL) || st.entries != o.count)
		abort();
	if (r == 0) {
		tarindex_head(o.b, o.count, archive);
		if (o.n != size || memcmp(o.b, data, size) != 0)
			abort(); /* not canonical */
	}
	free(o.b);
	return 0;
}
