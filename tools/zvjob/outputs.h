/*
 * outputs.h - what a node writes: objects under the root, all or nothing,
 * and collected streams, printed whole.
 *
 * An object a node writes is written under a temporary name beside it
 * (node.h), created just before the node starts and renamed to the
 * object's name only when the node has ended ok with return code 0;
 * otherwise it is removed, and the object is left as it was. A stream
 * without a path was spooled into the work directory and is printed, in
 * one piece, when its turn in node order comes (runner.c).
 */
#ifndef ZVJOB_OUTPUTS_H
#define ZVJOB_OUTPUTS_H

#include <stdbool.h>

#include "node.h"
#include "tool.h"

/* Create the node's temporary files (new files, mode 0666 less the
 * umask). 0, or -1 (said; those made are removed again). */
int outputs_open(struct node_files *f, struct tool_log *lg);
/* The node has ended: ok, each temporary file becomes its object, else
 * each is removed. 0, or -1 when a rename failed (said; the temporaries
 * left are removed). */
int outputs_close(struct node_files *f, bool ok, struct tool_log *lg);
/* Print the node's collected stdout and output on descriptor 1 and its
 * stderr on 2, each whole. */
void outputs_print(const struct node_files *f, struct tool_log *lg);

#endif
