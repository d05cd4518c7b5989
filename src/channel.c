/*
 * channel.c - opening, serving and closing channel sources, see channel.h.
 *
 * Source kinds (docs/manifest.md, "Channel sources on the host"): regular files read-only, write-only
 * (created 0600, preallocated to put_size unless -P, trimmed at close) or
 * read-write (random-read types only); character devices and FIFOs one way
 * only. The host paths /dev/stdin, /dev/stdout and /dev/stderr are the
 * supervisor's own descriptors 0-2 (duplicated, never reopened): reopening
 * would truncate a redirected output file under the report that follows it.
 */
#include "channel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netchan.h"

/* ---- quota arithmetic (pure) ------------------------------------------ */

int64_t channel_check(const struct channel_view *v, int dir, int64_t size, int64_t offset)
{
	int calls = dir ? LIMIT_PUTS : LIMIT_GETS;
	int bytes = dir ? LIMIT_PUT_SIZE : LIMIT_GET_SIZE;
	if (!v->random)
		offset = 0; /* sequential: the channel's own position is used */
	else if (!dir && offset >= 0 && size > v->size - offset)
		size = v->size - offset; /* negative past the end */
	if (size == 0)
		return 0;
	if (size < 0)
		return -EFAULT;
	if (offset < 0)
		return -EINVAL;
	if (v->used[calls] >= v->limit[calls])
		return -EDQUOT;
	int64_t left = v->limit[bytes] - v->used[bytes];
	if (dir && v->random) {
		/* Random writes stay where the quota could reach: a write-only
		 * channel below put_size, a read-write one below its current
		 * size plus the bytes still allowed. */
		if (!v->readable && offset >= v->limit[LIMIT_PUT_SIZE])
			return -EINVAL;
		if (v->readable && offset >= v->size && (left <= 0 || offset - v->size >= left))
			return -EINVAL;
	}
	if (left <= 0)
		return -EDQUOT;
	return size < left ? size : left;
}

void channel_quota_charge(int64_t used[LIMITS_N], int dir, int64_t n)
{
	used[dir ? LIMIT_PUTS : LIMIT_GETS] += 1;
	used[dir ? LIMIT_PUT_SIZE : LIMIT_GET_SIZE] += n;
}

/* ---- opening ----------------------------------------------------------- */

/* N of "/dev/fd/N" (decimal, no leading zero, below 65536), or -1. */
static int fd_number(const char *path)
{
	if (strncmp(path, "/dev/fd/", 8) != 0 || !path[8] || (path[8] == '0' && path[9]))
		return -1;
	int n = 0;
	for (const char *p = path + 8; *p; p++) {
		if (*p < '0' || *p > '9' || n > 6553)
			return -1;
		n = n * 10 + (*p - '0');
	}
	return n;
}

int channels_inherit(struct channels *cs, const struct manifest *m, struct zvm_error *err)
{
	struct channels_inherited *inh = &cs->inh;
	for (size_t i = 0; i < m->nchannel; i++) {
		const struct manifest_channel *mc = &m->channel[i];
		for (unsigned k = 0; k < mc->nuri; k++) {
			int n = fd_number(mc->uri[k]), j = 0;
			if (n <= 2)
				continue;
			while (j < inh->n && inh->fd[j].n != n)
				j++;
			if (j < inh->n)
				continue;
			if (inh->std_only)
				return zvm_fail(err, ZVM_EXIT_MANIFEST,
						"channel %s: %s: a session run by a server has only the client's "
						"standard streams (0-2)",
						mc->alias, mc->uri[k]),
				       -1;
			if (inh->n == CHANNELS_INHERITED_MAX)
				return zvm_fail(err, ZVM_EXIT_MANIFEST,
						"channel %s: more than %d inherited descriptors", mc->alias,
						CHANNELS_INHERITED_MAX),
				       -1;
			int fd = fcntl(n, F_DUPFD_CLOEXEC, 3);
			if (fd < 0)
				return zvm_fail(err, ZVM_EXIT_IO, "channel %s: %s is not open: %s", mc->alias,
						mc->uri[k], strerror(errno)),
				       -1;
			inh->fd[inh->n].n = n;
			inh->fd[inh->n++].fd = fd;
		}
	}
	return 0;
}

/* The descriptor a standard-stream or "/dev/fd/N" source stands for, or -1
 * for an ordinary path. */
