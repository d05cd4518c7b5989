/*
 * nvram.h - the ZRT configuration (/dev/nvram), parsed.
 *
 * ZRT reads its configuration from the /dev/nvram channel: the program's
 * arguments and environment, the tar images to mount, what stat() reports
 * for each channel, the start of the clock and the log level. zvsh writes
 * that file; docs/nvram.md is the user's reference.
 *
 * nvram.c is compiled twice: freestanding inside the sandbox (no C library,
 * only what util.h declares, no allocator) and hosted for the unit tests,
 * the fuzzer and zvsh. So nvram_parse() allocates nothing: the caller hands
 * it an arena, and every string and array of the result is carved from it.
 *
 * The language, in short (docs/nvram.md has the whole of it):
 *   - lines end with LF, or CR LF; a NUL byte anywhere is an error;
 *   - '#' outside double quotes starts a comment; blank lines are ignored;
 *   - "[name]" opens a section: args, env, fstab, mapping, time, debug,
 *     session or threads;
 *     sections come in any order and may repeat (the entries add up);
 *   - any other line is key=value pairs separated by ',' and belongs to the
 *     section above it; keys and values are trimmed of spaces and tabs;
 *     a key may appear once per line; unknown keys are errors;
 *   - in values, "..." protects spaces, tabs, ',' and '#' (the quotes are
 *     removed) and \xHH stands for any byte but NUL; any other backslash
 *     is an error. In [args] the value is split into words at unquoted
 *     spaces and tabs.
 * Parsing stops at the first error; the message names the line.
 */
#ifndef ZRT_NVRAM_H
#define ZRT_NVRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NVRAM_ARGS_MAX 1024
#define NVRAM_ENV_MAX 1024
#define NVRAM_FSTAB_MAX 64
#define NVRAM_MAPPING_MAX 256
#define NVRAM_TEXT_MAX (1u << 20)
#define NVRAM_VERBOSITY_MAX 4

enum nvram_access { NVRAM_RO, NVRAM_WO, NVRAM_RW };
enum nvram_mode { NVRAM_MODE_PIPE, NVRAM_MODE_CHAR, NVRAM_MODE_FILE };

struct nvram_fstab {
	const char *channel;    /* channel alias, non-empty */
	const char *mountpoint; /* starts with '/' */
	enum nvram_access access;
	bool removable;
	bool overlay;          /* ro: writes go to memory (yes, the default) or fail with EROFS (no) */
	const char *writeback; /* rw: the channel the changes are written to at exit; else NULL */
};

struct nvram_mapping {
	const char *channel; /* channel alias, non-empty */
	enum nvram_mode mode;
};

/*
 * The parsed configuration, in file order within each array. argv and envp
 * are never NULL (at least the terminator); fstab and mapping are NULL when
 * empty. Every pointer points into the arena given to nvram_parse().
 */
struct nvram {
	int argc;          /* 0..NVRAM_ARGS_MAX; 0: no [args] words */
	const char **argv; /* NULL-terminated */
	int envc;          /* 0..NVRAM_ENV_MAX */
	const char **envp; /* "NAME=value", NAME non-empty without '='; NULL-terminated */
	int nfstab;        /* 0..NVRAM_FSTAB_MAX */
	struct nvram_fstab *fstab;
	int nmapping; /* 0..NVRAM_MAPPING_MAX */
	struct nvram_mapping *mapping;
	bool has_time;
	int64_t time_seconds; /* >= 0; 0 when !has_time */
	int verbosity;        /* 0..NVRAM_VERBOSITY_MAX, 0 when absent */
	const char *cwd;      /* [session] cwd: the working directory at start (absolute); NULL: "/" */
	const char *notes;    /* [session] notes: the channel the runtime tells the end on (lost files); NULL: none */
	bool has_seed;
	int64_t seed;      /* [threads] seed: the scheduler's seed, >= 0; 0 when !has_seed */
	size_t arena_used; /* bytes of the arena used, from its start */
};

/*
 * Parse text[0..len) (need not be NUL-terminated; bytes past len are never
 * read). All strings and arrays of *out are carved out of
 * arena[0..arena_size), which may have any alignment.
 *
 * Returns 0 and fills *out. Returns -1 when the text is bad ("nvram line N:
 * <what>"), longer than NVRAM_TEXT_MAX ("nvram: larger than 1048576 bytes")
 * or when the arena is too small ("nvram: out of memory"); then *out is all
 * zeros and err[0..errlen) holds the message, truncated and NUL-terminated
 * (nothing is written when errlen is 0). The text is read twice (once to
 * check it and measure, once to fill), so the arena is written only when
 * the whole text is good and fits.
 */
int nvram_parse(const char *text, size_t len, void *arena, size_t arena_size, struct nvram *out, char *err,
		size_t errlen);

/*
 * An upper bound on the arena nvram_parse() needs for any text of len bytes,
 * whatever the arena's alignment: len bytes of strings (no line decodes to
 * more string bytes, NULs included, than it has), the four arrays at the
 * most entries len bytes can hold (an argument takes at least 2 bytes: a
 * character and a blank, the line's "args=" paying for the last; an [env]
 * line 13, a mount 22, a mapping 19; nvram.c rounds these down) and never
 * more than the limits, and alignment slack. At most 1 MiB + 22 KiB;
 * len beyond NVRAM_TEXT_MAX counts as NVRAM_TEXT_MAX (such a text is
 * rejected before the arena is touched), so it never overflows.
 */
size_t nvram_arena_size(size_t len);

/*
 * Write value[0..len) into out[0..outsize) with every byte that is not
 * printable ASCII, and each of ',' '"' '\\' '#' and space, written \xHH
 * (lower-case hex), then a NUL. The result reads back as exactly those
 * bytes from any value position, also as a single [args] word: nothing in
 * it is a separator, a quote or trimmed (but an empty [args] word must be
 * written "", so zvsh writes every word in quotes). Returns the length of
 * the whole escaped value (without the NUL), like snprintf; when that is
 * >= outsize the output is cut before an escape is split. A NUL byte in value is
 * written \x00, which nvram_parse() rejects: strings cannot hold it.
 */
size_t nvram_escape(const char *value, size_t len, char *out, size_t outsize);

#endif
