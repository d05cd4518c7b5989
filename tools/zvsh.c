/*
 * zvsh.c - the front end people type: "zvsh busybox sort @names.txt".
 *
 * zvsh turns a command line into a ZeroVM session: it writes the manifest
 * and the runtime's nvram configuration into a work directory, makes
 * @hostfile arguments and --image tars into channels, runs zerovm with the
 * program's standard streams on inherited descriptors and the report on a
 * pipe of its own, and exits with the program's status.
 *
 * This file is the command line and nothing else, in three steps as
 * bubblewrap's: parse argv into a struct zvsh_plan (zvsh/plan.h), each
 * option's value checked as it is set (parse_args); check what only the
 * whole command line tells (check_plan); then hand the plan over to
 * session_run() (zvsh/session.h), which applies it. Nothing on the host is
 * touched before that. The files under zvsh/ and the one way their
 * dependencies run are listed in zvsh/session.h; what zvsh shares with
 * zvjob is in ../common (tool.h).
 *
 * Options end at the first word that is not one (the program), so "zvsh
 * busybox ls -l" passes -l to the program; "--" ends them explicitly.
 * ZeroVM's zvsh spellings (--zvm-image, --zvm-getrc, ...) are accepted as
 * aliases.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"
#include "zvsh/channel.h"
#include "zvsh/deps.h"
#include "zvsh/plan.h"
#include "zvsh/session.h"
#include "zvsh/snap.h"

#define ZVSH_VERSION "0.1.0"

static const char usage_text[] = "usage: zvsh [options] [--] program [args...]\n"
				 "\n"
				 "Run an unmodified static x86-64 program under zerovm, with the runtime\n"
				 "ZRT: a manifest and nvram are written for you, standard streams are\n"
				 "passed through, and zvsh exits with the program's status.\n"
				 "\n"
				 "  --image TAR[,MOUNT[,ro|wo]]  mount a tar image (default /, ro); wo: the\n"
				 "                               directory MOUNT is written to TAR at exit\n"
				 "  --in FILE         FILE (it must exist) readable by the program at its name\n"
				 "  --out FILE        FILE created or replaced by the program, at its name, as\n"
				 "                    a shell's > would (mode 0666 less the umask)\n"
				 "  --chdir DIR       the program's working directory, an absolute path\n"
				 "                    inside the sandbox (default /); relative names of\n"
				 "                    files given to it are found from there\n"
				 "  --memory N        guest memory, bytes or with K, M, G, T (default 1G)\n"
				 "  --timeout S       wall-clock seconds for the session (default 600)\n"
				 "  --write-limit N   bytes the program may write to each output (default 1G)\n"
				 "  --write-calls N   writes it may make to each output (default: no limit)\n"
				 "  --read-limit N    bytes it may read from each input (default: no limit)\n"
				 "  --read-calls N    reads it may make from each input (default: no limit)\n"
				 "  --file-limit G    no output file grows past G GiB (default 4; zerovm -l)\n"
				 "  --json FILE       write zerovm's report as JSON to FILE (zerovm --json)\n"
				 "  -q, --quiet       no warnings (files written inside and discarded, ...)\n"
				 "  --stream          a read of standard input returns what has arrived, as\n"
				 "                    read(2) does (the default when it is a terminal), so\n"
				 "                    interactive programs work; --no-stream: whole reads,\n"
				 "                    the same result whatever the timing\n"
				 "  --bind HOST GUEST     HOST (a directory or file) at GUEST, writable: the\n"
				 "                        changes reach HOST when the program exits by itself\n"
				 "  --ro-bind HOST GUEST  the same, read-only (writes fail with EROFS)\n"
				 "  --bind-quota N    bytes of changes --bind may carry back (default 1G)\n"
				 "  --env NAME=VALUE  set a variable in the program's environment; --env NAME\n"
				 "                    copies NAME from zvsh's environment (default: PATH=/bin:\n"
				 "                    /usr/bin, HOME=/, LANG=C)\n"
				 "  --trace FILE      append a trace of every trap call to FILE (zerovm -T)\n"
				 "  --keep DIR        write manifest, nvram and report into DIR and keep them\n"
				 "  --getrc           exit with zerovm's exit code, not the program's\n"
				 "  --report          print zerovm's six-line report on standard error\n"
				 "  --verbose         zerovm -v 1, the files and the command, and the report\n"
				 "  --no-snapshot     run Python from an image cold, not from a snapshot\n"
				 "  --clear-cache     remove the cached images of dynamic programs' libraries\n"
				 "                    and the cached snapshots\n"
				 "  --help, --version\n"
				 "\n"
				 "An argument @FILE gives FILE to the program under the name as typed: an\n"
				 "existing FILE is read, a missing one is created and written (--in and --out\n"
				 "say which). @@x passes @x. What the program writes anywhere else is\n"
				 "discarded at exit, and zvsh says so. ZeroVM's spellings --zvm-image,\n"
				 "--zvm-getrc, --zvm-save-dir, --zvm-trace and --zvm-debug also work.\n"
				 "A dynamically linked host program gets its interpreter and libraries in an\n"
				 "image zvsh packs and caches in $XDG_CACHE_HOME/zvsh (~/.cache/zvsh).\n"
				 "Exit status: the program's; 128+N if it died of signal N; 124 on timeout;\n"
				 "2 for a zvsh error, 127 if the program or zerovm is not found.\n";

/* "--env NAME=value", or "--env NAME": the host's value, if it has one. */
static int opt_env(struct zvsh_plan *p, struct tool_log *lg, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
	if (nlen == 0)
		return tool_fail(lg, TOOL_EXIT_USAGE, "--env '%s': expected NAME=VALUE", arg);
	if (eq)
		return plan_env_set(p, lg, arg, nlen, eq + 1);
	const char *host = getenv(arg);
	return host ? plan_env_set(p, lg, arg, nlen, host) : 0;
}