static int std_fd(const struct channels *cs, const char *path)
{
	static const char *const std[] = {"/dev/stdin", "/dev/stdout", "/dev/stderr"};
	for (int i = 0; i < 3; i++)
		if (strcmp(path, std[i]) == 0)
			return i;
	int n = fd_number(path);
	if (n >= 0 && n <= 2)
		return n;
	for (int j = 0; j < cs->inh.n; j++)
		if (cs->inh.fd[j].n == n)
			return cs->inh.fd[j].fd;
	return -1;
}

/* Handle order: the three standard aliases first, the rest by alias. */
static int handle_rank(const char *alias)
{
	static const char *const std[] = {"/dev/stdin", "/dev/stdout", "/dev/stderr"};
	for (int i = 0; i < 3; i++)
		if (strcmp(alias, std[i]) == 0)
			return i;
	return 3;
}

static int cmp_handle(const void *a, const void *b)
{
	const struct channel *x = a, *y = b;
	int rx = handle_rank(x->mc->alias), ry = handle_rank(y->mc->alias);
	if (rx != ry)
		return rx - ry;
	return strcmp(x->mc->alias, y->mc->alias);
}

static bool open_source(struct channels *cs, struct channel *c, unsigned i, const struct channel_opts *o,
			struct zvm_error *err)
{
	const struct manifest_channel *mc = c->mc;
	const char *path = mc->uri[i];
	int fd;

	/* The manifest allows no mix: a channel's sources are all tcp: or
	 * none. */
	if (mc->net)
		return netchan_open_source(cs, c, i, err);

	int sfd = std_fd(cs, path);
	if (sfd >= 0) {
		fd = fcntl(sfd, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return zvm_fail(err, ZVM_EXIT_IO, "channel %s: %s is not open: %s", mc->alias, path,
					strerror(errno));
		/* Its position is shared with whoever gave it to us: -l and
		 * the report need the real one (source_pos). */
		c->shared |= 1u << i;
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0 && (fl & O_APPEND))
			c->append |= 1u << i;
		if (sfd == STDOUT_FILENO && c->writable)
			c->to_stdout = true;
	} else {
		struct stat st;
		bool exists = stat(path, &st) == 0;
		if (exists && !S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode))
			return zvm_fail(err, ZVM_EXIT_PROTO,
					"channel %s: %s: unsupported source (not a file, character device or FIFO)",
					mc->alias, path);
		bool regular = !exists || S_ISREG(st.st_mode);
		int flags = O_CLOEXEC | O_NOCTTY;
		if (c->readable && c->writable) {
			if (!regular)
				return zvm_fail(err, ZVM_EXIT_MANIFEST,
						"channel %s: %s: a device or FIFO can be read or written, not both",
						mc->alias, path);
			if (!channel_random_read(c))
				return zvm_fail(err, ZVM_EXIT_MANIFEST,
						"channel %s: a read-write file needs a random-read type (1 or 3)",
						mc->alias);
			flags |= O_RDWR | O_CREAT;
		} else if (c->writable) {
			flags |= O_WRONLY | (regular ? O_CREAT | O_TRUNC : 0);
		} else {
			flags |= O_RDONLY;
		}
		fd = open(path, flags, 0600);
		/* A read-only file that is not there could not be sized: the
		 * original counted that as a manifest error (14), not I/O. */
		if (fd < 0 && errno == ENOENT && !c->writable)
			return zvm_fail(err, ZVM_EXIT_MANIFEST, "channel %s: cannot open %s: %s", mc->alias, path,
					strerror(errno));
		if (fd < 0)
			return zvm_fail(err, ZVM_EXIT_IO, "channel %s: cannot open %s: %s", mc->alias, path,
					strerror(errno));
	}
	c->fd[i] = fd;
	c->nfd = i + 1;

	struct stat st;
	if (fstat(fd, &st) < 0)
		return zvm_fail(err, ZVM_EXIT_IO, "channel %s: %s: %s", mc->alias, path, strerror(errno));
	enum source_kind kind = S_ISREG(st.st_mode)    ? SOURCE_REGULAR
				: S_ISFIFO(st.st_mode) ? SOURCE_FIFO
				: S_ISCHR(st.st_mode)  ? SOURCE_CHAR
						       : (enum source_kind) - 1;
	if ((int)kind < 0) /* a standard stream that is a socket, say */
		return zvm_fail(err, ZVM_EXIT_PROTO, "channel %s: %s: unsupported source", mc->alias, path);
	if (i > 0 && kind != c->kind)
		return zvm_fail(err, ZVM_EXIT_MANIFEST, "channel %s: replicated sources are of different kinds",
				mc->alias);
	c->kind = kind;
	/* A device or FIFO has no offsets: it is used sequentially whatever
	 * the declared type (which the program still sees). */
	if (kind != SOURCE_REGULAR)
		c->seekable = false;
	if (kind != SOURCE_REGULAR && c->readable && c->writable)
		return zvm_fail(err, ZVM_EXIT_MANIFEST,
				"channel %s: %s: a device or FIFO can be read or written, not both", mc->alias, path);
	if (kind != SOURCE_REGULAR)
		return true;
	if (i > 0) { /* a replica appends where the first source does */
		if (c->writable && sfd < 0 && !channel_random_write(c) && c->putpos &&
		    lseek(fd, c->putpos, SEEK_SET) < 0)
			return zvm_fail(err, ZVM_EXIT_IO, "channel %s: %s: %s", mc->alias, path, strerror(errno));
		return true;
	}

	/* First source of a regular-file channel: size, append position,
	 * preallocation. Standard streams are never preallocated. */
	if (c->readable && channel_random_read(c))
		c->size = st.st_size;
	if (c->writable && c->readable) {
		c->end = st.st_size;
		if (!channel_random_write(c))
			c->putpos = st.st_size; /* type 1 appends */
	}
	bool fresh = !c->readable || st.st_size == 0;
	if (c->writable && fresh && sfd < 0 && !o->no_prealloc && strcmp(path, "/dev/null") != 0) {
		if (ftruncate(fd, mc->limit[LIMIT_PUT_SIZE]) < 0)
			return zvm_fail(err, ZVM_EXIT_IO, "channel %s: cannot preallocate %s: %s", mc->alias, path,
					strerror(errno));
		c->preallocated = true;
	}
	if (c->writable && sfd < 0 && !channel_random_write(c) && c->putpos)
		if (lseek(fd, c->putpos, SEEK_SET) < 0)
			return zvm_fail(err, ZVM_EXIT_IO, "channel %s: %s: %s", mc->alias, path, strerror(errno));
	return true;
}

