/*
 * init.c - the tree at start (entry.c calls these in order): the root,
 * /dev and /tmp, every channel whose alias is a path under that path,
 * /dev/null, /dev/zero, /dev/full, /dev/random, /dev/urandom and /dev/fork
 * (the fork file, fork.c) unless a
 * channel took the name, the working directory, and descriptors 0, 1 and 2.
 */
#include "../log.h"
#include "fs.h"

static const struct {
	const char *path;
	int dev;
} devices[] = {
	{"/dev/null", DEV_NULL},     {"/dev/zero", DEV_ZERO},      {"/dev/full", DEV_FULL},
	{"/dev/random", DEV_RANDOM}, {"/dev/urandom", DEV_RANDOM}, {"/dev/fork", DEV_FORK},
};

int64_t (*fs_fork_read)(void *buf, uint64_t len, uint64_t off);

int fs_init(void)
{
	if (!(fs_root = inode_new(S_IFDIR | 0755)))
		return -ENOMEM;
	fs_root->nlink = 2;
	fs_cwd = fs_root;
	return 0;
}

int fs_init_dirs(void)
{
	return dir_mkdirs("/dev", 4) && dir_mkdirs("/tmp", 4) ? 0 : -ENOMEM;
}

int fs_add_nodes(char *err, size_t errlen)
{
	for (int i = 0; i < chan_count(); i++) {
		struct zchan *c = chan_at(i);
		if (c->alias[0] != '/')
			continue; /* not a path: reachable by handle only */
		struct inode *n = inode_new(S_IFCHR | 0666);
		if (!n)
			return zrt_fmt(err, errlen, "out of memory"), -1;
		n->chan = c;
		if (dir_add_path(c->alias, n) < 0) {
			inode_put(n);
			log_line(1, "zrt: channel %s: the path is taken, reachable by handle only", c->alias);
		}
	}
	for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++) {
		if (chan_find(devices[i].path))
			continue;
		struct inode *n = inode_new(S_IFCHR | 0666);
		if (!n)
			return zrt_fmt(err, errlen, "out of memory"), -1;
		n->dev = (uint32_t)devices[i].dev;
		dir_add_path(devices[i].path, n);
	}
	return 0;
}

int fs_open_stdio(char *err, size_t errlen)
{
	static const char *const stdio[3] = {"/dev/stdin", "/dev/stdout", "/dev/stderr"};
	for (int fd = 0; fd < 3; fd++) {
		/* A missing one is /dev/null, so the numbers stay where programs
		 * expect them. */
		const char *path = chan_find(stdio[fd]) ? stdio[fd] : "/dev/null";
		struct walk w;
		if (path_walk(AT_FDCWD, path, true, &w) < 0 || !w.node)
			return zrt_fmt(err, errlen, "cannot open %s", path), -1;
		if (fd_open(w.node, fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			return zrt_fmt(err, errlen, "cannot open %s as descriptor %d", path, fd), -1;
	}
	return 0;
}

int fs_start_cwd(const char *path, char *err, size_t errlen)
{
	if (!path)
		return 0;
	struct inode *d = dir_mkdirs(path, strlen(path));
	if (!d)
		return zrt_fmt(err, errlen, "session: cwd %s: not a directory (or out of memory)", path), -1;
	d->opens++; /* held as chdir holds it (names.c) */
	fs_cwd = d;
	return 0;
}
