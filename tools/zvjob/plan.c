/*
 * plan.c - a job expanded into instances and channels (plan.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "tool.h"

/* What the functions below work with. */
struct ctx {
	const struct job *job;
	const struct listing *ls;
	struct plan *p;
	struct job_error *err;
	size_t *first; /* the index of each group's first node */
	size_t *count; /* each group's number of nodes */
};

#define FAIL(x, g, ...) job_fail((x)->err, (x)->job, (g), __VA_ARGS__)
#define OOM(x, g) FAIL(x, g, "out of memory")

/* Whether name matches pattern (at most one '*', any bytes); the part the
 * '*' matched goes to *part (malloc'd) when part is not NULL. */
static bool wild_match(const char *pattern, const char *name, char **part)
{
	const char *star = strchr(pattern, '*');
	size_t n = strlen(name);
	if (!star)
		return strcmp(pattern, name) == 0;
	size_t pre = (size_t)(star - pattern), post = strlen(star + 1);
	if (n < pre + post || strncmp(name, pattern, pre) != 0 || strcmp(name + n - post, star + 1) != 0)
		return false;
	if (part && !(*part = strndup(name + pre, n - pre - post)))
		return false;
	return true;
}

/* acct/cont/pattern with the pattern's '*' replaced by part (unless part is
 * NULL): malloc'd, NULL when out of memory. */
static char *fill(const char *acct, const char *cont, const char *pattern, const char *part)
{
	const char *star = part ? strchr(pattern, '*') : NULL;
	char *s;
	int r = star ? asprintf(&s, "%s/%s/%.*s%s%s", acct, cont, (int)(star - pattern), pattern, part, star + 1)
		     : asprintf(&s, "%s/%s/%s", acct, cont, pattern);
	return r < 0 ? NULL : s;
}

/* A new node at the end of the plan; NULL (said) past JOB_NODES_MAX. */
static struct plan_node *add_node(struct ctx *x, const struct job_group *g)
{
	struct plan *p = x->p;
	if (p->n == JOB_NODES_MAX)
		return FAIL(x, g, "the job has more than %d nodes", JOB_NODES_MAX), NULL;
	struct plan_node *n = &p->node[p->n];
	*n = (struct plan_node){.id = (unsigned)(p->n + 1), .g = g};
	p->n++;
	return n;
}

/* The devices of instance node of group g: the one read through the
 * wildcard is the object matched (obj), '*' in a path written is part. */
static int instance_devices(struct ctx *x, const struct job_group *g, struct plan_node *node, int wild, const char *obj,
			    const char *part, size_t ninst)
{
	for (int k = 0; k < JOB_DEVS; k++) {
		const struct job_device *d = &g->dev[k];
		struct plan_device *pd = &node->dev[k];
		pd->present = d->present;
		if (!d->present || !d->path)
			continue;
		if (k == wild) {
			pd->object = fill(d->account, d->container, obj, NULL);
		} else if (job_dev_writable((enum job_dev)k) && d->wildcard) {
			if (!part)
				return FAIL(
					x, g,
					"%s[%d].path: a '*' in a path that is written stands for what a '*' in a path "
					"that is read matched, or with count for the instance's number: this node has "
					"neither",
					g->devkey, d->index);
			pd->object = fill(d->account, d->container, d->object, part);
		} else {
			if (job_dev_writable((enum job_dev)k) && ninst > 1)
				return FAIL(x, g,
					    "%s[%d].path: its %zu instances would all write %s: put a '*' in it (the "
					    "match, or the instance's number)",
					    g->devkey, d->index, ninst, d->path);
			pd->object = fill(d->account, d->container, d->object, NULL);
		}
		if (!pd->object)
			return OOM(x, g);
		/* A name from a listing, or one made with it, must be a file
		 * under the root too. */
		if (!job_object_ok(strchr(strchr(pd->object, '/') + 1, '/') + 1))
			return FAIL(x, g,
				    "%s[%d].path: for node %s it is swift://%s, which cannot be a file under the root",
				    g->devkey, d->index, node->name, pd->object);
	}
	return 0;
}

