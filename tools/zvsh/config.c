/*
 * config.c - the session's configuration: zerovm's manifest and the
 * runtime's nvram (config.h).
 *
 * The nvram's values are escaped with the runtime's own escaper, and the
 * whole text is checked with the runtime's own parser (zrt/nvram.c, built
 * into zvsh), so that what the runtime would refuse is refused here, before
 * zerovm starts.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "nvram.h"

static int write_manifest(struct zvsh_workdir *w, struct zvsh_log *lg, const struct zvsh_plan *p,
			  const struct zvsh_channels *cs, const char *program, char **manifest)
{
	struct zvsh_buf b = {0};
	zvsh_buf_printf(&b, "Version = 20130611\nProgram = %s\nMemory = %" PRIu64 ", 0\nTimeout = %" PRIu64 "\n",
			program, p->memory, p->timeout);
	for (size_t i = 0; i < cs->nch; i++) {
		const struct zvsh_channel *c = &cs->ch[i];
		uint64_t in = c->write ? 0 : ZVSH_LIMIT, out = c->write ? ZVSH_LIMIT : 0;
		zvsh_buf_printf(&b, "Channel = %s, %s, %d, 0, %" PRIu64 ", %" PRIu64 ", %" PRIu64 ", %" PRIu64 "\n",
				c->source, c->alias, c->type, in, in, out, out);
	}
	const char *path;
	int r = workdir_write(w, lg, "manifest", &b, &path);
	free(b.p);
	if (r == 0 && !(*manifest = strdup(path)))
		return zvsh_oom(lg);
	return r;
}

/* s, escaped for any nvram value position (nvram_escape). */
static void put_escaped(struct zvsh_buf *b, const char *s)
{
	size_t len = strlen(s), size = 4 * len + 1;
	char *esc = malloc(size);
	if (!esc) {
		b->oom = true;
		return;
	}
	nvram_escape(s, len, esc, size);
	zvsh_buf_printf(b, "%s", esc);
	free(esc);
}

static const char *map_name(enum zvsh_map m)
{
	return m == ZVSH_MAP_PIPE ? "pipe" : m == ZVSH_MAP_CHAR ? "char" : "file";
}

/* Whether the channel needs a [mapping] line: the standard streams always
 * (so the file says what they are), others when the runtime's default (a
 * random-read channel is a file, any other a character device) is wrong. */
static bool needs_mapping(const struct zvsh_channel *c, size_t i)
{
	if (c->map == ZVSH_MAP_DEFAULT)
		return false;
	return i < 3 || c->map != (c->type == 1 ? ZVSH_MAP_FILE : ZVSH_MAP_CHAR);
}

static void nvram_text(const struct zvsh_plan *p, const struct zvsh_channels *cs, struct zvsh_buf *b)
{
	zvsh_buf_printf(b, "[args]\nargs =");
	for (size_t i = 0; i < cs->nwords; i++) {
		const char *w = cs->words[i];
		bool quote = !*w || strpbrk(w, " \t");
		zvsh_buf_printf(b, " %s", quote ? "\"" : "");
		put_escaped(b, w);
		zvsh_buf_printf(b, "%s", quote ? "\"" : "");
	}
	zvsh_buf_printf(b, "\n[env]\n");
	for (size_t i = 0; i < p->nenv; i++) {
		zvsh_buf_printf(b, "name=");
		put_escaped(b, p->env[i].name);
		zvsh_buf_printf(b, ", value=");
		put_escaped(b, p->env[i].value);
		zvsh_buf_printf(b, "\n");
	}
	if (p->nimg)
		zvsh_buf_printf(b, "[fstab]\n");
	for (size_t i = 0; i < p->nimg; i++) {
		zvsh_buf_printf(b, "channel=%s, mountpoint=", cs->ch[cs->img[i]].alias);
		put_escaped(b, p->img[i].mount);
		zvsh_buf_printf(b, ", access=%s, removable=no\n", p->img[i].wo ? "wo" : "ro");
	}
	bool header = false;
	for (size_t i = 0; i < cs->nch; i++) {
		if (!needs_mapping(&cs->ch[i], i))
			continue;
		if (!header)
			zvsh_buf_printf(b, "[mapping]\n");
		header = true;
		zvsh_buf_printf(b, "channel=%s, mode=%s\n", cs->ch[i].alias, map_name(cs->ch[i].map));
	}
	/* The runtime's clock starts here whatever the host's says: runs repeat. */
	zvsh_buf_printf(b, "[time]\nseconds=0\n");
	/* --verbose: the runtime's own diagnostics too (docs/zrt.md). */
	if (p->verbose)
		zvsh_buf_printf(b, "[debug]\nverbosity=1\n");
}

static int write_nvram(struct zvsh_workdir *w, struct zvsh_log *lg, const struct zvsh_plan *p, struct zvsh_channels *cs)
{
	struct zvsh_buf b = {0};
	nvram_text(p, cs, &b);
	if (b.oom)
		return free(b.p), zvsh_oom(lg);
	/* Check it with the runtime's own parser: its limits (1024 arguments,
	 * 1 MiB of text, 256 mappings) are met here, not at the runtime's start. */
	size_t size = nvram_arena_size(b.len);
	void *arena = malloc(size);
	if (!arena)
		return free(b.p), zvsh_oom(lg);
	struct nvram nv;
	char err[256];
	int r = nvram_parse(b.p, b.len, arena, size, &nv, err, sizeof err);
	free(arena);
	if (r < 0) {
		free(b.p);
		return zvsh_fail(lg, ZVSH_EXIT_USAGE, "the runtime would refuse this configuration: %s", err);
	}
	const char *path;
	r = workdir_write(w, lg, "nvram", &b, &path);
	free(b.p);
	if (r < 0)
		return -1;
	struct zvsh_channel *nv_ch = &cs->ch[CHANNEL_NVRAM];
	free(nv_ch->source);
	return (nv_ch->source = strdup(path)) ? 0 : zvsh_oom(lg);
}

int config_write(struct zvsh_workdir *w, struct zvsh_log *lg, const struct zvsh_plan *p, struct zvsh_channels *cs,
		 const char *program, char **manifest)
{
	if (write_nvram(w, lg, p, cs) < 0 || write_manifest(w, lg, p, cs, program, manifest) < 0)
		return -1;
	return 0;
}
