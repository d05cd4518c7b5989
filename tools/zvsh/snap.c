/*
 * snap.c - warm starts (snap.h; docs/zvsh.1.md, SNAPSHOTS; docs/python.md,
 * "Warm starts").
 *
 * Python from an image starts from a snapshot taken after its start-up:
 * the image's zygote (/usr/lib/zvm/zygote.py, scripts/python-zygote.py)
 * is run once with `zerovm --snapshot`; it imports what running a program
 * needs and reads the runtime's fork file, where the snapshot is taken
 * (docs/zrt.md, "Snapshots"). Later sessions are `zerovm --resume` of that
 * snapshot with their own manifest and nvram: the zygote reads their
 * arguments and environment from the fork file and runs them as python3
 * would.
 *
 * The run that takes the snapshot is given the session's own manifest and
 * nvram with two changes: the nvram's [args] are the program as typed and
 * the zygote's path, its [env] only the variables Python's start-up reads
 * (PATH, HOME, LANG, LANGUAGE, LC_*, TZ). So what is in a snapshot depends
 * on nothing the resumed session may change, and a session's output never
 * depends on which earlier run happened to take the snapshot. The
 * snapshot is cached by the SHA-256 of what it depends on: the identity
 * (device, inode, size, times) of zerovm, of the program and of each image
 * (the zygote is in an image), the manifest less its channels' sources,
 * and that nvram. A snapshot zerovm refuses (stale: something it depends
 * on changed under the same key) is made again. When one cannot be made
 * (an image without the zygote), a marker remembers it and the program
 * runs cold, as it does with --no-snapshot.
 */
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_* are deprecated in 3.0, not removed: deps.c says why */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deps.h"
#include "nvram.h"
#include "snap.h"

#define ZYGOTE "/usr/lib/zvm/zygote.py"

/* The whole of the file open at fd, read from its start, malloc'd and
 * NUL-terminated, or NULL. */
static char *read_fd(int fd, size_t *len)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return NULL;
	char *p = malloc((size_t)st.st_size + 1);
	size_t n = 0;
	while (p && n < (size_t)st.st_size) {
		ssize_t r = pread(fd, p + n, (size_t)st.st_size - n, (off_t)n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	if (!p || n != (size_t)st.st_size)
		return free(p), NULL;
	p[n] = 0;
	*len = n;
	return p;
}

static char *read_all(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *p = fd < 0 ? NULL : read_fd(fd, len);
	if (fd >= 0)
		close(fd);
	return p;
}

/* A file of the session's work directory, which is a memfd when
 * workdir_mem made it so: its path then names zerovm's descriptor, not
 * ours. */
static char *read_work(const struct workdir *w, const char *path, size_t *len)
{
	int mfd = workdir_mem_fd(w, path);
	return mfd >= 0 ? read_fd(mfd, len) : read_all(path, len);
}

/* ---- which sessions ---------------------------------------------------------- */

static bool startup_var(const char *name)
{
	return !strcmp(name, "PATH") || !strcmp(name, "HOME") || !strcmp(name, "LANG") || !strcmp(name, "LANGUAGE") ||
	       !strcmp(name, "TZ") || !strncmp(name, "LC_", 3);
}

/* The forms of python3's command line the zygote runs (python-zygote.py). */
static bool zygote_form(const struct zvsh_channels *cs)
{
	char **w = cs->words + 1;
	size_t n = cs->nwords ? cs->nwords - 1 : 0;
	if (n == 0 || !strcmp(w[0], "-"))
		return !isatty(0); /* a script on stdin, not the interactive prompt */
	if (!strcmp(w[0], "-c") || !strcmp(w[0], "-m"))
		return n >= 2;
	return w[0][0] != '-';
}

static bool may_use(const struct zvsh_plan *p)
{
	if (p->no_snapshot || p->nbind || !p->nimg)
		return false;
	const char *base = strrchr(p->program, '/');
	base = base ? base + 1 : p->program;
	return !strcmp(base, "python3") || !strcmp(base, "python3.11");
}

static bool eligible(const struct zvsh_plan *p, const struct zvsh_channels *cs, bool from_image)
{
	if (!may_use(p) || !from_image || !cs->nwords)
		return false;
	for (size_t i = 0; i < p->nenv; i++)
		if (!strncmp(p->env[i].name, "PYTHON", 6))
			return false; /* start-up options: cold */
	return zygote_form(cs);
}

/* ---- the snapshot's nvram and manifest ------------------------------------------ */

/* The session's nvram with [args] the program as typed and the zygote,
 * [env] the start-up variables only: appended to b. */
static void zygote_nvram(struct tool_buf *b, const char *text, const char *argv0)
{
	enum { OTHER, ARGS, ENV } sec = OTHER;
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n");
		if (l[0] == '[')
			sec = !strncmp(l, "[args]", 6) ? ARGS : !strncmp(l, "[env]", 5) ? ENV : OTHER;
		bool keep = sec == OTHER;
		if (sec == ENV && !strncmp(l, "name=", 5)) {
			char name[64];
			size_t k = strcspn(l + 5, ",\n");
			snprintf(name, sizeof name, "%.*s", (int)(k < 63 ? k : 63), l + 5);
			keep = startup_var(name);
		}
		if (keep || (l[0] == '[' && sec == ENV))
			tool_buf_printf(b, "%.*s\n", (int)n, l);
		l += n + (l[n] == '\n');
	}
	char esc[4 * 256 + 1];
	nvram_escape(argv0, strnlen(argv0, 256), esc, sizeof esc);
	tool_buf_printf(b, "[args]\nargs = \"%s\" %s\n", esc, ZYGOTE);
}

