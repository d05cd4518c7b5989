/*
 * trace.c - zerovm -T, see trace.h.
 */
#include "trace.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "zvm.h"

int trace_open(struct trace *t, const char *path)
{
	memset(t, 0, sizeof *t);
	t->path = path;
	t->max = TRACE_MAX_BYTES;
	t->f = fopen(path, "ae");
	if (!t->f)
		return -errno;
	int n = fprintf(t->f, "[%d] %048o\n", (int)getpid(), 0);
	if (n < 0)
		t->err = errno;
	else
		t->bytes = n;
	return 0;
}

static const char *trap_name(uint64_t id)
{
	switch (id) {
	case TrapRead: return "TrapRead";
	case TrapWrite: return "TrapWrite";
	case TrapJail: return "TrapJail";
	case TrapUnjail: return "TrapUnjail";
	case TrapExit: return "TrapExit";
	case TrapFork: return "TrapFork";
	default: return "Invalid";
	}
}

void trace_call(struct trace *t, const uint64_t *a, int64_t rc, double start, double end, double t0)
{
	if (!t->f || t->err)
		return;
	if (t->cut) {
		t->untraced++;
		return;
	}
	char args[128] = "", line[256];
	switch (a[0]) {
	case TrapRead:
	case TrapWrite:
		snprintf(args, sizeof args, "%d, 0x%" PRIx64 ", %d, %" PRId64, (int32_t)a[2], a[3], (int32_t)a[4],
			 (int64_t)a[5]);
		break;
	case TrapJail:
	case TrapUnjail: snprintf(args, sizeof args, "0x%" PRIx64 ", %d", a[2], (int32_t)a[3]); break;
	case TrapExit: snprintf(args, sizeof args, "%d", (int32_t)a[2]); break;
	default: break;
	}
	int n = snprintf(line, sizeof line, "%.6f [%.6f]: %s(%s) = %" PRId64 "\n", start - t0, end - start,
			 trap_name(a[0]), args, rc);
	if (t->bytes + n > t->max) {
		t->cut = true;
		t->untraced = 1;
		return;
	}
	if (fputs(line, t->f) < 0)
		t->err = errno ? errno : EIO;
	t->bytes += n;
}

void trace_close(struct trace *t)
{
	if (!t->f)
		return;
	if (t->cut && !t->err &&
	    fprintf(t->f, "trace cut after %" PRId64 " bytes: %" PRIu64 " more calls not traced\n", t->bytes,
		    t->untraced) < 0)
		t->err = errno ? errno : EIO;
	if (fclose(t->f) != 0 && !t->err)
		t->err = errno ? errno : EIO;
	t->f = NULL;
}
