/*
 * poll.c - poll and select: pipes by what they hold (pipe.c); every other
 * descriptor is ready for what was asked, since channel reads wait in the
 * supervisor until they have their bytes, so readiness never depends on
 * timing. Nothing ready: with other threads the caller waits for a pipe
 * to change or its timeout; alone, a timeout passes on the virtual clock,
 * none would wait for ever and ends the session.
 */
#include <asm/poll.h>

#include "../clock.h"
#include "../exit.h"
#include "../pipe.h"
#include "../syscall.h"
#include "../thread.h"
#include "../user.h"
#include "fs.h"

/* poll(2) events of a descriptor. Pipes say what they hold (pipe.c);
 * everything else is always ready for what was asked: channel reads block
 * in the supervisor until they have their bytes, so readiness never
 * depends on timing. POLLERR and POLLHUP are reported whether asked or not. */
int fs_poll_events(const struct ofd *o, int asked)
{
	int acc = o->flags & O_ACCMODE;
	if (o->ino->ep)
		return epoll_poll(o->ino->ep) & asked;
	if (o->ino->evt)
		return eventfd_poll(o->ino->evt) & asked;
	if (o->ino->pipe)
		return pipe_poll(o->ino->pipe, acc == O_RDONLY || acc == O_RDWR, acc == O_WRONLY || acc == O_RDWR) &
		       (asked | POLLERR | POLLHUP);
	return asked & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
}

long fs_poll_wait(int64_t timeout_ns, const char *call)
{
	if (timeout_ns == 0)
		return 0;
	if (!thread_alone()) {
		uint64_t now = clock_peek(), ns = (uint64_t)timeout_ns;
		return thread_io_wait(false, timeout_ns > 0, ns > ZRT_CLOCK_MAX - now ? ZRT_CLOCK_MAX : now + ns, 0);
	}
	if (timeout_ns > 0)
		clock_advance((uint64_t)timeout_ns);
	else
		exit_would_block(call);
	return 0;
}

static long do_poll(int32_t *fds, uint64_t n, int64_t timeout_ns)
{
	if (n > ZRT_FD_MAX) /* RLIMIT_NOFILE */
		return -EINVAL;
	if (n && !user_ok((uint64_t)fds, n * 8))
		return -EFAULT;
	long ready = 0;
	for (uint64_t i = 0; i < n; i++) {
		int32_t fd = fds[2 * i];
		int ev = fds[2 * i + 1] & 0xffff, rev;
		const struct ofd *o = fd < 0 ? 0 : fd_file(fd); /* O_PATH: POLLNVAL */
		if (fd < 0)
			rev = 0;
		else if (!o)
			rev = POLLNVAL;
		else
			rev = fs_poll_events(o, ev);
		((int16_t *)&fds[2 * i + 1])[1] = (int16_t)rev;
		if (rev)
			ready++;
	}
	if (!ready)
		return fs_poll_wait(timeout_ns, "poll on descriptors nothing else can make ready, without a timeout");
	return ready;
}

/* Linux's POLLIN_SET and POLLOUT_SET (fs/select.c). */
#define SEL_IN (POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define SEL_OUT (POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR)

static long do_select(long nfds, uint64_t *r, uint64_t *w, uint64_t *e, int64_t timeout_ns)
{
	if (nfds < 0)
		return -EINVAL;
	if (nfds > ZRT_FD_MAX)
		nfds = ZRT_FD_MAX; /* Linux: at most the size of the table */
	uint64_t words = ((uint64_t)nfds + 63) / 64;
	uint64_t *sets[3] = {r, w, e}, out[3][(ZRT_FD_MAX + 64) / 64] = {{0}};
	for (int s = 0; s < 3; s++)
		if (sets[s] && !user_ok((uint64_t)sets[s], words * 8))
			return -EFAULT;
	long ready = 0;
	for (long fd = 0; fd < nfds; fd++) {
		bool in[3];
		for (int s = 0; s < 3; s++)
			in[s] = sets[s] && ((sets[s][fd / 64] >> (fd % 64)) & 1);
		if (!in[0] && !in[1] && !in[2])
			continue;
		const struct ofd *o = fd_get(fd);
		if (!o)
			return -EBADF;
		int ev = fs_poll_events(o, POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
		bool hit[3] = {in[0] && (ev & SEL_IN), in[1] && (ev & SEL_OUT), false};
		for (int s = 0; s < 3; s++)
			if (hit[s]) {
				out[s][fd / 64] |= 1ull << (fd % 64);
				ready++;
			}
	}
	/* A wait makes the call again: the sets stay as given until then. */
	if (!ready && fs_poll_wait(timeout_ns, "select on descriptors nothing else can make ready, without a timeout"))
		return THREAD_BLOCKED;
	for (int s = 0; s < 3; s++)
		if (sets[s])
			memcpy(sets[s], out[s], words * 8);
	return ready;
}

/* A timeout argument in ns: -1 for none (wait for ever), -EINVAL/-EFAULT
 * as errors (returned through *err). */
static int64_t timeout_of(const int64_t *t, bool usec, long *err)
{
	*err = 0;
	if (!t)
		return -1;
	if (!user_ok((uint64_t)t, 16))
		return *err = -EFAULT, 0;
	int64_t sec = t[0], frac = t[1], unit = usec ? 1000 : 1;
	if (sec < 0 || frac < 0 || frac >= 1000000000 / unit)
		return *err = -EINVAL, 0;
	if (sec > INT64_MAX / 1000000000 - 1)
		return INT64_MAX;
	return sec * 1000000000 + frac * unit;
}

static long select_timed(const long *a, bool pselect)
{
	long err;
	int64_t *t = (int64_t *)a[4];
	int64_t ns = timeout_of(t, !pselect, &err);
	if (err)
		return err;
	long r = do_select((int)a[0], (uint64_t *)a[1], (uint64_t *)a[2], (uint64_t *)a[3], ns);
	if (r == 0 && t) /* the time that was left: none */
		t[0] = t[1] = 0;
	return r;
}

/* ---- the calls ------------------------------------------------------------- */

long sys_poll(const struct sys_call *c)
{
	int timeout = (int)c->a[2];
	return do_poll((int32_t *)c->a[0], (uint64_t)c->a[1], timeout < 0 ? -1 : (int64_t)timeout * 1000000);
}

long sys_ppoll(const struct sys_call *c)
{
	long err;
	int64_t ns = timeout_of((const int64_t *)c->a[2], false, &err);
	return err ? err : do_poll((int32_t *)c->a[0], (uint64_t)c->a[1], ns);
}

long sys_select(const struct sys_call *c)
{
	return select_timed(c->a, false);
}

long sys_pselect6(const struct sys_call *c)
{
	return select_timed(c->a, true);
}