/*
 * A path made clean for the runtime's [fstab]: absolute, no empty or "."
 * component, no trailing '/'. ".." is refused (the runtime would refuse
 * it too, and it makes finding a program in the image ambiguous).
 */
static char *clean_mountpoint(const char *m)
{
	if (m[0] != '/')
		return NULL;
	for (const char *d = strstr(m, ".."); d; d = strstr(d + 1, ".."))
		if (d[-1] == '/' && (d[2] == '/' || !d[2]))
			return NULL;
	return channel_guest_path("/", m);
}

/* "--image path.tar[,mountpoint[,ro|wo]]" */
static int opt_image(struct zvsh_plan *p, struct tool_log *lg, const char *arg)
{
	if (p->nimg == ZVSH_IMAGES_MAX)
		return tool_fail(lg, TOOL_EXIT_USAGE, "--image %s: more than %d images", arg, ZVSH_IMAGES_MAX);
	struct image *im = tool_grow(p->img, &p->imgcap, p->nimg, sizeof *im);
	if (!im)
		return tool_oom(lg);
	p->img = im;
	im = &im[p->nimg];
	*im = (struct image){0};

	const char *c1 = strchr(arg, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
	if (c2 && strchr(c2 + 1, ','))
		return tool_fail(lg, TOOL_EXIT_USAGE, "--image %s: expected TAR[,MOUNTPOINT[,ro|wo]]", arg);
	size_t hl = c1 ? (size_t)(c1 - arg) : strlen(arg);
	if (hl == 0)
		return tool_fail(lg, TOOL_EXIT_USAGE, "--image %s: no tar file given", arg);
	const char *acc = c2 ? c2 + 1 : "ro";
	if (strcmp(acc, "ro") == 0)
		im->wo = false;
	else if (strcmp(acc, "wo") == 0)
		im->wo = true;
	else
		return tool_fail(
			lg, TOOL_EXIT_USAGE,
			"--image %s: access must be ro (mounted read-only) or wo (written out at exit), not '%s'", arg,
			acc);
	char *mount = NULL;
	if (c1) {
		mount = strndup(c1 + 1, c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1));
		if (!mount)
			return tool_oom(lg);
	}
	im->mount = clean_mountpoint(mount && *mount ? mount : "/");
	if (!im->mount) {
		int r = tool_fail(lg, TOOL_EXIT_USAGE,
				  "--image %s: the mountpoint must be an absolute path without '..', not '%s'", arg,
				  mount);
		free(mount);
		return r;
	}
	free(mount);
	p->nimg++; /* counted now, so that the plan's clean-up frees its mountpoint */
	im->host = strndup(arg, hl);
	if (!im->host || asprintf(&im->spec, "--image %s", im->host) < 0)
		return tool_oom(lg);
	return 0;
}

/* "--bind HOST GUEST", "--ro-bind HOST GUEST": the grant, GUEST made
 * clean; whether HOST can be used is found out when the session starts. */
