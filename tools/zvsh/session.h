/*
 * session.h - apply a plan: the session's files, zerovm, the end.
 *
 * What zvsh.c hands the checked command line over to.
 *
 * Layers. zvsh is tools/zvsh.c and the files of tools/zvsh/, one module
 * each (a .c and its .h), over the modules it shares with zvjob in
 * tools/common/ (tool.h lists them). A file uses (includes the header of)
 * its own module, the layers below its own and tools/common/, never a
 * layer above it or another module of its own layer, so dependencies run
 * one way: from the command line at the top down to the helpers.
 * tests/func/tools-layers.sh checks every file's includes against this
 * list (`make zrt` runs it), and a file that is not on it fails the check.
 *
 *   5  zvsh.c      the command line: parse it into a plan, check it, hand
 *                  it over (docs/zvsh.1.md is the user's reference)
 *   4  session.c   apply a plan: the files in order, zerovm, the end
 *   3  run.c       run zerovm: its descriptors, socket relays, signals
 *      notes.c     what the runtime noted at the end, told as warnings
 *      bind.c      --bind and --ro-bind: HOST packed, channels, mounts,
 *                  the write-back applied after the session
 *      snap.c      Python from a snapshot of its zygote: the key, the
 *                  snapshot taken when missing or stale
 *   2  channel.c   the channels: standard streams, nvram, notes, images,
 *                  @FILE, --in, --out
 *      report.c    zerovm's report turned into zvsh's exit status
 *      apply.c     a --bind's write-back archive applied to HOST
 *   1  plan.c      what the command line asked for (struct zvsh_plan)
 *   common         tool.c, workdir.c, image.c, manifest.c, zerovm.c,
 *                  program.c (../common/tool.h)
 */
#ifndef ZVSH_SESSION_H
#define ZVSH_SESSION_H

#include "plan.h"
#include "tool.h"

/* Descriptors 0, 1 and 2 closed at zvsh's start get /dev/null: called
 * first, before anything is opened. 0, or -1 (said in lg). */
int session_open_std(struct tool_log *lg);
/* Run the session of plan p: prepare its files, run zerovm, remove the
 * files (unless --keep). zvsh's exit status (EXIT STATUS in
 * docs/zvsh.1.md); failures said in lg. */
int session_run(const struct zvsh_plan *p, struct tool_log *lg);

#endif
