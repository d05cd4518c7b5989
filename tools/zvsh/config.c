/*
 * config.c - the second step: turn the parsed command line into the
 * files of a session.
 *
 * In order: the work directory (private and temporary, or --keep DIR); the
 * program (a host file, or a member of an ro image extracted into the work
 * directory); the channels; then the manifest and the nvram.
 *
 * Channels, in the manifest's order:
 *   /dev/stdin   source /dev/fd/0  zerovm's descriptor 0 is zvsh's stdin
 *   /dev/stdout  source /dev/fd/3  a copy of zvsh's stdout (run.c)
 *   /dev/stderr  source /dev/fd/4  a copy of zvsh's stderr
 *   /dev/nvram   the nvram file, read at random offsets
 *   /dev/imageN.tar  one per --image: ro read at random offsets, wo written
 *   /dev/NAME    one per distinct @hostfile argument
 * Every quota is ZVSH_LIMIT: quotas exist in the manifest, not to limit.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "nvram.h"
#include "zvsh.h"

/* Longest name derived from a file for its alias (before ".N"). */
#define ALIAS_NAME_MAX 200

/* ---- channels ---------------------------------------------------------------- */

/* A new channel, zeroed, at the end of z->ch (pointers into z->ch are
 * invalid afterwards). */
static struct zvsh_channel *add_channel(struct zvsh *z)
{
	struct zvsh_channel *c = zvsh_grow(z->ch, &z->chcap, z->nch, sizeof *c);
	if (!c)
		return zvsh_oom(&z->log), NULL;
	z->ch = c;
	c = &c[z->nch++];
	*c = (struct zvsh_channel){.passfd = -1, .childfd = -1};
	return c;
}

/* Names under /dev that an argument's alias never takes: the standard
 * channels, the nvram, and the devices the runtime provides itself (a
 * channel of that alias would replace them). */
static const char *const reserved[] = {"stdin", "stdout", "stderr", "nvram", "null",
				       "zero",  "full",   "random", "urandom"};

static bool alias_free(const struct zvsh *z, const char *alias)
{
	for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
		if (strcmp(alias + 5, reserved[i]) == 0)
			return false;
	for (size_t i = 0; i < z->nch; i++)
		if (z->ch[i].alias && strcmp(z->ch[i].alias, alias) == 0)
			return false;
	return true;
}

/*
 * "/dev/" and the last component of path, with every byte other than
 * [A-Za-z0-9._-] made '_', at most ALIAS_NAME_MAX bytes; a name of dots
 * only has them made '_' too, and an empty one is "file". If taken, ".2",
 * ".3" and so on are added.
 */
static char *derive_alias(struct zvsh *z, const char *path)
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
			return zvsh_oom(&z->log), NULL;
		if (alias_free(z, alias))
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
static enum zvsh_map host_map(const struct stat *st, int fd)
{
	if (S_ISREG(st->st_mode))
		return ZVSH_MAP_FILE;
	if (S_ISCHR(st->st_mode)) {
		if (fd >= 0)
			return isatty(fd) ? ZVSH_MAP_CHAR : ZVSH_MAP_PIPE;
		unsigned maj = major(st->st_rdev); /* tty, /dev/tty and console, pseudo-terminals */
		return maj == 4 || maj == 5 || (maj >= 136 && maj <= 143) ? ZVSH_MAP_CHAR : ZVSH_MAP_PIPE;
	}
	return ZVSH_MAP_PIPE;
}

enum want { WANT_AUTO, WANT_READ, WANT_WRITE };

