/*
 * planjson.c - a plan as JSON (planjson.h).
 *
 * Built with jansson, keys in the order written here (JSON_PRESERVE_ORDER),
 * so that the same plan is the same text, byte for byte.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "planjson.h"

/* Set key of obj to v (which it takes); false when v is NULL or the set
 * fails (out of memory). */
static bool put(json_t *obj, const char *key, json_t *v)
{
	return v && json_object_set_new(obj, key, v) == 0;
}

static bool add(json_t *arr, json_t *v)
{
	return v && json_array_append_new(arr, v) == 0;
}

static json_t *exec_json(const struct plan_node *n)
{
	const struct job_group *g = n->g;
	json_t *e = json_object(), *argv = json_array(), *env = json_object();
	bool ok = e && argv && env && put(e, "path", json_string(g->exec));
	if (ok && g->exec_object)
		ok = put(e, "object", json_string(g->exec_object));
	ok = ok && add(argv, json_string(plan_argv0(n)));
	for (size_t i = 0; ok && i < g->nargs; i++)
		ok = add(argv, json_string(g->args[i]));
	for (size_t i = 0; ok && i < g->nenv; i++)
		ok = put(env, g->env[i].name, json_string(g->env[i].value));
	if (ok && put(e, "argv", argv) && put(e, "env", env))
		return e;
	json_decref(e);
	return NULL;
}

static json_t *devices_json(const struct plan_node *n)
{
	json_t *arr = json_array();
	for (int k = 0; arr && k < JOB_DEVS; k++) {
		const struct plan_device *d = &n->dev[k];
		if (!d->present)
			continue;
		json_t *o = json_object();
		char *path = NULL;
		bool ok = o && put(o, "name", json_string(job_dev_name((enum job_dev)k))) &&
			  put(o, "access", json_string(job_dev_writable((enum job_dev)k) ? "write" : "read"));
		if (ok && d->object)
			ok = asprintf(&path, "swift://%s", d->object) >= 0 && put(o, "path", json_string(path)) &&
			     put(o, "object", json_string(d->object));
		else if (ok)
			ok = put(o, "path", json_null());
		free(path);
		if (!ok || !add(arr, o)) {
			json_decref(o);
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* The channels of one direction: to (out) or from (in) the peers ids. */
static json_t *channels_json(const struct plan *p, const unsigned *ids, size_t n, const char *dir)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		const struct plan_node *peer = &p->node[ids[i] - 1];
		json_t *o = json_object();
		char *alias = NULL;
		bool ok = o && asprintf(&alias, "/dev/%s/%s", dir, peer->name) >= 0 &&
			  put(o, "alias", json_string(alias)) && put(o, "peer", json_integer(peer->id)) &&
			  put(o, "peer_name", json_string(peer->name));
		free(alias);
		if (!ok || !add(arr, o)) {
			json_decref(o);
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *node_json(const struct plan *p, const struct plan_node *n)
{
	json_t *o = json_object(), *ch = json_object();
	bool ok = o && ch && put(o, "id", json_integer(n->id)) && put(o, "name", json_string(n->name)) &&
		  put(o, "group", json_string(n->g->name)) && put(o, "instance", json_integer(n->instance)) &&
		  put(o, "match", n->match ? json_string(n->match) : json_null()) &&
		  put(o, "component", json_integer(n->component)) && put(o, "exec", exec_json(n)) &&
		  put(o, "devices", devices_json(n)) && put(ch, "in", channels_json(p, n->in, n->nin, "in")) &&
		  put(ch, "out", channels_json(p, n->out, n->nout, "out")) && put(o, "channels", ch);
	if (ok)
		return o;
	json_decref(o);
	if (!o)
		json_decref(ch);
	return NULL;
}

char *planjson_text(const struct plan *p)
{
	json_t *root = json_object(), *nodes = json_array(), *comps = json_array();
	bool ok = root && nodes && comps && put(root, "version", json_integer(1));
	for (size_t i = 0; ok && i < p->n; i++)
		ok = add(nodes, node_json(p, &p->node[i]));
	for (unsigned c = 1; ok && c <= p->ncomp; c++) {
		json_t *o = json_object(), *ids = json_array();
		for (size_t i = 0; ids && i < p->n; i++)
			if (p->node[i].component == c && !add(ids, json_integer(p->node[i].id)))
				ids = (json_decref(ids), NULL);
		ok = o && put(o, "id", json_integer(c)) && put(o, "nodes", ids) && add(comps, o);
	}
	char *text = NULL;
	/* root takes each list, also when a set fails */
	ok = ok && json_object_set(root, "nodes", nodes) == 0 && json_object_set(root, "components", comps) == 0;
	if (ok) {
		char *t = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (t && asprintf(&text, "%s\n", t) < 0)
			text = NULL;
		free(t);
	}
	json_decref(nodes);
	json_decref(comps);
	json_decref(root);
	return text;
}