static int opt_bind(struct zvsh_plan *p, struct tool_log *lg, const char *name, const char *host, const char *guest,
		    bool writable)
{
	if (p->nbind == ZVSH_BINDS_MAX)
		return tool_fail(lg, TOOL_EXIT_USAGE, "%s %s: more than %d grants", name, host, ZVSH_BINDS_MAX);
	if (!*host)
		return tool_fail(lg, TOOL_EXIT_USAGE, "%s: empty HOST path", name);
	char *g = clean_mountpoint(guest);
	if (!g || strcmp(g, "/") == 0) {
		free(g);
		return tool_fail(lg, TOOL_EXIT_USAGE,
				 "%s %s %s: GUEST must be an absolute path other than /, without '..'", name, host,
				 guest);
	}
	struct zvsh_bind *b = tool_grow(p->bind, &p->bindcap, p->nbind, sizeof *b);
	if (!b)
		return free(g), tool_oom(lg);
	p->bind = b;
	b[p->nbind++] = (struct zvsh_bind){.host = host, .guest = g, .writable = writable};
	return 0;
}

enum opt_id {
	OPT_IMAGE,
	OPT_IN,
	OPT_OUT,
	OPT_CHDIR,
	OPT_WRITE_LIMIT,
	OPT_WRITE_CALLS,
	OPT_READ_LIMIT,
	OPT_READ_CALLS,
	OPT_FILE_LIMIT,
	OPT_JSON,
	OPT_QUIET,
	OPT_STREAM,
	OPT_NO_STREAM,
	OPT_BIND,
	OPT_RO_BIND,
	OPT_BIND_QUOTA,
	OPT_MEMORY,
	OPT_TIMEOUT,
	OPT_ENV,
	OPT_TRACE,
	OPT_KEEP,
	OPT_GETRC,
	OPT_REPORT,
	OPT_VERBOSE,
	OPT_HELP,
	OPT_VERSION,
	OPT_CLEAR_CACHE,
	OPT_NO_SNAPSHOT
};

static const struct tool_option options[] = {
	{"--image", OPT_IMAGE, TOOL_ARG_REQUIRED},
	{"--zvm-image", OPT_IMAGE, TOOL_ARG_REQUIRED},
	{"--in", OPT_IN, TOOL_ARG_REQUIRED},
	{"--out", OPT_OUT, TOOL_ARG_REQUIRED},
	{"--chdir", OPT_CHDIR, TOOL_ARG_REQUIRED},
	{"--write-limit", OPT_WRITE_LIMIT, TOOL_ARG_REQUIRED},
	{"--write-calls", OPT_WRITE_CALLS, TOOL_ARG_REQUIRED},
	{"--read-limit", OPT_READ_LIMIT, TOOL_ARG_REQUIRED},
	{"--read-calls", OPT_READ_CALLS, TOOL_ARG_REQUIRED},
	{"--file-limit", OPT_FILE_LIMIT, TOOL_ARG_REQUIRED},
	{"--json", OPT_JSON, TOOL_ARG_REQUIRED},
	{"--quiet", OPT_QUIET, TOOL_ARG_NONE},
	{"--stream", OPT_STREAM, TOOL_ARG_NONE},
	{"--no-stream", OPT_NO_STREAM, TOOL_ARG_NONE},
	{"-q", OPT_QUIET, TOOL_ARG_NONE},
	{"--bind", OPT_BIND, TOOL_ARG_REQUIRED},
	{"--ro-bind", OPT_RO_BIND, TOOL_ARG_REQUIRED},
	{"--bind-quota", OPT_BIND_QUOTA, TOOL_ARG_REQUIRED},
	{"--memory", OPT_MEMORY, TOOL_ARG_REQUIRED},
	{"--timeout", OPT_TIMEOUT, TOOL_ARG_REQUIRED},
	{"--env", OPT_ENV, TOOL_ARG_REQUIRED},
	{"--trace", OPT_TRACE, TOOL_ARG_REQUIRED},
	{"--zvm-trace", OPT_TRACE, TOOL_ARG_OPTIONAL},
	{"--keep", OPT_KEEP, TOOL_ARG_REQUIRED},
	{"--zvm-save-dir", OPT_KEEP, TOOL_ARG_REQUIRED},
	{"--getrc", OPT_GETRC, TOOL_ARG_NONE},
	{"--zvm-getrc", OPT_GETRC, TOOL_ARG_NONE},
	{"--report", OPT_REPORT, TOOL_ARG_NONE},
	{"--verbose", OPT_VERBOSE, TOOL_ARG_NONE},
	{"--zvm-debug", OPT_VERBOSE, TOOL_ARG_NONE},
	{"--help", OPT_HELP, TOOL_ARG_NONE},
	{"-h", OPT_HELP, TOOL_ARG_NONE},
	{"--version", OPT_VERSION, TOOL_ARG_NONE},
	{"--clear-cache", OPT_CLEAR_CACHE, TOOL_ARG_NONE},
	{"--no-snapshot", OPT_NO_SNAPSHOT, TOOL_ARG_NONE},
};

