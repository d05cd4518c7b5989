/*
 * fmap.c - conformance rows for file mappings, which the runtime fills
 * lazily (zrt/fs/fmap.c, docs/zrt.md "Memory"): the pages of a mapping are
 * pending until the program touches them (a fault, filled by the runtime's
 * handler) or makes its next system call (filled first). Each row takes
 * one of those paths on purpose: a touch with no system call between the
 * mmap and it (results are kept in variables and printed after), or a
 * system call first.
 *
 * "fmap" is compared with Linux. "fmap-sandbox" holds what differs by
 * design and is checked against the documented behaviour by
 * tests/zrt/run.sh: a page wholly past the end of the file reads as zeros
 * (Linux: SIGBUS), pages the program mprotects before its next system call
 * read as zeros until then, and a file changed after mmap does not show
 * through (the mapping is a copy; Linux shares untouched private pages
 * with the page cache).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "groups.h"

#define PG 4096l
#define FSIZE (2 * PG + PG / 2) /* two and a half pages */

static unsigned char want[FSIZE];

static long zeros(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* The file "fm": FSIZE bytes of a pattern with no zero byte. */
static int make_file(void)
{
	for (long i = 0; i < FSIZE; i++)
		want[i] = (unsigned char)('a' + i % 23 + (i / PG) * 3);
	int fd = open("fm", O_CREAT | O_RDWR | O_TRUNC, 0600);
	if (fd < 0 || write(fd, want, FSIZE) != FSIZE)
		return -1;
	return fd;
}

static unsigned char *fmap(size_t len, int prot, int flags, int fd, long off)
{
	return mmap(0, len, prot, MAP_PRIVATE | flags, fd, off);
}

#define SAME(p, off, n) (memcmp((p), want + (off), (size_t)(n)) == 0)

void group_fmap(void)
{
	int fd = make_file();
	REL("the file", fd >= 0);

	/* A touch with no system call since the mmap: the fault path. */
	unsigned char *m = fmap(3 * PG, PROT_READ, 0, fd, 0);
	int ok = m != MAP_FAILED && m[PG + 5] == want[PG + 5];
	ok = ok && SAME(m, 0, FSIZE) && zeros(m + FSIZE, 3 * PG - FSIZE);
	REL("mmap 3 pages of a 2.5-page file, touched at once: the file's bytes, zeros after its end", ok);
	munmap(m, 3 * PG);

	/* A system call first: the fill before the call. */
	m = fmap(3 * PG, PROT_READ, 0, fd, 0);
	OK("mmap 3 pages PROT_READ", m == MAP_FAILED ? -1 : 0);
	REL("after a system call: the file's bytes, zeros after its end",
	    SAME(m, 0, FSIZE) && zeros(m + FSIZE, 3 * PG - FSIZE));
	ROW("mprotect the filled mapping PROT_READ|PROT_WRITE", mprotect(m, 3 * PG, PROT_READ | PROT_WRITE));
	m[0] = 'X', m[FSIZE] = 'Y';
	unsigned char c = 0;
	pread(fd, &c, 1, 0);
	REL("written: the mapping changes, the file does not", m[0] == 'X' && m[FSIZE] == 'Y' && c == want[0]);
	ROW("munmap", munmap(m, 3 * PG));

	/* A write as the first touch of a PROT_READ|PROT_WRITE mapping. */
	m = fmap(3 * PG, PROT_READ | PROT_WRITE, 0, fd, 0);
	if (m != MAP_FAILED)
		m[PG] = 'W';
	ok = m != MAP_FAILED && m[PG] == 'W' && SAME(m, 0, PG) && SAME(m + PG + 1, PG + 1, FSIZE - PG - 1);
	REL("mmap PROT_READ|PROT_WRITE, written at once: the rest is the file's", ok);
	munmap(m, 3 * PG);

	/* munmap of a part of a mapping never touched. */
	m = fmap(3 * PG, PROT_READ, 0, fd, 0);
	ROW("munmap the middle page of an untouched mapping", munmap(m + PG, PG));
	REL("the pages around it: the file's bytes at their offsets",
	    SAME(m, 0, PG) && SAME(m + 2 * PG, 2 * PG, PG / 2));
	munmap(m, 3 * PG);
	m = fmap(3 * PG, PROT_READ, 0, fd, 0);
	ROW("munmap the first page of an untouched mapping", munmap(m, PG));
	REL("the rest: the file's bytes at their offsets", SAME(m + PG, PG, FSIZE - PG));
	ROW("munmap the last page", munmap(m + 2 * PG, PG));
	REL("the middle page: still the file's", SAME(m + PG, PG, PG));
	munmap(m, 3 * PG);

	/* MAP_FIXED over an untouched mapping: anonymous, then the file at
	 * another offset (a dynamic loader's segment over its reservation). */
	m = fmap(3 * PG, PROT_READ, 0, fd, 0);
	unsigned char *q = mmap(m + PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	OK("mmap MAP_FIXED anonymous over the middle page", q == MAP_FAILED ? -1 : 0);
	REL("zero there, the file's bytes around",
	    q == m + PG && zeros(q, PG) && SAME(m, 0, PG) && SAME(m + 2 * PG, 2 * PG, PG / 2));
	q = mmap(m, PG, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 2 * PG);
	ok = q == m && SAME(m, 2 * PG, PG / 2) && zeros(m + PG / 2, PG / 2);
	REL("mmap MAP_FIXED of the file's last page over the first, touched at once: its bytes, then zeros", ok);
	munmap(m, 3 * PG);

	/* The loader's pattern: a reservation over everything, segments over
	 * it, the holes PROT_NONE. */
	m = fmap(3 * PG, PROT_READ, 0, fd, 0);
	q = mmap(m + 2 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, PG);
	ROW("mprotect the reservation's middle PROT_NONE", mprotect(m + PG, PG, PROT_NONE));
	REL("the segments: their offsets' bytes", q == m + 2 * PG && SAME(m, 0, PG) && SAME(q, PG, PG));
	munmap(m, 3 * PG);

	/* The descriptor closed before the first touch. */
	int fd2 = open("fm", O_RDONLY);
	m = fmap(2 * PG, PROT_READ, 0, fd2, PG);
	ROW("close the descriptor of an untouched mapping", close(fd2));
	REL("the mapping still holds the file's bytes", m != MAP_FAILED && SAME(m, PG, FSIZE - PG));
	munmap(m, 2 * PG);

	/* read() into an untouched PROT_READ|PROT_WRITE mapping. */
	m = fmap(2 * PG, PROT_READ | PROT_WRITE, 0, fd, 0);
	ROW("pread 10 bytes at offset 2 * 4096 into it", pread(fd, m + 100, 10, 2 * PG));
	REL("those bytes, the file's around them",
	    SAME(m, 0, 100) && SAME(m + 100, 2 * PG, 10) && SAME(m + 110, 110, 2 * PG - 110));
	munmap(m, 2 * PG);

	/* A PROT_NONE mapping made readable later. */
	m = fmap(PG, PROT_NONE, 0, fd, PG);
	OK("mmap PROT_NONE", m == MAP_FAILED ? -1 : 0);
	ROW("mprotect it PROT_READ", mprotect(m, PG, PROT_READ));
	REL("the file's bytes", SAME(m, PG, PG));
	munmap(m, PG);

	/* mremap of an untouched mapping. */
	m = fmap(2 * PG, PROT_READ, 0, fd, 0);
	q = mremap(m, 2 * PG, 16 * PG, MREMAP_MAYMOVE);
	OK("mremap an untouched file mapping to 16 pages", q == MAP_FAILED ? -1 : 0);
	REL("its 2 pages kept", q != MAP_FAILED && SAME(q, 0, 2 * PG));
	munmap(q, 16 * PG);

	/* Many mappings pending at once, each touched last. */
	unsigned char *many[80];
	for (int i = 0; i < 80; i++)
		many[i] = fmap(PG, PROT_READ, 0, fd, (i % 3) * PG);
	ok = 1;
	for (int i = 79; i >= 0; i--)
		ok &= many[i] != MAP_FAILED && many[i][7] == want[(i % 3) * PG + 7];
	REL("80 mappings made, then touched in reverse order: each its page's bytes", ok);
	for (int i = 0; i < 80; i++)
		munmap(many[i], PG);
	close(fd);
	unlink("fm");
	probe_calls += 6;
}

/* What differs from Linux by design (tests/zrt/run.sh checks it). */
void group_fmap_sandbox(void)
{
	int fd = make_file();
	REL("the file", fd >= 0);

	/* A page wholly past the end of the file: Linux raises SIGBUS. */
	unsigned char *m = fmap(4 * PG, PROT_READ, 0, fd, 0);
	int ok = m != MAP_FAILED && m[3 * PG] == 0 && zeros(m + FSIZE, 4 * PG - FSIZE);
	REL("a page wholly past the end of the file reads as zeros", ok);
	munmap(m, 4 * PG);
	m = fmap(PG, PROT_READ, 0, fd, 8 * PG);
	ok = m != MAP_FAILED && zeros(m, PG);
	REL("a mapping at an offset past the end reads as zeros", ok);
	munmap(m, PG);

	/* mprotect (the kernel's, which the runtime never sees) before the
	 * next system call: zeros until then; the call fills the pages and
	 * gives them the mapping's protection again. */
	m = fmap(2 * PG, PROT_READ, 0, fd, 0);
	int r = m == MAP_FAILED ? -1 : mprotect(m, 2 * PG, PROT_READ | PROT_WRITE);
	ok = r == 0 && zeros(m, 2 * PG);
	REL("pages mprotected before the next system call read as zeros", ok);
	REL("after a system call: the file's bytes", m != MAP_FAILED && SAME(m, 0, 2 * PG));
	munmap(m, 2 * PG);

	/* A file changed after mmap: Linux shows the change in private pages
	 * not yet written; the runtime's copy is taken before the change. */
	m = fmap(PG, PROT_READ, 0, fd, 0);
	ROW("pwrite 7 bytes at 0 after the mmap", pwrite(fd, "CHANGED", 7, 0));
	REL("the untouched mapping keeps the bytes of mmap time", m != MAP_FAILED && SAME(m, 0, PG));
	munmap(m, PG);
	close(fd);
	probe_calls += 5;
}
