/*
 * test_elfdyn.c - the dynamic ELF reader (untrusted/elfdyn.c) against
 * hostile objects: truncated headers, program headers outside the file,
 * offsets and sizes that overflow, segments out of order or past guest
 * memory, a PT_INTERP without its NUL or twice, DT_NEEDED and DT_RUNPATH
 * strings outside the string table, huge counts; and a good object read
 * whole. Objects are built in memory (struct obj); the read function
 * refuses (and the test fails on) any read outside the file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "elfdyn.h"

#define SZ 0x3000u

struct obj {
	uint8_t b[SZ];
	size_t n; /* the file's size */
	unsigned nph;
	unsigned reads_outside;
};

static void put16(struct obj *o, size_t at, uint16_t v)
{
	memcpy(o->b + at, &v, 2);
}
static void put32(struct obj *o, size_t at, uint32_t v)
{
	memcpy(o->b + at, &v, 4);
}
static void put64(struct obj *o, size_t at, uint64_t v)
{
	memcpy(o->b + at, &v, 8);
}

/* The ELF header: x86-64 ET_DYN, program headers at 64, none yet. */
static void elf_init(struct obj *o)
{
	memset(o, 0, sizeof *o);
	memcpy(o->b, "\177ELF\2\1\1", 7);
	put16(o, 16, 3);  /* ET_DYN */
	put16(o, 18, 62); /* x86-64 */
	put32(o, 20, 1);
	put64(o, 24, 0x100); /* entry */
	put64(o, 32, 64);    /* phoff */
	put16(o, 52, 64);
	put16(o, 54, 56); /* phentsize */
	o->n = SZ;
}

static void ph(struct obj *o, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr, uint64_t filesz,
	       uint64_t memsz)
{
	size_t at = 64 + 56 * o->nph++;
	put32(o, at, type);
	put32(o, at + 4, flags);
	put64(o, at + 8, off);
	put64(o, at + 16, vaddr);
	put64(o, at + 24, vaddr);
	put64(o, at + 32, filesz);
	put64(o, at + 40, memsz);
	put64(o, at + 48, 0x1000);
	put16(o, 56, (uint16_t)o->nph);
}

static int64_t rd(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct obj *o = ctx;
	if (off > o->n || len > o->n - off) {
		o->reads_outside++;
		return -5;
	}
	memcpy(buf, o->b + off, len);
	return (int64_t)len;
}

/* A good object: text at 0 (RX, with PT_INTERP at 0x200), data at 0x2000
 * (RW, the dynamic section at 0x2000, the strings at 0x2800). */
#define DYN 0x2000u
#define STR 0x2800u
static void good(struct obj *o)
{
	elf_init(o);
	ph(o, 3, 4, 0x200, 0x200, 28, 28); /* PT_INTERP */
	ph(o, 1, 5, 0, 0, 0x1000, 0x1000);
	ph(o, 1, 6, 0x2000, 0x2000, 0x1000, 0x1800);
	ph(o, 2, 6, DYN, DYN, 0x100, 0x100); /* PT_DYNAMIC */
	memcpy(o->b + 0x200, "/lib64/ld-linux-x86-64.so.2", 28);
	memcpy(o->b + STR, "\0libc.so.6\0libm.so.6\0/opt/lib\0", 31);
	uint64_t dyn[][2] = {{1, 1}, {1, 11}, {29, 21}, {5, STR}, {10, 31}, {0, 0}};
	memcpy(o->b + DYN, dyn, sizeof dyn);
}

static const char *parse_err(struct obj *o)
{
	struct elfdyn e;
	const char *why = NULL;
	int r = elfdyn_parse(rd, o, o->n, &e, &why);
	assert_int_equal(o->reads_outside, 0);
	return r == 0 ? "(accepted)" : why;
}

