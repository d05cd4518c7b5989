/*
 * tick.c - zerovm -t 2: the accounting line (report line 5) once a second.
 */
#include "tick.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "out.h"
#include "report.h"

/* CPU time so far: ours from getrusage, the sandbox's from its
 * /proc/<pid>/stat (utime and stime, fields 14 and 15, in clock ticks). */
static void cpu_so_far(struct session *s)
{
	struct rusage self;
	getrusage(RUSAGE_SELF, &self);
	double user = timeval_seconds(self.ru_utime), sys = timeval_seconds(self.ru_stime);
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)s->sb.pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	if (fd >= 0)
		close(fd);
	const char *p = n > 0 ? (buf[n] = 0, strrchr(buf, ')')) : NULL;
	unsigned long long ut, st;
	/* after ")": state ppid pgrp session tty tpgid flags minflt cminflt
	 * majflt cmajflt utime stime */
	if (p && sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) == 2) {
		long hz = sysconf(_SC_CLK_TCK);
		user += (double)ut / (double)hz;
		sys += (double)st / (double)hz;
	}
	s->user_time = user;
	s->sys_time = sys;
}

void tick_report(struct session *s)
{
	char line[256];
	cpu_so_far(s);
	report_accounting(s, line, sizeof line);
	size_t n = strlen(line);
	line[n++] = '\n';
	/* Bounded: a reader that stops reading must not hold the loop. */
	if (out_write(STDOUT_FILENO, line, n, s->deadline_ms) == 0)
		s->cs.stdout_last = '\n';
}
