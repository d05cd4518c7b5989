/*
 * snapfmt.c - the snapshot metadata codec and layout checks (snapfmt.h).
 */
#include "snapfmt.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "snap_build.h" /* generated: build/gen/snap_build.h */

#define XXH_INLINE_ALL
#include <xxhash.h> /* Debian's libxxhash-dev, header only */

const char snap_build_id[] = SNAP_BUILD_ID;
const char snap_zrt_id[] = SNAP_ZRT_ID;

#define PAGE 4096ull

struct snap_sum {
	XXH3_state_t st;
};

struct snap_sum *snap_sum_new(void)
{
	struct snap_sum *s = malloc(sizeof *s);
	if (s && XXH3_128bits_reset(&s->st) != XXH_OK) {
		free(s);
		s = NULL;
	}
	return s;
}

void snap_sum_update(struct snap_sum *s, const void *p, size_t n)
{
	XXH3_128bits_update(&s->st, p, n);
}

void snap_sum_finish(struct snap_sum *s, uint8_t out[ETAG_DIGEST_LEN])
{
	XXH128_canonical_t c;
	XXH128_canonicalFromHash(&c, XXH3_128bits_digest(&s->st));
	memset(out, 0, ETAG_DIGEST_LEN);
	memcpy(out, c.digest, sizeof c.digest);
	free(s);
}

void snap_put(struct snap_buf *b, const void *src, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p, b->cap = cap;
	}
	memcpy(b->p + b->len, src, n);
	b->len += n;
}

void snap_put_u64(struct snap_buf *b, uint64_t v)
{
	snap_put(b, &v, sizeof v);
}

void snap_put_str(struct snap_buf *b, const char *s)
{
	size_t n = strlen(s) + 1;
	snap_put_u64(b, n);
	snap_put(b, s, n);
}

static void put_ident(struct snap_buf *b, const struct snap_ident *id)
{
	snap_put(b, id, sizeof *id);
}

void snap_encode(struct snap_buf *b, const struct snap_meta *m)
{
	snap_put_u64(b, m->memory);
	snap_put_u64(b, m->flags);
	snap_put_u64(b, (uint64_t)(int64_t)m->vstate);
	put_ident(b, &m->prog);
	snap_put_str(b, m->prog_path);
	snap_put_str(b, m->zrt);
	const uint64_t g[] = {m->size,     m->prog_end,     m->runtime_end, m->heap_start,
			      m->heap_end, m->stack_start,  m->interp_addr, m->interp_len,
			      m->man_end,  m->resume_entry, m->resume_sp};
	snap_put(b, g, sizeof g);
	snap_put_u64(b, m->nregion);
	snap_put(b, m->region, m->nregion * sizeof m->region[0]);
	snap_put_u64(b, m->nprot);
	snap_put(b, m->prot, m->nprot * sizeof m->prot[0]);
	snap_put_u64(b, m->nchan);
	for (uint32_t i = 0; i < m->nchan; i++) {
		const struct snap_chan *c = &m->ch[i];
		snap_put_str(b, c->alias);
		snap_put_u64(b, c->type);
		snap_put(b, c->limit, sizeof c->limit);
		snap_put_u64(b, c->pre);
		if (!c->pre)
			continue;
		put_ident(b, &c->id);
		snap_put_u64(b, (uint64_t)c->pos);
		snap_put_u64(b, c->eof);
		snap_put_u64(b, c->has_etag);
		snap_put(b, c->etag, sizeof c->etag);
	}
	snap_put_u64(b, m->next);
	snap_put(b, m->ext, m->next * sizeof m->ext[0]);
	snap_put_u64(b, m->nfmap);
	snap_put(b, m->fmap, m->nfmap * sizeof m->fmap[0]);
}

/* A bounded reader. */
struct rd {
	const uint8_t *p;
	size_t len, at;
	bool bad;
};

static void get(struct rd *r, void *dst, size_t n)
{
	if (r->bad || n > r->len - r->at) {
		r->bad = true;
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, r->p + r->at, n);
	r->at += n;
}

static uint64_t get_u64(struct rd *r)
{
	uint64_t v;
	get(r, &v, sizeof v);
	return v;
}

static const char *get_str(struct rd *r)
{
	uint64_t n = get_u64(r);
	if (r->bad || n == 0 || n > r->len - r->at || r->p[r->at + n - 1] != 0 ||
	    memchr(r->p + r->at, 0, n) != r->p + r->at + n - 1) {
		r->bad = true;
		return "";
	}
	const char *s = (const char *)r->p + r->at;
	r->at += n;
	return s;
}

