/*
 * files.c - conformance rows for regular files: open flags, the read and
 * write family, seeking, sizes.
 *
 * Left out (host filesystem specific, the same answer is not expected):
 * SEEK_DATA/SEEK_HOLE over real holes (ext4 reports them, a filesystem
 * without hole support reports the whole file as data), sizes between the
 * runtime's ZRT_FILE_MAX and the host filesystem's own limit, st_blocks.
 */
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "groups.h"

static char buf[8192];

static long fsize(int fd)
{
	struct stat st;
	return fstat(fd, &st) < 0 ? -1 : (long)st.st_size;
}

static void show(const char *name, int fd, long off, size_t n)
{
	memset(buf, 0, sizeof buf);
	long r = pread(fd, buf, n, off);
	probe_calls++;
	for (long i = 0; i < r; i++)
		if (!buf[i])
			buf[i] = '.';
	say("%s = %ld [%.*s]", name, r, r > 0 ? (int)r : 0, buf);
}

void group_open(void)
{
	umask(022);
	ROW("open missing O_RDONLY", open("nofile", O_RDONLY));
	int fd = (int)ROW("open f O_CREAT|O_WRONLY 0640", open("f", O_CREAT | O_WRONLY, 0640));
	ROW("write 10", write(fd, "0123456789", 10));
	struct stat st;
	ROW("fstat", fstat(fd, &st));
	say("fstat mode = %o size = %ld nlink = %ld", (unsigned)st.st_mode, (long)st.st_size, (long)st.st_nlink);
	ROW("read on O_WRONLY", read(fd, buf, 1));
	ROW("close", close(fd));
	ROW("close again", close(fd));
	ROW("open O_CREAT|O_EXCL existing", open("f", O_CREAT | O_EXCL | O_WRONLY, 0600));
	ROW("open O_DIRECTORY on a file", open("f", O_RDONLY | O_DIRECTORY));
	ROW("open file with trailing slash", open("f/", O_RDONLY));
	ROW("open O_CREAT new name with trailing slash", open("g/", O_CREAT | O_WRONLY, 0600));
	ROW("open missing/x", open("missing/x", O_CREAT | O_WRONLY, 0600));
	ROW("open f/x (f a file)", open("f/x", O_RDONLY));
	ROW("open O_ACCMODE 3", open("f", 3));
	fd = (int)ROW("open O_RDONLY", open("f", O_RDONLY));
	ROW("write on O_RDONLY", write(fd, "x", 1));
	ROW("read 4", read(fd, buf, 4));
	ROW("read 0 bytes", read(fd, buf, 0));
	ROW("read NULL buffer", syscall(SYS_read, fd, NULL, 4));
	ROW("lseek SEEK_CUR 0 after read", lseek(fd, 0, SEEK_CUR));
	close(fd);
	fd = (int)ROW("open O_RDWR|O_APPEND", open("f", O_RDWR | O_APPEND));
	ROW("lseek SEEK_SET 2", lseek(fd, 2, SEEK_SET));
	ROW("write appends", write(fd, "ab", 2));
	ROW("position after append", lseek(fd, 0, SEEK_CUR));
	show("contents after append", fd, 0, 64);
	ROW("pwrite on O_APPEND", pwrite(fd, "Z", 1, 0));
	show("contents after pwrite on O_APPEND", fd, 0, 64);
	ROW("fcntl F_SETFL 0 (append off)", fcntl(fd, F_SETFL, 0));
	ROW("lseek 0", lseek(fd, 0, SEEK_SET));
	ROW("write over start", write(fd, "AB", 2));
	show("contents", fd, 0, 64);
	close(fd);
	fd = (int)ROW("open O_WRONLY|O_TRUNC", open("f", O_WRONLY | O_TRUNC));
	ROW("size after O_TRUNC", fsize(fd));
	close(fd);
	fd = (int)ROW("open O_RDONLY|O_TRUNC on a file", open("f", O_RDONLY | O_TRUNC));
	close(fd);
	fd = (int)ROW("open O_CREAT 0 mode", open("m0", O_CREAT | O_RDWR, 0));
	fstat(fd, &st);
	say("mode with 0 = %o", (unsigned)st.st_mode);
	close(fd);
	ROW("umask 077 (old)", umask(077));
	fd = (int)ROW("open O_CREAT 0666 under umask 077", open("m1", O_CREAT | O_RDWR, 0666));
	fstat(fd, &st);
	say("mode = %o", (unsigned)st.st_mode);
	close(fd);
	umask(022);
	ROW("chmod 0600", chmod("m1", 0600));
	stat("m1", &st);
	say("mode after chmod = %o", (unsigned)st.st_mode);
	ROW("chmod missing", chmod("nope", 0600));
	fd = (int)ROW("open O_PATH", open("f", O_PATH));
	ROW("read on O_PATH", read(fd, buf, 1));
	ROW("fstat on O_PATH", fstat(fd, &st));
	close(fd);
	ROW("openat bad dirfd", openat(999, "f", O_RDONLY));
	fd = open("f", O_RDONLY);
	ROW("openat with a file as dirfd", openat(fd, "x", O_RDONLY));
	ROW("openat with a file as dirfd, absolute path", openat(fd, "/", O_RDONLY | O_DIRECTORY) >= 0 ? 0 : -1);
	close(fd);
	ROW("creat", creat("c", 0600) >= 0 ? 0 : -1);
	ROW("access F_OK", access("c", F_OK));
	ROW("access X_OK on 0600", access("c", X_OK));
	ROW("access missing", access("nope", F_OK));
	ROW("unlink", unlink("c"));
	ROW("unlink again", unlink("c"));
	fd = open("u", O_CREAT | O_RDWR, 0600);
	write(fd, "still here", 10);
	ROW("unlink an open file", unlink("u"));
	fstat(fd, &st);
	say("nlink of unlinked open file = %ld", (long)st.st_nlink);
	show("read unlinked open file", fd, 0, 64);
	close(fd);
	char name[300];
	memset(name, 'n', 256);
	name[256] = 0;
	ROW("open a 256-byte name", open(name, O_CREAT | O_RDWR, 0600));
	name[255] = 0;
	fd = (int)OK("open a 255-byte name", open(name, O_CREAT | O_RDWR, 0600));
	close(fd);
	unlink(name);
	struct timespec ts[2] = {{1000000000, 5}, {1200000000, 7}};
	ROW("utimensat", utimensat(AT_FDCWD, "f", ts, 0));
	stat("f", &st);
	say("atime = %ld.%ld mtime = %ld.%ld", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec,
	    st.st_mtim.tv_nsec);
	ROW("utimensat bad nsec", utimensat(AT_FDCWD, "f", (struct timespec[2]){{0, 2000000000}, {0, 0}}, 0));
}

