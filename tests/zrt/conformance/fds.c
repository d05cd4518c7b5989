/*
 * fds.c - conformance rows for descriptors: dup, dup2, dup3, fcntl,
 * close_range, and pipes with poll and select.
 *
 * The probe closes every descriptor above 2 first (main), so descriptor
 * numbers are the same natively and in the sandbox and can be printed.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "groups.h"

void group_fds(void)
{
	int fd = open("f", O_CREAT | O_RDWR | O_TRUNC, 0600);
	ROW("open gives the lowest free", fd);
	ROW("dup", dup(fd));
	ROW("dup bad fd", dup(99));
	ROW("dup2 to 10", dup2(fd, 10));
	ROW("dup2 to itself", dup2(fd, fd));
	ROW("dup2 bad old", dup2(99, 11));
	ROW("dup2 to -1", dup2(fd, -1));
	ROW("dup2 to 100000", dup2(fd, 100000));
	ROW("dup3 to itself", dup3(fd, fd, 0));
	ROW("dup3 O_CLOEXEC", dup3(fd, 12, O_CLOEXEC));
	ROW("F_GETFD of dup3 O_CLOEXEC", fcntl(12, F_GETFD));
	ROW("dup3 bad flags", dup3(fd, 13, 1));
	ROW("F_GETFD of dup2", fcntl(10, F_GETFD));
	write(fd, "abc", 3);
	ROW("dups share the position", lseek(10, 0, SEEK_CUR));
	ROW("F_DUPFD 20", fcntl(fd, F_DUPFD, 20));
	ROW("F_DUPFD 20 again", fcntl(fd, F_DUPFD, 20));
	ROW("F_DUPFD_CLOEXEC 30", fcntl(fd, F_DUPFD_CLOEXEC, 30));
	ROW("F_GETFD", fcntl(30, F_GETFD));
	ROW("F_SETFD 0", fcntl(30, F_SETFD, 0));
	ROW("F_GETFD", fcntl(30, F_GETFD));
	ROW("F_DUPFD -1", fcntl(fd, F_DUPFD, -1));
	ROW("F_GETFL & (ACCMODE|APPEND|NONBLOCK)", fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK));
	ROW("F_SETFL O_APPEND|O_NONBLOCK", fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
	ROW("F_GETFL & (ACCMODE|APPEND|NONBLOCK)", fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK));
	ROW("F_GETFL of the dup (shared)", fcntl(10, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK));
	ROW("F_SETFL O_RDONLY changes no access mode", (fcntl(fd, F_SETFL, O_RDONLY), fcntl(fd, F_GETFL) & O_ACCMODE));
	ROW("fcntl bad cmd", fcntl(fd, 12345));
	ROW("fcntl bad fd", fcntl(99, F_GETFD));
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	ROW("F_SETLK", fcntl(fd, F_SETLK, &fl));
	ROW("F_GETLK", fcntl(fd, F_GETLK, &fl));
	say("F_GETLK l_type = %s", fl.l_type == F_UNLCK ? "F_UNLCK" : "locked");
	ROW("ioctl FIONREAD on a file", (lseek(fd, 1, SEEK_SET), ioctl(fd, FIONREAD, &(int){0})));
	ROW("ioctl TCGETS on a file", ioctl(fd, TCGETS, top_buf));
	ROW("ioctl FIOCLEX", ioctl(fd, FIOCLEX));
	ROW("F_GETFD after FIOCLEX", fcntl(fd, F_GETFD));
	ROW("close_range 10..12", syscall(SYS_close_range, 10, 12, 0));
	ROW("F_GETFD of a closed one", fcntl(11, F_GETFD));
	ROW("close_range CLOEXEC 20..~0", syscall(SYS_close_range, 20, ~0u, 4));
	ROW("F_GETFD after CLOSE_RANGE_CLOEXEC", fcntl(20, F_GETFD));
	ROW("close_range first > last", syscall(SYS_close_range, 5, 4, 0));
	ROW("close_range bad flags", syscall(SYS_close_range, 3, 4, 1));
	ROW("close_range 4..~0", syscall(SYS_close_range, 4, ~0u, 0));
	ROW("F_GETFD of 30 after", fcntl(30, F_GETFD));
	ROW("dup after close_range", dup(fd));
	ROW("close -1", close(-1));
	ROW("close 1000000", close(1000000));
}

static void prev(const char *name, int fd, short events)
{
	struct pollfd p = {fd, events, 0};
	int r = poll(&p, 1, 0);
	probe_calls++;
	say("%s = %d revents %s%s%s%s%s", name, r, p.revents & POLLIN ? "IN " : "", p.revents & POLLOUT ? "OUT " : "",
	    p.revents & POLLHUP ? "HUP " : "", p.revents & POLLERR ? "ERR " : "", p.revents & POLLNVAL ? "NVAL " : "");
}

static int selected(int fd, int write)
{
	fd_set s;
	FD_ZERO(&s);
	FD_SET(fd, &s);
	struct timeval tv = {0, 0};
	int r = select(fd + 1, write ? 0 : &s, write ? &s : 0, 0, &tv);
	return r < 0 ? -errno : r;
}

void group_pipe(void)
{
	signal(SIGPIPE, SIG_IGN);
	int p[2];
	ROW("pipe", pipe(p));
	say("descriptors %d %d", p[0], p[1]);
	struct stat st;
	fstat(p[0], &st);
	say("fstat S_ISFIFO = %d", S_ISFIFO(st.st_mode));
	ROW("F_GETFL read end & ACCMODE", fcntl(p[0], F_GETFL) & O_ACCMODE);
	ROW("F_GETFL write end & ACCMODE", fcntl(p[1], F_GETFL) & O_ACCMODE);
	ROW("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ));
	prev("poll empty read end", p[0], POLLIN);
	prev("poll write end", p[1], POLLOUT);
	ROW("select empty read end", selected(p[0], 0));
	ROW("select write end", selected(p[1], 1));
	ROW("write 5", write(p[1], "hello", 5));
	ROW("FIONREAD", (ioctl(p[0], FIONREAD, &(int){0}), ({
				 int n = 0;
				 ioctl(p[0], FIONREAD, &n);
				 n;
			 })));
	prev("poll read end with data", p[0], POLLIN);
	ROW("select read end with data", selected(p[0], 0));
	char b[70000];
	ROW("read 3 of 5", read(p[0], b, 3));
	ROW("read the rest", read(p[0], b, 100));
	ROW("read on the write end", read(p[1], b, 1));
	ROW("write on the read end", write(p[0], "x", 1));
	ROW("lseek on a pipe", lseek(p[0], 0, SEEK_SET));
	ROW("pread on a pipe", pread(p[0], b, 1, 0));
	ROW("pwrite on a pipe", pwrite(p[1], "x", 1, 0));
	ROW("F_SETFL O_NONBLOCK read end", fcntl(p[0], F_SETFL, O_NONBLOCK));
	ROW("read empty, O_NONBLOCK", read(p[0], b, 1));
	ROW("F_SETFL O_NONBLOCK write end", fcntl(p[1], F_SETFL, O_NONBLOCK));
	memset(b, 'x', sizeof b);
	ROW("write 70000 to an empty pipe, O_NONBLOCK", write(p[1], b, 70000));
	ROW("write 1 to a full pipe, O_NONBLOCK", write(p[1], b, 1));
	prev("poll full write end", p[1], POLLOUT);
	ROW("select full write end", selected(p[1], 1));
	ROW("read 4096 from a full pipe", read(p[0], b, 4096));
	prev("poll write end with room", p[1], POLLOUT);
	ROW("close the write end", close(p[1]));
	prev("poll read end, data and no writer", p[0], POLLIN);
	long total = 0, r;
	while ((r = read(p[0], b, sizeof b)) > 0)
		total += r;
	say("drained %ld then %ld", total, r);
	prev("poll read end, empty and no writer", p[0], POLLIN);
	ROW("select read end at EOF", selected(p[0], 0));
	ROW("read at EOF", read(p[0], b, 1));
	close(p[0]);

	ROW("pipe2 O_CLOEXEC|O_NONBLOCK", pipe2(p, O_CLOEXEC | O_NONBLOCK));
	ROW("F_GETFD", fcntl(p[0], F_GETFD));
	ROW("F_GETFL & NONBLOCK", fcntl(p[1], F_GETFL) & O_NONBLOCK);
	ROW("close the read end", close(p[0]));
	prev("poll write end, no reader", p[1], POLLOUT);
	ROW("write with no reader (SIGPIPE ignored)", write(p[1], "x", 1));
	close(p[1]);
	ROW("pipe2 bad flags", pipe2(p, O_APPEND));
	ROW("pipe NULL", pipe(NULL));

	/* Write, then read our own pipe, through dup'ed ends. */
	pipe(p);
	int w2 = dup(p[1]);
	close(p[1]);
	write(w2, "through a dup", 13);
	close(w2);
	memset(b, 0, 64);
	ROW("read through a dup'ed writer, closed", read(p[0], b, 64));
	say("got [%s]", b);
	ROW("read at EOF", read(p[0], b, 64));
	close(p[0]);

	/* poll and select over several descriptors at once. */
	pipe(p);
	int f = open("f", O_CREAT | O_RDWR, 0600);
	struct pollfd ps[4] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}, {f, POLLIN | POLLOUT, 0}, {-1, POLLIN, 0}};
	ROW("poll 4 descriptors", poll(ps, 4, 0));
	say("revents %x %x %x %x", ps[0].revents, ps[1].revents, ps[2].revents, ps[3].revents);
	struct pollfd bad = {77, POLLIN, 0};
	ROW("poll a closed descriptor", poll(&bad, 1, 0));
	say("revents %x", bad.revents);
	/* A descriptor that was open: Linux ignores set bits beyond its
	 * descriptor table (64 slots at first), so a large number's answer
	 * would depend on how many descriptors the process ever had. */
	int gone = dup(f);
	close(gone);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(gone, &rs);
	struct timeval tv = {0, 0};
	ROW("select a closed descriptor", select(gone + 1, &rs, 0, 0, &tv));
	ROW("select nfds -1", select(-1, 0, 0, 0, &tv));
	ROW("poll with a timeout, nothing ready", poll(ps, 1, 10));
	ROW("ppoll with a timeout, nothing ready", ppoll(ps, 1, &(struct timespec){0, 1000000}, 0));
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	tv = (struct timeval){0, 1000};
	ROW("select with a timeout, nothing ready", select(p[0] + 1, &rs, 0, 0, &tv));
	say("select timeout left %ld.%06ld", (long)tv.tv_sec, (long)tv.tv_usec);
	FD_ZERO(&rs);
	FD_SET(f, &rs);
	ROW("pselect on a file", pselect(f + 1, &rs, 0, 0, &(struct timespec){0, 0}, 0));
	close(p[0]);
	close(p[1]);
}
