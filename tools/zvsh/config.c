/*
 * config.c - the second step: turn the parsed command line into the
 * files of a session.
 *
 * In order: the work directory (private and temporary, or --keep DIR,
 * workdir.c); the channels (channel.c) and the program (a host file, or a
 * member of an ro image extracted into the work directory); then the
 * manifest and the nvram.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nvram.h"
#include "zvsh.h"

/* ---- the program ------------------------------------------------------------- */

static bool any_ro_image(const struct zvsh *z)
{
	for (size_t i = 0; i < z->plan->nimg; i++)
		if (!z->plan->img[i].wo)
			return true;
	return false;
}

/* A host file given as a path: it must be a readable regular file. */
static int host_program(struct zvsh *z, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return zvsh_fail(&z->log, ZVSH_EXIT_NOTFOUND, "%s: %s", z->plan->program, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return zvsh_fail(&z->log, ZVSH_EXIT_NOEXEC, "%s: is a directory", z->plan->program);
	if (!S_ISREG(st.st_mode))
		return zvsh_fail(&z->log, ZVSH_EXIT_NOEXEC, "%s: not a regular file", z->plan->program);
	if (access(path, R_OK) < 0)
		return zvsh_fail(&z->log, ZVSH_EXIT_NOEXEC, "%s: %s", z->plan->program, strerror(errno));
	char *real = realpath(path, NULL);
	if (!real)
		return zvsh_fail(&z->log, ZVSH_EXIT_NOEXEC, "%s: %s", z->plan->program, strerror(errno));
	z->program_path = workdir_source(&z->wd, &z->log, real);
	free(real);
	return z->program_path ? 0 : -1;
}

/* The first executable regular file NAME in the host's $PATH (an empty
 * entry is the current directory), as execvp() would find it; NULL if none. */
static char *path_search(const char *name)
{
	const char *path = getenv("PATH");
	if (!path)
		path = "/bin:/usr/bin";
	for (const char *p = path;; p++) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char *cand;
		if (asprintf(&cand, "%.*s%s%s", (int)n, p, n ? "/" : "./", name) >= 0) {
			struct stat st;
			if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
				return cand;
			free(cand);
		}
		if (!e)
			return NULL;
		p = e;
	}
}

/*
 * The manifest's Program, from the program as typed. With ro images, an
 * absolute path or a bare name is looked for in the images first (as
 * ZeroVM's zvsh did: "zvsh --image rootfs.tar /bin/sh" means the image's
 * shell), then on the host; a relative path with a '/' ("./prog",
 * "build/prog") names a host file first, relative to the current directory.
 * On the host, a path is that file and a bare name is searched in $PATH.
 */
static int resolve_program(struct zvsh *z)
{
	const char *name = z->plan->program;
	bool images = any_ro_image(z), path = strchr(name, '/') != NULL;
	struct stat st;
	if (images && (!path || name[0] == '/' || (stat(name, &st) < 0 && errno == ENOENT))) {
		int r = zvsh_image_find(z, name, &z->program_path);
		if (r <= 0)
			return r;
	}
	if (path) {
		if (stat(name, &st) == 0 || errno != ENOENT || !images)
			return host_program(z, name);
		return zvsh_fail(&z->log, ZVSH_EXIT_NOTFOUND, "%s: No such file or directory (on the host or in the images)",
				 name);
	}
	char *found = path_search(name);
	if (found) {
		int r = host_program(z, found);
		free(found);
		return r;
	}
	if (stat(name, &st) == 0)
		return zvsh_fail(&z->log, ZVSH_EXIT_NOTFOUND,
				 "%s: command not found (a program in the current directory is written ./%s)", name,
				 name);
	return zvsh_fail(&z->log, ZVSH_EXIT_NOTFOUND, "%s: command not found%s", name,
			 images ? " (on the host or in the images)" : "");
}

/* ---- manifest and nvram -------------------------------------------------------- */

