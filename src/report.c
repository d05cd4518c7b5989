/*
 * report.c - ZeroVM's six-line exit report (docs/report.md):
 *
 *   1 validator state   0 passed, 1 failed, 2 not run
 *   2 daemon            1 when the session became a daemon at its fork (Job), else 0
 *   3 user return code
 *   4 etags             "disabled" or "<alias> <sha1> ..." (+ /dev/memory)
 *   5 accounting        sys user | local gets bytes puts bytes | network gets bytes puts bytes
 *   6 exit state        "ok", or the first failure
 *
 * Written in one piece after everything else, on lines of its own (a newline
 * first if the program's output ends mid-line; at the end of a standard
 * output that is a regular file), so `tail -n 6` is always the report.
 */
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "out.h"

void report_accounting(const struct session *s, char *buf, size_t n)
{
	const struct channels *c = &s->cs;
	snprintf(buf, n, "%.2f %.2f %lld %lld %lld %lld %lld %lld %lld %lld", s->sys_time, s->user_time,
		 (long long)c->reads, (long long)c->read_bytes, (long long)c->writes, (long long)c->write_bytes,
		 (long long)c->net_reads, (long long)c->net_read_bytes, (long long)c->net_writes,
		 (long long)c->net_write_bytes);
}

/* Line 4: "disabled", or "<alias> <hex>" pairs in handle order, then the
 * memory etag. Returns a malloc'd string (NULL when out of memory). */
static char *etag_line(const struct session *s, const char *memory_etag)
{
	size_t cap = 64 + (memory_etag ? ETAG_HEX_LEN + 16 : 0);
	for (uint32_t i = 0; i < s->cs.n; i++)
		if (s->cs.ch[i].mc->etag)
			cap += strlen(s->cs.ch[i].mc->alias) + ETAG_HEX_LEN + 2;
	char *line = malloc(cap);
	if (!line)
		return NULL;
	size_t len = 0;
	line[0] = 0;
	for (uint32_t i = 0; i < s->cs.n; i++) {
		const struct channel *c = &s->cs.ch[i];
		if (c->mc->etag && c->hex[0])
			len += (size_t)snprintf(line + len, cap - len, "%s%s %s", len ? " " : "", c->mc->alias, c->hex);
	}
	if (memory_etag && memory_etag[0])
		len += (size_t)snprintf(line + len, cap - len, "%s/dev/memory %s", len ? " " : "", memory_etag);
	if (!len)
		snprintf(line, cap, "disabled");
	return line;
}

/* Does the program's output on zerovm's standard output end mid-line?
 * A regular file is looked at where the report will go, at its end (the
 * descriptor may be write-only: then through /proc/self/fd/1); anything
 * else by the last byte a channel wrote to it. */
static bool ends_mid_line(const struct session *s, bool regular, off_t end)
{
	if (!regular)
		return s->cs.stdout_last && s->cs.stdout_last != '\n';
	if (end <= 0)
		return false;
	char c;
	if (pread(STDOUT_FILENO, &c, 1, end - 1) == 1)
		return c != '\n';
	int fd = open("/proc/self/fd/1", O_RDONLY | O_CLOEXEC);
	bool got = fd >= 0 && pread(fd, &c, 1, end - 1) == 1;
	if (fd >= 0)
		close(fd);
	if (got)
		return c != '\n';
	return s->cs.stdout_last && s->cs.stdout_last != '\n';
}

int report_print(const struct session *s, const char *memory_etag, const char *note, int64_t deadline_ms)
{
	char *etags = etag_line(s, memory_etag);
	char acct[256];
	report_accounting(s, acct, sizeof acct);
	const char *state = s->err.code ? s->err.msg : "ok";
	const char *eol = s->report_mode == 1 ? "; " : "\n";

	/* The report is always the last six lines, on lines of its own. */
	const char *lead = "";
	int fd = s->report_fd;
	if (s->report_mode != 1 && !s->report_framed) {
		struct stat st;
		bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
		off_t end = regular ? lseek(fd, 0, SEEK_END) : 0;
		if (ends_mid_line(s, regular, end))
			lead = "\n";
	}
	char *out = NULL;
	int n = asprintf(&out, "%s%d%s%d%s%d%s%s%s%s%s%s%s%s%s", lead, (int)s->vstate, eol, s->daemon ? 1 : 0, eol,
			 (int)s->user_code, eol, etags ? etags : "(out of memory)", eol, acct, eol, state,
			 note ? "; " : "", note ? note : "", eol);
	free(etags);
	if (n < 0)
		return -ENOMEM;
	int r = 0;
	if (s->report_mode == 1) {
		openlog("zerovm", LOG_PID, LOG_USER);
		syslog(LOG_INFO, "%s", out);
		closelog();
	} else if (s->report_framed) {
		/* A daemon's request (docs/snapshots.md): the original's frame,
		 * "0x" and six hex digits of length, then the report. */
		char frame[16];
		snprintf(frame, sizeof frame, "0x%06x", (unsigned)n & 0xffffffu);
		r = out_write(fd, frame, 8, deadline_ms);
		if (!r)
			r = out_write(fd, out, (size_t)n, deadline_ms);
	} else {
		r = out_write(fd, out, (size_t)n, deadline_ms);
	}
	free(out);
	return r;
}
