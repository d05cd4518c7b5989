/*
 * deps.c - the image of a dynamically linked host program's interpreter and
 * libraries (deps.h).
 *
 * zvsh finds the libraries itself, reading ELF headers with the runtime's
 * own reader (untrusted/elfdyn.c), instead of running the host's ld.so
 * with --list: nothing of the program or its libraries runs on the host,
 * and a cache hit costs a few small reads and stats. The search follows
 * ld.so's order for each DT_NEEDED name: the asking object's DT_RPATH (when
 * it has no DT_RUNPATH) and the program's, its DT_RUNPATH ($ORIGIN is the
 * object's directory), the directories of /etc/ld.so.conf (and the files it
 * includes), which are what ld.so.cache indexes, then the system
 * directories. Each file is packed at the path it was found at, the
 * interpreter at its PT_INTERP path; a library found outside the system
 * directories also gets a symbolic link in /usr/lib/x86_64-linux-gnu, where
 * ld.so inside (which has no ld.so.cache and no /proc/self/exe for $ORIGIN)
 * looks.
 *
 * The image is named by the SHA-256 of what went into it (each file's guest
 * path, host path, device, inode, size, modification and change times), in
 * the cache directory: the same program with the same libraries finds its
 * image without writing anything; a library updated on the host gives a new
 * image. Written to a temporary name and renamed: readers never see a
 * partial image. The archive is deterministic (sorted entries, owner 0,
 * the host files' modes and times).
 */
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_* are deprecated in 3.0, not removed */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <openssl/sha.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deps.h"
#include "elfdyn.h"
#include "tar.h"

#define OBJ_MAX 256
#define DIRS_MAX 128

static const char *const system_dirs[] = {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib"};
#define LINK_DIR "/usr/lib/x86_64-linux-gnu"

struct obj {
	char *name;  /* the DT_NEEDED name ("" for the program and the interpreter) */
	char *guest; /* path in the image */
	char *host;  /* the file packed there (or, for a link, its target) */
	bool link;
	struct stat st;
};

struct deps {
	struct tool_log *lg;
	const char *name; /* the program, as typed */
	struct obj obj[OBJ_MAX];
	size_t n;
	char *conf[DIRS_MAX];
	size_t nconf;
	char *prog_rpath; /* the program's DT_RPATH when it has no DT_RUNPATH, else NULL */
};

/* ---- /etc/ld.so.conf -------------------------------------------------------- */

static void conf_add(struct deps *d, const char *dir)
{
	for (size_t i = 0; i < d->nconf; i++)
		if (strcmp(d->conf[i], dir) == 0)
			return;
	if (d->nconf < DIRS_MAX && dir[0] == '/')
		d->conf[d->nconf++] = strdup(dir);
}

static void conf_read(struct deps *d, const char *path, int depth)
{
	FILE *f = depth < 8 ? fopen(path, "re") : NULL;
	if (!f)
		return;
	char line[PATH_MAX];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "#\n")] = 0;
		char *s = line + strspn(line, " \t");
		size_t n = strlen(s);
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			s[--n] = 0;
		if (!*s)
			continue;
		if (strncmp(s, "include", 7) == 0 && (s[7] == ' ' || s[7] == '\t')) {
			glob_t g;
			char *pat = s + 8 + strspn(s + 8, " \t");
			if (glob(pat, 0, NULL, &g) == 0) {
				for (size_t i = 0; i < g.gl_pathc; i++)
					conf_read(d, g.gl_pathv[i], depth + 1);
				globfree(&g);
			}
			continue;
		}
		conf_add(d, s);
	}
	fclose(f);
}

/* ---- finding a library -------------------------------------------------------- */

/* An x86-64 ELF object at path: 0 and its headers, else -1. */
static int open_elf(const char *path, struct elfdyn *e, struct stat *st, int *fdp)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	const char *why;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) ||
	    elfdyn_parse(tool_pread_fd, &fd, (uint64_t)st->st_size, e, &why) < 0) {
		close(fd);
		return -1;
	}
	*fdp = fd;
	return 0;
}

/* Look for name in each directory of a colon-separated list (origin: the
 * directory $ORIGIN stands for). The path found, malloc'd, or NULL. */
