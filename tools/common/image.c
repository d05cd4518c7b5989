/*
 * image.c - find the program inside the ro images and extract it.
 *
 * "zvsh --image rootfs.tar sh -c 'ls /'" names a program that exists only
 * in an image, but zerovm loads the program from a host file. So the tool
 * reads
 * the images' headers with the runtime's own reader (zrt/tar.c), lays their
 * entries over one another as the runtime mounts them (in --image order,
 * each under its mountpoint, a later entry replacing an earlier one of the
 * same path), finds the program there the way a path walk inside the sandbox
 * would (symbolic links followed, also in directories: merged-/usr images
 * have /bin -> usr/bin; hard links followed to their file), and copies its
 * data into the work directory as "program".
 *
 * An image that begins with an index (untrusted/tarindex.h) is read from
 * the index, as the runtime mounts it: two reads instead of one per header.
 *
 * Archives are untrusted: paths come sanitized from tar_scan(), symbolic
 * link targets are only ever looked up in this index (never on the host),
 * walks stop after LINKS_MAX links, and the data copied is the member's
 * [offset, offset + size), which tar_scan() checked lies in the archive.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"
#include "tar.h"
#include "tarindex.h"

#define LINKS_MAX 40 /* as the kernel's ELOOP */
#define WALK_MAX (2 * TAR_PATH_MAX + 256)

/* One entry of an image, by its path inside the sandbox. */
struct node {
	char *path; /* "/bin/sh"; the mountpoint itself for the archive's root */
	char *link; /* symlink: the target as stored; hard link: its sandbox path */
	enum tar_type type;
	uint64_t size, offset;
	size_t img; /* index in image_search.img */
	int fd;     /* the image, open for reading */
};

struct index {
	struct node *n;
	size_t len, cap;
	char **chunk; /* the nodes' strings, packed (one malloc per 64 KiB, not two per entry) */
	size_t nchunk, chunk_cap, left, used;
	bool oom;
	size_t img; /* the image being scanned: its index, mountpoint, descriptor */
	const char *mount;
	int fd;
};

/* n bytes for a node's string, from the index's chunks; NULL when out of
 * memory. This runs for every entry of every image (1,300 for Python's):
 * a malloc and a free each, and asprintf, were most of zvsh's lookup. */
static char *chunk_alloc(struct index *ix, size_t n)
{
	enum { CHUNK = 65536 };
	if (n > ix->left) {
		char **c = tool_grow(ix->chunk, &ix->chunk_cap, ix->nchunk, sizeof *c);
		if (!c)
			return NULL;
		ix->chunk = c;
		size_t size = n > CHUNK ? n : CHUNK;
		if (!(c[ix->nchunk] = malloc(size)))
			return NULL;
		ix->nchunk++;
		ix->left = size;
		ix->used = 0;
	}
	char *p = ix->chunk[ix->nchunk - 1] + ix->used;
	ix->used += n;
	ix->left -= n;
	return p;
}

static char *chunk_strdup(struct index *ix, const char *a)
{
	size_t n = strlen(a) + 1;
	char *s = chunk_alloc(ix, n);
	return s ? memcpy(s, a, n) : NULL;
}

/* The sandbox path of an image member: mount joined with the sanitized
 * relative path ("" is the mountpoint itself). */
static char *sandbox_path(struct index *ix, const char *mount, const char *rel)
{
	if (!*rel)
		return chunk_strdup(ix, mount);
	size_t m = strcmp(mount, "/") == 0 ? 0 : strlen(mount);
	char *s = chunk_alloc(ix, m + strlen(rel) + 2);
	if (s) {
		memcpy(s, mount, m);
		s[m] = '/';
		strcpy(s + m + 1, rel);
	}
	return s;
}

