/*
 * epoll.c - epoll instances: an interest list of descriptors and the
 * readiness poll.c computes for each (pipes by what they hold, every
 * other pollable descriptor always ready).
 *
 * Go's runtime needs one as soon as a program uses a timer (its network
 * poller sleeps in epoll_pwait until the next timer, and other threads
 * wake it by writing to a pipe it watches). An instance is an inode with
 * a list (struct zepoll); an item names a descriptor and the open file
 * description it had when added, as Linux keys items by (file, fd), and
 * goes away when that description is closed for the last time
 * (epoll_forget, from fd.c).
 *
 * Waiting is poll.c's: nothing ready, the caller waits for a pipe to
 * change (thread.c) or its timeout on the virtual clock; alone, a timeout
 * passes at once and none ends the session. Edge-triggered items
 * (EPOLLET) report a ready file once, then again only after the file woke
 * its waiters (a pipe: a write for its readers, a read for its writers, an
 * end closed), as Linux's callbacks do; EPOLLONESHOT items are disabled
 * once reported until EPOLL_CTL_MOD.
 */
#include <asm/poll.h>
#include <linux/eventpoll.h>
#include <linux/fcntl.h>

#include "../mem.h"
#include "../pipe.h"
#include "../syscall.h"
#include "../user.h"
#include "fs.h"

#define EP_MAX_EVENTS (0x7fffffff / 12) /* INT_MAX / sizeof(struct epoll_event) */

struct ep_item {
	int fd;
	const struct ofd *o;
	uint32_t events;
	uint64_t data, wakes; /* EPOLLET: the file's wakes when last reported */
	bool off, reported;   /* EPOLLONESHOT's; EPOLLET's once reported */
};

struct zepoll {
	struct zepoll *next; /* every instance, for epoll_forget */
	struct ep_item *item;
	uint32_t n, cap;
};

static struct zepoll *all;

/* struct epoll_event is packed on x86-64: 12 bytes. */
struct ep_event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));
_Static_assert(sizeof(struct ep_event) == 12, "struct epoll_event");

void epoll_free(struct zepoll *ep)
{
	if (!ep)
		return;
	for (struct zepoll **p = &all; *p; p = &(*p)->next)
		if (*p == ep) {
			*p = ep->next;
			break;
		}
	if (ep->item)
		mem_free(ep->item, ep->cap * sizeof *ep->item);
	mem_free(ep, sizeof *ep);
}

void epoll_forget(const struct ofd *o)
{
	for (struct zepoll *ep = all; ep; ep = ep->next)
		for (uint32_t i = 0; i < ep->n;)
			if (ep->item[i].o == o)
				ep->item[i] = ep->item[--ep->n];
			else
				i++;
}

/* Events of one item now, before EPOLLET and EPOLLONESHOT. A nested
 * instance is readable when any of its items is ready (one level). */
static uint32_t item_events(const struct ep_item *it, int depth)
{
	const struct zepoll *inner = it->o->ino->ep;
	uint32_t want = it->events | EPOLLERR | EPOLLHUP;
	if (inner) {
		if (depth > 0)
			return 0;
		for (uint32_t i = 0; i < inner->n; i++)
			if (!inner->item[i].off && item_events(&inner->item[i], depth + 1))
				return want & EPOLLIN;
		return 0;
	}
	return (uint32_t)fs_poll_events(it->o, (int)(want & 0xffff)) & want;
}

int epoll_poll(const struct zepoll *ep)
{
	for (uint32_t i = 0; i < ep->n; i++)
		if (!ep->item[i].off && item_events(&ep->item[i], 1))
			return POLLIN;
	return 0;
}

static long do_create(long flags)
{
	if (flags & ~(long)EPOLL_CLOEXEC)
		return -EINVAL;
	struct inode *n = inode_new(0600); /* an anonymous inode: no type */
	struct zepoll *ep = n ? mem_alloc(sizeof *ep) : 0;
	if (!ep) {
		inode_put(n);
		return -ENOMEM;
	}
	n->ep = ep;
	ep->next = all;
	all = ep;
	long fd = fd_open(n, O_RDWR | (int)(flags & EPOLL_CLOEXEC));
	if (fd < 0)
		inode_put(n);
	return fd;
}

static struct ep_item *find(struct zepoll *ep, long fd, const struct ofd *o)
{
	for (uint32_t i = 0; i < ep->n; i++)
		if (ep->item[i].fd == fd && ep->item[i].o == o)
			return &ep->item[i];
	return 0;
}

static long add(struct zepoll *ep, long fd, const struct ofd *o, const struct ep_event *e)
{
	if (ep->n == ep->cap) {
		uint32_t cap = ep->cap ? ep->cap * 2 : 8;
		struct ep_item *it = mem_alloc(cap * sizeof *it);
		if (!it)
			return -ENOMEM;
		if (ep->item) {
			memcpy(it, ep->item, ep->n * sizeof *it);
			mem_free(ep->item, ep->cap * sizeof *it);
		}
		ep->item = it, ep->cap = cap;
	}
	ep->item[ep->n++] = (struct ep_item){(int)fd, o, e->events | EPOLLERR | EPOLLHUP, e->data, 0, false, false};
	return 0;
}

/* Descriptors epoll can watch: pipes (in memory or channels), character
 * channels and devices, epoll instances; a regular file or a directory is
 * EPERM, as Linux says of files without a poll method. */
static bool pollable(const struct ofd *o)
{
	const struct inode *n = o->ino;
	if (n->pipe || n->ep || n->evt || n->dev)
		return true;
	return n->chan && n->chan->mode != ZCHAN_FILE;
}