/* A descriptor of zvsh's named by path (fd_name): handed to zerovm. */
static int fd_channel(struct zvsh *z, const char *what, int fd, enum want want, bool random,
		      struct zvsh_channel *c)
{
	struct stat st;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fstat(fd, &st) < 0)
		return zvsh_fail(&z->log, ZVSH_EXIT_USAGE, "%s: descriptor %d is not open", what, fd);
	if (S_ISSOCK(st.st_mode) || S_ISDIR(st.st_mode) || S_ISBLK(st.st_mode))
		return zvsh_fail(&z->log, ZVSH_EXIT_USAGE, "%s: descriptor %d is not a file, pipe or character device",
				 what, fd);
	int acc = fl & O_ACCMODE;
	c->write = want == WANT_WRITE ||
		   (want == WANT_AUTO && (acc == O_WRONLY || (acc == O_RDWR && (fd == 1 || fd == 2))));
	if (c->write ? acc == O_RDONLY : acc == O_WRONLY)
		return zvsh_fail(&z->log, ZVSH_EXIT_USAGE, "%s: descriptor %d is not open for %s", what, fd,
				 c->write ? "writing" : "reading");
	if (random && !S_ISREG(st.st_mode))
		return zvsh_fail(&z->log, ZVSH_EXIT_USAGE, "%s: not a regular file (an image is read at random offsets)",
				 what);
	/* A descriptor is used as it is, from its position: sequential, unless
	 * it holds an image, which is read at random offsets. */
	c->passfd = fd;
	c->type = random ? 1 : 0;
	c->map = host_map(&st, fd);
	return asprintf(&c->key, "fd:%d", fd) < 0 ? zvsh_oom(&z->log) : 0; /* the source comes with its number */
}

/* An existing host file: read, unless want says write. */
static int existing_channel(struct zvsh *z, const char *what, const char *path, const struct stat *st,
			    enum want want, bool random, struct zvsh_channel *c)
{
	if (S_ISDIR(st->st_mode))
		return zvsh_fail(&z->log, ZVSH_EXIT_USAGE, "%s: is a directory", what);
	if (!S_ISREG(st->st_mode) && !S_ISCHR(st->st_mode) && !S_ISFIFO(st->st_mode))
		return zvsh_fail(&z->log, ZVSH_EXIT_USAGE, "%s: not a regular file, character device or FIFO", what);
	if (random && !S_ISREG(st->st_mode))
		return zvsh_fail(&z->log, ZVSH_EXIT_USAGE, "%s: not a regular file (an image is read at random offsets)",
				 what);
	c->write = want == WANT_WRITE;
	if (access(path, c->write ? W_OK : R_OK) < 0)
		return zvsh_fail(&z->log, ZVSH_EXIT_USAGE, "%s: %s", what, strerror(errno));
	c->type = S_ISREG(st->st_mode) && !c->write ? 1 : 0;
	c->map = host_map(st, -1);
	if (!(c->key = realpath(path, NULL)))
		return zvsh_fail(&z->log, ZVSH_EXIT_USAGE, "%s: %s", what, strerror(errno));
	return (c->source = workdir_source(&z->wd, &z->log, c->key)) ? 0 : -1;
}

/* A host file that does not exist yet: zerovm creates it, in a directory
 * that must exist. */
static int new_channel(struct zvsh *z, const char *what, const char *path, struct zvsh_channel *c)
{
	size_t n = strlen(path);
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || path[n - 1] == '/')
		return zvsh_fail(&z->log, ZVSH_EXIT_USAGE, "%s: No such file or directory", what);
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	if (!dir)
		return zvsh_oom(&z->log);
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
		int r = zvsh_fail(&z->log, ZVSH_EXIT_USAGE, "%s: cannot create a file in %s: %s", what, dir, strerror(err));
		free(dir);
		return r;
	}
	free(dir);
	c->write = true;
	c->type = 0;
	c->map = ZVSH_MAP_FILE;
	c->key = zvsh_join(real, base);
	free(real);
	if (!c->key)
		return zvsh_oom(&z->log);
	return (c->source = workdir_source(&z->wd, &z->log, c->key)) ? 0 : -1;
}

/*
 * The channel for a host path: a descriptor by name (fd_name), an existing
 * file (read unless want is WANT_WRITE), or a new file (written; refused
 * when want is WANT_READ). random: it must be a regular file. alias: a
 * fixed alias (images; never shared), or NULL: derived from the path, and
 * an earlier channel of the same file is reused. what names it in messages.
 * Returns the channel's index, or -1.
 */