/* The manifest with the source of /dev/nvram replaced by nvram (replace),
 * or without the program's path and the channels' sources (the key's
 * part), into b. */
static void manifest_edit(struct tool_buf *b, const char *text, const char *nvram, bool replace)
{
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n");
		const char *comma = memchr(l, ',', n);
		bool chan = !strncmp(l, "Channel = ", 10) && comma;
		int rest = chan ? (int)(n - (size_t)(comma - l)) : 0;
		if (chan && replace && !strncmp(comma, ", /dev/nvram,", 13))
			tool_buf_printf(b, "Channel = %s%.*s\n", nvram, rest, comma);
		else if (chan && !replace)
			tool_buf_printf(b, "Channel =%.*s\n", rest, comma);
		else if (replace || strncmp(l, "Program = ", 10))
			tool_buf_printf(b, "%.*s\n", (int)n, l);
		l += n + (l[n] == '\n');
	}
}

/* The source of the manifest's /dev/nvram channel, malloc'd, or NULL. */
static char *nvram_source(const char *text)
{
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n");
		const char *comma = memchr(l, ',', n);
		if (!strncmp(l, "Channel = ", 10) && comma && !strncmp(comma, ", /dev/nvram,", 13))
			return strndup(l + 10, (size_t)(comma - l - 10));
		l += n + (l[n] == '\n');
	}
	return NULL;
}