int snap_decode(const uint8_t *p, size_t len, struct snap_meta *m, const char **what)
{
	struct rd r = {p, len, 0, false};
	memset(m, 0, sizeof *m);
	m->memory = get_u64(&r);
	uint64_t flags = get_u64(&r), vstate = get_u64(&r);
	if (flags > (SNAP_F_RAW | SNAP_F_CPUID | SNAP_F_NOVALID) || vstate > 2)
		return *what = "bad flags", -1;
	m->flags = (uint32_t)flags;
	m->vstate = (int32_t)vstate;
	get(&r, &m->prog, sizeof m->prog);
	m->prog_path = get_str(&r);
	m->zrt = get_str(&r);
	uint64_t g[11];
	get(&r, g, sizeof g);
	m->size = g[0], m->prog_end = g[1], m->runtime_end = g[2], m->heap_start = g[3], m->heap_end = g[4];
	m->stack_start = g[5], m->interp_addr = g[6], m->interp_len = g[7], m->man_end = g[8];
	m->resume_entry = g[9], m->resume_sp = g[10];
	uint64_t n = get_u64(&r);
	if (r.bad || n > BOOT_REGIONS_MAX)
		return *what = "bad region count", -1;
	m->nregion = (uint32_t)n;
	get(&r, m->region, m->nregion * sizeof m->region[0]);
	n = get_u64(&r);
	if (r.bad || n > ZRT_PROT_MAX || n > (r.len - r.at) / sizeof(struct zrt_prot))
		return *what = "bad protection count", -1;
	m->nprot = (uint32_t)n;
	m->prot = calloc(n + 1, sizeof *m->prot);
	if (!m->prot)
		return *what = "out of memory", -1;
	get(&r, m->prot, n * sizeof *m->prot);
	n = get_u64(&r);
	if (r.bad || n > (r.len - r.at) / 16)
		return *what = "bad channel count", -1;
	m->nchan = (uint32_t)n;
	m->ch = calloc(m->nchan + 1, sizeof *m->ch);
	if (!m->ch)
		return *what = "out of memory", -1;
	for (uint32_t i = 0; i < m->nchan && !r.bad; i++) {
		struct snap_chan *c = &m->ch[i];
		c->alias = get_str(&r);
		uint64_t type = get_u64(&r);
		get(&r, c->limit, sizeof c->limit);
		uint64_t pre = get_u64(&r);
		if (type > 3 || pre > 1)
			r.bad = true;
		c->type = (uint32_t)type;
		c->pre = (uint32_t)pre;
		if (!c->pre || r.bad)
			continue;
		get(&r, &c->id, sizeof c->id);
		c->pos = (int64_t)get_u64(&r);
		uint64_t eof = get_u64(&r), has_etag = get_u64(&r);
		if (eof > 1 || has_etag > 1)
			r.bad = true;
		c->eof = (uint32_t)eof;
		c->has_etag = (uint32_t)has_etag;
		get(&r, c->etag, sizeof c->etag);
	}
	n = get_u64(&r);
	if (r.bad || n > (r.len - r.at) / sizeof(struct snap_extent))
		return *what = "bad extent count", -1;
	m->next = n;
	m->ext = calloc(n + 1, sizeof *m->ext);
	if (!m->ext)
		return *what = "out of memory", -1;
	get(&r, m->ext, n * sizeof *m->ext);
	n = get_u64(&r);
	if (r.bad || n > BOOT_FMAP_MAX)
		return *what = "bad file-backed range count", -1;
	m->nfmap = (uint32_t)n;
	get(&r, m->fmap, n * sizeof *m->fmap);
	if (r.bad || r.at != r.len)
		return *what = "metadata cut or malformed", -1;
	return 0;
}

void snap_meta_free(struct snap_meta *m)
{
	free(m->ch);
	free(m->ext);
	free(m->prot);
	m->ch = NULL;
	m->ext = NULL;
	m->prot = NULL;
}

/* The region holding addr, or NULL. */
static const struct boot_region *region_of(const struct snap_meta *m, uint64_t addr)
{
	for (uint32_t i = 0; i < m->nregion; i++)
		if (addr >= m->region[i].addr && addr - m->region[i].addr < m->region[i].len)
			return &m->region[i];
	return NULL;
}

