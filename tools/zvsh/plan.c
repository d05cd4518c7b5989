/*
 * plan.c - the plan's defaults, its environment, and its end (plan.h).
 */
#include <stdlib.h>
#include <string.h>

#include "plan.h"

int plan_init(struct zvsh_plan *p, struct tool_log *lg)
{
	*p = (struct zvsh_plan){.memory = ZVSH_MEMORY_DEFAULT,
				.timeout = ZVSH_TIMEOUT_DEFAULT,
				.read_calls = ZVSH_QUOTA_MAX,
				.read_bytes = ZVSH_QUOTA_MAX,
				.write_calls = ZVSH_QUOTA_MAX,
				.write_bytes = ZVSH_WRITE_LIMIT_DEFAULT,
				.file_limit = ZVSH_FILE_LIMIT_DEFAULT,
				.stream = -1,
				.bind_quota = ZVSH_BIND_QUOTA_DEFAULT};
	/* The default environment: what a program expects to find, nothing of
	 * the host's. --env replaces or adds. */
	if (plan_env_set(p, lg, "PATH", 4, "/bin:/usr/bin") < 0 || plan_env_set(p, lg, "HOME", 4, "/") < 0 ||
	    plan_env_set(p, lg, "LANG", 4, "C") < 0)
		return -1;
	return 0;
}

int plan_env_set(struct zvsh_plan *p, struct tool_log *lg, const char *name, size_t nlen, const char *value)
{
	char *n = strndup(name, nlen), *v = strdup(value);
	if (!n || !v) {
		free(n);
		free(v);
		return tool_oom(lg);
	}
	for (size_t i = 0; i < p->nenv; i++) {
		if (strcmp(p->env[i].name, n) == 0) {
			free(p->env[i].value);
			free(n);
			p->env[i].value = v;
			return 0;
		}
	}
	struct manifest_env *e = tool_grow(p->env, &p->envcap, p->nenv, sizeof *e);
	if (!e) {
		free(n);
		free(v);
		return tool_oom(lg);
	}
	p->env = e;
	e[p->nenv].name = n;
	e[p->nenv++].value = v;
	return 0;
}

const char *plan_env_get(const struct zvsh_plan *p, const char *name)
{
	for (size_t i = 0; i < p->nenv; i++)
		if (strcmp(p->env[i].name, name) == 0)
			return p->env[i].value;
	return NULL;
}

void plan_free(struct zvsh_plan *p)
{
	for (size_t i = 0; i < p->nenv; i++) {
		free(p->env[i].name);
		free(p->env[i].value);
	}
	for (size_t i = 0; i < p->nimg; i++) {
		free(p->img[i].spec);
		free(p->img[i].host);
		free(p->img[i].mount);
	}
	for (size_t i = 0; i < p->nbind; i++)
		free(p->bind[i].guest);
	free(p->env);
	free(p->img);
	free(p->io);
	free((char *)p->chdir);
	free(p->bind);
}