/* The identity of the file at path, named (name NULL: unnamed). */
static void hash_stat(SHA256_CTX *c, const char *what, const char *name, const char *path)
{
	struct stat st;
	char line[4200];
	memset(&st, 0, sizeof st);
	stat(path, &st);
	/* Not the change time: a program from an image is a hard link to the
	 * cached copy, made again (its ctime changed) by every run. */
	int n = snprintf(line, sizeof line, "%s %s %llu %llu %llu %lld.%09ld\n", what, name ? name : "",
			 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino, (unsigned long long)st.st_size,
			 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	SHA256_Update(c, line, (size_t)n);
}

/* The cache's name of the snapshot: "DIR/snap-HEX". */
static char *key_path(const char *zvm, const char *program, const struct zvsh_plan *p, const struct tool_buf *man,
		      const struct tool_buf *nv)
{
	char *dir = deps_cache_dir(), *path = NULL;
	if (!dir || tool_mkdirs(dir) < 0)
		return free(dir), NULL;
	/* libcrypto's SHA-256 core, not EVP (deps.c: EVP's machinery costs
	 * start-up time and does not link into the static zvsh). */
	SHA256_CTX ctx, *c = &ctx;
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256_Init(c);
	SHA256_Update(c, "zvsh-snap-1\n", 12);
	hash_stat(c, "zerovm", zvm, zvm);
	hash_stat(c, "program", NULL, program); /* its path is the work directory's */
	for (size_t i = 0; i < p->nimg; i++)
		hash_stat(c, "image", p->img[i].host, p->img[i].host);
	SHA256_Update(c, man->p, man->len);
	SHA256_Update(c, nv->p, nv->len);
	SHA256_Final(md, c);
	char hex[65];
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	if (asprintf(&path, "%s/snap-%s", dir, hex) < 0)
		path = NULL;
	free(dir);
	return path;
}

/* ---- taking one ------------------------------------------------------------------- */

/* zerovm --snapshot tmp on the zygote's manifest, every stream /dev/null
 * but its report and messages (kept in the work directory, shown with
 * --verbose): whether the snapshot was made. */
static bool take(struct tool_log *lg, struct workdir *w, const struct zvsh_plan *p, const struct zvsh_channels *cs,
		 const char *zvm, const char *manifest, const char *tmp, const struct zerovm_signals *sig)
{
	const char *rep_path, *err_path;
	int rep = workdir_create(w, lg, "snapshot.report", 0600, &rep_path);
	int err = rep < 0 ? -1 : workdir_create(w, lg, "snapshot.messages", 0600, &err_path);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	bool made = false;
	if (rep >= 0 && err >= 0 && null >= 0) {
		int src[ZEROVM_FDS_MAX];
		int n = ZVSH_FD_PASS + (int)cs->npass;
		for (int i = 0; i < n && i < ZEROVM_FDS_MAX; i++)
			src[i] = null;
		src[1] = rep, src[2] = err;
		char *argv[] = {(char *)zvm, "-P", "--snapshot", (char *)tmp, (char *)manifest, NULL};
		if (p->verbose)
			fprintf(stderr, "zvsh: taking a snapshot: %s -P --snapshot %s %s\n", zvm, tmp, manifest);
		struct zerovm_spawn sp = {
			.argv = argv, .src = src, .n = n < ZEROVM_FDS_MAX ? n : ZEROVM_FDS_MAX, .sig = sig};
		pid_t pid = zerovm_start(&sp, lg);
		int ws = 0;
		struct stat st;
		while (pid > 0 && waitpid(pid, &ws, 0) < 0 && errno == EINTR)
			;
		made = pid > 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 0 && stat(tmp, &st) == 0 && st.st_size > 0;
		if (!made && p->verbose) {
			size_t len;
			char *m = read_all(err_path, &len), *r = read_all(rep_path, &len);
			fprintf(stderr, "zvsh: no snapshot (zerovm %d): %s%s", WIFEXITED(ws) ? WEXITSTATUS(ws) : -1,
				m ? m : "", r ? r : "");
			free(m), free(r);
		}
	}
	if (rep >= 0)
		close(rep);
	if (err >= 0)
		close(err);
	if (null >= 0)
		close(null);
	return made;
}

/* Make the snapshot at path (or, when it cannot be, the marker path.none). */
static void build(struct snap *sn, struct tool_log *lg, struct workdir *w, const struct zvsh_plan *p,
		  const struct zvsh_channels *cs, const char *zvm, const char *path, const char *man,
		  const struct tool_buf *nv, const struct zerovm_signals *sig)
{
	const char *nv_path, *man_path;
	struct tool_buf m = {0};
	char *tmp = NULL, *none = NULL;
	if (workdir_write(w, lg, "nvram.snapshot", nv, &nv_path) < 0)
		return;
	manifest_edit(&m, man, nv_path, true);
	if (m.oom || workdir_write(w, lg, "manifest.snapshot", &m, &man_path) < 0 ||
	    asprintf(&tmp, "%s.%ld.tmp", path, (long)getpid()) < 0 || asprintf(&none, "%s.none", path) < 0) {
		free(m.p);
		free(tmp);
		return;
	}
	free(m.p);
	if (take(lg, w, p, cs, zvm, man_path, tmp, sig) && rename(tmp, path) == 0) {
		sn->file = strdup(path);
		sn->fresh = true;
		tool_note(lg, "snapshot %s (new)", path);
	} else {
		unlink(tmp);
		int fd = open(none, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
		tool_note(lg, "no snapshot could be taken: running cold (remembered in %s)", none);
	}
	free(tmp);
	free(none);
}

/* ---- the session's snapshot --------------------------------------------------------- */

/* A copy of the program that no run links or unlinks: zerovm checks that a
 * snapshot is resumed with the program it was taken of, by path and
 * identity, change time included, and a --keep run hard-links the cached
 * prog-... file into its directory (image.c), changing its change time.
 * The copy is made once per cached program (its name: snap- and the
 * cached file's name, which holds the image's identity and the member's
 * place), written under a temporary name and renamed. A program run from
 * the cache names its file; a kept one is found by its inode. malloc'd,
 * or NULL. */
static char *stable_program(const char *program)
{
	struct stat want, st;
	char *dir = deps_cache_dir(), *found = NULL, *tmp = NULL;
	size_t dl = dir ? strlen(dir) : 0;
	bool cached = dir && strncmp(program, dir, dl) == 0 && strncmp(program + dl, "/prog-", 6) == 0 &&
		      !strchr(program + dl + 1, '/');
	bool there = stat(program, &want) == 0;
	if (there && cached && asprintf(&found, "%s/snap-%s", dir, program + dl + 1) < 0)
		found = NULL;
	DIR *dp = there && dir && !cached ? opendir(dir) : NULL;
	struct dirent *de;
	while (dp && !found && (de = readdir(dp)))
		if (!strncmp(de->d_name, "prog-", 5) && fstatat(dirfd(dp), de->d_name, &st, 0) == 0 &&
		    st.st_ino == want.st_ino && st.st_dev == want.st_dev &&
		    asprintf(&found, "%s/snap-%s", dir, de->d_name) < 0)
			found = NULL;
	if (dp)
		closedir(dp);
	free(dir);
	if (!found || access(found, R_OK) == 0)
		return found;
	int in = open(program, O_RDONLY | O_CLOEXEC), out = -1;
	bool ok = in >= 0 && asprintf(&tmp, "%s.%ld.tmp", found, (long)getpid()) >= 0 &&
		  (out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0500)) >= 0;
	for (off_t left = want.st_size; ok && left > 0;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, (size_t)left, 0);
		ok = n > 0;
		left -= n;
	}
	if (out >= 0 && close(out) < 0)
		ok = false;
	if (in >= 0)
		close(in);
	if (!ok || rename(tmp, found) < 0) {
		if (tmp)
			unlink(tmp);
		free(found);
		found = NULL;
	}
	free(tmp);
	return found;
}

