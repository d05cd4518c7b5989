/*
 * zvjob.c - run a ZeroCloud job on this machine: "zvjob wordcount.json".
 *
 * A job is a JSON list of nodes (docs/jobs.md); zvjob expands it into
 * instances joined by network channels, runs each in its own zerovm
 * session under the runtime ZRT, several at a time, with swift:// paths
 * as files under --root, and says what became of each node.
 *
 * This file is the command line and nothing else: parse the options; read
 * the job; parse and check it (zvjob/job.h); list the containers its
 * wildcards read (zvjob/listing.h: under --root, or the --listing given);
 * expand it into a plan (zvjob/plan.h); then either print the plan
 * (--plan, the contract the Swift middleware reads: zvjob/planjson.h) or
 * hand it over to run_job() (zvjob/run.h, which lists the files of
 * zvjob/ and their layers). Nothing on the host is written before that.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"
#include "zvjob/job.h"
#include "zvjob/listing.h"
#include "zvjob/plan.h"
#include "zvjob/planjson.h"
#include "zvjob/run.h"
#include "zvjob/single.h" /* --node: the Swift object filter's hook */

#define ZVJOB_VERSION "0.1.0"
#define JOB_TEXT_MAX (16u << 20)           /* a job, or a listing, is text: 16 MiB is plenty */
#define MEMORY_DEFAULT ((uint64_t)4 << 30) /* only touched pages cost host memory */
#define MEMORY_MAX ((uint64_t)1 << 40)
#define TIMEOUT_DEFAULT 3600
#define JOBS_MAX 1024

static const char usage_text[] = "usage: zvjob [options] JOB.json\n"
				 "       zvjob --plan [--root DIR | --listing FILE] JOB.json\n"
				 "\n"
				 "Run a ZeroCloud job (a JSON list of nodes) on this machine: each node in\n"
				 "its own zerovm session, swift://account/container/object being the file\n"
				 "DIR/account/container/object, nodes joined by connect streaming to each\n"
				 "other through network channels. JOB.json may be - (standard input).\n"
				 "\n"
				 "  --root DIR       where swift:// paths are (default: the current directory)\n"
				 "  --report FILE    write a JSON report: every node's state, return code,\n"
				 "                   etags, accounting and wall time, and the job's summary\n"
				 "  -j N, --jobs N   nodes at a time (default: the number of CPUs); a connected\n"
				 "                   group larger than N runs alone, all at once\n"
				 "  -k, --keep-going after a failure, go on with the nodes not connected to it\n"
				 "  --timeout S      every node's wall-clock seconds (default 3600)\n"
				 "  --memory N       every node's memory, bytes or with K, M, G, T (default 4G)\n"
				 "  --verbose        zerovm -v 1 and the runtime's diagnostics\n"
				 "  --plan           print the expanded plan as JSON and run nothing\n"
				 "  --listing FILE   with --plan: container listings as JSON\n"
				 "                   ({\"account/container\": [\"name\", ...]}) instead of --root\n"
				 "  --node ID        run node ID of the plan alone (the Swift object filter's\n"
				 "                   way; --listing allowed, objects under --root)\n"
				 "  --nameserver udp:IP:PORT  with --node: the job's name server\n"
				 "  --connect SOCKET with --node: run the node's session in the zerovm server\n"
				 "                   listening there (zerovm --connect), not a zerovm of its own\n"
				 "  --help, --version\n"
				 "\n"
				 "Exit status: 0 when every node ended ok with return code 0; 1 when one did\n"
				 "not (the node and why are printed); 2 for a bad command line or job\n"
				 "(nothing ran); 128+N when stopped by signal N.\n";

enum opt_id {
	OPT_ROOT,
	OPT_REPORT,
	OPT_JOBS,
	OPT_KEEP,
	OPT_TIMEOUT,
	OPT_MEMORY,
	OPT_VERBOSE,
	OPT_PLAN,
	OPT_LISTING,
	OPT_HELP,
	OPT_VERSION,
	OPT_NODE, /* single.h */
	OPT_NAMESERVER,
	OPT_CONNECT
};

static const struct tool_option options[] = {
	{"--root", OPT_ROOT, TOOL_ARG_REQUIRED},
	{"--report", OPT_REPORT, TOOL_ARG_REQUIRED},
	{"-j", OPT_JOBS, TOOL_ARG_REQUIRED},
	{"--jobs", OPT_JOBS, TOOL_ARG_REQUIRED},
	{"-k", OPT_KEEP, TOOL_ARG_NONE},
	{"--keep-going", OPT_KEEP, TOOL_ARG_NONE},
	{"--timeout", OPT_TIMEOUT, TOOL_ARG_REQUIRED},
	{"--memory", OPT_MEMORY, TOOL_ARG_REQUIRED},
	{"--verbose", OPT_VERBOSE, TOOL_ARG_NONE},
	{"--plan", OPT_PLAN, TOOL_ARG_NONE},
	{"--listing", OPT_LISTING, TOOL_ARG_REQUIRED},
	{"--help", OPT_HELP, TOOL_ARG_NONE},
	{"-h", OPT_HELP, TOOL_ARG_NONE},
	{"--version", OPT_VERSION, TOOL_ARG_NONE},
	{"--node", OPT_NODE, TOOL_ARG_REQUIRED},
	{"--nameserver", OPT_NAMESERVER, TOOL_ARG_REQUIRED},
	{"--connect", OPT_CONNECT, TOOL_ARG_REQUIRED},
};

