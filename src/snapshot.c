/*
 * snapshot.c - taking a snapshot at the fork trap (snapshot.h,
 * docs/snapshots.md). The guest is stopped in the trap while we read its
 * memory through our shared mapping.
 */
#include "snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "fsize.h"
#include "snapfmt.h"

#define PAGE 4096ull
#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((uint64_t)(a)-1))

struct ext_walk {
	struct snap_extent *x;
	size_t cap;
	uint64_t n, bytes;
};

static int ext_page(void *ctx, uint64_t a)
{
	struct ext_walk *w = ctx;
	if (w->n && w->x[w->n - 1].off + w->x[w->n - 1].len == a) {
		w->x[w->n - 1].len += PAGE;
	} else {
		if (w->n == w->cap) {
			struct snap_extent *y = realloc(w->x, 2 * w->cap * sizeof *y);
			if (!y)
				return -ENOMEM;
			w->x = y, w->cap *= 2;
		}
		w->x[w->n++] = (struct snap_extent){a, PAGE};
	}
	w->bytes += PAGE;
	return 0;
}

/* The pages of guest memory that hold data (guest_each_page: the memfd's
 * data extents, not the program's file-backed ranges, which a resume maps
 * from the program's file again) from the trampoline up (never the boot block, which a
 * resume writes afresh), with pages of zeros left out. */
static int extents(const struct guest *g, struct snap_extent **out, uint64_t *n, uint64_t *bytes)
{
	struct ext_walk w = {.x = malloc(16 * sizeof(struct snap_extent)), .cap = 16};
	if (!w.x)
		return -ENOMEM;
	if (guest_each_page(g, false, ext_page, &w) < 0) {
		free(w.x);
		return -ENOMEM;
	}
	*out = w.x, *n = w.n, *bytes = w.bytes;
	return 0;
}

