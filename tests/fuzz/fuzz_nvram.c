/*
 * fuzz_nvram: libFuzzer target for the ZRT configuration parser
 * (zrt/nvram.c). Any input must parse or fail with a message, never crash
 * or touch memory outside the text, the arena and the error buffer (built
 * with ASan and UBSan; the arena is malloc'd at exactly the size given).
 *
 * A successful parse is checked for what ZRT relies on: counts within the
 * limits, NULL-terminated arrays, every pointer inside the used part of the
 * arena, strings that are well-formed (environment "NAME=value" with a
 * non-empty NAME, absolute mountpoints, non-empty aliases), enums and
 * numbers in range, and the arena within nvram_arena_size(). Then the
 * result is written back as text the way zvsh does (nvram_escape()) and
 * parsed again: it must come back the same, in an arena of exactly
 * arena_used bytes, and one byte less must be refused. A failure must leave
 * *out zeroed and a printable message that names the place.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nvram.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct out {
	char *s;
	size_t n, cap;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->n + n + 1 > o->cap) {
		o->cap = (o->n + n + 1) * 2;
		o->s = realloc(o->s, o->cap);
		if (!o->s)
			abort();
	}
	memcpy(o->s + o->n, s, n);
	o->n += n;
	o->s[o->n] = 0;
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_escaped(struct out *o, const char *s, size_t n)
{
	size_t need = nvram_escape(s, n, NULL, 0);
	char *e = malloc(need + 1);
	if (!e || nvram_escape(s, n, e, need + 1) != need || strlen(e) != need)
		abort();
	for (size_t i = 0; i < need; i++) /* nothing a reader would take for syntax */
		if (e[i] <= ' ' || e[i] >= 0x7f || e[i] == ',' || e[i] == '"' || e[i] == '#' ||
		    (e[i] == '\\' && e[i + 1] != 'x'))
			abort();
	put(o, e, need);
	free(e);
}

/* The configuration as zvsh would write it. */
static void write_back(const struct nvram *nv, struct out *o)
{
	put_str(o, "[args]\nargs =");
	for (int i = 0; i < nv->argc; i++) { /* quoted: an empty word is "" */
		put_str(o, " \"");
		put_escaped(o, nv->argv[i], strlen(nv->argv[i]));
		put_str(o, "\"");
	}
	put_str(o, "\n[env]\n");
	for (int i = 0; i < nv->envc; i++) {
		const char *eq = strchr(nv->envp[i], '=');
		put_str(o, "name=");
		put_escaped(o, nv->envp[i], (size_t)(eq - nv->envp[i]));
		put_str(o, ", value=");
		put_escaped(o, eq + 1, strlen(eq + 1));
		put_str(o, "\n");
	}
	put_str(o, "[fstab]\n");
	for (int i = 0; i < nv->nfstab; i++) {
		const struct nvram_fstab *f = &nv->fstab[i];
		put_str(o, "channel=");
		put_escaped(o, f->channel, strlen(f->channel));
		put_str(o, ", mountpoint=");
		put_escaped(o, f->mountpoint, strlen(f->mountpoint));
		put_str(o, f->access == NVRAM_WO ? ", access=wo" : ", access=ro");
		put_str(o, f->removable ? ", removable=yes\n" : ", removable=no\n");
	}
	put_str(o, "[mapping]\n");
	static const char *const mode[] = {"pipe", "char", "file"};
	for (int i = 0; i < nv->nmapping; i++) {
		put_str(o, "channel=");
		put_escaped(o, nv->mapping[i].channel, strlen(nv->mapping[i].channel));
		put_str(o, ", mode=");
		put_str(o, mode[nv->mapping[i].mode]);
		put_str(o, "\n");
	}
	if (nv->has_time) {
		char d[24], *p = d + sizeof d;
		uint64_t v = (uint64_t)nv->time_seconds;
		*--p = 0;
		do
			*--p = (char)('0' + v % 10);
		while (v /= 10);
		put_str(o, "[time]\nseconds=");
		put_str(o, p);
		put_str(o, "\n");
	}
	put_str(o, "[debug]\nverbosity=");
	put(o, &"01234"[nv->verbosity], 1);
	put_str(o, "\n");
}

static bool inside(const struct nvram *nv, const char *arena, const void *p, size_t n)
{
	const char *c = p;
	return c >= arena && c <= arena + nv->arena_used && n <= (size_t)(arena + nv->arena_used - c);
}

static void check_string(const struct nvram *nv, const char *arena, const char *s)
{
	if (!s || !inside(nv, arena, s, 1))
		abort();
	size_t max = (size_t)(arena + nv->arena_used - s);
	if (!memchr(s, 0, max)) /* NUL-terminated inside the used part */
		abort();
}

