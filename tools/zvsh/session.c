/*
 * session.c - apply a plan (session.h).
 *
 * In order: the stop signals are kept for zerovm; the work directory
 * (workdir.c); the channels of the standard streams, the nvram and the
 * images (channel.c); the program, from the host or the images (program.c,
 * image.c); the channels of the @FILE arguments; the nvram and the
 * manifest (config.c). Then zerovm runs (run.c) and its report becomes the
 * exit status (report.c). Whatever happened, what the session made is
 * removed (unless --keep) before zvsh exits.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "channel.h"
#include "config.h"
#include "program.h"
#include "run.h"
#include "session.h"
#include "workdir.h"

/* A session's state, from the first file made to the last removed. */
struct session {
	const struct zvsh_plan *plan;
	struct zvsh_log *lg;
	struct zvsh_workdir wd;
	struct zvsh_channels cs;
	char *program;  /* the manifest's Program */
	char *manifest; /* the manifest's path */
	struct run_signals sig;
};

int session_open_std(struct zvsh_log *lg)
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
			return zvsh_fail(lg, ZVSH_EXIT_USAGE, "cannot open /dev/null onto descriptor %d", fd);
		}
	}
	return 0;
}

/* The session's files, in the order of the file comment. 0, or -1 (said). */
static int prepare(struct session *s)
{
	const struct zvsh_plan *p = s->plan;
	if (workdir_open(&s->wd, s->lg, p->keep) < 0)
		return -1;
	zvsh_note(s->lg, "work directory %s", s->wd.path);
	if (channel_std(&s->cs, s->lg) < 0 || channel_images(&s->cs, s->lg, &s->wd, p) < 0 ||
	    program_resolve(&s->wd, s->lg, p, &s->program) < 0 || channel_args(&s->cs, s->lg, &s->wd, p) < 0)
		return -1;
	zvsh_note(s->lg, "program %s", s->program);
	if (config_write(&s->wd, s->lg, p, &s->cs, s->program, &s->manifest) < 0)
		return -1;
	zvsh_note(s->lg, "manifest %s", s->manifest);
	return 0;
}

int session_run(const struct zvsh_plan *p, struct zvsh_log *lg)
{
	struct session s = {.plan = p, .lg = lg};
	lg->verbose = p->verbose;
	/* From here on a SIGINT, SIGTERM or SIGHUP is kept for zerovm (or ends
	 * zvsh cleanly before it starts): the work directory is never left
	 * behind. */
	run_block_signals(&s.sig);
	int status = prepare(&s) == 0 ? run_zerovm(&s.wd, lg, p, &s.cs, s.manifest, &s.sig) : lg->status;
	workdir_close(&s.wd);
	channel_free(&s.cs);
	free(s.program);
	free(s.manifest);
	return status;
}
