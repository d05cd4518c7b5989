/*
 * channel.c - the session's channels (channel.h), and the [args] words
 * that name them.
 *
 * An @FILE argument (and --in FILE, --out FILE) names a descriptor of
 * zvsh's (/dev/fd/N, /proc/self/fd/N: handed to zerovm, written when it is
 * open for writing only, else read), an existing file (read, or written
 * with --out), or a file to create (written, in a directory that must
 * exist; zvsh creates it as a shell's > does, mode 0666 less the umask).
 * The program sees it under the name as typed: the channel's alias is that
 * name made absolute from the program's working directory (guest_path), and
 * the argument stays as typed. @/dev/stdin, @/dev/stdout and @/dev/stderr
 * are the program's own streams already: the word alone is passed. Names
 * that resolve to the same path share one channel when they are the same
 * file in the same direction; an image's channel is never shared.
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
	const char *cwd;   /* the program's working directory (absolute, clean) */
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

char *channel_guest_path(const char *cwd, const char *typed)
{
	size_t cl = strlen(cwd), tl = strlen(typed);
	char *in = malloc(cl + tl + 2), *out = malloc(cl + tl + 2);
	if (!in || !out) {
		free(in);
		free(out);
		return NULL;
	}
	if (typed[0] == '/')
		memcpy(in, typed, tl + 1);
	else
		snprintf(in, cl + tl + 2, "%s/%s", cwd, typed);
	size_t o = 0;
	for (const char *q = in; *q;) {
		while (*q == '/')
			q++;
		const char *e = q;
		while (*e && *e != '/')
			e++;
		size_t n = (size_t)(e - q);
		if (n == 2 && q[0] == '.' && q[1] == '.') {
			while (o && out[o - 1] != '/')
				o--;
			if (o)
				o--; /* the slash before it; "/.." is "/" */
		} else if (n && !(n == 1 && q[0] == '.')) {
			out[o++] = '/';
			memcpy(out + o, q, n);
			o += n;
		}
		q = e;
	}
	if (!o)
		out[o++] = '/';
	out[o] = 0;
	free(in);
	return out;
}

/* Can a manifest line carry it as an alias? Fields are split at commas
 * and trimmed; a line ends at a line break. */
static bool alias_ok(const char *a)
{
	for (const unsigned char *c = (const unsigned char *)a; *c; c++)
		if (*c < 0x20 || *c == 0x7f || *c == ',')
			return false;
	size_t n = strlen(a);
	return n && a[n - 1] != ' ';
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

/* A host file that does not exist yet: created just before zerovm runs,
 * in a directory that must exist. */
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
	c->create = true;
	c->type = 0;
	c->map = MANIFEST_MAP_FILE;
	c->key = tool_join(real, base);
	free(real);
	if (!c->key)
		return tool_oom(x->lg);
	return (c->source = workdir_source(x->w, x->lg, c->key)) ? 0 : -1;
}

/* Another channel where this one would be: two names for one path in the
 * sandbox, or one host file both read and written. 0 to go on (*same set
 * to a channel to share), or -1 (said). */
static int check_clash(struct ctx *x, const char *what, const struct zvsh_channel *c, bool share, int *same)
{
	*same = -1;
	for (size_t i = 0; i < x->cs->nch; i++) {
		const struct zvsh_channel *o = &x->cs->ch[i];
		bool same_file = o->key && c->key && strcmp(o->key, c->key) == 0;
		if (strcmp(o->alias, c->alias) == 0) {
			if (!share || !o->key)
				return tool_fail(x->lg, TOOL_EXIT_USAGE,
						 "%s: the program would see it as %s, which the sandbox has already "
						 "(give the file another name)",
						 what, c->alias);
			if (!same_file)
				return tool_fail(x->lg, TOOL_EXIT_USAGE,
						 "%s: another file is already %s in the sandbox", what, c->alias);
			if (o->write != c->write)
				return tool_fail(x->lg, TOOL_EXIT_USAGE,
						 "%s: the same file cannot be both read and written", what);
			*same = (int)i;
			return 0;
		}
		if (same_file && (o->write || c->write))
			return tool_fail(x->lg, TOOL_EXIT_USAGE,
					 "%s: the same file is also %s in the sandbox, and one of them is written",
					 what, o->alias);
	}
	return 0;
}

/*
 * The channel for a host path: a descriptor by name (fd_name), an existing
 * file (read unless want is WANT_WRITE), or a new file (written; refused
 * when want is WANT_READ). random: it must be a regular file. alias: where
 * the program sees it. share: an earlier channel of the same file at the
 * same alias is reused (arguments), else the alias must be new (images).
 * what names it in messages. Returns the channel's index, or -1.
 */
