/*
 * node.c - one node's session, prepared (node.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manifest.h"
#include "node.h"
#include "program.h"

/* The program's environment before exec.env: what a program expects to
 * find, nothing of the host's (as zvsh's). */
static const struct {
	const char *name, *value;
} env_defaults[] = {{"PATH", "/bin:/usr/bin"}, {"HOME", "/"}, {"LANG", "C"}};
#define NDEFAULTS (sizeof env_defaults / sizeof env_defaults[0])

/* What the functions below work with. */
struct ctx {
	const struct node_env *e;
	struct tool_log *lg;
	const struct plan *p;
	const struct plan_node *n;
	struct node_files *f;
	struct manifest_channel ch[JOB_DEVS + 2]; /* stdin, stdout, stderr, nvram, input, output, image */
	size_t nch;
};

/* "devices[2].path" of device k, into buf. */
static const char *field(const struct plan_node *n, int k, char *buf, size_t len)
{
	snprintf(buf, len, "%s[%d].path", n->g->devkey, n->g->dev[k].index);
	return buf;
}

/* ROOT/object: malloc'd, or NULL (said). */
static char *under_root(struct ctx *x, const char *object)
{
	char *s;
	if (asprintf(&s, "%s/%s", x->e->root, object) < 0)
		return tool_oom(x->lg), NULL;
	return s;
}

/* An object that is read: it must be a readable regular file. */
static int check_read(struct ctx *x, int k, const char *path)
{
	char fb[64];
	struct stat st;
	if (stat(path, &st) < 0)
		return tool_fail(x->lg, TOOL_EXIT_USAGE, "%s: swift://%s: no such object (%s)",
				 field(x->n, k, fb, sizeof fb), x->n->dev[k].object, path);
	if (!S_ISREG(st.st_mode) || access(path, R_OK) < 0)
		return tool_fail(x->lg, TOOL_EXIT_USAGE, "%s: swift://%s: %s is not a readable file",
				 field(x->n, k, fb, sizeof fb), x->n->dev[k].object, path);
	return 0;
}

/* An object that is written: its folder must exist (as a container must
 * in Swift) and take a new file; its temporary name is chosen, not made. */
static int plan_write(struct ctx *x, int k)
{
	char fb[64];
	struct node_files *f = x->f;
	if (!(f->final[k] = under_root(x, x->n->dev[k].object)))
		return -1;
	char *slash = strrchr(f->final[k], '/');
	*slash = 0;
	struct stat st;
	int r = 0;
	if (stat(f->final[k], &st) < 0 || !S_ISDIR(st.st_mode))
		r = tool_fail(x->lg, TOOL_EXIT_USAGE, "%s: swift://%s: the folder %s does not exist (create it first)",
			      field(x->n, k, fb, sizeof fb), x->n->dev[k].object, f->final[k]);
	else if (access(f->final[k], W_OK | X_OK) < 0)
		r = tool_fail(x->lg, TOOL_EXIT_USAGE, "%s: swift://%s: cannot write in %s: %s",
			      field(x->n, k, fb, sizeof fb), x->n->dev[k].object, f->final[k], strerror(errno));
	else if (asprintf(&f->temp[k], "%s/.%s.zvjob-%ld-%u-%s", f->final[k], slash + 1, (long)getpid(), x->n->id,
			  job_dev_name((enum job_dev)k)) < 0)
		r = tool_oom(x->lg);
	*slash = '/';
	if (r == 0 && stat(f->final[k], &st) == 0 && S_ISDIR(st.st_mode))
		r = tool_fail(x->lg, TOOL_EXIT_USAGE, "%s: swift://%s: %s is a folder", field(x->n, k, fb, sizeof fb),
			      x->n->dev[k].object, f->final[k]);
	return r;
}

/* A collected device: a spool file in the work directory. */
static int plan_spool(struct ctx *x, int k)
{
	char name[48];
	const char *path;
	snprintf(name, sizeof name, "%u.%s", x->n->id, job_dev_name((enum job_dev)k));
	int fd = workdir_create(x->e->wd, x->lg, name, 0600, &path);
	if (fd < 0)
		return -1;
	close(fd);
	return (x->f->spool[k] = strdup(path)) ? 0 : tool_oom(x->lg);
}

/* The channel of device k. src: the source to use (a temporary name or a
 * spool), NULL for "/dev/null". */
static void add_channel(struct ctx *x, const char *alias, const char *src, int type, bool write, enum manifest_map map)
{
	x->ch[x->nch++] = (struct manifest_channel){.source = src ? src : "/dev/null",
						    .alias = alias,
						    .type = type,
						    .write = write,
						    .etag = true,
						    .map = map};
}