/* The manifest at path (text) with its Program line naming program
 * instead, written there and returned (malloc'd), or NULL. */
static char *set_program(const struct workdir *w, const char *path, const char *text, const char *program)
{
	struct tool_buf b = {0};
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n");
		if (!strncmp(l, "Program = ", 10))
			tool_buf_printf(&b, "Program = %s\n", program);
		else
			tool_buf_printf(&b, "%.*s\n", (int)n, l);
		l += n + (l[n] == '\n');
	}
	int mfd = workdir_mem_fd(w, path), r = -1;
	if (b.oom) {
		r = -1;
	} else if (mfd >= 0) {
		r = ftruncate(mfd, 0) == 0 && pwrite(mfd, b.p, b.len, 0) == (ssize_t)b.len ? 0 : -1;
	} else {
		int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
		r = fd >= 0 && tool_put_all(fd, b.p, b.len) == 0 ? 0 : -1;
		if (fd >= 0 && close(fd) < 0)
			r = -1;
	}
	if (r < 0)
		return free(b.p), NULL;
	return b.p;
}

/* The key's inputs and the cached path; the snapshot made when missing
 * (and not marked as impossible) unless only located. */
static void locate(struct snap *sn, struct tool_log *lg, struct workdir *w, const struct zvsh_plan *p,
		   const struct zvsh_channels *cs, const char *program, const char *manifest,
		   const struct zerovm_signals *sig)
{
	size_t mlen, nlen;
	char *stable = stable_program(program), *text = read_work(w, manifest, &mlen);
	/* Program names the cached copy: zerovm checks that a snapshot is
	 * resumed with the program it was taken of, path included. */
	char *man = stable && text ? set_program(w, manifest, text, stable) : NULL;
	free(text);
	char *nvsrc = man ? nvram_source(man) : NULL;
	char *nvtext = nvsrc ? read_work(w, nvsrc, &nlen) : NULL;
	struct tool_log quiet = {.prog = lg->prog};
	char *zvm = nvtext ? zerovm_find(&quiet) : NULL;
	struct tool_buf key = {0}, nv = {0};
	char *path = NULL, *none = NULL;
	if (!zvm) {
		tool_note(lg, "no snapshot (%s): running cold",
			  !stable   ? "the program could not be copied into the cache"
			  : !man    ? "the manifest could not be read or rewritten"
			  : !nvtext ? "the nvram could not be read"
				    : "zerovm was not found");
		goto out;
	}
	manifest_edit(&key, man, NULL, false);
	zygote_nvram(&nv, nvtext, cs->words[0]);
	if (key.oom || nv.oom || !(path = key_path(zvm, stable, p, &key, &nv)) ||
	    asprintf(&none, "%s.none", path) < 0) {
		tool_note(lg, "no snapshot (the cache directory cannot be made, or no memory): running cold");
		goto out;
	}
	if (access(path, R_OK) == 0) {
		sn->file = strdup(path);
		tool_note(lg, "snapshot %s (cached)", path);
	} else if (access(none, F_OK) == 0) {
		tool_note(lg, "no snapshot for this session (%s): running cold", none);
	} else {
		build(sn, lg, w, p, cs, zvm, path, man, &nv, sig);
	}
out:
	free(stable), free(man), free(nvsrc), free(nvtext), free(zvm), free(key.p), free(nv.p), free(path), free(none);
}