static int pwrite_all(int fd, const void *p, size_t n, uint64_t off)
{
	const char *c = p;
	while (n) {
		ssize_t w = pwrite(fd, c, n, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		c += w, n -= (size_t)w, off += (uint64_t)w;
	}
	return 0;
}

/* What a channel read before the fork needs for a copy to go on reading
 * it: one regular file, unchanged (its identity), at the same position,
 * with its etag so far. NULL, or why it cannot be kept. */
static const char *keep_channel(const struct channel *c, struct snap_chan *k)
{
	if (c->kind != SOURCE_REGULAR || c->nfd != 1)
		return "was read before the fork but is not one regular file, so a copy could not tell whether it "
		       "changed";
	struct stat st;
	if (fstat(c->fd[0], &st) < 0)
		return "cannot be examined";
	snap_ident_of(&st, &k->id);
	off_t pos = lseek(c->fd[0], 0, SEEK_CUR);
	k->pos = pos < 0 ? 0 : (int64_t)pos;
	k->eof = c->eof;
	if (c->etag) {
		k->has_etag = 1;
		etag_state(c->etag, k->etag);
	}
	return NULL;
}

/* Add [a, a+len) with prot to a sorted list, merging with the last range
 * when it continues it with the same protection. -1 when full. */
static int add_prot(struct zrt_prot *p, uint32_t *n, uint64_t a, uint64_t len, uint32_t prot)
{
	if (*n && p[*n - 1].addr + p[*n - 1].len == a && p[*n - 1].prot == prot) {
		p[*n - 1].len += len;
		return 0;
	}
	if (*n == ZRT_PROT_MAX)
		return -1;
	p[(*n)++] = (struct zrt_prot){.addr = a, .len = len, .prot = prot};
	return 0;
}

/* Guest memory's protections as the kernel has them in the stopped
 * sandbox (/proc/PID/maps): the program and its ld.so change them after
 * start, which the boot regions do not say (zrt_abi.h, struct zrt_prot).
 * NULL, or why they cannot be read. */
static const char *read_prots(pid_t pid, uint64_t size, struct zrt_prot *p, uint32_t *n)
{
	char path[64], line[512];
	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return "the sandbox's memory map cannot be read";
	*n = 0;
	const char *bad = NULL;
	while (!bad && fgets(line, sizeof line, f)) {
		unsigned long long a, e;
		char perm[8];
		if (sscanf(line, "%llx-%llx %7s", &a, &e, perm) != 3 || e <= a) {
			bad = "the sandbox's memory map cannot be read";
			break;
		}
		if (a >= size)
			continue; /* boot's signal stack and image, above guest memory */
		if (a < GUEST_TRAMPOLINE || e > size || perm[3] != 's')
			bad = "the sandbox has a mapping that is not guest memory inside guest memory";
		uint32_t prot = (perm[0] == 'r' ? PROT_READ : 0) | (perm[1] == 'w' ? PROT_WRITE : 0) |
				(perm[2] == 'x' ? PROT_EXEC : 0);
		if (!bad && add_prot(p, n, a, e - a, prot) < 0)
			bad = "guest memory has more protection ranges than a snapshot keeps (4096)";
	}
	fclose(f);
	return bad;
}

/* Fill m from the stopped session. NULL, or why it cannot be taken. */
static const char *describe(const struct session *s, struct snap_meta *m, uint64_t entry, uint64_t sp, char *why,
			    size_t whylen)
{
	const struct guest *g = &s->g;
	memset(m, 0, sizeof *m); /* freed by the caller whatever happens */
	uint64_t heap = g->heap_end - g->heap_start;
	for (uint64_t c = 0; c < heap / GUEST_JAIL_CHUNK; c++)
		if (g->jailed[c])
			return "the program has jailed (executable) heap chunks, which snapshots do not keep";
	struct stat st;
	if (stat(s->m.program, &st) < 0)
		return snprintf(why, whylen, "the program %s cannot be examined: %s", s->m.program, strerror(errno)),
		       why;
	m->memory = g->size;
	m->flags = s->snap_flags;
	m->vstate = (int32_t)s->vstate;
	snap_ident_of(&st, &m->prog);
	m->prog_path = s->m.program;
	m->zrt = snap_zrt_id;
	m->size = g->size, m->prog_end = g->prog_end, m->runtime_end = g->runtime_end;
	m->heap_start = g->heap_start, m->heap_end = g->heap_end, m->stack_start = g->stack_start;
	m->interp_addr = g->interp_addr, m->interp_len = g->interp_len, m->man_end = g->man_end;
	m->resume_entry = entry, m->resume_sp = sp;
	m->nregion = g->nregion;
	memcpy(m->region, g->region, g->nregion * sizeof g->region[0]);
	/* A snapshot names the program's ranges only; the runtime's code is
	 * mapped only in sessions that cannot take one (run.c). */
	for (uint32_t i = 0; i < g->nfmap; i++)
		if (g->fmap[i].src != BOOT_FMAP_PROGRAM)
			return "the runtime's code is mapped from zerovm's file";
	m->nfmap = g->nfmap;
	memcpy(m->fmap, g->fmap, g->nfmap * sizeof g->fmap[0]);
	m->prot = calloc(ZRT_PROT_MAX, sizeof *m->prot);
	if (!m->prot)
		return "out of memory";
	const char *pb = read_prots(s->sb.pid, g->size, m->prot, &m->nprot);
	if (pb)
		return pb;
	if ((s->snap_flags & SNAP_F_RAW) || snap_entry_is_stub(entry)) {
		/* A raw program, or one resumed through zvm.h's stub under
		 * the runtime, has no runtime code to put them back: the boot
		 * regions must say them all. */
		struct zrt_prot r[BOOT_REGIONS_MAX];
		uint32_t nr = 0;
		for (uint32_t i = 0; i < g->nregion; i++)
			add_prot(r, &nr, g->region[i].addr, g->region[i].len, g->region[i].prot);
		if (nr != m->nprot || memcmp(r, m->prot, nr * sizeof r[0]))
			return "the program changed its memory's protections (mprotect) before the fork, which a raw "
			       "program's copy cannot have back";
		m->nprot = 0;
	}
	m->nchan = s->cs.n;
	m->ch = calloc(s->cs.n + 1, sizeof *m->ch);
	if (!m->ch)
		return "out of memory";
	for (uint32_t i = 0; i < s->cs.n; i++) {
		const struct channel *c = &s->cs.ch[i];
		struct snap_chan *k = &m->ch[i];
		k->alias = c->mc->alias;
		k->type = (uint32_t)c->mc->type;
		memcpy(k->limit, c->mc->limit, sizeof k->limit);
		k->pre = c->readable && c->used[LIMIT_GETS] > 0;
		const char *bad = k->pre ? keep_channel(c, k) : NULL;
		if (bad)
			return snprintf(why, whylen, "channel %s %s", c->mc->alias, bad), why;
	}
	uint64_t bytes;
	if (extents(g, &m->ext, &m->next, &bytes) < 0)
		return "out of memory";
	const char *lay = snap_layout_bad(m, bytes);
	if (lay)
		return snprintf(why, whylen, "the fork trap's resume point is not usable: %s", lay), why;
	return NULL;
}

/* Write the snapshot of m to fd (empty, at offset 0). 0 or -errno. */
static int write_file(const struct guest *g, const struct snap_meta *m, int fd)
{
	struct snap_buf b = {0};
	snap_encode(&b, m);
	if (b.oom)
		return free(b.p), -ENOMEM;
	struct snap_head h;
	memset(&h, 0, sizeof h);
	memcpy(h.magic, SNAP_MAGIC, 8);
	h.version = SNAP_VERSION;
	memcpy(h.build, snap_build_id, SNAP_BUILD_LEN);
	struct etag *meta = etag_new();
	struct snap_sum *sum = snap_sum_new();
	if (!meta || !sum) {
		etag_free(meta), free(b.p);
		if (sum)
			snap_sum_finish(sum, h.data_sum);
		return -ENOMEM;
	}
	etag_update(meta, b.p, b.len);
	etag_peek(meta, h.meta_sha);
	etag_free(meta);
	h.meta_len = b.len;
	h.data_off = ALIGN_UP(sizeof h + b.len, SNAP_DATA_ALIGN);
	int r = pwrite_all(fd, b.p, b.len, sizeof h);
	free(b.p);
	uint64_t at = h.data_off;
	for (uint64_t i = 0; i < m->next && r == 0; i++) {
		const struct snap_extent *x = &m->ext[i];
		snap_sum_update(sum, g->base + x->off, x->len);
		r = pwrite_all(fd, g->base + x->off, x->len, at);
		at += x->len;
	}
	snap_sum_finish(sum, h.data_sum);
	h.data_len = at - h.data_off;
	if (r == 0)
		r = pwrite_all(fd, &h, sizeof h, 0);
	if (r == 0 && ftruncate(fd, (off_t)at) < 0) /* the file ends where its data does */
		r = -errno;
	return r;
}

/* --snapshot FILE: written under a temporary name in the same directory,
 * renamed when whole; mode 0600, since it holds the guest's memory. */
static int write_named(const struct session *s, const struct snap_meta *m, const char *path)
{
	size_t n = strlen(path);
	char *tmp = malloc(n + 16);
	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, path, n);
	memcpy(tmp + n, ".zerovm-XXXXXX", 15);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		free(tmp);
		return -e;
	}
	struct fsize_lift lift;
	fsize_lift(&lift, s->g.size + (64u << 20));
	int r = write_file(&s->g, m, fd);
	fsize_restore(&lift);
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r)
		unlink(tmp);
	free(tmp);
	return r;
}

