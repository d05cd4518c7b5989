/*
 * bind.c - --bind and --ro-bind grants (bind.h): checked, packed into the
 * work directory as tars, given to the runtime as channels and [fstab]
 * lines, and, after a session whose program ended by itself, a --bind's
 * write-back archive applied to HOST (apply.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bind.h"

/* a is b, or lies below it (both clean and absolute). */
static bool within(const char *a, const char *b)
{
	size_t l = strlen(b);
	return strncmp(a, b, l) == 0 && (a[l] == 0 || a[l] == '/');
}

/* Grants that would see into each other: a writable grant may neither
 * hold nor lie in another grant or an image (what it holds would be
 * written back into HOST, or its changes lost). 0, or -1 (said). */
static int check_overlaps(struct tool_log *lg, const struct zvsh_plan *p, const struct zvsh_binds *bs)
{
	for (size_t i = 0; i < bs->n; i++) {
		const struct zvsh_bound *a = &bs->b[i];
		const char *name = a->g->writable ? "--bind" : "--ro-bind";
		for (size_t j = i + 1; j < bs->n; j++) {
			const struct zvsh_bound *b = &bs->b[j];
			if ((a->g->writable || b->g->writable) &&
			    (within(a->mount, b->mount) || within(b->mount, a->mount)))
				return tool_fail(lg, TOOL_EXIT_USAGE,
						 "%s %s %s and %s %s %s overlap: a --bind may not hold or lie in "
						 "another grant",
						 name, a->g->host, a->g->guest, b->g->writable ? "--bind" : "--ro-bind",
						 b->g->host, b->g->guest);
		}
		for (size_t k = 0; a->g->writable && k < p->nimg; k++)
			if (strcmp(p->img[k].mount, "/") != 0 && within(p->img[k].mount, a->mount))
				return tool_fail(lg, TOOL_EXIT_USAGE,
						 "--bind %s %s holds the mountpoint %s of --image %s: mount the image "
						 "elsewhere",
						 a->g->host, a->g->guest, p->img[k].mount, p->img[k].host);
		if (a->g->writable && a->file && strcmp(a->mount, "/") == 0)
			return tool_fail(lg, TOOL_EXIT_USAGE,
					 "--bind %s %s: a file must be bound in a directory other than /", a->g->host,
					 a->g->guest);
	}
	return 0;
}

/* ---- packing ------------------------------------------------------------------------------- */

struct pack {
	struct tool_log *lg;
	const char *what; /* "--bind HOST" */
	int fd;
	struct apply_tree *t;
	struct tar_entry e;
	unsigned char hdr[TAR_HDR_MAX];
};

static int put(struct pack *k, const void *p, size_t n)
{
	if (tool_write_all(k->fd, p, n) < 0)
		return tool_fail(k->lg, TOOL_EXIT_USAGE, "%s: cannot write its image: %s", k->what, strerror(errno));
	return 0;
}

/* A member of the tree (the host's view of it), path host-relative. */
static int record(struct pack *k, const char *path, enum tar_type type, uint32_t mode, const char *link)
{
	struct apply_member *m = tool_grow(k->t->m, &k->t->cap, k->t->n, sizeof *m);
	if (!m)
		return tool_oom(k->lg);
	k->t->m = m;
	m = &m[k->t->n++];
	*m = (struct apply_member){
		.path = strdup(path), .type = type, .mode = mode, .link = link ? strdup(link) : NULL};
	return m->path && (!link || m->link) ? 0 : tool_oom(k->lg);
}

