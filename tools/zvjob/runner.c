/*
 * runner.c - run the prepared nodes of a plan (runner.h).
 *
 * Each zerovm gets descriptor 0 on /dev/null, 1 a pipe carrying its
 * report to zvjob, 2 a pipe carrying its own messages; the program's
 * streams are files named in its manifest (node.h). One poll loop serves
 * every running node's pipes and a signalfd (SIGCHLD and the stop
 * signals); nodes are reaped in id order, so that of two failures seen at
 * once the earlier node is named first.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "outputs.h"
#include "runner.h"

/* A node while it runs. */
struct proc {
	pid_t pid;
	int rep, diag; /* read ends, -1 at their end */
	struct tool_buf report, msg;
	double t0;
	char *stop; /* why zvjob stopped it, or NULL */
};

struct run {
	const struct plan *p;
	struct node_files *f;
	struct node_result *r;
	const struct runner_opts *o;
	struct job_summary *s;
	struct tool_log *lg;
	struct proc *pr;
	size_t running; /* nodes started and not yet reaped */
	size_t printed; /* nodes whose streams are printed (a prefix of the plan) */
	unsigned next;  /* the next component to start */
	size_t *csize;  /* nodes of each component */
	bool stopping;  /* start nothing more */
	int signal;     /* the stop signal zvjob got, or 0 */
	int devnull, sfd;
};

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Stop node i (SIGTERM, or sig) if it runs, saying why. */
static void stop_node(struct run *x, size_t i, int sig, const char *why)
{
	struct proc *pr = &x->pr[i];
	if (x->r[i].status != NODE_RUNNING || pr->stop)
		return;
	pr->stop = strdup(why);
	kill(pr->pid, sig);
}

/* Start node i: its temporary outputs, its pipes, zerovm. 0, or -1 (the
 * node failed to start: its result says why). */
static int start_node(struct run *x, size_t i)
{
	struct proc *pr = &x->pr[i];
	struct node_result *r = &x->r[i];
	int rep[2] = {-1, -1}, diag[2] = {-1, -1};
	char where[96];
	snprintf(where, sizeof where, "node %s", x->p->node[i].name);
	const char *old = x->lg->where;
	x->lg->where = where;
	int ok = outputs_open(&x->f[i], x->lg) == 0;
	if (ok && (pipe2(rep, O_CLOEXEC) < 0 || pipe2(diag, O_CLOEXEC) < 0))
		ok = (tool_fail(x->lg, TOOL_EXIT_USAGE, "cannot start zerovm: %s", strerror(errno)), 0);
	if (ok) {
		char *argv[10];
		int a = 0;
		argv[a++] = (char *)x->o->zerovm;
		if (x->o->connect) /* the session runs in that server, with our 0-2 */
			argv[a++] = "--connect", argv[a++] = (char *)x->o->connect;
		argv[a++] = "-P"; /* outputs are sequential: nothing to preallocate */
		argv[a++] = "-l";
		argv[a++] = NODE_FILE_LIMIT_GB;
		if (x->o->verbose)
			argv[a++] = "-v", argv[a++] = "1";
		argv[a++] = (char *)x->f[i].manifest;
		argv[a] = NULL;
		int src[3] = {x->devnull, rep[1], diag[1]};
		struct zerovm_spawn sp = {.argv = argv, .src = src, .n = 3, .sig = x->o->sig};
		pr->t0 = now();
		pr->pid = zerovm_start(&sp, x->lg);
		ok = pr->pid > 0;
	}
	x->lg->where = old;
	close_fd(&rep[1]);
	close_fd(&diag[1]);
	if (!ok) {
		close_fd(&rep[0]);
		close_fd(&diag[0]);
		outputs_close(&x->f[i], false, x->lg);
		r->status = NODE_FAILED;
		r->reason = strdup("zerovm could not be started");
		return -1;
	}
	fcntl(rep[0], F_SETFL, O_NONBLOCK);
	fcntl(diag[0], F_SETFL, O_NONBLOCK);
	pr->rep = rep[0];
	pr->diag = diag[0];
	r->status = NODE_RUNNING;
	x->running++;
	return 0;
}

/* Node i has failed on its own: say so; stop its peers, and, unless
 * keep_going, the job. */
static void failed(struct run *x, size_t i)
{
	const struct plan_node *n = &x->p->node[i];
	fprintf(stderr, "%s: node %s failed: %s\n", x->lg->prog, n->name, x->r[i].reason);
	if (!x->s->failed) {
		x->s->failed = n;
		x->s->reason = x->r[i].reason;
	}
	char why[160];
	snprintf(why, sizeof why, "stopped: node %s failed", n->name);
	for (size_t k = 0; k < x->p->n; k++)
		if (x->p->node[k].component == n->component || !x->o->keep_going)
			stop_node(x, k, SIGTERM, why);
	if (!x->o->keep_going)
		x->stopping = true;
}