void snap_prepare(struct snap *sn, struct tool_log *lg, struct workdir *w, const struct zvsh_plan *p,
		  const struct zvsh_channels *cs, const char *program, bool from_image, const char *manifest,
		  const struct zerovm_signals *sig)
{
	*sn = (struct snap){0};
	if (eligible(p, cs, from_image))
		locate(sn, lg, w, p, cs, program, manifest, sig);
}

void snap_rebuild(struct snap *sn, struct tool_log *lg, struct workdir *w, const struct zvsh_plan *p,
		  const struct zvsh_channels *cs, const char *program, const char *manifest,
		  const struct zerovm_signals *sig)
{
	bool was_fresh = sn->fresh;
	if (sn->file) {
		tool_note(lg, "snapshot %s refused by zerovm (%s)", sn->file,
			  was_fresh ? "new: running cold" : "stale: taken again");
		unlink(sn->file);
		char *none = NULL;
		if (was_fresh && asprintf(&none, "%s.none", sn->file) >= 0) { /* remembered: not taken again */
			int fd = open(none, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
			if (fd >= 0)
				close(fd);
		}
		free(none);
	}
	snap_free(sn);
	if (!was_fresh)
		locate(sn, lg, w, p, cs, program, manifest, sig);
}

void snap_free(struct snap *sn)
{
	free(sn->file);
	*sn = (struct snap){0};
}

int snap_clear_cache(struct tool_log *lg)
{
	static const char *const mine[] = {"snap-", NULL};
	return deps_cache_remove(lg, mine);
}
