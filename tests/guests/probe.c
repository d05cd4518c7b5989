/*
 * probe: a scriptable raw guest for the functional tests.
 *
 * Reads a script from stdin (handle 0), one command per line, runs each
 * through the trap interface (or tries something forbidden) and prints one
 * result line per command to stdout (handle 1). Numbers may be decimal,
 * 0x-hex or negative. Commands:
 *
 *   r H SIZE OFF        pread into a buffer; prints "= RET" and the data
 *   w H SIZE OFF CH     pwrite SIZE copies of character CH
 *   W H OFF TEXT        pwrite the rest of the line
 *   Wx H OFF TEXT       pwrite the rest of the line, with \n and \\ escapes,
 *                       after what was printed so far, and zvm_exit(0) at
 *                       once: the last bytes written are TEXT's
 *   ra H ADDR SIZE OFF  pread into raw address ADDR
 *   wa H ADDR SIZE OFF  pwrite from raw address ADDR
 *   jh OFF SIZE         jail heap_ptr+OFF;  uh OFF SIZE: unjail
 *   j ADDR SIZE         jail a raw address
 *   callh OFF           call code at heap_ptr+OFF (after jail)
 *   poke ADDR / peek ADDR   write / read one byte at ADDR
 *   t ID                trap with an arbitrary function id
 *   ta ADDR             trap with the args pointer ADDR
 *   m                   print the user manifest;  M: its address
 *   f                   zvm_fork
 *   x CODE              zvm_exit(CODE);   e CODE: raw exit_group
 *   sys NR              raw Linux syscall NR (no arguments)
 *   mprot ADDR LEN PROT raw mprotect
 *   rdtsc               execute rdtsc
 *   spin                loop forever;  busy N: loop N million times
 *   touch N             write one byte every 4 KiB of N bytes from heap_ptr
 *   flood H N           write N KiB to H in 4 KiB pieces, stop at an error
 *   copy HIN HOUT S1,S2,...   read HIN with sizes cycling through the list
 *                       (each at most 1 MiB) until a read returns 0 or fails,
 *                       writing each piece whole to HOUT (-1: nowhere), and
 *                       stop at a failed write; prints "= BYTES READS R W":
 *                       bytes and reads that returned data, the last read's
 *                       result (0 at the end) and the first failed write's
 *                       (0 if none)
 */
#include "zvm_start.h"

static char buf[1 << 20];
static char line[4096];
static char out[8192];
static int outn;

static void flush(void)
{
	if (outn)
		zvm_pwrite(1, out, outn, 0);
	outn = 0;
}

static void put(const char *s, long n)
{
	for (long i = 0; i < n; i++) {
		if (outn == (int)sizeof out)
			flush();
		out[outn++] = s[i];
	}
}

static void puts_(const char *s)
{
	put(s, (long)strlen(s));
}

static void putnum(long long v)
{
	char t[24];
	int i = 0;
	unsigned long long u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
	do
		t[i++] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		put("-", 1);
	while (i)
		put(&t[--i], 1);
}

static void puthex(unsigned long long v)
{
	char t[20];
	int i = 0;
	do
		t[i++] = "0123456789abcdef"[v & 15];
	while (v >>= 4);
	put("0x", 2);
	while (i)
		put(&t[--i], 1);
}

static const char *cur;

static void skip(void)
{
	while (*cur == ' ' || *cur == '\t')
		cur++;
}

static long long num(void)
{
	skip();
	int neg = 0;
	if (*cur == '-')
		neg = 1, cur++;
	unsigned long long v = 0;
	if (cur[0] == '0' && cur[1] == 'x') {
		for (cur += 2;; cur++) {
			char c = *cur;
			int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
			if (d < 0)
				break;
			v = v * 16 + (unsigned)d;
		}
	} else {
		for (; *cur >= '0' && *cur <= '9'; cur++)
			v = v * 10 + (unsigned)(*cur - '0');
	}
	return neg ? -(long long)v : (long long)v;
}

static int word(const char *w)
{
	skip();
	size_t n = strlen(w);
	if (memcmp(cur, w, n) == 0 && (cur[n] == ' ' || cur[n] == 0)) {
		cur += n;
		return 1;
	}
	return 0;
}

static long raw_syscall(long nr, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}

static void result(long long r)
{
	puts_("= ");
	putnum(r);
}

static void manifest(void)
{
	const struct UserManifest *m = MANIFEST;
	puts_("heap ");
	puthex((unsigned long long)(uintptr_t)m->heap_ptr);
	puts_(" size ");
	putnum(m->heap_size);
	puts_(" stack ");
	putnum(m->stack_size);
	puts_(" channels ");
	putnum(m->channels_count);
	for (int i = 0; i < m->channels_count; i++) {
		const struct ZVMChannel *c = &m->channels[i];
		puts_("\n");
		putnum(i);
		puts_(" ");
		puts_(c->name);
		puts_(" type ");
		putnum(c->type);
		puts_(" size ");
		putnum(c->size);
		for (int k = 0; k < LimitsNumber; k++) {
			puts_(" ");
			putnum(c->limits[k]);
		}
	}
}

static char *heap(long long off)
{
	return (char *)MANIFEST->heap_ptr + off;
}