int channels_open(struct channels *cs, const struct manifest *m, const struct channel_opts *o, struct zvm_error *err)
{
	struct channels_inherited inh = cs->inh; /* from channels_inherit() */
	memset(cs, 0, sizeof *cs);
	cs->inh = inh;
	cs->err = err;
	cs->wake_fd = -1;
	cs->deadline_ms = o->deadline_ms;
	cs->verbosity = o->verbosity;
	cs->ch = calloc(m->nchannel ? m->nchannel : 1, sizeof *cs->ch);
	if (!cs->ch)
		return zvm_fail(err, ZVM_EXIT_NOMEM, "channels: out of memory"), -1;
	cs->n = (uint32_t)m->nchannel;
	for (uint32_t i = 0; i < cs->n; i++) {
		struct channel *c = &cs->ch[i];
		c->mc = &m->channel[i];
		for (unsigned j = 0; j < CHANNEL_URIS_MAX; j++)
			c->fd[j] = -1;
		c->readable = manifest_channel_readable(c->mc);
		c->writable = manifest_channel_writable(c->mc);
		c->seekable = true;
	}
	qsort(cs->ch, cs->n, sizeof *cs->ch, cmp_handle);

	for (uint32_t i = 0; i < cs->n; i++) {
		struct channel *c = &cs->ch[i];
		for (unsigned j = 0; j < c->mc->nuri; j++)
			if (!open_source(cs, c, j, o, err))
				goto fail;
		if (c->mc->etag && !(c->etag = etag_new())) {
			zvm_fail(err, ZVM_EXIT_NOMEM, "channel %s: cannot start etag", c->mc->alias);
			goto fail;
		}
	}
	return 0;
fail:
	channels_close(cs, err);
	return -1;
}

void channels_close(struct channels *cs, struct zvm_error *err)
{
	free(cs->scratch);
	cs->scratch = NULL;
	for (int j = 0; j < cs->inh.n; j++)
		close(cs->inh.fd[j].fd);
	cs->inh.n = 0;
	for (uint32_t i = 0; i < cs->n; i++) {
		struct channel *c = &cs->ch[i];
		if (c->net)
			netchan_close(cs, c, err); /* before the etag is finished: the end marker carries it */
		for (unsigned j = 0; j < c->nfd; j++) {
			if (c->fd[j] < 0)
				continue;
			if (c->preallocated) {
				int64_t real = c->end > c->putpos ? c->end : c->putpos;
				if (ftruncate(c->fd[j], real) < 0)
					zvm_fail(err, ZVM_EXIT_IO, "channel %s: cannot truncate %s: %s", c->mc->alias,
						 c->mc->uri[j], strerror(errno));
			}
			if (close(c->fd[j]) < 0 && errno != EINTR)
				zvm_fail(err, ZVM_EXIT_IO, "channel %s: closing %s: %s", c->mc->alias, c->mc->uri[j],
					 strerror(errno));
			c->fd[j] = -1;
		}
		if (c->etag) {
			etag_finish(c->etag, c->hex);
			c->etag = NULL;
		}
	}
}