static char *search_list(const char *list, const char *origin, const char *name)
{
	char *copy = strdup(list), *save = NULL;
	char *found = NULL;
	for (char *dir = copy ? strtok_r(copy, ":", &save) : NULL; dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *p = NULL;
		if (strncmp(dir, "$ORIGIN", 7) == 0 || strncmp(dir, "${ORIGIN}", 9) == 0) {
			const char *rest = dir + (dir[1] == '{' ? 9 : 7);
			if (asprintf(&p, "%s%s/%s", origin, rest, name) < 0)
				p = NULL;
		} else if (dir[0] == '/' && asprintf(&p, "%s/%s", dir, name) < 0) {
			p = NULL;
		}
		struct stat st;
		if (p && stat(p, &st) == 0 && S_ISREG(st.st_mode))
			found = p;
		else
			free(p);
	}
	free(copy);
	return found;
}

static bool in_system_dir(const char *path)
{
	for (size_t i = 0; i < sizeof system_dirs / sizeof system_dirs[0]; i++) {
		size_t n = strlen(system_dirs[i]);
		if (strncmp(path, system_dirs[i], n) == 0 && path[n] == '/' && !strchr(path + n + 1, '/'))
			return true;
	}
	return false;
}

static int add_obj(struct deps *d, const char *name, const char *guest, const char *host, bool link)
{
	if (d->n == OBJ_MAX)
		return tool_fail(d->lg, TOOL_EXIT_USAGE, "%s needs more than %d libraries", d->name, OBJ_MAX);
	struct obj *o = &d->obj[d->n];
	*o = (struct obj){.name = strdup(name), .guest = strdup(guest), .host = strdup(host), .link = link};
	if (!o->name || !o->guest || !o->host)
		return tool_oom(d->lg);
	if (!link && stat(host, &o->st) < 0)
		return tool_fail(d->lg, TOOL_EXIT_NOEXEC, "%s: %s: %s", d->name, host, strerror(errno));
	d->n++;
	return 0;
}

static bool have_name(const struct deps *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->obj[i].name, name) == 0)
			return true;
	return false;
}

/* Read the object's dynamic section: its needed names, searched for and
 * added, each then read in turn (breadth first, as ld.so loads). */
static int walk(struct deps *d, size_t first)
{
	for (size_t k = first; k < d->n; k++) {
		if (d->obj[k].link)
			continue;
		struct elfdyn e;
		struct elfdyn_deps dd;
		struct stat st;
		int fd;
		const char *why = NULL;
		if (open_elf(d->obj[k].host, &e, &st, &fd) < 0)
			return tool_fail(d->lg, TOOL_EXIT_NOEXEC, "%s: %s is not an x86-64 ELF object", d->name,
					 d->obj[k].host);
		char rpath[ELFDYN_STR_MAX] = "", runpath[ELFDYN_STR_MAX] = "", need[ELFDYN_STR_MAX];
		int r = elfdyn_deps(tool_pread_fd, &fd, (uint64_t)st.st_size, &e, &dd, &why);
		if (r == 0 && dd.has_rpath)
			r = elfdyn_string(tool_pread_fd, &fd, &dd, dd.rpath, rpath, sizeof rpath, &why);
		if (r == 0 && dd.has_runpath)
			r = elfdyn_string(tool_pread_fd, &fd, &dd, dd.runpath, runpath, sizeof runpath, &why);
		if (r == 0 && k == 0 && dd.has_rpath && !dd.has_runpath && !(d->prog_rpath = strdup(rpath)))
			r = tool_oom(d->lg);
		char origin[PATH_MAX];
		char *real = realpath(d->obj[k].host, NULL);
		snprintf(origin, sizeof origin, "%s", real ? real : d->obj[k].host);
		free(real);
		char *slash = strrchr(origin, '/');
		if (slash)
			*slash = 0;
		for (unsigned i = 0; r == 0 && i < dd.nneeded; i++) {
			if (elfdyn_string(tool_pread_fd, &fd, &dd, dd.needed[i], need, sizeof need, &why) < 0) {
				r = -1;
				break;
			}
			if (have_name(d, need))
				continue;
			char *found = NULL;
			if (strchr(need, '/')) {
				found = strdup(need);
			} else {
				if (!dd.has_runpath && rpath[0])
					found = search_list(rpath, origin, need);
				if (!found && !dd.has_runpath && d->prog_rpath && k != 0)
					found = search_list(d->prog_rpath, origin, need);
				if (!found && runpath[0])
					found = search_list(runpath, origin, need);
				for (size_t c = 0; !found && c < d->nconf; c++)
					found = search_list(d->conf[c], origin, need);
				for (size_t c = 0; !found && c < sizeof system_dirs / sizeof system_dirs[0]; c++)
					found = search_list(system_dirs[c], origin, need);
			}
			if (!found) {
				close(fd);
				return tool_fail(d->lg, TOOL_EXIT_NOEXEC,
						 "%s needs %s, which is not on this host where ld.so would look for "
						 "it",
						 d->name, need);
			}
			r = add_obj(d, need, found, found, false);
			if (r == 0 && !strchr(need, '/') && !in_system_dir(found)) {
				char *at = tool_join(LINK_DIR, need);
				r = at ? add_obj(d, need, at, found, true) : tool_oom(d->lg);
				free(at);
			}
			free(found);
		}
		close(fd);
		if (r < 0)
			return why ? tool_fail(d->lg, TOOL_EXIT_NOEXEC, "%s: %s: %s", d->name, d->obj[k].host, why)
				   : -1;
	}
	return 0;
}

