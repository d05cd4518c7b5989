/*
 * session.c - apply a plan (session.h).
 *
 * In order: the stop signals are kept for zerovm; the work directory
 * (common/workdir.c); the channels of the standard streams, the nvram and
 * the images (channel.c); the --bind and --ro-bind grants, packed, and
 * their channels (bind.c); the program, from the host or the images
 * (common/program.c, image.c); the channels of the @FILE arguments; the
 * nvram and the manifest (common/manifest.c). Then zerovm runs (run.c), its
 * report becomes the exit status (report.c), a --bind's changes reach the
 * host when the program ended by itself (bind.c), and what the runtime
 * noted at the end is told (notes.c). Whatever happened, what the session
 * made is removed (unless --keep) before zvsh exits.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bind.h"
#include "channel.h"
#include "deps.h"
#include "interp.h"
#include "manifest.h"
#include "notes.h"
#include "program.h"
#include "run.h"
#include "session.h"
#include "snap.h"
#include "workdir.h"

/* A session's state, from the first file made to the last removed. */
struct session {
	const struct zvsh_plan *plan;
	struct tool_log *lg;
	struct workdir wd;
	struct zvsh_channels cs;
	struct zvsh_binds binds; /* --bind, --ro-bind */
	char *program;           /* the manifest's Program */
	struct zvsh_plan run;    /* the plan as run: a script's interpreter in front (script_plan) */
	char **args;             /* run.args when script_plan made them */
	struct zvsh_io *io;      /* run.io when script_plan made them */
	struct interp in;        /* the script's #! line */
	char *script;            /* the script's path, as the interpreter gets it */
	struct image *img;       /* run.img when a dynamic program's libraries were added */
	const char *manifest;    /* the manifest's path (owned by wd) */
	bool from_image;         /* the program was found in an image */
	struct zerovm_signals sig;
};

int session_open_std(struct tool_log *lg)
{
	/* So that nothing zvsh opens takes their numbers (and the program
	 * reads nothing, or writes into nothing, there). */
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		int n = open("/dev/null", O_RDWR);
		if (n != fd) {
			if (n >= 0)
				close(n);
			return tool_fail(lg, TOOL_EXIT_USAGE, "cannot open /dev/null onto descriptor %d", fd);
		}
	}
	return 0;
}

/* Whether the channel needs a [mapping] line: the standard streams always
 * (so the file says what they are), others when the runtime's default (a
 * random-read channel is a file, any other a character device) is wrong. */
static bool needs_mapping(const struct zvsh_channel *c, size_t i)
{
	if (c->map == MANIFEST_MAP_DEFAULT)
		return false;
	return i < 3 || c->map != (c->type == 1 ? MANIFEST_MAP_FILE : MANIFEST_MAP_CHAR);
}

/* The nvram and the manifest, from the plan and the channels. */
static int write_config(struct session *s)
{
	const struct zvsh_plan *p = &s->run;
	const struct zvsh_channels *cs = &s->cs;
	struct manifest_channel *ch = calloc(cs->nch, sizeof *ch);
	struct manifest_mount *mnt = calloc(p->nimg + p->nbind + 1, sizeof *mnt);
	int r = -1;
	if (!ch || !mnt) {
		tool_oom(s->lg);
		goto out;
	}
	for (size_t i = 0; i < cs->nch; i++) {
		const struct zvsh_channel *c = &cs->ch[i];
		ch[i] = (struct manifest_channel){.source = i == CHANNEL_NVRAM ? NULL : c->source,
						  .alias = c->alias,
						  .type = c->type,
						  .write = c->write,
						  .map = needs_mapping(c, i) ? c->map : MANIFEST_MAP_DEFAULT,
						  .put_size = c->put_size};
	}
	for (size_t i = 0; i < p->nimg; i++)
		mnt[i] = (struct manifest_mount){
			.alias = cs->ch[cs->img[i]].alias, .mount = p->img[i].mount, .wo = p->img[i].wo};
	bind_mounts(&s->binds, cs, mnt + p->nimg);
	struct manifest_spec spec = {.program = s->program,
				     .memory = p->memory,
				     .timeout = p->timeout,
				     .limit = ZVSH_QUOTA_MAX,
				     .read_calls = p->read_calls,
				     .read_bytes = p->read_bytes,
				     .write_calls = p->write_calls,
				     .write_bytes = p->write_bytes,
				     .cwd = p->chdir,
				     .notes = ZVSH_NOTES_ALIAS,
				     .ch = ch,
				     .nch = cs->nch,
				     .words = cs->words,
				     .nwords = cs->nwords,
				     .env = p->env,
				     .nenv = p->nenv,
				     .mnt = mnt,
				     .nmnt = p->nimg + s->binds.n,
				     .verbose = p->verbose,
				     .nvram_name = "nvram",
				     .manifest_name = "manifest"};
	r = manifest_write(&s->wd, s->lg, &spec, &s->manifest);
out:
	free(ch);
	free(mnt);
	return r;
}