/* The devices: checked, their channels. Sources are paths the manifest
 * can carry (workdir_source); they are kept in f or the work directory. */
static int devices(struct ctx *x, char **src)
{
	static const char *const alias[JOB_DEVS] = {"/dev/stdin", "/dev/stdout", "/dev/stderr",
						    "/dev/input", "/dev/output", "/dev/image"};
	const struct plan_node *n = x->n;
	struct node_files *f = x->f;
	for (int k = 0; k < JOB_DEVS; k++) {
		const struct plan_device *d = &n->dev[k];
		bool w = job_dev_writable((enum job_dev)k), std = k <= JOB_STDERR;
		const char *path = NULL;
		if (d->present && d->object && !w) {
			if (!(f->final[k] = under_root(x, d->object)) || check_read(x, k, f->final[k]) < 0)
				return -1;
			path = f->final[k];
		} else if (d->present && d->object) {
			if (plan_write(x, k) < 0)
				return -1;
			path = f->temp[k];
		} else if (d->present) {
			if (plan_spool(x, k) < 0)
				return -1;
			path = f->spool[k];
		} else if (!std) {
			continue; /* an input, output or image that is not there is no channel */
		}
		if (path && !(src[k] = workdir_source(x->e->wd, x->lg, path)))
			return -1;
		if (k == JOB_INPUT || k == JOB_IMAGE)
			add_channel(x, alias[k], src[k], 1, false, MANIFEST_MAP_DEFAULT);
		else
			/* What stat() says: an object is a file, a spool or
			 * /dev/null a pipe (not a terminal: only a character
			 * device answers isatty()). */
			add_channel(x, alias[k], src[k], 0, w, d->object ? MANIFEST_MAP_FILE : MANIFEST_MAP_PIPE);
		if (k == JOB_STDERR) {
			/* The nvram's source is the file manifest_write writes. */
			add_channel(x, "/dev/nvram", NULL, 1, false, MANIFEST_MAP_DEFAULT);
			x->ch[x->nch - 1] = (struct manifest_channel){.alias = "/dev/nvram", .type = 1};
		}
	}
	return 0;
}

/* The program: an object, or a host file or image member as zvsh finds it. */
static int program(struct ctx *x, const struct manifest_env *env, size_t nenv)
{
	const struct plan_node *n = x->n;
	const struct job_group *g = n->g;
	if (g->exec_object) {
		char *path = under_root(x, g->exec_object);
		struct stat st;
		int r = 0;
		if (!path)
			return -1;
		if (stat(path, &st) < 0)
			r = tool_fail(x->lg, TOOL_EXIT_NOTFOUND, "exec.path: %s: no such object (%s)", g->exec, path);
		else if (!S_ISREG(st.st_mode) || access(path, R_OK) < 0)
			r = tool_fail(x->lg, TOOL_EXIT_NOEXEC, "exec.path: %s: %s is not a readable file", g->exec,
				      path);
		else
			r = (x->f->program = workdir_source(x->e->wd, x->lg, path)) ? 0 : -1;
		free(path);
		return r;
	}
	struct image img = {0};
	char out[32], *spec = NULL;
	snprintf(out, sizeof out, "%u.program", n->id);
	struct image_search s = {.img = &img, .nimg = 0, .out = out};
	for (size_t i = 0; i < nenv; i++)
		if (strcmp(env[i].name, "PATH") == 0)
			s.path = env[i].value;
	if (n->dev[JOB_IMAGE].present) {
		char fb[64];
		if (asprintf(&spec, "%s (image)", field(n, JOB_IMAGE, fb, sizeof fb)) < 0)
			return tool_oom(x->lg);
		img = (struct image){.spec = spec, .host = x->f->final[JOB_IMAGE], .mount = "/"};
		s.nimg = 1;
	}
	/* Its messages name the field: "...: node \"a\": exec.path: prog: ...". */
	const char *where = x->lg->where;
	char *w = NULL;
	if (asprintf(&w, "%s: exec.path", where ? where : "") < 0)
		return free(spec), tool_oom(x->lg);
	x->lg->where = w;
	int r = program_resolve(x->e->wd, x->lg, &s, g->exec, &x->f->program, NULL);
	x->lg->where = where;
	free(w);
	free(spec);
	return r;
}

/* The defaults, then exec.env (a default replaced in place): into env. */
static size_t environment(const struct job_group *g, struct manifest_env *env)
{
	size_t n = 0;
	for (size_t i = 0; i < NDEFAULTS; i++)
		env[n++] = (struct manifest_env){(char *)env_defaults[i].name, (char *)env_defaults[i].value};
	for (size_t i = 0; i < g->nenv; i++) {
		size_t k = 0;
		while (k < n && strcmp(env[k].name, g->env[i].name) != 0)
			k++;
		env[k] = g->env[i];
		n += k == n;
	}
	return n;
}