/* The original wrote its trace here when --zvm-trace was given alone. */
#define ZVM_TRACE_DEFAULT "zvsh.trace.log"

/* "--in FILE", "--out FILE" */
static int opt_io(struct zvsh_plan *p, struct tool_log *lg, const char *name, const char *val, bool out)
{
	if (!*val)
		return tool_fail(lg, TOOL_EXIT_USAGE, "%s: empty file name", name);
	struct zvsh_io *io = tool_grow(p->io, &p->iocap, p->nio, sizeof *io);
	if (!io)
		return tool_oom(lg);
	p->io = io;
	io[p->nio++] = (struct zvsh_io){.path = val, .out = out};
	return 0;
}

/* A quota: a size (bytes, K, M, G, T) or a count, 1 to 2^40. */
static int opt_quota(struct tool_log *lg, const char *name, const char *val, bool size, uint64_t *out)
{
	uint64_t v;
	int r = size ? tool_parse_size(val, &v) : tool_parse_uint(val, &v);
	if (r < 0 || v == 0 || v > ZVSH_QUOTA_MAX)
		return tool_fail(lg, TOOL_EXIT_USAGE, "%s '%s': expected %s from 1 to %s", name, val,
				 size ? "a size (a number, with K, M, G or T)" : "a count", size ? "1T" : "2^40");
	*out = v;
	return 0;
}

static int set_option(struct zvsh_plan *p, struct tool_log *lg, enum opt_id id, const char *name, const char *val)
{
	switch (id) {
	case OPT_IMAGE: return opt_image(p, lg, val);
	case OPT_IN: return opt_io(p, lg, name, val, false);
	case OPT_OUT: return opt_io(p, lg, name, val, true);
	case OPT_CHDIR: {
		char *d = val[0] == '/' ? clean_mountpoint(val) : NULL;
		if (!d)
			return tool_fail(lg, TOOL_EXIT_USAGE,
					 "%s '%s': expected an absolute path inside the sandbox, without '..'", name,
					 val);
		free((char *)p->chdir);
		p->chdir = d;
		return 0;
	}
	case OPT_WRITE_LIMIT: return opt_quota(lg, name, val, true, &p->write_bytes);
	case OPT_WRITE_CALLS: return opt_quota(lg, name, val, false, &p->write_calls);
	case OPT_READ_LIMIT: return opt_quota(lg, name, val, true, &p->read_bytes);
	case OPT_READ_CALLS: return opt_quota(lg, name, val, false, &p->read_calls);
	case OPT_FILE_LIMIT:
		if (tool_parse_uint(val, &p->file_limit) < 0 || p->file_limit == 0 || p->file_limit > 1024)
			return tool_fail(lg, TOOL_EXIT_USAGE, "%s '%s': expected whole GiB, 1 to 1024", name, val);
		return 0;
	case OPT_JSON:
		if (!*val)
			return tool_fail(lg, TOOL_EXIT_USAGE, "%s: empty file name", name);
		p->json = val;
		return 0;
	case OPT_QUIET: p->quiet = true; return 0;
	case OPT_STREAM: p->stream = 1; return 0;
	case OPT_NO_STREAM: p->stream = 0; return 0;
	case OPT_BIND:
	case OPT_RO_BIND: break; /* parse_args: two values */
	case OPT_BIND_QUOTA:
		if (tool_parse_size(val, &p->bind_quota) < 0 || p->bind_quota == 0 ||
		    p->bind_quota > ZVSH_BIND_QUOTA_MAX)
			return tool_fail(lg, TOOL_EXIT_USAGE,
					 "%s '%s': expected a size from 1 byte to 1T (a number, with K, M, G or T)",
					 name, val);
		return 0;
	case OPT_MEMORY:
		if (tool_parse_size(val, &p->memory) < 0 || p->memory == 0 || p->memory > ZVSH_MEMORY_MAX)
			return tool_fail(lg, TOOL_EXIT_USAGE,
					 "%s '%s': expected a size from 1 byte to 1T (a number, with K, M, G or T)",
					 name, val);
		return 0;
	case OPT_TIMEOUT:
		if (tool_parse_uint(val, &p->timeout) < 0 || p->timeout == 0 || p->timeout > INT64_MAX)
			return tool_fail(lg, TOOL_EXIT_USAGE, "%s '%s': expected whole seconds, 1 or more", name, val);
		return 0;
	case OPT_ENV: return opt_env(p, lg, val);
	case OPT_TRACE:
		if (!*val)
			return tool_fail(lg, TOOL_EXIT_USAGE, "%s: empty file name", name);
		p->trace = val;
		return 0;
	case OPT_KEEP:
		if (!*val)
			return tool_fail(lg, TOOL_EXIT_USAGE, "%s: empty directory name", name);
		p->keep = val;
		return 0;
	case OPT_GETRC: p->getrc = true; return 0;
	case OPT_REPORT: p->report = true; return 0;
	case OPT_VERBOSE: p->verbose = true; return 0;
	case OPT_NO_SNAPSHOT: p->no_snapshot = true; return 0;
	case OPT_HELP:
	case OPT_VERSION:
	case OPT_CLEAR_CACHE: break;
	}
	return 0;
}

