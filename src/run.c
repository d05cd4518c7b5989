/*
 * run.c - one session, from the manifest to the report (run.h).
 *
 *   manifest -> platform self-check -> guest memory -> program (load,
 *   validate) -> channels -> layout, filter, boot block -> [-F stops] ->
 *   sandbox (started here, or made ready before: server.c) -> traps until
 *   exit -> close channels -> etags -> report
 */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loop.h"
#include "netchan.h"
#include "out.h"
#include "policy.h"
#include "report.h"
#include "report_json.h"
#include "runtime.h"
#include "session.h"
#include "snapfmt.h"
#include "snapshot.h"
#include "daemon.h"

__attribute__((format(printf, 3, 4))) static void vlog(const struct session *s, int level, const char *fmt, ...)
{
	if (s->verbosity < level)
		return;
	/* One write per line: the program's standard error may be the same
	 * file, and a line cut in three would let its lines in between. */
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line + 8, sizeof line - 9, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t len = 8 + ((size_t)n < sizeof line - 9 ? (size_t)n : sizeof line - 10);
	memcpy(line, "zerovm: ", 8);
	line[len++] = '\n';
	out_write(STDERR_FILENO, line, len, 0);
}

static int read_manifest(struct session *s, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return zvm_fail(&s->err, errno == ENOENT ? ZVM_EXIT_NOENT : ZVM_EXIT_IO, "manifest %s: cannot open: %s",
				path, strerror(errno)),
		       -1;
	/* One byte more than the limit tells "too large" from "exactly full".
	 * A regular file gets a buffer of its own size (plus that byte), not
	 * the whole limit: the usual manifest is a few hundred bytes. */
	size_t cap = MANIFEST_MAX_BYTES + 1, len = 0;
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size < MANIFEST_MAX_BYTES)
		cap = (size_t)st.st_size + 1;
	char *buf = malloc(cap);
	if (!buf) {
		close(fd);
		return zvm_fail(&s->err, ZVM_EXIT_NOMEM, "manifest: out of memory"), -1;
	}
	for (;;) {
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			zvm_fail(&s->err, ZVM_EXIT_IO, "manifest %s: read error: %s", path, strerror(errno));
			break;
		}
		if (r == 0 || (len += (size_t)r) == cap)
			break;
	}
	close(fd);
	if (!s->err.code && len == cap && cap <= MANIFEST_MAX_BYTES)
		zvm_fail(&s->err, ZVM_EXIT_IO, "manifest %s: grew while being read", path);
	if (!s->err.code && len == 0)
		zvm_fail(&s->err, ZVM_EXIT_IO, "manifest %s: empty", path);
	int rc = s->err.code ? -1 : manifest_parse(buf, len, &s->m, &s->err);
	free(buf);
	return rc;
}

/* The kernel features the sandbox stands on. A missing one would otherwise
 * show up as an obscure failure in the child; -Q skips the check. */
static int selfcheck(struct session *s)
{
	struct seccomp_notif_sizes sz;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
		return zvm_fail(&s->err, ZVM_EXIT_MANIFEST,
				"platform: seccomp user notification is not supported (Linux 5.0+ needed): %s",
				strerror(errno)),
		       -1;
	errno = 0;
	if (syscall(SYS_pidfd_getfd, -1, 0, 0) < 0 && errno == ENOSYS)
		return zvm_fail(&s->err, ZVM_EXIT_MANIFEST,
				"platform: pidfd_getfd is not supported (Linux 5.6+ needed)"),
		       -1;
	errno = 0;
	if (syscall(SYS_clone3, NULL, 0) < 0 && errno == ENOSYS)
		return zvm_fail(&s->err, ZVM_EXIT_MANIFEST, "platform: clone3 is not supported (Linux 5.3+ needed)"),
		       -1;
	return 0;
}

static const char *basename_of(const char *p)
{
	const char *b = strrchr(p, '/');
	return b && b[1] ? b + 1 : p;
}

/* -v 2: each step of the session with the time since start, so that a
 * user can see where a slow start goes. */
static void step_at(const struct session *s, const char *what, double t)
{
	vlog(s, 2, "[%8.3f ms] %s", (t - s->t0) * 1e3, what);
}

static void step(const struct session *s, const char *what)
{
	step_at(s, what, session_now());
}

/* The manifest's Timeout in seconds; beyond a century it is a century, so
 * that no deadline computed from it overflows. */
static int64_t timeout_s(const struct manifest *m)
{
	return m->timeout < 3155760000 ? m->timeout : 3155760000;
}