static int host_channel(struct zvsh *z, const char *what, const char *path, enum want want, bool random,
			const char *alias)
{
	struct zvsh_channel c = {.passfd = -1, .childfd = -1};
	struct stat st;
	int fd = fd_name(path), r;
	if (fd >= 0)
		r = fd_channel(z, what, fd, want, random, &c);
	else if (stat(path, &st) == 0)
		r = existing_channel(z, what, path, &st, want, random, &c);
	else if (errno != ENOENT)
		r = zvsh_fail(&z->log, ZVSH_EXIT_USAGE, "%s: %s", what, strerror(errno));
	else if (want == WANT_READ)
		r = zvsh_fail(&z->log, ZVSH_EXIT_USAGE, "%s: No such file or directory", what);
	else
		r = new_channel(z, what, path, &c);

	for (size_t i = 0; r == 0 && !alias && i < z->nch; i++) {
		if (!z->ch[i].key || strcmp(z->ch[i].key, c.key) != 0)
			continue;
		if (z->ch[i].write != c.write) {
			r = zvsh_fail(&z->log, ZVSH_EXIT_USAGE, "%s: the same file cannot be both read and written", what);
			break;
		}
		free(c.key);
		free(c.source);
		return (int)i;
	}
	if (r == 0 && c.passfd >= 0) {
		if (z->npass == ZVSH_PASS_MAX)
			r = zvsh_fail(&z->log, ZVSH_EXIT_USAGE, "%s: more than %d descriptors given as channels", what,
				      ZVSH_PASS_MAX);
		else if (asprintf(&c.source, "/dev/fd/%d", c.childfd = ZVSH_FD_PASS + z->npass) < 0)
			r = zvsh_oom(&z->log);
		else
			z->npass++;
	}
	if (r == 0 && !(c.alias = alias ? strdup(alias) : derive_alias(z, path)))
		r = alias ? zvsh_oom(&z->log) : -1;
	struct zvsh_channel *slot = r == 0 ? add_channel(z) : NULL;
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
	return (int)(slot - z->ch);
}

static int fixed_channel(struct zvsh *z, const char *source, const char *alias, int type, bool write,
			 enum zvsh_map map)
{
	struct zvsh_channel *c = add_channel(z);
	if (!c)
		return -1;
	c->source = strdup(source);
	c->alias = strdup(alias);
	c->type = type;
	c->write = write;
	c->map = map;
	return c->source && c->alias ? 0 : zvsh_oom(&z->log);
}

/* What stat() says for the program's standard stream on zvsh's fd. A
 * socket is relayed through a pipe by run.c, so it is a pipe. */
static enum zvsh_map std_map(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return ZVSH_MAP_PIPE;
	return host_map(&st, fd);
}

static int std_channels(struct zvsh *z)
{
	char out[16], err[16];
	snprintf(out, sizeof out, "/dev/fd/%d", ZVSH_FD_OUT);
	snprintf(err, sizeof err, "/dev/fd/%d", ZVSH_FD_ERR);
	if (fixed_channel(z, "/dev/fd/0", "/dev/stdin", 0, false, std_map(0)) < 0 ||
	    fixed_channel(z, out, "/dev/stdout", 0, true, std_map(1)) < 0 ||
	    fixed_channel(z, err, "/dev/stderr", 0, true, std_map(2)) < 0)
		return -1;
	/* The nvram's path is filled in when the file is written. */
	return fixed_channel(z, "", "/dev/nvram", 1, false, ZVSH_MAP_DEFAULT);
}

