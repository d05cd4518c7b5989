/*
 * interp.h - what the kernel's execve() looks at first, done by zvsh: a
 * "#!" line names the interpreter that runs a script; an ELF program with
 * an interpreter (PT_INTERP) is dynamically linked. zvsh runs a script with
 * the interpreter it names (a program from an image or the host), and gives
 * a dynamically linked host program its interpreter and libraries in an
 * image (deps.h).
 */
#ifndef ZVSH_INTERP_H
#define ZVSH_INTERP_H

#include <stdbool.h>

#include "tool.h"

/* A "#!" line: the interpreter and its one optional argument, as the
 * kernel splits it (the rest of the line after the first blank is one
 * argument). "#!/usr/bin/env NAME" is NAME, found in the program's PATH:
 * env cannot start another program inside the sandbox. */
struct interp {
	char *program; /* as written on the line (or env's NAME) */
	char *arg;     /* NULL when none */
	bool env;      /* it came from /usr/bin/env NAME */
};

/*
 * Look at the program zvsh resolved (the host file path; name: as typed,
 * for messages): 0 for a static ELF program (or anything zerovm will judge),
 * 1 for a script (*in filled; free it with interp_free), 2 for a
 * dynamically linked ELF program, -1 when it cannot be read (said, 126).
 */
int interp_look(struct tool_log *lg, const char *path, const char *name, struct interp *in);
void interp_free(struct interp *in);

#endif