/* spare: a ready sandbox's guest memory, or -1; prepare() sets it to -1
 * once guest memory has taken it (or it was closed), and the caller
 * closes what is left on an early failure. */
static int prepare(struct session *s, const struct options *o, int *spare)
{
	if (read_manifest(s, o->manifest) < 0 || channels_inherit(&s->cs, &s->m, &s->err) < 0)
		return -1;
	/* The deadline holds from here on: network channels wait for their
	 * peers no longer. */
	s->deadline_ms = (int64_t)(s->t0 * 1000.0) + timeout_s(&s->m) * 1000;
	s->copts.deadline_ms = s->deadline_ms;
	step(s, "manifest read and parsed");
	if (o->trace && trace_open(&s->trace, o->trace) < 0)
		return zvm_fail(&s->err, ZVM_EXIT_IO, "trace %s: cannot open: %s", o->trace, strerror(errno)), -1;
	if (!o->skip_selfcheck && selfcheck(s) < 0)
		return -1;
	step(s, o->skip_selfcheck ? "platform self-check skipped (-Q)" : "platform self-check passed");
	/* A snapshot is refused on what it can be told by before anything
	 * else is made (snapshot.h). */
	struct snap *sn = NULL;
	if (o->resume || o->resume_fd >= 0) {
		sn = snapshot_open(o->resume, o->resume_fd, s, o, &s->err);
		if (!sn)
			return -1;
		step(s, "snapshot opened and its key checked");
	}
	/* A ready sandbox's spare memory holds the runtime: not for a raw
	 * program, nor for a resume (the snapshot's bytes fill fresh memory). */
	if (*spare >= 0 && (o->raw || sn))
		close(*spare), *spare = -1;
	int memfd = *spare;
	*spare = -1; /* guest_create_from's now, whatever it returns */
	if (guest_create_from(&s->g, memfd, (uint64_t)s->m.memory, &s->err) < 0)
		return snapshot_free(sn), -1;
	step(s, "guest memory created");
	if (sn) {
		s->vstate = (enum validation_state)snapshot_vstate(sn);
		if (snapshot_fill(sn, &s->g, s->m.program, &s->err) < 0)
			return snapshot_free(sn), -1;
		step(s, "guest memory filled from the snapshot");
		if (s->g.mapped_bytes || s->g.copied_bytes)
			vlog(s, 2, "program: %llu bytes mapped from its file, %llu read%s%s",
			     (unsigned long long)s->g.mapped_bytes, (unsigned long long)s->g.copied_bytes,
			     s->g.copy_why ? ": nothing mapped, " : "", s->g.copy_why ? s->g.copy_why : "");
	} else {
		/* A served session copies, as its ready sandbox gets one
		 * descriptor only (docs/memory.md). */
		if (elf_load(&s->g, s->m.program, !o->skip_validation, !o->raw, !s->served, &s->vstate, &s->err) < 0)
			return -1;
		step(s,
		     o->skip_validation ? "program loaded (validation skipped, -s)" : "program loaded and validated");
		const char *why = s->served ? "a served session copies" : s->g.copy_why;
		vlog(s, 2, "program: %llu bytes mapped from its file, %llu copied%s%s",
		     (unsigned long long)s->g.mapped_bytes, (unsigned long long)s->g.copied_bytes,
		     why ? ": nothing mapped, " : "", why ? why : "");
		if (!o->raw) {
			/* Its code mapped from zerovm's own file, but in a session
			 * that may take a snapshot (which names the program's
			 * ranges only) or is served (one descriptor). */
			bool map = !s->served && !o->snapshot && !s->m.job;
			if (runtime_load(&s->g, map, &s->err) < 0)
				return -1;
			step(s, "runtime loaded");
			if (map)
				vlog(s, 2, "runtime: %llu bytes of code mapped from zerovm's file%s%s",
				     (unsigned long long)s->g.rt_mapped, s->g.rt_why ? ", none: " : "",
				     s->g.rt_why ? s->g.rt_why : "");
		}
	}
	if (channels_open(&s->cs, &s->m, &s->copts, &s->err) < 0)
		return snapshot_free(sn), -1;
	for (int i = 0; i < o->nstream; i++)
		if (channels_stream(&s->cs, o->stream[i], &s->err) < 0)
			return snapshot_free(sn), -1;
	step(s, "channels open");
	if (sn) {
		int nfilter = policy_write(&s->g, !o->raw, &s->err);
		int r = snapshot_resume(sn, s, o, (uint32_t)nfilter);
		snapshot_free(sn);
		if (r < 0)
			return -1;
		s->resumed = true;
		vlog(s, 1, "resumed from snapshot %s", o->resume ? o->resume : "(the daemon's)");
	} else {
		if (guest_finish(&s->g, &s->cs, basename_of(s->m.program), &s->err) < 0)
			return -1;
		int nfilter = policy_write(&s->g, !o->raw, &s->err);
		if (nfilter < 0)
			return -1;
		guest_write_boot_block(&s->g, (uint32_t)nfilter, BOOT_F_TSC_SIGSEGV);
		if (!o->raw)
			runtime_finish(&s->g, &s->cs, o->cpuid, false, NULL, 0);
	}
	step(s, "user manifest, stack, filter and boot block written");
	if (o->stop_before_run)
		return 0;
	/* Network channels connect last, when nothing local can fail any
	 * more; stop signals are blocked from here on (the loop takes them
	 * over) and end the wait for a peer with a report. */
	loop_block_signals();
	if (netchan_connect(&s->cs, &s->m, &s->err) < 0)
		return -1;
	step(s, "network channels connected");
	return 0;
}