static void test_good(void **state)
{
	(void)state;
	struct obj o;
	good(&o);
	struct elfdyn e;
	struct elfdyn_deps d;
	const char *why = NULL;
	char buf[64];
	assert_int_equal(elfdyn_parse(rd, &o, o.n, &e, &why), 0);
	assert_int_equal(e.nseg, 2);
	assert_int_equal(e.lo, 0);
	assert_int_equal(e.hi, 0x4000);
	assert_int_equal(elfdyn_check_exec(&e, &why), 0);
	assert_int_equal(elfdyn_interp(rd, &o, &e, buf, sizeof buf, &why), 0);
	assert_string_equal(buf, "/lib64/ld-linux-x86-64.so.2");
	assert_int_equal(elfdyn_deps(rd, &o, o.n, &e, &d, &why), 0);
	assert_int_equal(d.nneeded, 2);
	assert_true(d.has_runpath);
	assert_false(d.has_rpath);
	assert_int_equal(elfdyn_string(rd, &o, &d, d.needed[1], buf, sizeof buf, &why), 0);
	assert_string_equal(buf, "libm.so.6");
	assert_int_equal(elfdyn_string(rd, &o, &d, d.runpath, buf, sizeof buf, &why), 0);
	assert_string_equal(buf, "/opt/lib");
	assert_int_equal(o.reads_outside, 0);
}

static void test_truncated_header(void **state)
{
	(void)state;
	struct obj o;
	good(&o);
	for (size_t n = 0; n < 64; n += 7) {
		o.n = n;
		assert_string_equal(parse_err(&o), "truncated ELF header");
	}
	good(&o);
	o.b[4] = 1; /* 32-bit */
	assert_string_equal(parse_err(&o), "not a 64-bit little-endian x86-64 ELF");
	good(&o);
	put16(&o, 16, 1); /* ET_REL */
	assert_string_equal(parse_err(&o), "not an executable or shared object");
}

static void test_program_headers_outside(void **state)
{
	(void)state;
	struct obj o;
	const char *bad = "bad or truncated program header table";
	good(&o);
	o.n = 64 + 56 * 3; /* the fourth header cut off */
	assert_string_equal(parse_err(&o), bad);
	good(&o);
	put64(&o, 32, SZ - 56); /* phoff: the table runs past the end */
	assert_string_equal(parse_err(&o), bad);
	good(&o);
	put64(&o, 32, UINT64_MAX - 8); /* phoff + size overflows */
	assert_string_equal(parse_err(&o), bad);
	good(&o);
	put16(&o, 56, 0xffff); /* a huge count */
	assert_string_equal(parse_err(&o), bad);
	good(&o);
	put16(&o, 56, ELFDYN_PHNUM_MAX + 1);
	assert_string_equal(parse_err(&o), bad);
	good(&o);
	put16(&o, 54, 64); /* a phentsize that is not Elf64_Phdr's */
	assert_string_equal(parse_err(&o), bad);
	good(&o);
	put16(&o, 56, 0);
	assert_string_equal(parse_err(&o), bad);
}

static void test_segments_overflow(void **state)
{
	(void)state;
	struct obj o;
	const char *trunc = "truncated or malformed segment";
	elf_init(&o);
	ph(&o, 1, 5, 0, 0, SZ + 1, SZ + 1); /* past the end of the file */
	assert_string_equal(parse_err(&o), trunc);
	elf_init(&o);
	ph(&o, 1, 5, 0x1000, 0x1000, UINT64_MAX - 0xfff, UINT64_MAX); /* offset + size overflows */
	assert_string_equal(parse_err(&o), trunc);
	elf_init(&o);
	ph(&o, 1, 5, 0, 0, 0x2000, 0x1000); /* filesz > memsz */
	assert_string_equal(parse_err(&o), trunc);
	elf_init(&o);
	ph(&o, 1, 5, 0, 0xfffffffffffff000u, 0x1000, 0x1000);
	assert_string_equal(parse_err(&o), "a segment does not fit in guest memory");
	elf_init(&o);
	ph(&o, 1, 5, 0, (1ull << 46) - 0x1000, 0x1000, 0x2000); /* starts below 2^46, ends past it */
	assert_string_equal(parse_err(&o), "a segment does not fit in guest memory");
	elf_init(&o);
	ph(&o, 1, 5, 0, 0x10000, 0x1000, UINT64_MAX - 0x10000 + 2); /* vaddr + memsz wraps */
	assert_string_equal(parse_err(&o), "a segment does not fit in guest memory");
	elf_init(&o);
	ph(&o, 1, 5, 0x100, 0x2000, 0x100, 0x100);
	assert_string_equal(parse_err(&o), "segment offset and address disagree modulo the page size");
	elf_init(&o);
	ph(&o, 1, 5, 0x1000, 0x5000, 0x100, 0x100);
	ph(&o, 1, 6, 0x2000, 0x2000, 0x100, 0x100);
	assert_string_equal(parse_err(&o), "segments overlap or are not in address order");
	elf_init(&o);
	for (unsigned i = 0; i <= ELFDYN_SEG_MAX; i++)
		ph(&o, 1, 4, 0, 0x1000u * i, 0x10, 0x10);
	assert_string_equal(parse_err(&o), "too many loadable segments");
	elf_init(&o);
	ph(&o, 6, 4, 64, 64, 56, 56); /* only a PT_PHDR */
	assert_string_equal(parse_err(&o), "no loadable segment");
	elf_init(&o);
	ph(&o, 1, 7, 0, 0, 0x1000, 0x1000); /* RWX */
	struct elfdyn e;
	const char *why;
	assert_int_equal(elfdyn_parse(rd, &o, o.n, &e, &why), 0);
	assert_int_equal(elfdyn_check_exec(&e, &why), -1);
	assert_string_equal(why, "a segment is both writable and executable");
	put64(&o, 24, 0x5000); /* the entry outside every segment */
	put32(&o, 64 + 4, 5);
	assert_int_equal(elfdyn_parse(rd, &o, o.n, &e, &why), 0);
	assert_int_equal(elfdyn_check_exec(&e, &why), -1);
	assert_string_equal(why, "entry point is not inside an executable segment");
}

