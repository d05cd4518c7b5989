/*
 * ioctl.c - ioctl: a char channel is an 80x24 terminal (so isatty() is
 * true for it alone), FIONREAD counts what a file or pipe holds, and the
 * close-on-exec and non-blocking requests every descriptor takes.
 */
#include <asm/ioctls.h>
#include <asm/termbits.h>
#include <asm/termios.h>

#include "../pipe.h"
#include "../syscall.h"
#include "../user.h"
#include "fs.h"

static long do_ioctl(long fd, unsigned long req, long arg)
{
	fd = (int)fd;
	req = (unsigned)req;
	struct ofd *o = fd_file(fd);
	if (!o)
		return -EBADF;
	bool tty = o->ino->chan && o->ino->chan->mode == ZCHAN_CHAR;
	switch (req) {
	case TCGETS: {
		if (!tty)
			return -ENOTTY;
		struct termios *t = (struct termios *)arg;
		if (!user_ok((uint64_t)arg, sizeof *t))
			return -EFAULT;
		memset(t, 0, sizeof *t);
		t->c_iflag = ICRNL | IXON;
		t->c_oflag = OPOST | ONLCR;
		t->c_cflag = B38400 | CS8 | CREAD;
		t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
		return 0;
	}
	case TIOCGWINSZ: {
		if (!tty)
			return -ENOTTY;
		struct winsize *ws = (struct winsize *)arg;
		if (!user_ok((uint64_t)arg, sizeof *ws))
			return -EFAULT;
		ws->ws_row = 24, ws->ws_col = 80;
		ws->ws_xpixel = ws->ws_ypixel = 0;
		return 0;
	}
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
	case TIOCSWINSZ: return tty ? 0 : -ENOTTY;
	case TIOCGPGRP:
		if (!tty)
			return -ENOTTY;
		if (!user_ok((uint64_t)arg, 4))
			return -EFAULT;
		*(int32_t *)arg = 1;
		return 0;
	case FIONREAD:
		if (!user_ok((uint64_t)arg, 4))
			return -EFAULT;
		if (o->ino->pipe) {
			uint64_t n = pipe_avail(o->ino->pipe);
			*(int32_t *)arg = (int32_t)n;
			return 0;
		}
		*(int32_t *)arg =
			S_ISREG(o->ino->mode) && !o->ino->chan && o->pos < o->ino->size
				? (int32_t)(o->ino->size - o->pos > INT32_MAX ? INT32_MAX : o->ino->size - o->pos)
				: 0;
		return 0;
	case FIOCLEX: fd_set_cloexec(fd, true); return 0;
	case FIONCLEX: fd_set_cloexec(fd, false); return 0;
	case FIONBIO: /* O_NONBLOCK on or off, as F_SETFL */
		if (!user_ok((uint64_t)arg, 4))
			return -EFAULT;
		o->flags = *(const int32_t *)arg ? o->flags | O_NONBLOCK : o->flags & ~O_NONBLOCK;
		return 0;
	default: return -ENOTTY;
	}
}

long sys_ioctl(const struct sys_call *c)
{
	return do_ioctl(c->a[0], (unsigned long)c->a[1], c->a[2]);
}