void group_rw(void)
{
	int fd = open("rw", O_CREAT | O_RDWR | O_TRUNC, 0600);
	ROW("pwrite at 4", pwrite(fd, "abcd", 4, 4));
	ROW("position after pwrite", lseek(fd, 0, SEEK_CUR));
	ROW("size after pwrite", fsize(fd));
	show("contents (a hole reads as zeros)", fd, 0, 64);
	ROW("pread past the end", pread(fd, buf, 4, 100));
	ROW("pread negative offset", pread(fd, buf, 4, -1));
	ROW("pwrite negative offset", pwrite(fd, "x", 1, -1));
	ROW("pwrite at INT64_MAX", pwrite(fd, "x", 1, INT64_MAX));
	ROW("pwrite of 0 bytes at INT64_MAX", pwrite(fd, "x", 0, INT64_MAX));
	char a[4] = "AAAA", b[3] = "BBB", c[2] = "CC";
	struct iovec w[3] = {{a, 4}, {b, 3}, {c, 2}};
	ROW("lseek 0", lseek(fd, 0, SEEK_SET));
	ROW("writev 3", writev(fd, w, 3));
	ROW("position after writev", lseek(fd, 0, SEEK_CUR));
	show("contents", fd, 0, 64);
	char r1[3], r2[5], r3[8];
	struct iovec r[3] = {{r1, 3}, {r2, 5}, {r3, 8}};
	lseek(fd, 0, SEEK_SET);
	ROW("readv 3 (short)", readv(fd, r, 3));
	say("readv got [%.3s][%.5s][%.1s]", r1, r2, r3);
	ROW("readv iovcnt -1", syscall(SYS_readv, fd, r, -1));
	ROW("writev iovcnt 1025", syscall(SYS_writev, fd, w, 1025));
	ROW("readv iovcnt 0", readv(fd, r, 0));
	ROW("pwritev at 2", pwritev(fd, w, 2, 2));
	ROW("position after pwritev", lseek(fd, 0, SEEK_CUR));
	show("contents", fd, 0, 64);
	ROW("preadv at 1", preadv(fd, r, 2, 1));
	say("preadv got [%.3s][%.5s]", r1, r2);
	ROW("preadv offset -1", preadv(fd, r, 2, -1));
	ROW("preadv offset -2", preadv(fd, r, 2, -2));
	ROW("pwritev offset -1", pwritev(fd, w, 2, -1));
	ROW("pwritev offset -5", pwritev(fd, w, 2, -5));
	ROW("pwritev offset INT64_MIN", pwritev(fd, w, 2, INT64_MIN));
	ROW("size after the refused calls", fsize(fd));
	lseek(fd, 3, SEEK_SET);
	ROW("preadv2 offset -1 (file position)", preadv2(fd, r, 1, -1, 0));
	say("preadv2 got [%.3s]", r1);
	ROW("position after preadv2 -1", lseek(fd, 0, SEEK_CUR));
	ROW("pwritev2 offset -1 (file position)", pwritev2(fd, w, 1, -1, 0));
	ROW("position after pwritev2 -1", lseek(fd, 0, SEEK_CUR));
	ROW("preadv2 offset -2", preadv2(fd, r, 1, -2, 0));
	ROW("pwritev2 offset -2", pwritev2(fd, w, 1, -2, 0));
	ROW("pwritev2 offset INT64_MIN", pwritev2(fd, w, 1, INT64_MIN, 0));
	ROW("preadv2 offset 0", preadv2(fd, r, 1, 0, 0));
	ROW("pwritev2 at 20", pwritev2(fd, w, 3, 20, 0));
	ROW("preadv2 bad flags", preadv2(fd, r, 1, 0, 0x1000));
	show("contents", fd, 0, 64);
	ROW("size", fsize(fd));
	ROW("write bad fd", write(99, "x", 1));
	ROW("write NULL buffer", syscall(SYS_write, fd, NULL, 1));
	close(fd);
}

