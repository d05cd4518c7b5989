/*
 * pipe.c - pipes inside the one process of a sandbox.
 *
 * A pipe is a ring of page buffers, as in Linux (fs/pipe.c): 16 slots of
 * 4 KiB by default (F_SETPIPE_SZ changes the count), a write first merges
 * its odd tail into the last page when it fits, then fills fresh pages; a
 * page is freed when it has been read to its end. So the room a program
 * sees (write sizes, EAGAIN, POLLOUT) is the room Linux would give it.
 *
 * A read of an empty pipe whose write end is still open, or a write to a
 * full pipe whose read end is open, returns ZRT_WOULD_BLOCK (with
 * O_NONBLOCK EAGAIN, as on Linux). The caller (fs/rw.c) makes the thread
 * wait when other threads could change the pipe; alone, the wait would
 * last for ever and the session ends with a message. Every change of a
 * pipe (data, room, an end closed) tells the threads (thread.c), whose
 * waiting reads, writes and polls are then made again.
 */
#include <asm/poll.h>

#include "mem.h"
#include "pipe.h"
#include "thread.h"
#include "zrt.h"

#define PIPE_PAGE 4096u
#define PIPE_SLOTS_DEFAULT 16u
#define PIPE_SLOTS_MAX 256u /* 1 MiB: /proc/sys/fs/pipe-max-size */

struct pipe_buf {
	unsigned char *page;
	uint32_t off, len;
};

struct zpipe {
	struct pipe_buf *slot;
	uint32_t nslots, head, used; /* used slots, from head on (mod nslots) */
	uint32_t readers, writers;
	uint64_t rwakes, wwakes; /* pipe_wakes */
};

struct zpipe *pipe_new(void)
{
	struct zpipe *p = mem_alloc(sizeof *p);
	if (!p)
		return 0;
	p->slot = mem_alloc(PIPE_SLOTS_DEFAULT * sizeof *p->slot);
	if (!p->slot) {
		mem_free(p, sizeof *p);
		return 0;
	}
	p->nslots = PIPE_SLOTS_DEFAULT;
	p->readers = p->writers = 1;
	return p;
}

static struct pipe_buf *nth(struct zpipe *p, uint32_t i)
{
	return &p->slot[(p->head + i) % p->nslots];
}

uint64_t pipe_avail(const struct zpipe *p)
{
	uint64_t n = 0;
	for (uint32_t i = 0; i < p->used; i++)
		n += p->slot[(p->head + i) % p->nslots].len;
	return n;
}

int64_t pipe_read(struct zpipe *p, void *buf, uint64_t len, bool nonblock)
{
	if (len == 0)
		return 0;
	if (p->used == 0) {
		if (!p->writers)
			return 0;
		return nonblock ? -EAGAIN : ZRT_WOULD_BLOCK;
	}
	uint64_t done = 0;
	thread_io_changed(); /* room: a writer that waits may go on */
	p->wwakes++;
	while (done < len && p->used) {
		struct pipe_buf *b = nth(p, 0);
		uint32_t n = b->len < len - done ? b->len : (uint32_t)(len - done);
		memcpy((unsigned char *)buf + done, b->page + b->off, n);
		b->off += n, b->len -= n, done += n;
		if (b->len == 0) {
			mem_free(b->page, PIPE_PAGE);
			*b = (struct pipe_buf){0};
			p->head = (p->head + 1) % p->nslots;
			p->used--;
		}
	}
	return (int64_t)done;
}

int64_t pipe_write(struct zpipe *p, const void *buf, uint64_t len, bool nonblock)
{
	if (len == 0)
		return 0;
	if (!p->readers)
		return -EPIPE;
	const unsigned char *src = buf;
	uint64_t done = 0;
	/* The tail that is not a whole page goes into the last page if all
	 * of it fits there (Linux merges only then). */
	uint32_t chars = (uint32_t)(len & (PIPE_PAGE - 1));
	if (p->used && chars) {
		struct pipe_buf *last = nth(p, p->used - 1);
		if (last->off + last->len + chars <= PIPE_PAGE) {
			memcpy(last->page + last->off + last->len, src, chars);
			last->len += chars;
			done = chars;
		}
	}
	while (done < len) {
		if (p->used == p->nslots)
			break;
		unsigned char *page = mem_alloc(PIPE_PAGE);
		if (!page)
			return done ? (int64_t)done : -ENOMEM;
		uint32_t n = len - done < PIPE_PAGE ? (uint32_t)(len - done) : PIPE_PAGE;
		memcpy(page, src + done, n);
		*nth(p, p->used) = (struct pipe_buf){page, 0, n};
		p->used++;
		done += n;
	}
	if (done) {
		thread_io_changed(); /* data: a reader that waits may go on */
		p->rwakes++;
	}
	if (done == len)
		return (int64_t)done;
	/* Full. Linux writes up to PIPE_BUF bytes all at once or not at all:
	 * a small write that did not go anywhere is EAGAIN. A blocking write
	 * that wrote some returns that much (Linux would wait to write the
	 * rest: a restart would write the first part twice). */
	if (nonblock || done)
		return done ? (int64_t)done : -EAGAIN;
	return ZRT_WOULD_BLOCK;
}

void pipe_close(struct zpipe *p, bool reader)
{
	if (reader)
		p->readers--, p->wwakes++;
	else
		p->writers--, p->rwakes++;
	thread_io_changed(); /* an end that waits sees EOF or EPIPE */
}

void pipe_free(struct zpipe *p)
{
	if (!p)
		return;
	for (uint32_t i = 0; i < p->nslots; i++)
		if (p->slot[i].page)
			mem_free(p->slot[i].page, PIPE_PAGE);
	mem_free(p->slot, p->nslots * sizeof *p->slot);
	mem_free(p, sizeof *p);
}

uint64_t pipe_wakes(const struct zpipe *p, bool reader)
{
	return reader ? p->rwakes : p->wwakes;
}

/* poll(2) events of one end, as fs/pipe.c computes them. */
int pipe_poll(const struct zpipe *p, bool reader, bool writer)
{
	int ev = 0;
	if (reader) {
		if (p->used)
			ev |= POLLIN | POLLRDNORM;
		if (!p->writers)
			ev |= POLLHUP;
	}
	if (writer) {
		if (p->used < p->nslots)
			ev |= POLLOUT | POLLWRNORM;
		if (!p->readers)
			ev |= POLLERR;
	}
	return ev;
}

/* F_GETPIPE_SZ and F_SETPIPE_SZ: a power of two of pages, at most 1 MiB
 * (EPERM above, as for an unprivileged process), never below what the
 * pipe holds (EBUSY). */
long pipe_size(struct zpipe *p, bool set, uint64_t want)
{
	if (!set)
		return (long)(p->nslots * PIPE_PAGE);
	uint32_t n = 1;
	while ((uint64_t)n * PIPE_PAGE < want && n <= PIPE_SLOTS_MAX)
		n <<= 1;
	if (n > PIPE_SLOTS_MAX)
		return -EPERM;
	if (n == p->nslots)
		return (long)(n * PIPE_PAGE);
	if (n < p->used)
		return -EBUSY;
	struct pipe_buf *s = mem_alloc(n * sizeof *s);
	if (!s)
		return -ENOMEM;
	for (uint32_t i = 0; i < p->used; i++)
		s[i] = *nth(p, i);
	mem_free(p->slot, p->nslots * sizeof *p->slot);
	p->slot = s, p->nslots = n, p->head = 0;
	return (long)(n * PIPE_PAGE);
}
