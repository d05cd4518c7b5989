/*
 * tool.h - the base of the host tools (zvsh, zvjob): exit statuses, how a
 * tool says a failure, growable arrays and text, writing all of a buffer.
 *
 * tools/common/ holds what the front ends share, one module each (a .c and
 * its .h), reached through the include path (-iquote tools/common):
 *
 *   3  program.c   the manifest's Program: a host file, in $PATH, or in
 *                  the ro images
 *   2  image.c     a program inside ro tar images, found and extracted
 *      manifest.c  the manifest and the runtime's nvram, written and checked
 *      zerovm.c    finding zerovm, starting it on chosen descriptors,
 *                  signals, reading its six-line report
 *   1  workdir.c   the work directory and the files in it
 *   0  tool.c      this header
 *      ../untrusted/tar.c, nvram.c: the runtime's tar reader, nvram parser
 *                  and escaper, built into the tools from their sources
 *
 * A file uses its own module and the layers below it, never one above or
 * beside it; a tool's own modules (tools/zvsh/, tools/zvjob/) sit above all
 * of these and never use another tool's. tests/func/tools-layers.sh checks
 * every file's includes against its table.
 *
 * Failures. A function that can fail prints "<tool>: <what>" itself
 * (tool_fail), records the exit status of the first failure in the
 * struct tool_log it was given, and returns -1; the tool's main() returns
 * that status.
 *
 * Names. Every extern carries its module's prefix (workdir_, image_,
 * manifest_, ...); this module's are tool_.
 */
#ifndef TOOL_TOOL_H
#define TOOL_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit statuses of a tool's own (not the program's) outcomes. */
#define TOOL_EXIT_USAGE 2      /* bad command line, unusable file, any other failure of the tool */
#define TOOL_EXIT_TIMEOUT 124  /* "session timeout", as timeout(1) */
#define TOOL_EXIT_NOEXEC 126   /* the program (or zerovm) exists but cannot be used */
#define TOOL_EXIT_NOTFOUND 127 /* the program (or zerovm) was not found */
#define TOOL_EXIT_QUOTA 153    /* "disk quota exceeded": 128 + SIGXFSZ, as the original's RLIMIT_FSIZE */

/* Where failures are said: on stderr, the first one's status kept. */
struct tool_log {
	const char *prog;  /* "zvsh", "zvjob": the messages' prefix */
	const char *where; /* what is being done, said after prog ("node map-1"); NULL: nothing */
	int status;        /* the exit status of the first failure, 0 while none */
	bool verbose;      /* --verbose: tool_note prints */
};

/* Print "<prog>: [<where>: ]<message>" on stderr, record status if it is the first
 * failure (lg->status), and return -1. */
__attribute__((format(printf, 3, 4))) int tool_fail(struct tool_log *lg, int status, const char *fmt, ...);
/* tool_fail(lg, TOOL_EXIT_USAGE, "out of memory"). */
int tool_oom(struct tool_log *lg);
/* Print "<prog>: <message>" on stderr with --verbose only. */
__attribute__((format(printf, 2, 3))) void tool_note(const struct tool_log *lg, const char *fmt, ...);

/* Room for element number len in arr (*cap allocated, of elem bytes each):
 * the array, moved if it grew (*cap updated), or NULL when out of memory
 * (arr is then unchanged and still owned by the caller). */
void *tool_grow(void *arr, size_t *cap, size_t len, size_t elem);

/* Text built piece by piece; a failed allocation is remembered (oom) and
 * checked once at the end. */
struct tool_buf {
	char *p;
	size_t len, cap;
	bool oom;
};

/* Append to b (always NUL-terminated once anything was appended); on a
 * failed allocation b->oom is set and later calls do nothing. */
__attribute__((format(printf, 2, 3))) void tool_buf_printf(struct tool_buf *b, const char *fmt, ...);

/* write(2) all of data: 0, or -1 with errno set. */
int tool_write_all(int fd, const void *data, size_t len);
/* Read len bytes at off from the descriptor *(int *)ctx, retrying short
 * reads: the count (short only at the end of the file), or -errno. The
 * shape of tar_read_fn and elfdyn_read_fn, for the parsers of untrusted/. */
int64_t tool_pread_fd(void *ctx, void *buf, size_t len, uint64_t off);
/* The same, waiting (poll) when fd is non-blocking and full: for
 * descriptors the tool was given (its standard error, a relayed socket). */
int tool_put_all(int fd, const char *p, size_t n);

/* dir "/" name, without a second '/' when dir ends in one: malloc'd, or
 * NULL when out of memory. */
char *tool_join(const char *dir, const char *name);

/* mkdir -p path (each missing directory mode 0700); path is changed in
 * place while it works, then restored. 0, or -1 with errno. */
int tool_mkdirs(char *path);

/* Decimal digits, the whole of s (at least one): 0 and the number, or -1
 * (not a number, or it overflows). */
int tool_parse_uint(const char *s, uint64_t *out);
/* N, or N with K, M, G or T (powers of 1024, either case): 0 and the
 * number, or -1. */
int tool_parse_size(const char *s, uint64_t *out);

/* The command-line options a tool knows. */
enum tool_arg {
	TOOL_ARG_NONE,     /* a flag */
	TOOL_ARG_REQUIRED, /* --opt VALUE or --opt=VALUE (a two-letter -o also -oVALUE) */
	TOOL_ARG_OPTIONAL, /* --opt or --opt=VALUE */
};
struct tool_option {
	const char *name; /* "--image", "-j" */
	int id;
	enum tool_arg arg;
};
#define TOOL_OPT_END (-1) /* argv[*i] is not an option: the first operand, or past the end */
#define TOOL_OPT_BAD (-2) /* a bad option: said, with "Try '<prog> --help'." */

/*
 * The option at argv[*i] (options: opts[0..n)): its id, with its value in
 * *val (NULL for a flag or an optional value not given), *i advanced past
 * it. "--" ends the options (skipped); so does "-" or any word not
 * starting with '-' (left at *i). TOOL_OPT_END or TOOL_OPT_BAD otherwise.
 */
int tool_option(struct tool_log *lg, int argc, char **argv, int *i, const struct tool_option *opts, size_t n,
		const char **val);

#endif