void group_seek(void)
{
	int fd = open("s", O_CREAT | O_RDWR | O_TRUNC, 0600);
	write(fd, "0123456789", 10);
	ROW("lseek SEEK_SET 3", lseek(fd, 3, SEEK_SET));
	ROW("lseek SEEK_CUR 2", lseek(fd, 2, SEEK_CUR));
	ROW("lseek SEEK_CUR -10", lseek(fd, -10, SEEK_CUR));
	ROW("lseek SEEK_END -1", lseek(fd, -1, SEEK_END));
	ROW("lseek SEEK_END 5", lseek(fd, 5, SEEK_END));
	ROW("lseek SEEK_SET -1", lseek(fd, -1, SEEK_SET));
	ROW("lseek whence 7", lseek(fd, 0, 7));
	ROW("lseek SEEK_DATA 0", lseek(fd, 0, SEEK_DATA));
	ROW("lseek SEEK_DATA 4", lseek(fd, 4, SEEK_DATA));
	ROW("lseek SEEK_DATA at size", lseek(fd, 10, SEEK_DATA));
	ROW("lseek SEEK_DATA -1", lseek(fd, -1, SEEK_DATA));
	ROW("lseek SEEK_HOLE 0", lseek(fd, 0, SEEK_HOLE));
	ROW("lseek SEEK_HOLE at size", lseek(fd, 10, SEEK_HOLE));
	ROW("lseek SEEK_CUR overflow", (lseek(fd, 1, SEEK_SET), lseek(fd, INT64_MAX, SEEK_CUR)));
	ROW("lseek bad fd", lseek(77, 0, SEEK_SET));
	ROW("lseek SEEK_END 20 then write", (lseek(fd, 20, SEEK_END), write(fd, "E", 1)));
	ROW("size", fsize(fd));
	show("contents", fd, 0, 64);
	ROW("lseek on /dev/null", lseek(open("/dev/null", O_RDONLY), 5, SEEK_SET));
	close(fd);
}

void group_size(void)
{
	int fd = open("t", O_CREAT | O_RDWR | O_TRUNC, 0600);
	write(fd, "0123456789", 10);
	ROW("ftruncate 4", ftruncate(fd, 4));
	ROW("size", fsize(fd));
	ROW("ftruncate 8 (grows with zeros)", ftruncate(fd, 8));
	show("contents", fd, 0, 64);
	ROW("ftruncate -1", ftruncate(fd, -1));
	ROW("truncate 2", truncate("t", 2));
	ROW("size", fsize(fd));
	ROW("truncate -1", truncate("t", -1));
	ROW("truncate missing", truncate("nope", 0));
	ROW("truncate a directory", truncate(".", 0));
	int ro = open("t", O_RDONLY);
	ROW("ftruncate on O_RDONLY", ftruncate(ro, 0));
	ROW("fallocate on O_RDONLY", fallocate(ro, 0, 0, 10));
	close(ro);
	ROW("ftruncate bad fd", ftruncate(88, 0));
	ROW("fallocate 0 100", fallocate(fd, 0, 0, 100));
	ROW("size", fsize(fd));
	ROW("fallocate 50 10 (inside)", fallocate(fd, 0, 50, 10));
	ROW("size", fsize(fd));
	ROW("fallocate len 0", fallocate(fd, 0, 0, 0));
	ROW("fallocate offset -1", fallocate(fd, 0, -1, 10));
	ROW("fallocate len -1", fallocate(fd, 0, 0, -1));
	ROW("fallocate INT64_MAX INT64_MAX", fallocate(fd, 0, INT64_MAX, INT64_MAX));
	ROW("fallocate 1 INT64_MAX", fallocate(fd, 0, 1, INT64_MAX));
	ROW("size after the refused calls", fsize(fd));
	ROW("fallocate KEEP_SIZE 0 4096", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 4096));
	ROW("size", fsize(fd));
	pwrite(fd, "xxxxxxxxxx", 10, 0);
	ROW("fallocate PUNCH_HOLE alone", fallocate(fd, FALLOC_FL_PUNCH_HOLE, 2, 3));
	ROW("fallocate PUNCH_HOLE|KEEP_SIZE 2 3", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 2, 3));
	show("contents", fd, 0, 10);
	ROW("size", fsize(fd));
	ROW("fallocate bad fd", fallocate(99, 0, 0, 1));
	ROW("fallocate on a directory", fallocate(open(".", O_RDONLY), 0, 0, 1));
	close(fd);
	fd = (int)OK("open O_TMPFILE|O_RDWR", open(".", O_TMPFILE | O_RDWR, 0600));
	ROW("write tmpfile", write(fd, "tmp", 3));
	struct stat st;
	fstat(fd, &st);
	say("tmpfile nlink = %ld size = %ld mode = %o", (long)st.st_nlink, (long)st.st_size, (unsigned)st.st_mode);
	close(fd);
	ROW("open O_TMPFILE|O_RDONLY", open(".", O_TMPFILE | O_RDONLY, 0600));
	ROW("open O_TMPFILE on a file", open("t", O_TMPFILE | O_RDWR, 0600));
	ROW("open O_TMPFILE in a missing directory", open("nodir", O_TMPFILE | O_RDWR, 0600));
	fd = (int)OK("memfd_create", memfd_create("probe", MFD_CLOEXEC));
	ROW("memfd F_GETFD", fcntl(fd, F_GETFD));
	ROW("memfd write", write(fd, "memfd", 5));
	ROW("memfd ftruncate 4096", ftruncate(fd, 4096));
	ROW("memfd size", fsize(fd));
	fstat(fd, &st);
	say("memfd S_ISREG = %d nlink = %ld", S_ISREG(st.st_mode), (long)st.st_nlink);
	show("memfd contents", fd, 0, 5);
	close(fd);
	ROW("memfd_create bad flags", memfd_create("x", 0x100));
	memset(buf, 'n', 300);
	buf[300] = 0;
	ROW("memfd_create name too long", memfd_create(buf, 0));
}