/* What the command line asked for. */
struct cmdline {
	struct run_opts run;
	const char *root; /* as given */
	const char *job;  /* the job's file, "-" for standard input */
	const char *listing;
	bool plan;
	unsigned node;          /* --node ID, or 0 */
	const char *nameserver; /* --nameserver */
	const char *connect;    /* --connect */
};

__attribute__((format(printf, 2, 3))) static int usage_error(struct tool_log *lg, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	tool_fail(lg, RUN_EXIT_REFUSED, "%s", msg);
	fputs("Try 'zvjob --help'.\n", stderr);
	return -1;
}

static int set_option(struct cmdline *c, struct tool_log *lg, int id, const char *val)
{
	uint64_t v;
	switch (id) {
	case OPT_ROOT: c->root = val; break;
	case OPT_REPORT:
		if (!*val)
			return usage_error(lg, "--report: empty file name");
		c->run.report = val;
		break;
	case OPT_JOBS:
		if (tool_parse_uint(val, &v) < 0 || v == 0 || v > JOBS_MAX)
			return usage_error(lg, "-j '%s': expected a number of nodes from 1 to 1024", val);
		c->run.jobs = (unsigned)v;
		break;
	case OPT_KEEP: c->run.keep_going = true; break;
	case OPT_TIMEOUT:
		if (tool_parse_uint(val, &c->run.timeout) < 0 || c->run.timeout == 0 || c->run.timeout > INT64_MAX)
			return usage_error(lg, "--timeout '%s': expected whole seconds, 1 or more", val);
		break;
	case OPT_MEMORY:
		if (tool_parse_size(val, &c->run.memory) < 0 || c->run.memory == 0 || c->run.memory > MEMORY_MAX)
			return usage_error(lg, "--memory '%s': expected a size from 1 byte to 1T (with K, M, G or T)",
					   val);
		break;
	case OPT_VERBOSE: c->run.verbose = true; break;
	case OPT_PLAN: c->plan = true; break;
	case OPT_LISTING: c->listing = val; break;
	case OPT_NODE:
		if (tool_parse_uint(val, &v) < 0 || v == 0 || v > JOB_NODES_MAX)
			return usage_error(lg, "--node '%s': expected a node id from 1 to %d", val, JOB_NODES_MAX);
		c->node = (unsigned)v;
		break;
	case OPT_NAMESERVER: c->nameserver = val; break;
	case OPT_CONNECT:
		if (!*val)
			return usage_error(lg, "--connect: empty socket path");
		c->connect = val;
		break;
	}
	return 0;
}

/* Options and the job's file, anywhere on the line. 0 to go on, 1 when
 * --help or --version was handled, -1 on a bad command line (said). */
static int parse_args(struct cmdline *c, struct tool_log *lg, int argc, char **argv)
{
	int i = 1, id;
	const char *val;
	for (;;) {
		id = tool_option(lg, argc, argv, &i, options, sizeof options / sizeof options[0], &val);
		if (id == TOOL_OPT_BAD)
			return -1;
		if (id == OPT_HELP)
			return fputs(usage_text, stdout), 1;
		if (id == OPT_VERSION)
			return printf("zvjob %s (ZeroCloud jobs on one machine, with zerovm)\n", ZVJOB_VERSION), 1;
		if (id >= 0) {
			if (set_option(c, lg, id, val) < 0)
				return -1;
			continue;
		}
		if (i >= argc)
			break;
		if (c->job)
			return usage_error(lg, "one job at a time: '%s' is one too many", argv[i]);
		c->job = argv[i++];
	}
	if (!c->job)
		return usage_error(lg, "no job given");
	if (c->node && c->plan)
		return usage_error(lg, "--node and --plan: give one");
	if (c->nameserver && !c->node)
		return usage_error(lg, "--nameserver goes with --node (a whole job runs its own)");
	if (c->connect && !c->node)
		return usage_error(lg, "--connect goes with --node");
	if (c->listing && !c->plan && !c->node)
		return usage_error(lg, "--listing goes with --plan (a run lists the containers under --root)");
	if (c->listing && c->root && !c->node)
		return usage_error(lg, "--listing and --root: give one");
	return 0;
}