int session_run(const struct options *o, struct sandbox *ready, double t0)
{
	static struct session s; /* large: not on the stack */
	memset(&s, 0, sizeof s); /* a daemon's request runs a second session in the process */
	s.g.memfd = -1;
	s.g.progfd = -1;
	s.g.rtfd = -1;
	s.daemon_snap = -1;
	s.report_fd = o->report_fd >= 0 ? o->report_fd : STDOUT_FILENO;
	s.report_framed = o->report_fd >= 0;
	s.snap_path = o->snapshot;
	s.served = ready != NULL;
	s.snap_flags =
		(o->raw ? SNAP_F_RAW : 0) | (o->cpuid ? SNAP_F_CPUID : 0) | (o->skip_validation ? SNAP_F_NOVALID : 0);
	s.sb.pidfd = s.sb.listener = s.sb.sync = -1;
	s.vstate = VALIDATION_NOT_RUN;
	s.cs.inh.std_only = ready != NULL;
	s.report_mode = o->report_mode;
	s.verbosity = o->verbosity;
	s.copts.no_prealloc = o->no_prealloc;
	s.copts.fsize_limit = o->fsize_gb << 30;
	s.copts.verbosity = o->verbosity;
	s.t0 = t0;
	/* A closed pipe channel is an error for the program, not a signal
	 * for us; so is a write past the host's file size limit (ulimit -f):
	 * the program gets EFBIG and the session goes on to its report. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);

	/* A ready sandbox is sealed already, with the runtime's filter and
	 * handlers and cpuid left native (sandbox.h): a raw program, -C or a
	 * resume takes a cold sandbox instead (docs/performance.md). Its
	 * spare guest memory (worker.c), mapped in it, is the session's. */
	int spare = -1;
	if (ready && (o->raw || o->cpuid || o->resume || o->resume_fd >= 0)) {
		sandbox_kill(ready);
		while (waitpid(ready->pid, NULL, 0) < 0 && errno == EINTR)
			;
		sandbox_close(ready);
		ready = NULL;
		vlog(&s, 1, "a cold sandbox: the ready ones are sealed for the runtime without -C");
	} else if (ready) {
		spare = ready->spare_memfd;
		ready->spare_memfd = -1;
	}
	int prepared = -1;
	if (o->request_error)
		zvm_fail(&s.err, ZVM_EXIT_MANIFEST, "%s", o->request_error);
	else
		prepared = prepare(&s, o, &spare);
	if (spare >= 0) /* a failure before guest memory was made */
		close(spare);
	if (prepared == 0 && !o->stop_before_run) {
		/* Stop signals are blocked already (prepare()). */
		struct sandbox_opts so = {
			.timeout = timeout_s(&s.m), .deadline_ms = s.deadline_ms, .start_trap = s.verbosity >= 2};
		int started = ready ? sandbox_go(ready, &s.g, &so, &s.err) : sandbox_start(&s.sb, &s.g, &so, &s.err);
		if (ready)
			s.sb = *ready;
		guest_close_prog(&s.g); /* the sandbox has its own, or failed */
		if (started == 0) {
			/* A ready sandbox: when boot made its last trap, right
			 * before the jump (sandbox.h), not after our answer. */
			step_at(&s, "sandbox sealed, program running", s.sb.started > 0 ? s.sb.started : session_now());
			vlog(&s, 1, "sandbox: %s", s.sb.isolation);
			vlog(&s, 1, "traps: %s", s.sb.sync_wakeup ? "synchronous wake-up" : "plain wake-up");
			loop_serve(&s);
			step(&s, "program ended, sandbox reaped");
		} else {
			sandbox_kill(&s.sb);
		}
		sandbox_close(&s.sb);
	} else if (ready) {
		sandbox_kill(ready); /* never released: it dies in its trap */
		sandbox_close(ready);
	}
	guest_close_prog(&s.g); /* not started: -F, or a failure */
	/* Writers end their streams cleanly only after a session that ran to
	 * its end without a failure; else their readers see them cut. */
	s.cs.ended_ok = s.sb.pid > 0 && !s.err.code;
	channels_close(&s.cs, &s.err);

	step(&s, "channels closed");
	if (s.snap_path && !s.snap_taken && s.sb.pid > 0)
		zvm_fail(&s.err, ZVM_EXIT_INVAL, "snapshot %s: not written: the program made no fork trap",
			 s.snap_path);
	/* Job: the socket listens before the report is out, so that a client
	 * may connect as soon as this zerovm has ended. */
	int listener = -1;
	if (s.daemon && !s.err.code)
		listener = daemon_listen(&s);
	char mem_hex[ETAG_HEX_LEN + 1] = "";
	if (s.m.memory_etag && s.sb.pid > 0 && guest_memory_etag(&s.g, mem_hex) < 0)
		zvm_fail(&s.err, ZVM_EXIT_NOMEM, "memory etag: out of memory");
	if (s.g.prog_shrank)
		out_printf(STDERR_FILENO, s.deadline_ms + OUT_GRACE_MS,
			   "zerovm: warning: program %s: the file shrank during the session; its pages past the new "
			   "end read as zeros here (docs/memory.md)\n",
			   s.m.program);
	trace_close(&s.trace);
	if (s.trace.err)
		zvm_fail(&s.err, ZVM_EXIT_IO, "trace %s: %s", s.trace.path, strerror(s.trace.err));
	char note[96] = "";
	if (s.trace.cut)
		snprintf(note, sizeof note, "trace cut after %lld bytes", (long long)s.trace.bytes);

	/* Our own output waits for its readers no longer than the session's
	 * deadline plus a grace (out.h). */
	int64_t deadline = s.deadline_ms;
	if (!deadline)
		deadline = (int64_t)(s.t0 * 1000.0) + (s.m.timeout > 0 ? timeout_s(&s.m) : 0) * 1000;
	deadline += OUT_GRACE_MS;
	if (s.err.code && s.err.code != ZVM_EXIT_SIGNAL)
		out_printf(STDERR_FILENO, deadline, "zerovm: %s\n", s.err.msg);
	step(&s, "etags done, report follows");
	int r = report_print(&s, mem_hex, note[0] ? note : NULL, deadline);
	if (r < 0) {
		/* Said even past the deadline, briefly: stderr may be fine. */
		int64_t now = out_now_ms();
		out_printf(STDERR_FILENO, deadline > now + 200 ? deadline : now + 200, "zerovm: report: %s\n",
			   r == -ETIMEDOUT ? "not written: standard output was not read by the session's deadline"
					   : strerror(-r));
		if (!s.err.code)
			s.err.code = ZVM_EXIT_IO;
	}
	if (o->json) {
		/* After the six lines, so that it holds their outcome too; a
		 * failure here can only be said on stderr and in the status. */
		int j = report_json(&s, mem_hex, note[0] ? note : NULL, s.err.code ? s.err.code : ZVM_EXIT_OK, o->json);
		if (j < 0) {
			int64_t now = out_now_ms();
			out_printf(STDERR_FILENO, deadline > now + 200 ? deadline : now + 200,
				   "zerovm: --json %s: not written: %s\n", o->json, strerror(-j));
			if (!s.err.code)
				s.err.code = ZVM_EXIT_IO;
		}
	}
	if (listener >= 0)
		daemon_spawn(&s, o, listener);
	if (s.daemon_snap >= 0)
		close(s.daemon_snap);
	/* Guest memory is left to exit(): unmapping it here would cost a TLB
	 * shootdown across CPUs (~20 us) for nothing. Heap memory is freed so
	 * that leak checkers see a clean exit. */
	free(s.g.jailed);
	free(s.cs.ch);
	manifest_free(&s.m);
	return s.err.code;
}
