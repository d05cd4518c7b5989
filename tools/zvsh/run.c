/*
 * run.c - run zerovm on the prepared manifest, and wait for it (run.h).
 *
 * zerovm gets these descriptors (channel.h):
 *   0  zvsh's standard input            the program's /dev/stdin
 *   1  a pipe to zvsh                   zerovm's report
 *   2  a pipe to zvsh                   zerovm's own messages
 *   3  zvsh's standard output           the program's /dev/stdout
 *   4  zvsh's standard error            the program's /dev/stderr
 *   5-7 the manifest, nvram and notes   when in memory (workdir_mem), else closed
 *   8… descriptors named by @/dev/fd/N  their channels
 * so the program's output goes straight where zvsh's goes, the report never
 * mixes with it, and a failure is said once, by zvsh. zerovm refuses a
 * socket as a channel source, so a standard stream that is a socket (a
 * service's journal, a socketpair) is relayed through a pipe by zvsh.
 * What zerovm leaves (its report, its messages, its wait status) is turned
 * into zvsh's exit status by report.c.
 *
 * SIGINT, SIGTERM and SIGHUP are blocked from the start (session.c) and
 * read from a signalfd with SIGCHLD: each is forwarded to zerovm, which
 * stops the session and still reports; zvsh itself never dies of them, so
 * the work directory is always removed. zerovm gets SIGTERM if zvsh dies.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"
#include "run.h"

/* What zvsh keeps of zerovm's report and messages: a report is six short
 * lines; anything past this is not one. */
#define RELAY_BUF 65536

/* ---- while zerovm runs ------------------------------------------------------- */

/*
 * One direction of copying while zerovm runs, for a standard stream that is
 * a socket: zvsh's stdin into a pipe (in), or a pipe into zvsh's stdout or
 * stderr (out, err). The relay owns its pipe end; zvsh's 0, 1, 2 stay open.
 */
struct relay {
	int from, to; /* -1 when done */
	char *buf;
	size_t len, off; /* in: bytes read from the socket, not yet in the pipe */
	bool eof;        /* in: the socket is at its end; close the pipe once buf is empty */
};

