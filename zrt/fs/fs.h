/*
 * fs.h - the filesystem: channels under their aliases, an in-memory tree
 * at "/", and the descriptor table. Shared by the files of fs/ and by
 * image/, which builds and walks the same tree.
 *
 * Everything here is the program's own state inside the sandbox; the host
 * is reached only through channel traps (chan.c), which the supervisor
 * checks and counts. Memory for files comes from the program's heap
 * (mem.c), so a full heap is ENOSPC for a write and ENOMEM for an
 * allocation, never a crash.
 *
 * The files of fs/, one concern each:
 *   inode.c  inodes: creation, the last reference, what stat says they are
 *   dir.c    directory lists: lookup, add, remove; getdents64
 *   path.c   path resolution: the root, the working directory, symlinks
 *   file.c   file contents: in memory, in an image, on a channel, devices;
 *            truncate, fallocate
 *   fmap.c   mmap of a descriptor: private copies, filled when first needed
 *   fd.c     the descriptor table and open file descriptions; close, dup,
 *            fcntl
 *   open.c   open and its relatives, memfd_create, pipe2, umask
 *   rw.c     read and write in all their forms, sendfile, lseek
 *   stat.c   stat, statx, access, chmod, utimes
 *   sync.c   calls that change nothing but check what they name: fsync,
 *            syncfs, sync_file_range, flock, fadvise64, statfs
 *   names.c  the calls on names: mkdir, unlink, rename, link, symlink,
 *            readlink; chdir and getcwd
 *   ioctl.c  ioctl: terminals on char channels, FIONREAD, FIOCLEX
 *   poll.c   poll and select
 *   epoll.c  epoll instances: interest lists, epoll_wait
 *   eventfd.c  eventfd counters
 *   init.c   the tree at start: /dev, /tmp, channels, devices, stdio
 *
 * Invariants. A directory's entries are a list in creation order (dir.c
 * alone touches it); nlink counts names (a directory's: its name, its
 * ".", its subdirectories' ".."), opens counts open file descriptions
 * and the working directory; an inode is freed when both are 0
 * (inode_put), never the root. An inode is at most one of: a channel's
 * node (chan), a device (dev), a pipe (pipe), an epoll instance (ep), an
 * eventfd (evt), a
 * file whose bytes are still in an image (tar), or a file, directory or
 * symlink in memory.
 */
#ifndef ZRT_FS_H
#define ZRT_FS_H

#include "../chan.h"
#include "../clock.h"
#include "../zrt.h"

enum { DEV_NONE, DEV_NULL, DEV_ZERO, DEV_FULL, DEV_RANDOM, DEV_FORK };

/* /dev/fork, the fork file (docs/zrt.md, "Snapshots"): its reads are
 * answered by fork.c, a layer above, through this pointer it sets at
 * start: the bytes read at off, or -errno. NULL: reads give nothing. */
extern int64_t (*fs_fork_read)(void *buf, uint64_t len, uint64_t off);

struct inode;
struct dent {
	struct dent *next;
	struct dent *hnext; /* the next of its bucket in its directory's index */
	struct inode *ino;
	uint32_t alloc; /* bytes, for mem_free */
	uint32_t len;   /* of name: lookups compare it before any byte */
	char name[];
};

struct inode {
	uint32_t mode, nlink, opens, dev;
	uint64_t ino;
	uint64_t mtime, ctime, atime; /* ns of the virtual clock */
	struct inode *parent;         /* directories */
	struct dent *first, *last;    /* directories, in creation order */
	uint64_t nent;
	struct dent **hash; /* a large directory's index: 2^hbits buckets (dir.c) */
	uint32_t hbits;
	unsigned char *data; /* file contents or symlink target */
	uint64_t size, cap;
	struct zchan *tar; /* file contents still in an image */
	uint64_t tar_off;
	struct zchan *chan; /* a channel's device node */
	struct zpipe *pipe; /* a pipe (pipe.c) */
	struct zepoll *ep;  /* an epoll instance (epoll.c) */
	struct zevent *evt; /* an eventfd (eventfd.c) */
	bool rofs;          /* in an [fstab] overlay=no mount: changing it, or its entries, is EROFS */
};

/* An open file description: what descriptors share. */
struct ofd {
	struct inode *ino;
	uint64_t pos;
	int flags;
	uint32_t refs;
	int owner, owner_type, sig; /* F_SETOWN(_EX), F_SETSIG: kept, never used */
};

/* A resolved path. */
struct walk {
	struct inode *parent;    /* directory holding the last component */
	struct inode *node;      /* what the path names, NULL if it does not exist */
	char name[NAME_MAX + 1]; /* the last component */
	size_t len;
	bool slash; /* the path ended in '/' */
};

/* File times read the virtual clock without advancing it. */
static inline uint64_t fs_now(void)
{
	return clock_peek();
}

/* -EROFS when n lies in a read-only mount ([fstab] overlay=no), else 0. */
static inline long fs_rofs(const struct inode *n)
{
	return n && n->rofs ? -EROFS : 0;
}

/* ---- start-up (init.c), for entry.c ----------------------------------------- */
int fs_init(void);                           /* the root; -ENOMEM */
int fs_init_dirs(void);                      /* /dev and /tmp; -ENOMEM */
int fs_add_nodes(char *err, size_t errlen);  /* channels under their aliases, devices */
int fs_open_stdio(char *err, size_t errlen); /* descriptors 0, 1 and 2 */
/* Channels the program tried to open for writing but may only read, by
 * alias, each once, the first FS_DENIED_MAX (open.c; told at the end). */
