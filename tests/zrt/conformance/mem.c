/*
 * mem.c - conformance rows for memory: brk, mmap, munmap, mremap,
 * mprotect, madvise.
 *
 * Addresses are never printed, only relations between them. Left out:
 * PROT_WRITE|PROT_EXEC and writable MAP_SHARED file mappings (the runtime
 * refuses them on purpose, docs/zrt.md "Memory"), faults on protected pages
 * (the runtime does not hand real faults to the program's handlers).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "groups.h"

#define PG 4096l

static void *map(size_t len, int prot)
{
	return mmap(0, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static long zeros(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

#define MOK(name, call)                                         \
	({                                                      \
		errno = 0;                                      \
		void *p_ = (call);                              \
		rowok_(name, p_ == MAP_FAILED ? -1 : 0, errno); \
		p_;                                             \
	})

void group_mem(void)
{
	char *b0 = (char *)syscall(SYS_brk, 0);
	REL("brk(0) is not 0", b0 != 0);
	char *b1 = (char *)syscall(SYS_brk, b0 + 65536);
	REL("brk grows by 64 KiB", b1 == b0 + 65536);
	REL("new brk memory is zero", zeros((unsigned char *)b0, 65536));
	memset(b0, 7, 65536);
	REL("brk shrinks", (char *)syscall(SYS_brk, b0) == b0);
	REL("brk grows again, zero again",
	    (char *)syscall(SYS_brk, b0 + 8192) == b0 + 8192 && zeros((unsigned char *)b0, 8192));
	REL("brk below the start is refused (unchanged)", (char *)syscall(SYS_brk, 4096) == b0 + 8192);
	memset(b0, 7, 8192);
	ROW("mprotect brk pages PROT_READ", mprotect(b0, 8192, PROT_READ));
	REL("brk shrinks over read-only pages", (char *)syscall(SYS_brk, b0) == b0);
	REL("brk grows again: zero and writable", (char *)syscall(SYS_brk, b0 + 8192) == b0 + 8192 &&
							  zeros((unsigned char *)b0, 8192) &&
							  (memset(b0, 1, 8192), b0[8191] == 1));
	syscall(SYS_brk, b0);
	probe_calls += 8;

	unsigned char *p = MOK("mmap 3 pages RW", map(3 * PG, PROT_READ | PROT_WRITE));
	REL("zero-filled", zeros(p, 3 * PG));
	memset(p, 1, 3 * PG);
	ROW("munmap the middle page", munmap(p + PG, PG));
	unsigned char *q = MOK("mmap MAP_FIXED into the hole", mmap(p + PG, PG, PROT_READ | PROT_WRITE,
								    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	REL("at the hole, zero", q == p + PG && zeros(q, PG) && p[0] == 1 && p[2 * PG] == 1);
	ROW("MAP_FIXED_NOREPLACE over it",
	    (long)mmap(p, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == -1 ? -1 : 0);
	ROW("munmap all", munmap(p, 3 * PG));
	ROW("munmap again (nothing there)", munmap(p, 3 * PG));
	ROW("munmap unaligned", munmap(p + 1, PG));
	ROW("munmap length 0", munmap(p, 0));
	ROW("mmap length 0", (long)map(0, PROT_READ));
	ROW("mmap SIZE_MAX", (long)map(SIZE_MAX, PROT_READ));
	ROW("mmap SIZE_MAX - 4095", (long)map(SIZE_MAX - 4095, PROT_READ));
	ROW("mmap 1 << 62", (long)map(1ul << 62, PROT_READ));
	ROW("mmap MAP_FIXED unaligned",
	    (long)mmap((char *)p + 1, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	ROW("mmap neither SHARED nor PRIVATE", (long)mmap(0, PG, PROT_READ, MAP_ANONYMOUS, -1, 0));
	ROW("munmap SIZE_MAX", munmap(p, SIZE_MAX));

	/* MAP_FIXED over pages the program made read-only, read+exec, none. */
	static const struct {
		const char *name;
		int prot;
	} prots[] = {
		{"PROT_READ", PROT_READ}, {"PROT_READ|PROT_EXEC", PROT_READ | PROT_EXEC}, {"PROT_NONE", PROT_NONE}};
	for (int i = 0; i < 3; i++) {
		char name[128];
		p = map(4 * PG, PROT_READ | PROT_WRITE);
		memset(p, 9, 4 * PG);
		snprintf(name, sizeof name, "mprotect %s", prots[i].name);
		ROW(name, mprotect(p, 4 * PG, prots[i].prot));
		snprintf(name, sizeof name, "mmap MAP_FIXED over %s pages", prots[i].name);
		q = MOK(name,
			mmap(p + PG, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
		snprintf(name, sizeof name, "the new pages over %s are zero and writable", prots[i].name);
		REL(name, q == p + PG && zeros(q, 2 * PG) && (memset(q, 3, 2 * PG), q[PG] == 3));
		if (prots[i].prot != PROT_NONE)
			REL("the pages around keep their contents", p[0] == 9 && p[3 * PG] == 9);
		snprintf(name, sizeof name, "munmap %s pages", prots[i].name);
		ROW(name, munmap(p, 4 * PG));
		snprintf(name, sizeof name, "mmap again where %s pages were: zero", prots[i].name);
		q = mmap(p, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		REL(name, q == p && zeros(q, 4 * PG));
		munmap(q, 4 * PG);
	}

	p = map(2 * PG, PROT_READ | PROT_WRITE);
	memset(p, 5, 2 * PG);
	ROW("madvise MADV_DONTNEED", madvise(p, 2 * PG, MADV_DONTNEED));
	REL("zero after MADV_DONTNEED", zeros(p, 2 * PG));
	memset(p, 5, 2 * PG);
	ROW("mprotect PROT_READ", mprotect(p, 2 * PG, PROT_READ));
	ROW("madvise MADV_DONTNEED on read-only pages", madvise(p, 2 * PG, MADV_DONTNEED));
	REL("zero after MADV_DONTNEED on read-only pages", zeros(p, 2 * PG));
	ROW("madvise unaligned", madvise(p + 1, PG, MADV_DONTNEED));
	ROW("madvise bad advice", madvise(p, PG, 12345));
	ROW("madvise MADV_NORMAL", madvise(p, PG, MADV_NORMAL));
	ROW("madvise MADV_WILLNEED", madvise(p, PG, MADV_WILLNEED));
	ROW("mprotect unaligned", mprotect(p + 1, PG, PROT_READ));
	ROW("mprotect back to RW", mprotect(p, 2 * PG, PROT_READ | PROT_WRITE));
	munmap(p, 2 * PG);

	p = map(2 * PG, PROT_READ | PROT_WRITE);
	for (long i = 0; i < 2 * PG; i++)
		p[i] = (unsigned char)i;
	q = MOK("mremap grow MREMAP_MAYMOVE", mremap(p, 2 * PG, 64 * PG, MREMAP_MAYMOVE));
	int same = 1;
	for (long i = 0; i < 2 * PG; i++)
		same &= q[i] == (unsigned char)i;
	REL("contents kept, the rest zero", same && zeros(q + 2 * PG, 62 * PG));
	unsigned char *r = MOK("mremap shrink", mremap(q, 64 * PG, PG, 0));
	REL("shrinks in place", r == q && q[5] == 5);
	ROW("mremap unaligned", (long)mremap(q + 1, PG, 2 * PG, MREMAP_MAYMOVE));
	ROW("mremap new size 0", (long)mremap(q, PG, 0, MREMAP_MAYMOVE));
	ROW("mremap bad flags", (long)mremap(q, PG, 2 * PG, 0x40));
	unsigned char *g = map(3 * PG, PROT_READ | PROT_WRITE);
	munmap(g + PG, 2 * PG);
	ROW("mremap grows in place into freed pages (no MAYMOVE)", (long)mremap(g, PG, 3 * PG, 0) == -1 ? -1 : 0);
	munmap(g, PG);
	munmap(q, PG);
	/* mremap that must move pages the program protected (the next page is
	 * taken): the contents come along. */
	static const int mprots[] = {PROT_READ, PROT_NONE};
	for (int i = 0; i < 2; i++) {
		char name[128];
		g = map(2 * PG, PROT_READ | PROT_WRITE);
		memset(g, 'm', PG);
		mprotect(g, PG, mprots[i]);
		snprintf(name, sizeof name, "mremap moves a %s page", mprots[i] ? "PROT_READ" : "PROT_NONE");
		q = MOK(name, mremap(g, PG, 4 * PG, MREMAP_MAYMOVE));
		if (q != MAP_FAILED) {
			mprotect(q, 4 * PG, PROT_READ | PROT_WRITE); /* the runtime makes it R+W anyway */
			REL("moved, contents kept", q != g && q[0] == 'm' && q[PG - 1] == 'm' && zeros(q + PG, 3 * PG));
			munmap(q, 4 * PG);
		}
		munmap(g + PG, PG);
	}

	int fd = open("mf", O_CREAT | O_RDWR | O_TRUNC, 0600);
	write(fd, "mapped file", 11);
	char *m = MOK("mmap a file MAP_PRIVATE", mmap(0, PG, PROT_READ, MAP_PRIVATE, fd, 0));
	REL("file contents, zero after", memcmp(m, "mapped file", 11) == 0 && zeros((unsigned char *)m + 11, PG - 11));
	munmap(m, PG);
	ROW("mmap a file, offset unaligned", (long)mmap(0, PG, PROT_READ, MAP_PRIVATE, fd, 100));
	ROW("mmap bad fd", (long)mmap(0, PG, PROT_READ, MAP_PRIVATE, 99, 0));
	int dfd = open(".", O_RDONLY);
	ROW("mmap a directory", (long)mmap(0, PG, PROT_READ, MAP_PRIVATE, dfd, 0));
	int wo = open("mf", O_WRONLY);
	ROW("mmap a write-only descriptor", (long)mmap(0, PG, PROT_READ, MAP_PRIVATE, wo, 0));
	close(fd), close(dfd), close(wo);
	void *big = malloc(64 << 20);
	REL("malloc 64 MiB", big != 0);
	free(big);
	probe_calls++;
}

/* dlopen from a static glibc program (sandbox-only, tests/zrt/run.sh):
 * glibc reserves a library's span with one mapping and maps its segments
 * over it with MAP_FIXED. Given the path of a real library, the call must
 * end cleanly: a handle, or NULL with dlerror's text. */
#include <dlfcn.h>
void group_dlopen(void)
{
	const char *path = probe_arg ? probe_arg : "libm.so.6";
	void *h = dlopen(path, RTLD_NOW);
	probe_calls++;
	const char *e = h ? 0 : dlerror();
	say("dlopen %s = %s%s", path, h ? "a handle" : "NULL: ", e ? e : "");
	h = dlopen("/no/such/lib.so", RTLD_NOW);
	probe_calls++;
	e = h ? 0 : dlerror();
	say("dlopen /no/such/lib.so = %s%s", h ? "a handle" : "NULL: ", e ? e : "");
}