/* Calls that only name a descriptor (or a path) and change nothing the
 * program can see — fsync and its relatives, flock, fadvise, statfs — still
 * check it as Linux does: a closed descriptor is EBADF, an O_PATH one too
 * (except for fstatfs), a pipe or a device cannot be synced (EINVAL) and
 * has no range to sync or advise (ESPIPE). The filesystem's numbers differ
 * (the host's disk, the sandbox's heap) and are not printed. */
void group_sync(void)
{
	int fd = open("y", O_CREAT | O_RDWR | O_TRUNC, 0600);
	write(fd, "0123456789", 10);
	int bad = 50; /* never opened */
	close(bad);
	int path = open("y", O_PATH);
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	int dev = open("/dev/null", O_RDWR);
	int p[2];
	pipe(p);
	const struct {
		const char *name;
		int fd;
	} fds[] = {{"a file", fd},     {"a closed fd", bad}, {"an O_PATH fd", path}, {"a directory", dir},
		   {"/dev/null", dev}, {"a pipe", p[0]},     {"fd -1", -1}};
	char name[80];
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
		int f = fds[i].fd;
		snprintf(name, sizeof name, "fsync %s", fds[i].name);
		ROW(name, fsync(f));
		snprintf(name, sizeof name, "fdatasync %s", fds[i].name);
		ROW(name, fdatasync(f));
		snprintf(name, sizeof name, "syncfs %s", fds[i].name);
		ROW(name, syncfs(f));
		snprintf(name, sizeof name, "sync_file_range %s", fds[i].name);
		ROW(name, sync_file_range(f, 0, 0, 0));
		struct statfs sf;
		snprintf(name, sizeof name, "fstatfs %s", fds[i].name);
		ROW(name, fstatfs(f, &sf));
		snprintf(name, sizeof name, "flock LOCK_SH %s", fds[i].name);
		ROW(name, flock(f, LOCK_SH));
		snprintf(name, sizeof name, "flock LOCK_UN %s", fds[i].name);
		ROW(name, flock(f, LOCK_UN));
		snprintf(name, sizeof name, "fadvise NORMAL %s", fds[i].name);
		ERR(name, posix_fadvise(f, 0, 0, POSIX_FADV_NORMAL));
	}
	sync();
	probe_calls++;
	say("sync = done");
	ROW("sync_file_range bad flags", sync_file_range(fd, 0, 0, 8));
	ROW("sync_file_range bad flags, closed fd", sync_file_range(bad, 0, 0, 8));
	ROW("sync_file_range bad flags, a pipe", sync_file_range(p[0], 0, 0, 8));
	ROW("sync_file_range all flags", sync_file_range(fd, 0, 4, 7));
	ROW("sync_file_range offset -1", sync_file_range(fd, -1, 0, 0));
	ROW("sync_file_range nbytes -1", sync_file_range(fd, 0, -1, 0));
	ROW("sync_file_range end wraps", sync_file_range(fd, INT64_MAX, 1, 0));
	ROW("sync_file_range offset -1, a pipe", sync_file_range(p[0], -1, 0, 0));
	ROW("sync_file_range past the end", sync_file_range(fd, 1000, 1000, 0));
	ROW("flock 0", flock(fd, 0));
	ROW("flock LOCK_NB alone", flock(fd, LOCK_NB));
	ROW("flock LOCK_EX|LOCK_NB", flock(fd, LOCK_EX | LOCK_NB));
	ROW("flock 0, closed fd", flock(bad, 0));
	ROW("flock 0, O_PATH", flock(path, 0));
	ROW("flock LOCK_UN", flock(fd, LOCK_UN));
	ROW("flock LOCK_EX on O_RDONLY", flock(open("y", O_RDONLY), LOCK_EX));
	ERR("fadvise bad advice", posix_fadvise(fd, 0, 0, 99));
	ERR("fadvise bad advice, closed fd", posix_fadvise(bad, 0, 0, 99));
	ERR("fadvise bad advice, a pipe", posix_fadvise(p[0], 0, 0, 99));
	ERR("fadvise bad advice, /dev/null", posix_fadvise(dev, 0, 0, 99));
	ERR("fadvise bad advice, a directory", posix_fadvise(dir, 0, 0, 99));
	ERR("fadvise len -1, a pipe", posix_fadvise(p[0], 0, -1, POSIX_FADV_NORMAL));
	ERR("fadvise len -1", posix_fadvise(fd, 0, -1, POSIX_FADV_NORMAL));
	ERR("fadvise offset -1", posix_fadvise(fd, -1, 0, POSIX_FADV_NORMAL));
	ERR("fadvise DONTNEED", posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED));
	ERR("fadvise NOREUSE", posix_fadvise(fd, 0, 0, POSIX_FADV_NOREUSE));
	struct statfs sf;
	ROW("statfs .", statfs(".", &sf));
	ROW("statfs missing", statfs("nope/x", &sf));
	ROW("statfs NULL path", syscall(SYS_statfs, NULL, &sf));
	ROW("statfs NULL buffer", syscall(SYS_statfs, ".", NULL));
	ROW("statfs a file", statfs("y", &sf));
	ROW("statfs through a file", statfs("y/z", &sf));
	ROW("fstatfs NULL buffer", syscall(SYS_fstatfs, fd, NULL));
	ROW("fstatfs NULL buffer, closed fd", syscall(SYS_fstatfs, bad, NULL));
	close(fd);
	close(path);
	close(dir);
	close(dev);
	close(p[0]);
	close(p[1]);
}

