/*
 * start.h - what start.S and entry.c share: the size of the stack the
 * runtime starts on (zrt_init_stack). Plain #defines, for assembly.
 */
#ifndef ZRT_START_H
#define ZRT_START_H

#define ZRT_INIT_STACK (128 << 10)

#endif
