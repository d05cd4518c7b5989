/*
 * inode.c - inodes: made with a number counting up from 1 and the
 * clock's time, freed when the last name and the last open are gone
 * (fs.h states the invariants), and the type and mode stat reports.
 */
#include "../mem.h"
#include "../pipe.h"
#include "fs.h"

static uint64_t next_ino = 1;

struct inode *inode_new(uint32_t mode)
{
	struct inode *n = mem_alloc(sizeof *n);
	if (!n)
		return 0;
	n->mode = mode;
	n->ino = next_ino++;
	n->mtime = n->ctime = n->atime = fs_now();
	return n;
}

void inode_put(struct inode *n)
{
	if (!n || n->nlink > 0 || n->opens > 0 || n == fs_root)
		return;
	if (n->data)
		mem_free(n->data, n->cap);
	dir_index_free(n);
	pipe_free(n->pipe);
	epoll_free(n->ep);
	eventfd_free(n->evt);
	mem_free(n, sizeof *n);
}

uint32_t inode_mode(const struct inode *n)
{
	if (n->pipe)
		return S_IFIFO | 0600;
	if (!n->chan)
		return n->mode;
	uint32_t perm = (n->chan->readable ? 0444u : 0) | (n->chan->writable ? 0222u : 0);
	switch (n->chan->mode) {
	case ZCHAN_PIPE: return S_IFIFO | (perm & 0600);
	case ZCHAN_FILE: return S_IFREG | (perm & 0644);
	default: return S_IFCHR | perm;
	}
}