static int on_entry(void *ctx, const struct tar_entry *e)
{
	struct index *ix = ctx;
	const char *mount = ix->mount;
	if (strcmp(e->path, TARINDEX_NAME) == 0)
		return 0; /* the index is no file of the tree (zrt/image/mount.c) */
	struct node *n = tool_grow(ix->n, &ix->cap, ix->len, sizeof *n);
	if (!n)
		return ix->oom = true, 1;
	ix->n = n;
	n = &n[ix->len];
	*n = (struct node){.type = e->type, .size = e->size, .offset = e->offset, .img = ix->img, .fd = ix->fd};
	n->path = sandbox_path(ix, mount, e->path);
	if (e->type == TAR_HARDLINK)
		n->link = sandbox_path(ix, mount, e->link);
	else if (e->type == TAR_SYMLINK)
		n->link = chunk_strdup(ix, e->link);
	if (!n->path || ((e->type == TAR_HARDLINK || e->type == TAR_SYMLINK) && !n->link))
		return ix->oom = true, 1;
	ix->len++;
	return 0;
}

static void index_free(struct index *ix)
{
	for (size_t i = 0; i < ix->nchunk; i++)
		free(ix->chunk[i]);
	free(ix->chunk);
	free(ix->n);
}

/* The image's entries from its index into ix: 0, or 1 when it has no usable
 * index (the caller walks its headers then, as the runtime does). */
static int index_read(struct index *ix, int fd, uint64_t size)
{
	struct {
		uint64_t off, size;
	} l;
	if (!tarindex_find(tool_pread_fd, &fd, size, &l.off, &l.size))
		return 1;
	unsigned char *buf = malloc(l.size ? l.size : 1);
	struct tar_entry *e = malloc(sizeof *e);
	struct tar_stats whole;
	unsigned char block[TAR_BLOCK];
	int r = 1;
	if (buf && e && tool_pread_fd(&fd, buf, l.size, l.off) == (int64_t)l.size &&
	    tarindex_scan(buf, l.size, size, NULL, NULL, e, &whole) == 0 &&
	    tarindex_current(tool_pread_fd, &fd, size, whole.end, block))
		r = tarindex_scan(buf, l.size, size, on_entry, ix, e, NULL) == 0 ? 0 : -TAR_EINVAL;
	free(buf);
	free(e);
	return r;
}

