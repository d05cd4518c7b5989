/*
 * mman.c - the memory calls: brk, mmap, munmap, mremap and madvise on the
 * heap (mem.c), and mmap of a descriptor (fs/fmap.c). mprotect within
 * guest memory never comes here: the wall lets the kernel do it.
 */
#include <linux/mman.h>

#include "fs/fs.h"
#include "mem.h"
#include "syscall.h"
#include "user.h"
#include "zrt.h"

/* Whether [addr, addr + len) is all the program's: inside guest memory
 * and none of it free heap. Outside, Linux finds no mapping: ENOMEM. */
static bool mapped(uint64_t addr, uint64_t len)
{
	return user_ok(addr, len) && !mem_any_free(ALIGN_DOWN(addr, PAGE), addr + len);
}

long sys_brk(const struct sys_call *c)
{
	return (long)mem_brk((uint64_t)c->a[0]);
}

long sys_mmap(const struct sys_call *c)
{
	const long *a = c->a;
	if (!(a[3] & (MAP_SHARED | MAP_PRIVATE)))
		return -EINVAL;
	if (a[3] & MAP_ANONYMOUS) {
		long r = mem_mmap((uint64_t)a[0], (uint64_t)a[1], (int)a[2], (int)a[3]);
		if (r >= 0) /* over pending file pages (MAP_FIXED): they are gone */
			fmap_drop((uint64_t)r, (uint64_t)r + ALIGN_UP((uint64_t)a[1], PAGE));
		return r;
	}
	return fs_mmap_file((uint64_t)a[0], (uint64_t)a[1], a[2], a[3], a[4], (uint64_t)a[5]);
}

long sys_munmap(const struct sys_call *c)
{
	long r = mem_munmap((uint64_t)c->a[0], (uint64_t)c->a[1]);
	if (r == 0)
		fmap_drop((uint64_t)c->a[0], (uint64_t)c->a[0] + ALIGN_UP((uint64_t)c->a[1], PAGE));
	return r;
}

/* mremap's flags are an unsigned long: a bit above the low 32 is unknown,
 * EINVAL (the table passes the register whole). */
long sys_mremap(const struct sys_call *c)
{
	if ((uint64_t)c->a[3] >> 32)
		return -EINVAL;
	return mem_mremap((uint64_t)c->a[0], (uint64_t)c->a[1], (uint64_t)c->a[2], (int)c->a[3], (uint64_t)c->a[4]);
}

long sys_madvise(const struct sys_call *c)
{
	uint64_t addr = (uint64_t)c->a[0], len = (uint64_t)c->a[1];
	long advice = c->a[2];
	if (addr & (PAGE - 1))
		return -EINVAL;
	/* The advice Linux 6.1 knows (KSM and THP built in); none changes
	 * anything here but MADV_DONTNEED. */
	if (!((advice >= MADV_NORMAL && advice <= MADV_DONTNEED) || (advice >= MADV_FREE && advice <= MADV_COLLAPSE)))
		return -EINVAL;
	if (ALIGN_UP_WRAPS(len, PAGE) || addr + ALIGN_UP(len, PAGE) < addr)
		return -EINVAL;
	if (!len)
		return 0;
	if (!mapped(addr, ALIGN_UP(len, PAGE)))
		return -ENOMEM;      /* not the program's: no mapping there */
	if (advice == MADV_DONTNEED) /* fresh zero pages */
		return mem_dontneed(addr, len);
	return 0;
}

/* msync: nothing to write back (no file is mapped shared), but the
 * flags, the alignment and the range are Linux's to check. */
long sys_msync(const struct sys_call *c)
{
	uint64_t addr = (uint64_t)c->a[0], len = (uint64_t)c->a[1];
	long flags = c->a[2];
	if ((flags & ~(long)(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) || (addr & (PAGE - 1)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	if (ALIGN_UP_WRAPS(len, PAGE) || addr + ALIGN_UP(len, PAGE) < addr)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE);
	return !len || mapped(addr, len) ? 0 : -ENOMEM;
}

/* mlock, munlock, mlock2: nothing is ever swapped out; the range must be
 * mapped (ENOMEM), mlock2's flags known. mlockall needs MCL_CURRENT or
 * MCL_FUTURE. */
static long lock_range(uint64_t addr, uint64_t len)
{
	uint64_t start = ALIGN_DOWN(addr, PAGE);
	if (ALIGN_UP_WRAPS(addr + len, PAGE) || addr + len < addr)
		return -EINVAL;
	uint64_t end = ALIGN_UP(addr + len, PAGE);
	return end == start || mapped(start, end - start) ? 0 : -ENOMEM;
}

long sys_mlock(const struct sys_call *c)
{
	return lock_range((uint64_t)c->a[0], (uint64_t)c->a[1]);
}

long sys_mlock2(const struct sys_call *c)
{
	if (c->a[2] & ~(long)MLOCK_ONFAULT)
		return -EINVAL;
	return lock_range((uint64_t)c->a[0], (uint64_t)c->a[1]);
}

long sys_mlockall(const struct sys_call *c)
{
	long f = c->a[0];
	if (!f || (f & ~(long)(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || f == MCL_ONFAULT)
		return -EINVAL;
	return 0;
}
