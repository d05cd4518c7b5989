/*
 * channel.c - the session's channels (channel.h), and the [args] words
 * that name them.
 *
 * An @FILE argument names a descriptor of zvsh's (/dev/stdin, /dev/fd/N,
 * /proc/self/fd/N: handed to zerovm, written when it is open for writing
 * only, or for both as standard output or error, else read), an existing
 * file (read), or a file to create (written, in a directory that must
 * exist). Arguments that name the same file share one channel; an image's
 * channel is never shared.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "channel.h"

/* Longest name derived from a file for its alias (before ".N"). */
#define ALIAS_NAME_MAX 200

/* What the functions below work with. */
struct ctx {
	struct zvsh_channels *cs;
	struct tool_log *lg;
	struct workdir *w; /* for links to paths a manifest line cannot carry */
};

/* A new channel, zeroed, at the end of x->cs->ch (pointers into it are
 * invalid afterwards). */
static struct zvsh_channel *add_channel(struct ctx *x)
{
	struct zvsh_channel *c = tool_grow(x->cs->ch, &x->cs->chcap, x->cs->nch, sizeof *c);
	if (!c)
		return tool_oom(x->lg), NULL;
	x->cs->ch = c;
	c = &c[x->cs->nch++];
	*c = (struct zvsh_channel){.passfd = -1, .childfd = -1};
	return c;
}

/* Names under /dev that an argument's alias never takes: the standard
 * channels, the nvram, and the devices the runtime provides itself (a
 * channel of that alias would replace them). */
static const char *const reserved[] = {"stdin", "stdout", "stderr", "nvram",  "null",
				       "zero",  "full",   "random", "urandom"};

static bool alias_free(const struct zvsh_channels *cs, const char *alias)
{
	for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
		if (strcmp(alias + 5, reserved[i]) == 0)
			return false;
	for (size_t i = 0; i < cs->nch; i++)
		if (cs->ch[i].alias && strcmp(cs->ch[i].alias, alias) == 0)
			return false;
	return true;
}

/*
 * "/dev/" and the last component of path, with every byte other than
 * [A-Za-z0-9._-] made '_', at most ALIAS_NAME_MAX bytes; a name of dots
 * only has them made '_' too, and an empty one is "file". If taken, ".2",
 * ".3" and so on are added.
 */