/* openat2: the size of struct open_how (at least the first version's 24
 * bytes, at most a page, anything past what the kernel knows zero), and
 * flags, mode and resolve bits checked in full, unlike open's. */
static long oa2(const char *path, uint64_t flags, uint64_t mode, uint64_t resolve, size_t size)
{
	static uint64_t how[520];
	memset(how, 0, sizeof how);
	how[0] = flags, how[1] = mode, how[2] = resolve;
	long r = syscall(SYS_openat2, AT_FDCWD, path, how, size);
	if (r >= 0)
		close((int)r);
	return r < 0 ? r : 0;
}

void group_openat2(void)
{
	umask(022);
	mkdir("d", 0755);
	close(open("d/f", O_CREAT | O_WRONLY, 0644));
	symlink("f", "d/lf");
	symlink("/", "d/root");
	symlink("..", "d/up");
	int d = open("d", O_RDONLY | O_DIRECTORY);
	ROW("openat2 size 24", oa2("d/f", O_RDONLY, 0, 0, 24));
	ROW("openat2 size 0", oa2("d/f", O_RDONLY, 0, 0, 0));
	ROW("openat2 size 23", oa2("d/f", O_RDONLY, 0, 0, 23));
	ROW("openat2 size 32, zero tail", oa2("d/f", O_RDONLY, 0, 0, 32));
	ROW("openat2 size 4096, zero tail", oa2("d/f", O_RDONLY, 0, 0, 4096));
	ROW("openat2 size 4097", oa2("d/f", O_RDONLY, 0, 0, 4097));
	ROW("openat2 size 4097, bad flags", oa2("d/f", 1ul << 40, 0, 0, 4097));
	ROW("openat2 size 23, bad flags", oa2("d/f", 1ul << 40, 0, 0, 23));
	static uint64_t tail[5] = {O_RDONLY, 0, 0, 7, 0};
	ROW("openat2 size 32, non-zero tail", syscall(SYS_openat2, AT_FDCWD, "d/f", tail, 32));
	ROW("openat2 NULL how", syscall(SYS_openat2, AT_FDCWD, "d/f", NULL, 24));
	ROW("openat2 NULL how, size 0", syscall(SYS_openat2, AT_FDCWD, "d/f", NULL, 0));
	ROW("openat2 NULL how, size 4097", syscall(SYS_openat2, AT_FDCWD, "d/f", NULL, 4097));
	ROW("openat2 missing file", oa2("d/nope", O_RDONLY, 0, 0, 24));
	ROW("openat2 flags bit 40", oa2("d/f", 1ul << 40, 0, 0, 24));
	ROW("openat2 flags bit 31", oa2("d/f", 1ul << 31, 0, 0, 24));
	ROW("openat2 flags bit 40, missing file", oa2("d/nope", 1ul << 40, 0, 0, 24));
	ROW("openat2 flags O_CLOEXEC|O_NONBLOCK", oa2("d/f", O_CLOEXEC | O_NONBLOCK, 0, 0, 24));
	ROW("openat2 mode without O_CREAT", oa2("d/f", O_RDONLY, 0644, 0, 24));
	ROW("openat2 O_CREAT mode 0644", oa2("d/new", O_CREAT | O_WRONLY, 0644, 0, 24));
	ROW("openat2 O_CREAT mode S_IFREG|0644", oa2("d/new2", O_CREAT | O_WRONLY, S_IFREG | 0644, 0, 24));
	ROW("openat2 O_CREAT mode 1 << 32", oa2("d/new3", O_CREAT | O_WRONLY, 1ul << 32, 0, 24));
	ROW("openat2 O_CREAT|O_DIRECTORY", oa2("d/new4", O_CREAT | O_DIRECTORY | O_RDONLY, 0644, 0, 24));
	ROW("open O_CREAT|O_DIRECTORY", open("d/new5", O_CREAT | O_DIRECTORY | O_RDONLY, 0644));
	ROW("openat2 O_PATH|O_RDWR", oa2("d/f", O_PATH | O_RDWR, 0, 0, 24));
	ROW("openat2 O_PATH|O_CLOEXEC|O_NOFOLLOW", oa2("d/lf", O_PATH | O_CLOEXEC | O_NOFOLLOW, 0, 0, 24));
	ROW("openat2 O_PATH|O_APPEND", oa2("d/f", O_PATH | O_APPEND, 0, 0, 24));
	d = (int)OK("open O_PATH|O_APPEND (dropped)", open("d/f", O_PATH | O_APPEND));
	ROW("F_GETFL & O_APPEND", fcntl(d, F_GETFL) & O_APPEND);
	close(d);
	ROW("open O_PATH|O_CREAT, missing (dropped)", open("d/nope", O_PATH | O_CREAT, 0644));
	d = (int)OK("open O_PATH|O_NOFOLLOW on a link", open("d/lf", O_PATH | O_NOFOLLOW));
	struct stat st;
	ROW("fstat", fstat(d, &st));
	say("fstat S_ISLNK = %d", S_ISLNK(st.st_mode));
	close(d);
	ROW("open 020000000 (O_TMPFILE without O_DIRECTORY)", open("d", 020000000 | O_RDWR, 0600));
	ROW("open O_TMPFILE|O_RDONLY, missing directory", open("nodir", O_TMPFILE | O_RDONLY, 0600));
	ROW("open O_TMPFILE|O_CREAT", open("d", O_TMPFILE | O_CREAT | O_RDWR, 0600));
	d = open("d", O_RDONLY | O_DIRECTORY);
	ROW("openat2 O_TMPFILE|O_RDONLY", oa2("d", O_TMPFILE | O_RDONLY, 0600, 0, 24));
	ROW("openat2 O_TMPFILE|O_RDWR", oa2("d", O_TMPFILE | O_RDWR, 0600, 0, 24));
	ROW("openat2 resolve 0x40", oa2("d/f", O_RDONLY, 0, 0x40, 24));
	ROW("openat2 resolve bit 40", oa2("d/f", O_RDONLY, 0, 1ul << 40, 24));
	ROW("openat2 RESOLVE_BENEATH|RESOLVE_IN_ROOT", oa2("d/f", O_RDONLY, 0, 0x08 | 0x10, 24));
	ROW("openat2 RESOLVE_CACHED", oa2("d/f", O_RDONLY, 0, 0x20, 24));
	ROW("openat2 RESOLVE_CACHED|O_CREAT", oa2("d/f", O_RDONLY | O_CREAT, 0, 0x20, 24));
	ROW("openat2 RESOLVE_CACHED|O_TRUNC", oa2("d/f", O_WRONLY | O_TRUNC, 0, 0x20, 24));
	ROW("openat2 RESOLVE_NO_XDEV", oa2("d/f", O_RDONLY, 0, 0x01, 24));
	ROW("openat2 RESOLVE_NO_MAGICLINKS", oa2("d/f", O_RDONLY, 0, 0x02, 24));
	ROW("openat2 RESOLVE_NO_SYMLINKS, no link", oa2("d/f", O_RDONLY, 0, 0x04, 24));
	ROW("openat2 RESOLVE_NO_SYMLINKS, a link", oa2("d/lf", O_RDONLY, 0, 0x04, 24));
	ROW("openat2 RESOLVE_NO_SYMLINKS, a link, O_PATH|O_NOFOLLOW", oa2("d/lf", O_PATH | O_NOFOLLOW, 0, 0x04, 24));
	ROW("openat2 RESOLVE_NO_SYMLINKS, a link in the middle", oa2("d/up/d/f", O_RDONLY, 0, 0x04, 24));
	/* RESOLVE_BENEATH and RESOLVE_IN_ROOT, from the directory d. */
	static const struct {
		const char *path, *name;
	} rel[] = {{"f", "f"},
		   {"../d/f", "../d/f"},
		   {"lf", "a relative link"},
		   {"up/d/f", "a link to .."},
		   {"root", "a link to /"},
		   {"/", "/"},
		   {"..", ".."},
		   {"./../..", "./../.."}};
	for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
		char name[96];
		static uint64_t how[3];
		for (int k = 0; k < 2; k++) {
			how[0] = O_RDONLY, how[1] = 0, how[2] = k ? 0x10 : 0x08;
			snprintf(name, sizeof name, "openat2 %s %s", k ? "RESOLVE_IN_ROOT" : "RESOLVE_BENEATH",
				 rel[i].name);
			OK(name, ({
				   long r = syscall(SYS_openat2, d, rel[i].path, how, 24);
				   if (r >= 0)
					   close((int)r);
				   r;
			   }));
		}
	}
	close(d);
}