/* zerovm while it runs. */
struct proc {
	pid_t pid;
	int sfd;
	int rep, diag;             /* read ends, -1 at end */
	struct report_input got;   /* what they carried, the wait status, the signal forwarded */
	struct relay in, out, err; /* stdin, stdout, stderr when sockets */
	bool reaped;
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void relay_close(struct relay *r)
{
	if (r->from > 2)
		close(r->from);
	if (r->to > 2)
		close(r->to);
	r->from = r->to = -1;
}

/* zvsh's stdin socket into zerovm's pipe, as far as each side is ready
 * (the pipe is non-blocking: the program may never read it). */
static void pump_in(struct relay *r, bool can_read, bool can_write)
{
	if (can_read && r->len == 0 && !r->eof) {
		ssize_t n = read(r->from, r->buf, RELAY_BUF);
		if (n > 0)
			r->len = (size_t)n, r->off = 0;
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			r->eof = true;
	}
	if (can_write && r->len) {
		ssize_t n = write(r->to, r->buf + r->off, r->len);
		if (n > 0)
			r->off += (size_t)n, r->len -= (size_t)n;
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			r->len = 0, r->eof = true; /* the program's side is closed */
	}
	if (r->eof && r->len == 0)
		relay_close(r);
}

/* zerovm's pipe (non-blocking) out to zvsh's stdout or stderr socket.
 * Returns true when it moved something. When that side is gone, the pipe
 * is closed so that the program's next write fails with EPIPE. */
static bool pump_out(struct relay *r)
{
	ssize_t n = read(r->from, r->buf, RELAY_BUF);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return false;
	if (n <= 0 || tool_put_all(r->to, r->buf, (size_t)n) < 0) {
		relay_close(r);
		return false;
	}
	return true;
}

/* After zerovm has ended: what is still in the pipes goes out, then all
 * is closed (nothing else can write into them any more). */
static void drain(struct proc *s, bool verbose)
{
	if (s->rep >= 0)
		zerovm_capture(s->rep, &s->got.report, false);
	if (s->diag >= 0)
		zerovm_capture(s->diag, &s->got.msg, verbose);
	close_fd(&s->rep);
	close_fd(&s->diag);
	while (s->out.from >= 0 && pump_out(&s->out))
		;
	while (s->err.from >= 0 && pump_out(&s->err))
		;
	relay_close(&s->in);
	relay_close(&s->out);
	relay_close(&s->err);
}

static void on_signals(struct proc *s)
{
	struct signalfd_siginfo si;
	while (read(s->sfd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo != SIGCHLD) {
			s->got.forwarded = (int)si.ssi_signo;
			kill(s->pid, (int)si.ssi_signo);
		}
	}
	if (s->reaped)
		return;
	pid_t r = waitpid(s->pid, &s->got.wstatus, WNOHANG);
	if (r == s->pid) {
		s->reaped = true;
	} else if (r < 0 && errno == ECHILD) {
		/* Reaped by someone else: its status is lost, the report is not. */
		s->reaped = true;
		s->got.wstatus = 0;
	}
}

/* Serve the pipes and signals until zerovm has ended. */
static void serve(struct proc *s, bool verbose)
{
	while (!s->reaped) {
		struct pollfd pf[8];
		int n = 0, i_sfd = -1, i_rep = -1, i_diag = -1, i_in_r = -1, i_in_w = -1, i_out = -1, i_err = -1;
		pf[i_sfd = n++] = (struct pollfd){.fd = s->sfd, .events = POLLIN};
		if (s->rep >= 0)
			pf[i_rep = n++] = (struct pollfd){.fd = s->rep, .events = POLLIN};
		if (s->diag >= 0)
			pf[i_diag = n++] = (struct pollfd){.fd = s->diag, .events = POLLIN};
		if (s->in.from >= 0 && s->in.len == 0 && !s->in.eof)
			pf[i_in_r = n++] = (struct pollfd){.fd = s->in.from, .events = POLLIN};
		if (s->in.to >= 0 && s->in.len)
			pf[i_in_w = n++] = (struct pollfd){.fd = s->in.to, .events = POLLOUT};
		if (s->out.from >= 0)
			pf[i_out = n++] = (struct pollfd){.fd = s->out.from, .events = POLLIN};
		if (s->err.from >= 0)
			pf[i_err = n++] = (struct pollfd){.fd = s->err.from, .events = POLLIN};
		/* Once zerovm has closed its pipes it is about to end: look for that
		 * now and then too, not only on SIGCHLD. */
		int wait_ms = s->rep < 0 && s->diag < 0 ? 100 : -1;
		int ready = poll(pf, (nfds_t)n, wait_ms);
		if (ready == 0) {
			on_signals(s);
			continue;
		}
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			on_signals(s); /* cannot poll: wait a little, reap if it is time */
			poll(NULL, 0, 100);
			continue;
		}
#define READY(i) ((i) >= 0 && pf[i].revents)
		if (READY(i_rep) && !zerovm_capture(s->rep, &s->got.report, false))
			close_fd(&s->rep);
		if (READY(i_diag) && !zerovm_capture(s->diag, &s->got.msg, verbose))
			close_fd(&s->diag);
		if (READY(i_in_r) || READY(i_in_w))
			pump_in(&s->in, READY(i_in_r), READY(i_in_w));
		if (READY(i_out))
			pump_out(&s->out);
		if (READY(i_err))
			pump_out(&s->err);
		if (READY(i_sfd))
			on_signals(s);
#undef READY
	}
	drain(s, verbose);
}

/* ---- the run: started, served, reported -------------------------------------- */

/* zerovm refused the snapshot it was to resume (docs/snapshots.md): exit
 * 14 with "snapshot" in the report's last line; the program never ran. */
static bool refused(const struct report_input *got)
{
	if (!WIFEXITED(got->wstatus) || WEXITSTATUS(got->wstatus) != 14 || !got->report.p)
		return false;
	const char *r = got->report.p, *last = r;
	for (size_t i = 0; i + 1 < got->report.len; i++)
		if (r[i] == '\n')
			last = r + i + 1;
	return memmem(last, got->report.len - (size_t)(last - r), "snapshot", 8) != NULL;
}