static char *derive_alias(struct ctx *x, const char *path)
{
	size_t end = strlen(path);
	while (end > 1 && path[end - 1] == '/')
		end--;
	size_t start = end;
	while (start && path[start - 1] != '/')
		start--;
	char name[ALIAS_NAME_MAX + 1];
	size_t n = 0;
	bool dots = true;
	for (size_t i = start; i < end && n < ALIAS_NAME_MAX; i++) {
		char c = path[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
			  c == '_' || c == '-';
		name[n++] = ok ? c : '_';
		dots = dots && c == '.';
	}
	name[n] = 0;
	if (n == 0)
		strcpy(name, "file");
	else if (dots)
		memset(name, '_', n);
	for (unsigned k = 1;; k++) {
		char *alias;
		int r = k == 1 ? asprintf(&alias, "/dev/%s", name) : asprintf(&alias, "/dev/%s.%u", name, k);
		if (r < 0)
			return tool_oom(x->lg), NULL;
		if (alias_free(x->cs, alias))
			return alias;
		free(alias);
	}
}

/* "/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/fd/N", "/proc/self/fd/N":
 * zvsh's descriptor N, or -1 for any other path. */
static int fd_name(const char *p)
{
	static const char *const std[] = {"/dev/stdin", "/dev/stdout", "/dev/stderr"};
	for (int i = 0; i < 3; i++)
		if (strcmp(p, std[i]) == 0)
			return i;
	const char *q;
	if (strncmp(p, "/dev/fd/", 8) == 0)
		q = p + 8;
	else if (strncmp(p, "/proc/self/fd/", 14) == 0)
		q = p + 14;
	else
		return -1;
	if (!*q || strspn(q, "0123456789") != strlen(q) || strlen(q) > 9)
		return -1;
	return atoi(q);
}

/* What the runtime's stat() should say for a host file or descriptor:
 * only a terminal is a character device, because for the runtime a
 * character device answers isatty(); /dev/null reads and writes like a pipe. */
static enum manifest_map host_map(const struct stat *st, int fd)
{
	if (S_ISREG(st->st_mode))
		return MANIFEST_MAP_FILE;
	if (S_ISCHR(st->st_mode)) {
		if (fd >= 0)
			return isatty(fd) ? MANIFEST_MAP_CHAR : MANIFEST_MAP_PIPE;
		unsigned maj = major(st->st_rdev); /* tty, /dev/tty and console, pseudo-terminals */
		return maj == 4 || maj == 5 || (maj >= 136 && maj <= 143) ? MANIFEST_MAP_CHAR : MANIFEST_MAP_PIPE;
	}
	return MANIFEST_MAP_PIPE;
}

enum want { WANT_AUTO, WANT_READ, WANT_WRITE };

/* A descriptor of zvsh's named by path (fd_name): handed to zerovm. */
static int fd_channel(struct ctx *x, const char *what, int fd, enum want want, bool random, struct zvsh_channel *c)
{
	struct stat st;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fstat(fd, &st) < 0)
		return tool_fail(x->lg, TOOL_EXIT_USAGE, "%s: descriptor %d is not open", what, fd);
	if (S_ISSOCK(st.st_mode) || S_ISDIR(st.st_mode) || S_ISBLK(st.st_mode))
		return tool_fail(x->lg, TOOL_EXIT_USAGE, "%s: descriptor %d is not a file, pipe or character device",
				 what, fd);
	int acc = fl & O_ACCMODE;
	c->write = want == WANT_WRITE ||
		   (want == WANT_AUTO && (acc == O_WRONLY || (acc == O_RDWR && (fd == 1 || fd == 2))));
	if (c->write ? acc == O_RDONLY : acc == O_WRONLY)
		return tool_fail(x->lg, TOOL_EXIT_USAGE, "%s: descriptor %d is not open for %s", what, fd,
				 c->write ? "writing" : "reading");
	if (random && !S_ISREG(st.st_mode))
		return tool_fail(x->lg, TOOL_EXIT_USAGE, "%s: not a regular file (an image is read at random offsets)",
				 what);
	/* A descriptor is used as it is, from its position: sequential, unless
	 * it holds an image, which is read at random offsets. */
	c->passfd = fd;
	c->type = random ? 1 : 0;
	c->map = host_map(&st, fd);
	return asprintf(&c->key, "fd:%d", fd) < 0 ? tool_oom(x->lg) : 0; /* the source comes with its number */
}

/* An existing host file: read, unless want says write. */
static int existing_channel(struct ctx *x, const char *what, const char *path, const struct stat *st, enum want want,
			    bool random, struct zvsh_channel *c)
{
	if (S_ISDIR(st->st_mode))
		return tool_fail(x->lg, TOOL_EXIT_USAGE, "%s: is a directory", what);
	if (!S_ISREG(st->st_mode) && !S_ISCHR(st->st_mode) && !S_ISFIFO(st->st_mode))
		return tool_fail(x->lg, TOOL_EXIT_USAGE, "%s: not a regular file, character device or FIFO", what);
	if (random && !S_ISREG(st->st_mode))
		return tool_fail(x->lg, TOOL_EXIT_USAGE, "%s: not a regular file (an image is read at random offsets)",
				 what);
	c->write = want == WANT_WRITE;
	if (access(path, c->write ? W_OK : R_OK) < 0)
		return tool_fail(x->lg, TOOL_EXIT_USAGE, "%s: %s", what, strerror(errno));
	c->type = S_ISREG(st->st_mode) && !c->write ? 1 : 0;
	c->map = host_map(st, -1);
	if (!(c->key = realpath(path, NULL)))
		return tool_fail(x->lg, TOOL_EXIT_USAGE, "%s: %s", what, strerror(errno));
	return (c->source = workdir_source(x->w, x->lg, c->key)) ? 0 : -1;
}

/* A host file that does not exist yet: zerovm creates it, in a directory
 * that must exist. */