/* ---- the image ---------------------------------------------------------------- */

static int by_guest(const void *a, const void *b)
{
	return strcmp(((const struct obj *)a)->guest, ((const struct obj *)b)->guest);
}

/*
 * The key's digest is libcrypto's SHA-256 core (SHA256_Init/Update/Final),
 * not EVP: EVP starts OpenSSL's provider and configuration machinery, and
 * pulls in what keeps zvsh from being linked statically against musl as
 * the supervisor is (a dynamically linked glibc program spends ~1 ms of
 * CPUID instructions in its start-up on our machines: docs/performance.md).
 * As in src/etag.c, the two symbols that would pull in libcrypto's CPU
 * probe (a constructor running a dozen CPUIDs at every start, digest or
 * not) are ours, and the capability vector is filled on first use. Bits
 * follow OPENSSL_ia32cap(3): word 1 is CPUID.1:ECX, word 2 CPUID.7.0:EBX.
 */
unsigned int OPENSSL_ia32cap_P[4];
void OPENSSL_cleanse(void *p, size_t n);

void OPENSSL_cleanse(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
}

static void cpu_caps(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	unsigned a, b, c, dx;
	__asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(dx) : "a"(0), "c"(0));
	unsigned max = a;
	__asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(dx) : "a"(1), "c"(0));
	unsigned ecx1 = c, ebx7 = 0;
	if (max >= 7) {
		__asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(dx) : "a"(7), "c"(0));
		ebx7 = b;
	}
	bool ymm = false; /* AVX paths need the OS to save YMM state (XCR0) */
	if (ecx1 & (1u << 27)) {
		unsigned lo, hi;
		__asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		ymm = (lo & 6) == 6;
	}
	OPENSSL_ia32cap_P[1] = ecx1 & ((1u << 9) | (ymm ? 1u << 28 : 0));                           /* SSSE3, AVX */
	OPENSSL_ia32cap_P[2] = ebx7 & ((1u << 29) | (ymm ? (1u << 3) | (1u << 5) | (1u << 8) : 0)); /* SHA, BMI, AVX2 */
}