/* The whole of a file ("-": standard input), NUL-terminated, at most
 * JOB_TEXT_MAX bytes: malloc'd, or NULL (said). */
static char *slurp(struct tool_log *lg, const char *path, const char *what, size_t *len)
{
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tool_fail(lg, RUN_EXIT_REFUSED, "%s %s: %s", what, path, strerror(errno)), NULL;
	struct tool_buf b = {0};
	char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
		if (n > 0 && b.len + (size_t)n > JOB_TEXT_MAX) {
			errno = EFBIG;
			n = -1;
			break;
		}
		if (n > 0)
			tool_buf_printf(&b, "%.*s", (int)n, buf);
	}
	int e = errno;
	if (fd)
		close(fd);
	if (n < 0 || b.oom) {
		free(b.p);
		return tool_fail(lg, RUN_EXIT_REFUSED, "%s %s: %s", what, path, b.oom ? "out of memory" : strerror(e)),
		       NULL;
	}
	*len = b.len;
	return b.p ? b.p : strdup("");
}

/* The containers the job's wildcards read, from the root or the listing. */
static int list(const struct cmdline *c, const struct job *job, struct listing *ls, struct tool_log *lg)
{
	char err[1024];
	if (c->listing) {
		size_t len;
		char *text = slurp(lg, c->listing, "--listing", &len);
		if (!text)
			return -1;
		int r = listing_parse(ls, text, len, c->listing, err, sizeof err);
		free(text);
		return r < 0 ? tool_fail(lg, RUN_EXIT_REFUSED, "%s", err) : 0;
	}
	for (size_t i = 0; i < job->ng; i++)
		for (int k = 0; k < JOB_DEVS; k++) {
			const struct job_device *d = &job->g[i].dev[k];
			if (d->wildcard && !job_dev_writable((enum job_dev)k) &&
			    listing_scan(ls, c->run.root, d->account, d->container, err, sizeof err) < 0)
				return tool_fail(lg, RUN_EXIT_REFUSED, "%s", err);
		}
	return 0;
}

/* Read, parse, list, expand; then print the plan or run it. */
static int job_main(struct cmdline *c, struct tool_log *lg)
{
	size_t len;
	char *text = slurp(lg, c->job, "job", &len), where[1024];
	if (!text)
		return lg->status;
	struct job job;
	struct listing ls = {0};
	struct plan plan = {0};
	struct job_error err;
	int status = RUN_EXIT_REFUSED;
	char *root = realpath(c->root ? c->root : ".", NULL);
	if (!root && (!c->listing || c->node)) {
		tool_fail(lg, RUN_EXIT_REFUSED, "--root %s: %s", c->root ? c->root : ".", strerror(errno));
		job.g = NULL, job.ng = 0;
		goto out;
	}
	c->run.root = root;
	snprintf(where, sizeof where, "%s %s", c->listing ? "in the listing" : "under", c->listing ? c->listing : root);
	ls.where = where;
	if (job_parse(text, len, strcmp(c->job, "-") == 0 ? "standard input" : c->job, &job, &err) < 0 ||
	    list(c, &job, &ls, lg) < 0 || plan_build(&job, &ls, &plan, &err) < 0) {
		if (!lg->status)
			tool_fail(lg, RUN_EXIT_REFUSED, "%s", err.msg);
		goto out;
	}
	if (c->plan) {
		char *json = planjson_text(&plan);
		if (!json)
			tool_oom(lg);
		else if (tool_write_all(1, json, strlen(json)) < 0)
			tool_fail(lg, RUN_EXIT_REFUSED, "cannot write the plan: %s", strerror(errno));
		else
			status = 0;
		free(json);
	} else if (c->node) {
		struct single_opts so = {.root = root,
					 .report = c->run.report,
					 .memory = c->run.memory,
					 .timeout = c->run.timeout,
					 .verbose = c->run.verbose,
					 .node = c->node,
					 .nameserver = c->nameserver,
					 .connect = c->connect};
		status = single_run(&plan, &so, lg);
	} else {
		status = run_job(&plan, &c->run, lg);
	}
out:
	plan_free(&plan);
	listing_free(&ls);
	job_free(&job);
	free(root);
	free(text);
	return status;
}

int main(int argc, char **argv)
{
	struct tool_log lg = {.prog = "zvjob"};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct cmdline c = {.run = {.jobs = cpus > 0 && cpus < JOBS_MAX ? (unsigned)cpus : 1,
				    .memory = MEMORY_DEFAULT,
				    .timeout = TIMEOUT_DEFAULT}};
	int r = parse_args(&c, &lg, argc, argv);
	if (r > 0)
		return fflush(stdout) == 0 ? 0 : RUN_EXIT_REFUSED;
	if (r < 0)
		return RUN_EXIT_REFUSED;
	return job_main(&c, &lg);
}