static int new_channel(struct ctx *x, const char *what, const char *path, struct zvsh_channel *c)
{
	size_t n = strlen(path);
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || path[n - 1] == '/')
		return tool_fail(x->lg, TOOL_EXIT_USAGE, "%s: No such file or directory", what);
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	if (!dir)
		return tool_oom(x->lg);
	char *real = realpath(dir, NULL);
	int err = errno;
	struct stat st;
	if (real) {
		if (stat(real, &st) < 0)
			err = errno;
		else if (!S_ISDIR(st.st_mode))
			err = ENOTDIR;
		else
			err = access(real, W_OK | X_OK) < 0 ? errno : 0;
	}
	if (!real || err) {
		free(real);
		int r = tool_fail(x->lg, TOOL_EXIT_USAGE, "%s: cannot create a file in %s: %s", what, dir,
				  strerror(err));
		free(dir);
		return r;
	}
	free(dir);
	c->write = true;
	c->type = 0;
	c->map = MANIFEST_MAP_FILE;
	c->key = tool_join(real, base);
	free(real);
	if (!c->key)
		return tool_oom(x->lg);
	return (c->source = workdir_source(x->w, x->lg, c->key)) ? 0 : -1;
}

/*
 * The channel for a host path: a descriptor by name (fd_name), an existing
 * file (read unless want is WANT_WRITE), or a new file (written; refused
 * when want is WANT_READ). random: it must be a regular file. alias: a
 * fixed alias (images; never shared), or NULL: derived from the path, and
 * an earlier channel of the same file is reused. what names it in messages.
 * Returns the channel's index, or -1.
 */
static int host_channel(struct ctx *x, const char *what, const char *path, enum want want, bool random,
			const char *alias)
{
	struct zvsh_channel c = {.passfd = -1, .childfd = -1};
	struct stat st;
	int fd = fd_name(path), r;
	if (fd >= 0)
		r = fd_channel(x, what, fd, want, random, &c);
	else if (stat(path, &st) == 0)
		r = existing_channel(x, what, path, &st, want, random, &c);
	else if (errno != ENOENT)
		r = tool_fail(x->lg, TOOL_EXIT_USAGE, "%s: %s", what, strerror(errno));
	else if (want == WANT_READ)
		r = tool_fail(x->lg, TOOL_EXIT_USAGE, "%s: No such file or directory", what);
	else
		r = new_channel(x, what, path, &c);

	for (size_t i = 0; r == 0 && !alias && i < x->cs->nch; i++) {
		if (!x->cs->ch[i].key || strcmp(x->cs->ch[i].key, c.key) != 0)
			continue;
		if (x->cs->ch[i].write != c.write) {
			r = tool_fail(x->lg, TOOL_EXIT_USAGE, "%s: the same file cannot be both read and written",
				      what);
			break;
		}
		free(c.key);
		free(c.source);
		return (int)i;
	}
	if (r == 0 && c.passfd >= 0) {
		if (x->cs->npass == ZVSH_PASS_MAX)
			r = tool_fail(x->lg, TOOL_EXIT_USAGE, "%s: more than %d descriptors given as channels", what,
				      ZVSH_PASS_MAX);
		else if (asprintf(&c.source, "/dev/fd/%d", c.childfd = ZVSH_FD_PASS + x->cs->npass) < 0)
			r = tool_oom(x->lg);
		else
			x->cs->npass++;
	}
	if (r == 0 && !(c.alias = alias ? strdup(alias) : derive_alias(x, path)))
		r = alias ? tool_oom(x->lg) : -1;
	struct zvsh_channel *slot = r == 0 ? add_channel(x) : NULL;
	if (!slot) {
		free(c.key);
		free(c.source);
		free(c.alias);
		return -1;
	}
	if (alias) { /* never shared */
		free(c.key);
		c.key = NULL;
	}
	*slot = c;
	return (int)(slot - x->cs->ch);
}

