/*
 * options.c - zerovm's command line (options.h).
 */
#include "options.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "manifest.h"

const char options_usage[] = "Usage: zerovm [options] <manifest>\n"
			     "       zerovm --serve <socket> [--pool N] [--max-sessions N] [--queue N] [-v N]\n"
			     "       zerovm --connect <socket> [options] <manifest>\n"
			     "Run the program a ZeroVM manifest names behind a seccomp wall, with only the\n"
			     "channels the manifest declares, and print the six-line report.\n"
			     "\n"
			     "  -l <GB>    file size limit for output channels (default 4)\n"
			     "  -s         skip validation of the program\n"
			     "  -t <0..2>  report to stdout (0), syslog (1), stdout with an accounting line\n"
			     "             every second (2); default 0\n"
			     "  -v <0..3>  verbosity of diagnostics on stderr (default 0)\n"
			     "  -F         load, validate and open channels, report, and quit before the\n"
			     "             program runs\n"
			     "  -P         do not preallocate write channels\n"
			     "  -Q         skip the platform self-check\n"
			     "  -T <file>  append one line per trap call, with timings, to <file>\n"
			     "  -Z         run the program raw, without the runtime (ZRT): it speaks only\n"
			     "             the trap interface, and any other system call kills it\n"
			     "  -C         answer cpuid from a fixed table (APIC ids zeroed), so that the\n"
			     "             memory etag does not depend on the CPU the program ran on;\n"
			     "             costs a context-switch MSR write per trap in virtual machines\n"
			     "  -M <file>  the manifest (same as giving it as the argument)\n"
			     "  --stream <alias>  reads of that channel (sequential) return what has\n"
			     "             arrived, as read(2) does, instead of the whole size asked:\n"
			     "             for terminals and co-processes; not deterministic\n"
			     "  --json <file>  also write the report as JSON to <file> (atomically: a\n"
			     "             temporary name, then renamed); the six lines are unchanged\n"
			     "  --snapshot <file>  at the program's first resumable fork (zvm_fork), write\n"
			     "             its memory and what it depends on to <file>; the session goes on\n"
			     "  --resume <file>  start from that snapshot instead of the program's start:\n"
			     "             the manifest must have the same program, memory and channel\n"
			     "             layout (see zerovm(1), SNAPSHOTS)\n"
			     "  --serve <socket>  run as a server: listen on a Unix socket (created mode\n"
			     "             0600) and run one session per request, each in a sandbox\n"
			     "             made and sealed before the request came (see zerovm(1))\n"
			     "  --pool N   sandboxes kept ready (default 4, 1 to 64)\n"
			     "  --max-sessions N  sessions running at once (default 16, 1 to 1024)\n"
			     "  --queue N  requests waiting for a sandbox before clients are refused\n"
			     "             (default 64, 1 to 4096)\n"
			     "  --connect <socket>  run the session in that server: the same output,\n"
			     "             report and exit status as without it\n"
			     "  --help     this text\n"
			     "  --version  version and build information\n"
			     "\n"
			     "Exit status: 0 when the session ran (the program's own code is report line\n"
			     "3); otherwise the errno of the first failure (see zerovm(1)).\n";

/* The first problem found; later ones are not looked at. */
struct bad {
	char *msg;
	size_t len;
	bool set;
};

__attribute__((format(printf, 2, 3))) static void bad_usage(struct bad *b, const char *fmt, ...)
{
	if (b->set)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b->msg, b->len, fmt, ap);
	va_end(ap);
	b->set = true;
}

static int bounded(struct bad *b, const char *s, int lo, int hi, const char *opt)
{
	int64_t v;
	if (manifest_parse_int(s, &v) < 0 || v < lo || v > hi) {
		bad_usage(b, "invalid value '%s' for %s (%d to %d)", s, opt, lo, hi);
		return lo;
	}
	return (int)v;
}

static void operand(struct bad *b, struct options *o, const char *arg)
{
	if (o->manifest)
		bad_usage(b, "second manifest '%s'", arg);
	o->manifest = arg;
}

enum { OPT_JSON = 256, OPT_STREAM, OPT_SERVE, OPT_CONNECT, OPT_POOL, OPT_MAXS, OPT_QUEUE, OPT_SNAPSHOT, OPT_RESUME };

