/*
 * eventfd.c - eventfd and eventfd2: a 64-bit counter behind a descriptor,
 * as Linux's fs/eventfd.c. Go 1.21 and later wake their network poller
 * with one; threads use them to signal each other.
 *
 * A read of 8 bytes or more takes the counter (EFD_SEMAPHORE: 1 of it)
 * and leaves it lower; a write adds an 8-byte value. A read of a zero
 * counter, or a write that would reach 2^64 - 1, waits as a pipe does
 * (thread.c: another thread may change it; alone, the wait would last for
 * ever and ends the session) or, with EFD_NONBLOCK, is EAGAIN. Every
 * change tells the threads, whose waiting calls are then made again, and
 * counts as a wake for edge-triggered epoll items (epoll.c).
 */
#include <asm/poll.h>
#include <linux/fcntl.h>

#include "../exit.h"
#include "../mem.h"
#include "../syscall.h"
#include "../thread.h"
#include "../user.h"
#include "fs.h"

#define EFD_SEMAPHORE 1
#define EFD_MAX UINT64_MAX - 1 /* the counter's largest value (ULLONG_MAX - 1) */

struct zevent {
	uint64_t count, wakes;
	bool semaphore;
};

void eventfd_free(struct zevent *e)
{
	if (e)
		mem_free(e, sizeof *e);
}

uint64_t eventfd_wakes(const struct zevent *e)
{
	return e->wakes;
}

int eventfd_poll(const struct zevent *e)
{
	return (e->count ? POLLIN | POLLRDNORM : 0) | (e->count < EFD_MAX ? POLLOUT | POLLWRNORM : 0);
}

static void changed(struct zevent *e)
{
	e->wakes++;
	thread_io_changed();
}

/* Nothing to do now: EAGAIN, a wait, or (alone) the end of the session. */
static int64_t would_wait(bool nonblock, const char *what)
{
	if (nonblock)
		return -EAGAIN;
	if (thread_alone())
		exit_would_block(what);
	return thread_io_wait(true, false, 0, 0);
}

int64_t eventfd_read(struct zevent *e, void *buf, uint64_t len, bool nonblock)
{
	if (len < 8)
		return -EINVAL;
	if (!e->count)
		return would_wait(nonblock, "read of an eventfd whose counter is 0");
	uint64_t v = e->semaphore ? 1 : e->count;
	e->count -= v; /* taken even when the copy fails, as Linux does */
	changed(e);
	if (!user_ok((uint64_t)buf, 8))
		return -EFAULT;
	memcpy(buf, &v, 8);
	return 8;
}

int64_t eventfd_write(struct zevent *e, const void *buf, uint64_t len, bool nonblock)
{
	if (len < 8)
		return -EINVAL;
	if (!user_ok((uint64_t)buf, 8))
		return -EFAULT;
	uint64_t v;
	memcpy(&v, buf, 8);
	if (v == UINT64_MAX)
		return -EINVAL;
	if (v > EFD_MAX - e->count)
		return would_wait(nonblock, "write to an eventfd whose counter is full");
	e->count += v;
	if (v)
		changed(e);
	return 8;
}

static long do_eventfd(long initval, long flags)
{
	if (flags & ~(long)(O_CLOEXEC | O_NONBLOCK | EFD_SEMAPHORE))
		return -EINVAL;
	struct inode *n = inode_new(0600); /* an anonymous inode: no type */
	struct zevent *e = n ? mem_alloc(sizeof *e) : 0;
	if (!e) {
		inode_put(n);
		return -ENOMEM;
	}
	*e = (struct zevent){(uint64_t)initval, 0, (flags & EFD_SEMAPHORE) != 0};
	n->evt = e;
	long fd = fd_open(n, O_RDWR | (int)(flags & (O_CLOEXEC | O_NONBLOCK)));
	if (fd < 0)
		inode_put(n);
	return fd;
}

long sys_eventfd(const struct sys_call *c)
{
	return do_eventfd(c->a[0], 0);
}

long sys_eventfd2(const struct sys_call *c)
{
	return do_eventfd(c->a[0], c->a[1]);
}