static int image_channels(struct zvsh *z)
{
	for (size_t i = 0; i < z->plan->nimg; i++) {
		const struct zvsh_image *im = &z->plan->img[i];
		char alias[48], *what;
		snprintf(alias, sizeof alias, "/dev/image%zu.tar", i);
		if (asprintf(&what, "--image %s", im->host) < 0)
			return zvsh_oom(&z->log);
		z->imgchan[i] = host_channel(z, what, im->host, im->wo ? WANT_WRITE : WANT_READ, !im->wo, alias);
		free(what);
		if (z->imgchan[i] < 0)
			return -1;
		z->ch[z->imgchan[i]].map = ZVSH_MAP_DEFAULT;
	}
	return 0;
}

/* The [args] words: the program as typed, then each argument, @FILE
 * replaced by its channel's alias and @@x by @x. A leading "~/" in FILE is
 * $HOME, as the shell would have made it of a word of its own. */
static int arg_channels(struct zvsh *z)
{
	z->nwords = 0;
	if (!(z->words = calloc((size_t)z->plan->nargs + 1, sizeof *z->words)))
		return zvsh_oom(&z->log);
	if (!(z->words[z->nwords++] = strdup(z->plan->program)))
		return zvsh_oom(&z->log);
	for (int i = 0; i < z->plan->nargs; i++) {
		const char *a = z->plan->args[i];
		char *w;
		if (a[0] == '@' && a[1] && a[1] != '@') {
			const char *home = getenv("HOME");
			char *path = NULL;
			if (strncmp(a + 1, "~/", 2) == 0 && home && *home && asprintf(&path, "%s/%s", home, a + 3) < 0)
				return zvsh_oom(&z->log);
			int k = host_channel(z, a, path ? path : a + 1, WANT_AUTO, false, NULL);
			free(path);
			if (k < 0)
				return -1;
			w = strdup(z->ch[k].alias);
		} else {
			w = strdup(a[0] == '@' && a[1] == '@' ? a + 1 : a);
		}
		if (!w)
			return zvsh_oom(&z->log);
		z->words[z->nwords++] = w;
	}
	return 0;
}

/* ---- the program ------------------------------------------------------------- */

static bool any_ro_image(const struct zvsh *z)
{
	for (size_t i = 0; i < z->plan->nimg; i++)
		if (!z->plan->img[i].wo)
			return true;
	return false;
}

/* A host file given as a path: it must be a readable regular file. */
static int host_program(struct zvsh *z, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return zvsh_fail(&z->log, ZVSH_EXIT_NOTFOUND, "%s: %s", z->plan->program, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return zvsh_fail(&z->log, ZVSH_EXIT_NOEXEC, "%s: is a directory", z->plan->program);
	if (!S_ISREG(st.st_mode))
		return zvsh_fail(&z->log, ZVSH_EXIT_NOEXEC, "%s: not a regular file", z->plan->program);
	if (access(path, R_OK) < 0)
		return zvsh_fail(&z->log, ZVSH_EXIT_NOEXEC, "%s: %s", z->plan->program, strerror(errno));
	char *real = realpath(path, NULL);
	if (!real)
		return zvsh_fail(&z->log, ZVSH_EXIT_NOEXEC, "%s: %s", z->plan->program, strerror(errno));
	z->program_path = workdir_source(&z->wd, &z->log, real);
	free(real);
	return z->program_path ? 0 : -1;
}

/* The first executable regular file NAME in the host's $PATH (an empty
 * entry is the current directory), as execvp() would find it; NULL if none. */
static char *path_search(const char *name)
{
	const char *path = getenv("PATH");
	if (!path)
		path = "/bin:/usr/bin";
	for (const char *p = path;; p++) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char *cand;
		if (asprintf(&cand, "%.*s%s%s", (int)n, p, n ? "/" : "./", name) >= 0) {
			struct stat st;
			if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
				return cand;
			free(cand);
		}
		if (!e)
			return NULL;
		p = e;
	}
}

/*
 * The manifest's Program, from the program as typed. With ro images, an
 * absolute path or a bare name is looked for in the images first (as
 * ZeroVM's zvsh did: "zvsh --image rootfs.tar /bin/sh" means the image's
 * shell), then on the host; a relative path with a '/' ("./prog",
 * "build/prog") names a host file first, relative to the current directory.
 * On the host, a path is that file and a bare name is searched in $PATH.
 */