/* The nodes of group g. */
static int expand_group(struct ctx *x, const struct job_group *g)
{
	int wild = -1;
	for (int k = 0; k < JOB_DEVS; k++)
		if (g->dev[k].wildcard && !job_dev_writable((enum job_dev)k))
			wild = k;
	const struct listing_container *lc = NULL;
	size_t ninst = g->count;
	if (wild >= 0) {
		const struct job_device *d = &g->dev[wild];
		lc = listing_find(x->ls, d->account, d->container);
		ninst = 0;
		for (size_t i = 0; lc && i < lc->n; i++)
			ninst += wild_match(d->object, lc->names[i], NULL);
		if (ninst == 0)
			return FAIL(x, g, "%s[%d].path: %s matches no object (%s)", g->devkey, d->index, d->path,
				    x->ls->where ? x->ls->where : "no listing");
	}
	x->first[g->index] = x->p->n;
	x->count[g->index] = ninst;
	for (size_t i = 0, inst = 0; inst < ninst; i++) {
		char *part = NULL;
		const char *obj = NULL;
		if (wild >= 0) {
			if (!wild_match(g->dev[wild].object, lc->names[i], &part))
				continue;
			obj = lc->names[i];
		} else if (g->count_given && asprintf(&part, "%zu", inst + 1) < 0) {
			return OOM(x, g);
		}
		struct plan_node *n = add_node(x, g);
		if (!n)
			return free(part), -1;
		n->instance = (unsigned)++inst;
		n->match = wild >= 0 ? part : NULL;
		int r = wild >= 0 || ninst > 1 ? asprintf(&n->name, "%s-%zu", g->name, inst)
					       : ((n->name = strdup(g->name)) ? 0 : -1);
		if (r < 0)
			r = OOM(x, g);
		else
			r = instance_devices(x, g, n, wild, obj, part, ninst);
		if (wild < 0)
			free(part);
		if (r < 0)
			return -1;
	}
	return 0;
}

static int node_by_name(const void *a, const void *b)
{
	const struct plan_node *x = *(const struct plan_node *const *)a, *y = *(const struct plan_node *const *)b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* Every name once. */
static int check_names(struct ctx *x)
{
	struct plan *p = x->p;
	const struct plan_node **s = malloc(p->n * sizeof *s);
	if (!s)
		return OOM(x, NULL);
	for (size_t i = 0; i < p->n; i++)
		s[i] = &p->node[i];
	qsort(s, p->n, sizeof *s, node_by_name);
	int r = 0;
	for (size_t i = 1; i < p->n && r == 0; i++)
		if (strcmp(s[i - 1]->name, s[i]->name) == 0)
			r = FAIL(x, s[i]->g, "its node %s has the name of a node of \"%s\": rename one", s[i]->name,
				 s[i - 1]->g->name);
	free(s);
	return r;
}

/* One use of an object: by which node, through which device (JOB_DEVS:
 * exec.path), read or written. */
struct use {
	const char *object;
	const struct plan_node *node;
	int dev;
	bool write;
};

static int use_by_object(const void *a, const void *b)
{
	const struct use *x = a, *y = b;
	int c = strcmp(x->object, y->object);
	if (c)
		return c;
	if (x->write != y->write)
		return x->write ? -1 : 1; /* writers first */
	return (x->node->id > y->node->id) - (x->node->id < y->node->id);
}

/* "devices[2].path" or "exec.path" of u, into buf. */
static const char *use_field(const struct use *u, char *buf, size_t len)
{
	if (u->dev == JOB_DEVS)
		return "exec.path";
	snprintf(buf, len, "%s[%d].path", u->node->g->devkey, u->node->g->dev[u->dev].index);
	return buf;
}

/* No object is written twice, nor written by one node and read by another
 * (or the same): nodes are not ordered by the files they share, so such a
 * job's result would depend on timing. */
static int check_objects(struct ctx *x)
{
	struct plan *p = x->p;
	size_t n = 0, cap = p->n * (JOB_DEVS + 1);
	struct use *u = malloc((cap ? cap : 1) * sizeof *u);
	if (!u)
		return OOM(x, NULL);
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_node *nd = &p->node[i];
		for (int k = 0; k < JOB_DEVS; k++)
			if (nd->dev[k].object)
				u[n++] = (struct use){nd->dev[k].object, nd, k, job_dev_writable((enum job_dev)k)};
		if (nd->g->exec_object)
			u[n++] = (struct use){nd->g->exec_object, nd, JOB_DEVS, false};
	}
	qsort(u, n, sizeof *u, use_by_object);
	int r = 0;
	for (size_t i = 1; i < n && r == 0; i++) {
		const struct use *a = &u[i - 1], *b = &u[i];
		char fa[64], fb[64];
		if (strcmp(a->object, b->object) != 0 || !a->write)
			continue;
		if (b->write)
			r = FAIL(x, b->node->g, "%s: node %s writes swift://%s, and so does node %s (%s)",
				 use_field(b, fb, sizeof fb), b->node->name, b->object, a->node->name,
				 use_field(a, fa, sizeof fa));
		else
			r = FAIL(x, b->node->g,
				 "%s: node %s reads swift://%s, which node %s writes (%s): nodes are not ordered by "
				 "the objects they share; stream through connect instead",
				 use_field(b, fb, sizeof fb), b->node->name, b->object, a->node->name,
				 use_field(a, fa, sizeof fa));
	}
	free(u);
	return r;
}