/* One entry: host file at hostpath, named name in the tar. */
static int pack_one(struct pack *k, const char *hostpath, const char *name, const struct stat *st)
{
	struct tar_entry *e = &k->e;
	memset(e, 0, sizeof *e);
	if (strlen(name) >= TAR_PATH_MAX)
		return tool_fail(k->lg, TOOL_EXIT_USAGE, "%s: %s: path too long", k->what, hostpath);
	strcpy(e->path, name);
	e->mode = (uint32_t)st->st_mode & 07777;
	e->mtime = st->st_mtime;
	e->uid = e->gid = 1000;
	int fd = -1;
	if (S_ISDIR(st->st_mode)) {
		e->type = TAR_DIR;
	} else if (S_ISLNK(st->st_mode)) {
		e->type = TAR_SYMLINK;
		ssize_t l = readlink(hostpath, e->link, TAR_PATH_MAX - 1);
		if (l <= 0)
			return tool_fail(k->lg, TOOL_EXIT_USAGE, "%s: cannot read the link %s: %s", k->what, hostpath,
					 l < 0 ? strerror(errno) : "empty");
		e->link[l] = 0;
	} else {
		e->type = TAR_FILE;
		e->size = (uint64_t)st->st_size;
		fd = open(hostpath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return tool_fail(k->lg, TOOL_EXIT_USAGE, "%s: cannot read %s: %s", k->what, hostpath,
					 strerror(errno));
	}
	int r = put(k, k->hdr, tar_header(e, k->hdr));
	static char buf[1 << 16];
	for (uint64_t left = e->size; r == 0 && left;) {
		ssize_t n = read(fd, buf, left < sizeof buf ? (size_t)left : sizeof buf);
		if (n <= 0) {
			r = tool_fail(k->lg, TOOL_EXIT_USAGE, "%s: cannot read %s: %s", k->what, hostpath,
				      n < 0 ? strerror(errno) : "it shrank while being read");
			break;
		}
		r = put(k, buf, (size_t)n);
		left -= (uint64_t)n;
	}
	if (fd >= 0)
		close(fd);
	static const char zero[TAR_BLOCK];
	if (r == 0)
		r = put(k, zero, tar_padding(e->size));
	return r;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* The tree under dir (host path), named rel in the tar ("" at the top),
 * in byte order of names at each level. Sockets, FIFOs and devices are
 * left out (and so never touched when applying). */
static int pack_dir(struct pack *k, const char *dir, const char *rel, unsigned depth)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, by_name);
	if (n < 0)
		return tool_fail(k->lg, TOOL_EXIT_USAGE, "%s: cannot read the directory %s: %s", k->what, dir,
				 strerror(errno));
	int r = 0;
	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		if (r < 0 || strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0)
			continue;
		char *hp = tool_join(dir, nm), *tp = NULL;
		struct stat st;
		if (!hp || (*rel ? asprintf(&tp, "%s/%s", rel, nm) : asprintf(&tp, "%s", nm)) < 0) {
			r = tool_oom(k->lg);
		} else if (lstat(hp, &st) < 0) {
			r = tool_fail(k->lg, TOOL_EXIT_USAGE, "%s: %s: %s", k->what, hp, strerror(errno));
		} else if (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
			enum tar_type ty = S_ISDIR(st.st_mode) ? TAR_DIR : S_ISLNK(st.st_mode) ? TAR_SYMLINK : TAR_FILE;
			r = pack_one(k, hp, tp, &st);
			if (r == 0)
				r = record(k, tp, ty, (uint32_t)st.st_mode & 07777,
					   ty == TAR_SYMLINK ? k->e.link : NULL);
			if (r == 0 && ty == TAR_DIR)
				r = depth < 256 ? pack_dir(k, hp, tp, depth + 1)
						: tool_fail(k->lg, TOOL_EXIT_USAGE, "%s: %s: too deep", k->what, hp);
		}
		free(hp);
		free(tp);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r;
}

