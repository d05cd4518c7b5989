/*
 * dirs.c - conformance rows for directories and names: mkdir, rmdir,
 * getdents, rename, link, symlink, readlink, unlink, getcwd, chdir.
 *
 * Directory order is the filesystem's own (ext4 hashes, the runtime keeps
 * creation order): listings are sorted before they are printed. getcwd is
 * printed relative to where the group started (the native run starts in a
 * temporary directory, the sandboxed one at "/").
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "groups.h"

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in a directory, sorted, through the raw getdents64. */
static void list(const char *name, const char *path)
{
	char buf[4096], *names[64], all[1024] = "";
	int n = 0, fd = open(path, O_RDONLY | O_DIRECTORY);
	long r;
	while ((r = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		for (long off = 0; off < r;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			if (n < 64)
				names[n++] = strdup(d->d_name);
			off += d->d_reclen;
		}
	}
	probe_calls++;
	close(fd);
	qsort(names, (size_t)n, sizeof names[0], cmp);
	for (int i = 0; i < n; i++) {
		strcat(all, " ");
		strcat(all, names[i]);
		free(names[i]);
	}
	say("%s =%s (%ld)", name, all, r);
}

static char top[4096];

static void cwd(const char *name)
{
	char b[4096];
	errno = 0;
	char *p = getcwd(b, sizeof b);
	probe_calls++;
	if (!p) {
		say("%s = %s", name, errname(errno));
		return;
	}
	size_t tl = strlen(top);
	if (strcmp(top, "/") == 0)
		say("%s = %s", name, b);
	else if (strncmp(b, top, tl) == 0)
		say("%s = %s", name, b[tl] ? b + tl : "/");
	else
		say("%s = outside the start directory", name);
}

void group_dirs(void)
{
	umask(022);
	getcwd(top, sizeof top);
	struct stat st;
	ROW("mkdir d", mkdir("d", 0755));
	ROW("mkdir d again", mkdir("d", 0755));
	ROW("mkdir a/b (a missing)", mkdir("a/b", 0755));
	ROW("mkdir with trailing slash", mkdir("e/", 0700));
	stat("e", &st);
	say("mode of e = %o", (unsigned)st.st_mode);
	close(open("d/f1", O_CREAT | O_WRONLY, 0644));
	close(open("d/f2", O_CREAT | O_WRONLY, 0644));
	ROW("mkdir d/sub", mkdir("d/sub", 0755));
	ROW("mkdir under a file", mkdir("d/f1/x", 0755));
	stat("d", &st);
	say("nlink of d = %ld", (long)st.st_nlink);
	list("list d", "d");
	ROW("stat d/f1/ (a file)", stat("d/f1/", &st));
	ROW("rmdir non-empty", rmdir("d"));
	ROW("rmdir a file", rmdir("d/f1"));
	ROW("rmdir .", rmdir("d/sub/."));
	ROW("rmdir missing", rmdir("nope"));
	ROW("unlink a directory", unlink("d/sub"));
	ROW("unlink missing", unlink("d/nope"));
	ROW("unlink file/ (trailing slash)", unlink("d/f1/"));
	ROW("rmdir d/sub", rmdir("d/sub"));
	stat("d", &st);
	say("nlink of d = %ld", (long)st.st_nlink);
	int dfd = open("d", O_RDONLY | O_DIRECTORY);
	ROW("unlinkat AT_REMOVEDIR on a file", unlinkat(dfd, "f2", AT_REMOVEDIR));
	ROW("unlinkat f2", unlinkat(dfd, "f2", 0));
	ROW("mkdirat", mkdirat(dfd, "m", 0755));
	ROW("unlinkat AT_REMOVEDIR", unlinkat(dfd, "m", AT_REMOVEDIR));
	ROW("getdents64 on a file", syscall(SYS_getdents64, open("d/f1", O_RDONLY), top + 1000, 100));
	ROW("getdents64 bad fd", syscall(SYS_getdents64, 99, top + 1000, 100));
	ROW("getdents64 buffer too small", syscall(SYS_getdents64, dfd, top + 1000, 8));
	/* A count far past the buffer: entries are written as they come, and
	 * only what is written must be there. */
	OK("getdents64 count 2^31 - 1", (lseek(dfd, 0, SEEK_SET), syscall(SYS_getdents64, dfd, top_buf, 0x7fffffffu)));
	ROW("getdents64 count 2^32 - 1 (a negative int)",
	    (lseek(dfd, 0, SEEK_SET), syscall(SYS_getdents64, dfd, top_buf, 0xffffffffu)));
	ROW("getdents64 NULL buffer", syscall(SYS_getdents64, open("d", O_RDONLY | O_DIRECTORY), NULL, 4096));
	close(dfd);

	close(open("r1", O_CREAT | O_WRONLY, 0644));
	ROW("rename r1 r2", rename("r1", "r2"));
	ROW("rename missing", rename("r1", "r3"));
	ROW("rename into a missing directory", rename("r2", "nodir/r2"));
	ROW("rename to itself", rename("r2", "r2"));
	mkdir("p", 0755);
	mkdir("p/q", 0755);
	mkdir("full", 0755);
	close(open("full/x", O_CREAT | O_WRONLY, 0644));
	ROW("rename a directory into itself", rename("p", "p/q/p"));
	ROW("rename a directory over a non-empty one", rename("p", "full"));
	ROW("rename a file over a directory", rename("r2", "p"));
	ROW("rename a directory over a file", rename("p", "r2"));
	ROW("rename a directory over an empty one", rename("p/q", "e"));
	list("list p", "p");
	list("list e", "e");
	ROW("renameat2 RENAME_NOREPLACE existing", syscall(SYS_renameat2, AT_FDCWD, "r2", AT_FDCWD, "full/x", 1));
	ROW("renameat2 RENAME_NOREPLACE new", syscall(SYS_renameat2, AT_FDCWD, "r2", AT_FDCWD, "r4", 1));
	ROW("renameat2 bad flags", syscall(SYS_renameat2, AT_FDCWD, "r4", AT_FDCWD, "r5", 8));
	ROW("rename a file over a file", rename("r4", "full/x"));
	list("list full", "full");

	int fd = open("l1", O_CREAT | O_WRONLY, 0644);
	write(fd, "linked", 6);
	close(fd);
	ROW("link l1 l2", link("l1", "l2"));
	stat("l1", &st);
	say("nlink after link = %ld", (long)st.st_nlink);
	ROW("link to an existing name", link("l1", "l2"));
	ROW("link a directory", link("p", "p2"));
	ROW("link missing", link("nope", "l3"));
	ROW("unlink l1", unlink("l1"));
	stat("l2", &st);
	say("nlink after unlink = %ld size = %ld", (long)st.st_nlink, (long)st.st_size);

	ROW("symlink l2 s1", symlink("l2", "s1"));
	ROW("symlink to an existing name", symlink("x", "s1"));
	ROW("symlink empty target", symlink("", "s0"));
	char b[64] = {0};
	ROW("readlink s1", readlink("s1", b, sizeof b));
	say("readlink gives [%s]", b);
	ROW("readlink with a short buffer", readlink("s1", b, 1));
	ROW("readlink with size 0", readlink("s1", b, 0));
	ROW("readlink on a file", readlink("l2", b, sizeof b));
	ROW("readlink missing", readlink("nope", b, sizeof b));
	ROW("lstat s1", lstat("s1", &st));
	say("lstat S_ISLNK = %d size = %ld", S_ISLNK(st.st_mode), (long)st.st_size);
	ROW("stat s1 (follows)", stat("s1", &st));
	say("stat S_ISREG = %d size = %ld", S_ISREG(st.st_mode), (long)st.st_size);
	ROW("symlink dangling", symlink("nowhere", "s2"));
	ROW("open a dangling symlink", open("s2", O_RDONLY));
	ROW("open O_CREAT through a dangling symlink", (fd = open("s2", O_CREAT | O_WRONLY, 0644)) >= 0 ? 0 : -1);
	close(fd);
	ROW("stat what it created", stat("nowhere", &st));
	ROW("open O_NOFOLLOW on a symlink", open("s1", O_RDONLY | O_NOFOLLOW));
	symlink("loop2", "loop1");
	symlink("loop1", "loop2");
	ROW("open a symlink loop", open("loop1", O_RDONLY));
	ROW("stat a symlink loop", stat("loop1", &st));
	ROW("symlink to a directory", symlink("full", "sd"));
	list("list through a directory symlink", "sd/");
	ROW("unlink a symlink", unlink("s1"));
	ROW("stat l2 after unlinking its symlink", stat("l2", &st));

	cwd("getcwd");
	ROW("chdir full", chdir("full"));
	cwd("getcwd");
	ROW("chdir ..", chdir(".."));
	cwd("getcwd");
	ROW("chdir a file", chdir("l2"));
	ROW("chdir missing", chdir("nope"));
	dfd = open("p", O_RDONLY | O_DIRECTORY);
	ROW("fchdir", fchdir(dfd));
	cwd("getcwd after fchdir");
	ROW("fchdir on a file", fchdir(open("/dev/null", O_RDONLY)));
	ROW("fchdir bad fd", fchdir(99));
	close(dfd);
	ROW("getcwd with a 1-byte buffer", getcwd(b, 1) ? 0 : -1);
	ROW("chdir to a directory symlink", (chdir(top), chdir("sd")));
	cwd("getcwd through a symlink");
	chdir(top);
	mkdir("gone", 0755);
	chdir("gone");
	ROW("rmdir the cwd", rmdir("../gone"));
	cwd("getcwd in a removed directory");
	ROW("create in a removed directory", open("x", O_CREAT | O_WRONLY, 0644));
	ROW("mkdir in a removed directory", mkdir("y", 0755));
	ROW("chdir .. from a removed directory", chdir(".."));
	cwd("getcwd");
}
