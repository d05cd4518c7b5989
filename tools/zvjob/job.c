/*
 * job.c - a ZeroCloud job description, parsed and checked (job.h).
 *
 * The JSON is read with jansson (duplicate keys refused); every field is
 * checked where it is read, with a message that names the node and the
 * field; unknown fields are refused (a misspelt "conect" would otherwise
 * silently do nothing), except ZeroCloud's fields that mean nothing on one
 * machine (replicate, attach, location; a device's content_type, meta,
 * mode, min_size), which are accepted and ignored. ZeroCloud's older
 * spelling of the device list, "file_list" with "device" keys, is read as
 * "devices" with "name" keys. Then the connect names are resolved to
 * groups and the graph is checked for cycles.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"

static const char *const dev_names[JOB_DEVS] = {"stdin", "stdout", "stderr", "input", "output", "image"};
#define DEV_LIST "stdin, stdout, stderr, input, output, image"

const char *job_dev_name(enum job_dev d)
{
	return dev_names[d];
}

bool job_dev_writable(enum job_dev d)
{
	return d == JOB_STDOUT || d == JOB_STDERR || d == JOB_OUTPUT;
}

int job_fail(struct job_error *err, const struct job *job, const struct job_group *g, const char *fmt, ...)
{
	int n;
	if (!g)
		n = snprintf(err->msg, sizeof err->msg, "%s: ", job->source);
	else if (g->name)
		n = snprintf(err->msg, sizeof err->msg, "%s: node \"%s\": ", job->source, g->name);
	else
		n = snprintf(err->msg, sizeof err->msg, "%s: node #%zu: ", job->source, g->index + 1);
	if (n < 0 || (size_t)n >= sizeof err->msg)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg + n, sizeof err->msg - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* What the functions below work with. */
struct ctx {
	struct job *job;
	struct job_error *err;
};

#define FAIL(x, g, ...) job_fail((x)->err, (x)->job, (g), __VA_ARGS__)
#define OOM(x, g) FAIL(x, g, "out of memory")

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "a list";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "a number";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "a value";
}

/* Whether key is one of the NULL-terminated list. */
static bool known(const char *key, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(key, *list) == 0)
			return true;
	return false;
}

/* Refuse a key of obj not in list: prefix names the object ("", "exec.",
 * "devices[2]."). */
static int check_keys(struct ctx *x, struct job_group *g, json_t *obj, const char *prefix, const char *const *list)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		if (!known(key, list))
			return FAIL(x, g, "%s%s: unknown field (see docs/jobs.md)", prefix, key);
	}
	return 0;
}

/* A node's name: [A-Za-z0-9._-], 1..JOB_NAME_MAX bytes, not "." or "..":
 * it becomes a channel's alias (/dev/in/NAME) and a file name. */