static int resolve_program(struct zvsh *z)
{
	const char *name = z->plan->program;
	bool images = any_ro_image(z), path = strchr(name, '/') != NULL;
	struct stat st;
	if (images && (!path || name[0] == '/' || (stat(name, &st) < 0 && errno == ENOENT))) {
		int r = zvsh_image_find(z, name, &z->program_path);
		if (r <= 0)
			return r;
	}
	if (path) {
		if (stat(name, &st) == 0 || errno != ENOENT || !images)
			return host_program(z, name);
		return zvsh_fail(&z->log, ZVSH_EXIT_NOTFOUND, "%s: No such file or directory (on the host or in the images)",
				 name);
	}
	char *found = path_search(name);
	if (found) {
		int r = host_program(z, found);
		free(found);
		return r;
	}
	if (stat(name, &st) == 0)
		return zvsh_fail(&z->log, ZVSH_EXIT_NOTFOUND,
				 "%s: command not found (a program in the current directory is written ./%s)", name,
				 name);
	return zvsh_fail(&z->log, ZVSH_EXIT_NOTFOUND, "%s: command not found%s", name,
			 images ? " (on the host or in the images)" : "");
}

/* ---- manifest and nvram -------------------------------------------------------- */

static int write_manifest(struct zvsh *z)
{
	struct zvsh_buf b = {0};
	zvsh_buf_printf(&b, "Version = 20130611\nProgram = %s\nMemory = %" PRIu64 ", 0\nTimeout = %" PRIu64 "\n",
			z->program_path, z->plan->memory, z->plan->timeout);
	for (size_t i = 0; i < z->nch; i++) {
		const struct zvsh_channel *c = &z->ch[i];
		uint64_t in = c->write ? 0 : ZVSH_LIMIT, out = c->write ? ZVSH_LIMIT : 0;
		zvsh_buf_printf(&b, "Channel = %s, %s, %d, 0, %" PRIu64 ", %" PRIu64 ", %" PRIu64 ", %" PRIu64 "\n",
				c->source, c->alias, c->type, in, in, out, out);
	}
	const char *path;
	int r = workdir_write(&z->wd, &z->log, "manifest", &b, &path);
	free(b.p);
	if (r == 0 && !(z->manifest_path = strdup(path)))
		return zvsh_oom(&z->log);
	return r;
}

/* s, escaped for any nvram value position (nvram_escape). */
static void put_escaped(struct zvsh_buf *b, const char *s)
{
	size_t len = strlen(s), size = 4 * len + 1;
	char *esc = malloc(size);
	if (!esc) {
		b->oom = true;
		return;
	}
	nvram_escape(s, len, esc, size);
	zvsh_buf_printf(b, "%s", esc);
	free(esc);
}

static const char *map_name(enum zvsh_map m)
{
	return m == ZVSH_MAP_PIPE ? "pipe" : m == ZVSH_MAP_CHAR ? "char" : "file";
}

/* Whether the channel needs a [mapping] line: the standard streams always
 * (so the file says what they are), others when the runtime's default (a
 * random-read channel is a file, any other a character device) is wrong. */
static bool needs_mapping(const struct zvsh_channel *c, size_t i)
{
	if (c->map == ZVSH_MAP_DEFAULT)
		return false;
	return i < 3 || c->map != (c->type == 1 ? ZVSH_MAP_FILE : ZVSH_MAP_CHAR);
}