/* zerovm's command line into argv (room for 16): its options, then the
 * manifest; shown with --verbose. gb: room for -l's value. */
static void zerovm_argv(char **argv, char *zvm, const struct zvsh_plan *p, const char *manifest, char gb[24])
{
	int a = 0;
	argv[a++] = zvm;
	argv[a++] = "-P"; /* sequential outputs: preallocation would only leave big files after a SIGKILL */
	snprintf(gb, 24, "%llu", (unsigned long long)p->file_limit);
	argv[a++] = "-l";
	argv[a++] = gb;
	if (p->json)
		argv[a++] = "--json", argv[a++] = (char *)p->json;
	if (p->stream == 1 || (p->stream < 0 && isatty(0)))
		argv[a++] = "--stream", argv[a++] = "/dev/stdin";
	if (p->verbose)
		argv[a++] = "-v", argv[a++] = "1";
	if (p->trace)
		argv[a++] = "-T", argv[a++] = (char *)p->trace;
	if (p->resume)
		argv[a++] = "--resume", argv[a++] = (char *)p->resume;
	argv[a++] = (char *)manifest;
	argv[a] = NULL;
	if (p->verbose) {
		fputs("zvsh: running", stderr);
		for (int i = 0; i < a; i++)
			fprintf(stderr, " %s", argv[i]);
		fputc('\n', stderr);
	}
}

/* The pipes zvsh makes for zerovm; an end is -1 once closed or handed on. */
struct pipes {
	int rep[2], diag[2]; /* zerovm's report, its messages */
	int relay[3][2];     /* standard streams that are sockets */
};

/* zerovm's descriptors: zvsh's descriptor for each (the file comment). */
struct fdmap {
	int src[ZVSH_FD_PASS + ZVSH_PASS_MAX];
	int n;
};

/* Standard streams that are sockets go through pipes: s's relays, their
 * other ends in sp->src. 0, or -1 (said in lg). */
static int open_relays(struct proc *s, struct pipes *pp, struct fdmap *sp, struct tool_log *lg)
{
	struct relay *rel[3] = {&s->in, &s->out, &s->err};
	for (int i = 0; i < 3; i++) {
		struct stat st;
		if (fstat(i, &st) < 0 || !S_ISSOCK(st.st_mode))
			continue;
		if (pipe2(pp->relay[i], O_CLOEXEC) < 0 || !(rel[i]->buf = malloc(RELAY_BUF)))
			return tool_fail(lg, TOOL_EXIT_USAGE, "cannot relay descriptor %d: %s", i, strerror(errno));
		/* in: zvsh writes the pipe, zerovm reads it; out, err: the reverse. */
		int mine = pp->relay[i][i == 0], theirs = pp->relay[i][i != 0];
		fcntl(mine, F_SETFL, O_NONBLOCK);
		rel[i]->from = i == 0 ? 0 : mine;
		rel[i]->to = i == 0 ? mine : i;
		pp->relay[i][i == 0] = -1; /* the relay's now */
		sp->src[i == 0 ? 0 : i == 1 ? ZVSH_FD_OUT : ZVSH_FD_ERR] = theirs;
	}
	return 0;
}

/* The signalfd and the pipes, and in sp->src zvsh's descriptor for each of
 * zerovm's (the file comment). 0, or -1 (said in lg). */
