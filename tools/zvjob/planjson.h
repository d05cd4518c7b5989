/*
 * planjson.h - a plan as JSON: what `zvjob --plan` prints, the contract
 * the Swift middleware reads (docs/jobs.md, "The plan").
 */
#ifndef ZVJOB_PLANJSON_H
#define ZVJOB_PLANJSON_H

#include "plan.h"

/* The plan as JSON text, ending in a newline: malloc'd, or NULL when out
 * of memory. */
char *planjson_text(const struct plan *p);

#endif