/* Start the next components while there is room (runner.h). */
static void schedule(struct run *x)
{
	while (!x->stopping && x->next <= x->p->ncomp) {
		unsigned c = x->next;
		if (x->running && x->running + x->csize[c] > x->o->jobs)
			return;
		x->next++;
		size_t bad = SIZE_MAX;
		for (size_t i = 0; i < x->p->n && bad == SIZE_MAX; i++)
			if (x->p->node[i].component == c && start_node(x, i) < 0)
				bad = i;
		if (bad != SIZE_MAX)
			failed(x, bad); /* its peers already started are stopped */
	}
}

/* The result of node i from what its zerovm left. */
static void judge(struct run *x, size_t i, int wstatus)
{
	struct proc *pr = &x->pr[i];
	struct node_result *r = &x->r[i];
	char *line[6], *why = NULL;
	r->wall = now() - pr->t0;
	tool_buf_printf(&pr->report, "%s", "");
	tool_buf_printf(&pr->msg, "%s", "");
	if (WIFSIGNALED(wstatus)) {
		r->exit_code = 128 + WTERMSIG(wstatus);
		if (asprintf(&why, "zerovm was killed by signal %d (%s)", WTERMSIG(wstatus),
			     strsignal(WTERMSIG(wstatus))) < 0)
			why = NULL;
	} else {
		r->exit_code = WEXITSTATUS(wstatus);
		if (!pr->report.oom && pr->report.p && zerovm_report_split(pr->report.p, pr->report.len, line)) {
			r->reported = true;
			r->validator = atoi(line[0]);
			r->retcode = strtoll(line[2], NULL, 10);
			r->etags = strdup(line[3]);
			r->accounting = strdup(line[4]);
			r->state = strdup(line[5]);
			if (strcmp(line[5], "ok") != 0)
				why = strdup(line[5]);
			else if (r->retcode != 0 && asprintf(&why, "return code %lld", r->retcode) < 0)
				why = NULL;
		} else {
			/* No report: zerovm's own last message is all there is. */
			char *m = pr->msg.p ? pr->msg.p : "";
			size_t len = strlen(m);
			while (len && m[len - 1] == '\n')
				m[--len] = 0;
			char *last = strrchr(m, '\n');
			if (asprintf(&why, "zerovm ended without a report (exit code %d)%s%s", r->exit_code,
				     *m ? ": " : "", last ? last + 1 : m) < 0)
				why = NULL;
		}
	}
	bool ok = r->reported && r->exit_code == 0 && !why;
	r->status = ok ? NODE_OK : pr->stop ? NODE_STOPPED : NODE_FAILED;
	if (r->status == NODE_STOPPED) {
		free(why);
		why = pr->stop;
		pr->stop = NULL;
	}
	r->reason = why;
	if (!ok && !why)
		r->reason = strdup("out of memory");
}

/* Node i's zerovm has been reaped. */
static void finish(struct run *x, size_t i, int wstatus)
{
	struct proc *pr = &x->pr[i];
	if (pr->rep >= 0)
		zerovm_capture(pr->rep, &pr->report, false);
	if (pr->diag >= 0)
		zerovm_capture(pr->diag, &pr->msg, x->o->verbose);
	close_fd(&pr->rep);
	close_fd(&pr->diag);
	x->running--;
	judge(x, i, wstatus);
	char where[96];
	snprintf(where, sizeof where, "node %s", x->p->node[i].name);
	const char *old = x->lg->where;
	x->lg->where = where;
	if (outputs_close(&x->f[i], x->r[i].status == NODE_OK, x->lg) < 0) {
		x->r[i].status = NODE_FAILED;
		free(x->r[i].reason);
		x->r[i].reason = strdup("its output could not be renamed");
	}
	x->lg->where = old;
	if (x->r[i].status == NODE_FAILED)
		failed(x, i);
}

/* Print the streams of the nodes that are over, in node order. */
static void print_ready(struct run *x)
{
	while (x->printed < x->p->n) {
		enum node_status st = x->r[x->printed].status;
		if (st == NODE_RUNNING || (st == NODE_NOT_RUN && !x->stopping))
			return;
		if (st != NODE_NOT_RUN)
			outputs_print(&x->f[x->printed], x->lg);
		x->printed++;
	}
}