static int usage_error(struct tool_log *lg, const char *what, const char *arg)
{
	tool_fail(lg, TOOL_EXIT_USAGE, "%s%s", what, arg);
	fputs("Try 'zvsh --help'.\n", stderr);
	return -1;
}

/*
 * Parse argv into p: the options, each value checked as it is set, then the
 * program and its arguments (p->program is NULL when there is none).
 * Returns 0 to go on, 1 when --help or --version was handled (exit 0), -1
 * on a bad command line (message printed, status 2).
 */
static int parse_args(struct zvsh_plan *p, struct tool_log *lg, int argc, char **argv)
{
	int i = 1, id;
	const char *val;
	while ((id = tool_option(lg, argc, argv, &i, options, sizeof options / sizeof options[0], &val)) >= 0) {
		if (id == OPT_HELP) {
			fputs(usage_text, stdout);
			return 1;
		}
		if (id == OPT_CLEAR_CACHE)
			return deps_clear_cache(lg) < 0 || snap_clear_cache(lg) < 0 ? -1 : 1;
		if (id == OPT_VERSION) {
			printf("zvsh %s (front end of zerovm; manifest version 20130611)\n", ZVSH_VERSION);
			return 1;
		}
		/* The option's name as typed, for messages. */
		const char *a = argv[i - 1 - (val && val == argv[i - 1])];
		char name[32];
		snprintf(name, sizeof name, "%.*s", (int)strcspn(a, "="), a);
		if (id == OPT_TRACE && !val)
			val = ZVM_TRACE_DEFAULT;
		if (id == OPT_BIND || id == OPT_RO_BIND) {
			if (i >= argc)
				return usage_error(lg, name, ": expected HOST GUEST");
			if (opt_bind(p, lg, name, val, argv[i++], id == OPT_BIND) < 0)
				return -1;
			continue;
		}
		if (set_option(p, lg, (enum opt_id)id, name, val) < 0)
			return -1;
	}
	if (id == TOOL_OPT_BAD)
		return -1;
	if (i < argc) {
		p->program = argv[i];
		p->args = argv + i + 1;
		p->nargs = argc - i - 1;
	}
	return 0;
}

/* What only the whole command line tells: 0 when p can be run, -1 (message
 * printed, status 2) when not. */
static int check_plan(const struct zvsh_plan *p, struct tool_log *lg)
{
	if (!p->program)
		return usage_error(lg, "no program given", "");
	if (!*p->program)
		return usage_error(lg, "the program name is empty", "");
	return 0;
}

int main(int argc, char **argv)
{
	struct tool_log lg = {.prog = "zvsh"};
	struct zvsh_plan plan = {0};
	int status;
	if (session_open_std(&lg) < 0 || plan_init(&plan, &lg) < 0) {
		status = lg.status;
	} else {
		int r = parse_args(&plan, &lg, argc, argv);
		if (r > 0)
			status = fflush(stdout) == 0 ? 0 : TOOL_EXIT_USAGE;
		else if (r < 0 || check_plan(&plan, &lg) < 0)
			status = lg.status;
		else
			status = session_run(&plan, &lg);
	}
	plan_free(&plan);
	return status;
}
