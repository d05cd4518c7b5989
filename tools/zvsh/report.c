/*
 * report.c - zvsh's exit status from zerovm's report (report.h).
 *
 * The report is the last six lines zerovm wrote on its standard output
 * (docs/report.md): line 3 is the program's exit code, line 6 the exit
 * state. "ok" is the program's code; a timeout, a quota and a signal have
 * exit statuses of their own; anything else is zerovm's exit code (2 if
 * that is 0). With --getrc zerovm's exit code wins, whatever the state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"

/*
 * The last six lines of text (the report) into line[0..5], in place.
 * false when there are fewer than six.
 */
static bool split_report(char *text, size_t len, char *line[6])
{
	if (len && text[len - 1] == '\n')
		text[--len] = 0;
	int k = 6;
	size_t end = len;
	while (k > 0) {
		size_t start = end;
		while (start && text[start - 1] != '\n')
			start--;
		line[--k] = text + start;
		text[end] = 0;
		if (k && start == 0)
			return false;
		end = start ? start - 1 : 0;
	}
	return true;
}

/* --keep: the report into the work directory. false when it could not be
 * written (said in lg). */
static bool keep_report(struct zvsh_workdir *w, struct zvsh_log *lg, const struct zvsh_buf *rb)
{
	const char *path;
	int fd = workdir_create(w, lg, "report", 0600, &path);
	if (fd < 0)
		return false; /* workdir_create said why */
	int r = zvsh_write_all(fd, rb->p, rb->len);
	int e = errno;
	if (close(fd) < 0 && r == 0)
		r = -1, e = errno;
	if (r < 0) {
		zvsh_fail(lg, ZVSH_EXIT_USAGE, "cannot write %s: %s", path, strerror(e));
		return false;
	}
	return true;
}

/* The exit status that the report's line[5], the exit state, stands for
 * (code: zerovm's exit code); says on stderr what the user should know. */
static int state_status(char *line[6], int code)
{
	const char *state = line[5];
	int status, sig;
	char from[16];
	if (strcmp(state, "ok") == 0) {
		status = (int)((unsigned)strtol(line[2], NULL, 10) & 0xff);
	} else if (strcmp(state, "session timeout") == 0) {
		status = ZVSH_EXIT_TIMEOUT;
		fprintf(stderr, "zvsh: %s\n", state);
	} else if (strcmp(state, "disk quota exceeded") == 0) {
		status = ZVSH_EXIT_QUOTA;
		fprintf(stderr, "zvsh: %s\n", state);
	} else if (sscanf(state, "Signal %d from %15s code", &sig, from) == 2 && sig > 0 && sig < 128) {
		status = 128 + sig;
		/* A stop asked for from outside (Ctrl-C) needs no word; a crash does. */
		if (strcmp(from, "trusted") != 0)
			fprintf(stderr, "zvsh: %s\n", state);
	} else {
		status = code ? code : ZVSH_EXIT_USAGE;
		fprintf(stderr, "zvsh: %s\n", state);
	}
	return status;
}

int report_outcome(struct zvsh_workdir *w, struct zvsh_log *lg, const struct zvsh_plan *p, struct report_input *in)
{
	struct zvsh_buf *rb = &in->report;
	zvsh_buf_printf(rb, "%s", ""); /* a NUL-terminated string, even if empty */
	if (p->report || p->verbose)
		zvsh_put_all(2, rb->p ? rb->p : "", rb->len);
	/* A report asked for and not kept is a failure: said, and in the
	 * exit status (below). */
	bool kept = p->keep ? keep_report(w, lg, rb) : true;
	if (WIFSIGNALED(in->wstatus)) {
		int sig = WTERMSIG(in->wstatus);
		if (sig != in->forwarded)
			zvsh_fail(lg, 128 + sig, "zerovm was killed by signal %d (%s)", sig, strsignal(sig));
		return 128 + sig;
	}
	int code = WEXITSTATUS(in->wstatus);
	char *line[6];
	if (rb->oom || !rb->p || !split_report(rb->p, rb->len, line)) {
		/* No report: zerovm's own message is all there is. */
		if (!p->verbose && in->msg.len)
			zvsh_put_all(2, in->msg.p, in->msg.len);
		if (code == 0)
			zvsh_fail(lg, ZVSH_EXIT_USAGE, "zerovm ended without a report");
		return code ? code : ZVSH_EXIT_USAGE;
	}
	int status = state_status(line, code);
	if (p->getrc)
		status = code;
	return !kept && status == 0 ? ZVSH_EXIT_USAGE : status;
}
