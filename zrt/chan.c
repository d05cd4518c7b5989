/*
 * chan.c - the channel client: the manifest's channels, read and written
 * through traps (chan.h). The supervisor checks and counts every trap;
 * nothing here is trusted, and a trap's error is the program's errno.
 */
#include "chan.h"
#include "mem.h"
#include "zrt.h"

static struct zchan *chans;
static int nchan;

#define IO_CHUNK (1u << 30) /* a trap moves at most an int32_t */

int chan_init(void)
{
	const struct UserManifest *um = MANIFEST;
	nchan = um->channels_count;
	chans = mem_alloc((size_t)(nchan ? nchan : 1) * sizeof *chans);
	if (!chans)
		return -ENOMEM;
	for (int i = 0; i < nchan; i++) {
		const struct ZVMChannel *zc = &um->channels[i];
		struct zchan *c = &chans[i];
		c->zc = zc;
		c->handle = i;
		c->alias = zc->name;
		c->readable = zc->limits[GetsLimit] > 0 && zc->limits[GetSizeLimit] > 0;
		c->writable = zc->limits[PutsLimit] > 0 && zc->limits[PutSizeLimit] > 0;
		c->random_read = (zc->type & 1) != 0;
		c->random_write = (zc->type & 2) != 0;
		c->size = (uint64_t)zc->size;
		c->mode = (c->random_read || c->random_write) ? ZCHAN_FILE : ZCHAN_CHAR;
	}
	return 0;
}

int chan_resume(char *err, size_t errlen)
{
	const struct UserManifest *um = MANIFEST;
	if (um->channels_count != nchan)
		return zrt_fmt(err, errlen, "%d channels, the snapshot had %d", (int)um->channels_count, nchan), -1;
	for (int i = 0; i < nchan; i++) {
		const struct ZVMChannel *zc = &um->channels[i];
		struct zchan *c = &chans[i];
		if (zc != c->zc || zc->name != c->alias ||
		    c->readable != (zc->limits[GetsLimit] > 0 && zc->limits[GetSizeLimit] > 0) ||
		    c->writable != (zc->limits[PutsLimit] > 0 && zc->limits[PutSizeLimit] > 0) ||
		    c->random_read != ((zc->type & 1) != 0) || c->random_write != ((zc->type & 2) != 0))
			return zrt_fmt(err, errlen, "channel %d is not the snapshot's", i), -1;
		c->size = (uint64_t)zc->size;
		if (c->writable)
			c->win_len = 0;
		c->was_read = c->was_written = false;
	}
	return 0;
}

int chan_count(void)
{
	return nchan;
}

struct zchan *chan_at(int i)
{
	return &chans[i];
}

struct zchan *chan_find(const char *alias)
{
	for (int i = 0; i < nchan; i++)
		if (strcmp(chans[i].alias, alias) == 0)
			return &chans[i];
	return 0;
}

static int64_t chan_io(struct zchan *c, uint32_t id, void *buf, uint64_t len, uint64_t off)
{
	uint64_t done = 0;
	while (done < len) {
		uint64_t n = len - done < IO_CHUNK ? len - done : IO_CHUNK;
		/* Static: the handlers run on a stack outside guest memory
		 * (boot_abi.h), where the supervisor cannot read arguments. */
		static uint64_t a[6];
		a[0] = id, a[1] = 0, a[2] = (uint64_t)c->handle, a[3] = (uint64_t)buf + done, a[4] = n;
		a[5] = off + done;
		int32_t r = zrt_trap(a);
		if (r > 0 && id == TrapRead)
			c->was_read = true;
		else if (r > 0)
			c->was_written = true;
		if (r < 0)
			return done ? (int64_t)done : r;
		done += (uint64_t)r;
		if ((uint64_t)r < n)
			break;
	}
	return (int64_t)done;
}

int64_t chan_pread(struct zchan *c, void *buf, uint64_t len, uint64_t off)
{
	if (c->random_read && off >= c->size)
		return 0;
	if (c->random_read && len > c->size - off)
		len = c->size - off;
	return chan_io(c, TrapRead, buf, len, off);
}

/* Small reads of a random-read channel (programs read 4 KiB at a time)
 * are served from a 256 KiB window: one trap instead of 64. The window is
 * read only where the program reads; a quota too small for it falls back
 * to the program's own read. */
#define CHAN_WIN (256u << 10)
int64_t chan_read_cached(struct zchan *c, void *buf, uint64_t len, uint64_t off)
{
	if (!c->random_read || len >= CHAN_WIN / 4 || off >= c->size)
		return chan_pread(c, buf, len, off);
	if (!(off >= c->win_off && off + len <= c->win_off + c->win_len) &&
	    !(off >= c->win_off && c->win_off + c->win_len == c->size && off < c->size)) {
		if (!c->win && !(c->win = mem_alloc(CHAN_WIN)))
			return chan_pread(c, buf, len, off);
		int64_t r = chan_pread(c, c->win, CHAN_WIN, off);
		if (r <= 0) {
			c->win_len = 0;
			return chan_pread(c, buf, len, off);
		}
		c->win_off = off;
		c->win_len = (uint64_t)r;
	}
	uint64_t have = c->win_off + c->win_len - off;
	if (have > len)
		have = len;
	memcpy(buf, c->win + (off - c->win_off), have);
	return (int64_t)have;
}

int64_t chan_pwrite(struct zchan *c, const void *buf, uint64_t len, uint64_t off)
{
	c->win_len = 0; /* a read-write channel: what was read ahead may change */
	int64_t r = chan_io(c, TrapWrite, (void *)buf, len, off);
	if (r > 0 && c->random_write && off + (uint64_t)r > c->size)
		c->size = off + (uint64_t)r;
	return r;
}