static void copy(void)
{
	long long hin = num(), hout = num(), size[16], total = 0, reads = 0, r = 0, w = 0;
	int nsize = 0;
	do {
		if (*cur == ',')
			cur++;
		size[nsize++] = num();
	} while (*cur == ',' && nsize < 16);
	for (int k = 0;; k = (k + 1) % nsize) {
		r = zvm_pread((int)hin, buf, (int32_t)size[k], 0);
		if (r <= 0)
			break;
		total += r, reads++;
		for (long long at = 0; hout >= 0 && at < r;) {
			int n = zvm_pwrite((int)hout, buf + at, (int32_t)(r - at), 0);
			if (n <= 0) {
				w = n ? n : -5;
				break;
			}
			at += n;
		}
		if (w)
			break;
	}
	result(total);
	puts_(" ");
	putnum(reads);
	puts_(" ");
	putnum(r);
	puts_(" ");
	putnum(w);
}

static void run(void)
{
	long long a, b, c, d;
	if (word("r")) {
		a = num(), b = num(), c = num();
		long long r = zvm_pread((int)a, buf, (int32_t)b, c);
		result(r);
		if (r > 0) {
			puts_(" ");
			put(buf, r);
		}
	} else if (word("w")) {
		a = num(), b = num(), c = num();
		skip();
		char ch = *cur;
		for (long long i = 0; i < b && i < (long long)sizeof buf; i++)
			buf[i] = ch;
		result(zvm_pwrite((int)a, buf, (int32_t)b, c));
	} else if (word("Wx")) {
		a = num(), b = num();
		if (*cur == ' ')
			cur++;
		int n = 0;
		for (const char *p = cur; *p; p++, n++)
			if (p[0] == '\\' && p[1])
				buf[n] = *++p == 'n' ? '\n' : *p;
			else
				buf[n] = *p;
		flush();
		zvm_pwrite((int)a, buf, n, b);
		zvm_exit(0);
	} else if (word("W")) {
		a = num(), b = num();
		if (*cur == ' ')
			cur++;
		result(zvm_pwrite((int)a, cur, (int32_t)strlen(cur), b));
	} else if (word("ra")) {
		a = num(), b = num(), c = num(), d = num();
		result(zvm_pread((int)a, (void *)(uintptr_t)b, (int32_t)c, d));
	} else if (word("wa")) {
		a = num(), b = num(), c = num(), d = num();
		result(zvm_pwrite((int)a, (void *)(uintptr_t)b, (int32_t)c, d));
	} else if (word("jh")) {
		a = num(), b = num();
		result(zvm_jail(heap(a), (int32_t)b));
	} else if (word("uh")) {
		a = num(), b = num();
		result(zvm_unjail(heap(a), (int32_t)b));
	} else if (word("j")) {
		a = num(), b = num();
		result(zvm_jail((void *)(uintptr_t)a, (int32_t)b));
	} else if (word("callh")) {
		a = num();
		result(((int (*)(void))(uintptr_t)heap(a))());
	} else if (word("poke")) {
		a = num();
		*(volatile char *)(uintptr_t)a = 1;
		result(0);
	} else if (word("peek")) {
		a = num();
		result(*(volatile unsigned char *)(uintptr_t)a);
	} else if (word("ta")) {
		a = num();
		result(TRAP((uint64_t *)(uintptr_t)a));
	} else if (word("t")) {
		uint64_t args[6] = {(uint64_t)num(), 0, 0, 0, 0, 0};
		result(TRAP(args));
	} else if (word("M")) {
		puts_("manifest ");
		puthex((unsigned long long)(uintptr_t)MANIFEST);
	} else if (word("m")) {
		manifest();
	} else if (word("f")) {
		result(zvm_fork());
	} else if (word("x")) {
		flush();
		zvm_exit((int32_t)num());
	} else if (word("e")) {
		flush();
		raw_syscall(231, (long)num(), 0, 0);
	} else if (word("sys")) {
		flush();
		result(raw_syscall((long)num(), 0, 0, 0));
	} else if (word("mprot")) {
		a = num(), b = num(), c = num();
		flush();
		result(raw_syscall(10, (long)a, (long)b, (long)c));
	} else if (word("rdtsc")) {
		unsigned lo, hi;
		flush();
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		result(lo);
	} else if (word("busy")) {
		a = num();
		for (volatile long long i = 0; i < a * 1000000; i++)
			;
		result(a);
	} else if (word("spin")) {
		flush();
		for (;;)
			__asm__ volatile("");
	} else if (word("touch")) {
		a = num();
		flush();
		for (long long i = 0; i < a; i += 4096)
			heap(i)[0] = 1;
		result(a);
	} else if (word("flood")) {
		a = num(), b = num();
		long long total = 0;
		for (long long i = 0; i < b; i += 4) {
			int r = zvm_pwrite((int)a, buf, 4096, 0);
			if (r < 0) {
				total = r;
				break;
			}
			total += r;
		}
		result(total);
	} else if (word("copy")) {
		copy();
	} else {
		puts_("? ");
		puts_(cur);
	}
	puts_("\n");
}

int main(int argc, char **argv)
{
	(void)argc, (void)argv;
	int n = 0;
	/* The script is read one byte at a time so that the reads it makes
	 * itself are easy to account for in tests: one get per byte. */
	for (;;) {
		char ch;
		int r = zvm_pread(0, &ch, 1, n);
		if (r <= 0 || ch == '\n') {
			if (n) {
				line[n] = 0;
				cur = line;
				run();
				flush();
			}
			n = 0;
			if (r <= 0)
				break;
			continue;
		}
		if (n < (int)sizeof line - 1)
			line[n++] = ch;
	}
	flush();
	return 0;
}