/* epoll_ctl in Linux's order (do_epoll_ctl): the event's memory, both
 * descriptors, the target's poll method, the instance itself, then the
 * operation. */
static long do_ctl(long epfd, long op, long fd, const struct ep_event *uev)
{
	struct ep_event e = {0, 0};
	if (op != EPOLL_CTL_DEL) {
		if (!user_ok((uint64_t)uev, sizeof e))
			return -EFAULT;
		memcpy(&e, uev, sizeof e);
	}
	struct ofd *eo = fd_file(epfd), *to = fd_file(fd);
	if (!eo || !to)
		return -EBADF;
	if (!pollable(to))
		return -EPERM;
	struct zepoll *ep = eo->ino->ep;
	if (eo == to || !ep)
		return -EINVAL;
	if (op != EPOLL_CTL_DEL && (e.events & EPOLLEXCLUSIVE)) {
		uint32_t ok = EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE |
			      EPOLLRDNORM | EPOLLRDBAND | EPOLLWRNORM | EPOLLWRBAND;
		if (op == EPOLL_CTL_MOD || to->ino->ep || (e.events & ~ok))
			return -EINVAL;
	}
	struct ep_item *it = find(ep, fd, to);
	switch (op) {
	case EPOLL_CTL_ADD:
		if (it)
			return -EEXIST;
		if (to->ino->ep && find(to->ino->ep, epfd, eo))
			return -ELOOP; /* each watching the other */
		return add(ep, fd, to, &e);
	case EPOLL_CTL_DEL:
		if (!it)
			return -ENOENT;
		*it = ep->item[--ep->n];
		return 0;
	case EPOLL_CTL_MOD:
		if (!it)
			return -ENOENT;
		if (!(it->events & EPOLLEXCLUSIVE)) {
			it->events = e.events | EPOLLERR | EPOLLHUP;
			it->data = e.data;
			it->off = false;
			it->reported = false;
		}
		return 0;
	default: return -EINVAL;
	}
}

/* The wakes of a file, as Linux's poll callbacks count them: a pipe's
 * of the end's side (both for a pipe open for reading and writing); a
 * file that is always ready never wakes again. */
static uint64_t wakes(const struct ofd *o)
{
	const struct zpipe *p = o->ino->pipe;
	if (o->ino->evt)
		return eventfd_wakes(o->ino->evt);
	if (!p)
		return 0;
	int acc = o->flags & O_ACCMODE;
	return (acc != O_WRONLY ? pipe_wakes(p, true) : 0) + (acc != O_RDONLY ? pipe_wakes(p, false) : 0);
}

/* epoll_wait and epoll_pwait: the count, the events' memory, the
 * instance; then the ready items in the order they were added. */
static long do_wait(long epfd, struct ep_event *out, long max, int64_t timeout_ns)
{
	if (max <= 0 || max > EP_MAX_EVENTS)
		return -EINVAL;
	if (!user_range((uint64_t)out, (uint64_t)max * sizeof *out)) /* access_ok: the range only */
		return -EFAULT;
	struct ofd *eo = fd_file(epfd);
	if (!eo)
		return -EBADF;
	struct zepoll *ep = eo->ino->ep;
	if (!ep)
		return -EINVAL;
	long n = 0;
	for (uint32_t i = 0; i < ep->n && n < max; i++) {
		struct ep_item *it = &ep->item[i];
		if (it->off)
			continue;
		uint32_t report = item_events(it, 0);
		if (report && (it->events & EPOLLET)) {
			uint64_t w = wakes(it->o);
			if (it->reported && w == it->wakes)
				continue; /* nothing happened to the file since */
			it->wakes = w, it->reported = true;
		}
		if (!report)
			continue;
		if (!user_ok((uint64_t)&out[n], sizeof *out)) /* Linux's copy fails there */
			return n ? n : -EFAULT;
		out[n].events = report;
		out[n].data = it->data;
		n++;
		if (it->events & EPOLLONESHOT)
			it->off = true;
	}
	if (n)
		return n;
	return fs_poll_wait(timeout_ns, "epoll_wait on descriptors nothing else can make ready, without a timeout");
}

/* ---- the calls ------------------------------------------------------------- */

long sys_epoll_create(const struct sys_call *c)
{
	return c->a[0] <= 0 ? -EINVAL : do_create(0);
}

long sys_epoll_create1(const struct sys_call *c)
{
	return do_create(c->a[0]);
}

long sys_epoll_ctl(const struct sys_call *c)
{
	return do_ctl(c->a[0], c->a[1], c->a[2], (const struct ep_event *)c->a[3]);
}

static int64_t ms_to_ns(long ms)
{
	return ms < 0 ? -1 : (int64_t)ms * 1000000;
}

long sys_epoll_wait(const struct sys_call *c)
{
	return do_wait(c->a[0], (struct ep_event *)c->a[1], c->a[2], ms_to_ns(c->a[3]));
}

/* epoll_pwait: the signal mask is checked (its size) but not applied for
 * the wait: no signal arrives during a wait that another thread does not
 * send, and the handler runs on the way out in any case. */
long sys_epoll_pwait(const struct sys_call *c)
{
	if (c->a[4] && c->a[5] != 8)
		return -EINVAL;
	if (c->a[4] && !user_ok((uint64_t)c->a[4], 8))
		return -EFAULT;
	return do_wait(c->a[0], (struct ep_event *)c->a[1], c->a[2], ms_to_ns(c->a[3]));
}
