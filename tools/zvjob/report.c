/*
 * report.c - the job's report file (report.h).
 *
 * One JSON object: "job", the summary, and "nodes", one object per node in
 * plan order with its id, name, group, status, exit state, return code,
 * zerovm's exit code, validator state, etags (alias to SHA-1), accounting
 * (ten named numbers) and wall time. Built with jansson, keys in this
 * order.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

const char *report_status_name(enum node_status s)
{
	switch (s) {
	case NODE_NOT_RUN: return "not run";
	case NODE_RUNNING: return "running";
	case NODE_OK: return "ok";
	case NODE_FAILED: return "failed";
	case NODE_STOPPED: return "stopped";
	}
	return "?";
}

/* Set key of obj to v (which it takes); false when v is NULL or on failure. */
static bool put(json_t *obj, const char *key, json_t *v)
{
	return v && json_object_set_new(obj, key, v) == 0;
}

/* "alias sha1 alias sha1 ..." (or "disabled") as an object. */
static json_t *etags_json(const char *line)
{
	json_t *o = json_object();
	if (!o || !line || strcmp(line, "disabled") == 0)
		return o;
	char *copy = strdup(line), *save = NULL;
	for (char *a = copy ? strtok_r(copy, " ", &save) : NULL; a; a = strtok_r(NULL, " ", &save)) {
		char *h = strtok_r(NULL, " ", &save);
		if (!h || !put(o, a, json_string(h)))
			break;
	}
	free(copy);
	return o;
}

/* The ten numbers of the accounting line, by name (docs/report.md). */
static json_t *accounting_json(const char *line)
{
	static const char *const names[10] = {"system_time",  "user_time",           "local_reads", "local_bytes_read",
					      "local_writes", "local_bytes_written", "net_reads",   "net_bytes_read",
					      "net_writes",   "net_bytes_written"};
	json_t *o = json_object();
	const char *p = line;
	for (int i = 0; o && p && i < 10; i++) {
		char *end;
		errno = 0;
		double v = strtod(p, &end);
		if (end == p || errno)
			break;
		put(o, names[i], i < 2 ? json_real(v) : json_integer((json_int_t)v));
		p = end;
	}
	return o;
}

static json_t *node_json(const struct plan_node *n, const struct node_result *r)
{
	json_t *o = json_object();
	bool ok = o && put(o, "id", json_integer(n->id)) && put(o, "name", json_string(n->name)) &&
		  put(o, "group", json_string(n->g->name)) &&
		  put(o, "status", json_string(report_status_name(r->status))) &&
		  put(o, "reason", r->reason ? json_string(r->reason) : json_null()) &&
		  put(o, "exit_state", r->state ? json_string(r->state) : json_null()) &&
		  put(o, "return_code", r->reported ? json_integer(r->retcode) : json_null()) &&
		  put(o, "zerovm_exit", r->exit_code >= 0 ? json_integer(r->exit_code) : json_null()) &&
		  put(o, "validator", r->reported ? json_integer(r->validator) : json_null()) &&
		  put(o, "etags", r->reported ? etags_json(r->etags) : json_object()) &&
		  put(o, "accounting", r->reported ? accounting_json(r->accounting) : json_null()) &&
		  put(o, "wall_time", json_real(r->wall));
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

static json_t *report_json(const struct plan *p, const struct node_result *r, const struct job_summary *s)
{
	size_t count[NODE_STOPPED + 1] = {0};
	for (size_t i = 0; i < p->n; i++)
		count[r[i].status]++;
	json_t *root = json_object(), *job = json_object(), *nodes = json_array();
	bool ok = root && job && nodes && put(job, "status", json_string(s->status)) &&
		  put(job, "nodes", json_integer((json_int_t)p->n)) &&
		  put(job, "ok", json_integer((json_int_t)count[NODE_OK])) &&
		  put(job, "failed", json_integer((json_int_t)count[NODE_FAILED])) &&
		  put(job, "stopped", json_integer((json_int_t)count[NODE_STOPPED])) &&
		  put(job, "not_run", json_integer((json_int_t)count[NODE_NOT_RUN])) &&
		  put(job, "failed_node", s->failed ? json_string(s->failed->name) : json_null()) &&
		  put(job, "reason", s->reason ? json_string(s->reason) : json_null()) &&
		  put(job, "wall_time", json_real(s->wall));
	for (size_t i = 0; ok && i < p->n; i++) {
		json_t *n = node_json(&p->node[i], &r[i]);
		ok = n && json_array_append_new(nodes, n) == 0;
	}
	ok = ok && json_object_set(root, "job", job) == 0 && json_object_set(root, "nodes", nodes) == 0;
	json_decref(job);
	json_decref(nodes);
	if (ok)
		return root;
	json_decref(root);
	return NULL;
}

int report_write(const char *path, const struct plan *p, const struct node_result *r, const struct job_summary *s,
		 struct tool_log *lg)
{
	json_t *root = report_json(p, r, s);
	char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6)) : NULL,
	     *tmp = NULL;
	json_decref(root);
	if (!text || asprintf(&tmp, "%s.zvjob-%ld.tmp", path, (long)getpid()) < 0) {
		free(text);
		return tool_oom(lg);
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666), r2 = -1, e = 0;
	if (fd >= 0) {
		r2 = tool_write_all(fd, text, strlen(text)) == 0 && tool_write_all(fd, "\n", 1) == 0 ? 0 : -1;
		e = errno;
		if (close(fd) < 0 && r2 == 0)
			r2 = -1, e = errno;
	} else {
		e = errno;
	}
	if (r2 == 0 && rename(tmp, path) < 0)
		r2 = -1, e = errno;
	if (r2 < 0) {
		unlink(tmp);
		tool_fail(lg, TOOL_EXIT_USAGE, "--report %s: %s", path, strerror(e));
	}
	free(tmp);
	free(text);
	return r2;
}