static int host_channel(struct ctx *x, const char *what, const char *path, enum want want, bool random,
			const char *alias, bool share)
{
	struct zvsh_channel c = {.passfd = -1, .childfd = -1};
	struct stat st;
	int fd = fd_name(path), r;
	if (!alias_ok(alias))
		return tool_fail(x->lg, TOOL_EXIT_USAGE,
				 "%s: a name with a comma or a line break cannot be given to the program as it is "
				 "(rename the file, or use --in/--out with another name)",
				 what);
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
	c.alias = (char *)alias;
	int same = -1;
	if (r == 0)
		r = check_clash(x, what, &c, share, &same);
	c.alias = NULL;
	if (r == 0 && same >= 0) {
		free(c.key);
		free(c.source);
		return same;
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
	if (r == 0 && !(c.alias = strdup(alias)))
		r = tool_oom(x->lg);
	struct zvsh_channel *slot = r == 0 ? add_channel(x) : NULL;
	if (!slot) {
		free(c.key);
		free(c.source);
		free(c.alias);
		return -1;
	}
	if (!share) { /* never shared; created by zerovm (0600), as ZeroVM's images were */
		free(c.key);
		c.key = NULL;
		c.create = false;
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

int channel_image(struct zvsh_channels *cs, struct tool_log *lg, struct workdir *w, const struct zvsh_plan *p, size_t i)
{
	struct ctx ctx = {.cs = cs, .lg = lg, .w = w, .cwd = "/"}, *x = &ctx;
	const struct image *im = &p->img[i];
	char alias[48], *what;
	snprintf(alias, sizeof alias, "/dev/image%zu.tar", i);
	if (asprintf(&what, "--image %s", im->host) < 0)
		return tool_oom(lg);
	cs->img[i] = host_channel(x, what, im->host, im->wo ? WANT_WRITE : WANT_READ, !im->wo, alias, false);
	free(what);
	if (cs->img[i] < 0)
		return -1;
	cs->ch[cs->img[i]].map = MANIFEST_MAP_DEFAULT;
	return 0;
}

int channel_images(struct zvsh_channels *cs, struct tool_log *lg, struct workdir *w, const struct zvsh_plan *p)
{
	for (size_t i = 0; i < p->nimg; i++)
		if (channel_image(cs, lg, w, p, i) < 0)
			return -1;
	return 0;
}

int channel_notes(struct zvsh_channels *cs, struct tool_log *lg, struct workdir *w)
{
	struct ctx ctx = {.cs = cs, .lg = lg, .w = w}, *x = &ctx;
	const char *path;
	struct tool_buf none = {0};
	if (workdir_mem(w, lg, "notes", &none, &path) < 0)
		return -1;
	cs->notes = (int)cs->nch;
	cs->notes_path = path;
	return fixed_channel(x, path, ZVSH_NOTES_ALIAS, 0, true, MANIFEST_MAP_DEFAULT);
}

/* "~/x" is $HOME/x, as the shell would have made it of a word of its own:
 * a new string in *out (NULL when there is no ~/ or no $HOME). */
static int expand_home(struct tool_log *lg, const char *path, char **out)
{
	const char *home = getenv("HOME");
	*out = NULL;
	if (strncmp(path, "~/", 2) == 0 && home && *home && asprintf(out, "%s/%s", home, path + 2) < 0)
		return tool_oom(lg);
	return 0;
}

/* The channel for a name typed on the command line, where the program sees
 * it (from the working directory). Its index, or -1. */
static int named_channel(struct ctx *x, const char *what, const char *typed, enum want want)
{
	char *guest = channel_guest_path(x->cwd, typed);
	if (!guest)
		return tool_oom(x->lg);
	int k = host_channel(x, what, typed, want, false, guest, true);
	free(guest);
	return k;
}

static bool std_name(const char *p)
{
	return strcmp(p, "/dev/stdin") == 0 || strcmp(p, "/dev/stdout") == 0 || strcmp(p, "/dev/stderr") == 0;
}

int channel_args(struct zvsh_channels *cs, struct tool_log *lg, struct workdir *w, const struct zvsh_plan *p)
{
	struct ctx ctx = {.cs = cs, .lg = lg, .w = w, .cwd = p->chdir ? p->chdir : "/"}, *x = &ctx;
	cs->nwords = 0;
	if (!(cs->words = calloc((size_t)p->nargs + 1, sizeof *cs->words)))
		return tool_oom(lg);
	if (!(cs->words[cs->nwords++] = strdup(p->program)))
		return tool_oom(lg);
	for (int i = 0; i < p->nargs; i++) {
		const char *a = p->args[i];
		char *word = NULL;
		if (a[0] == '@' && a[1] && a[1] != '@') {
			char *home;
			if (expand_home(lg, a + 1, &home) < 0)
				return -1;
			const char *typed = home ? home : a + 1;
			if (!std_name(typed) && named_channel(x, a, typed, WANT_AUTO) < 0) {
				free(home);
				return -1;
			}
			word = home ? home : strdup(typed);
		} else {
			word = strdup(a[0] == '@' && a[1] == '@' ? a + 1 : a);
		}
		if (!word)
			return tool_oom(lg);
		cs->words[cs->nwords++] = word;
	}
	return 0;
}

int channel_inout(struct zvsh_channels *cs, struct tool_log *lg, struct workdir *w, const struct zvsh_plan *p)
{
	struct ctx ctx = {.cs = cs, .lg = lg, .w = w, .cwd = p->chdir ? p->chdir : "/"}, *x = &ctx;
	for (size_t i = 0; i < p->nio; i++) {
		const struct zvsh_io *io = &p->io[i];
		char *home, *what;
		if (expand_home(lg, io->path, &home) < 0)
			return -1;
		if (asprintf(&what, "%s %s", io->out ? "--out" : "--in", io->path) < 0) {
			free(home);
			return tool_oom(lg);
		}
		int k = named_channel(x, what, home ? home : io->path, io->out ? WANT_WRITE : WANT_READ);
		free(home);
		free(what);
		if (k < 0)
			return -1;
	}
	return 0;
}

int channel_create_outputs(struct zvsh_channels *cs, struct tool_log *lg)
{
	for (size_t i = 0; i < cs->nch; i++) {
		const struct zvsh_channel *c = &cs->ch[i];
		if (!c->create)
			continue;
		/* As a shell's > does: mode 0666 less the umask. zerovm then
		 * opens the file that is there. */
		int fd = open(c->key, O_WRONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0666);
		if (fd < 0)
			return tool_fail(lg, TOOL_EXIT_USAGE, "cannot create %s: %s", c->key, strerror(errno));
		close(fd);
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