static int write_manifest(struct zvsh *z)
{
	struct zvsh_buf b = {0};
	zvsh_buf_printf(&b, "Version = 20130611\nProgram = %s\nMemory = %" PRIu64 ", 0\nTimeout = %" PRIu64 "\n",
			z->program_path, z->plan->memory, z->plan->timeout);
	for (size_t i = 0; i < z->cs.nch; i++) {
		const struct zvsh_channel *c = &z->cs.ch[i];
		uint64_t in = c->write ? 0 : ZVSH_LIMIT, out = c->write ? ZVSH_LIMIT : 0;
		zvsh_buf_printf(&b, "Channel = %s, %s, %d, 0, %" PRIu64 ", %" PRIu64 ", %" PRIu64 ", %" PRIu64 "\n",
				c->source, c->alias, c->type, in, in, out, out);
	}
	const char *path;
	int r = workdir_write(&z->wd, &z->log, "manifest", &b, &path);
	free(b.p);
	if (r == 0 && !(z->manifest_path = strdup(path)))
		return zvsh_oom(&z->log);
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

static void nvram_text(const struct zvsh *z, struct zvsh_buf *b)
{
	zvsh_buf_printf(b, "[args]\nargs =");
	for (size_t i = 0; i < z->cs.nwords; i++) {
		const char *w = z->cs.words[i];
		bool quote = !*w || strpbrk(w, " \t");
		zvsh_buf_printf(b, " %s", quote ? "\"" : "");
		put_escaped(b, w);
		zvsh_buf_printf(b, "%s", quote ? "\"" : "");
	}
	zvsh_buf_printf(b, "\n[env]\n");
	for (size_t i = 0; i < z->plan->nenv; i++) {
		zvsh_buf_printf(b, "name=");
		put_escaped(b, z->plan->env[i].name);
		zvsh_buf_printf(b, ", value=");
		put_escaped(b, z->plan->env[i].value);
		zvsh_buf_printf(b, "\n");
	}
	if (z->plan->nimg)
		zvsh_buf_printf(b, "[fstab]\n");
	for (size_t i = 0; i < z->plan->nimg; i++) {
		zvsh_buf_printf(b, "channel=%s, mountpoint=", z->cs.ch[z->cs.img[i]].alias);
		put_escaped(b, z->plan->img[i].mount);
		zvsh_buf_printf(b, ", access=%s, removable=no\n", z->plan->img[i].wo ? "wo" : "ro");
	}
	bool header = false;
	for (size_t i = 0; i < z->cs.nch; i++) {
		if (!needs_mapping(&z->cs.ch[i], i))
			continue;
		if (!header)
			zvsh_buf_printf(b, "[mapping]\n");
		header = true;
		zvsh_buf_printf(b, "channel=%s, mode=%s\n", z->cs.ch[i].alias, map_name(z->cs.ch[i].map));
	}
	/* The runtime's clock starts here whatever the host's says: runs repeat. */
	zvsh_buf_printf(b, "[time]\nseconds=0\n");
	/* --verbose: the runtime's own diagnostics too (docs/zrt.md). */
	if (z->plan->verbose)
		zvsh_buf_printf(b, "[debug]\nverbosity=1\n");
}

static int write_nvram(struct zvsh *z)
{
	struct zvsh_buf b = {0};
	nvram_text(z, &b);
	if (b.oom)
		return free(b.p), zvsh_oom(&z->log);
	/* Check it with the runtime's own parser: its limits (1024 arguments,
	 * 1 MiB of text, 256 mappings) are met here, not at the runtime's start. */
	size_t size = nvram_arena_size(b.len);
	void *arena = malloc(size);
	if (!arena)
		return free(b.p), zvsh_oom(&z->log);
	struct nvram nv;
	char err[256];
	int r = nvram_parse(b.p, b.len, arena, size, &nv, err, sizeof err);
	free(arena);
	if (r < 0) {
		free(b.p);
		return zvsh_fail(&z->log, ZVSH_EXIT_USAGE, "the runtime would refuse this configuration: %s", err);
	}
	const char *path;
	r = workdir_write(&z->wd, &z->log, "nvram", &b, &path);
	free(b.p);
	if (r < 0)
		return -1;
	struct zvsh_channel *nv_ch = &z->cs.ch[CHANNEL_NVRAM];
	free(nv_ch->source);
	return (nv_ch->source = strdup(path)) ? 0 : zvsh_oom(&z->log);
}

int zvsh_prepare(struct zvsh *z)
{
	if (workdir_open(&z->wd, &z->log, z->plan->keep) < 0)
		return -1;
	zvsh_note(&z->log, "work directory %s", z->wd.path);
	if (channel_std(&z->cs, &z->log) < 0 || channel_images(&z->cs, &z->log, &z->wd, z->plan) < 0 ||
	    resolve_program(z) < 0 || channel_args(&z->cs, &z->log, &z->wd, z->plan) < 0)
		return -1;
	zvsh_note(&z->log, "program %s", z->program_path);
	if (write_nvram(z) < 0 || write_manifest(z) < 0)
		return -1;
	zvsh_note(&z->log, "manifest %s", z->manifest_path);
	return 0;
}

void zvsh_cleanup(struct zvsh *z)
{
	workdir_close(&z->wd);
	channel_free(&z->cs);
	free(z->program_path);
	free(z->manifest_path);
}