static void nvram_text(const struct zvsh *z, struct zvsh_buf *b)
{
	zvsh_buf_printf(b, "[args]\nargs =");
	for (size_t i = 0; i < z->nwords; i++) {
		const char *w = z->words[i];
		bool quote = !*w || strpbrk(w, " \t");
		zvsh_buf_printf(b, " %s", quote ? "\"" : "");
		put_escaped(b, w);
		zvsh_buf_printf(b, "%s", quote ? "\"" : "");
	}
	zvsh_buf_printf(b, "\n[env]\n");
	for (size_t i = 0; i < z->plan->nenv; i++) {
		zvsh_buf_printf(b, "name=");
		put_escaped(b, z->plan->env[i].name);
		zvsh_buf_printf(b, ", value=");
		put_escaped(b, z->plan->env[i].value);
		zvsh_buf_printf(b, "\n");
	}
	if (z->plan->nimg)
		zvsh_buf_printf(b, "[fstab]\n");
	for (size_t i = 0; i < z->plan->nimg; i++) {
		zvsh_buf_printf(b, "channel=%s, mountpoint=", z->ch[z->imgchan[i]].alias);
		put_escaped(b, z->plan->img[i].mount);
		zvsh_buf_printf(b, ", access=%s, removable=no\n", z->plan->img[i].wo ? "wo" : "ro");
	}
	bool header = false;
	for (size_t i = 0; i < z->nch; i++) {
		if (!needs_mapping(&z->ch[i], i))
			continue;
		if (!header)
			zvsh_buf_printf(b, "[mapping]\n");
		header = true;
		zvsh_buf_printf(b, "channel=%s, mode=%s\n", z->ch[i].alias, map_name(z->ch[i].map));
	}
	/* The runtime's clock starts here whatever the host's says: runs repeat. */
	zvsh_buf_printf(b, "[time]\nseconds=0\n");
	/* --verbose: the runtime's own diagnostics too (docs/zrt.md). */
	if (z->plan->verbose)
		zvsh_buf_printf(b, "[debug]\nverbosity=1\n");
}

static int write_nvram(struct zvsh *z)
{
	struct zvsh_buf b = {0};
	nvram_text(z, &b);
	if (b.oom)
		return free(b.p), zvsh_oom(&z->log);
	/* Check it with the runtime's own parser: its limits (1024 arguments,
	 * 1 MiB of text, 256 mappings) are met here, not at the runtime's start. */
	size_t size = nvram_arena_size(b.len);
	void *arena = malloc(size);
	if (!arena)
		return free(b.p), zvsh_oom(&z->log);
	struct nvram nv;
	char err[256];
	int r = nvram_parse(b.p, b.len, arena, size, &nv, err, sizeof err);
	free(arena);
	if (r < 0) {
		free(b.p);
		return zvsh_fail(&z->log, ZVSH_EXIT_USAGE, "the runtime would refuse this configuration: %s", err);
	}
	const char *path;
	r = workdir_write(&z->wd, &z->log, "nvram", &b, &path);
	free(b.p);
	if (r < 0)
		return -1;
	struct zvsh_channel *nv_ch = &z->ch[3];
	free(nv_ch->source);
	return (nv_ch->source = strdup(path)) ? 0 : zvsh_oom(&z->log);
}

int zvsh_prepare(struct zvsh *z)
{
	if (workdir_open(&z->wd, &z->log, z->plan->keep) < 0)
		return -1;
	zvsh_note(&z->log, "work directory %s", z->wd.path);
	if (std_channels(z) < 0 || image_channels(z) < 0 || resolve_program(z) < 0 || arg_channels(z) < 0)
		return -1;
	zvsh_note(&z->log, "program %s", z->program_path);
	if (write_nvram(z) < 0 || write_manifest(z) < 0)
		return -1;
	zvsh_note(&z->log, "manifest %s", z->manifest_path);
	return 0;
}

void zvsh_cleanup(struct zvsh *z)
{
	workdir_close(&z->wd);
	for (size_t i = 0; i < z->nch; i++) {
		free(z->ch[i].source);
		free(z->ch[i].alias);
		free(z->ch[i].key);
	}
	for (size_t i = 0; i < z->nwords; i++)
		free(z->words[i]);
	free(z->ch);
	free(z->words);
	free(z->program_path);
	free(z->manifest_path);
}