static void on_signals(struct run *x)
{
	struct signalfd_siginfo si;
	while (read(x->sfd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGCHLD)
			continue;
		int sig = (int)si.ssi_signo;
		x->signal = sig;
		x->stopping = true;
		char why[96];
		snprintf(why, sizeof why, "stopped: zvjob got signal %d (%s)", sig, strsignal(sig));
		for (size_t i = 0; i < x->p->n; i++)
			stop_node(x, i, sig, why);
	}
	for (size_t i = 0; i < x->p->n; i++) {
		int ws;
		if (x->r[i].status == NODE_RUNNING && waitpid(x->pr[i].pid, &ws, WNOHANG) == x->pr[i].pid)
			finish(x, i, ws);
	}
}

/* Serve pipes and signals until nothing runs and nothing more will. */
static void serve(struct run *x)
{
	struct pollfd *pf = calloc(2 * x->p->n + 1, sizeof *pf);
	size_t *who = calloc(2 * x->p->n + 1, sizeof *who);
	if (!pf || !who) {
		free(pf);
		free(who);
		tool_oom(x->lg);
		return;
	}
	for (;;) {
		schedule(x);
		print_ready(x);
		if (!x->running)
			break;
		nfds_t n = 0;
		pf[n++] = (struct pollfd){.fd = x->sfd, .events = POLLIN};
		for (size_t i = 0; i < x->p->n; i++) {
			if (x->r[i].status != NODE_RUNNING)
				continue;
			if (x->pr[i].rep >= 0)
				who[n] = i, pf[n++] = (struct pollfd){.fd = x->pr[i].rep, .events = POLLIN};
			if (x->pr[i].diag >= 0)
				who[n] = i, pf[n++] = (struct pollfd){.fd = x->pr[i].diag, .events = POLLIN};
		}
		/* A zerovm whose pipes are closed is about to end: look for
		 * that now and then too, not only on SIGCHLD. */
		int ready = poll(pf, n, n == 1 ? 100 : -1);
		if (ready < 0 && errno != EINTR) {
			poll(NULL, 0, 100);
		}
		for (nfds_t k = 1; ready > 0 && k < n; k++) {
			if (!pf[k].revents)
				continue;
			struct proc *pr = &x->pr[who[k]];
			if (pf[k].fd == pr->rep && !zerovm_capture(pr->rep, &pr->report, false))
				close_fd(&pr->rep);
			else if (pf[k].fd == pr->diag && !zerovm_capture(pr->diag, &pr->msg, x->o->verbose))
				close_fd(&pr->diag);
		}
		on_signals(x);
	}
	free(pf);
	free(who);
}

int runner_run(const struct plan *p, struct node_files *f, struct node_result *r, const struct runner_opts *o,
	       struct job_summary *s, struct tool_log *lg)
{
	struct run run = {.p = p, .f = f, .r = r, .o = o, .s = s, .lg = lg, .next = 1, .devnull = -1, .sfd = -1};
	struct run *x = &run;
	double t0 = now();
	sigset_t stops;
	zerovm_stop_set(&stops);
	x->pr = calloc(p->n + 1, sizeof *x->pr);
	x->csize = calloc(p->ncomp + 2, sizeof *x->csize);
	x->devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	x->sfd = signalfd(-1, &stops, SFD_CLOEXEC | SFD_NONBLOCK);
	for (size_t i = 0; i < p->n; i++)
		r[i] = (struct node_result){.status = NODE_NOT_RUN, .exit_code = -1};
	if (!x->pr || !x->csize || x->devnull < 0 || x->sfd < 0) {
		tool_fail(lg, TOOL_EXIT_USAGE, "cannot run the job: %s",
			  x->pr && x->csize ? strerror(errno) : "out of memory");
	} else {
		for (size_t i = 0; i < p->n; i++) {
			x->csize[p->node[i].component]++;
			x->pr[i] = (struct proc){.pid = -1, .rep = -1, .diag = -1};
		}
		/* A stop signal that came while the job was prepared. */
		int sig = zerovm_stop_pending();
		if (sig)
			x->signal = sig, x->stopping = true;
		serve(x);
	}
	for (size_t i = 0; x->pr && i < p->n; i++) {
		free(x->pr[i].report.p);
		free(x->pr[i].msg.p);
		free(x->pr[i].stop);
	}
	free(x->pr);
	free(x->csize);
	close_fd(&x->devnull);
	close_fd(&x->sfd);
	s->wall = now() - t0;
	bool all_ok = true;
	for (size_t i = 0; i < p->n; i++)
		all_ok = all_ok && r[i].status == NODE_OK;
	s->status = x->signal ? "interrupted" : all_ok ? "ok" : "failed";
	return x->signal ? 128 + x->signal : all_ok ? 0 : 1;
}