/* Scan every ro image into ix. Image descriptors end up in fds[]. */
static int index_load(struct index *ix, struct tool_log *lg, const struct image_search *plan, int *fds)
{
	for (size_t i = 0; i < plan->nimg; i++) {
		const struct image *im = &plan->img[i];
		if (im->wo)
			continue;
		struct stat st;
		int fd = open(im->host, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return tool_fail(lg, TOOL_EXIT_USAGE, "%s: %s", im->spec, strerror(errno));
		fds[i] = fd;
		if (fstat(fd, &st) < 0)
			return tool_fail(lg, TOOL_EXIT_USAGE, "%s: %s", im->spec, strerror(errno));
		ix->img = i;
		ix->fd = fd;
		ix->mount = im->mount;
		int r = index_read(ix, fd, (uint64_t)st.st_size);
		if (r > 0)
			r = tar_scan(tool_pread_fd, &fd, (uint64_t)st.st_size, on_entry, ix, NULL);
		if (ix->oom)
			return tool_oom(lg);
		if (r < 0)
			return tool_fail(lg, TOOL_EXIT_USAGE, "%s: %s", im->spec,
					 r == -TAR_EIO ? "read error" : "not a valid tar archive");
	}
	return 0;
}

/* The node of exactly this sandbox path; the last one wins, as the runtime
 * replaces an earlier entry with a later one. */
static const struct node *lookup(const struct index *ix, const char *path)
{
	for (size_t i = ix->len; i-- > 0;)
		if (strcmp(ix->n[i].path, path) == 0)
			return &ix->n[i];
	return NULL;
}

/*
 * Walk the absolute sandbox path over the index, component by component, as
 * a path walk in the sandbox would: "." and ".." (".." of "/" is "/"),
 * symbolic links anywhere (relative ones from their directory), a missing
 * intermediate directory taken as one (archives often list only files),
 * a file in the middle a failure. Then hard links to their file. The node
 * of a regular file, or NULL.
 */
static const struct node *resolve(const struct index *ix, const char *path)
{
	char todo[WALK_MAX], cur[WALK_MAX], tmp[WALK_MAX];
	if (strlen(path) >= sizeof todo)
		return NULL;
	strcpy(todo, path);
	size_t pos = 0, clen = 0; /* cur[0..clen) is the directory reached: "" for "/", else "/a/b" */
	int links = 0;
	cur[0] = 0;
	for (;;) {
		while (todo[pos] == '/')
			pos++;
		if (!todo[pos])
			break;
		size_t s = pos;
		while (todo[pos] && todo[pos] != '/')
			pos++;
		size_t len = pos - s;
		if (len == 1 && todo[s] == '.')
			continue;
		if (len == 2 && todo[s] == '.' && todo[s + 1] == '.') {
			while (clen && cur[clen - 1] != '/')
				clen--;
			if (clen)
				clen--;
			cur[clen] = 0;
			continue;
		}
		if (clen + 1 + len >= sizeof cur)
			return NULL;
		cur[clen] = '/';
		memcpy(cur + clen + 1, todo + s, len);
		cur[clen + 1 + len] = 0;
		const struct node *n = lookup(ix, cur);
		if (n && n->type == TAR_SYMLINK) {
			if (++links > LINKS_MAX)
				return NULL;
			int k = snprintf(tmp, sizeof tmp, "%s/%s", n->link, todo + pos);
			if (k < 0 || (size_t)k >= sizeof tmp)
				return NULL;
			memcpy(todo, tmp, (size_t)k + 1);
			pos = 0;
			if (n->link[0] == '/')
				clen = 0;
			cur[clen] = 0;
			continue;
		}
		bool more = todo[pos + strspn(todo + pos, "/")] != 0;
		if (n && more && n->type != TAR_DIR)
			return NULL;
		clen += 1 + len;
	}
	const struct node *n = clen ? lookup(ix, cur) : NULL;
	for (int hops = 0; n && n->type == TAR_HARDLINK; hops++)
		n = hops < LINKS_MAX ? lookup(ix, n->link) : NULL;
	return n && n->type == TAR_FILE ? n : NULL;
}

/* Try dir + "/" + name (dir made absolute from "/"); on a hit, *where is set. */
static const struct node *try_in(const struct index *ix, const char *dir, size_t dlen, const char *name, char **where)
{
	char *cand;
	if (asprintf(&cand, "%s%.*s/%s", dlen && dir[0] == '/' ? "" : "/", (int)dlen, dir, name) < 0)
		return NULL;
	const struct node *n = resolve(ix, cand);
	if (n)
		*where = cand;
	else
		free(cand);
	return n;
}

/*
 * Candidates for the program as typed: a path (with '/') is that path in
 * the sandbox, relative ones from "/"; a bare name is looked up in each
 * directory of the program's PATH, then at the top of each ro image.
 */
static const struct node *find(const struct index *ix, const struct image_search *plan, const char *name, char **where)
{
	if (strchr(name, '/'))
		return try_in(ix, "", 0, name[0] == '/' ? name + 1 : name, where);
	const char *path = plan->path;
	for (const char *p = path; p && *p;) {
		size_t n = strcspn(p, ":");
		const struct node *hit = try_in(ix, p, n, name, where);
		if (hit)
			return hit;
		p += n + (p[n] == ':');
	}
	for (size_t i = 0; i < plan->nimg; i++) {
		if (plan->img[i].wo)
			continue;
		const char *m = plan->img[i].mount;
		const struct node *hit = try_in(ix, m, strcmp(m, "/") == 0 ? 0 : strlen(m), name, where);
		if (hit)
			return hit;
	}
	return NULL;
}

/* The member's data into the descriptor out (p names it), which is closed:
 * 0, or -1 (said in lg, unless lg is NULL). */
static int copy_member(struct tool_log *lg, const struct image_search *plan, const struct node *n, int out,
		       const char *p)
{
	char buf[65536];
	uint64_t off = n->offset, left = n->size;
	while (left) {
		size_t want = left < sizeof buf ? (size_t)left : sizeof buf;
		int fd = n->fd;
		int64_t got = tool_pread_fd(&fd, buf, want, off);
		if (got <= 0 || tool_write_all(out, buf, (size_t)got) < 0) {
			close(out);
			if (!lg)
				return -1;
			return tool_fail(lg, TOOL_EXIT_USAGE, "cannot extract the program from %s: %s",
					 plan->img[n->img].spec, got < 0 ? strerror((int)-got) : "read error");
		}
		off += (uint64_t)got;
		left -= (uint64_t)got;
	}
	if (close(out) < 0)
		return lg ? tool_fail(lg, TOOL_EXIT_USAGE, "cannot write %s: %s", p, strerror(errno)) : -1;
	return 0;
}

/*
 * The member extracted into the cache, once: its path (malloc'd), or NULL
 * when it cannot be (the caller extracts into the work directory then).
 * The name holds the image's identity (a changed image has a new ctime,
 * so a new name) and the member's place in it. Written to a temporary
 * name and renamed: a reader never sees a part.
 */
static char *cached(const struct image_search *plan, const struct node *n)
{
	struct stat st;
	char *c = NULL, *tmp = NULL, *dir = strdup(plan->cache);
	if (!dir || fstat(n->fd, &st) < 0 || tool_mkdirs(dir) < 0 ||
	    asprintf(&c, "%s/prog-%llx-%llx-%llx-%llx.%09ld-%llx.%09ld-%llx-%llx", dir, (unsigned long long)st.st_dev,
		     (unsigned long long)st.st_ino, (unsigned long long)st.st_size,
		     (unsigned long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (unsigned long long)st.st_ctim.tv_sec,
		     st.st_ctim.tv_nsec, (unsigned long long)n->offset, (unsigned long long)n->size) < 0) {
		free(dir);
		return NULL;
	}
	free(dir);
	if (access(c, R_OK) == 0)
		return c;
	int fd = -1;
	if (asprintf(&tmp, "%s.%d.tmp", c, (int)getpid()) < 0 ||
	    (fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0500)) < 0 ||
	    copy_member(NULL, plan, n, fd, tmp) < 0 || rename(tmp, c) < 0) {
		if (fd >= 0)
			unlink(tmp);
		free(tmp);
		free(c);
		return NULL;
	}
	free(tmp);
	return c;
}

static int extract(struct workdir *w, struct tool_log *lg, const struct image_search *plan, const struct node *n,
		   char **path)
{
	/* The cached file itself: no work directory to make, link into and
	 * remove (~0.4 ms on ext4). A kept directory (--keep) gets a hard
	 * link, so that it holds everything the run used. */
	char *c = plan->cache ? cached(plan, n) : NULL;
	if (c && !w->keep) {
		*path = c;
		return 0;
	}
	const char *p;
	int out = workdir_create(w, lg, plan->out, 0700, &p);
	if (out < 0) {
		free(c);
		return -1;
	}
	if (c && unlink(p) == 0 && link(c, p) == 0) {
		close(out);
		free(c);
		return (*path = strdup(p)) ? 0 : tool_oom(lg);
	}
	free(c);
	if (c) { /* the link failed (another filesystem): a copy after all */
		close(out);
		if ((out = workdir_create(w, lg, plan->out, 0700, &p)) < 0)
			return -1;
	}
	if (copy_member(lg, plan, n, out, p) < 0)
		return -1;
	return (*path = strdup(p)) ? 0 : tool_oom(lg);
}

int image_find(struct workdir *w, struct tool_log *lg, const struct image_search *plan, const char *name, char **path)
{
	struct index ix = {0};
	int *fds = malloc((plan->nimg ? plan->nimg : 1) * sizeof *fds);
	if (!fds)
		return tool_oom(lg);
	for (size_t i = 0; i < plan->nimg; i++)
		fds[i] = -1;
	int r = index_load(&ix, lg, plan, fds);
	char *where = NULL;
	if (r == 0) {
		const struct node *n = find(&ix, plan, name, &where);
		if (n) {
			r = extract(w, lg, plan, n, path);
			if (r == 0)
				tool_note(lg, "%s: %s from %s", name, where, plan->img[n->img].spec);
		} else {
			r = 1;
		}
	}
	free(where);
	index_free(&ix);
	for (size_t i = 0; i < plan->nimg; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	return r;
}
