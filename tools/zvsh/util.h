/*
 * util.h - the base every file of zvsh uses: its exit statuses, how it
 * says a failure, growable arrays and text, writing all of a buffer.
 *
 * Layers. zvsh is tools/zvsh.c and the files of tools/zvsh/, one module
 * each (a .c and its .h). A file uses (includes the header of) its own
 * module and the layers below its own, never a layer above it or another
 * module of its own layer, so dependencies run one way: from the command
 * line at the top down to these helpers. tests/func/zvsh-layers.sh checks
 * every file's includes against this list (`make zrt` runs it), and a file
 * that is not on it fails the check.
 *
 *   5  zvsh.c      the command line: parse it into a plan, check it, hand
 *                  it over (docs/zvsh.1.md is the user's reference)
 *   4  session.c   apply a plan: the files in order, zerovm, the end
 *   3  program.c   the program: a host file, in $PATH, or in the images
 *      config.c    the manifest and the nvram
 *      run.c       run zerovm: its descriptors, socket relays, signals
 *   2  channel.c   the channels: standard streams, nvram, images, @FILE
 *      image.c     the program inside the ro images, extracted
 *      report.c    zerovm's report turned into zvsh's exit status
 *   1  plan.c      what the command line asked for (struct zvsh_plan)
 *      workdir.c   the work directory and the files in it
 *   0  util.c      this header: messages, growable arrays and text, writes
 *      ../zrt/tar.c, ../zrt/nvram.c: the runtime's tar reader, nvram
 *                  parser and escaper, built into zvsh from its sources
 *
 * Failures. A function that can fail prints "zvsh: <what>" itself
 * (zvsh_fail), records the exit status of the first failure in the
 * struct zvsh_log it was given, and returns -1; session_run() or main()
 * returns that status. Nothing here knows what a session is.
 *
 * Names. Every extern carries its module's prefix (plan_, workdir_,
 * channel_, ...); this module's are the program's own, zvsh_, as they
 * belong to every module.
 */
#ifndef ZVSH_UTIL_H
#define ZVSH_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* Exit statuses of zvsh's own (not the program's) outcomes. */
#define ZVSH_EXIT_USAGE 2      /* bad command line, unusable file, any other zvsh failure */
#define ZVSH_EXIT_TIMEOUT 124  /* "session timeout", as timeout(1) */
#define ZVSH_EXIT_NOEXEC 126   /* the program (or zerovm) exists but cannot be used */
#define ZVSH_EXIT_NOTFOUND 127 /* the program (or zerovm) was not found */
#define ZVSH_EXIT_QUOTA 153    /* "disk quota exceeded": 128 + SIGXFSZ, as the original's RLIMIT_FSIZE */

/* Where failures are said: on stderr, the first one's status kept. */
struct zvsh_log {
	int status;   /* the exit status of the first failure, 0 while none */
	bool verbose; /* --verbose: zvsh_note prints */
};

/* Print "zvsh: <message>" on stderr, record status if it is the first
 * failure (lg->status), and return -1. */
__attribute__((format(printf, 3, 4))) int zvsh_fail(struct zvsh_log *lg, int status, const char *fmt, ...);
/* zvsh_fail(lg, ZVSH_EXIT_USAGE, "out of memory"). */
int zvsh_oom(struct zvsh_log *lg);
/* Print "zvsh: <message>" on stderr with --verbose only. */
__attribute__((format(printf, 2, 3))) void zvsh_note(const struct zvsh_log *lg, const char *fmt, ...);

/* Room for element number len in arr (*cap allocated, of elem bytes each):
 * the array, moved if it grew (*cap updated), or NULL when out of memory
 * (arr is then unchanged and still owned by the caller). */
void *zvsh_grow(void *arr, size_t *cap, size_t len, size_t elem);

/* Text built piece by piece; a failed allocation is remembered (oom) and
 * checked once at the end. */
struct zvsh_buf {
	char *p;
	size_t len, cap;
	bool oom;
};

/* Append to b (always NUL-terminated once anything was appended); on a
 * failed allocation b->oom is set and later calls do nothing. */
__attribute__((format(printf, 2, 3))) void zvsh_buf_printf(struct zvsh_buf *b, const char *fmt, ...);

/* write(2) all of data: 0, or -1 with errno set. */
int zvsh_write_all(int fd, const void *data, size_t len);
/* The same, waiting (poll) when fd is non-blocking and full: for
 * descriptors zvsh was given (its standard error, a relayed socket). */
int zvsh_put_all(int fd, const char *p, size_t n);

/* dir "/" name, without a second '/' when dir ends in one: malloc'd, or
 * NULL when out of memory. */
char *zvsh_join(const char *dir, const char *name);

#endif
