/*
 * config.h - the runtime's configuration, the nvram (docs/nvram.md): where
 * its text comes from, the parsed result, and what it says about the
 * channels. The filesystem's mounts and the program's arguments are read
 * from config_nvram by image/ and entry.c.
 */
#ifndef ZRT_CONFIG_H
#define ZRT_CONFIG_H

#include "nvram.h"
#include "zrt.h"

extern struct nvram config_nvram; /* all zeros without a configuration */

/* Read and parse the nvram: handed over by the supervisor (zrt_abi.h), or
 * read from its channel when its source could not be read ahead. -1 with
 * the message in err when the session cannot start; a preloaded text that
 * does not parse is not an error here (config_deferred_error). */
int config_load(char *err, size_t errlen);
/* A preloaded nvram the runtime could not parse: NULL, or the message the
 * runtime ends the session with when the program first asks it for
 * something (a raw program never does). */
const char *config_deferred_error(void);
/* [mapping]: what stat says each named channel is; -1 for an unknown one. */
int config_map_channels(char *err, size_t errlen);
/* Parse the nvram again into *out, in an arena of the heap the caller
 * frees (mem_free(*arena, *arena_size); NULL when there is no text): the
 * one the supervisor handed over now (a resumed session's, fork.c), or the
 * text read at start. 0, or -1 with the message in err. */
int config_reparse(struct nvram *out, void **arena, size_t *arena_size, char *err, size_t errlen);
/* The seed of the generator: the FNV-1a hash of the nvram text less its
 * [args] and [env] sections. */
uint64_t config_seed(void);

#endif
