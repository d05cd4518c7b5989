/*
 * mman.c - the memory calls: brk, mmap, munmap, mremap and madvise on the
 * heap (mem.c), and mmap of a descriptor (fs/file.c). mprotect within
 * guest memory never comes here: the wall lets the kernel do it.
 */
#include <linux/mman.h>

#include "fs/fs.h"
#include "mem.h"
#include "syscall.h"
#include "zrt.h"

long sys_brk(const struct sys_call *c)
{
	return (long)mem_brk((uint64_t)c->a[0]);
}

long sys_mmap(const struct sys_call *c)
{
	const long *a = c->a;
	if (!(a[3] & (MAP_SHARED | MAP_PRIVATE)))
		return -EINVAL;
	if (a[3] & MAP_ANONYMOUS)
		return mem_mmap((uint64_t)a[0], (uint64_t)a[1], (int)a[2], (int)a[3]);
	return fs_mmap_file((uint64_t)a[0], (uint64_t)a[1], a[2], a[3], a[4], (uint64_t)a[5]);
}

long sys_munmap(const struct sys_call *c)
{
	return mem_munmap((uint64_t)c->a[0], (uint64_t)c->a[1]);
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
	if (advice == MADV_DONTNEED && len) /* fresh zero pages */
		return mem_dontneed(addr, len);
	return 0;
}