const char *snap_layout_bad(const struct snap_meta *m, uint64_t data_len)
{
	uint64_t sz = m->size;
	if (sz != m->memory || sz % PAGE || sz <= GUEST_LOW_END)
		return "memory size";
	uint64_t prev = GUEST_TRAMPOLINE;
	for (uint32_t i = 0; i < m->nregion; i++) {
		const struct boot_region *g = &m->region[i];
		if (g->addr % PAGE || g->len % PAGE || g->len == 0 || g->addr < prev || g->addr >= sz ||
		    g->len > sz - g->addr || (g->prot & ~(uint32_t)(PROT_READ | PROT_WRITE | PROT_EXEC)) ||
		    (g->prot & (PROT_WRITE | PROT_EXEC)) == (PROT_WRITE | PROT_EXEC))
			return "a memory region"; /* never writable and executable, as in a cold start */
		prev = g->addr + g->len;
	}
	if (m->nregion == 0 || m->region[0].addr != GUEST_TRAMPOLINE || m->region[0].len != PAGE ||
	    m->region[0].prot != (PROT_READ | PROT_EXEC))
		return "a memory region (the trampoline page)";
	if (!(m->heap_start <= m->heap_end && m->heap_end <= m->stack_start && m->stack_start <= sz &&
	      m->prog_end <= m->heap_start && m->man_end <= m->heap_start && m->runtime_end <= sz &&
	      m->heap_start % 0x10000 == 0 && m->heap_end % 0x10000 == 0 && m->interp_len <= sz &&
	      m->interp_addr <= sz - m->interp_len))
		return "the guest layout";
	/* Boot jumps there: code the guest may run, a stack it may write. */
	const struct boot_region *e = region_of(m, m->resume_entry);
	if (!e || !(e->prot & PROT_EXEC))
		return "the resume entry (not in executable guest memory)";
	const struct boot_region *st = region_of(m, m->resume_sp);
	if (!st || !(st->prot & PROT_WRITE) || m->resume_sp % 8)
		return "the resume stack (not in writable guest memory)";
	uint64_t pat = GUEST_TRAMPOLINE;
	for (uint32_t i = 0; i < m->nprot; i++) {
		const struct zrt_prot *p = &m->prot[i];
		if (p->addr % PAGE || p->len % PAGE || p->len == 0 || p->addr < pat || p->addr >= sz ||
		    p->len > sz - p->addr || p->pad || (p->prot & ~(uint32_t)(PROT_READ | PROT_WRITE | PROT_EXEC)) ||
		    (p->prot & (PROT_WRITE | PROT_EXEC)) == (PROT_WRITE | PROT_EXEC))
			return "a protection range";
		pat = p->addr + p->len;
	}
	uint64_t total = 0, at = GUEST_TRAMPOLINE;
	for (uint64_t i = 0; i < m->next; i++) {
		const struct snap_extent *x = &m->ext[i];
		if (x->off % PAGE || x->len % PAGE || x->len == 0 || x->off < at || x->off >= sz ||
		    x->len > sz - x->off)
			return "an extent";
		at = x->off + x->len;
		total += x->len;
	}
	if (total != data_len)
		return "the data length";
	/* File-backed ranges: sorted, disjoint, each inside one region of the
	 * program's with that region's protection, never writable, and no
	 * extent over them (the data does not hold them). */
	uint64_t fat = GUEST_TRAMPOLINE + PAGE;
	for (uint32_t i = 0; i < m->nfmap; i++) {
		const struct boot_fmap *f = &m->fmap[i];
		const struct boot_region *g = region_of(m, f->addr);
		if (f->addr % PAGE || f->len % PAGE || f->off % PAGE || f->len == 0 || f->addr < fat ||
		    f->addr >= m->prog_end || f->len > m->prog_end - f->addr || f->src != BOOT_FMAP_PROGRAM || !g ||
		    g->prot != f->prot || f->len > g->addr + g->len - f->addr || (f->prot & PROT_WRITE) ||
		    f->off + f->len < f->off)
			return "a file-backed range";
		for (uint64_t j = 0; j < m->next; j++)
			if (m->ext[j].off < f->addr + f->len && f->addr < m->ext[j].off + m->ext[j].len)
				return "a file-backed range (data over it)";
		fat = f->addr + f->len;
	}
	return NULL;
}