static void check_good(const struct nvram *nv, const char *arena, size_t arena_size, size_t len)
{
	if (nv->arena_used > arena_size || nv->arena_used > nvram_arena_size(len))
		abort();
	if (nv->argc < 0 || nv->argc > NVRAM_ARGS_MAX || nv->envc < 0 || nv->envc > NVRAM_ENV_MAX || nv->nfstab < 0 ||
	    nv->nfstab > NVRAM_FSTAB_MAX || nv->nmapping < 0 || nv->nmapping > NVRAM_MAPPING_MAX)
		abort();
	if (!inside(nv, arena, nv->argv, ((size_t)nv->argc + 1) * sizeof *nv->argv) || nv->argv[nv->argc] ||
	    (uintptr_t)nv->argv % _Alignof(const char *))
		abort();
	if (!inside(nv, arena, nv->envp, ((size_t)nv->envc + 1) * sizeof *nv->envp) || nv->envp[nv->envc] ||
	    (uintptr_t)nv->envp % _Alignof(const char *))
		abort();
	for (int i = 0; i < nv->argc; i++)
		check_string(nv, arena, nv->argv[i]);
	for (int i = 0; i < nv->envc; i++) {
		check_string(nv, arena, nv->envp[i]);
		const char *eq = strchr(nv->envp[i], '=');
		if (!eq || eq == nv->envp[i])
			abort();
	}
	if (nv->nfstab ? !inside(nv, arena, nv->fstab, (size_t)nv->nfstab * sizeof *nv->fstab) ||
				 (uintptr_t)nv->fstab % _Alignof(struct nvram_fstab)
		       : nv->fstab != NULL)
		abort();
	for (int i = 0; i < nv->nfstab; i++) {
		const struct nvram_fstab *f = &nv->fstab[i];
		check_string(nv, arena, f->channel);
		check_string(nv, arena, f->mountpoint);
		if (!f->channel[0] || f->mountpoint[0] != '/' || (f->access != NVRAM_RO && f->access != NVRAM_WO))
			abort();
	}
	if (nv->nmapping ? !inside(nv, arena, nv->mapping, (size_t)nv->nmapping * sizeof *nv->mapping) ||
				   (uintptr_t)nv->mapping % _Alignof(struct nvram_mapping)
			 : nv->mapping != NULL)
		abort();
	for (int i = 0; i < nv->nmapping; i++) {
		check_string(nv, arena, nv->mapping[i].channel);
		if (!nv->mapping[i].channel[0] || nv->mapping[i].mode > NVRAM_MODE_FILE)
			abort();
	}
	if (nv->time_seconds < 0 || (!nv->has_time && nv->time_seconds) || nv->verbosity < 0 ||
	    nv->verbosity > NVRAM_VERBOSITY_MAX)
		abort();
}

static bool same_strings(const char *const *a, const char *const *b, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

static bool same(const struct nvram *a, const struct nvram *b)
{
	if (a->argc != b->argc || a->envc != b->envc || a->nfstab != b->nfstab || a->nmapping != b->nmapping ||
	    a->has_time != b->has_time || a->time_seconds != b->time_seconds || a->verbosity != b->verbosity)
		return false;
	if (!same_strings(a->argv, b->argv, a->argc) || !same_strings(a->envp, b->envp, a->envc))
		return false;
	for (int i = 0; i < a->nfstab; i++)
		if (strcmp(a->fstab[i].channel, b->fstab[i].channel) ||
		    strcmp(a->fstab[i].mountpoint, b->fstab[i].mountpoint) ||
		    a->fstab[i].access != b->fstab[i].access || a->fstab[i].removable != b->fstab[i].removable)
			return false;
	for (int i = 0; i < a->nmapping; i++)
		if (strcmp(a->mapping[i].channel, b->mapping[i].channel) || a->mapping[i].mode != b->mapping[i].mode)
			return false;
	return true;
}

/* Parse text in an arena of exactly size bytes; must succeed (want) or fail
 * for want of memory (!want). */
static void reparse(const char *text, size_t len, size_t size, bool want, const struct nvram *ref)
{
	char *arena = malloc(size ? size : 1);
	char err[128];
	struct nvram nv;
	if (!arena)
		abort();
	int r = nvram_parse(text, len, arena, size, &nv, err, sizeof err);
	if (want) {
		if (r != 0 || nv.arena_used != size || !same(&nv, ref))
			abort();
		check_good(&nv, arena, size, len);
	} else if (r != -1 || strcmp(err, "nvram: out of memory") != 0) {
		abort();
	}
	free(arena);
}

static bool zeroed(const struct nvram *nv)
{
	static const struct nvram zero;
	return memcmp(nv, &zero, sizeof zero) == 0;
}

static void check_failure(const char *text, size_t len, const struct nvram *nv, const char *err, size_t errlen)
{
	if (!zeroed(nv) || !memchr(err, 0, errlen))
		abort();
	if (strcmp(err, "nvram: out of memory") == 0) /* nvram_arena_size() was not enough */
		abort();
	if (strncmp(err, "nvram line ", 11) != 0 && strncmp(err, "nvram: ", 7) != 0)
		abort();
	for (const char *c = err; *c; c++)
		if (*c < 0x20 || *c > 0x7e) /* echoed text is made printable */
			abort();
	/* A small buffer gets a prefix of the same message, NUL-terminated. */
	char small[12];
	memset(small, 'Z', sizeof small);
	struct nvram again;
	if (nvram_parse(text, len, NULL, 0, &again, small, 8) != -1 || small[7] != 0 || small[8] != 'Z' ||
	    strncmp(small, err, 7) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	size_t arena_size = nvram_arena_size(size);
	char *arena = malloc(arena_size);
	char err[256];
	struct nvram nv;
	if (!arena)
		abort();
	memset(err, 'Z', sizeof err);
	if (nvram_parse(text, size, arena, arena_size, &nv, err, sizeof err) != 0) {
		check_failure(text, size, &nv, err, sizeof err);
		free(arena);
		return 0;
	}
	if (err[0] != 0)
		abort();
	check_good(&nv, arena, arena_size, size);
	reparse(text, size, nv.arena_used, true, &nv);
	reparse(text, size, nv.arena_used - 1, false, &nv);

	struct out o = {0};
	write_back(&nv, &o);
	if (o.n <= NVRAM_TEXT_MAX) {
		char *a2 = malloc(nvram_arena_size(o.n));
		struct nvram nv2;
		if (!a2 || nvram_parse(o.s, o.n, a2, nvram_arena_size(o.n), &nv2, err, sizeof err) != 0 ||
		    !same(&nv, &nv2))
			abort();
		free(a2);
	}
	free(o.s);
	free(arena);
	return 0;
}