/* ---- serving ----------------------------------------------------------- */

/* Read exactly n bytes unless end of input comes first. Sequential sources
 * use the descriptor's own position; random ones pread at off. Looping on
 * short reads makes results independent of pipe timing. Once the session
 * is ending (*stop), a read interrupted by the signal that ended it gives
 * up with what it has instead of waiting again. */
static int64_t read_full(int fd, char *dst, int64_t n, int64_t off, bool random, const volatile sig_atomic_t *stop)
{
	int64_t done = 0;
	while (done < n) {
		ssize_t r = random ? pread(fd, dst + done, (size_t)(n - done), off + done)
				   : read(fd, dst + done, (size_t)(n - done));
		if (r < 0) {
			if (errno == EINTR && !(stop && *stop))
				continue;
			return done ? done : -errno;
		}
		if (r == 0)
			break;
		done += r;
		if (stop && *stop)
			break;
	}
	return done;
}

/* --stream: one read of up to n bytes, as read(2) gives them (what has
 * arrived, 0 at the end); retried only when a signal that does not end
 * the session interrupts it. */
static int64_t read_some(int fd, char *dst, int64_t n, const volatile sig_atomic_t *stop)
{
	for (;;) {
		ssize_t r = read(fd, dst, (size_t)n);
		if (r < 0 && errno == EINTR && !(stop && *stop))
			continue;
		return r < 0 ? -errno : r;
	}
}

/* Write all n bytes. A short count ends early: an error after some bytes
 * (those count), a write that moved nothing (a device that takes no more:
 * -EIO rather than asking forever), the session ending. */
static int64_t write_full(int fd, const char *src, int64_t n, int64_t off, bool random,
			  const volatile sig_atomic_t *stop)
{
	int64_t done = 0;
	while (done < n) {
		ssize_t r = random ? pwrite(fd, src + done, (size_t)(n - done), off + done)
				   : write(fd, src + done, (size_t)(n - done));
		if (r < 0) {
			if (errno == EINTR && !(stop && *stop))
				continue;
			return done ? done : -errno; /* what was written counts */
		}
		if (r == 0)
			return done ? done : -EIO;
		done += r;
		if (stop && *stop)
			break;
	}
	return done;
}

/* Replicas must agree with the first source: read the same n bytes from
 * source j in pieces of a fixed size (the guest chooses n: no allocation
 * of its size) and compare them with the got bytes in dst; the replica must
 * end where the first source did. 0 when they agree, else -EIO. */
static int replica_agrees(struct channels *cs, struct channel *c, unsigned j, const char *dst, int64_t got, int64_t n,
			  int64_t offset, bool random)
{
	if (!cs->scratch && !(cs->scratch = malloc(CHANNEL_SCRATCH)))
		return -ENOMEM;
	int64_t done = 0;
	while (done < n) {
		int64_t want = n - done < CHANNEL_SCRATCH ? n - done : CHANNEL_SCRATCH;
		int64_t r = read_full(c->fd[j], cs->scratch, want, offset + done, random, cs->stop);
		if (r < 0 || done + r > got || memcmp(cs->scratch, dst + done, (size_t)r) != 0)
			return -EIO;
		done += r;
		if (r < want)
			break;
	}
	return done == got ? 0 : -EIO;
}

/* A network channel's read, after the quota checks: the same charging
 * and etag as a file's, counted as network traffic; the end of the stream
 * is where the writers' digests are checked. */
static int32_t net_read(struct channels *cs, struct channel *c, void *dst, int64_t n)
{
	int64_t got = n ? netchan_read(cs, c, dst, n) : 0;
	if (got < 0)
		return (int32_t)got;
	channel_quota_charge(c->used, 0, got);
	cs->net_reads++;
	cs->net_read_bytes += got;
	etag_update(c->etag, dst, (size_t)got);
	if (c->eof && !c->end_checked)
		netchan_check_end(cs, c);
	return (int32_t)got;
}