/* The network channels (/dev/in/P, /dev/out/P): sources "tcp:ID:", in
 * strs (freed by the caller). */
static int network(struct ctx *x, struct manifest_channel *ch, char **strs, size_t *nch, size_t maps)
{
	const struct plan_node *n = x->n;
	for (int dir = 0; dir < 2; dir++) {
		const unsigned *ids = dir ? n->out : n->in;
		size_t cnt = dir ? n->nout : n->nin;
		for (size_t i = 0; i < cnt; i++) {
			const struct plan_node *peer = &x->p->node[ids[i] - 1];
			char **s = &strs[2 * *nch];
			if (asprintf(&s[0], "tcp:%u:", peer->id) < 0 ||
			    asprintf(&s[1], "/dev/%s/%s", dir ? "out" : "in", peer->name) < 0)
				return tool_oom(x->lg);
			/* A stream is a pipe to the program, while the runtime's
			 * 256 mappings last (else the default: a character
			 * device). */
			ch[*nch] = (struct manifest_channel){.source = s[0],
							     .alias = s[1],
							     .type = 0,
							     .write = dir == 1,
							     .etag = true,
							     .map = maps++ < 250 ? MANIFEST_MAP_PIPE
										 : MANIFEST_MAP_DEFAULT};
			++*nch;
		}
	}
	return 0;
}

static int write_files(struct ctx *x, const struct manifest_env *env, size_t nenv)
{
	const struct plan_node *n = x->n;
	size_t nnet = n->nin + n->nout, total = x->nch + nnet;
	struct manifest_channel *ch = calloc(total, sizeof *ch);
	char **strs = calloc(2 * nnet + 1, sizeof *strs), **words = calloc(n->g->nargs + 2, sizeof *words);
	int r = -1;
	if (!ch || !strs || !words) {
		tool_oom(x->lg);
		goto out;
	}
	memcpy(ch, x->ch, x->nch * sizeof *ch);
	size_t nch = 0, maps = 0;
	for (size_t i = 0; i < x->nch; i++)
		maps += ch[i].map != MANIFEST_MAP_DEFAULT;
	if (network(x, ch + x->nch, strs, &nch, maps) < 0)
		goto out;
	words[0] = (char *)plan_argv0(n);
	for (size_t i = 0; i < n->g->nargs; i++)
		words[i + 1] = n->g->args[i];
	char mname[32], nname[32];
	snprintf(mname, sizeof mname, "%u.manifest", n->id);
	snprintf(nname, sizeof nname, "%u.nvram", n->id);
	struct manifest_mount mnt = {.alias = "/dev/image", .mount = "/"};
	struct manifest_spec spec = {.program = x->f->program,
				     .memory = x->e->memory,
				     .timeout = x->e->timeout,
				     .limit = NODE_LIMIT,
				     .ch = ch,
				     .nch = total,
				     .words = words,
				     .nwords = n->g->nargs + 1,
				     .env = env,
				     .nenv = nenv,
				     .mnt = &mnt,
				     .nmnt = n->dev[JOB_IMAGE].present ? 1 : 0,
				     .verbose = x->e->verbose,
				     .node = nnet ? n->id : 0,
				     .nameserver = nnet ? x->e->nameserver : NULL,
				     .nvram_name = nname,
				     .manifest_name = mname};
	r = manifest_write(x->e->wd, x->lg, &spec, &x->f->manifest);
out:
	for (size_t i = 0; strs && i < 2 * nnet; i++)
		free(strs[i]);
	free(strs);
	free(words);
	free(ch);
	return r;
}

int node_prepare(const struct node_env *e, struct tool_log *lg, const struct plan *p, const struct plan_node *n,
		 struct node_files *f)
{
	struct ctx ctx = {.e = e, .lg = lg, .p = p, .n = n, .f = f}, *x = &ctx;
	char *src[JOB_DEVS] = {0};
	struct manifest_env *env = calloc(NDEFAULTS + n->g->nenv + 1, sizeof *env);
	int r = -1;
	if (!env)
		return tool_oom(lg);
	size_t nenv = environment(n->g, env);
	if (devices(x, src) == 0 && program(x, env, nenv) == 0)
		r = write_files(x, env, nenv);
	for (int k = 0; k < JOB_DEVS; k++)
		free(src[k]);
	free(env);
	return r;
}

void node_free(struct node_files *f)
{
	free(f->program);
	for (int k = 0; k < JOB_DEVS; k++) {
		free(f->spool[k]);
		free(f->final[k]);
		free(f->temp[k]);
	}
	*f = (struct node_files){0};
}