static int open_pipes(struct proc *s, struct pipes *pp, struct fdmap *sp, const struct zvsh_channels *cs,
		      const struct workdir *w, struct tool_log *lg)
{
	sigset_t stops;
	zerovm_stop_set(&stops);
	if ((s->sfd = signalfd(-1, &stops, SFD_CLOEXEC | SFD_NONBLOCK)) < 0 || pipe2(pp->rep, O_CLOEXEC) < 0 ||
	    pipe2(pp->diag, O_CLOEXEC) < 0)
		return tool_fail(lg, TOOL_EXIT_USAGE, "cannot start zerovm: %s", strerror(errno));
	sp->src[0] = 0;
	sp->src[1] = pp->rep[1];
	sp->src[2] = pp->diag[1];
	sp->src[ZVSH_FD_OUT] = 1;
	sp->src[ZVSH_FD_ERR] = 2;
	for (int k = 0; k < ZVSH_FD_PASS - ZVSH_FD_MEM; k++)
		sp->src[ZVSH_FD_MEM + k] = k < w->nmem ? w->mem[k] : -1;
	for (size_t i = 0; i < cs->nch; i++)
		if (cs->ch[i].passfd >= 0)
			sp->src[cs->ch[i].childfd] = cs->ch[i].passfd;
	if (open_relays(s, pp, sp, lg) < 0)
		return -1;
	fcntl(pp->rep[0], F_SETFL, O_NONBLOCK);
	fcntl(pp->diag[0], F_SETFL, O_NONBLOCK);
	return 0;
}

/*
 * Start zerovm (zerovm_start), close in zvsh what is the child's: 0 once
 * zerovm runs, with the read ends in s; or -1 (said in lg; a zerovm that
 * could not be run is reaped).
 */
static int start(struct proc *s, struct pipes *pp, const struct zerovm_spawn *sp, struct tool_log *lg, bool verbose)
{
	s->pid = zerovm_start(sp, lg);
	close_fd(&pp->rep[1]);
	close_fd(&pp->diag[1]);
	for (int i = 0; i < 3; i++)
		close_fd(&pp->relay[i][i != 0]);
	s->rep = pp->rep[0], pp->rep[0] = -1;
	s->diag = pp->diag[0], pp->diag[0] = -1;
	if (s->pid < 0) {
		drain(s, verbose);
		return -1;
	}
	return 0;
}

/* Close what is still open, free what was kept. */
static void close_all(struct proc *s, struct pipes *pp)
{
	close_fd(&s->sfd);
	close_fd(&s->rep);
	close_fd(&s->diag);
	int *fds[] = {&pp->rep[0], &pp->rep[1], &pp->diag[0], &pp->diag[1]};
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		close_fd(fds[i]);
	struct relay *rel[3] = {&s->in, &s->out, &s->err};
	for (int i = 0; i < 3; i++) {
		close_fd(&pp->relay[i][0]);
		close_fd(&pp->relay[i][1]);
		relay_close(rel[i]);
		free(rel[i]->buf);
	}
	free(s->got.report.p);
	free(s->got.msg.p);
}

int run_zerovm(struct workdir *w, struct tool_log *lg, const struct zvsh_plan *p, const struct zvsh_channels *cs,
	       const char *manifest, const struct zerovm_signals *sig, struct report_end *end)
{
	*end = (struct report_end){.why = "zerovm did not run"};
	char *zvm = zerovm_find(lg);
	if (!zvm)
		return lg->status;
	char *argv[16], gb[24];
	zerovm_argv(argv, zvm, p, manifest, gb);
	int stop = zerovm_stop_pending();
	if (stop)
		return free(zvm), 128 + stop;

	struct proc s = {.pid = -1, .sfd = -1, .rep = -1, .diag = -1};
	s.in = s.out = s.err = (struct relay){.from = -1, .to = -1};
	struct pipes pp = {.rep = {-1, -1}, .diag = {-1, -1}, .relay = {{-1, -1}, {-1, -1}, {-1, -1}}};
	struct fdmap fm = {.n = ZVSH_FD_PASS + cs->npass};
	struct zerovm_spawn sp = {.argv = argv, .src = fm.src, .n = fm.n, .sig = sig};
	int status = -1;
	if (open_pipes(&s, &pp, &fm, cs, w, lg) == 0 && start(&s, &pp, &sp, lg, p->verbose) == 0) {
		serve(&s, p->verbose);
		status = p->resume && refused(&s.got) ? RUN_SNAPSHOT_REFUSED : report_outcome(w, lg, p, &s.got, end);
	}
	close_all(&s, &pp);
	free(zvm);
	return status < 0 && status != RUN_SNAPSHOT_REFUSED ? lg->status : status;
}