int32_t channel_read(struct channels *cs, struct channel *c, void *dst, int32_t size, int64_t offset)
{
	bool random = channel_random_read(c) && c->readable;
	const struct channel_view v = {c->mc->limit, c->used, random, c->readable, c->size};
	int64_t n = channel_check(&v, 0, size, offset);
	if (n <= 0)
		return (int32_t)n;
	if (!random && c->eof)
		n = 0;
	if (c->kind == SOURCE_NET)
		return net_read(cs, c, dst, n);

	int64_t got = 0;
	if (n && c->stream)
		got = read_some(c->fd[0], dst, n, cs->stop);
	else if (n)
		got = read_full(c->fd[0], dst, n, offset, random, cs->stop);
	if (got < 0)
		return (int32_t)got;
	for (unsigned j = 1; j < c->nfd && n > 0; j++) {
		int r = replica_agrees(cs, c, j, dst, got, n, offset, random);
		if (r < 0)
			return r;
	}
	if (!random && got < n && !c->stream)
		c->eof = true; /* a stream's end is not sticky: a terminal may give more after ^D */
	channel_quota_charge(c->used, 0, got);
	cs->reads++;
	cs->read_bytes += got;
	etag_update(c->etag, dst, (size_t)got);
	return (int32_t)got;
}

/* Where a sequential write to source j lands in its file: the channel's own
 * count for a file zerovm opened itself, the descriptor's real position for
 * a standard stream or inherited descriptor (shared with whoever wrote to
 * it before, and appending if opened so). */
static int64_t source_pos(const struct channel *c, unsigned j)
{
	if (!(c->shared & (1u << j)))
		return c->putpos;
	struct stat st;
	off_t pos =
		(c->append & (1u << j)) ? (fstat(c->fd[j], &st) == 0 ? st.st_size : -1) : lseek(c->fd[j], 0, SEEK_CUR);
	return pos < 0 ? c->putpos : (int64_t)pos;
}

int32_t channel_write(struct channels *cs, struct channel *c, const void *src, int32_t size, int64_t offset,
		      const struct channel_opts *o)
{
	bool random = channel_random_write(c);
	const struct channel_view v = {c->mc->limit, c->used, random, c->readable, c->size};
	int64_t n = channel_check(&v, 1, size, offset);
	if (n <= 0)
		return (int32_t)n;
	if (c->kind == SOURCE_NET) {
		if ((n = netchan_write(cs, c, src, n)) < 0)
			return (int32_t)n;
		channel_quota_charge(c->used, 1, n);
		cs->net_writes++;
		cs->net_write_bytes += n;
		etag_update(c->etag, src, (size_t)n);
		return (int32_t)n;
	}
	/* -l bounds every regular file absolutely: the guest chooses random
	 * offsets (compare without overflowing), and a standard stream may
	 * already hold bytes written before the session. */
	if (c->kind == SOURCE_REGULAR) {
		for (unsigned j = 0; j < c->nfd; j++) {
			int64_t at = random ? offset : source_pos(c, j);
			if (n > o->fsize_limit - at)
				return CHANNEL_FSIZE_EXCEEDED;
		}
	}
	int64_t at = random ? offset : c->putpos;
	if (at > INT64_MAX - n)
		return -EINVAL;

	/* Replicas are written in turn with the same bytes. A short write
	 * (disk full, say) shortens what the later sources get and what the
	 * call reports, so an earlier source may hold a few bytes more; the
	 * next call reports the error. */
	for (unsigned j = 0; j < c->nfd; j++) {
		int64_t r = write_full(c->fd[j], src, n, at, random, cs->stop);
		if (r < 0)
			return (int32_t)r;
		n = r < n ? r : n;
	}
	if (random) {
		if (at + n > c->end)
			c->end = at + n;
		if (c->readable && at + n > c->size)
			c->size = at + n;
	} else {
		c->putpos += n;
		if (c->readable && channel_random_read(c) && c->putpos > c->size)
			c->size = c->putpos;
	}
	if (n > 0 && c->to_stdout)
		cs->stdout_last = ((const char *)src)[n - 1];
	channel_quota_charge(c->used, 1, n);
	cs->writes++;
	cs->write_bytes += n;
	etag_update(c->etag, src, (size_t)n);
	return (int32_t)n;
}

int channels_stream(struct channels *cs, const char *alias, struct zvm_error *err)
{
	for (uint32_t i = 0; i < cs->n; i++) {
		struct channel *c = &cs->ch[i];
		if (strcmp(c->mc->alias, alias) != 0)
			continue;
		if (!c->readable || channel_random_read(c) || c->nfd != 1)
			return zvm_fail(err, ZVM_EXIT_INVAL,
					"--stream %s: only a readable sequential channel of one source can stream",
					alias),
			       -1;
		c->stream = true;
		return 0;
	}
	return zvm_fail(err, ZVM_EXIT_INVAL, "--stream %s: no such channel", alias), -1;
}