int options_parse(int argc, char **argv, struct options *o, char *msg, size_t msglen)
{
	struct bad b = {msg, msglen, false};
	memset(o, 0, sizeof *o);
	o->fsize_gb = 4;
	o->pool = 4;
	o->max_sessions = 16;
	o->queue = 64;
	o->resume_fd = o->report_fd = -1;
	opterr = 0;
	optind = 0; /* a full reset, in musl and glibc */
	int c;
	/* A leading '-': operands come back as option 1, in place, so that
	 * options may follow the manifest with any getopt (musl's does not
	 * permute). */
	static const struct option longs[] = {
		{"json", required_argument, NULL, OPT_JSON},     {"stream", required_argument, NULL, OPT_STREAM},
		{"serve", required_argument, NULL, OPT_SERVE},   {"connect", required_argument, NULL, OPT_CONNECT},
		{"pool", required_argument, NULL, OPT_POOL},     {"max-sessions", required_argument, NULL, OPT_MAXS},
		{"queue", required_argument, NULL, OPT_QUEUE},   {"snapshot", required_argument, NULL, OPT_SNAPSHOT},
		{"resume", required_argument, NULL, OPT_RESUME}, {NULL, 0, NULL, 0}};
	while (!b.set && (c = getopt_long(argc, argv, "-:l:st:v:FPQT:M:ZC", longs, NULL)) != -1) {
		switch (c) {
		case 'l': {
			int64_t v;
			if (manifest_parse_int(optarg, &v) < 0 || v < 1 || v > (1 << 20))
				bad_usage(&b, "invalid file size limit '%s' (whole gigabytes, 1 or more)", optarg);
			o->fsize_gb = v;
			break;
		}
		case 's': o->skip_validation = true; break;
		case 't': o->report_mode = bounded(&b, optarg, 0, 2, "-t"); break;
		case 'v': o->verbosity = bounded(&b, optarg, 0, 3, "-v"); break;
		case 'F': o->stop_before_run = true; break;
		case 'P': o->no_prealloc = true; break;
		case 'Q': o->skip_selfcheck = true; break;
		case 'T': o->trace = optarg; break;
		case 'Z': o->raw = true; break;
		case 'C': o->cpuid = true; break;
		case OPT_STREAM:
			if (o->nstream == 16)
				bad_usage(&b, "more than 16 --stream channels");
			else
				o->stream[o->nstream++] = optarg;
			break;
		case OPT_JSON:
			if (!optarg[0])
				bad_usage(&b, "--json needs a file name");
			o->json = optarg;
			break;
		case OPT_SERVE:
		case OPT_CONNECT:
			if (!optarg[0])
				bad_usage(&b, "--%s needs a socket path", c == OPT_SERVE ? "serve" : "connect");
			*(c == OPT_SERVE ? &o->serve : &o->connect) = optarg;
			break;
		case OPT_SNAPSHOT:
		case OPT_RESUME:
			if (!optarg[0])
				bad_usage(&b, "--%s needs a file name", c == OPT_SNAPSHOT ? "snapshot" : "resume");
			*(c == OPT_SNAPSHOT ? &o->snapshot : &o->resume) = optarg;
			break;
		case OPT_POOL: o->pool = bounded(&b, optarg, 1, 64, "--pool"); break;
		case OPT_MAXS: o->max_sessions = bounded(&b, optarg, 1, 1024, "--max-sessions"); break;
		case OPT_QUEUE: o->queue = bounded(&b, optarg, 1, 4096, "--queue"); break;
		case 1:
		case 'M': operand(&b, o, optarg); break;
		case ':':
			if (optopt >= OPT_JSON)
				bad_usage(&b, "option %s needs an argument", argv[optind - 1]);
			else
				bad_usage(&b, "option -%c needs an argument", optopt);
			break;
		default:
			if (!optopt)
				bad_usage(&b, "unknown option %s", argv[optind - 1]);
			else
				bad_usage(&b, "unknown option -%c", optopt);
		}
	}
	for (; !b.set && optind < argc; optind++)
		operand(&b, o, argv[optind]);
	if (!b.set && o->serve && o->connect)
		bad_usage(&b, "--serve and --connect exclude each other");
	if (!b.set && o->serve && o->manifest)
		bad_usage(&b, "--serve takes no manifest: clients send theirs");
	if (!b.set && (o->snapshot || o->resume) && (o->serve || o->connect))
		bad_usage(&b, "--snapshot and --resume run here, not with --serve or --connect");
	if (!b.set && o->snapshot && o->resume)
		bad_usage(&b, "--snapshot and --resume exclude each other (a resumed session takes no snapshot)");
	if (!b.set && o->resume && o->stop_before_run)
		bad_usage(&b, "--resume and -F exclude each other");
	if (!b.set && !o->serve && !o->manifest)
		bad_usage(&b, "no manifest given");
	return b.set ? -1 : 0;
}
