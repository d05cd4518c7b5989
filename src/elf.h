/*
 * elf.h - checking and loading the untrusted program.
 *
 * The kernel is the wall, so this is not a safety proof of the machine code
 * (as ZeroVM's NaCl validator was): it checks what would go wrong at start.
 * Loading checks always run (a well-formed x86-64 ELF whose segments fit in
 * guest memory). Validation proper (skipped by -s) adds: static (no
 * PT_INTERP, no PT_DYNAMIC unless static-PIE), entry point inside an
 * executable segment, no segment both writable and executable.
 */
#ifndef ZVM_ELF_H
#define ZVM_ELF_H

#include <stdbool.h>

#include "error.h"
#include "guest.h"

#define ELF_PHNUM_MAX 64
#define ELF_INTERP_MAX 4096 /* the interpreter's path, with its NUL */

enum validation_state { VALIDATION_PASSED = 0, VALIDATION_FAILED = 1, VALIDATION_NOT_RUN = 2 };

/*
 * Load path into g (segments copied into guest memory, regions added,
 * entry/phdr/prog_end set). map: the whole pages of non-writable segments
 * are mapped from the file instead of copied, where the file allows it
 * (g->fmap, g->progfd; else g->copy_why says why not). validate turns on
 * validation; *state reports
 * the validator state. Errors: 2 program missing, 5 not a regular file or
 * unreadable, 8 malformed or failing validation.
 */
int elf_load(struct guest *g, const char *path, bool validate, bool runtime, bool map, enum validation_state *state,
	     struct zvm_error *err);

#endif
