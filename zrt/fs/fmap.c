/*
 * fmap.c - mmap of a descriptor: private copies, filled when first needed.
 *
 * A file mapping is a private copy of the file's bytes in the heap (no page
 * is shared with the file: ZRT has no page cache). Copying at mmap time
 * would read many bytes twice: a dynamic loader maps a whole library once
 * to reserve its address range (the first segment's protection over all of
 * it), then maps each further segment over it with MAP_FIXED, and bss over
 * the end; only the first segment's pages of the reservation are ever
 * used. So the copy is deferred, as the kernel defers it to page faults:
 * the pages are mapped PROT_NONE and remembered (`pend`) with the file and
 * the offset, and
 *   - a mapping or munmap over them forgets those pages (fmap_drop), so
 *     what the loader maps over its reservation is never read for it;
 *   - every other system call the program makes first fills every pending
 *     mapping (fmap_settle, from entry.c): whatever that call does (read
 *     into the pages, close or change the file, mremap, exit) sees the
 *     copy a mapping at mmap time would have made, from the same bytes,
 *     since nothing can change the file in between;
 *   - a touch of a pending page faults, and the SIGSEGV handler fills them
 *     all and lets the instruction run again (fmap_fault).
 * A library is so read once, each segment's bytes. What differs from an
 * immediate copy: a program that gives pending pages a protection itself
 * (mprotect never reaches ZRT) before its next system call reads zeros
 * there instead of faulting; and the holes between a library's segments,
 * which the loader made PROT_NONE, get the reservation's protection when
 * it is filled. Neither happens with glibc's loader.
 */
#include <asm/unistd.h>
#include <linux/mman.h>

#include "../log.h"
#include "../mem.h"
#include "fs.h"

#define FMAP_MAX 64

struct fmap {
	uint64_t a, b; /* pages [a, b) */
	struct inode *ino;
	uint64_t off; /* file offset of a */
	int prot;
};

static struct fmap pend[FMAP_MAX];
static int npend;

static void protect(uint64_t a, uint64_t len, int prot)
{
	zrt_syscall6(__NR_mprotect, (long)a, (long)len, prot, 0, 0, 0);
}

void fmap_settle(void)
{
	for (int i = 0; i < npend; i++) {
		struct fmap *m = &pend[i];
		uint64_t adv;
		protect(m->a, m->b - m->a, PROT_READ | PROT_WRITE);
		/* A file shorter than the mapping leaves zeros, as Linux's
		 * last partial page; pages past its end read as zeros too. */
		int64_t r = file_read(m->ino, (void *)m->a, m->b - m->a, m->off, &adv);
		if (r < 0) /* mmap has returned: too late to fail it; say so */
			log_line(0,
				 "zrt: a file mapping at 0x%llx could not be filled (error %lld reading the file): "
				 "it reads as zeros",
				 (unsigned long long)m->a, (long long)-r);
		mem_mprotect(m->a, m->b - m->a, m->prot);
	}
	npend = 0;
}

bool fmap_fault(uint64_t addr)
{
	for (int i = 0; i < npend; i++)
		if (addr >= pend[i].a && addr < pend[i].b) {
			fmap_settle();
			return true;
		}
	return false;
}

void fmap_drop(uint64_t a, uint64_t b)
{
	for (int i = 0; i < npend;) {
		struct fmap *m = &pend[i];
		if (b <= m->a || a >= m->b) {
			i++;
			continue;
		}
		if (a <= m->a && b >= m->b) { /* all of it */
			pend[i] = pend[--npend];
			continue;
		}
		if (a > m->a && b < m->b) { /* the middle: two pieces */
			if (npend == FMAP_MAX) {
				fmap_settle();
				return;
			}
			pend[npend++] = (struct fmap){b, m->b, m->ino, m->off + (b - m->a), m->prot};
			m->b = a;
		} else if (a <= m->a) { /* the start */
			m->off += b - m->a;
			m->a = b;
		} else { /* the end */
			m->b = a;
		}
		i++;
	}
}

long fs_mmap_file(uint64_t addr, uint64_t len, long prot, long flags, long fd, uint64_t off)
{
	struct ofd *o = fd_file(fd);
	if (!o)
		return -EBADF;
	if (off & (PAGE - 1))
		return -EINVAL;
	if ((o->flags & O_ACCMODE) == O_WRONLY || (o->flags & O_ACCMODE) == 3)
		return -EACCES; /* a mapping reads the file */
	if ((flags & (MAP_SHARED | MAP_PRIVATE)) == MAP_SHARED &&
	    (prot & PROT_WRITE)) /* changes would not reach the file */
		return -ENODEV;
	if (S_ISDIR(o->ino->mode) || (o->ino->chan && o->ino->chan->mode != ZCHAN_FILE))
		return -ENODEV;
	if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
		return -EACCES;
	long a = mem_mmap(addr, len, PROT_READ | PROT_WRITE, (int)(flags & ~MAP_ANONYMOUS));
	if (a < 0)
		return a;
	uint64_t end = (uint64_t)a + ALIGN_UP(len, PAGE);
	fmap_drop((uint64_t)a, end); /* MAP_FIXED over pending pages */
	if (npend == FMAP_MAX)
		fmap_settle();
	pend[npend++] = (struct fmap){(uint64_t)a, end, o->ino, off, (int)prot};
	protect((uint64_t)a, end - (uint64_t)a, PROT_NONE);
	return a;
}