static int interp_of(struct obj *o, char *buf, size_t len, const char **why)
{
	struct elfdyn e;
	if (elfdyn_parse(rd, o, o->n, &e, why) < 0)
		return -2;
	int r = elfdyn_interp(rd, o, &e, buf, len, why);
	assert_int_equal(o->reads_outside, 0);
	return r;
}

static void test_interp(void **state)
{
	(void)state;
	struct obj o;
	char buf[64];
	const char *why = NULL;
	good(&o);
	o.b[0x200 + 27] = 'x'; /* no NUL */
	assert_int_equal(interp_of(&o, buf, sizeof buf, &why), -1);
	assert_string_equal(why, "the interpreter's path is not one string");
	good(&o);
	o.b[0x200 + 5] = '\0'; /* a NUL inside */
	assert_int_equal(interp_of(&o, buf, sizeof buf, &why), -1);
	assert_string_equal(why, "the interpreter's path is not one string");
	good(&o);
	assert_int_equal(interp_of(&o, buf, 20, &why), -1); /* longer than the buffer */
	assert_string_equal(why, "the interpreter's path is empty or too long");
	good(&o);
	put64(&o, 64 + 32, 0); /* filesz 0: an empty path, not "no interpreter" */
	assert_int_equal(interp_of(&o, buf, sizeof buf, &why), -1);
	assert_string_equal(why, "the interpreter's path is empty or too long");
	good(&o);
	put64(&o, 64 + 8, SZ - 10); /* the path runs past the end */
	assert_int_equal(interp_of(&o, buf, sizeof buf, &why), -2);
	assert_string_equal(why, "truncated or malformed segment");
	good(&o);
	put64(&o, 64 + 8, UINT64_MAX - 4); /* offset + size overflows */
	assert_int_equal(interp_of(&o, buf, sizeof buf, &why), -2);
	good(&o);
	ph(&o, 3, 4, 0x200, 0x200, 28, 28); /* a second PT_INTERP */
	assert_int_equal(interp_of(&o, buf, sizeof buf, &why), -2);
	assert_string_equal(why, "more than one interpreter (PT_INTERP)");
	elf_init(&o);
	ph(&o, 1, 5, 0, 0, 0x1000, 0x1000); /* none: a static program */
	assert_int_equal(interp_of(&o, buf, sizeof buf, &why), 1);
}

/* elfdyn_deps on o: its result, d filled. */
static int deps_of(struct obj *o, struct elfdyn_deps *d, const char **why)
{
	struct elfdyn e;
	assert_int_equal(elfdyn_parse(rd, o, o->n, &e, why), 0);
	int r = elfdyn_deps(rd, o, o->n, &e, d, why);
	assert_int_equal(o->reads_outside, 0);
	return r;
}

static void set_dyn(struct obj *o, unsigned i, uint64_t tag, uint64_t val)
{
	put64(o, DYN + 16 * i, tag);
	put64(o, DYN + 16 * i + 8, val);
}