static int by_id(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return (x > y) - (x < y);
}

/* The channels of every connect edge, sorted by peer. */
static int add_channels(struct ctx *x)
{
	struct plan *p = x->p;
	size_t *nout = calloc(p->n + 1, sizeof *nout), *nin = calloc(p->n + 1, sizeof *nin);
	int r = 0;
	if (!nout || !nin)
		r = OOM(x, NULL);
	/* Count first, then fill. */
	for (int pass = 0; pass < 2 && r == 0; pass++) {
		for (size_t a = 0; a < x->job->ng; a++) {
			const struct job_group *g = &x->job->g[a];
			for (size_t c = 0; c < g->nconnect; c++) {
				size_t b = g->connect[c];
				for (size_t i = 0; i < x->count[a]; i++) {
					struct plan_node *w = &p->node[x->first[a] + i];
					for (size_t j = 0; j < x->count[b]; j++) {
						struct plan_node *rd = &p->node[x->first[b] + j];
						if (pass == 0) {
							nout[w->id]++, nin[rd->id]++;
							continue;
						}
						w->out[w->nout++] = rd->id;
						rd->in[rd->nin++] = w->id;
					}
				}
			}
		}
		for (size_t i = 0; pass == 0 && i < p->n && r == 0; i++) {
			struct plan_node *nd = &p->node[i];
			if (!(nd->out = calloc(nout[nd->id] + 1, sizeof *nd->out)) ||
			    !(nd->in = calloc(nin[nd->id] + 1, sizeof *nd->in)))
				r = OOM(x, NULL);
		}
	}
	for (size_t i = 0; r == 0 && i < p->n; i++) {
		qsort(p->node[i].out, p->node[i].nout, sizeof(unsigned), by_id);
		qsort(p->node[i].in, p->node[i].nin, sizeof(unsigned), by_id);
	}
	free(nout);
	free(nin);
	return r;
}

static unsigned find_root(unsigned *up, unsigned i)
{
	while (up[i] != i)
		i = up[i] = up[up[i]];
	return i;
}

/* Components: nodes joined by channels, numbered by their smallest id. */
static int add_components(struct ctx *x)
{
	struct plan *p = x->p;
	unsigned *up = malloc((p->n + 1) * sizeof *up), *num = calloc(p->n + 1, sizeof *num);
	if (!up || !num)
		return free(up), free(num), OOM(x, NULL);
	for (unsigned i = 0; i <= p->n; i++)
		up[i] = i;
	for (size_t i = 0; i < p->n; i++)
		for (size_t k = 0; k < p->node[i].nout; k++) {
			unsigned a = find_root(up, p->node[i].id), b = find_root(up, p->node[i].out[k]);
			if (a != b)
				up[a > b ? a : b] = a < b ? a : b;
		}
	for (size_t i = 0; i < p->n; i++) {
		unsigned r = find_root(up, p->node[i].id);
		if (!num[r])
			num[r] = ++p->ncomp;
		p->node[i].component = num[r];
	}
	free(up);
	free(num);
	return 0;
}

int plan_build(const struct job *job, const struct listing *ls, struct plan *p, struct job_error *err)
{
	*p = (struct plan){.job = job};
	struct ctx ctx = {.job = job, .ls = ls, .p = p, .err = err}, *x = &ctx;
	x->first = calloc(job->ng + 1, sizeof *x->first);
	x->count = calloc(job->ng + 1, sizeof *x->count);
	p->node = calloc(JOB_NODES_MAX, sizeof *p->node);
	int r = x->first && x->count && p->node ? 0 : OOM(x, NULL);
	for (size_t i = 0; r == 0 && i < job->ng; i++)
		r = expand_group(x, &job->g[i]);
	if (r == 0)
		r = check_names(x);
	if (r == 0)
		r = check_objects(x);
	if (r == 0)
		r = add_channels(x);
	if (r == 0)
		r = add_components(x);
	free(x->first);
	free(x->count);
	return r;
}

void plan_free(struct plan *p)
{
	for (size_t i = 0; p->node && i < p->n; i++) {
		struct plan_node *n = &p->node[i];
		free(n->name);
		free(n->match);
		for (int k = 0; k < JOB_DEVS; k++)
			free(n->dev[k].object);
		free(n->out);
		free(n->in);
	}
	free(p->node);
	*p = (struct plan){0};
}

const char *plan_argv0(const struct plan_node *n)
{
	return n->g->argv0 ? n->g->argv0 : n->g->exec;
}