/* HOST packed into "bindN.tar" in the work directory. 0, or -1 (said). */
static int pack(struct zvsh_bound *b, struct tool_log *lg, struct workdir *w, size_t i, const char **tarpath,
		const struct stat *st)
{
	char name[32];
	snprintf(name, sizeof name, "bind%zu.tar", i);
	struct pack k = {.lg = lg, .t = &b->orig};
	char *whatp;
	if (asprintf(&whatp, "%s %s", b->g->writable ? "--bind" : "--ro-bind", b->g->host) < 0)
		return tool_oom(lg);
	k.what = whatp;
	k.fd = workdir_create(w, lg, name, 0600, tarpath);
	int r = k.fd < 0 ? -1 : 0;
	if (r == 0 && b->file) {
		r = pack_one(&k, b->g->host, b->member, st);
		if (r == 0)
			r = record(&k, b->host_name, TAR_FILE, (uint32_t)st->st_mode & 07777, NULL);
	} else if (r == 0) {
		r = pack_one(&k, b->g->host, "", st); /* "./": the runtime hides what GUEST held */
		if (r == 0)
			r = pack_dir(&k, b->g->host, "", 0);
	}
	unsigned char end[2 * TAR_BLOCK];
	if (r == 0)
		r = put(&k, end, tar_end(end));
	if (k.fd >= 0 && close(k.fd) < 0 && r == 0)
		r = tool_fail(lg, TOOL_EXIT_USAGE, "%s: cannot write its image: %s", whatp, strerror(errno));
	free(whatp);
	apply_tree_sort(&b->orig);
	return r;
}

/* ---- the session ------------------------------------------------------------------------- */

static char *last_part(const char *p)
{
	const char *s = strrchr(p, '/');
	return strdup(s ? s + 1 : p);
}

static char *parent_of(const char *p)
{
	const char *s = strrchr(p, '/');
	return s == p ? strdup("/") : strndup(p, (size_t)(s - p));
}

static int add_channel(struct zvsh_channels *cs, struct tool_log *lg, const char *source, const char *alias, int type,
		       bool write, uint64_t put_size)
{
	struct zvsh_channel *c = tool_grow(cs->ch, &cs->chcap, cs->nch, sizeof *c);
	if (!c)
		return tool_oom(lg);
	cs->ch = c;
	c = &c[cs->nch];
	*c = (struct zvsh_channel){.source = strdup(source),
				   .alias = strdup(alias),
				   .type = type,
				   .write = write,
				   .put_size = put_size,
				   .passfd = -1,
				   .childfd = -1};
	cs->nch++;
	return c->source && c->alias ? (int)(cs->nch - 1) : tool_oom(lg);
}

/* One grant: what HOST is, its tar, its channels. */
static int prepare_one(struct zvsh_bound *b, struct tool_log *lg)
{
	const char *opt = b->g->writable ? "--bind" : "--ro-bind";
	struct stat st;
	if (stat(b->g->host, &st) < 0)
		return tool_fail(lg, TOOL_EXIT_USAGE, "%s %s: %s", opt, b->g->host, strerror(errno));
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return tool_fail(lg, TOOL_EXIT_USAGE, "%s %s: not a directory or a regular file", opt, b->g->host);
	b->file = S_ISREG(st.st_mode);
	if (b->file) {
		b->root = strchr(b->g->host, '/') ? parent_of(b->g->host) : strdup(".");
		b->host_name = last_part(b->g->host);
		b->member = last_part(b->g->guest);
		b->mount = parent_of(b->g->guest);
	} else {
		b->root = strdup(b->g->host);
		b->mount = strdup(b->g->guest);
	}
	if (!b->root || !b->mount || (b->file && (!b->host_name || !b->member)))
		return tool_oom(lg);
	return 0;
}