/* The vector calls' order of checks: the offset, the descriptor, whether
 * it can be positioned, its access mode, the vector (count, then memory,
 * then lengths), an empty transfer (0, whatever the flags), the range,
 * and only then preadv2/pwritev2's RWF_ flags; what RWF_APPEND,
 * RWF_NOAPPEND and RWF_NOWAIT do. The single-buffer calls the same way. */
#define RWF_BAD 0x1000
#ifndef RWF_NOAPPEND
#define RWF_NOAPPEND 0x20
#endif
#ifndef RWF_ATOMIC
#define RWF_ATOMIC 0x40
#endif
void group_rwv(void)
{
	int fd = open("v", O_CREAT | O_RDWR | O_TRUNC, 0600);
	write(fd, "0123456789", 10);
	int ro = open("v", O_RDONLY), wo = open("v", O_WRONLY);
	int p[2];
	pipe(p);
	char a[4], z[1];
	struct iovec v = {a, 4}, v0 = {a, 0}, vbig = {a, (size_t)-1};
	struct iovec vz[2] = {{z, 0}, {a, 0}};
	ROW("preadv2 bad fd, bad flags", preadv2(77, &v, 1, 0, RWF_BAD));
	ROW("preadv2 bad fd, bad flags, offset -1", preadv2(77, &v, 1, -1, RWF_BAD));
	ROW("preadv2 offset -2, bad flags", preadv2(fd, &v, 1, -2, RWF_BAD));
	ROW("preadv2 offset -2, bad fd", preadv2(77, &v, 1, -2, 0));
	ROW("preadv2 bad flags", preadv2(fd, &v, 1, 0, RWF_BAD));
	ROW("preadv2 bad flags, offset -1", preadv2(fd, &v, 1, -1, RWF_BAD));
	ROW("preadv2 bad flags, iovcnt 0", preadv2(fd, &v, 0, 0, RWF_BAD));
	ROW("preadv2 bad flags, an empty iovec", preadv2(fd, &v0, 1, 0, RWF_BAD));
	ROW("preadv2 bad flags, two empty iovecs", preadv2(fd, vz, 2, 0, RWF_BAD));
	ROW("preadv2 bad flags, iovcnt 1025", syscall(SYS_preadv2, fd, &v, 1025, 0, 0, RWF_BAD));
	ROW("preadv2 bad flags, iovcnt -1", syscall(SYS_preadv2, fd, &v, -1L, 0, 0, RWF_BAD));
	ROW("preadv2 bad flags, NULL vector", syscall(SYS_preadv2, fd, NULL, 1, 0, 0, RWF_BAD));
	ROW("preadv2 bad flags, an iov_len of -1", preadv2(fd, &vbig, 1, 0, RWF_BAD));
	ROW("preadv2 bad flags, a pipe at 0", preadv2(p[0], &v, 1, 0, RWF_BAD));
	ROW("preadv2 bad flags, a pipe at -1", preadv2(p[0], &v, 1, -1, RWF_BAD));
	ROW("preadv2 bad flags, write-only", preadv2(wo, &v, 1, 0, RWF_BAD));
	ROW("pwritev2 bad flags, read-only", pwritev2(ro, &v, 1, 0, RWF_BAD));
	ROW("preadv2 bad flags, end wraps", preadv2(fd, &v, 1, INT64_MAX - 1, RWF_BAD));
	ROW("preadv2 RWF_ATOMIC", preadv2(fd, &v, 1, 0, RWF_ATOMIC));
	ROW("preadv2 RWF_HIPRI|RWF_DSYNC|RWF_SYNC", preadv2(fd, &v, 1, 0, RWF_HIPRI | RWF_DSYNC | RWF_SYNC));
	ROW("preadv2 RWF_APPEND (a read ignores it)", preadv2(fd, &v, 1, 2, RWF_APPEND));
	say("got [%.4s]", a);
	ROW("preadv bad fd, NULL vector", syscall(SYS_preadv, 77, NULL, 1, 0, 0));
	ROW("preadv a pipe, NULL vector", syscall(SYS_preadv, p[0], NULL, 1, 0, 0));
	ROW("preadv write-only, NULL vector", syscall(SYS_preadv, wo, NULL, 1, 0, 0));
	ROW("readv bad fd, NULL vector", syscall(SYS_readv, 77, NULL, 1));
	ROW("readv bad fd, iovcnt 1025", syscall(SYS_readv, 77, &v, 1025));
	ROW("readv write-only, NULL vector", syscall(SYS_readv, wo, NULL, 1));
	ROW("writev read-only, iovcnt 1025", syscall(SYS_writev, ro, &v, 1025));
	ROW("readv an iov_len of -1", readv(fd, &vbig, 1));
	ROW("pread the write end of a pipe", pread(p[1], a, 1, 0));
	ROW("pwrite the read end of a pipe", pwrite(p[0], a, 1, 0));
	ROW("pread bad fd, offset -1", pread(77, a, 1, -1));
	int null = open("/dev/null", O_RDWR), zero = open("/dev/zero", O_RDONLY);
	ROW("pread /dev/null", pread(null, a, 4, 0));
	ROW("pwrite /dev/null", pwrite(null, a, 4, 100));
	ROW("pread /dev/zero", pread(zero, a, 4, 7));
	ROW("preadv2 /dev/zero", preadv2(zero, &v, 1, 3, 0));
	ROW("preadv /dev/null", preadv(null, &v, 1, 3));
	ROW("lseek /dev/null", lseek(null, 5, SEEK_SET));
	ROW("lseek /dev/null whence 7", lseek(null, 5, 7));
	ROW("lseek a pipe whence 7", lseek(p[0], 0, 7));
	ROW("lseek a pipe whence -1", syscall(SYS_lseek, p[0], 0, -1));
	ROW("lseek bad fd whence 7", lseek(77, 0, 7));
	int path = open("v", O_PATH);
	ROW("lseek O_PATH", lseek(path, 0, SEEK_SET));
	ROW("read O_PATH", read(path, a, 1));
	ROW("pread O_PATH", pread(path, a, 1, 0));
	close(path);

	/* Huge counts: only the address range is checked first (access_ok),
	 * then what is moved; a small file fills what it has. The buffer is
	 * static: low in memory, so that 2^40 bytes on from it are still in
	 * the user range. (From the native stack they are not, EFAULT; the
	 * sandbox's stack is low: the layouts differ by design, no row.) */
	static char big[64];
	ROW("read count 2^40, a 10-byte file", syscall(SYS_pread64, fd, big, 1ul << 40, 0));
	ROW("read count 2^47 (past the user range)", syscall(SYS_pread64, fd, big, 1ul << 47, 0));
	ROW("read count SIZE_MAX", syscall(SYS_pread64, fd, big, -1L, 0));
	struct iovec vhuge = {big, 1ul << 40};
	ROW("readv an iov_len of 2^40, a 10-byte file", preadv(fd, &vhuge, 1, 0));
	ROW("read count 2^40 at the end", syscall(SYS_pread64, fd, big, 1ul << 40, 10));

	/* RWF_APPEND writes at the end, whatever the offset; RWF_NOAPPEND
	 * writes at the offset on an O_APPEND descriptor. */
	struct iovec x = {"X", 1};
	lseek(fd, 2, SEEK_SET);
	ROW("pwritev2 RWF_APPEND at 0", pwritev2(fd, &x, 1, 0, RWF_APPEND));
	ROW("position after", lseek(fd, 0, SEEK_CUR));
	ROW("pwritev2 RWF_APPEND at -1", pwritev2(fd, &x, 1, -1, RWF_APPEND));
	ROW("position after", lseek(fd, 0, SEEK_CUR));
	show("contents", fd, 0, 64);
	int ap = open("v", O_WRONLY | O_APPEND);
	ROW("pwritev2 RWF_NOAPPEND at 1 on O_APPEND", pwritev2(ap, &x, 1, 1, RWF_NOAPPEND));
	ROW("pwritev2 RWF_NOAPPEND at -1 on O_APPEND", pwritev2(ap, &x, 1, -1, RWF_NOAPPEND));
	ROW("position after", lseek(ap, 0, SEEK_CUR));
	ROW("pwritev2 at 0 on O_APPEND", pwritev2(ap, &x, 1, 0, 0));
	ROW("pwritev2 RWF_APPEND|RWF_NOAPPEND at 3", pwritev2(fd, &x, 1, 3, RWF_APPEND | RWF_NOAPPEND));
	show("contents", fd, 0, 64);
	/* RWF_NOWAIT: a read of an empty pipe is EAGAIN, not a wait. */
	ROW("preadv2 RWF_NOWAIT, an empty pipe", preadv2(p[0], &v, 1, -1, RWF_NOWAIT));
	write(p[1], "ab", 2);
	ROW("preadv2 RWF_NOWAIT, a pipe with data", preadv2(p[0], &v, 1, -1, RWF_NOWAIT));
	ROW("preadv2 RWF_NOWAIT, a file", preadv2(fd, &v, 1, 0, RWF_NOWAIT));
	close(fd);
}
