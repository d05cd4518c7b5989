/*
 * snapload.c - starting a session from a snapshot (snapshot.h,
 * docs/snapshots.md): the file checked and its key compared before
 * anything runs, guest memory filled, the new session's channels and
 * descriptions written over the old ones.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsize.h"
#include "options.h"
#include "runtime.h"
#include "snapfmt.h"
#include "snapshot.h"

struct snap {
	int fd;
	bool own_fd;
	bool trusted; /* a daemon's own memfd: its data is not hashed again */
	struct snap_head h;
	uint8_t *meta;
	struct snap_meta m;
	char name[256]; /* for messages */
};

#define PAGE 4096ull
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))

static int read_all(int fd, void *dst, size_t n, uint64_t off)
{
	char *p = dst;
	while (n) {
		ssize_t r = pread(fd, p, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r, n -= (size_t)r, off += (uint64_t)r;
	}
	return 0;
}

__attribute__((format(printf, 4, 5))) static struct snap *refuse(struct snap *sn, struct zvm_error *err, int code,
								 const char *fmt, ...)
{
	char msg[ZVM_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	zvm_fail(err, code, "snapshot %s: refused: %s", sn ? sn->name : "?", msg);
	snapshot_free(sn);
	return NULL;
}

static bool same_ident(const struct snap_ident *a, const struct snap_ident *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime_s == b->mtime_s &&
	       a->mtime_ns == b->mtime_ns && a->ctime_s == b->ctime_s && a->ctime_ns == b->ctime_ns;
}

struct snap *snapshot_open(const char *path, int fd, const struct session *s, const struct options *o,
			   struct zvm_error *err)
{
	struct snap *sn = calloc(1, sizeof *sn);
	if (!sn)
		return zvm_fail(err, ZVM_EXIT_NOMEM, "snapshot: out of memory"), NULL;
	snprintf(sn->name, sizeof sn->name, "%s", path ? path : "(the daemon's)");
	sn->fd = fd;
	sn->trusted = fd >= 0;
	if (fd < 0) {
		sn->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (sn->fd < 0) {
			int e = errno;
			return refuse(sn, err, e == ENOENT ? ZVM_EXIT_NOENT : ZVM_EXIT_MANIFEST, "cannot open: %s",
				      strerror(e));
		}
		sn->own_fd = true;
	}
	struct stat st;
	if (fstat(sn->fd, &st) < 0 || !S_ISREG(st.st_mode))
		return refuse(sn, err, ZVM_EXIT_MANIFEST, "not a regular file");
	uint64_t fsize = (uint64_t)st.st_size;
	struct snap_head *h = &sn->h;
	if (fsize < sizeof *h || read_all(sn->fd, h, sizeof *h, 0) < 0 || memcmp(h->magic, SNAP_MAGIC, 8))
		return refuse(sn, err, ZVM_EXIT_MANIFEST, "not a zerovm snapshot (or cut short)");
	if (h->version != SNAP_VERSION || memcmp(h->build, snap_build_id, SNAP_BUILD_LEN))
		return refuse(sn, err, ZVM_EXIT_MANIFEST,
			      "made by another zerovm build (%.12s, this one is %.12s): take it again", h->build,
			      snap_build_id);
	if (h->meta_len == 0 || h->meta_len > SNAP_META_MAX || h->meta_len > fsize - sizeof *h ||
	    h->data_off < sizeof *h + h->meta_len || h->data_off > fsize || h->data_len != fsize - h->data_off)
		return refuse(sn, err, ZVM_EXIT_MANIFEST, "cut short or damaged (its sizes do not add up)");
	sn->meta = malloc(h->meta_len);
	if (!sn->meta)
		return refuse(sn, err, ZVM_EXIT_NOMEM, "out of memory");
	uint8_t md[ETAG_DIGEST_LEN];
	struct etag *t = etag_new();
	if (!t)
		return refuse(sn, err, ZVM_EXIT_NOMEM, "out of memory");
	int rr = read_all(sn->fd, sn->meta, h->meta_len, sizeof *h);
	etag_update(t, sn->meta, h->meta_len);
	etag_peek(t, md);
	etag_free(t);
	if (rr < 0 || memcmp(md, h->meta_sha, sizeof md))
		return refuse(sn, err, ZVM_EXIT_MANIFEST, "damaged (its metadata does not match its digest)");
	const char *what = NULL;
	struct snap_meta *m = &sn->m;
	if (snap_decode(sn->meta, h->meta_len, m, &what) < 0)
		return refuse(sn, err, ZVM_EXIT_MANIFEST, "damaged: %s", what);
	if ((what = snap_layout_bad(m, h->data_len)))
		return refuse(sn, err, ZVM_EXIT_MANIFEST, "damaged: %s", what);

	/* The key, as far as it is known before guest memory exists. */
	uint64_t memory = (uint64_t)s->m.memory & ~(PAGE - 1);
	if (memory != m->memory)
		return refuse(sn, err, ZVM_EXIT_MANIFEST, "Memory is %llu bytes, the snapshot's %llu",
			      (unsigned long long)memory, (unsigned long long)m->memory);
	uint32_t flags =
		(o->raw ? SNAP_F_RAW : 0) | (o->cpuid ? SNAP_F_CPUID : 0) | (o->skip_validation ? SNAP_F_NOVALID : 0);
	if (flags != m->flags)
		return refuse(sn, err, ZVM_EXIT_MANIFEST, "taken with options %s%s%s, this session has %s%s%s",
			      m->flags & SNAP_F_RAW ? "-Z " : "", m->flags & SNAP_F_CPUID ? "-C " : "",
			      m->flags & SNAP_F_NOVALID ? "-s" : "(none)", o->raw ? "-Z " : "", o->cpuid ? "-C " : "",
			      o->skip_validation ? "-s" : "(none)");
	if (!(flags & SNAP_F_RAW) && strcmp(m->zrt, snap_zrt_id))
		return refuse(sn, err, ZVM_EXIT_MANIFEST, "made with another runtime");
	if (stat(s->m.program, &st) < 0)
		return refuse(sn, err, ZVM_EXIT_NOENT, "Program %s: %s", s->m.program, strerror(errno));
	struct snap_ident prog;
	snap_ident_of(&st, &prog);
	if (!same_ident(&prog, &m->prog))
		return refuse(sn, err, ZVM_EXIT_MANIFEST, "Program %s is not the snapshot's (%s, unchanged)",
			      s->m.program, m->prog_path);
	return sn;
}

void snapshot_free(struct snap *sn)
{
	if (!sn)
		return;
	if (sn->own_fd)
		close(sn->fd);
	snap_meta_free(&sn->m);
	free(sn->meta);
	free(sn);
}

int snapshot_vstate(const struct snap *sn)
{
	return sn->m.vstate;
}

/* The data, extent by extent: through a buffer into the memfd with pwrite
 * (the kernel allocates the pages in one call, no fault per page), hashed
 * on the way; the daemon's own memfd is copied in the kernel and not
 * hashed, so neither the buffer nor the digest is made for it. */
/* The program's file-backed ranges, from the program's file again: it
 * must still be the file the key names (checked on the descriptor we map,
 * not only on the name). Where it cannot be mapped (a noexec mount now,
 * the test switch, mmap failing) its bytes are read into the memfd. */
static int map_program(const struct snap *sn, struct guest *g, const char *program, struct zvm_error *err)
{
	const struct snap_meta *m = &sn->m;
	int fd = open(program, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	struct snap_ident id;
	if (fd < 0 || fstat(fd, &st) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return zvm_fail(err, ZVM_EXIT_NOENT, "snapshot %s: refused: Program %s: %s", sn->name, program,
				strerror(e)),
		       -1;
	}
	snap_ident_of(&st, &id);
	bool fits = S_ISREG(st.st_mode);
	for (uint32_t i = 0; i < m->nfmap && fits; i++)
		fits = m->fmap[i].off + m->fmap[i].len <= (uint64_t)st.st_size;
	if (!same_ident(&id, &m->prog) || !fits) {
		close(fd);
		return zvm_fail(err, ZVM_EXIT_MANIFEST,
				"snapshot %s: refused: Program %s is not the snapshot's (%s, unchanged)", sn->name,
				program, m->prog_path),
		       -1;
	}
	const char *why = guest_no_map(fd);
	if (!why && guest_map_prog(g, fd, m->fmap, m->nfmap) == 0) {
		for (uint32_t i = 0; i < m->nfmap; i++)
			g->mapped_bytes += m->fmap[i].len;
		return 0;
	}
	g->copy_why = why ? why : "mmap of the file failed";
	int r = 0;
	for (uint32_t i = 0; i < m->nfmap && !r; i++) {
		r = read_all(fd, g->base + m->fmap[i].addr, m->fmap[i].len, m->fmap[i].off);
		g->copied_bytes += m->fmap[i].len;
	}
	int e = errno;
	close(fd);
	if (r)
		return zvm_fail(err, ZVM_EXIT_IO, "snapshot %s: Program %s: read error: %s", sn->name, program,
				strerror(e)),
		       -1;
	return 0;
}

int snapshot_fill(const struct snap *sn, struct guest *g, const char *program, struct zvm_error *err)
{
	const struct snap_meta *m = &sn->m;
	enum { CHUNK = 1 << 20 };
	uint8_t *buf = NULL;
	struct snap_sum *sum = NULL;
	if (!sn->trusted) {
		buf = malloc(CHUNK);
		sum = snap_sum_new();
		if (!buf || !sum) {
			uint8_t ignored[ETAG_DIGEST_LEN];
			free(buf);
			if (sum)
				snap_sum_finish(sum, ignored);
			return zvm_fail(err, ZVM_EXIT_NOMEM, "snapshot: out of memory"), -1;
		}
	}
	uint64_t at = sn->h.data_off;
	int r = 0;
	for (uint64_t i = 0; i < m->next && !r; i++) {
		uint64_t off = m->ext[i].off, left = m->ext[i].len;
		if (sn->trusted) {
			/* memfd to memfd, in the kernel */
			loff_t in = (loff_t)at, out = (loff_t)off;
			while (left && !r) {
				ssize_t n = copy_file_range(sn->fd, &in, g->memfd, &out, left, 0);
				if (n < 0 && errno == EINTR)
					continue;
				if (n <= 0)
					r = -1;
				else
					left -= (uint64_t)n;
			}
			at = (uint64_t)in;
			continue;
		}
		while (left && !r) {
			size_t n = left < CHUNK ? (size_t)left : CHUNK;
			if (read_all(sn->fd, buf, n, at) < 0) {
				r = -2;
				break;
			}
			snap_sum_update(sum, buf, n);
			if (guest_write(g, off, buf, n) < 0)
				r = -1;
			at += n, off += n, left -= n;
		}
	}
	int e = errno;
	if (sum) {
		uint8_t md[ETAG_DIGEST_LEN];
		free(buf);
		snap_sum_finish(sum, md);
		if (r == -2 || (!r && memcmp(md, sn->h.data_sum, sizeof md)))
			return zvm_fail(err, ZVM_EXIT_MANIFEST,
					"snapshot %s: refused: damaged (its data does not match its digest)", sn->name),
			       -1;
	}
	if (r)
		return zvm_fail(err, ZVM_EXIT_NOMEM, "snapshot %s: cannot fill guest memory: %s", sn->name,
				strerror(e)),
		       -1;
	if (m->nfmap && map_program(sn, g, program, err) < 0)
		return -1;
	g->prog_end = m->prog_end, g->runtime_end = m->runtime_end;
	g->heap_start = m->heap_start, g->heap_end = m->heap_end, g->stack_start = m->stack_start;
	g->interp_addr = m->interp_addr, g->interp_len = m->interp_len, g->man_end = m->man_end;
	g->entry = m->resume_entry, g->sp = m->resume_sp;
	g->nregion = m->nregion;
	memcpy(g->region, m->region, m->nregion * sizeof m->region[0]);
	g->jailed = calloc((g->heap_end - g->heap_start) / GUEST_JAIL_CHUNK + 1, 1);
	if (!g->jailed)
		return zvm_fail(err, ZVM_EXIT_NOMEM, "memory: out of memory"), -1;
	return 0;
}

/* A channel read before the fork: the same file, unchanged; the copy goes
 * on reading where the original was, and its etag goes on from there. */
static const char *carry(const struct snap_chan *k, struct channel *c)
{
	struct stat st;
	struct snap_ident id;
	if (c->kind != SOURCE_REGULAR || c->nfd != 1 || fstat(c->fd[0], &st) < 0)
		return "was read before the fork from one regular file; here it is not one";
	snap_ident_of(&st, &id);
	if (!same_ident(&id, &k->id))
		return "was read before the fork, and its file is another or has changed since";
	if (!channel_random_read(c) && lseek(c->fd[0], (off_t)k->pos, SEEK_SET) < 0)
		return "cannot be positioned where the fork left it";
	c->eof = k->eof;
	if (c->etag && k->has_etag) {
		struct etag *t = etag_from_state(k->etag);
		if (!t)
			return "out of memory";
		etag_free(c->etag);
		c->etag = t;
	}
	return NULL;
}

int snapshot_resume(const struct snap *sn, struct session *s, const struct options *o, uint32_t nfilter)
{
	const struct snap_meta *m = &sn->m;
	if (s->cs.n != m->nchan)
		return zvm_fail(&s->err, ZVM_EXIT_MANIFEST, "snapshot %s: refused: %u channels, the snapshot's %u",
				sn->name, s->cs.n, m->nchan),
		       -1;
	for (uint32_t i = 0; i < m->nchan; i++) {
		const struct manifest_channel *mc = s->cs.ch[i].mc;
		const struct snap_chan *k = &m->ch[i];
		const char *what = strcmp(mc->alias, k->alias)                         ? "alias"
				   : (uint32_t)mc->type != k->type                     ? "type"
				   : memcmp(mc->limit, k->limit, sizeof k->limit) != 0 ? "limits"
										       : NULL;
		if (what)
			return zvm_fail(&s->err, ZVM_EXIT_MANIFEST,
					"snapshot %s: refused: channel %u (%s) differs in its %s from the snapshot's "
					"(%s, type %u, limits %lld %lld %lld %lld)",
					sn->name, i, mc->alias, what, k->alias, k->type, (long long)k->limit[0],
					(long long)k->limit[1], (long long)k->limit[2], (long long)k->limit[3]),
			       -1;
		const char *bad = k->pre ? carry(k, &s->cs.ch[i]) : NULL;
		if (bad)
			return zvm_fail(&s->err, ZVM_EXIT_MANIFEST, "snapshot %s: refused: channel %s %s", sn->name,
					mc->alias, bad),
			       -1;
	}
	if (guest_put_manifest(&s->g, &s->cs) < 0)
		return zvm_fail(&s->err, ZVM_EXIT_MANIFEST, "snapshot %s: refused: the channels do not fit its layout",
				sn->name),
		       -1;
	guest_write_boot_block(&s->g, nfilter, BOOT_F_TSC_SIGSEGV | BOOT_F_RESUME);
	if (!o->raw)
		runtime_finish(&s->g, &s->cs, o->cpuid, true, snap_entry_is_stub(m->resume_entry) ? NULL : m->prot,
			       m->nprot);
	return 0;
}
