/*
 * tarindex IN.tar OUT.tar - IN with an index as its first entry
 * (untrusted/tarindex.h, docs/images.md "The index"): the runtime then
 * mounts it by reading the index, two reads of the image, instead of
 * walking every header. IN's bytes follow the index unchanged, so OUT is
 * the same archive for every tar reader; the index lists what the
 * runtime's own walk reports of IN (tar_scan), in the same order, each
 * data offset moved by the index's room. Deterministic: the same IN gives
 * the same OUT. Used by scripts/python-image.sh (make images).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tar.h"
#include "tarindex.h"

struct idx {
	unsigned char *buf; /* the records, offsets as in IN */
	size_t len, cap;
	uint64_t count;
	size_t *at; /* where each record starts */
	uint64_t *off;
};

static int64_t rd(void *ctx, void *buf, size_t len, uint64_t off)
{
	ssize_t r = pread(*(int *)ctx, buf, len, (off_t)off);
	return r < 0 ? -errno : r;
}

static int add(void *ctx, const struct tar_entry *e)
{
	struct idx *x = ctx;
	if (strcmp(e->path, TARINDEX_NAME) == 0) {
		fprintf(stderr, "tarindex: the archive has an index already\n");
		return 1;
	}
	size_t n = tarindex_record_size(e);
	if (x->len + n > x->cap || x->count % 1024 == 0) {
		x->cap = (x->len + n) * 2 + 4096;
		x->buf = realloc(x->buf, x->cap);
		x->at = realloc(x->at, (x->count + 1024) * sizeof *x->at);
		x->off = realloc(x->off, (x->count + 1024) * sizeof *x->off);
		if (!x->buf || !x->at || !x->off)
			return fprintf(stderr, "tarindex: out of memory\n"), 1;
	}
	x->at[x->count] = x->len;
	x->off[x->count++] = e->offset;
	x->len += tarindex_record(e, e->offset, x->buf + x->len);
	return 0;
}

static int put(int fd, const void *p, size_t n)
{
	for (size_t done = 0; done < n;) {
		ssize_t w = write(fd, (const char *)p + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: tarindex IN.tar OUT.tar\n");
		return 2;
	}
	int in = open(argv[1], O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (in < 0 || fstat(in, &st) < 0)
		return fprintf(stderr, "tarindex: %s: %s\n", argv[1], strerror(errno)), 1;
	struct idx x = {0};
	int r = tar_scan(rd, &in, (uint64_t)st.st_size, add, &x, NULL);
	if (r != 0) {
		if (r < 0)
			fprintf(stderr, "tarindex: %s: %s\n", argv[1],
				r == -TAR_EIO ? "read error" : "not a valid tar archive");
		return 1;
	}
	/* The index's room (its header and padded data) moves every offset;
	 * a record's size does not depend on the offset it holds. */
	uint64_t ilen = TARINDEX_HEAD + x.len;
	struct tar_entry *h = calloc(1, sizeof *h);
	unsigned char hdr[TAR_HDR_MAX];
	if (!h)
		return 1;
	strcpy(h->path, TARINDEX_NAME);
	h->type = TAR_FILE;
	h->mode = 0444;
	h->size = ilen;
	size_t hl = tar_header(h, hdr);
	uint64_t shift = hl + ilen + tar_padding(ilen);
	unsigned char head[TARINDEX_HEAD];
	tarindex_head(head, x.count, shift + (uint64_t)st.st_size);
	for (uint64_t i = 0; i < x.count; i++) {
		unsigned char *p = x.buf + x.at[i];
		/* the record again, at its new offset: only bytes 24..31 change */
		uint64_t o = x.off[i] + shift;
		for (unsigned b = 0; b < 8; b++)
			p[24 + b] = (unsigned char)(o >> (8 * b));
	}
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", argv[2]);
	int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	static const unsigned char zero[TAR_BLOCK];
	if (out < 0 || put(out, hdr, hl) < 0 || put(out, head, sizeof head) < 0 || put(out, x.buf, x.len) < 0 ||
	    put(out, zero, tar_padding(ilen)) < 0)
		return fprintf(stderr, "tarindex: %s: %s\n", tmp, strerror(errno)), unlink(tmp), 1;
	static char buf[1 << 16];
	for (off_t off = 0; off < st.st_size;) {
		ssize_t n = pread(in, buf, sizeof buf, off);
		if (n <= 0 || put(out, buf, (size_t)n) < 0)
			return fprintf(stderr, "tarindex: copying %s failed\n", argv[1]), unlink(tmp), 1;
		off += n;
	}
	if (close(out) < 0 || rename(tmp, argv[2]) < 0)
		return fprintf(stderr, "tarindex: %s: %s\n", argv[2], strerror(errno)), unlink(tmp), 1;
	fprintf(stderr, "tarindex: %s: %llu entries, index of %llu bytes\n", argv[2], (unsigned long long)x.count,
		(unsigned long long)ilen);
	return 0;
}