static void test_strings_outside(void **state)
{
	(void)state;
	struct obj o;
	struct elfdyn_deps d;
	const char *why = NULL;
	char buf[64];
	good(&o);
	set_dyn(&o, 0, 1, 31);    /* DT_NEEDED at the table's end */
	set_dyn(&o, 2, 29, 5000); /* DT_RUNPATH far past it */
	assert_int_equal(deps_of(&o, &d, &why), 0);
	assert_int_equal(elfdyn_string(rd, &o, &d, d.needed[0], buf, sizeof buf, &why), -1);
	assert_string_equal(why, "a dynamic string is outside the string table");
	assert_int_equal(elfdyn_string(rd, &o, &d, d.runpath, buf, sizeof buf, &why), -1);
	assert_int_equal(elfdyn_string(rd, &o, &d, UINT64_MAX, buf, sizeof buf, &why), -1);
	assert_int_equal(o.reads_outside, 0);

	good(&o);
	set_dyn(&o, 4, 10, 9); /* DT_STRSZ cuts "libm.so.6" before its NUL */
	assert_int_equal(deps_of(&o, &d, &why), 0);
	assert_int_equal(elfdyn_string(rd, &o, &d, 1, buf, sizeof buf, &why), -1);
	assert_string_equal(why, "a dynamic string is not terminated");
	good(&o);
	assert_int_equal(deps_of(&o, &d, &why), 0);
	assert_int_equal(elfdyn_string(rd, &o, &d, 1, buf, 5, &why), -1); /* longer than the buffer */
	assert_string_equal(why, "a dynamic string is not terminated");

	const char *outside = "the dynamic string table is outside the file";
	good(&o);
	set_dyn(&o, 3, 5, 0x5000); /* DT_STRTAB in no segment */
	assert_int_equal(deps_of(&o, &d, &why), -1);
	assert_string_equal(why, outside);
	good(&o);
	set_dyn(&o, 3, 5, 0x3400); /* in the bss: no file bytes */
	assert_int_equal(deps_of(&o, &d, &why), -1);
	assert_string_equal(why, outside);
	good(&o);
	set_dyn(&o, 4, 10, 0x1000); /* DT_STRSZ past the segment's file part */
	assert_int_equal(deps_of(&o, &d, &why), -1);
	assert_string_equal(why, outside);
	good(&o);
	set_dyn(&o, 4, 10, UINT64_MAX);
	assert_int_equal(deps_of(&o, &d, &why), -1);
	assert_string_equal(why, outside);
	good(&o);
	set_dyn(&o, 3, 0x7fffffff, 0); /* no DT_STRTAB */
	assert_int_equal(deps_of(&o, &d, &why), -1);
	assert_string_equal(why, "the dynamic section has no string table");
}

static void test_dynamic_counts(void **state)
{
	(void)state;
	struct obj o;
	struct elfdyn_deps d;
	const char *why = NULL;
	good(&o);
	put64(&o, 64 + 3 * 56 + 32, 0x1000); /* PT_DYNAMIC of 256 entries */
	for (unsigned i = 0; i < 256; i++)
		set_dyn(&o, i, 1, 1);
	assert_int_equal(deps_of(&o, &d, &why), -1);
	assert_string_equal(why, "too many needed libraries");
	good(&o);
	put64(&o, 64 + 3 * 56 + 32, 0x1000); /* no DT_NULL: the section's end ends it */
	for (unsigned i = 0; i < 256; i++)
		set_dyn(&o, i, 0x6ffffef5, 0);
	set_dyn(&o, 255, 1, 1);
	set_dyn(&o, 254, 5, STR);
	set_dyn(&o, 253, 10, 31);
	assert_int_equal(deps_of(&o, &d, &why), 0);
	assert_int_equal(d.nneeded, 1);
	good(&o);
	put64(&o, 64 + 3 * 56 + 32, 0x100 + 8); /* a size not a multiple of 16 */
	assert_int_equal(deps_of(&o, &d, &why), 0);
	assert_int_equal(d.nneeded, 2);
	good(&o);
	put64(&o, 64 + 3 * 56 + 8, SZ - 8); /* PT_DYNAMIC past the end */
	struct elfdyn e;
	assert_int_equal(elfdyn_parse(rd, &o, o.n, &e, &why), -1);
	assert_string_equal(why, "truncated or malformed segment");
	good(&o);
	set_dyn(&o, 0, 0, 0); /* DT_NULL first: nothing needed, no table read */
	assert_int_equal(deps_of(&o, &d, &why), 0);
	assert_int_equal(d.nneeded, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_program_headers_outside),
		cmocka_unit_test(test_segments_overflow),
		cmocka_unit_test(test_interp),
		cmocka_unit_test(test_strings_outside),
		cmocka_unit_test(test_dynamic_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