int bind_prepare(struct zvsh_binds *bs, struct zvsh_channels *cs, struct tool_log *lg, struct workdir *w,
		 const struct zvsh_plan *p)
{
	if (!p->nbind)
		return 0;
	bs->b = calloc(p->nbind, sizeof *bs->b);
	if (!bs->b)
		return tool_oom(lg);
	for (size_t i = 0; i < p->nbind; i++) {
		bs->b[i].g = &p->bind[i];
		bs->n++;
		if (prepare_one(&bs->b[i], lg) < 0)
			return -1;
	}
	if (check_overlaps(lg, p, bs) < 0)
		return -1;
	for (size_t i = 0; i < bs->n; i++) {
		struct zvsh_bound *b = &bs->b[i];
		struct stat st;
		const char *tar;
		if (stat(b->g->host, &st) < 0 || pack(b, lg, w, i, &tar, &st) < 0)
			return lg->status ? -1 : tool_fail(lg, TOOL_EXIT_USAGE, "%s: %s", b->g->host, strerror(errno));
		char alias[48];
		snprintf(alias, sizeof alias, "/dev/bind%zu.tar", i);
		int c = add_channel(cs, lg, tar, alias, 1, false, 0);
		if (c < 0)
			return -1;
		b->img_ch = (size_t)c;
		if (!b->g->writable)
			continue;
		char name[32];
		snprintf(name, sizeof name, "bind%zu.out", i);
		int fd = workdir_create(w, lg, name, 0600, &b->wb);
		if (fd < 0)
			return -1;
		close(fd);
		snprintf(alias, sizeof alias, "/dev/bind%zu.out", i);
		if ((c = add_channel(cs, lg, b->wb, alias, 0, true, p->bind_quota)) < 0)
			return -1;
		b->wb_ch = (size_t)c;
		tool_note(lg, "--bind %s: packed %zu entries; changes come back through %s", b->g->host, b->orig.n,
			  alias);
	}
	return 0;
}

void bind_mounts(const struct zvsh_binds *bs, const struct zvsh_channels *cs, struct manifest_mount *out)
{
	for (size_t i = 0; i < bs->n; i++) {
		const struct zvsh_bound *b = &bs->b[i];
		out[i] = (struct manifest_mount){.alias = cs->ch[b->img_ch].alias,
						 .mount = b->mount,
						 .writeback = b->g->writable ? cs->ch[b->wb_ch].alias : NULL,
						 .strict = !b->g->writable};
	}
}

int bind_finish(struct zvsh_binds *bs, struct tool_log *lg, const struct zvsh_plan *p, const struct report_end *end,
		int status)
{
	for (size_t i = 0; i < bs->n; i++) {
		const struct zvsh_bound *b = &bs->b[i];
		if (!b->g->writable)
			continue;
		if (!end->ended) {
			fprintf(stderr, "zvsh: %s; nothing written back to %s\n", end->why, b->g->host);
			continue;
		}
		struct apply_spec s = {.root = b->root,
				       .shown = b->g->host,
				       .only = b->file ? b->member : NULL,
				       .host_name = b->host_name,
				       .orig = &b->orig,
				       .tar = b->wb};
		uint64_t size;
		switch (apply_writeback(lg, &s, &size)) {
		case APPLY_DONE: break;
		case APPLY_INCOMPLETE:
			if (size >= p->bind_quota)
				fprintf(stderr,
					"zvsh: the program's changes under %s need more than --bind-quota (%" PRIu64
					" bytes); nothing written back to %s\n",
					b->g->guest, p->bind_quota, b->g->host);
			else
				fprintf(stderr,
					"zvsh: the runtime did not finish writing the changes under %s back; nothing "
					"written back to %s\n",
					b->g->guest, b->g->host);
			if (status == 0)
				status = TOOL_EXIT_USAGE;
			break;
		case APPLY_REFUSED:
		case APPLY_PARTLY:
			if (status == 0)
				status = TOOL_EXIT_USAGE;
			break;
		}
	}
	return status;
}

void bind_free(struct zvsh_binds *bs)
{
	for (size_t i = 0; i < bs->n; i++) {
		free(bs->b[i].root);
		free(bs->b[i].host_name);
		free(bs->b[i].member);
		free(bs->b[i].mount);
		apply_tree_free(&bs->b[i].orig);
	}
	free(bs->b);
	*bs = (struct zvsh_binds){0};
}
