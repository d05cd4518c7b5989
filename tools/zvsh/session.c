/*
 * session.c - apply a plan (session.h).
 *
 * In order: the stop signals are kept for zerovm; the work directory
 * (common/workdir.c); the channels of the standard streams, the nvram and
 * the images (channel.c); the program, from the host or the images
 * (common/program.c, image.c); the channels of the @FILE arguments; the
 * nvram and the manifest (common/manifest.c). Then zerovm runs (run.c) and its report becomes the
 * exit status (report.c). Whatever happened, what the session made is
 * removed (unless --keep) before zvsh exits.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "channel.h"
#include "manifest.h"
#include "program.h"
#include "run.h"
#include "session.h"
#include "workdir.h"

/* A session's state, from the first file made to the last removed. */
struct session {
	const struct zvsh_plan *plan;
	struct tool_log *lg;
	struct workdir wd;
	struct zvsh_channels cs;
	char *program;        /* the manifest's Program */
	const char *manifest; /* the manifest's path (owned by wd) */
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
	const struct zvsh_plan *p = s->plan;
	const struct zvsh_channels *cs = &s->cs;
	struct manifest_channel *ch = calloc(cs->nch, sizeof *ch);
	struct manifest_mount *mnt = calloc(p->nimg ? p->nimg : 1, sizeof *mnt);
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
						  .map = needs_mapping(c, i) ? c->map : MANIFEST_MAP_DEFAULT};
	}
	for (size_t i = 0; i < p->nimg; i++)
		mnt[i] = (struct manifest_mount){
			.alias = cs->ch[cs->img[i]].alias, .mount = p->img[i].mount, .wo = p->img[i].wo};
	struct manifest_spec spec = {.program = s->program,
				     .memory = p->memory,
				     .timeout = p->timeout,
				     .limit = ZVSH_LIMIT,
				     .ch = ch,
				     .nch = cs->nch,
				     .words = cs->words,
				     .nwords = cs->nwords,
				     .env = p->env,
				     .nenv = p->nenv,
				     .mnt = mnt,
				     .nmnt = p->nimg,
				     .verbose = p->verbose,
				     .nvram_name = "nvram",
				     .manifest_name = "manifest"};
	r = manifest_write(&s->wd, s->lg, &spec, &s->manifest);
out:
	free(ch);
	free(mnt);
	return r;
}

/* The session's files, in the order of the file comment. 0, or -1 (said). */
static int prepare(struct session *s)
{
	const struct zvsh_plan *p = s->plan;
	if (workdir_open(&s->wd, s->lg, p->keep, "zvsh") < 0)
		return -1;
	tool_note(s->lg, "work directory %s", s->wd.path);
	struct image_search search = {
		.img = p->img, .nimg = p->nimg, .path = plan_env_get(p, "PATH"), .out = "program"};
	if (channel_std(&s->cs, s->lg) < 0 || channel_images(&s->cs, s->lg, &s->wd, p) < 0 ||
	    program_resolve(&s->wd, s->lg, &search, p->program, &s->program) < 0 ||
	    channel_args(&s->cs, s->lg, &s->wd, p) < 0)
		return -1;
	tool_note(s->lg, "program %s", s->program);
	if (write_config(s) < 0)
		return -1;
	tool_note(s->lg, "manifest %s", s->manifest);
	return 0;
}

int session_run(const struct zvsh_plan *p, struct tool_log *lg)
{
	struct session s = {.plan = p, .lg = lg};
	lg->verbose = p->verbose;
	/* From here on a SIGINT, SIGTERM or SIGHUP is kept for zerovm (or ends
	 * zvsh cleanly before it starts): the work directory is never left
	 * behind. */
	zerovm_block_signals(&s.sig);
	int status = prepare(&s) == 0 ? run_zerovm(&s.wd, lg, p, &s.cs, s.manifest, &s.sig) : lg->status;
	workdir_close(&s.wd);
	channel_free(&s.cs);
	free(s.program);
	return status;
}