static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > JOB_NAME_MAX || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* One segment of a path: not empty, not "." or "..", no control byte. */
static bool segment_ok(const char *s, size_t n)
{
	if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

bool job_object_ok(const char *s)
{
	for (;;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (!segment_ok(s, n))
			return false;
		if (!e)
			return true;
		s = e + 1;
	}
}

/*
 * "swift://account/container/object" into d's parts. The account and the
 * container are one segment each, without '*'; the object is one or more
 * segments ("a/b" is the file b in the folder a of the container) with at
 * most one '*' when star is allowed. field names it in messages.
 */
static int parse_path(struct ctx *x, struct job_group *g, const char *field, const char *path, bool star,
		      struct job_device *d)
{
	static const char scheme[] = "swift://";
	if (strncmp(path, scheme, sizeof scheme - 1) != 0)
		return FAIL(x, g, "%s: \"%s\": expected swift://account/container/object", field, path);
	if (strlen(path) > JOB_PATH_MAX)
		return FAIL(x, g, "%s: longer than %d bytes", field, JOB_PATH_MAX);
	const char *a = path + sizeof scheme - 1, *c = strchr(a, '/'), *o = c ? strchr(c + 1, '/') : NULL;
	if (!c || !o || !segment_ok(a, (size_t)(c - a)) || !segment_ok(c + 1, (size_t)(o - c - 1)))
		return FAIL(x, g, "%s: \"%s\": expected swift://account/container/object", field, path);
	if (!job_object_ok(o + 1))
		return FAIL(x, g,
			    "%s: \"%s\": the object's name has an empty, \".\" or \"..\" part, or a control character",
			    field, path);
	if (memchr(a, '*', (size_t)(o - a)))
		return FAIL(x, g, "%s: \"%s\": a '*' may stand only in the object's name", field, path);
	const char *star1 = strchr(o + 1, '*');
	if (star1 && !star)
		return FAIL(x, g, "%s: \"%s\": no '*' here", field, path);
	if (star1 && strchr(star1 + 1, '*'))
		return FAIL(x, g, "%s: \"%s\": at most one '*'", field, path);
	d->wildcard = star1 != NULL;
	if (!(d->account = strndup(a, (size_t)(c - a))) || !(d->container = strndup(c + 1, (size_t)(o - c - 1))) ||
	    !(d->object = strdup(o + 1)))
		return OOM(x, g);
	return 0;
}

/* Split a ZeroCloud args string as the runtime splits [args]: words at
 * spaces and tabs outside double quotes, the quotes removed. */
static int split_args(struct ctx *x, struct job_group *g, const char *s)
{
	size_t len = strlen(s);
	g->args = calloc(len / 2 + 2, sizeof *g->args);
	char *buf = malloc(len + 1);
	if (!g->args || !buf)
		return free(buf), OOM(x, g);
	for (const char *p = s;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		size_t n = 0;
		bool quoted = false;
		for (; *p && (quoted || (*p != ' ' && *p != '\t')); p++) {
			if (*p == '"')
				quoted = !quoted;
			else
				buf[n++] = *p;
		}
		if (quoted)
			return free(buf), FAIL(x, g, "exec.args: a double quote is not closed");
		if (!(g->args[g->nargs++] = strndup(buf, n)))
			return free(buf), OOM(x, g);
	}
	free(buf);
	return 0;
}

static int parse_exec(struct ctx *x, struct job_group *g, json_t *exec)
{
	static const char *const keys[] = {"path", "args", "env", "name", NULL};
	if (!exec)
		return FAIL(x, g, "exec: missing (the program to run: {\"path\": ...})");
	if (!json_is_object(exec))
		return FAIL(x, g, "exec: expected an object, not %s", type_name(exec));
	if (check_keys(x, g, exec, "exec.", keys) < 0)
		return -1;
	json_t *path = json_object_get(exec, "path"), *args = json_object_get(exec, "args"),
	       *env = json_object_get(exec, "env"), *name = json_object_get(exec, "name");
	if (!path)
		return FAIL(x, g, "exec.path: missing (the program: a host path, a path in the image, or swift://...)");
	if (!json_is_string(path) || !*json_string_value(path))
		return FAIL(x, g, "exec.path: expected a non-empty string");
	if (!(g->exec = strdup(json_string_value(path))))
		return OOM(x, g);
	if (strncmp(g->exec, "swift:", 6) == 0) {
		struct job_device d = {0};
		int r = parse_path(x, g, "exec.path", g->exec, false, &d);
		if (r == 0 && asprintf(&g->exec_object, "%s/%s/%s", d.account, d.container, d.object) < 0)
			r = OOM(x, g);
		free(d.account);
		free(d.container);
		free(d.object);
		if (r < 0)
			return -1;
	}
	if (name && (!json_is_string(name) || !*json_string_value(name)))
		return FAIL(x, g, "exec.name: expected a non-empty string (the program's argv[0])");
	if (name && !(g->argv0 = strdup(json_string_value(name))))
		return OOM(x, g);
	if (args && json_is_string(args)) {
		if (split_args(x, g, json_string_value(args)) < 0)
			return -1;
	} else if (args && json_is_array(args)) {
		if (!(g->args = calloc(json_array_size(args) + 1, sizeof *g->args)))
			return OOM(x, g);
		size_t i;
		json_t *a;
		json_array_foreach(args, i, a)
		{
			if (!json_is_string(a))
				return FAIL(x, g, "exec.args[%zu]: expected a string, not %s", i, type_name(a));
			if (!(g->args[g->nargs++] = strdup(json_string_value(a))))
				return OOM(x, g);
		}
	} else if (args) {
		return FAIL(x, g, "exec.args: expected a string (or a list of strings), not %s", type_name(args));
	}
	if (g->nargs > JOB_ARGS_MAX)
		return FAIL(x, g, "exec.args: more than %d words", JOB_ARGS_MAX);
	if (!env)
		return 0;
	if (!json_is_object(env))
		return FAIL(x, g, "exec.env: expected an object of strings, not %s", type_name(env));
	if (!(g->env = calloc(json_object_size(env) + 1, sizeof *g->env)))
		return OOM(x, g);
	const char *key;
	json_t *v;
	json_object_foreach(env, key, v)
	{
		if (!*key || strchr(key, '='))
			return FAIL(x, g, "exec.env: \"%s\": a variable's name is not empty and has no '='", key);
		if (!json_is_string(v))
			return FAIL(x, g, "exec.env.%s: expected a string, not %s", key, type_name(v));
		struct manifest_env *e = &g->env[g->nenv++];
		if (!(e->name = strdup(key)) || !(e->value = strdup(json_string_value(v))))
			return OOM(x, g);
	}
	return 0;
}

static int parse_device(struct ctx *x, struct job_group *g, size_t i, json_t *d)
{
	static const char *const keys[] = {"name", "device", "path", "content_type", "meta", "mode", "min_size", NULL};
	char field[64];
	snprintf(field, sizeof field, "%s[%zu]", g->devkey, i);
	if (!json_is_object(d))
		return FAIL(x, g, "%s: expected an object ({\"name\": ..., \"path\": ...}), not %s", field,
			    type_name(d));
	char prefix[72];
	snprintf(prefix, sizeof prefix, "%s.", field);
	if (check_keys(x, g, d, prefix, keys) < 0)
		return -1;
	json_t *name = json_object_get(d, "name"), *dev = json_object_get(d, "device"),
	       *path = json_object_get(d, "path");
	if (name && dev)
		return FAIL(x, g, "%s: both name and device (ZeroCloud's older spelling): give one", field);
	const char *nkey = dev ? "device" : "name";
	if (!name)
		name = dev;
	if (!name)
		return FAIL(x, g, "%s.name: missing (one of %s)", field, DEV_LIST);
	if (!json_is_string(name))
		return FAIL(x, g, "%s.%s: expected a string, not %s", field, nkey, type_name(name));
	const char *n = json_string_value(name);
	int k = 0;
	while (k < JOB_DEVS && strcmp(n, dev_names[k]) != 0)
		k++;
	if (k == JOB_DEVS)
		return FAIL(x, g, "%s.%s: unknown device \"%s\" (devices are %s; the runner writes the nvram itself)",
			    field, nkey, n, DEV_LIST);
	struct job_device *jd = &g->dev[k];
	if (jd->present)
		return FAIL(x, g, "%s.%s: device %s given twice (also %s[%d])", field, nkey, n, g->devkey, jd->index);
	jd->present = true;
	jd->index = (int)i;
	if (!path || json_is_null(path)) {
		if (!job_dev_writable((enum job_dev)k))
			return FAIL(x, g, "%s.path: missing: %s is read, so it needs an object (swift://...)", field,
				    n);
		return 0;
	}
	if (!json_is_string(path))
		return FAIL(x, g, "%s.path: expected a string, not %s", field, type_name(path));
	char pfield[80];
	snprintf(pfield, sizeof pfield, "%s.path", field);
	if (!(jd->path = strdup(json_string_value(path))))
		return OOM(x, g);
	return parse_path(x, g, pfield, jd->path, true, jd);
}

static int parse_devices(struct ctx *x, struct job_group *g, json_t *node)
{
	json_t *devs = json_object_get(node, "devices"), *fl = json_object_get(node, "file_list");
	if (devs && fl)
		return FAIL(x, g, "both devices and file_list (ZeroCloud's older spelling): give one");
	g->devkey = fl ? "file_list" : "devices";
	if (!devs)
		devs = fl;
	if (!devs)
		return 0;
	if (!json_is_array(devs))
		return FAIL(x, g, "%s: expected a list, not %s", g->devkey, type_name(devs));
	size_t i;
	json_t *d;
	json_array_foreach(devs, i, d)
	{
		if (parse_device(x, g, i, d) < 0)
			return -1;
	}
	int readers = 0;
	for (int k = 0; k < JOB_DEVS; k++)
		readers += !job_dev_writable((enum job_dev)k) && g->dev[k].wildcard;
	if (readers > 1)
		return FAIL(x, g,
			    "%s: a '*' in more than one device that is read: which objects go together is unclear",
			    g->devkey);
	return 0;
}

static int parse_count(struct ctx *x, struct job_group *g, json_t *count)
{
	g->count = 1;
	if (!count)
		return 0;
	json_int_t n = json_is_integer(count) ? json_integer_value(count) : 0;
	if (!json_is_integer(count) || n < 1 || n > JOB_NODES_MAX)
		return FAIL(x, g, "count: expected a whole number from 1 to %d", JOB_NODES_MAX);
	g->count = (unsigned)n;
	g->count_given = true;
	return 0;
}

static int parse_node(struct ctx *x, struct job_group *g, json_t *node)
{
	static const char *const keys[] = {"name",    "exec",      "devices", "file_list", "count",
					   "connect", "replicate", "attach",  "location",  NULL};
	if (!json_is_object(node))
		return FAIL(x, g, "expected an object ({\"name\": ..., \"exec\": ...}), not %s", type_name(node));
	json_t *name = json_object_get(node, "name");
	if (!name)
		return FAIL(x, g, "name: missing");
	if (!json_is_string(name) || !name_ok(json_string_value(name)))
		return FAIL(x, g, "name: expected 1 to %d of A-Z a-z 0-9 . _ - (it names channels and files)",
			    JOB_NAME_MAX);
	if (!(g->name = strdup(json_string_value(name))))
		return OOM(x, g);
	if (check_keys(x, g, node, "", keys) < 0)
		return -1;
	json_t *rep = json_object_get(node, "replicate");
	if (rep && (!json_is_integer(rep) || json_integer_value(rep) < 0))
		return FAIL(x, g, "replicate: expected a whole number (ignored on one machine)");
	if (parse_exec(x, g, json_object_get(node, "exec")) < 0 || parse_devices(x, g, node) < 0 ||
	    parse_count(x, g, json_object_get(node, "count")) < 0)
		return -1;
	/* As in ZeroCloud, a '*' in a device that is read makes the
	 * instances, one per match, and count is then ignored. */
	if (g->dev[JOB_STDIN].wildcard || g->dev[JOB_INPUT].wildcard || g->dev[JOB_IMAGE].wildcard) {
		g->count = 1;
		g->count_given = false;
	}
	return 0;
}

/* connect: names of groups, resolved; no group streams to itself or twice
 * to another. */
static int parse_connect(struct ctx *x, struct job_group *g, json_t *node)
{
	json_t *c = json_object_get(node, "connect");
	if (!c)
		return 0;
	if (!json_is_array(c))
		return FAIL(x, g, "connect: expected a list of node names, not %s", type_name(c));
	if (!(g->connect = calloc(json_array_size(c) + 1, sizeof *g->connect)))
		return OOM(x, g);
	size_t i;
	json_t *v;
	json_array_foreach(c, i, v)
	{
		if (!json_is_string(v))
			return FAIL(x, g, "connect[%zu]: expected a node's name, not %s", i, type_name(v));
		const char *n = json_string_value(v);
		size_t k = 0;
		while (k < x->job->ng && strcmp(x->job->g[k].name, n) != 0)
			k++;
		if (k == x->job->ng)
			return FAIL(x, g, "connect[%zu]: no node is named \"%s\"", i, n);
		if (k == g->index)
			return FAIL(x, g, "connect[%zu]: a node cannot stream to itself", i);
		for (size_t j = 0; j < g->nconnect; j++)
			if (g->connect[j] == k)
				return FAIL(x, g, "connect[%zu]: \"%s\" is named twice", i, n);
		g->connect[g->nconnect++] = k;
	}
	return 0;
}

/* Depth-first search from group i: 0, or -1 when a cycle is found (said).
 * state: 0 unseen, 1 on the path, 2 done; path holds the groups on it. */
static int find_cycle(struct ctx *x, size_t i, int *state, size_t *path, size_t depth)
{
	const struct job *job = x->job;
	state[i] = 1;
	path[depth] = i;
	for (size_t c = 0; c < job->g[i].nconnect; c++) {
		size_t k = job->g[i].connect[c];
		if (state[k] == 2)
			continue;
		if (state[k] == 0) {
			if (find_cycle(x, k, state, path, depth + 1) < 0)
				return -1;
			continue;
		}
		/* k is on the path: the cycle is path[from..depth] and back to k. */
		size_t from = depth;
		while (path[from] != k)
			from--;
		char cyc[512];
		size_t n = 0;
		for (size_t p = from; p <= depth && n < sizeof cyc; p++)
			n += (size_t)snprintf(cyc + n, sizeof cyc - n, "%s -> ", job->g[path[p]].name);
		if (n < sizeof cyc)
			snprintf(cyc + n, sizeof cyc - n, "%s", job->g[k].name);
		return FAIL(x, &job->g[i], "connect[%zu]: \"%s\" closes a cycle (%s): a job's streams must not loop", c,
			    job->g[k].name, cyc);
	}
	state[i] = 2;
	return 0;
}

int job_parse(const char *text, size_t len, const char *source, struct job *job, struct job_error *err)
{
	struct ctx ctx = {.job = job, .err = err}, *x = &ctx;
	*job = (struct job){.source = source};
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return job_fail(err, job, NULL, "not a JSON job: line %d, column %d: %s", je.line, je.column, je.text);
	int r = -1;
	if (!json_is_array(root)) {
		job_fail(err, job, NULL, "expected a list of nodes ([{\"name\": ..., \"exec\": ...}, ...]), not %s",
			 type_name(root));
		goto out;
	}
	if (json_array_size(root) == 0 || json_array_size(root) > JOB_NODES_MAX) {
		job_fail(err, job, NULL, "expected 1 to %d nodes, not %zu", JOB_NODES_MAX, json_array_size(root));
		goto out;
	}
	if (!(job->g = calloc(json_array_size(root), sizeof *job->g))) {
		job_fail(err, job, NULL, "out of memory");
		goto out;
	}
	size_t i;
	json_t *node;
	json_array_foreach(root, i, node)
	{
		struct job_group *g = &job->g[job->ng++];
		g->index = i;
		if (parse_node(x, g, node) < 0)
			goto out;
		for (size_t k = 0; k < i; k++)
			if (strcmp(job->g[k].name, g->name) == 0) {
				FAIL(x, g, "name: also the name of node #%zu", k + 1);
				goto out;
			}
	}
	json_array_foreach(root, i, node)
	{
		if (parse_connect(x, &job->g[i], node) < 0)
			goto out;
	}
	int *state = calloc(job->ng, sizeof *state);
	size_t *path = calloc(job->ng, sizeof *path);
	r = state && path ? 0 : job_fail(err, job, NULL, "out of memory");
	for (i = 0; r == 0 && i < job->ng; i++)
		if (state[i] == 0)
			r = find_cycle(x, i, state, path, 0);
	free(state);
	free(path);
out:
	json_decref(root);
	return r;
}

void job_free(struct job *job)
{
	for (size_t i = 0; i < job->ng; i++) {
		struct job_group *g = &job->g[i];
		free(g->name);
		free(g->exec);
		free(g->exec_object);
		free(g->argv0);
		for (size_t k = 0; k < g->nargs; k++)
			free(g->args[k]);
		free(g->args);
		for (size_t k = 0; k < g->nenv; k++) {
			free(g->env[k].name);
			free(g->env[k].value);
		}
		free(g->env);
		for (int d = 0; d < JOB_DEVS; d++) {
			free(g->dev[d].path);
			free(g->dev[d].account);
			free(g->dev[d].container);
			free(g->dev[d].object);
		}
		free(g->connect);
	}
	free(job->g);
	*job = (struct job){.source = job->source};
}