static int fixed_channel(struct ctx *x, const char *source, const char *alias, int type, bool write,
			 enum manifest_map map)
{
	struct zvsh_channel *c = add_channel(x);
	if (!c)
		return -1;
	c->source = strdup(source);
	c->alias = strdup(alias);
	c->type = type;
	c->write = write;
	c->map = map;
	return c->source && c->alias ? 0 : tool_oom(x->lg);
}

/* What stat() says for the program's standard stream on zvsh's fd. A
 * socket is relayed through a pipe by run.c, so it is a pipe. */
static enum manifest_map std_map(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return MANIFEST_MAP_PIPE;
	return host_map(&st, fd);
}

int channel_std(struct zvsh_channels *cs, struct tool_log *lg)
{
	struct ctx ctx = {.cs = cs, .lg = lg}, *x = &ctx;
	char out[16], err[16];
	snprintf(out, sizeof out, "/dev/fd/%d", ZVSH_FD_OUT);
	snprintf(err, sizeof err, "/dev/fd/%d", ZVSH_FD_ERR);
	if (fixed_channel(x, "/dev/fd/0", "/dev/stdin", 0, false, std_map(0)) < 0 ||
	    fixed_channel(x, out, "/dev/stdout", 0, true, std_map(1)) < 0 ||
	    fixed_channel(x, err, "/dev/stderr", 0, true, std_map(2)) < 0)
		return -1;
	/* The nvram's path is filled in when the file is written. */
	return fixed_channel(x, "", "/dev/nvram", 1, false, MANIFEST_MAP_DEFAULT);
}

int channel_images(struct zvsh_channels *cs, struct tool_log *lg, struct workdir *w, const struct zvsh_plan *p)
{
	struct ctx ctx = {.cs = cs, .lg = lg, .w = w}, *x = &ctx;
	for (size_t i = 0; i < p->nimg; i++) {
		const struct image *im = &p->img[i];
		char alias[48], *what;
		snprintf(alias, sizeof alias, "/dev/image%zu.tar", i);
		if (asprintf(&what, "--image %s", im->host) < 0)
			return tool_oom(lg);
		cs->img[i] = host_channel(x, what, im->host, im->wo ? WANT_WRITE : WANT_READ, !im->wo, alias);
		free(what);
		if (cs->img[i] < 0)
			return -1;
		cs->ch[cs->img[i]].map = MANIFEST_MAP_DEFAULT;
	}
	return 0;
}

/* A leading "~/" in FILE is $HOME, as the shell would have made it of a
 * word of its own. */
int channel_args(struct zvsh_channels *cs, struct tool_log *lg, struct workdir *w, const struct zvsh_plan *p)
{
	struct ctx ctx = {.cs = cs, .lg = lg, .w = w}, *x = &ctx;
	cs->nwords = 0;
	if (!(cs->words = calloc((size_t)p->nargs + 1, sizeof *cs->words)))
		return tool_oom(lg);
	if (!(cs->words[cs->nwords++] = strdup(p->program)))
		return tool_oom(lg);
	for (int i = 0; i < p->nargs; i++) {
		const char *a = p->args[i];
		char *word;
		if (a[0] == '@' && a[1] && a[1] != '@') {
			const char *home = getenv("HOME");
			char *path = NULL;
			if (strncmp(a + 1, "~/", 2) == 0 && home && *home && asprintf(&path, "%s/%s", home, a + 3) < 0)
				return tool_oom(lg);
			int k = host_channel(x, a, path ? path : a + 1, WANT_AUTO, false, NULL);
			free(path);
			if (k < 0)
				return -1;
			word = strdup(cs->ch[k].alias);
		} else {
			word = strdup(a[0] == '@' && a[1] == '@' ? a + 1 : a);
		}
		if (!word)
			return tool_oom(lg);
		cs->words[cs->nwords++] = word;
	}
	return 0;
}

void channel_free(struct zvsh_channels *cs)
{
	for (size_t i = 0; i < cs->nch; i++) {
		free(cs->ch[i].source);
		free(cs->ch[i].alias);
		free(cs->ch[i].key);
	}
	for (size_t i = 0; i < cs->nwords; i++)
		free(cs->words[i]);
	free(cs->ch);
	free(cs->words);
}
