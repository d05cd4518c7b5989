/*
 * listing.c - what a container holds (listing.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "listing.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

const struct listing_container *listing_find(const struct listing *ls, const char *account, const char *container)
{
	for (size_t i = 0; i < ls->n; i++)
		if (strcmp(ls->c[i].account, account) == 0 && strcmp(ls->c[i].container, container) == 0)
			return &ls->c[i];
	return NULL;
}

/* A new, empty container at the end of ls; NULL when out of memory. */
static struct listing_container *add(struct listing *ls, const char *account, size_t alen, const char *container)
{
	if (ls->n == ls->cap) {
		size_t cap = ls->cap ? 2 * ls->cap : 8;
		struct listing_container *c = reallocarray(ls->c, cap, sizeof *c);
		if (!c)
			return NULL;
		ls->c = c;
		ls->cap = cap;
	}
	struct listing_container *c = &ls->c[ls->n];
	*c = (struct listing_container){0};
	if (!(c->account = strndup(account, alen)) || !(c->container = strdup(container))) {
		free(c->account);
		free(c->container);
		return NULL;
	}
	ls->n++;
	return c;
}

/* Sort c's names and drop repeats. */
static void finish(struct listing_container *c)
{
	if (c->n) /* an empty container may have no array at all */
		qsort(c->names, c->n, sizeof *c->names, by_name);
	size_t k = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (k && strcmp(c->names[k - 1], c->names[i]) == 0)
			free(c->names[i]);
		else
			c->names[k++] = c->names[i];
	}
	c->n = k;
}

int listing_parse(struct listing *ls, const char *text, size_t len, const char *source, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, errlen, "%s: not a JSON listing: line %d, column %d: %s", source, je.line, je.column,
			 je.text);
		return -1;
	}
	int r = -1;
	const char *key;
	json_t *v;
	if (!json_is_object(root)) {
		snprintf(err, errlen, "%s: expected an object {\"account/container\": [\"name\", ...], ...}", source);
		goto out;
	}
	json_object_foreach(root, key, v)
	{
		const char *slash = strchr(key, '/');
		if (!slash || slash == key || !slash[1] || strchr(slash + 1, '/')) {
			snprintf(err, errlen, "%s: \"%s\": expected \"account/container\"", source, key);
			goto out;
		}
		if (!json_is_array(v) || json_array_size(v) > LISTING_NAMES_MAX) {
			snprintf(err, errlen, "%s: \"%s\": expected a list of at most %d object names", source, key,
				 LISTING_NAMES_MAX);
			goto out;
		}
		struct listing_container *c = add(ls, key, (size_t)(slash - key), slash + 1);
		if (!c || !(c->names = calloc(json_array_size(v) + 1, sizeof *c->names))) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		size_t i;
		json_t *name;
		json_array_foreach(v, i, name)
		{
			if (!json_is_string(name) || !*json_string_value(name)) {
				snprintf(err, errlen, "%s: \"%s\"[%zu]: expected an object's name", source, key, i);
				goto out;
			}
			if (!(c->names[c->n++] = strdup(json_string_value(name)))) {
				snprintf(err, errlen, "out of memory");
				goto out;
			}
		}
		finish(c);
	}
	r = 0;
out:
	json_decref(root);
	return r;
}

int listing_scan(struct listing *ls, const char *root, const char *account, const char *container, char *err,
		 size_t errlen)
{
	if (listing_find(ls, account, container))
		return 0;
	struct listing_container *c = add(ls, account, strlen(account), container);
	if (!c)
		return snprintf(err, errlen, "out of memory"), -1;
	char *dir;
	if (asprintf(&dir, "%s/%s/%s", root, account, container) < 0)
		return snprintf(err, errlen, "out of memory"), -1;
	DIR *d = opendir(dir);
	if (!d) {
		int e = errno;
		if (e == ENOENT || e == ENOTDIR)
			return free(dir), 0; /* no such container: nothing in it */
		snprintf(err, errlen, "cannot list %s: %s", dir, strerror(e));
		return free(dir), -1;
	}
	size_t cap = 0;
	int r = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		struct stat st;
		/* Regular files only (a link to one too): what a device can read. */
		if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &st, 0) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (c->n == LISTING_NAMES_MAX) {
			snprintf(err, errlen, "%s: more than %d objects", dir, LISTING_NAMES_MAX);
			r = -1;
			break;
		}
		if (c->n == cap) {
			cap = cap ? 2 * cap : 64;
			char **names = reallocarray(c->names, cap, sizeof *names);
			if (!names) {
				r = -1;
				snprintf(err, errlen, "out of memory");
				break;
			}
			c->names = names;
		}
		if (!(c->names[c->n] = strdup(e->d_name))) {
			r = -1;
			snprintf(err, errlen, "out of memory");
			break;
		}
		c->n++;
	}
	closedir(d);
	free(dir);
	finish(c);
	return r;
}

void listing_free(struct listing *ls)
{
	for (size_t i = 0; i < ls->n; i++) {
		for (size_t k = 0; k < ls->c[i].n; k++)
			free(ls->c[i].names[k]);
		free(ls->c[i].names);
		free(ls->c[i].account);
		free(ls->c[i].container);
	}
	free(ls->c);
	*ls = (struct listing){.where = ls->where};
}
