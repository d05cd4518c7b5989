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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"

/* --keep: the report into the work directory. false when it could not be
 * written (said in lg). */
static bool keep_report(struct workdir *w, struct tool_log *lg, const struct tool_buf *rb)
{
	const char *path;
	int fd = workdir_create(w, lg, "report", 0600, &path);
	if (fd < 0)
		return false; /* workdir_create said why */
	int r = tool_write_all(fd, rb->p, rb->len);
	int e = errno;
	if (close(fd) < 0 && r == 0)
		r = -1, e = errno;
	if (r < 0) {
		tool_fail(lg, TOOL_EXIT_USAGE, "cannot write %s: %s", path, strerror(e));
		return false;
	}
	return true;
}

/* bytes as --memory would take them: the largest unit that divides it. */
static void size_text(char *buf, size_t n, uint64_t v)
{
	static const char unit[] = "KMGT";
	int u = -1;
	while (u < 3 && v && v % 1024 == 0)
		v /= 1024, u++;
	snprintf(buf, n, "%llu%.*s", (unsigned long long)v, u >= 0 ? 1 : 0, u >= 0 ? &unit[u] : "");
}

/* A failure of zerovm's that the user fixes with a zvsh option: said in
 * zvsh's terms. false when state is none of those. */
static bool say_in_options(const char *state, const struct zvsh_plan *p)
{
	char mem[32];
	size_text(mem, sizeof mem, p->memory);
	if (strstr(state, "is too small for any program") && strncmp(state, "memory: ", 8) == 0) {
		fprintf(stderr,
			"zvsh: --memory %s is too small for any program; give it a few megabytes or more "
			"(the default is 1G)\n",
			mem);
		return true;
	}
	if (strstr(state, "a segment does not fit in guest memory")) {
		fprintf(stderr, "zvsh: %s does not fit in --memory %s; give it more (the default is 1G)\n", p->program,
			mem);
		return true;
	}
	return false;
}

/* The exit status that the report's line[5], the exit state, stands for
 * (code: zerovm's exit code); says on stderr what the user should know. */
static int state_status(char *line[6], int code, const struct zvsh_plan *p)
{
	const char *state = line[5];
	int status, sig;
	char from[16];
	if (strcmp(state, "ok") == 0) {
		status = (int)((unsigned)strtol(line[2], NULL, 10) & 0xff);
	} else if (strcmp(state, "session timeout") == 0) {
		status = TOOL_EXIT_TIMEOUT;
		fprintf(stderr, "zvsh: %s\n", state);
	} else if (strcmp(state, "disk quota exceeded") == 0) {
		status = TOOL_EXIT_QUOTA;
		fprintf(stderr, "zvsh: %s\n", state);
	} else if (sscanf(state, "Signal %d from %15s code", &sig, from) == 2 && sig > 0 && sig < 128) {
		status = 128 + sig;
		/* A stop asked for from outside (Ctrl-C) needs no word; a crash does. */
		if (strcmp(from, "trusted") != 0)
			fprintf(stderr, "zvsh: %s\n", state);
	} else {
		status = code ? code : TOOL_EXIT_USAGE;
		if (!say_in_options(state, p))
			fprintf(stderr, "zvsh: %s\n", state);
	}
	return status;
}

/* end->why for an exit state other than "ok". */
static void end_why(struct report_end *end, const char *state)
{
	int sig;
	char from[16];
	if (strcmp(state, "session timeout") == 0)
		snprintf(end->why, sizeof end->why, "the session timed out");
	else if (sscanf(state, "Signal %d from %15s code", &sig, from) == 2 && strcmp(from, "untrusted") == 0)
		snprintf(end->why, sizeof end->why, "the program was killed by signal %d", sig);
	else if (sscanf(state, "Signal %d from %15s code", &sig, from) == 2)
		snprintf(end->why, sizeof end->why, "the session was stopped by signal %d", sig);
	else
		snprintf(end->why, sizeof end->why, "the session failed (%.150s)", state);
}

int report_outcome(struct workdir *w, struct tool_log *lg, const struct zvsh_plan *p, struct report_input *in,
		   struct report_end *end)
{
	*end = (struct report_end){.why = "zerovm ended without a report"};
	struct tool_buf *rb = &in->report;
	tool_buf_printf(rb, "%s", ""); /* a NUL-terminated string, even if empty */
	if (p->report || p->verbose)
		tool_put_all(2, rb->p ? rb->p : "", rb->len);
	/* A report asked for and not kept is a failure: said, and in the
	 * exit status (below). */
	bool kept = p->keep ? keep_report(w, lg, rb) : true;
	if (WIFSIGNALED(in->wstatus)) {
		int sig = WTERMSIG(in->wstatus);
		if (sig != in->forwarded)
			tool_fail(lg, 128 + sig, "zerovm was killed by signal %d (%s)", sig, strsignal(sig));
		snprintf(end->why, sizeof end->why, "zerovm was killed by signal %d", sig);
		return 128 + sig;
	}
	int code = WEXITSTATUS(in->wstatus);
	char *line[6];
	if (rb->oom || !rb->p || !zerovm_report_split(rb->p, rb->len, line)) {
		/* No report: zerovm's own message is all there is. */
		if (!p->verbose && in->msg.len)
			tool_put_all(2, in->msg.p, in->msg.len);
		if (code == 0)
			tool_fail(lg, TOOL_EXIT_USAGE, "zerovm ended without a report");
		return code ? code : TOOL_EXIT_USAGE;
	}
	int status = state_status(line, code, p);
	end->ended = strcmp(line[5], "ok") == 0;
	if (!end->ended)
		end_why(end, line[5]);
	if (p->getrc)
		status = code;
	return !kept && status == 0 ? TOOL_EXIT_USAGE : status;
}