/*
 * The program is a #! script: run its interpreter, as the kernel would,
 * with the interpreter's argument (if any), the script's path and the
 * arguments. The interpreter comes from the images or the host like any
 * program and must be a static program itself. A script from the host is
 * given to the interpreter as an input at its own name; one from an image
 * is read there. 0, or -1 (said).
 */
static int script_plan(struct session *s, const struct image_search *search, struct interp *in)
{
	const struct zvsh_plan *p = s->plan;
	bool from_image = s->from_image;
	const char *word = p->program;
	if (!strchr(p->program, '/')) {
		if (from_image)
			return tool_fail(s->lg, TOOL_EXIT_NOEXEC, "%s is a script in an image: give its path",
					 p->program);
		if (strncmp(s->program, s->wd.path, strlen(s->wd.path)) == 0)
			return tool_fail(s->lg, TOOL_EXIT_NOEXEC, "%s: a script whose path a manifest cannot carry",
					 p->program);
		word = s->program; /* found in $PATH: the kernel passes the full path */
	}
	size_t n = (size_t)p->nargs + 2;
	s->args = calloc(n + 1, sizeof *s->args);
	s->io = calloc(p->nio + 1, sizeof *s->io);
	if (!s->args || !s->io)
		return tool_oom(s->lg);
	int k = 0;
	if (in->arg)
		s->args[k++] = in->arg;
	char *script = s->script = strdup(word);
	if (!script)
		return tool_oom(s->lg);
	s->args[k++] = script;
	for (int i = 0; i < p->nargs; i++)
		s->args[k++] = p->args[i];
	memcpy(s->io, p->io, p->nio * sizeof *s->io);
	s->run = *p;
	s->run.io = s->io;
	if (!from_image)
		s->io[s->run.nio++] = (struct zvsh_io){.path = script};
	s->run.program = in->program;
	s->run.args = s->args;
	s->run.nargs = k;

	tool_note(s->lg, "script %s: interpreter %s", p->program, in->program);
	free(s->program);
	s->program = NULL;
	struct interp again;
	if (program_resolve(&s->wd, s->lg, search, in->program, &s->program, &s->from_image) < 0)
		return -1;
	int r = interp_look(s->lg, s->program, in->program, &again);
	if (r == 1) {
		interp_free(&again);
		return tool_fail(s->lg, TOOL_EXIT_NOEXEC, "%s: its interpreter %s is a script too", p->program,
				 in->program);
	}
	return r;
}

/*
 * The program is dynamically linked. From an image, the images hold its
 * interpreter and libraries, as they would on a root filesystem. From the
 * host, its interpreter and libraries are packed into an image of their
 * own (deps.c), mounted at / after the --image ones. 0, or -1 (said).
 */
static int dynamic_plan(struct session *s)
{
	if (s->from_image)
		return 0;
	if (s->run.nimg == ZVSH_IMAGES_MAX)
		return tool_fail(s->lg, TOOL_EXIT_USAGE,
				 "%s is dynamically linked: its libraries need an image, and there are %d already",
				 s->run.program, ZVSH_IMAGES_MAX);
	char *tar;
	if (deps_image(s->lg, s->program, s->run.program, &tar) < 0)
		return -1;
	s->img = calloc(s->run.nimg + 1, sizeof *s->img);
	char *mount = strdup("/"), *spec = NULL;
	if (!s->img || !mount || asprintf(&spec, "the libraries of %s", s->run.program) < 0) {
		/* s->img must not stay: session_run frees its last entry as ours. */
		free(tar), free(mount), free(s->img);
		s->img = NULL;
		return tool_oom(s->lg);
	}
	memcpy(s->img, s->run.img, s->run.nimg * sizeof *s->img);
	s->img[s->run.nimg] = (struct image){.spec = spec, .host = tar, .mount = mount};
	s->run.img = s->img;
	return channel_image(&s->cs, s->lg, &s->wd, &s->run, s->run.nimg++);
}

/* The session's files, in the order of the file comment, programs from
 * images extracted through the cache directory (NULL: none). 0, or -1
 * (said). */
