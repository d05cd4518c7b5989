/*
 * manifest.c - a session's configuration: zerovm's manifest and the
 * runtime's nvram (manifest.h).
 *
 * The nvram's values are escaped with the runtime's own escaper, and the
 * whole text is checked with the runtime's own parser (untrusted/nvram.c,
 * built into the tools), so that what the runtime would refuse is refused
 * here, before zerovm starts.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "nvram.h"

static uint64_t or_limit(uint64_t v, uint64_t limit)
{
	return v ? v : limit;
}

static int write_manifest(struct workdir *w, struct tool_log *lg, const struct manifest_spec *s, const char *nvram,
			  const char **manifest)
{
	struct tool_buf b = {0};
	tool_buf_printf(&b, "Version = 20130611\nProgram = %s\nMemory = %" PRIu64 ", 0\nTimeout = %" PRIu64 "\n",
			s->program, s->memory, s->timeout);
	if (s->node && s->nameserver)
		tool_buf_printf(&b, "Node = %u\nNameServer = %s\n", s->node, s->nameserver);
	for (size_t i = 0; i < s->nch; i++) {
		const struct manifest_channel *c = &s->ch[i];
		uint64_t gets = or_limit(s->read_calls, s->limit), get_size = or_limit(s->read_bytes, s->limit);
		uint64_t puts = or_limit(s->write_calls, s->limit), put_size = or_limit(s->write_bytes, s->limit);
		if (c->write && c->put_size)
			put_size = c->put_size; /* a channel's own (a write-back's quota) */
		if (c->write)
			gets = get_size = 0;
		else
			puts = put_size = 0;
		tool_buf_printf(&b, "Channel = %s, %s, %d, %d, %" PRIu64 ", %" PRIu64 ", %" PRIu64 ", %" PRIu64 "\n",
				c->source ? c->source : nvram, c->alias, c->type, c->etag ? 1 : 0, gets, get_size, puts,
				put_size);
	}
	int r = workdir_mem(w, lg, s->manifest_name, &b, manifest);
	free(b.p);
	return r;
}

/* s, escaped for any nvram value position (nvram_escape). */
static void put_escaped(struct tool_buf *b, const char *s)
{
	size_t len = strlen(s), size = 4 * len + 1;
	char *esc = malloc(size);
	if (!esc) {
		b->oom = true;
		return;
	}
	nvram_escape(s, len, esc, size);
	tool_buf_printf(b, "%s", esc);
	free(esc);
}

static const char *map_name(enum manifest_map m)
{
	return m == MANIFEST_MAP_PIPE ? "pipe" : m == MANIFEST_MAP_CHAR ? "char" : "file";
}

static void nvram_text(const struct manifest_spec *s, struct tool_buf *b)
{
	tool_buf_printf(b, "[args]\nargs =");
	for (size_t i = 0; i < s->nwords; i++) {
		const char *w = s->words[i];
		bool quote = !*w || strpbrk(w, " \t");
		tool_buf_printf(b, " %s", quote ? "\"" : "");
		put_escaped(b, w);
		tool_buf_printf(b, "%s", quote ? "\"" : "");
	}
	tool_buf_printf(b, "\n[env]\n");
	for (size_t i = 0; i < s->nenv; i++) {
		tool_buf_printf(b, "name=");
		put_escaped(b, s->env[i].name);
		tool_buf_printf(b, ", value=");
		put_escaped(b, s->env[i].value);
		tool_buf_printf(b, "\n");
	}
	if (s->nmnt)
		tool_buf_printf(b, "[fstab]\n");
	for (size_t i = 0; i < s->nmnt; i++) {
		tool_buf_printf(b, "channel=");
		put_escaped(b, s->mnt[i].alias);
		tool_buf_printf(b, ", mountpoint=");
		put_escaped(b, s->mnt[i].mount);
		const struct manifest_mount *m = &s->mnt[i];
		if (m->writeback)
			tool_buf_printf(b, ", access=rw, removable=no, writeback=%s\n", m->writeback);
		else
			tool_buf_printf(b, ", access=%s, removable=no%s\n", m->wo ? "wo" : "ro",
					m->strict ? ", overlay=no" : "");
	}
	bool header = false;
	for (size_t i = 0; i < s->nch; i++) {
		if (s->ch[i].map == MANIFEST_MAP_DEFAULT)
			continue;
		if (!header)
			tool_buf_printf(b, "[mapping]\n");
		header = true;
		tool_buf_printf(b, "channel=");
		put_escaped(b, s->ch[i].alias);
		tool_buf_printf(b, ", mode=%s\n", map_name(s->ch[i].map));
	}
	/* The runtime's clock starts here whatever the host's says: runs repeat. */
	tool_buf_printf(b, "[time]\nseconds=0\n");
	/* --verbose: the runtime's own diagnostics too (docs/zrt.md). */
	if (s->verbose)
		tool_buf_printf(b, "[debug]\nverbosity=1\n");
	if (s->cwd || s->notes)
		tool_buf_printf(b, "[session]\n");
	if (s->cwd) {
		tool_buf_printf(b, "cwd=");
		put_escaped(b, s->cwd);
		tool_buf_printf(b, "\n");
	}
	if (s->notes) {
		tool_buf_printf(b, "notes=");
		put_escaped(b, s->notes);
		tool_buf_printf(b, "\n");
	}
}

static int write_nvram(struct workdir *w, struct tool_log *lg, const struct manifest_spec *s, const char **path)
{
	struct tool_buf b = {0};
	nvram_text(s, &b);
	if (b.oom)
		return free(b.p), tool_oom(lg);
	/* Check it with the runtime's own parser: its limits (1024 arguments,
	 * 1 MiB of text, 256 mappings) are met here, not at the runtime's start. */
	size_t size = nvram_arena_size(b.len);
	void *arena = malloc(size);
	if (!arena)
		return free(b.p), tool_oom(lg);
	struct nvram nv;
	char err[256];
	int r = nvram_parse(b.p, b.len, arena, size, &nv, err, sizeof err);
	free(arena);
	if (r < 0) {
		free(b.p);
		return tool_fail(lg, TOOL_EXIT_USAGE, "the runtime would refuse this configuration: %s", err);
	}
	r = workdir_mem(w, lg, s->nvram_name, &b, path);
	free(b.p);
	return r;
}

int manifest_write(struct workdir *w, struct tool_log *lg, const struct manifest_spec *s, const char **manifest)
{
	const char *nvram;
	if (write_nvram(w, lg, s, &nvram) < 0 || write_manifest(w, lg, s, nvram, manifest) < 0)
		return -1;
	return 0;
}