static int64_t refuse(struct session *s, int code, const char *what, const char *how, const char *msg)
{
	zvm_fail(&s->err, code, "%s: %s%s", what, how, msg);
	sandbox_kill(&s->sb);
	return -EIO;
}

int64_t snapshot_trap(struct session *s, uint64_t argp, uint64_t a[])
{
	if (s->resumed)
		return 0; /* a copy's fork does nothing more */
	if (!s->snap_path && (!s->m.job || s->served))
		return s->m.job ? -ENOSYS : 0; /* 0 as the original without Job */
	/* The resumable form has two more words; the old two-word one may
	 * end where guest memory does. */
	if (guest_range_ok(&s->g, argp, 4 * sizeof *a, false))
		memcpy(a + 2, s->g.base + argp + 2 * sizeof *a, 2 * sizeof *a);
	if (s->snap_taken)
		return 0; /* only the first fork is kept */
	/* Named with the file, as run.c's "snapshot FILE: not written" is. */
	char what[ZVM_ERROR_MSG_MAX / 4];
	if (s->snap_path)
		snprintf(what, sizeof what, "snapshot %s", s->snap_path);
	else
		snprintf(what, sizeof what, "Job");
	if (a[2] == 0) {
		if (!s->snap_path)
			return -ENOSYS; /* daemon mode needs a resumable fork */
		return refuse(s, ZVM_EXIT_INVAL, what, "",
			      "the program's fork trap is not resumable (args[2] is 0: built against an old zvm.h?)");
	}
	struct snap_meta m;
	char why[ZVM_ERROR_MSG_MAX / 2];
	const char *bad = describe(s, &m, a[2], a[3], why, sizeof why);
	int r = 0;
	if (!bad && s->snap_path)
		r = write_named(s, &m, s->snap_path);
	if (!bad && !r && s->m.job && !s->served) {
		snprintf(what, sizeof what, "Job");
		s->daemon_snap = memfd_create("zerovm-daemon-snapshot", MFD_CLOEXEC);
		r = s->daemon_snap < 0 ? -errno : write_file(&s->g, &m, s->daemon_snap);
	}
	snap_meta_free(&m);
	if (bad)
		return refuse(s, ZVM_EXIT_INVAL, what, "cannot be taken: ", bad);
	if (r)
		return refuse(s, r == -ENOMEM ? ZVM_EXIT_NOMEM : ZVM_EXIT_IO, what, "not written: ", strerror(-r));
	s->snap_taken = true;
	if (s->m.job && !s->served) {
		/* The original's daemon: this session ends here, as by
		 * zvm_exit(0), and reports daemon 1; the daemon serves copies. */
		s->daemon = true;
		s->exited_by_trap = true;
		s->user_code = 0;
	}
	return 0;
}
