/*
 * job.h - a ZeroCloud job description, parsed and checked (the planner's
 * first half; plan.h is the second).
 *
 * A job is a JSON list of nodes (docs/jobs.md): each a name, a program
 * (exec: path, args, env), devices (stdin, stdout, stderr, input, output,
 * image, each with a swift:// path or, for what is written, none), a count
 * and the names of the nodes it streams to (connect). job_parse() reads
 * the text into groups, one per node of the list (a group becomes one or
 * more instances when the plan is made), and checks everything that the
 * text alone tells: types, names, fields, devices, paths, connect names
 * and cycles. It touches nothing but memory: no file, no process.
 *
 * Errors name the node and the field: `job.json: node "map": devices[1]
 * .name: unknown device "foo" (...)`; a node without a usable name is
 * `node #2`.
 */
#ifndef ZVJOB_JOB_H
#define ZVJOB_JOB_H

#include <stdbool.h>
#include <stddef.h>

#include "manifest.h"

#define JOB_NODES_MAX 4096 /* instances in a job, after expansion */
#define JOB_NAME_MAX 64    /* bytes of a node's name, before "-N" */
#define JOB_PATH_MAX 1024  /* bytes of a swift:// path */
#define JOB_ARGS_MAX 1000  /* words of a program's arguments (the runtime takes 1024 with argv[0]) */

/* The devices a node may have, in the order plans list them. */
enum job_dev { JOB_STDIN, JOB_STDOUT, JOB_STDERR, JOB_INPUT, JOB_OUTPUT, JOB_IMAGE, JOB_DEVS };

/* A message for the user: what was wrong, and where. */
struct job_error {
	char msg[1024];
};

/* One device of a node. */
struct job_device {
	bool present;
	int index;                          /* its place in the node's device list (devices[index]) */
	char *path;                         /* "swift://account/container/object" as given, or NULL */
	char *account, *container, *object; /* the path's parts (NULL without a path) */
	bool wildcard;                      /* the object has a '*' (at most one) */
};

/* One node of the list: a group of one or more instances. */
struct job_group {
	size_t index; /* its place in the list, from 0 */
	char *name;
	char *exec;        /* exec.path as given */
	char *exec_object; /* "account/container/object" when exec.path is swift://, else NULL */
	char *argv0;       /* exec.name, or NULL (then the path as given) */
	char **args;       /* the program's arguments, split (exec.args) */
	size_t nargs;
	struct manifest_env *env; /* exec.env, in the object's order */
	size_t nenv;
	struct job_device dev[JOB_DEVS];
	const char *devkey; /* "devices", or ZeroCloud's "file_list": for messages */
	unsigned count;     /* instances asked for (1 when absent) */
	bool count_given;
	size_t *connect; /* the groups it streams to (indices), in the order given */
	size_t nconnect;
};

struct job {
	struct job_group *g;
	size_t ng;
	const char *source; /* the job's file name, for messages */
};

/* Whether an object's name can be a file under the root: one or more
 * segments separated by '/', none empty, "." or "..", no control byte. */
bool job_object_ok(const char *object);
/* The device's name ("stdin", ...), and whether the program writes it. */
const char *job_dev_name(enum job_dev d);
bool job_dev_writable(enum job_dev d);

/*
 * Parse and check text[0..len) (source: the file's name, for messages)
 * into job. 0, or -1 with the problem in err (job is freed either way by
 * job_free, which is due after both).
 */
int job_parse(const char *text, size_t len, const char *source, struct job *job, struct job_error *err);
/* "<source>: node \"<name>\": " (or "node #N" while nameless) and the
 * message, into err; returns -1. */
__attribute__((format(printf, 4, 5))) int job_fail(struct job_error *err, const struct job *job,
						   const struct job_group *g, const char *fmt, ...);
void job_free(struct job *job);

#endif