static void key_of(struct deps *d, char hex[65])
{
	cpu_caps();
	SHA256_CTX c;
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256_Init(&c);
	SHA256_Update(&c, "zvsh-deps-1\n", 12);
	for (size_t i = 0; i < d->n; i++) {
		const struct obj *o = &d->obj[i];
		char line[PATH_MAX * 2 + 200];
		int n = snprintf(line, sizeof line, "%s\n%s\n%d %llu %llu %llu %lld.%09ld %lld.%09ld\n", o->guest,
				 o->host, o->link, (unsigned long long)o->st.st_dev, (unsigned long long)o->st.st_ino,
				 (unsigned long long)o->st.st_size, (long long)o->st.st_mtim.tv_sec,
				 o->st.st_mtim.tv_nsec, (long long)o->st.st_ctim.tv_sec, o->st.st_ctim.tv_nsec);
		SHA256_Update(&c, line, (size_t)n);
	}
	SHA256_Final(md, &c);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* PUT_CHANGED: a file that is not what the walk saw (its size changed, or
 * it ended early): packing it would make an image that does not match its
 * key, so the image is not made and the user is told to run again. */
#define PUT_CHANGED (-2)

/* o's header and data into out: 0, -1 with errno set, or PUT_CHANGED. */
static int put_file(int out, const struct obj *o, unsigned char *hdr)
{
	int fd = open(o->host, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		errno = e;
		return -1;
	}
	if (st.st_size != o->st.st_size) {
		close(fd);
		return PUT_CHANGED;
	}
	struct tar_entry *e = calloc(1, sizeof *e);
	if (!e) {
		close(fd);
		return -1;
	}
	snprintf(e->path, sizeof e->path, "%s", o->guest + 1);
	e->type = TAR_FILE;
	e->mode = st.st_mode & 0755;
	e->size = (uint64_t)st.st_size;
	e->mtime = st.st_mtim.tv_sec;
	size_t n = tar_header(e, hdr);
	free(e);
	int r = tool_write_all(out, hdr, n);
	static char buf[1 << 16];
	uint64_t left = (uint64_t)st.st_size;
	while (r == 0 && left) {
		ssize_t k = read(fd, buf, left < sizeof buf ? (size_t)left : sizeof buf);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			r = k == 0 ? PUT_CHANGED : -1;
			break;
		}
		r = tool_write_all(out, buf, (size_t)k);
		left -= (uint64_t)k;
	}
	int saved = errno;
	close(fd);
	errno = saved;
	memset(hdr, 0, 512);
	return r == 0 ? tool_write_all(out, hdr, tar_padding((uint64_t)st.st_size)) : r;
}

static int put_link(int out, const struct obj *o, unsigned char *hdr)
{
	struct tar_entry *e = calloc(1, sizeof *e);
	if (!e)
		return -1;
	snprintf(e->path, sizeof e->path, "%s", o->guest + 1);
	snprintf(e->link, sizeof e->link, "%s", o->host);
	e->type = TAR_SYMLINK;
	e->mode = 0777;
	size_t n = tar_header(e, hdr);
	free(e);
	return tool_write_all(out, hdr, n);
}

