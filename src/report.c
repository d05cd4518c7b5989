/*
 * report.c - ZeroVM's six-line exit report (docs/report.md):
 *
 *   1 validator state   0 passed, 1 failed, 2 not run
 *   2 daemon            0 (daemon mode is not implemented yet)
 *   3 user return code
 *   4 etags             "disabled" or "<alias> <sha1> ..." (+ /dev/memory)
 *   5 accounting        sys user | local gets bytes puts bytes | network x4
 *   6 exit state        "ok", or the first failure
 *
 * Written with one write(2) so it cannot interleave with anything else.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "session.h"

void report_accounting(const struct session *s, char *buf, size_t n)
{
	snprintf(buf, n, "%.2f %.2f %lld %lld %lld %lld 0 0 0 0", s->sys_time, s->user_time,
		 (long long)s->cs.reads, (long long)s->cs.read_bytes, (long long)s->cs.writes,
		 (long long)s->cs.write_bytes);
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

void report_print(const struct session *s, const char *memory_etag)
{
	char *etags = etag_line(s, memory_etag);
	char acct[256];
	report_accounting(s, acct, sizeof acct);
	const char *state = s->err.code ? s->err.msg : "ok";
	const char *eol = s->report_mode == 1 ? "; " : "\n";

	char *out = NULL;
	int n = asprintf(&out, "%d%s%d%s%d%s%s%s%s%s%s%s", (int)s->vstate, eol, 0, eol, (int)s->user_code, eol,
			 etags ? etags : "(out of memory)", eol, acct, eol, state, eol);
	free(etags);
	if (n < 0)
		return;
	if (s->report_mode == 1) {
		openlog("zerovm", LOG_PID, LOG_USER);
		syslog(LOG_INFO, "%s", out);
		closelog();
	} else {
		fflush(stdout);
		for (int off = 0; off < n;) {
			ssize_t w = write(STDOUT_FILENO, out + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			off += (int)w;
		}
	}
	free(out);
}