static int prepare_in(struct session *s, const char *cache)
{
	const struct zvsh_plan *p = s->plan;
	if (workdir_open(&s->wd, s->lg, p->keep, "zvsh") < 0)
		return -1;
	/* Manifest, nvram and notes in memory (run.c's descriptors 5-7); the
	 * directory only if something else needs it (workdir.h). snap.c reads
	 * and rewrites them through the work directory. */
	s->wd.mem_fd0 = ZVSH_FD_MEM;
	if (p->keep)
		tool_note(s->lg, "work directory %s", s->wd.path);
	struct image_search search = {
		.img = p->img, .nimg = p->nimg, .path = plan_env_get(p, "PATH"), .out = "program", .cache = cache};
	if (channel_std(&s->cs, s->lg) < 0 || channel_notes(&s->cs, s->lg, &s->wd) < 0 ||
	    channel_images(&s->cs, s->lg, &s->wd, p) < 0 || bind_prepare(&s->binds, &s->cs, s->lg, &s->wd, p) < 0 ||
	    program_resolve(&s->wd, s->lg, &search, p->program, &s->program, &s->from_image) < 0)
		return -1;
	struct interp in;
	int kind = interp_look(s->lg, s->program, p->program, &in);
	if (kind < 0)
		return -1;
	s->run = *p;
	if (kind == 1) {
		kind = script_plan(s, &search, &in);
		s->in = in;
		if (kind < 0)
			return -1;
	}
	if (kind == 2 && dynamic_plan(s) < 0)
		return -1;
	p = &s->run;
	if (channel_args(&s->cs, s->lg, &s->wd, p) < 0 || channel_inout(&s->cs, s->lg, &s->wd, p) < 0)
		return -1;
	tool_note(s->lg, "program %s", s->program);
	if (write_config(s) < 0 || channel_create_outputs(&s->cs, s->lg) < 0)
		return -1;
	if (workdir_mem_fd(&s->wd, s->manifest) >= 0)
		tool_note(s->lg, "manifest in memory, zerovm's %s (--keep DIR writes it to a file)", s->manifest);
	else
		tool_note(s->lg, "manifest %s", s->manifest);
	return 0;
}

static int prepare(struct session *s)
{
	char *cache = deps_cache_dir(); /* programs extracted from images are kept there */
	int r = prepare_in(s, cache);
	free(cache);
	return r;
}

/* zerovm on the manifest: from a snapshot when snap.c has one for the
 * session (taken now if missing; a stale one taken again), else cold. */
static int run_snap(struct session *s, struct tool_log *lg, struct report_end *end)
{
	struct snap sn;
	snap_prepare(&sn, lg, &s->wd, &s->run, &s->cs, s->program, s->from_image, s->manifest, &s->sig);
	s->run.resume = sn.file;
	int status = run_zerovm(&s->wd, lg, &s->run, &s->cs, s->manifest, &s->sig, end);
	if (status == RUN_SNAPSHOT_REFUSED) {
		snap_rebuild(&sn, lg, &s->wd, &s->run, &s->cs, s->program, s->manifest, &s->sig);
		s->run.resume = sn.file;
		status = run_zerovm(&s->wd, lg, &s->run, &s->cs, s->manifest, &s->sig, end);
		if (status == RUN_SNAPSHOT_REFUSED) { /* refused again: cold */
			s->run.resume = NULL;
			status = run_zerovm(&s->wd, lg, &s->run, &s->cs, s->manifest, &s->sig, end);
		}
	}
	s->run.resume = NULL;
	snap_free(&sn);
	return status;
}

int session_run(const struct zvsh_plan *p, struct tool_log *lg)
{
	struct session s = {.plan = p, .lg = lg, .cs = {.notes = -1}};
	lg->verbose = p->verbose;
	/* From here on a SIGINT, SIGTERM or SIGHUP is kept for zerovm (or ends
	 * zvsh cleanly before it starts): the work directory is never left
	 * behind. */
	zerovm_block_signals(&s.sig);
	struct report_end end;
	int status;
	if (prepare(&s) < 0) {
		status = lg->status;
	} else {
		status = run_snap(&s, lg, &end);
		status = bind_finish(&s.binds, lg, &s.run, &end, status);
		if (!p->quiet)
			notes_tell(&s.cs, &s.run, &s.wd, lg);
	}
	workdir_close(&s.wd);
	bind_free(&s.binds);
	channel_free(&s.cs);
	if (s.img) {
		const struct image *im = &s.img[s.run.nimg - 1];
		free(im->spec), free(im->host), free(im->mount);
		free(s.img);
	}
	free(s.program);
	free(s.args);
	free(s.io);
	free(s.script);
	interp_free(&s.in);
	return status;
}