static int write_image(struct deps *d, const char *path)
{
	char *tmp = NULL;
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return tool_oom(d->lg);
	int out = mkstemp(tmp);
	if (out < 0) {
		tool_fail(d->lg, TOOL_EXIT_USAGE, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	unsigned char *hdr = calloc(1, TAR_HDR_MAX);
	int r = hdr ? 0 : -1;
	size_t i;
	for (i = 0; r == 0 && i < d->n; i++)
		r = d->obj[i].link ? put_link(out, &d->obj[i], hdr) : put_file(out, &d->obj[i], hdr);
	if (r == PUT_CHANGED) {
		tool_fail(d->lg, TOOL_EXIT_USAGE, "%s: %s changed while its libraries were packed; run again", d->name,
			  d->obj[i - 1].host);
		close(out);
		unlink(tmp);
		free(hdr);
		free(tmp);
		return -1;
	}
	if (r == 0) {
		memset(hdr, 0, TAR_HDR_MAX);
		r = tool_write_all(out, hdr, tar_end(hdr));
	}
	free(hdr);
	if (r == 0 && (fchmod(out, 0644) < 0 || fsync(out) < 0))
		r = -1;
	if (close(out) < 0)
		r = -1;
	if (r == 0 && rename(tmp, path) < 0)
		r = -1;
	if (r < 0) {
		tool_fail(d->lg, TOOL_EXIT_USAGE, "%s: cannot write the image of its libraries: %s", d->name,
			  strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return r;
}

char *deps_cache_dir(void)
{
	const char *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
	char *p = NULL;
	if (x && x[0] == '/')
		return asprintf(&p, "%s/zvsh", x) < 0 ? NULL : p;
	if (h && h[0] == '/')
		return asprintf(&p, "%s/.cache/zvsh", h) < 0 ? NULL : p;
	return NULL;
}

int deps_image(struct tool_log *lg, const char *path, const char *name, char **tar)
{
	struct deps *d = calloc(1, sizeof *d);
	if (!d)
		return tool_oom(lg);
	d->lg = lg;
	d->name = name;
	*tar = NULL;
	int r = -1;
	struct elfdyn e;
	struct stat st;
	int fd;
	char interp[ELFDYN_STR_MAX];
	const char *why = "not an x86-64 ELF program";
	if (open_elf(path, &e, &st, &fd) < 0 ||
	    (elfdyn_interp(tool_pread_fd, &fd, &e, interp, sizeof interp, &why) != 0 && (close(fd), 1))) {
		tool_fail(lg, TOOL_EXIT_NOEXEC, "%s: %s", name, why);
		goto out;
	}
	close(fd);
	if (interp[0] != '/' || access(interp, R_OK) < 0) {
		tool_fail(lg, TOOL_EXIT_NOEXEC, "%s: its interpreter %s is not on this host", name, interp);
		goto out;
	}
	conf_read(d, "/etc/ld.so.conf", 0);
	/* obj[0] is the program itself, for its dependencies; it is not
	 * packed (zerovm loads it from the host). */
	if (add_obj(d, "", path, path, false) < 0 || add_obj(d, "", interp, interp, false) < 0 || walk(d, 0) < 0)
		goto out;
	free(d->obj[0].name), free(d->obj[0].guest), free(d->obj[0].host); /* the program is not packed */
	d->n--;
	memmove(&d->obj[0], &d->obj[1], d->n * sizeof d->obj[0]);
	memset(&d->obj[d->n], 0, sizeof d->obj[0]);
	qsort(d->obj, d->n, sizeof d->obj[0], by_guest);
	char hex[65];
	key_of(d, hex);
	char *dir = deps_cache_dir();
	if (!dir || tool_mkdirs(dir) < 0) {
		tool_fail(lg, TOOL_EXIT_USAGE,
			  "%s is dynamically linked and its libraries are packed into a cache: set HOME or "
			  "XDG_CACHE_HOME to a directory zvsh may use (%s)",
			  name, dir ? strerror(errno) : "neither is set");
		free(dir);
		goto out;
	}
	if (asprintf(tar, "%s/deps-%s.tar", dir, hex) < 0) {
		*tar = NULL;
		free(dir);
		tool_oom(lg);
		goto out;
	}
	free(dir);
	if (access(*tar, R_OK) == 0) {
		tool_note(lg, "libraries of %s: %s (cached)", name, *tar);
		r = 0;
	} else {
		r = write_image(d, *tar);
		tool_note(lg, "libraries of %s: %s (%zu files, new)", name, *tar, d->n);
	}
out:
	for (size_t i = 0; i < OBJ_MAX && i <= d->n; i++) {
		free(d->obj[i].name), free(d->obj[i].guest), free(d->obj[i].host);
	}
	for (size_t i = 0; i < d->nconf; i++)
		free(d->conf[i]);
	free(d->prog_rpath);
	free(d);
	if (r < 0) {
		free(*tar);
		*tar = NULL;
	}
	return r;
}

int deps_cache_remove(struct tool_log *lg, const char *const *prefix)
{
	char *dir = deps_cache_dir();
	if (!dir)
		return 0;
	DIR *dp = opendir(dir);
	int r = 0;
	if (!dp) {
		r = errno == ENOENT ? 0 : tool_fail(lg, TOOL_EXIT_USAGE, "%s: %s", dir, strerror(errno));
		free(dir);
		return r;
	}
	struct dirent *de;
	while ((de = readdir(dp))) {
		const char *const *k = prefix;
		while (*k && strncmp(de->d_name, *k, strlen(*k)) != 0)
			k++;
		if (*k && unlinkat(dirfd(dp), de->d_name, 0) < 0)
			r = tool_fail(lg, TOOL_EXIT_USAGE, "%s/%s: %s", dir, de->d_name, strerror(errno));
	}
	closedir(dp);
	free(dir);
	return r;
}

int deps_clear_cache(struct tool_log *lg)
{
	static const char *const mine[] = {"deps-", "prog-", NULL};
	return deps_cache_remove(lg, mine);
}
