/*
 * pipe.h - pipes inside the one process of a sandbox (pipe.c).
 */
#ifndef ZRT_PIPE_H
#define ZRT_PIPE_H

#include "zrt.h"

/* A read or write that could only wait for ever (one thread): the caller
 * ends the session (exit_would_block). Not an errno. */
#define ZRT_WOULD_BLOCK (-4096l)

struct zpipe;
struct zpipe *pipe_new(void); /* one reader, one writer */
int64_t pipe_read(struct zpipe *p, void *buf, uint64_t len, bool nonblock);
int64_t pipe_write(struct zpipe *p, const void *buf, uint64_t len, bool nonblock); /* -EPIPE: no reader */
void pipe_close(struct zpipe *p, bool reader);
void pipe_free(struct zpipe *p);
int pipe_poll(const struct zpipe *p, bool reader, bool writer);
uint64_t pipe_avail(const struct zpipe *p);
long pipe_size(struct zpipe *p, bool set, uint64_t want);
/* How many times the pipe woke its readers (data, the last writer gone)
 * or, reader false, its writers (room, the last reader gone): what an
 * edge-triggered epoll item waits for (fs/epoll.c). */
uint64_t pipe_wakes(const struct zpipe *p, bool reader);

#endif