#define FS_DENIED_MAX 16
extern const char *fs_denied[FS_DENIED_MAX];
extern int fs_ndenied;
/* The working directory at start: path (absolute; NULL: "/"), made with
 * its parents if missing. -1 with the message in err if it cannot be. */
int fs_start_cwd(const char *path, char *err, size_t errlen);

/* ---- inode.c ------------------------------------------------------------------ */
struct inode *inode_new(uint32_t mode);     /* NULL when the heap is full */
void inode_put(struct inode *n);            /* free it if nothing refers to it */
uint32_t inode_mode(const struct inode *n); /* what stat says, channels by their limits */

/* ---- dir.c --------------------------------------------------------------------- */
struct inode *dir_lookup(struct inode *d, const char *name, size_t len);
int dir_add(struct inode *d, const char *name, size_t len, struct inode *n); /* -ENOENT, -ENOSPC */
void dir_remove(struct inode *d, struct inode *n, const char *name, size_t len);
/* An entry of its own, for rename: made first, so a full heap changes
 * nothing; then taken out of one directory and appended to another. */
struct dent *dir_entry_new(const char *name, size_t len, struct inode *n);
void dir_index_free(struct inode *d); /* a directory inode freed: its index too */
bool dir_entry_drop(struct inode *d, struct inode *n, const char *name, size_t len);
void dir_entry_append(struct inode *d, struct dent *e);
struct inode *dir_mkdirs(const char *path, size_t len); /* mkdir -p, for the runtime's own use */
long dir_add_path(const char *path, struct inode *n);   /* at an absolute path, parents made */

/* ---- path.c -------------------------------------------------------------------- */
extern struct inode *fs_root, *fs_cwd;
/* Resolve upath from dirfd (follow: a symlink in the last component too);
 * the last component may be missing (w->node NULL). */
long path_walk(long dirfd, const char *upath, bool follow, struct walk *w);
/* The same under openat2's RESOLVE_ bits. */
long path_walk_resolve(long dirfd, const char *upath, bool follow, uint64_t resolve, struct walk *w);
/* The inode a (dirfd, path, AT_* flags) names, which must exist. */
long path_at(long dirfd, const char *path, long flags, struct inode **out);

/* ---- file.c -------------------------------------------------------------------- */
long file_reserve(struct inode *n, uint64_t size); /* room in memory; an image's file comes in */
long file_truncate(struct inode *n, uint64_t size);
/* Read at off: the bytes read; *pos_adv what the position moves by. */
int64_t file_read(struct inode *n, void *buf, uint64_t len, uint64_t off, uint64_t *pos_adv);
int64_t file_write(struct inode *n, const void *buf, uint64_t len, uint64_t off);

/* ---- fmap.c -------------------------------------------------------------------- */
long fs_mmap_file(uint64_t addr, uint64_t len, long prot, long flags, long fd, uint64_t off); /* mmap of a descriptor */
void fmap_settle(void);                 /* fill every pending file mapping (before any other call) */
bool fmap_fault(uint64_t addr);         /* a fault at addr: a pending page, now filled */
void fmap_drop(uint64_t a, uint64_t b); /* [a, b) is mapped over or unmapped: forget it */

/* ---- fd.c ---------------------------------------------------------------------- */
struct ofd *fd_get(long fd); /* NULL: not open */
/* The same for a call that needs an open file, as the kernel's fdget():
 * NULL for an O_PATH descriptor too (EBADF). */
struct ofd *fd_file(long fd);
long fd_alloc(long from, struct ofd *o, bool cloexec); /* the lowest free from `from`; -EMFILE */
long fd_open(struct inode *n, int flags);              /* a new description; -ENOMEM, -EMFILE */
long fd_close(long fd);
void fd_set_cloexec(long fd, bool on); /* fd is open */

/* ---- poll.c and epoll.c ------------------------------------------------------- */
int fs_poll_events(const struct ofd *o, int asked); /* poll(2)'s revents of o */
/* Nothing is ready (poll, select, epoll_wait). With other threads, the
 * caller waits (thread.c) until a pipe or an eventfd changes, when the
 * call is made again, or until its timeout on the virtual clock (result
 * 0). Alone, nothing else can make a descriptor ready: a timeout passes on
 * the virtual clock at once, no timeout (below 0) would wait for ever and
 * ends the session with call's message. 0 or THREAD_BLOCKED. */
long fs_poll_wait(int64_t timeout_ns, const char *call);
struct zepoll;
void epoll_free(struct zepoll *ep);      /* an instance's inode is freed */
void epoll_forget(const struct ofd *o);  /* o is closed for the last time: its items go */
int epoll_poll(const struct zepoll *ep); /* POLLIN when an item is ready */

/* ---- eventfd.c ------------------------------------------------------------------ */
struct zevent;
void eventfd_free(struct zevent *e);
int eventfd_poll(const struct zevent *e);
uint64_t eventfd_wakes(const struct zevent *e); /* changes, for EPOLLET */
/* read and write of at least 8 bytes; a wait is THREAD_BLOCKED */
int64_t eventfd_read(struct zevent *e, void *buf, uint64_t len, bool nonblock);
int64_t eventfd_write(struct zevent *e, const void *buf, uint64_t len, bool nonblock);

/* ---- open.c -------------------------------------------------------------------- */
extern uint32_t fs_umask;

#endif
